//! `medportal-search-compare` — medportal's search engine side by side with tantivy and SQLite
//! FTS5 on the same seeded synthetic corpus and the same 1,000 queries, in one run.
//!
//! Input: the directories written by `medportal-search-synth N… --save DIR` (`DIR/n<N>/`:
//! `docs.jsonl` — the corpus; `queries.tsv` — query, filters, facets flag, and the synonym
//! expansions medportal applied; `build.txt`; medportal's `meta` + `chunks/`).
//!
//! ```text
//! medportal-search-compare run DIR --sizes 1000,10000,100000 --medportal BENCH_BIN \
//!     --wasm BENCH_WASM --node NODE [--rounds 3] [--fts5-rounds 1] [--out FILE]
//! ```
//! runs every engine × size **in its own process** (so peak memory is per engine): medportal
//! natively and in wasm (V8 through Node's WASI; with `--wasmtime-python PY` also Wasmtime, the
//! engine Spin runs, through the `wasmtime` PyPI bindings) via `medportal-search-bench`, and this binary's
//! `tantivy-build`, `tantivy-query`, `fts5-build`, `fts5-query` subcommands; each prints a
//! `RESULT key=value …` line; `run` prints one table.
//!
//! What each engine does per query (modes):
//! * **top10** — the 10 best documents with the query's filters, and their ids.
//! * **page** — top10 + exact number of matches + counts per facet value (8 facet fields and
//!   the publication year) over all filtered matches.
//!
//! Equivalence, and where it ends:
//! * Text: medportal indexes 5 fields with BM25F (title, summary, body, references, taxonomy).
//!   tantivy gets ONE catch-all text field with the same text (its fastest configuration: the
//!   per-field alternative would walk five posting lists per term), frequencies but no
//!   positions (medportal stores none), English stemming + stop words. FTS5 gets the five
//!   columns with `bm25()` weights 2, 1.5, 1, 0.5, 1 (medportal's field weights), the
//!   `porter unicode61` tokenizer (Porter, not Porter2) and `content=''` (index only).
//! * Query: a disjunction of the analysed query words. Synonyms: medportal scores a synonym as
//!   an alternative of the user's word (max of the two); the others get the same expansions
//!   (the ones medportal reported applying, recorded by the generator) as extra OR terms.
//! * Filters: tantivy — facet fields, `TermQuery` per value (OR within a field, AND across),
//!   as non-scoring required clauses; FTS5 — `rowid IN (SELECT doc FROM facet WHERE …)`.
//! * Facets: tantivy — `FacetCollector` per field + `Count`; FTS5 — the matches are put in a
//!   temp table once, then `count(*)` and `GROUP BY` joins for facets and years.
//! * Timing: CPU time of the querying thread (`CLOCK_THREAD_CPUTIME_ID`), per query; tantivy
//!   runs its single-threaded executor, so all its work is on that thread. Warm: one
//!   unmeasured pass first (the "first pass", reported as cold cost), then `rounds` passes.
//! * Memory: `VmHWM` of the query process (tantivy's mmapped index pages count as they are
//!   touched; SQLite reads through its 2 MB page cache, so the OS page cache is not counted).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod fts5;
mod tantivy_engine;

use medportal_search_index::{Audience, Document, FacetField, NUM_FACETS};

/// A document of the synthetic corpus (`docs.jsonl`): medportal's own [`Document`], so every
/// engine indexes the same fields and taxonomy text.
pub type Doc = Document;

/// Facet field names, in medportal's [`FacetField::ALL`] order.
pub fn facet_names() -> [&'static str; NUM_FACETS] {
    FacetField::ALL.map(FacetField::name)
}

/// A document's facet values per field, in [`facet_names`] order.
pub fn facet_values(d: &Doc) -> [Vec<&str>; NUM_FACETS] {
    FacetField::ALL.map(|f| d.facet_values(f))
}

