//! `medportal-search-synth [n_docs ...] [--seed S] [--queries Q]`
//!
//! Seeded synthetic benchmark: generates `n_docs` documents (default 1000 10000 100000) with
//! realistic field lengths (title ~8, summary ~35, body ~150, references ~20 words), a Zipfian
//! vocabulary (s = 1.07 over 60k pseudo-words plus real drug names), facets (therapeutic area,
//! product, content type, phase, specialty, language, market, audience, date), and 1,000
//! queries (1–4 words, 30% with filters, 20% using a brand name whose documents mention only
//! the generic). Builds the index with the production builder and reports index bytes/doc
//! (everything except the doc store, which is reported separately), build time, cold-open
//! time, and native query latency percentiles (warm chunk cache).
//!
//! `--save DIR` also writes, per size, `DIR/n<N>/`: the index (`meta`, `chunks/<id>`), its build
//! figures (`build.txt`), the queries with the synonym expansions medportal applied to each
//! (`queries.tsv`) and the engine-neutral corpus (`docs.jsonl`), for `medportal-search-bench`
//! (the same measurement natively and in wasm) and the tantivy / SQLite FTS5 comparison
//! (`shared/search-index/compare`, `make bench-search`).

mod common;

use std::rc::Rc;
use std::time::Instant;

use common::percentile;
use medportal_search_index::{
    Audience, ChunkCache, Document, FacetField, Filter, IndexBuilder, IndexConfig, MemorySource,
    SearchRequest, Searcher, Vocab,
};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Zipf {
    cdf: Vec<f64>,
}
impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut cdf = Vec::with_capacity(n);
        let mut acc = 0.0;
        for r in 1..=n {
            acc += 1.0 / (r as f64).powf(s);
            cdf.push(acc);
        }
        for c in cdf.iter_mut() {
            *c /= acc;
        }
        Self { cdf }
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.f();
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1)
    }
}

const SYL: &[&str] = &[
    "ka", "lo", "mi", "ne", "ro", "ta", "vi", "sel", "dor", "pha", "gen", "tri", "col", "mar", "bel",
    "cy", "pro", "ent", "ox", "lan", "zu", "fi", "gra", "hep", "nor", "stat", "cor", "pul", "ren", "der",
];

fn word(i: usize) -> String {
    let mut s = String::new();
    let mut x = i + 31;
    for _ in 0..(2 + i % 3) {
        s.push_str(SYL[x % SYL.len()]);
        x /= SYL.len();
        x += 7;
    }
    s
}

const DRUGS: &[(&str, &str)] = &[
    ("metformin", "glucophage"),
    ("atorvastatin", "lipitor"),
    ("semaglutide", "ozempic"),
    ("adalimumab", "humira"),
    ("pembrolizumab", "keytruda"),
    ("acetaminophen", "tylenol"),
    ("ibuprofen", "advil"),
    ("olmesartan", "benicar"),
    ("apixaban", "eliquis"),
    ("empagliflozin", "jardiance"),
    ("rosuvastatin", "crestor"),
    ("sitagliptin", "januvia"),
];
const TA: &[&str] = &["cardiology", "diabetes", "oncology", "immunology", "neurology", "respiratory", "infectious-disease", "nephrology"];
const CT: &[&str] = &["article", "clinical-summary", "product-information", "guideline", "video", "faq", "congress-report"];
const PHASE: &[&str] = &["", "phase 1", "phase 2", "phase 3", "phase 4"];
const SPEC: &[&str] = &["cardiology", "endocrinology", "oncology", "general-practice", "rheumatology", "neurology", "pulmonology"];
const LANG: &[&str] = &["en", "en", "en", "de", "fr", "es"];
const MARKET: &[&str] = &["US", "GB", "DE", "FR", "ES", "IT", "CA", "AU"];

fn gen_text(rng: &mut Rng, z: &Zipf, words: &[String], mean: usize, drug: &str) -> String {
    let n = around(rng, mean);
    let mut s = String::with_capacity(n * 8);
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        if rng.below(40) == 0 {
            s.push_str(drug);
        } else {
            s.push_str(&words[z.sample(rng)]);
        }
    }
    s
}

fn around(rng: &mut Rng, mean: usize) -> usize {
    (mean as f64 * (0.5 + rng.f())).round().max(1.0) as usize
}

