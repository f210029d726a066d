//! The streaming merge (issue 14): merged segments equal bulk-built ones, tombstones are
//! dropped, and publishing thousands of documents in batches of 100 through the bounded path
//! (`open_with` the batch's ids only, `commit_with` streaming the merge) keeps every document
//! findable with exact counts.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use medportal_search_index::builder::build_segment;
use medportal_search_index::format::{self, ChunkId, IndexConfig, NUM_FIELDS};
use medportal_search_index::merge::{block_on, merge_segments};
use medportal_search_index::{
    Analyzer, Audience, ChunkCache, ChunkSource, Document, Error, FacetField, Filter, IndexBuilder, MemorySource, MergeIo,
    SearchRequest, Searcher, SyncIo, Vocab,
};

const WORDS: &[&str] = &[
    "apixaban", "warfarin", "stroke", "atrial", "fibrillation", "bleeding", "metformin", "insulin", "glucose",
    "diabetes", "pembrolizumab", "survival", "tumour", "statin", "cholesterol", "myocardial", "infarction",
    "hypertension", "pressure", "renal", "hepatic", "dosing", "elderly", "children", "pregnancy", "adverse",
    "events", "trial", "randomised", "placebo", "outcomes", "patients", "treatment", "therapy", "clinical",
];

/// A seeded synthetic document `i` with a unique marker word and a few facets.
fn synth(i: usize) -> Document {
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut body = String::new();
    for _ in 0..(20 + next() % 60) {
        body.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
        body.push(' ');
    }
    body.push_str(&format!("marker{i}x"));
    Document {
        id: format!("doc-{i}"),
        title: format!("{} {} report {i}", WORDS[i % WORDS.len()], WORDS[(i / 7) % WORDS.len()]),
        summary: format!("Summary of {} in {}", WORDS[(i / 3) % WORDS.len()], WORDS[(i / 11) % WORDS.len()]),
        body,
        therapeutic_areas: vec![["cardiology", "oncology", "diabetes"][i % 3].into()],
        products: if i.is_multiple_of(4) { vec!["Eliquis".into()] } else { vec![] },
        content_type: "article".into(),
        language: "en".into(),
        markets: vec!["US".into()],
        audience: if i.is_multiple_of(2) { Audience::Public } else { Audience::Hcp },
        date: 20200101 + (i as u32 % 5) * 10000,
        ..Default::default()
    }
}

fn avg_of(docs: &[Document]) -> [f32; NUM_FIELDS] {
    let mut s = [0u64; NUM_FIELDS];
    for d in docs {
        let l = medportal_search_index::fields::field_lengths(d);
        for f in 0..NUM_FIELDS {
            s[f] += l[f] as u64;
        }
    }
    std::array::from_fn(|f| s[f] as f32 / docs.len() as f32)
}

/// Small chunks, so the merge crosses many chunk boundaries.
fn small_config() -> IndexConfig {
    IndexConfig { postings_chunk_bytes: 2048, store_chunk_bytes: 4096, ..IndexConfig::default() }
}

#[test]
fn merging_segments_built_alike_gives_the_bulk_built_segment() {
    let cfg = small_config();
    let docs: Vec<Document> = (0..600).map(synth).collect();
    let avg = avg_of(&docs);
    let a = Analyzer::new();
    let src = MemorySource::new();
    let mut segs = Vec::new();
    for (k, part) in [&docs[..250], &docs[250..251], &docs[251..600]].into_iter().enumerate() {
        let refs: Vec<&Document> = part.iter().collect();
        let (seg, chunks) = build_segment(k as u32, &refs, Some(avg), &cfg, &a);
        src.put_all(&chunks);
        segs.push(seg);
    }
    let io = SyncIo::new(&src);
    let merged = block_on(merge_segments(&io, &segs, 9, &cfg)).unwrap();
    let refs: Vec<&Document> = docs.iter().collect();
    let (mut bulk, bulk_chunks) = build_segment(9, &refs, Some(avg), &cfg, &a);
    bulk.avg_len = merged.segment.avg_len; // a weighted mean of equal averages, up to rounding
    assert!(merged.segment.avg_len.iter().zip(avg).all(|(m, a)| (m - a).abs() < 1e-3));
    assert_eq!(merged.segment, bulk, "the merged segment names exactly the bulk build's chunks");
    assert!(merged.segment.postings.len() > 10 && merged.segment.store.len() > 10);
    let out: HashMap<ChunkId, Vec<u8>> = io.out.into_inner().into_iter().collect();
    for (id, bytes) in bulk_chunks {
        assert_eq!(out.get(&id), Some(&bytes));
    }
    assert_eq!(merged.ids.iter().collect::<Vec<_>>(), docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>());
}

