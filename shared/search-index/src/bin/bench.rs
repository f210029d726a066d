//! `medportal-search-bench DIR [--raw]` — query latency over an index saved by
//! `medportal-search-synth --save`. Std only (files + clock), so the same binary builds for
//! wasm32-wasip1 and runs in V8 (Node's WASI, the engine Cloudflare Workers use) as well as
//! natively. Reports cold open, the first (chunk-loading) pass, and warm per-query latency.

mod common;

use std::rc::Rc;
use std::time::Instant;

use common::percentile;
use medportal_search_index::{
    ChunkCache, ChunkId, ChunkSource, FacetField, Filter, SearchRequest, Searcher, Vocab,
};

struct DirSource(String);

impl ChunkSource for DirSource {
    fn get(&self, id: ChunkId) -> Option<Vec<u8>> {
        std::fs::read(format!("{}/chunks/{id}", self.0)).ok()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().expect("usage: medportal-search-bench DIR").clone();
    let rounds: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let meta = std::fs::read(format!("{dir}/meta")).expect("read meta");
    let text = std::fs::read_to_string(format!("{dir}/queries.tsv")).expect("read queries");
    let reqs: Vec<SearchRequest> = text
        .lines()
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
        .collect();
    let t0 = Instant::now();
    let vocab = Rc::new(Vocab::builtin());
    let vocab_ms = t0.elapsed().as_secs_f64() * 1e3;
    let cache = Rc::new(ChunkCache::new(256 << 20));
    let t1 = Instant::now();
    let searcher = Searcher::open(&meta, Rc::new(DirSource(dir.clone())), cache.clone(), vocab).expect("open");
    let open_ms = t1.elapsed().as_secs_f64() * 1e3;
    let t2 = Instant::now();
    let mut hits = 0usize;
    for r in &reqs {
        hits += searcher.search(r).expect("search").hits.len();
    }
    let first_ms = t2.elapsed().as_secs_f64() * 1e3;
    let target = if cfg!(target_family = "wasm") { "wasm" } else { "native" };
    println!(
        "{target} docs={} queries={} vocab={vocab_ms:.1}ms open={open_ms:.1}ms first-pass={first_ms:.1}ms cache={:.1}MB hits={hits}",
        searcher.doc_count(),
        reqs.len(),
        cache.stats().bytes as f64 / 1e6,
    );
    // "ranked": top-10 with the query's filters (what tantivy's TopDocs computes);
    // "page": the results page (exact total + facet counts over every match).
    for (mode, facets) in [("ranked", false), ("page", true)] {
        let mut lat: Vec<f64> = Vec::with_capacity(reqs.len() * rounds);
        for _ in 0..rounds {
            for r in &reqs {
                let mut r = r.clone();
                r.facets = facets;
                let t = Instant::now();
                let res = searcher.search(&r).expect("search");
                lat.push(t.elapsed().as_secs_f64() * 1e3);
                std::hint::black_box(res);
            }
        }
        lat.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{target} {mode} warm ms p50={:.3} p90={:.3} p99={:.3} max={:.3}",
            percentile(&lat, 0.5),
            percentile(&lat, 0.9),
            percentile(&lat, 0.99),
            lat.last().copied().unwrap_or(0.0),
        );
    }
}