fn main() {
    let mut sizes: Vec<usize> = Vec::new();
    let mut seed = 42u64;
    let mut nq = 1000usize;
    let mut save: Option<String> = None;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                seed = args[i + 1].parse().unwrap();
                i += 1;
            }
            "--save" => {
                save = Some(args[i + 1].clone());
                i += 1;
            }
            "--queries" => {
                nq = args[i + 1].parse().unwrap();
                i += 1;
            }
            a => sizes.push(a.parse().expect("n_docs")),
        }
        i += 1;
    }
    if sizes.is_empty() {
        sizes = vec![1000, 10000, 100000];
    }
    let vocab = Rc::new(Vocab::builtin());
    let words: Vec<String> = (0..60000).map(word).collect();
    let zipf = Zipf::new(words.len(), 1.07);
    for n in sizes {
        let mut rng = Rng(seed);
        let mut docs = Vec::with_capacity(n);
        for d in 0..n {
            let (generic, brand) = DRUGS[rng.below(DRUGS.len())];
            // documents name the generic; a few name the brand
            let drug = if rng.below(10) == 0 { brand } else { generic };
            let ta = TA[rng.below(TA.len())];
            docs.push(Document {
                id: format!("doc-{d:06}"),
                title: gen_text(&mut rng, &zipf, &words, 8, drug),
                summary: gen_text(&mut rng, &zipf, &words, 35, drug),
                body: gen_text(&mut rng, &zipf, &words, 150, drug),
                references: gen_text(&mut rng, &zipf, &words, 20, drug),
                therapeutic_areas: vec![ta.to_string()],
                products: vec![generic.to_string()],
                content_type: CT[rng.below(CT.len())].to_string(),
                trial_phase: PHASE[rng.below(PHASE.len())].to_string(),
                specialties: vec![SPEC[rng.below(SPEC.len())].to_string()],
                language: LANG[rng.below(LANG.len())].to_string(),
                markets: (0..1 + rng.below(3)).map(|_| MARKET[rng.below(MARKET.len())].to_string()).collect(),
                audience: if rng.below(4) == 0 { Audience::Public } else { Audience::Hcp },
                date: 20150101 + (rng.below(10) as u32) * 10000 + (1 + rng.below(12) as u32) * 100 + rng.below(28) as u32 - 100,
            });
        }
        // the engine-neutral corpus for the comparison (written only with --save)
        let docs_for_save: Vec<Document> = if save.is_some() { docs.clone() } else { Vec::new() };
        let t0 = Instant::now();
        let mut b = IndexBuilder::new(IndexConfig::default());
        for d in docs {
            b.add(d).unwrap();
        }
        let src = Rc::new(MemorySource::new());
        let commit = b.commit(&*src).unwrap();
        src.put_all(&commit.new_chunks);
        let build = t0.elapsed();
        let meta = medportal_search_index::format::decode_meta(&commit.meta).unwrap();
        let mut parts = [0usize; 6]; // meta, lexicon+filter, postings, doctable, facets, store
        parts[0] = commit.meta.len();
        for s in &meta.segments {
            parts[1] += (s.lexicon.len + s.term_filter.len) as usize;
            parts[2] += s.postings.iter().map(|p| p.chunk.len as usize).sum::<usize>();
            parts[3] += s.doc_pages.iter().map(|p| p.len as usize).sum::<usize>();
            parts[4] += s.facets.len as usize;
            parts[5] += s.store.iter().map(|p| p.chunk.len as usize).sum::<usize>();
        }
        let index: usize = parts[..5].iter().sum();
        // queries
        let mut qrng = Rng(seed ^ 0xABCDEF);
        let mut reqs = Vec::with_capacity(nq);
        for q in 0..nq {
            let mut text = Vec::new();
            if q % 5 == 0 {
                text.push(DRUGS[qrng.below(DRUGS.len())].1.to_string());
            }
            for _ in 0..1 + qrng.below(3) {
                // mid-frequency words (ranks 20..5000)
                let mut r = zipf.sample(&mut qrng);
                while !(20..5000).contains(&r) {
                    r = zipf.sample(&mut qrng);
                }
                text.push(words[r].clone());
            }
            let mut req = SearchRequest::new(&text.join(" ")).limit(10);
            if q % 10 < 3 {
                req.filters.push(Filter::new(FacetField::Language, &[LANG[qrng.below(LANG.len())]]));
                req.filters.push(Filter::new(FacetField::Audience, &["public", "hcp"]));
                if q % 2 == 0 {
                    req.filters.push(Filter::new(FacetField::TherapeuticArea, &[TA[qrng.below(TA.len())]]));
                }
                req.facets = true;
            }
            reqs.push(req);
        }
        let cache = Rc::new(ChunkCache::new(256 << 20));
        let t1 = Instant::now();
        let searcher = Searcher::open(&commit.meta, src.clone(), cache.clone(), vocab.clone()).unwrap();
        let open = t1.elapsed();
        if let Some(dir) = &save {
            // the expansions medportal applies (synonyms), so the other engines of the
            // comparison can run the same expanded queries
            let expansions: Vec<Vec<(String, String)>> =
                reqs.iter().map(|r| searcher.search(r).unwrap().expansions).collect();
            let stats = format!(
                "docs={n}\nindex_bytes={index}\ndocstore_bytes={}\nbuild_ms={:.1}\n",
                parts[5],
                build.as_secs_f64() * 1e3
            );
            save_bench(&format!("{dir}/n{n}"), &commit, &reqs, &expansions, &docs_for_save, &stats);
        }
        // warm-up pass (loads chunks), then measured pass
        let t2 = Instant::now();
        for r in &reqs {
            searcher.search(r).unwrap();
        }
        let cold_pass = t2.elapsed();
        let mut lat = Vec::with_capacity(nq);
        let mut by_kind: [Vec<f64>; 3] = Default::default(); // plain, filtered+facets, brand
        let mut hits = 0usize;
        for (qi, r) in reqs.iter().enumerate() {
            let t = Instant::now();
            let res = searcher.search(r).unwrap();
            let ms = t.elapsed().as_secs_f64() * 1e3;
            lat.push(ms);
            by_kind[if !r.filters.is_empty() { 1 } else if qi % 5 == 0 { 2 } else { 0 }].push(ms);
            hits += res.total;
        }
        for (k, name) in ["plain", "filtered+facets", "brand/synonym"].iter().enumerate() {
            let v = &mut by_kind[k];
            v.sort_by(|a, b| a.total_cmp(b));
            eprintln!("  {name}: n={} p50={:.3} p90={:.3} p99={:.3}", v.len(), percentile(v, 0.5), percentile(v, 0.9), percentile(v, 0.99));
        }
        lat.sort_by(|a, b| a.total_cmp(b));
        println!(
            "n={n} index={index} B ({:.1} B/doc: meta {} lexicon+filter {} postings {} doctable {} facets {}) docstore={} B ({:.0} B/doc) build={:.2}s open={:.1}ms first-pass={:.1}ms cache={:.1}MB",
            index as f64 / n as f64,
            parts[0], parts[1], parts[2], parts[3], parts[4], parts[5],
            parts[5] as f64 / n as f64,
            build.as_secs_f64(),
            open.as_secs_f64() * 1e3,
            cold_pass.as_secs_f64() * 1e3,
            cache.stats().bytes as f64 / 1e6,
        );
        println!(
            "n={n} queries={nq} warm native latency ms p50={:.3} p90={:.3} p99={:.3} max={:.3} avg_total_hits={:.0}",
            percentile(&lat, 0.5),
            percentile(&lat, 0.9),
            percentile(&lat, 0.99),
            lat.last().copied().unwrap_or(0.0),
            hits as f64 / nq as f64
        );
    }
}