#[test]
fn a_merge_drops_tombstoned_documents_and_their_lengths() {
    let cfg = small_config();
    let docs: Vec<Document> = (0..300).map(synth).collect();
    let avg = avg_of(&docs);
    let a = Analyzer::new();
    let src = MemorySource::new();
    let mut segs = Vec::new();
    for (k, part) in [&docs[..100], &docs[100..300]].into_iter().enumerate() {
        let refs: Vec<&Document> = part.iter().collect();
        let (seg, chunks) = build_segment(k as u32, &refs, Some(avg), &cfg, &a);
        src.put_all(&chunks);
        segs.push(seg);
    }
    // withdraw every third document of the first segment and docs 150..160 of the second
    segs[0].deleted = (0..100).filter(|d| d % 3 == 0).collect();
    segs[1].deleted = (50..60).collect();
    let live: Vec<Document> = docs
        .iter()
        .enumerate()
        .filter(|(i, _)| (*i >= 100 || !i.is_multiple_of(3)) && !(150..160).contains(i))
        .map(|(_, d)| d.clone())
        .collect();
    let io = SyncIo::new(&src);
    let merged = block_on(merge_segments(&io, &segs, 5, &cfg)).unwrap().segment;
    let refs: Vec<&Document> = live.iter().collect();
    let (bulk, _) = build_segment(5, &refs, Some(avg), &cfg, &a);
    assert_eq!(merged.doc_count as usize, live.len());
    assert_eq!(merged.field_len_sum, bulk.field_len_sum);
    assert_eq!((&merged.postings, &merged.doc_pages, &merged.facets, &merged.store), (&bulk.postings, &bulk.doc_pages, &bulk.facets, &bulk.store));
    assert!(merged.deleted.is_empty());
}

/// A chunk store outside the builder (as the entry point's blob store is).
#[derive(Default)]
struct Store {
    chunks: RefCell<HashMap<ChunkId, Vec<u8>>>,
}

impl MergeIo for Store {
    type Error = Error;
    async fn get(&self, id: ChunkId) -> Result<Vec<u8>, Error> {
        self.chunks.borrow().get(&id).cloned().ok_or(Error::MissingChunk(id))
    }
    async fn put(&self, id: ChunkId, bytes: Vec<u8>) -> Result<(), Error> {
        self.chunks.borrow_mut().insert(id, bytes);
        Ok(())
    }
}

impl ChunkSource for Store {
    fn get(&self, id: ChunkId) -> Option<Vec<u8>> {
        self.chunks.borrow().get(&id).cloned()
    }
}

/// Publishes one batch as the indexing entry point does: opened for the batch's ids only,
/// committed with the merge streaming into the store, the remaining new chunks stored after.
fn publish(store: &Store, meta: Option<&[u8]>, upsert: Vec<Document>, withdraw: &[&str]) -> Vec<u8> {
    let ids: Vec<&str> = upsert.iter().map(|d| d.id.as_str()).chain(withdraw.iter().copied()).collect();
    let mut b = match meta {
        Some(m) => block_on(IndexBuilder::open_with(m, store, Some(&ids))).unwrap(),
        None => IndexBuilder::new(small_config()),
    };
    for d in upsert {
        b.add(d).unwrap();
    }
    for id in withdraw {
        assert!(b.withdraw(id), "{id} is located although only the batch's ids were read");
    }
    let c = block_on(b.commit_with(store)).unwrap();
    for (id, bytes) in c.new_chunks {
        block_on(MergeIo::put(store, id, bytes)).unwrap();
    }
    c.meta
}

