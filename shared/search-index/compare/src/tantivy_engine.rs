//! tantivy (benchmark-only baseline): one catch-all text field (frequencies, no positions),
//! facet fields for filters and facet counts, a u64 fast field for the document number.

use std::path::Path;
use std::time::Instant;

use tantivy::collector::{Count, FacetCollector, MultiCollector, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query as TQuery, TermQuery};
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer,
};
use tantivy::{Index, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::{Engine, Query, facet_names};

const TOKENIZER: &str = "med_en";

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::new(Language::English).expect("english stop words"))
        .filter(Stemmer::new(Language::English))
        .build()
}

struct Fields {
    text: Field,
    num: Field,
    /// 8 facet fields ([`facet_names`]) + year.
    facets: Vec<Field>,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqs),
    );
    let text = b.add_text_field("text", text_opts);
    let num = b.add_u64_field("num", NumericOptions::default().set_fast());
    let mut facets: Vec<Field> = facet_names().iter().map(|f| b.add_facet_field(f, FacetOptions::default())).collect();
    facets.push(b.add_facet_field("year", FacetOptions::default()));
    (b.build(), Fields { text, num, facets })
}

fn fields_of(schema: &Schema) -> Fields {
    let f = |n: &str| schema.get_field(n).expect("field");
    let mut facets: Vec<Field> = facet_names().iter().map(|n| f(n)).collect();
    facets.push(f("year"));
    Fields { text: f("text"), num: f("num"), facets }
}

pub fn build(dir: &Path) {
    let docs = crate::load_docs(dir);
    let idx_dir = dir.join("tantivy");
    let _ = std::fs::remove_dir_all(&idx_dir);
    std::fs::create_dir_all(&idx_dir).expect("mkdir");
    let (schema, f) = schema();
    let t = Instant::now();
    let index = Index::create_in_dir(&idx_dir, schema).expect("create index");
    index.tokenizers().register(TOKENIZER, analyzer());
    // one indexing thread, like medportal's builder
    let mut w: IndexWriter = index.writer_with_num_threads(1, 256_000_000).expect("writer");
    for (i, d) in docs.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.text, format!("{} {} {} {} {}", d.title, d.summary, d.body, d.references, d.taxonomy_text()));
        doc.add_u64(f.num, i as u64);
        for (fi, values) in crate::facet_values(d).iter().enumerate() {
            for v in values {
                doc.add_facet(f.facets[fi], tantivy::schema::Facet::from_path([*v]));
            }
        }
        if d.date > 0 {
            doc.add_facet(f.facets[8], tantivy::schema::Facet::from_path([(d.date / 10000).to_string()]));
        }
        w.add_document(doc).expect("add");
    }
    w.commit().expect("commit");
    // one segment, like medportal's single-segment bulk build
    let ids = index.searchable_segment_ids().expect("segments");
    if ids.len() > 1 {
        w.merge(&ids).wait().expect("merge");
    }
    w.wait_merging_threads().expect("wait merges");
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    let gc: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
    gc.garbage_collect_files().wait().expect("gc");
    drop(gc);
    let bytes = crate::dir_bytes(&idx_dir);
    let segs = index.searchable_segment_ids().expect("segments").len();
    eprintln!("tantivy: {} docs, {segs} segment(s), {bytes} B, built in {build_ms:.0} ms", docs.len());
    let stats = format!("build_ms={build_ms:.1}\nindex_bytes={bytes}\n");
    std::fs::write(dir.join("tantivy-build.txt"), &stats).expect("write stats");
    println!("RESULT engine=tantivy docs={} build_ms={build_ms:.1} index_bytes={bytes}", docs.len());
}

struct Tantivy {
    searcher: Searcher,
    analyzer: TextAnalyzer,
    f: Fields,
    /// The `num` fast field of each segment.
    nums: Vec<tantivy::columnar::Column<u64>>,
}

impl Tantivy {
    fn terms(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut ts = self.analyzer.token_stream(text);
        while ts.advance() {
            out.push(ts.token().text.clone());
        }
        out
    }