pub fn load_docs(dir: &Path) -> Vec<Doc> {
    let text = std::fs::read_to_string(dir.join("docs.jsonl")).expect("docs.jsonl (run medportal-search-synth --save)");
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("docs.jsonl line");
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            let list = |k: &str| {
                v[k].as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
            };
            Doc {
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
                audience: match s("audience").as_str() {
                    "public" => Audience::Public,
                    "hcp" => Audience::Hcp,
                    other => panic!("docs.jsonl: unknown audience {other:?}"),
                },
                date: v["date"].as_u64().unwrap_or(0) as u32,
            }
        })
        .collect()
}

/// One benchmark query (`queries.tsv`).
pub struct Query {
    pub text: String,
    /// `(facet field index, values)`: OR within, AND across.
    pub filters: Vec<(usize, Vec<String>)>,
    /// Synonym expansions medportal applied (expansion text), run as extra OR terms.
    pub expansions: Vec<String>,
}

pub fn load_queries(dir: &Path) -> Vec<Query> {
    let text = std::fs::read_to_string(dir.join("queries.tsv")).expect("queries.tsv");
    text.lines()
        .map(|l| {
            let mut p = l.split('\t');
            let text = p.next().unwrap_or("").to_string();
            let filters = p
                .next()
                .unwrap_or("")
                .split(';')
                .filter(|s| !s.is_empty())
                .map(|f| {
                    let (field, values) = f.split_once('=').expect("filter");
                    let fi = facet_names().iter().position(|x| *x == field).expect("facet field");
                    (fi, values.split(',').map(str::to_string).collect())
                })
                .collect();
            let _facets = p.next();
            let mut expansions: Vec<String> = p
                .next()
                .unwrap_or("")
                .split(';')
                .filter_map(|e| e.split_once('>').map(|(_, to)| to.to_string()))
                .collect();
            expansions.sort();
            expansions.dedup();
            Query { text, filters, expansions }
        })
        .collect()
}

/// CPU time of the calling thread (ns).
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: writes one timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Peak RSS of this process (VmHWM), bytes.
pub fn vm_hwm() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|x| x.parse::<u64>().ok())
        .unwrap_or(0)
        * 1024
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn dir_bytes(p: &Path) -> u64 {
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let m = e.metadata().unwrap();
            n += if m.is_dir() { dir_bytes(&e.path()) } else { m.len() };
        }
    }
    n
}

/// An engine under test, as seen by [`run_queries`].
pub trait Engine {
    /// Run one query; `page` adds exact total + facet counts. Returns the number of hits
    /// (top-k length) and the total (page mode) for a sanity check.
    fn query(&mut self, q: &Query, page: bool) -> (usize, u64);
}

/// The common measurement loop: one cold pass (timed as a whole), then `rounds` passes per
/// mode, per-query thread CPU time. Prints and returns the RESULT fields.
pub fn run_queries(engine: &mut dyn Engine, queries: &[Query], rounds: usize) -> String {
    // the first query of a freshly opened index (one results page), thread CPU
    let a = thread_cpu_ns();
    engine.query(&queries[0], true);
    let first_query_ms = (thread_cpu_ns() - a) as f64 / 1e6;
    let t = Instant::now();
    for q in queries {
        engine.query(q, false);
    }
    let first_ms = t.elapsed().as_secs_f64() * 1e3;
    let mut out = format!("first_query_ms={first_query_ms:.3} first_pass_ms={first_ms:.1}");
    for (mode, page) in [("top10", false), ("page", true)] {
        let mut lat = Vec::with_capacity(queries.len() * rounds);
        let mut best = vec![f64::MAX; queries.len()];
        let mut total = 0u64;
        for _ in 0..rounds {
            for (qi, q) in queries.iter().enumerate() {
                let a = thread_cpu_ns();
                let (_, t) = engine.query(q, page);
                let b = thread_cpu_ns();
                total += t;
                let ms = (b - a) as f64 / 1e6;
                lat.push(ms);
                best[qi] = best[qi].min(ms);
            }
        }
        lat.sort_by(|a, b| a.total_cmp(b));
        let (p50, p90, p99) = (percentile(&lat, 0.5), percentile(&lat, 0.9), percentile(&lat, 0.99));
        let max = lat.last().copied().unwrap_or(0.0);
        best.sort_by(|a, b| a.total_cmp(b));
        let (b50, b99) = (percentile(&best, 0.5), percentile(&best, 0.99));
        eprintln!(
            "  {mode}: p50={p50:.3} p90={p90:.3} p99={p99:.3} max={max:.3} ms | best-of-rounds p50={b50:.3} p99={b99:.3} | avg_total={:.0}",
            total as f64 / lat.len().max(1) as f64
        );
        out.push_str(&format!(
            " {mode}_p50={p50:.4} {mode}_p90={p90:.4} {mode}_p99={p99:.4} {mode}_max={max:.4} {mode}_best_p50={b50:.4} {mode}_best_p99={b99:.4}"
        ));
    }
    out
}