#[test]
fn thousands_of_documents_in_batches_of_100_stay_findable_with_exact_counts() {
    let store = Rc::new(Store::default());
    let mut meta: Option<Vec<u8>> = None;
    const N: usize = 3000;
    for start in (0..N).step_by(100) {
        let batch: Vec<Document> = (start..start + 100).map(synth).collect();
        meta = Some(publish(&store, meta.as_deref(), batch, &[]));
    }
    // replace one document (new marker) and withdraw ten
    let mut changed = synth(42);
    changed.body = "replacement text with marker424242x".into();
    let gone: Vec<String> = (1000..1010).map(|i| format!("doc-{i}")).collect();
    let gone_refs: Vec<&str> = gone.iter().map(String::as_str).collect();
    let meta = publish(&store, meta.as_deref(), vec![changed], &gone_refs);
    let m = format::decode_meta(&meta).unwrap();
    assert!(m.segments.len() <= medportal_search_index::builder::MAX_SEGMENTS + 1, "{} segments", m.segments.len());
    assert_eq!(m.live_doc_count() as usize, N - 10);

    let src: Rc<dyn ChunkSource> = store.clone();
    let searcher = Searcher::open(&meta, src, Rc::new(ChunkCache::default()), Rc::new(Vocab::builtin())).unwrap();
    for i in [0usize, 1, 99, 100, 777, 1500, 2048, 2999] {
        let r = searcher.search(&SearchRequest::new(&format!("marker{i}x"))).unwrap();
        assert_eq!(r.total, 1, "marker{i}x");
        assert_eq!(r.hits[0].id, format!("doc-{i}"));
    }
    assert_eq!(searcher.search(&SearchRequest::new("marker42x")).unwrap().total, 0, "the replaced text is gone");
    assert_eq!(searcher.search(&SearchRequest::new("marker424242x")).unwrap().hits[0].id, "doc-42");
    assert_eq!(searcher.search(&SearchRequest::new("marker1005x")).unwrap().total, 0, "withdrawn");
    // facet counts are exact over all live documents
    let mut req = SearchRequest::new("report");
    req.facets = true;
    req.filters.push(Filter { field: FacetField::TherapeuticArea, values: vec!["oncology".into()] });
    let r = searcher.search(&req).unwrap();
    let expected = (0..N).filter(|i| i % 3 == 1 && !(1000..1010).contains(i)).count();
    assert_eq!(r.total, expected);
    // ... and so are the counts of each value, whether a segment keeps a field as one column
    // (therapeutic area, audience, years: one value a document) or as per-value sets (products)
    let live = |i: &usize| i % 3 == 1 && !(1000..1010).contains(i);
    let count = |field: &str, value: &str| {
        r.facets.iter().find(|f| f.field == field).and_then(|f| f.values.iter().find(|v| v.0 == value)).map_or(0, |v| v.1 as usize)
    };
    for y in 0..5 {
        let want = (0..N).filter(live).filter(|i| i % 5 == y).count();
        assert_eq!(count("year", &(2020 + y).to_string()), want, "year {}", 2020 + y);
    }
    assert_eq!(count("audience", "public"), (0..N).filter(live).filter(|i| i % 2 == 0).count());
    assert_eq!(count("audience", "hcp"), (0..N).filter(live).filter(|i| i % 2 == 1).count());
    assert_eq!(count("product", "Eliquis"), (0..N).filter(live).filter(|i| i % 4 == 0).count());
    assert_eq!(count("therapeutic_area", "oncology"), expected);
    assert_eq!(count("therapeutic_area", "cardiology"), 0, "the filter's field counts within the filter");
    // the searcher counted each column once; the next counts expand the columns into bitmaps
    // (second request) and count from those (third): the same answers
    for _ in 0..2 {
        let again = searcher.search(&req).unwrap();
        assert_eq!((again.total, &again.facets), (r.total, &r.facets));
    }
    // a filter on a column's value, across segments whose bases are not word-aligned
    let mut req = SearchRequest::new("report");
    req.exact_total = true;
    req.filters.push(Filter { field: FacetField::Audience, values: vec!["public".into()] });
    req.filters.push(Filter::new(FacetField::TherapeuticArea, &["diabetes", "oncology"]));
    let want = (0..N).filter(|i| i % 2 == 0 && i % 3 != 0 && !(1000..1010).contains(i)).count();
    assert_eq!(searcher.search(&req).unwrap().total, want);
}
