//! `medportal-search-eval <beir-dir> [options]`
//!
//! Indexes a BEIR collection (corpus.jsonl, queries.jsonl, qrels/test.tsv) with the production
//! [`IndexBuilder`], runs every judged query through the production [`Searcher`] (top 100,
//! dropping a document whose id equals the query id), and prints as its last line
//! `ndcg@10=X recall@100=Y` (trec_eval definitions: graded gain `rel`, `log2(rank+1)`
//! discount, ideal DCG from the qrels; recall = relevant retrieved in the top 100 / relevant).
//!
//! Options (for experiments; defaults are the production configuration):
//! `--qrels <file>` (default qrels/test.tsv), `--k1 X`, `--weights t,s,b`, `--b t,s,b`,
//! `--prf docs,terms,orig_weight`, `--proximity W`, `--no-synonyms`, `--no-typo`,
//! `--queries id1,id2,..` or `--fold k/n` (evaluate only a subset of queries).

mod common;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::Instant;

use common::{parse_json, percentile};
use medportal_search_index::search::Prf;
use medportal_search_index::{
    ChunkCache, Document, IndexBuilder, IndexConfig, MemorySource, SearchRequest, Searcher, Vocab,
};

fn floats(s: &str) -> Vec<f32> {
    s.split(',').map(|x| x.parse().expect("number")).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 || args[1] == "--help" {
        eprintln!("usage: medportal-search-eval <beir-dir> [--k1 X] [--weights t,s,b] [--b t,s,b] [--prf d,t,w] [--proximity W] [--no-synonyms] [--no-typo] [--qrels FILE] [--fold k/n]");
        std::process::exit(2);
    }
    let dir = std::path::PathBuf::from(&args[1]);
    let mut cfg = IndexConfig::default();
    let mut req_opts = medportal_search_index::RankOptions::default();
    let mut qrels_path = dir.join("qrels").join("test.tsv");
    let mut fold: Option<(usize, usize)> = None;
    let mut per_query: Option<String> = None;
    let mut i = 2;
    while i < args.len() {
        let a = args[i].as_str();
        let next = || args.get(i + 1).cloned().expect("missing option value");
        match a {
            "--k1" => {
                req_opts.k1 = next().parse().unwrap();
                i += 1;
            }
            "--weights" => {
                let w = floats(&next());
                cfg.field_weights[..w.len()].copy_from_slice(&w);
                i += 1;
            }
            "--b" => {
                let w = floats(&next());
                cfg.field_b[..w.len()].copy_from_slice(&w);
                i += 1;
            }
            "--prf" => {
                let w = floats(&next());
                req_opts.prf = Some(Prf { fb_docs: w[0] as usize, fb_terms: w[1] as usize, original_weight: w[2] });
                i += 1;
            }
            "--proximity" => {
                req_opts.proximity = true;
                req_opts.proximity_weight = next().parse().unwrap();
                i += 1;
            }
            "--per-query" => {
                per_query = Some(next());
                i += 1;
            }
            "--no-synonyms" => req_opts.synonyms = false,
            "--no-typo" => req_opts.typo_tolerance = false,
            "--qrels" => {
                qrels_path = next().into();
                i += 1;
            }
            "--fold" => {
                let s = next();
                let (k, n) = s.split_once('/').expect("k/n");
                fold = Some((k.parse().unwrap(), n.parse().unwrap()));
                i += 1;
            }
            other => panic!("unknown option {other}"),
        }
        i += 1;
    }

    // corpus
    let t0 = Instant::now();
    let corpus = std::fs::read_to_string(dir.join("corpus.jsonl")).expect("corpus.jsonl");
    let mut builder = IndexBuilder::new(cfg);
    let mut n_docs = 0usize;
    let mut text_bytes = 0usize;
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let j = parse_json(line).expect("corpus json");
        let doc = Document {
            id: j.str("_id").expect("_id").to_string(),
            title: j.str("title").unwrap_or("").to_string(),
            body: j.str("text").unwrap_or("").to_string(),
            language: "en".into(),
            ..Default::default()
        };
        text_bytes += doc.title.len() + doc.body.len();
        builder.add(doc).expect("document");
        n_docs += 1;
    }
    let src = Rc::new(MemorySource::new());
    let commit = builder.commit(&*src).expect("commit");
    src.put_all(&commit.new_chunks);
    let build_ms = t0.elapsed().as_secs_f64() * 1e3;
    let meta = medportal_search_index::format::decode_meta(&commit.meta).unwrap();
    let mut index_bytes = commit.meta.len();
    let mut store_bytes = 0usize;
    for s in &meta.segments {
        for r in s.chunk_refs() {
            index_bytes += r.len as usize;
        }
        for r in s.store.iter() {
            store_bytes += r.chunk.len as usize;
            index_bytes -= r.chunk.len as usize;
        }
    }
    eprintln!(
        "indexed {n_docs} docs ({:.1} MB text) in {build_ms:.0} ms: index {index_bytes} B ({:.1} B/doc, excl. doc store), doc store {store_bytes} B, {} chunks",
        text_bytes as f64 / 1e6,
        index_bytes as f64 / n_docs as f64,
        commit.new_chunks.len()
    );

    // queries + qrels
    let mut queries: HashMap<String, String> = HashMap::new();
    for line in std::fs::read_to_string(dir.join("queries.jsonl")).expect("queries.jsonl").lines() {
        if line.trim().is_empty() {
            continue;
        }
        let j = parse_json(line).expect("query json");
        queries.insert(j.str("_id").unwrap().to_string(), j.str("text").unwrap_or("").to_string());
    }
    let mut qrels: HashMap<String, HashMap<String, i32>> = HashMap::new();
    for (n, line) in std::fs::read_to_string(&qrels_path).expect("qrels").lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 || (n == 0 && f[2].parse::<i32>().is_err()) {
            continue;
        }
        qrels.entry(f[0].to_string()).or_default().insert(f[1].to_string(), f[2].trim().parse().unwrap());
    }
    let mut qids: Vec<String> = qrels.keys().cloned().collect();
    qids.sort_by_key(|q| (q.parse::<u64>().unwrap_or(u64::MAX), q.clone()));
    if let Some((k, n)) = fold {
        qids = qids.into_iter().enumerate().filter(|(i, _)| i % n == k).map(|(_, q)| q).collect();
    }

    let tv = Instant::now();
    let vocab = Rc::new(Vocab::builtin());
    eprintln!(
        "vocabulary: {} rules, {} phrases, loaded in {:.1} ms",
        vocab.rules(),
        vocab.phrases(),
        tv.elapsed().as_secs_f64() * 1e3
    );
    let cache = Rc::new(ChunkCache::new(256 << 20));
    let searcher = Searcher::open(&commit.meta, src.clone(), cache, vocab).expect("open");

    let (mut ndcg_sum, mut recall_sum) = (0f64, 0f64);
    let mut lat: Vec<f64> = Vec::new();
    let mut evaluated = 0usize;
    let mut pq = String::new();
    for qid in &qids {
        let rels = &qrels[qid];
        let Some(text) = queries.get(qid) else { continue };
        let mut req = SearchRequest::new(text).limit(101);
        req.options = req_opts.clone();
        let t = Instant::now();
        let res = searcher.search(&req).expect("search");
        lat.push(t.elapsed().as_secs_f64() * 1e3);
        let ranked: Vec<&str> = res.hits.iter().map(|h| h.id.as_str()).filter(|id| id != qid).take(100).collect();
        // nDCG@10
        let mut dcg = 0f64;
        for (r, id) in ranked.iter().take(10).enumerate() {
            let g = *rels.get(*id).unwrap_or(&0) as f64;
            if g > 0.0 {
                dcg += g / ((r + 2) as f64).log2();
            }
        }
        let mut ideal: Vec<i32> = rels.values().copied().filter(|&g| g > 0).collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg: f64 = ideal.iter().take(10).enumerate().map(|(r, &g)| g as f64 / ((r + 2) as f64).log2()).sum();
        let relevant: HashSet<&str> = rels.iter().filter(|(_, g)| **g > 0).map(|(d, _)| d.as_str()).collect();
        let found = ranked.iter().filter(|d| relevant.contains(**d)).count();
        if idcg > 0.0 {
            ndcg_sum += dcg / idcg;
        }
        if per_query.is_some() {
            pq.push_str(&format!(
                "{qid}\t{:.4}\t{:?}\t{:?}\n",
                if idcg > 0.0 { dcg / idcg } else { 0.0 },
                res.expansions,
                res.did_you_mean
            ));
        }
        if !relevant.is_empty() {
            recall_sum += found as f64 / relevant.len() as f64;
        }
        evaluated += 1;
    }
    if let Some(p) = &per_query {
        std::fs::write(p, pq).expect("write per-query file");
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    eprintln!(
        "{evaluated} queries; native latency ms p50={:.3} p90={:.3} p99={:.3} max={:.3}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.9),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(0.0)
    );
    let n = evaluated.max(1) as f64;
    println!("ndcg@10={:.4} recall@100={:.4}", ndcg_sum / n, recall_sum / n);
}
