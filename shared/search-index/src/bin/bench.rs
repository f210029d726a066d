//! `medportal-search-bench DIR [rounds]` — query cost over an index saved by
//! `medportal-search-synth --save`. Std only (files + clocks), so the same binary builds for
//! wasm32-wasip1 and runs in V8 (Node's WASI, the engine Cloudflare Workers use) as well as
//! natively.
//!
//! Reports cold start (vocabulary decode, `Searcher::open`, the first pass over all queries,
//! which loads and decodes the chunks), then per-query cost over `rounds` warm passes in two
//! modes: **top10** (top 10 with the query's filters — what tantivy's `TopDocs` computes) and
//! **page** (the results page: top 10 + exact total + facet counts over every match).
//! Per-query cost is the CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`; in wasm the
//! WASI `clock_time_get(THREAD_CPUTIME)` of the thread running the wasm), falling back to wall
//! time where that clock is unavailable; the `timer=` field says which. Peak memory: natively
//! the process's RSS high-water mark (`VmHWM`), in wasm the linear memory size at the end (it
//! never shrinks, so it is the peak).
//!
//! `medportal-search-bench DIR --load [batch]` measures the write side instead: the saved
//! corpus (`DIR/docs.jsonl`) published in batches of `batch` (100) documents the way the
//! indexing entry point publishes them (opened for the batch's ids only, merges streaming
//! chunk by chunk into a chunk directory `DIR/load/`), reporting the load time, the slowest
//! publish and the **merge peak memory**: natively the largest heap in use during any publish
//! (a counting allocator; the documents not yet published stay on disk), in wasm the linear
//! memory at the end (the peak of the whole load). It then checks that the loaded index
//! holds every document and finds sampled ones by id.
//!
//! The last line is machine-readable: `RESULT engine=… key=value …` (read by the comparison
//! harness, `shared/search-index/compare`).

mod common;

use std::rc::Rc;
use std::time::Instant;

use common::percentile;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::BufRead;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use common::{Json, parse_json};
use medportal_search_index::merge::block_on;
use medportal_search_index::{
    Audience, ChunkCache, ChunkId, ChunkSource, Document, Error, FacetField, Filter, IndexBuilder, IndexConfig, MergeIo,
    SearchRequest, Searcher, Vocab,
};