/// Writes the index, its build figures, the queries (with the synonym expansions medportal
/// applied to each) and the engine-neutral corpus (`docs.jsonl`) for `medportal-search-bench`
/// and the comparison harness (`shared/search-index/compare`).
///
/// `queries.tsv`: `query \t filters (field=v1,v2;field=v) \t facets 0|1 \t expansions
/// (from>to;from>to)`.
fn save_bench(
    dir: &str,
    commit: &medportal_search_index::Commit,
    reqs: &[SearchRequest],
    expansions: &[Vec<(String, String)>],
    docs: &[Document],
    stats: &str,
) {
    std::fs::create_dir_all(format!("{dir}/chunks")).expect("create bench dir");
    std::fs::write(format!("{dir}/meta"), &commit.meta).expect("write meta");
    for (id, bytes) in &commit.new_chunks {
        std::fs::write(format!("{dir}/chunks/{id}"), bytes).expect("write chunk");
    }
    let mut q = String::new();
    for (r, ex) in reqs.iter().zip(expansions) {
        let filters: Vec<String> =
            r.filters.iter().map(|f| format!("{}={}", f.field.name(), f.values.join(","))).collect();
        let ex: Vec<String> = ex.iter().map(|(a, b)| format!("{a}>{b}")).collect();
        q.push_str(&format!("{}\t{}\t{}\t{}\n", r.query, filters.join(";"), u8::from(r.facets), ex.join(";")));
    }
    std::fs::write(format!("{dir}/queries.tsv"), q).expect("write queries");
    std::fs::write(format!("{dir}/build.txt"), stats).expect("write build stats");
    let mut out = String::with_capacity(docs.len() * 2200);
    for d in docs {
        out.push_str(&doc_json(d));
        out.push('\n');
    }
    std::fs::write(format!("{dir}/docs.jsonl"), out).expect("write docs.jsonl");
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// One document as a JSON object (the fields of [`Document`]).
fn doc_json(d: &Document) -> String {
    let mut o = String::from("{");
    let strs: [(&str, &str); 8] = [
        ("id", &d.id),
        ("title", &d.title),
        ("summary", &d.summary),
        ("body", &d.body),
        ("references", &d.references),
        ("content_type", &d.content_type),
        ("trial_phase", &d.trial_phase),
        ("language", &d.language),
    ];
    for (k, v) in strs {
        json_str(&mut o, k);
        o.push(':');
        json_str(&mut o, v);
        o.push(',');
    }
    let lists: [(&str, &Vec<String>); 4] = [
        ("therapeutic_areas", &d.therapeutic_areas),
        ("products", &d.products),
        ("specialties", &d.specialties),
        ("markets", &d.markets),
    ];
    for (k, v) in lists {
        json_str(&mut o, k);
        o.push_str(":[");
        for (i, s) in v.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            json_str(&mut o, s);
        }
        o.push_str("],");
    }
    o.push_str(&format!("\"audience\":\"{}\",\"date\":{}}}", d.audience.as_str(), d.date));
    o
}