fn parse_result(stdout: &str) -> Option<BTreeMap<String, String>> {
    let line = stdout.lines().rev().find(|l| l.starts_with("RESULT "))?;
    Some(
        line["RESULT ".len()..]
            .split_whitespace()
            .filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
            .collect(),
    )
}

/// Runs a child process, echoes its stderr summary, returns its RESULT fields.
fn child(cmd: &mut Command) -> BTreeMap<String, String> {
    eprintln!("$ {cmd:?}");
    let out = cmd.output().expect("spawn");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for l in stdout.lines().filter(|l| !l.starts_with("RESULT ")) {
        eprintln!("  {l}");
    }
    for l in stderr.lines() {
        eprintln!("  {l}");
    }
    match parse_result(&stdout) {
        Some(r) => {
            if !out.status.success() {
                eprintln!("  (exit status {:?} after printing its result)", out.status.code());
            }
            r
        }
        None => panic!("no RESULT line from {cmd:?} (status {:?})", out.status),
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

fn kv_file(p: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(a, b)| (a.to_string(), b.to_string())))
        .collect()
}

struct Row {
    engine: String,
    docs: u64,
    r: BTreeMap<String, String>,
}

fn run(args: &[String]) {
    let dir = PathBuf::from(&args[0]);
    let mut sizes = vec![1000u64, 10000, 100000];
    let (mut bench, mut wasm, mut node) = (None, None, "node".to_string());
    let mut python: Option<String> = None;
    let (mut rounds, mut fts5_rounds) = (3usize, 1usize);
    let mut out_file: Option<String> = None;
    let mut rebuild = false;
    let mut i = 1;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--sizes" => sizes = v.split([',', ' ']).filter(|s| !s.is_empty()).map(|s| s.parse().expect("size")).collect(),
            "--medportal" => bench = Some(v),
            "--wasm" => wasm = Some(v),
            "--node" => node = v,
            "--wasmtime-python" => python = Some(v),
            "--rounds" => rounds = v.parse().expect("rounds"),
            "--fts5-rounds" => fts5_rounds = v.parse().expect("rounds"),
            "--out" => out_file = Some(v),
            "--rebuild" => {
                rebuild = true;
                i -= 1;
            }
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    let me = std::env::current_exe().expect("current exe");
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../scripts");
    let wasm_script = scripts.join("wasm-search-bench.mjs");
    let wasmtime_script = scripts.join("wasmtime-search-bench.py");
    let load_before = loadavg();
    let started = Instant::now();
    let mut rows: Vec<Row> = Vec::new();
    for &n in &sizes {
        let d = dir.join(format!("n{n}"));
        let ds = d.to_string_lossy().to_string();
        // medportal: index built by the generator (build.txt)
        let b = kv_file(&d.join("build.txt"));
        if let Some(bin) = &bench {
            let mut r = child(Command::new(bin).args([&ds, &rounds.to_string()]));
            r.extend(b.clone());
            rows.push(Row { engine: "medportal native".into(), docs: n, r });
        }
        if let Some(w) = &wasm {
            let mut r = child(Command::new(&node).args([
                "--no-warnings".to_string(),
                wasm_script.to_string_lossy().to_string(),
                w.clone(),
                ds.clone(),
                rounds.to_string(),
            ]));
            r.extend(b.clone());
            // the same cold start with the whole module compiled before it (WASM_EAGER=1): the
            // engine's own cold work, without V8 compiling the functions it runs first
            let eager = child(
                Command::new(&node)
                    .env("WASM_EAGER", "1")
                    .args(["--no-warnings".to_string(), wasm_script.to_string_lossy().to_string(), w.clone(), ds.clone(), "--cold".into()]),
            );
            for k in ["vocab_ms", "open_ms", "first_query_ms", "cold_ms"] {
                if let Some(v) = eager.get(k) {
                    r.insert(format!("eager_{k}"), v.clone());
                }
            }
            // and as the query Worker starts: lazily compiled, after its start-up warm-up over
            // the embedded warm-up index (written here by the native bench, the same builder)
            if let Some(bin) = &bench {
                let wrote = Command::new(bin).args([ds.clone(), "--write-warm-up".into(), format!("{ds}/warmup.bin")]).status();
                assert!(wrote.is_ok_and(|s| s.success()), "write the warm-up index");
                let warm = child(Command::new(&node).args([
                    "--no-warnings".to_string(),
                    wasm_script.to_string_lossy().to_string(),
                    w.clone(),
                    ds.clone(),
                    "--cold".into(),
                    "--warm-up".into(),
                    "/idx/warmup.bin".into(),
                ]));
                for k in ["warm_up_ms", "vocab_ms", "open_ms", "first_query_ms", "first_engine_ms", "cold_ms"] {
                    if let Some(v) = warm.get(k) {
                        r.insert(format!("warm_{k}"), v.clone());
                    }
                }
            }
            rows.push(Row { engine: "medportal wasm (V8)".into(), docs: n, r });
        }
        if let (Some(w), Some(py)) = (&wasm, &python) {
            let mut r = child(Command::new(py).args([
                wasmtime_script.to_string_lossy().to_string(),
                w.clone(),
                ds.clone(),
                rounds.to_string(),
            ]));
            r.extend(b.clone());
            rows.push(Row { engine: format!("medportal wasm (Wasmtime, {})", r.get("timer").map_or("?", |t| t.as_str())), docs: n, r });
        }
        for (engine, label, rr) in [("tantivy", "tantivy 0.27 native", rounds), ("fts5", "SQLite FTS5 native", fts5_rounds)] {
            // reuse an index built from the current docs.jsonl (the generator rewrites it)
            let stats = d.join(format!("{engine}-build.txt"));
            let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
            let fresh = matches!((mtime(&stats), mtime(&d.join("docs.jsonl"))), (Some(b), Some(c)) if b > c);
            let mut r = if fresh && !rebuild { kv_file(&stats) } else { BTreeMap::new() };
            if r.is_empty() {
                r = child(Command::new(&me).args([&format!("{engine}-build"), &ds]));
            }
            let q = child(Command::new(&me).args([&format!("{engine}-query"), &ds, &rr.to_string()]));
            r.extend(q);
            r.insert("rounds".into(), rr.to_string());
            rows.push(Row { engine: label.into(), docs: n, r });
        }
        // the write side last (the corpus published in batches of 100: merge peak memory): a
        // load writes the whole index to disk again, and no latency run should share the
        // machine with its writeback (the generator's own output is synced by the Makefile
        // before any run: its writeback was what slowed V8's latency run, page p99 at 100k
        // 1.29-1.35 ms against 0.90 ms synced)
        for row in rows.iter_mut().filter(|r| r.docs == n) {
            let load = match (row.engine.as_str(), &bench, &wasm) {
                ("medportal native", Some(bin), _) => child(Command::new(bin).args([ds.as_str(), "--load", "100"])),
                ("medportal wasm (V8)", _, Some(w)) => {
                    let load = [wasm_script.to_string_lossy().to_string(), w.clone(), ds.clone(), "--load".into(), "100".into()];
                    child(Command::new(&node).arg("--no-warnings").args(load))
                }
                _ => continue,
            };
            row.r.extend(load.into_iter().filter(|(k, _)| k != "engine" && k != "docs"));
        }
        // its files on disk before the next size's runs (best effort)
        let _ = Command::new("sync").status();
    }
    let load_after = loadavg();
    let mut t = String::new();
    t.push_str(&format!(
        "search engines side by side — {} queries per size (30% filtered, 20% brand names needing synonyms), per-query thread CPU ms\n",
        load_queries(&dir.join(format!("n{}", sizes[0]))).len()
    ));
    t.push_str(&format!(
        "machine: {} cores, load average before {load_before} / after {load_after}; run took {:.0} s\n\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        started.elapsed().as_secs_f64()
    ));
    t.push_str("| engine | docs | B/doc | build s | open ms | 1st query ms | cold open + 1st query CPU ms | of which V8 lazy compile | V8 after start-up warm-up | other threads ms | first pass ms | top10 p50 | p90 | p99 | page p50 | p90 | p99 | peak MB | merge peak MB | load s | rounds |\n");
    t.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for row in &rows {
        let g = |k: &str| row.r.get(k).cloned().unwrap_or_else(|| "-".into());
        let f = |k: &str, prec: usize| row.r.get(k).and_then(|v| v.parse::<f64>().ok()).map(|x| format!("{x:.prec$}")).unwrap_or_else(|| "-".into());
        let bpd = row.r.get("index_bytes").and_then(|v| v.parse::<f64>().ok()).map(|b| format!("{:.1}", b / row.docs as f64)).unwrap_or_else(|| "-".into());
        let build = row.r.get("build_ms").and_then(|v| v.parse::<f64>().ok()).map(|x| format!("{:.2}", x / 1e3)).unwrap_or_else(|| "-".into());
        let open = match (row.r.get("open_ms"), row.r.get("vocab_ms")) {
            (Some(_), Some(v)) => format!("{} (+vocab {})", f("open_ms", 3), v.parse::<f64>().map(|x| format!("{x:.3}")).unwrap_or_default()),
            (Some(_), None) => f("open_ms", 1),
            _ => "-".into(),
        };
        // cold: open (+ vocabulary) CPU + first query CPU; engines report open_cpu_ms or cold_ms
        let num = |k: &str| row.r.get(k).and_then(|v| v.parse::<f64>().ok());
        let cold = match (num("cold_ms"), num("open_cpu_ms"), num("first_query_ms")) {
            (Some(c), _, _) => format!("{c:.3}"),
            (None, Some(o), Some(q)) => format!("{:.3}", o + q),
            _ => "-".into(),
        };
        // V8: the same cold start run again with the module compiled up front; the difference
        // is V8 compiling (Liftoff, on the request's thread) the functions run for the first time
        let lazy = match (num("cold_ms"), num("eager_cold_ms")) {
            (Some(c), Some(e)) => format!("{:.3} (engine {e:.3}: open {:.3} + 1st query {:.3})", c - e, num("eager_vocab_ms").unwrap_or(0.0) + num("eager_open_ms").unwrap_or(0.0), num("eager_first_query_ms").unwrap_or(0.0)),
            _ => "-".into(),
        };
        // V8 as the query Worker starts: its start-up warm-up, then this index's cold start
        let warm = match (num("warm_warm_up_ms"), num("warm_cold_ms")) {
            (Some(w), Some(c)) => format!(
                "{c:.3} (open {:.3} + 1st query {:.3}{}; start-up {w:.3})",
                num("warm_vocab_ms").unwrap_or(0.0) + num("warm_open_ms").unwrap_or(0.0),
                num("warm_first_query_ms").unwrap_or(0.0),
                num("warm_first_engine_ms").map_or(String::new(), |e| format!(", engine {e:.3}"))
            ),
            _ => "-".into(),
        };
        // medportal's first query: the engine's side and the bench's file reads (its chunk fetches)
        let first = match (num("first_engine_ms"), num("first_read_ms")) {
            (Some(e), Some(h)) => format!("{} (engine {e:.3} + chunk files {h:.3})", f("first_query_ms", 3)),
            _ => f("first_query_ms", 3),
        };
        t.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            row.engine,
            row.docs,
            bpd,
            build,
            open,
            first,
            cold,
            lazy,
            warm,
            f("cold_other_ms", 3),
            f("first_pass_ms", 0),
            f("top10_p50", 3),
            f("top10_p90", 3),
            f("top10_p99", 3),
            f("page_p50", 3),
            f("page_p90", 3),
            f("page_p99", 3),
            f("peak_mem_mb", 1),
            f("merge_peak_mb", 1),
            f("load_s", 1),
            g("rounds"),
        ));
    }
    t.push_str(
        "\nB/doc: index bytes per document without stored documents (medportal: meta + lexicon + term filter + postings + doc pages + facets; \
tantivy: index directory, nothing stored but a u64 fast field; FTS5: contentless FTS5 table + facet/doc tables). \
open: medportal Searcher::open (+ vocabulary), tantivy Index::open + reader, SQLite open + schema load. \
cold: CPU time of that open (+ vocabulary) and then one results page (first query, exact total + facet counts) in the fresh process, \
what a new isolate or a Spin instance pays before its first answer, on the thread that answers \
(what Workers bill; Wasmtime: the calling thread's CPU through the bench script's clock, its code compiled ahead of time). \
1st query ms: that first results page alone; for medportal also its two sides: the engine's (the chunk bytes copied into its memory, \
checked against their ids, decoded, and the search: the page less the chunk files' reading) and the bench's reading of the chunk files \
(the same files read once more after the page, thread CPU: a file system call per chunk through the runtime's WASI, which a Worker, \
its chunks fetched from its store before the engine runs, does not make). \
of which V8 lazy compile: V8 compiles a wasm function (Liftoff, on the calling thread) when it is first called, so the cold figures include compiling \
every function they run; the V8 bench runs the cold start a second time with the whole module compiled up front (WASM_EAGER=1) and prints \
the difference, and the engine's own cold work from that run (its code then still Liftoff's). \
V8 after start-up warm-up: the cold start as the query Worker has it, lazily compiled, after the warm-up it runs when its isolate starts \
(medportal_search_index::warmup::run over the embedded warm-up index; Workers start isolates during the TLS handshake): \
open + vocabulary and first query CPU, and the start-up work's own CPU. \
other threads ms: CPU of the process's other threads during the cold start (process CPU minus thread CPU: in V8 the background \
TurboFan tier-up and GC helpers), real work but not the answering thread's. \
first pass: all queries once from a cold process (medportal loads and decodes its chunks here). \
peak MB: VmHWM of the query process; medportal wasm: the wasm linear memory. \
merge peak MB, load s: medportal's write side (medportal-search-bench --load 100): the corpus published in batches of 100 the way the indexing entry point \
publishes (only the batch's ids located, merges streaming chunk by chunk, chunks on disk); natively the largest heap in use during any publish, \
in V8 the Wasm linear memory at the end (it never shrinks: the peak); load s: the whole load. \
Latencies: thread CPU time per query over `rounds` warm passes of all queries.\n",
    );
    print!("{t}");
    if let Some(f) = out_file {
        std::fs::write(&f, &t).expect("write table");
        eprintln!("table written to {f}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("usage: medportal-search-compare run DIR [--sizes a,b,c] [--medportal BIN] [--wasm WASM] [--node NODE] [--wasmtime-python PYTHON] [--rounds N] [--fts5-rounds N] [--out FILE] [--rebuild]");
        eprintln!("       medportal-search-compare (tantivy|fts5)-(build|query) DIR/n<N> [rounds]");
        std::process::exit(2);
    };
    let rest = &args[1..];
    let rounds = || rest.get(1).and_then(|s| s.parse().ok()).unwrap_or(3usize);
    match cmd.as_str() {
        "run" => run(rest),
        "tantivy-build" => tantivy_engine::build(Path::new(&rest[0])),
        "tantivy-query" => tantivy_engine::query(Path::new(&rest[0]), rounds()),
        "fts5-build" => fts5::build(Path::new(&rest[0])),
        "fts5-query" => fts5::query(Path::new(&rest[0]), rounds()),
        other => panic!("unknown command {other}"),
    }
}