/// The system allocator, counting the bytes in use and their high-water mark.
struct Counting;
static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        IN_USE.fetch_sub(l.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            if new >= l.size() {
                let now = IN_USE.fetch_add(new - l.size(), Relaxed) + new - l.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                IN_USE.fetch_sub(l.size() - new, Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The saved index's chunks, one file each. Notes the chunks it reads, and no time: under
/// Wasmtime every clock reading is a call into the Python harness, and two per read were a
/// third of the first query's figure. [`read_again`] times reading the same files once more.
/// The engine gets a copy of the bytes read, made on its side, as a Worker's engine gets the
/// bytes its store binding fetched copied into its linear memory.
struct DirSource {
    dir: String,
    read: std::cell::RefCell<Vec<ChunkId>>,
}

impl DirSource {
    fn new(dir: &str) -> Self {
        Self { dir: dir.to_string(), read: Default::default() }
    }
    fn read(&self, id: ChunkId) -> Option<Vec<u8>> {
        std::fs::read(format!("{}/chunks/{id}", self.dir)).ok()
    }
}

impl ChunkSource for DirSource {
    fn get(&self, id: ChunkId) -> Option<Vec<u8>> {
        self.read.borrow_mut().push(id);
        self.read(id).map(|b| b.as_slice().to_vec())
    }
}

/// Reads the chunks `source` read once more, as it did: their bytes and the time it takes
/// (the files are in the page cache both times): the host's side of the first query's chunk
/// fetches.
fn read_again(timer: &Timer, source: &DirSource) -> (u64, f64) {
    let ids = source.read.borrow();
    timer.measure(|| ids.iter().map(|&id| source.read(id).map_or(0, |b| b.len() as u64)).sum())
}

/// CPU time of the calling thread, in nanoseconds.
fn thread_cpu_ns() -> Option<u64> {
    cpu_ns(3) // CLOCK_THREAD_CPUTIME_ID, the same id in Linux and WASI preview 1
}

/// CPU time of the whole process (every thread: in V8 also its background compiler and
/// garbage collector threads), in nanoseconds.
fn process_cpu_ns() -> Option<u64> {
    cpu_ns(2) // CLOCK_PROCESS_CPUTIME_ID, the same id in Linux and WASI preview 1
}

/// One CPU clock's reading, in nanoseconds.
#[cfg(all(target_os = "linux", not(target_family = "wasm")))]
fn cpu_ns(clock: i32) -> Option<u64> {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec to the pointer we pass.
    let ok = unsafe { clock_gettime(clock, &mut ts) } == 0;
    ok.then(|| ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

/// One CPU clock's reading, in nanoseconds (WASI preview 1).
#[cfg(all(target_os = "wasi", target_env = "p1"))]
fn cpu_ns(clock: i32) -> Option<u64> {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    unsafe extern "C" {
        fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> u16;
    }
    let mut t = 0u64;
    // SAFETY: the host writes one u64 to the pointer we pass.
    let ok = unsafe { clock_time_get(clock as u32, 1, &mut t) } == 0;
    ok.then_some(t)
}

#[cfg(not(any(
    all(target_os = "linux", not(target_family = "wasm")),
    all(target_os = "wasi", target_env = "p1")
)))]
fn cpu_ns(_clock: i32) -> Option<u64> {
    None
}

/// Peak memory in bytes: RSS high-water mark natively, linear memory size in wasm.
fn peak_memory() -> Option<u64> {
    #[cfg(target_family = "wasm")]
    {
        Some(core::arch::wasm32::memory_size(0) as u64 * 65536)
    }
    #[cfg(not(target_family = "wasm"))]
    {
        let s = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }
}

/// Measures one query: CPU time if the thread clock works, else wall time (ms).
struct Timer {
    cpu: bool,
}

impl Timer {
    fn new() -> Self {
        Self { cpu: thread_cpu_ns().is_some() }
    }
    fn name(&self) -> &'static str {
        if self.cpu { "thread-cpu" } else { "wall" }
    }
    /// Like [`Timer::measure`], plus the CPU time of every other thread of the process in the
    /// same span (process CPU − thread CPU; 0 where there is no process clock).
    fn measure_split<T>(&self, f: impl FnOnce() -> T) -> (T, f64, f64) {
        let p0 = process_cpu_ns();
        let (r, ms) = self.measure(f);
        let other = match (p0, process_cpu_ns()) {
            (Some(a), Some(b)) if self.cpu => (b.saturating_sub(a) as f64 / 1e6 - ms).max(0.0),
            _ => 0.0,
        };
        (r, ms, other)
    }
    fn measure<T>(&self, f: impl FnOnce() -> T) -> (T, f64) {
        if self.cpu {
            let a = thread_cpu_ns().unwrap_or(0);
            let r = f();
            let b = thread_cpu_ns().unwrap_or(0);
            (r, b.saturating_sub(a) as f64 / 1e6)
        } else {
            let t = Instant::now();
            let r = f();
            (r, t.elapsed().as_secs_f64() * 1e3)
        }
    }
}