    fn build_query(&mut self, q: &Query) -> Box<dyn TQuery> {
        let text = self.f.text;
        let mut words = self.terms(&q.text);
        words.sort();
        words.dedup();
        let term_q = |t: &str| -> Box<dyn TQuery> {
            Box::new(TermQuery::new(Term::from_field_text(text, t), IndexRecordOption::WithFreqs))
        };
        let mut should: Vec<(Occur, Box<dyn TQuery>)> = words.iter().map(|w| (Occur::Should, term_q(w))).collect();
        for e in &q.expansions {
            let ts = self.terms(e);
            match ts.len() {
                0 => {}
                1 => {
                    if !words.contains(&ts[0]) {
                        should.push((Occur::Should, term_q(&ts[0])));
                    }
                }
                _ => should.push((Occur::Should, Box::new(BooleanQuery::intersection(ts.iter().map(|t| term_q(t)).collect())))),
            }
        }
        let text_q: Box<dyn TQuery> = Box::new(BooleanQuery::new(should));
        if q.filters.is_empty() {
            return text_q;
        }
        let mut clauses = vec![(Occur::Must, text_q)];
        for (fi, values) in &q.filters {
            let field = self.f.facets[*fi];
            let any: Vec<Box<dyn TQuery>> = values
                .iter()
                .map(|v| {
                    Box::new(TermQuery::new(
                        Term::from_facet(field, &tantivy::schema::Facet::from_path([v.as_str()])),
                        IndexRecordOption::Basic,
                    )) as Box<dyn TQuery>
                })
                .collect();
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::union(any)), 0.0))));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

impl Engine for Tantivy {
    fn query(&mut self, q: &Query, page: bool) -> (usize, u64) {
        let query = self.build_query(q);
        let nums = &self.nums;
        let num_col = |_: &Searcher, addr: tantivy::DocAddress| -> u64 {
            nums[addr.segment_ord as usize].first(addr.doc_id).unwrap_or(0)
        };
        if !page {
            let top = self.searcher.search(&*query, &TopDocs::with_limit(10).order_by_score()).expect("search");
            let ids: Vec<u64> = top.iter().map(|(_, a)| num_col(&self.searcher, *a)).collect();
            std::hint::black_box(&ids);
            return (top.len(), 0);
        }
        let mut multi = MultiCollector::new();
        let top_h = multi.add_collector(TopDocs::with_limit(10).order_by_score());
        let count_h = multi.add_collector(Count);
        let mut facet_h = Vec::new();
        for name in facet_names().into_iter().chain(["year"]) {
            let mut c = FacetCollector::for_field(name);
            c.add_facet(tantivy::schema::Facet::root());
            facet_h.push(multi.add_collector(c));
        }
        let mut fruit = self.searcher.search(&*query, &multi).expect("search");
        let top = top_h.extract(&mut fruit);
        let total = count_h.extract(&mut fruit) as u64;
        let ids: Vec<u64> = top.iter().map(|(_, a)| num_col(&self.searcher, *a)).collect();
        let mut facets: Vec<Vec<(String, u64)>> = Vec::new();
        for h in facet_h {
            let counts = h.extract(&mut fruit);
            let mut v: Vec<(String, u64)> =
                counts.get(tantivy::schema::Facet::root()).map(|(f, c)| (f.to_path_string(), c)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            facets.push(v);
        }
        std::hint::black_box((&ids, &facets));
        (top.len(), total)
    }
}

pub fn query(dir: &Path, rounds: usize) {
    let queries = crate::load_queries(dir);
    let t = Instant::now();
    let cpu0 = crate::thread_cpu_ns();
    let index = Index::open_in_dir(dir.join("tantivy")).expect("open index");
    index.tokenizers().register(TOKENIZER, analyzer());
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().expect("reader");
    let searcher = reader.searcher();
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let open_cpu_ms = (crate::thread_cpu_ns() - cpu0) as f64 / 1e6;
    let f = fields_of(&index.schema());
    let docs = searcher.num_docs();
    let nums = searcher.segment_readers().iter().map(|r| r.fast_fields().u64("num").expect("num")).collect();
    let mut e = Tantivy { searcher, analyzer: analyzer(), f, nums };
    eprintln!("tantivy: {docs} docs, open {open_ms:.1} ms");
    let r = crate::run_queries(&mut e, &queries, rounds);
    let mem = crate::vm_hwm();
    println!(
        "RESULT engine=tantivy docs={docs} timer=thread-cpu open_ms={open_ms:.2} open_cpu_ms={open_cpu_ms:.3} {r} peak_mem_mb={:.1}",
        mem as f64 / 1048576.0
    );
}