fn parse_queries(text: &str) -> Vec<SearchRequest> {
    text.lines()
        .map(|l| {
            let mut parts = l.split('\t');
            let mut r = SearchRequest::new(parts.next().unwrap_or("")).limit(10);
            for f in parts.next().unwrap_or("").split(';').filter(|s| !s.is_empty()) {
                let (field, values) = f.split_once('=').expect("filter");
                let field = FacetField::from_name(field).expect("facet field");
                r.filters.push(Filter { field, values: values.split(',').map(str::to_string).collect() });
            }
            r.facets = parts.next() == Some("1");
            r
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().expect("usage: medportal-search-bench DIR [rounds] | DIR --load [batch]").clone();
    if let Some(i) = args.iter().position(|a| a == "--load") {
        let batch = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(100);
        return load(&dir, batch);
    }
    let rounds: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    // `--cold`: the cold figures only (vocabulary, open, first query), then exit
    let cold_only = args.iter().any(|a| a == "--cold");
    if let Some(f) = args.iter().position(|a| a == "--write-warm-up").and_then(|i| args.get(i + 1)) {
        std::fs::write(f, medportal_search_index::warmup::build().expect("warm-up blob")).expect("write the warm-up blob");
        return;
    }
    if args.iter().any(|a| a == "--hash") {
        // the content-id check of a chunk (xxh64) over 1 MB: first call (code cold) and second
        let buf = vec![7u8; 1 << 20];
        let timer = Timer::new();
        let (_, a) = timer.measure(|| std::hint::black_box(medportal_search_index::codec::xxh64(&buf, 1)));
        let (_, b) = timer.measure(|| std::hint::black_box(medportal_search_index::codec::xxh64(&buf, 2)));
        println!("xxh64 1 MB: first {a:.3} ms, second {b:.3} ms ({})", timer.name());
        return;
    }
    // `--slow N`: also list the N most expensive queries per mode (their best of the rounds)
    let slow: usize = args.iter().position(|a| a == "--slow").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let meta = std::fs::read(format!("{dir}/meta")).expect("read meta");
    let reqs = parse_queries(&std::fs::read_to_string(format!("{dir}/queries.tsv")).expect("read queries"));
    let timer = Timer::new();
    let target = if cfg!(target_family = "wasm") { "wasm" } else { "native" };

    // cold: what a fresh isolate / Spin instance pays before its first answer, as CPU time
    // (wall time when the runtime has no thread clock): vocabulary, open, then one results
    // page (the first query with exact total and facet counts), chunks loaded on demand
    // `--warm-up FILE`: first what a query Worker does at start-up (`warmup::run` over the
    // blob `--write-warm-up FILE` wrote, the bytes its build embeds), timed on its own
    let warm_up = args.iter().position(|a| a == "--warm-up").and_then(|i| args.get(i + 1)).map(|f| {
        let blob = std::fs::read(f).expect("read the warm-up blob");
        let (r, ms, _) = timer.measure_split(|| medportal_search_index::warmup::run(&blob));
        r.expect("warm-up");
        ms
    });
    let (vocab, vocab_ms, vocab_other) = timer.measure_split(|| Rc::new(Vocab::builtin()));
    let cache = Rc::new(ChunkCache::new(256 << 20));
    let source = Rc::new(DirSource::new(&dir));
    let (searcher, open_ms, open_other) =
        timer.measure_split(|| Searcher::open(&meta, source.clone(), cache.clone(), vocab).expect("open"));
    let mut first = reqs[0].clone();
    first.facets = true;
    let (_, first_query_ms, first_other) = timer.measure_split(|| searcher.search(&first).expect("search"));
    // the first query's chunk files: their bytes, and reading them once more (thread CPU); the
    // query less that reading is its engine's side: the bytes copied in, checked against their
    // ids, decoded, and the search (what a Worker's engine runs on its first page: its store
    // delivers the bytes before the engine runs, without a file system)
    let (read_bytes, read_ms) = read_again(&timer, &source);
    let first_engine_ms = (first_query_ms - read_ms).max(0.0);
    let cold_ms = vocab_ms + open_ms + first_query_ms;
    // CPU of the process's other threads meanwhile (V8: background compilation and tier-up,
    // GC helpers): real work, but not the request's thread (what Workers bill)
    let other_ms = vocab_other + open_other + first_other;
    if cold_only {
        println!(
            "{target} docs={} cold ({}): {}vocab={vocab_ms:.3}ms open={open_ms:.3}ms first-query={first_query_ms:.3}ms (engine {first_engine_ms:.3}ms + reading its {:.0} KB of chunk files {read_ms:.3}ms) total={cold_ms:.3}ms; other threads {other_ms:.3}ms",
            searcher.doc_count(),
            timer.name(),
            warm_up.map_or(String::new(), |ms| format!("after a start-up warm-up of {ms:.3}ms: ")),
            read_bytes as f64 / 1e3,
        );
        println!(
            "RESULT engine=medportal-{target} docs={} timer={} vocab_ms={vocab_ms:.3} open_ms={open_ms:.3} first_query_ms={first_query_ms:.3} first_engine_ms={first_engine_ms:.3} first_read_ms={read_ms:.3} first_read_kb={:.0} cold_ms={cold_ms:.3} cold_other_ms={other_ms:.3}{}",
            searcher.doc_count(),
            timer.name(),
            read_bytes as f64 / 1e3,
            warm_up.map_or(String::new(), |ms| format!(" warm_up_ms={ms:.3}")),
        );
        return;
    }
    let t2 = Instant::now();
    let mut hits = 0usize;
    for r in &reqs {
        hits += searcher.search(r).expect("search").hits.len();
    }
    let first_ms = t2.elapsed().as_secs_f64() * 1e3;
    println!(
        "{target} docs={} queries={} cold ({}): vocab={vocab_ms:.3}ms open={open_ms:.3}ms first-query={first_query_ms:.3}ms total={cold_ms:.3}ms (other threads {other_ms:.3}ms); first-pass={first_ms:.1}ms cache={:.1}MB hits={hits}",
        searcher.doc_count(),
        reqs.len(),
        timer.name(),
        cache.stats().bytes as f64 / 1e6,
    );
    let mut result = format!(
        "RESULT engine=medportal-{target} docs={} timer={} rounds={rounds} vocab_ms={vocab_ms:.3} open_ms={open_ms:.3} first_query_ms={first_query_ms:.3} first_engine_ms={first_engine_ms:.3} first_read_ms={read_ms:.3} first_read_kb={:.0} cold_ms={cold_ms:.3} cold_other_ms={other_ms:.3} first_pass_ms={first_ms:.1}",
        searcher.doc_count(),
        timer.name(),
        read_bytes as f64 / 1e3,
    );
    for (mode, facets) in [("top10", false), ("page", true)] {
        let mut lat: Vec<f64> = Vec::with_capacity(reqs.len() * rounds);
        let mut best = vec![f64::MAX; reqs.len()];
        let mut total = 0usize;
        for _ in 0..rounds {
            for (qi, r) in reqs.iter().enumerate() {
                let mut r = r.clone();
                r.facets = facets;
                let (res, ms) = timer.measure(|| searcher.search(&r).expect("search"));
                total += res.total;
                lat.push(ms);
                best[qi] = best[qi].min(ms);
                std::hint::black_box(res);
            }
        }
        if slow > 0 {
            let mut idx: Vec<usize> = (0..reqs.len()).collect();
            idx.sort_by(|&a, &b| best[b].total_cmp(&best[a]));
            for &qi in idx.iter().take(slow) {
                let r = &reqs[qi];
                let f: Vec<String> = r.filters.iter().map(|f| format!("{}={}", f.field.name(), f.values.join(","))).collect();
                #[cfg(feature = "topk-stats")]
                {
                    medportal_search_index::topk::stats::take();
                    let res = searcher.search(&r.clone()).expect("search");
                    let c = medportal_search_index::topk::stats::take();
                    println!(
                        "  slow {mode} {:.3} ms  #{qi} {:?} {} total={} blocks={} windows={} skipped={} essential={} candidates={} probes={} scored={}",
                        best[qi], r.query, f.join(";"), res.total, c[0], c[1], c[2], c[3], c[4], c[5], c[6]
                    );
                }
                #[cfg(not(feature = "topk-stats"))]
                println!("  slow {mode} {:.3} ms  #{qi} {:?} {}", best[qi], r.query, f.join(";"));
            }
        }
        lat.sort_by(|a, b| a.total_cmp(b));
        let (p50, p90, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.9), percentile(&lat, 0.99));
        let max = lat.last().copied().unwrap_or(0.0);
        // per query, its cheapest round: robust to interference from other processes
        best.retain(|&x| x < f64::MAX);
        best.sort_by(|a, b| a.total_cmp(b));
        let (b50, b99) = (percentile(&best, 0.5), percentile(&best, 0.99));
        println!(
            "{target} {mode} warm ms ({}) p50={p50:.3} p90={p90:.3} p99={p99:.3} max={max:.3} | best-of-rounds p50={b50:.3} p99={b99:.3} | avg_total={:.0}",
            timer.name(),
            total as f64 / lat.len().max(1) as f64
        );
        result.push_str(&format!(
            " {mode}_p50={p50:.4} {mode}_p90={p90:.4} {mode}_p99={p99:.4} {mode}_max={max:.4} {mode}_best_p50={b50:.4} {mode}_best_p99={b99:.4}"
        ));
    }
    let mem = peak_memory().unwrap_or(0);
    println!("{target} peak memory {:.1} MB ({})", mem as f64 / 1048576.0, if cfg!(target_family = "wasm") { "wasm linear memory" } else { "VmHWM" });
    result.push_str(&format!(" peak_mem_mb={:.1}", mem as f64 / 1048576.0));
    println!("{result}");
}

/// The load's chunk store: one file per chunk under `DIR/load/`.
struct LoadDir(String);

impl MergeIo for LoadDir {
    type Error = Error;
    async fn get(&self, id: ChunkId) -> Result<Vec<u8>, Error> {
        std::fs::read(format!("{}/{id}", self.0)).map_err(|_| Error::MissingChunk(id))
    }
    async fn put(&self, id: ChunkId, bytes: Vec<u8>) -> Result<(), Error> {
        std::fs::write(format!("{}/{id}", self.0), bytes).expect("write chunk");
        Ok(())
    }
}

impl ChunkSource for LoadDir {
    fn get(&self, id: ChunkId) -> Option<Vec<u8>> {
        std::fs::read(format!("{}/{id}", self.0)).ok()
    }
}

/// A corpus line (`docs.jsonl`, written by `medportal-search-synth --save`).
fn doc_of(j: &Json) -> Document {
    let s = |k: &str| j.str(k).unwrap_or_default().to_string();
    let list = |k: &str| match j.get(k) {
        Some(Json::Arr(v)) => v.iter().filter_map(|x| if let Json::Str(s) = x { Some(s.clone()) } else { None }).collect(),
        _ => Vec::new(),
    };
    Document {
        id: s("id"),
        title: s("title"),
        summary: s("summary"),
        body: s("body"),
        references: s("references"),
        therapeutic_areas: list("therapeutic_areas"),
        products: list("products"),
        content_type: s("content_type"),
        trial_phase: s("trial_phase"),
        specialties: list("specialties"),
        language: s("language"),
        markets: list("markets"),
        audience: if j.str("audience") == Some("public") { Audience::Public } else { Audience::Hcp },
        date: match j.get("date") {
            Some(Json::Num(n)) => *n as u32,
            _ => 0,
        },
    }
}

fn load(dir: &str, batch: usize) {
    let target = if cfg!(target_family = "wasm") { "wasm" } else { "native" };
    let store = LoadDir(format!("{dir}/load"));
    let _ = std::fs::remove_dir_all(&store.0);
    std::fs::create_dir_all(&store.0).expect("create DIR/load");
    let file = std::fs::File::open(format!("{dir}/docs.jsonl")).expect("docs.jsonl (medportal-search-synth --save)");
    let mut lines = std::io::BufReader::new(file).lines();
    let mut meta: Option<Vec<u8>> = None;
    let (mut n, mut publishes, mut merges) = (0usize, 0usize, 0usize);
    let (mut peak, mut slowest) = (0usize, 0f64);
    let mut sample: Vec<(String, String)> = Vec::new();
    let t0 = Instant::now();
    loop {
        let docs: Vec<Document> = lines
            .by_ref()
            .take(batch)
            .map(|l| doc_of(&parse_json(&l.expect("read docs.jsonl")).expect("docs.jsonl line")))
            .collect();
        if docs.is_empty() {
            break;
        }
        n += docs.len();
        let d = &docs[docs.len() / 2];
        sample.push((d.id.clone(), d.title.clone()));
        let base = IN_USE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let t = Instant::now();
        let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut b = match &meta {
            Some(m) => block_on(IndexBuilder::open_with(m, &store, Some(&ids))).expect("open"),
            None => IndexBuilder::new(IndexConfig::default()),
        };
        let segments_before = b.meta().segments.len();
        for d in docs {
            b.add(d).expect("document");
        }
        let c = block_on(b.commit_with(&store)).expect("commit");
        for (id, bytes) in c.new_chunks {
            block_on(store.put(id, bytes)).expect("store");
        }
        if b.meta().segments.len() <= segments_before {
            merges += 1;
        }
        meta = Some(c.meta);
        drop(b);
        peak = peak.max(PEAK.load(Relaxed).saturating_sub(base));
        slowest = slowest.max(t.elapsed().as_secs_f64() * 1e3);
        publishes += 1;
    }
    let load_s = t0.elapsed().as_secs_f64();
    // before the check below opens a searcher (vocabulary, chunk cache)
    let wasm_memory = peak_memory().unwrap_or(0);
    let meta = meta.expect("an empty corpus");
    let searcher = Searcher::open(&meta, Rc::new(store), Rc::new(ChunkCache::new(64 << 20)), Rc::new(Vocab::builtin())).expect("open");
    assert_eq!(searcher.doc_count() as usize, n, "every published document is in the index");
    let m = medportal_search_index::format::decode_meta(&meta).expect("meta");
    let mut found = 0;
    let checked = sample.iter().step_by(sample.len().div_ceil(50).max(1));
    let checked_n = checked.clone().count();
    for (id, title) in checked {
        // a document's own title finds it among the first hundred
        let hits = searcher.search(&SearchRequest::new(title).limit(100)).expect("search").hits;
        found += usize::from(hits.iter().any(|h| &h.id == id));
    }
    let peak_mb = if cfg!(target_family = "wasm") { wasm_memory } else { peak as u64 } as f64 / 1048576.0;
    println!(
        "{target} load docs={n} batch={batch}: {publishes} publishes ({merges} with a merge) in {load_s:.1} s, slowest {slowest:.0} ms, {} segments; merge peak memory {peak_mb:.1} MB ({}); titles finding their document {found}/{checked_n}",
        m.segments.len(),
        if cfg!(target_family = "wasm") { "wasm linear memory" } else { "heap in use during a publish" },
    );
    println!(
        "RESULT engine=medportal-{target}-load docs={n} batch={batch} load_s={load_s:.1} slowest_publish_ms={slowest:.0} merges={merges} segments={} merge_peak_mb={peak_mb:.1} found={found}/{checked_n}",
        m.segments.len()
    );
}
