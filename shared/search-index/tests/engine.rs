//! End-to-end tests of the engine with real drug names.

use std::rc::Rc;

use medportal_search_index::format::{self, ChunkKind};
use medportal_search_index::{
    Audience, ChunkCache, Counts, Document, Error, FacetField, Filter, IndexBuilder, IndexConfig, MemorySource,
    SearchRequest, Searcher, Vocab,
};

fn doc(id: &str, title: &str, body: &str) -> Document {
    Document {
        id: id.into(),
        title: title.into(),
        body: body.into(),
        language: "en".into(),
        markets: vec!["US".into()],
        content_type: "article".into(),
        date: 20240101,
        ..Default::default()
    }
}

fn corpus() -> Vec<Document> {
    let mut v = vec![
        Document {
            therapeutic_areas: vec!["diabetes".into()],
            products: vec!["Metformin".into()],
            content_type: "clinical-summary".into(),
            trial_phase: "phase 3".into(),
            specialties: vec!["endocrinology".into()],
            audience: Audience::Public,
            date: 20230510,
            ..doc("met-1", "Metformin as first-line therapy in type 2 diabetes", "Metformin lowers hepatic glucose production and improves insulin sensitivity. Gastrointestinal adverse events are common at initiation.")
        },
        Document {
            therapeutic_areas: vec!["cardiology".into()],
            products: vec!["Lipitor".into()],
            content_type: "product-information".into(),
            specialties: vec!["cardiology".into()],
            markets: vec!["US".into(), "GB".into()],
            date: 20220301,
            ..doc("lip-1", "Lipitor dosing and administration", "Lipitor tablets are taken once daily with or without food. Monitor liver enzymes before initiating therapy.")
        },
        Document {
            therapeutic_areas: vec!["cardiology".into()],
            products: vec!["Atorvastatin".into()],
            content_type: "clinical-summary".into(),
            trial_phase: "phase 4".into(),
            specialties: vec!["cardiology".into()],
            audience: Audience::Public,
            date: 20240115,
            ..doc("ator-1", "Atorvastatin reduces cardiovascular events", "High-intensity atorvastatin reduced major adverse cardiovascular events after myocardial infarction.")
        },
        Document {
            therapeutic_areas: vec!["oncology".into()],
            products: vec!["Keytruda".into()],
            content_type: "clinical-summary".into(),
            trial_phase: "phase 3".into(),
            specialties: vec!["oncology".into()],
            markets: vec!["GB".into()],
            language: "en".into(),
            date: 20231201,
            ..doc("pem-1", "Pembrolizumab in non-small cell lung cancer", "Pembrolizumab, a PD-1 inhibitor, improved overall survival in NSCLC with high PD-L1 expression.")
        },
        Document {
            therapeutic_areas: vec!["diabetes".into()],
            products: vec!["Ozempic".into()],
            content_type: "article".into(),
            specialties: vec!["endocrinology".into()],
            language: "de".into(),
            markets: vec!["DE".into()],
            date: 20240601,
            ..doc("sem-1", "Semaglutid bei Typ-2-Diabetes", "Semaglutid ist ein GLP-1-Rezeptoragonist zur einmal wöchentlichen Gabe.")
        },
        doc("hyp-1", "Managing hypertension in older adults", "Lowering systolic blood pressure reduces stroke risk. Thiazide diuretics and ACE inhibitors are first-line options."),
        doc("mi-1", "Secondary prevention after myocardial infarction", "After an acute myocardial infarction patients should receive aspirin, a beta blocker and a statin."),
        doc("ibu-1", "Ibuprofen and renal function", "Nonsteroidal anti-inflammatory drugs such as ibuprofen may reduce renal blood flow."),
        doc("apx-1", "Apixaban versus warfarin in atrial fibrillation", "Apixaban was superior to warfarin in preventing stroke or systemic embolism."),
    ];
    for i in 0..30 {
        v.push(doc(&format!("filler-{i}"), &format!("General practice note {i}"), "Patients were followed in primary care; outcomes were recorded at each visit."));
    }
    v
}

struct Env {
    src: Rc<MemorySource>,
    cache: Rc<ChunkCache>,
    vocab: Rc<Vocab>,
    meta: Vec<u8>,
}

impl Env {
    fn build(docs: Vec<Document>) -> Env {
        let mut b = IndexBuilder::new(IndexConfig::default());
        for d in docs {
            b.add(d).unwrap();
        }
        let src = Rc::new(MemorySource::new());
        let c = b.commit(&*src).unwrap();
        src.put_all(&c.new_chunks);
        Env { src, cache: Rc::new(ChunkCache::default()), vocab: Rc::new(Vocab::builtin()), meta: c.meta }
    }
    fn searcher(&self) -> Searcher {
        Searcher::open(&self.meta, self.src.clone(), self.cache.clone(), self.vocab.clone()).unwrap()
    }
    fn ids(&self, req: &SearchRequest) -> Vec<String> {
        self.searcher().search(req).unwrap().hits.into_iter().map(|h| h.id).collect()
    }
    fn top(&self, q: &str) -> Option<String> {
        self.ids(&SearchRequest::new(q)).into_iter().next()
    }
}

#[test]
fn brand_query_finds_generic_only_doc_and_vice_versa() {
    let env = Env::build(corpus());
    // met-1 says only "metformin"
    assert_eq!(env.top("Glucophage").as_deref(), Some("met-1"));
    assert_eq!(env.top("glucophage side effects").as_deref(), Some("met-1"));
    // lip-1 says only "Lipitor"; ator-1 only "atorvastatin": both found either way
    let by_generic = env.ids(&SearchRequest::new("atorvastatin"));
    assert!(by_generic.contains(&"lip-1".to_string()), "{by_generic:?}");
    let by_brand = env.ids(&SearchRequest::new("lipitor"));
    assert!(by_brand.contains(&"ator-1".to_string()), "{by_brand:?}");
    assert_eq!(env.top("Keytruda").as_deref(), Some("pem-1"));
    // synonyms off: the brand finds nothing
    let mut r = SearchRequest::new("Glucophage");
    r.options.synonyms = false;
    r.options.typo_tolerance = false;
    assert!(env.ids(&r).is_empty());
}

#[test]
fn lay_terms_and_abbreviations() {
    let env = Env::build(corpus());
    assert_eq!(env.top("heart attack prevention").as_deref(), Some("mi-1"));
    assert_eq!(env.top("high blood pressure").as_deref(), Some("hyp-1"));
    assert_eq!(env.top("afib anticoagulation").as_deref(), Some("apx-1"));
    let res = env.searcher().search(&SearchRequest::new("heart attack")).unwrap();
    assert!(res.expansions.iter().any(|(_, e)| e == "myocardial infarction"));
}

#[test]
fn one_typo_gets_same_top_result() {
    let env = Env::build(corpus());
    for (typo, right) in [
        ("metformn", "metformin"),
        ("atorvastatn", "atorvastatin"),
        ("pembrolizumb", "pembrolizumab"),
        ("apixaban warfrin", "apixaban warfarin"),
        ("ibuprofin", "ibuprofen"),
    ] {
        let want = env.top(right);
        assert!(want.is_some(), "{right}");
        assert_eq!(env.top(typo), want, "{typo} vs {right}");
    }
    let res = env.searcher().search(&SearchRequest::new("metformn dosing")).unwrap();
    assert_eq!(res.did_you_mean.as_deref(), Some("metformin dosing"));
    // short words get no typo tolerance
    let res = env.searcher().search(&SearchRequest::new("stsin")).unwrap();
    assert!(res.did_you_mean.is_none() || res.did_you_mean.as_deref() != Some("statin"));
}

#[test]
fn filters_and_facet_counts() {
    let env = Env::build(corpus());
    let s = env.searcher();
    let res = s
        .search(&SearchRequest::new("").filter(Filter::new(FacetField::TherapeuticArea, &["cardiology"])).with_facets().limit(100))
        .unwrap();
    let mut ids: Vec<_> = res.hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["ator-1", "lip-1"]);
    assert_eq!(res.total, 2);
    let ct = res.facets.iter().find(|f| f.field == "content_type").unwrap();
    assert_eq!(ct.values, [("clinical-summary".to_string(), 1), ("product-information".to_string(), 1)]);
    let years = res.facets.iter().find(|f| f.field == "year").unwrap();
    assert_eq!(years.values, [("2024".to_string(), 1), ("2022".to_string(), 1)]);

    // facet counts over a text query; market filter (OR within field, AND across fields)
    let res = s.search(&SearchRequest::new("therapy").with_facets().limit(100)).unwrap();
    // one field's counts, or the years', as the whole set has them, and nothing else
    for (which, field) in [(Counts::Field(FacetField::Language), "language"), (Counts::Field(FacetField::Product), "product"), (Counts::Years, "year")] {
        let mut r = SearchRequest::new("therapy").with_facets().limit(0);
        r.counts = which;
        let only = s.search(&r).unwrap();
        assert_eq!(only.total, res.total, "{field}");
        assert!(only.hits.is_empty());
        assert_eq!(only.facets.len(), 1, "{field}");
        assert_eq!(Some(&only.facets[0]), res.facets.iter().find(|f| f.field == field), "{field}");
        assert!(!only.facets[0].values.is_empty(), "{field}: the corpus has values");
    }
    let ta = res.facets.iter().find(|f| f.field == "therapeutic_area").unwrap();
    let total_ta: u32 = ta.values.iter().map(|v| v.1).sum();
    assert!(total_ta as usize <= res.total);
    let gb = s
        .search(
            &SearchRequest::new("")
                .filter(Filter::new(FacetField::Market, &["GB"]))
                .filter(Filter::new(FacetField::ContentType, &["clinical-summary", "product-information"]))
                .limit(100),
        )
        .unwrap();
    let mut ids: Vec<_> = gb.hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["lip-1", "pem-1"]);
    // language + audience: an unverified visitor sees only public content
    let public = s
        .search(&SearchRequest::new("").filter(Filter::new(FacetField::Audience, &["public"])).limit(100))
        .unwrap();
    let mut ids: Vec<_> = public.hits.iter().map(|h| h.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["ator-1", "met-1"]);
    let de = s.search(&SearchRequest::new("").filter(Filter::new(FacetField::Language, &["de"]))).unwrap();
    assert_eq!(de.hits.len(), 1);
    assert_eq!(de.hits[0].id, "sem-1");
    // date range
    let mut r = SearchRequest::new("").limit(100);
    r.date_from = Some(20240101);
    r.date_to = Some(20240131);
    let n = s.search(&r).unwrap().total;
    // ator-1 (20240115) + hyp-1, mi-1, ibu-1, apx-1 and the 30 fillers (20240101)
    assert_eq!(n, 1 + 4 + 30);
}

#[test]
fn pagination_is_stable() {
    let env = Env::build(corpus());
    let s = env.searcher();
    let all: Vec<String> = s.search(&SearchRequest::new("patients care").limit(40)).unwrap().hits.into_iter().map(|h| h.id).collect();
    assert!(all.len() > 20);
    let mut paged = Vec::new();
    for p in 0..4 {
        let r = s.search(&SearchRequest::new("patients care").offset(p * 10).limit(10)).unwrap();
        paged.extend(r.hits.into_iter().map(|h| h.id));
    }
    assert_eq!(paged, all);
}

#[test]
fn incremental_add_withdraw_and_merge() {
    let env = Env::build(corpus());
    let src = env.src.clone();
    // withdraw one item: only the meta changes
    let mut b = IndexBuilder::open(&env.meta, &*src).unwrap();
    assert!(b.withdraw("met-1"));
    let c = b.commit(&*src).unwrap();
    assert!(c.new_chunks.is_empty(), "withdrawal rewrites only the meta");
    src.put_all(&c.new_chunks);
    let s = Searcher::open(&c.meta, src.clone(), env.cache.clone(), env.vocab.clone()).unwrap();
    let hits = s.search(&SearchRequest::new("metformin").limit(50)).unwrap().hits;
    assert!(hits.iter().all(|h| h.id != "met-1"), "withdrawn doc must disappear");

    // publish one new item: a small new segment
    let mut b = IndexBuilder::open(&c.meta, &*src).unwrap();
    b.add(doc("dap-1", "Dapagliflozin in heart failure", "Dapagliflozin, an SGLT2 inhibitor, reduced worsening heart failure.")).unwrap();
    let c2 = b.commit(&*src).unwrap();
    assert!(c2.new_chunks.len() <= 8, "{} chunks", c2.new_chunks.len());
    src.put_all(&c2.new_chunks);
    let s = Searcher::open(&c2.meta, src.clone(), env.cache.clone(), env.vocab.clone()).unwrap();
    assert_eq!(s.search(&SearchRequest::new("dapagliflozin")).unwrap().hits[0].id, "dap-1");
    assert_eq!(s.search(&SearchRequest::new("lipitor")).unwrap().hits[0].id, "lip-1");

    // replace (same id) = tombstone + add
    let mut b = IndexBuilder::open(&c2.meta, &*src).unwrap();
    b.add(doc("dap-1", "Dapagliflozin in chronic kidney disease", "Renal outcomes improved.")).unwrap();
    let c3 = b.commit(&*src).unwrap();
    src.put_all(&c3.new_chunks);
    let s = Searcher::open(&c3.meta, src.clone(), env.cache.clone(), env.vocab.clone()).unwrap();
    let hits = s.search(&SearchRequest::new("dapagliflozin")).unwrap().hits;
    assert_eq!(hits.len(), 1);
    assert_eq!(s.document(hits[0].doc).unwrap().title, "Dapagliflozin in chronic kidney disease");

    // many small publishes trigger merges; everything stays searchable
    let mut meta = c3.meta.clone();
    for i in 0..20 {
        let mut b = IndexBuilder::open(&meta, &*src).unwrap();
        b.add(doc(&format!("new-{i}"), &format!("Tirzepatide update {i}"), "Tirzepatide weekly injection.")).unwrap();
        let c = b.commit(&*src).unwrap();
        src.put_all(&c.new_chunks);
        meta = c.meta;
    }
    let m = format::decode_meta(&meta).unwrap();
    assert!(m.segments.len() <= medportal_search_index::builder::MAX_SEGMENTS);
    let s = Searcher::open(&meta, src.clone(), env.cache.clone(), env.vocab.clone()).unwrap();
    assert_eq!(s.search(&SearchRequest::new("tirzepatide").limit(100)).unwrap().total, 20);
    assert!(s.search(&SearchRequest::new("metformin").limit(50)).unwrap().hits.iter().all(|h| h.id != "met-1"));
    assert_eq!(s.search(&SearchRequest::new("dapagliflozin")).unwrap().total, 1);
    assert_eq!(s.live_count(), corpus().len() - 1 + 1 + 20);
}

#[test]
fn encode_decode_round_trip() {
    let env = Env::build(corpus());
    let meta = format::decode_meta(&env.meta).unwrap();
    assert_eq!(format::encode_meta(&meta), env.meta);
    let seg = &meta.segments[0];
    // store chunk round trip reproduces the documents
    let bytes = env.src_get(seg.store.get(0).unwrap().chunk.id);
    let (first, docs) = format::decode_store(&bytes).unwrap();
    assert_eq!(first, 0);
    let refs: Vec<&Document> = docs.iter().collect();
    assert_eq!(format::encode_store(first, &refs), bytes);
    assert_eq!(docs[0], corpus()[0]);
    // postings chunk: every term findable, lists decode in order
    let pbytes = env.src_get(seg.postings[0].chunk.id);
    let pc = format::decode_postings(&pbytes).unwrap();
    for i in 0..pc.len() {
        assert_eq!(pc.find(pc.term(i)), Some(i));
        let docs: Vec<u32> = pc.iter(i).map(|p| p.0).collect();
        assert_eq!(docs.len() as u32, pc.df(i));
        assert!(docs.windows(2).all(|w| w[0] < w[1]));
    }
    let lx = format::decode_lexicon(&env.src_get(seg.lexicon.id)).unwrap();
    assert!(lx.find("metformin").is_some());
    assert_eq!(seg.doc_pages.len(), (seg.doc_count as usize).div_ceil(format::DOC_PAGE));
    let dt = format::decode_doc_page(&env.src_get(seg.doc_pages[0].id)).unwrap();
    assert_eq!(dt.id(0), "met-1");
    let f = format::decode_facets(&env.src_get(seg.facets.id)).unwrap();
    assert_eq!(format::encode_facets(&f, &dt.dates()), env.src_get(seg.facets.id));
    assert_eq!(format::encode_doc_page(&(0..dt.len()).map(|i| dt.id(i)).collect::<Vec<_>>(), &dt.dates()), env.src_get(seg.doc_pages[0].id));
    // impacts quantisation is monotone and close
    for w in [0.1f32, 0.5, 1.0, 3.0, 10.0, 40.0].windows(2) {
        assert!(format::quantize_impact(w[0]) <= format::quantize_impact(w[1]));
    }
    for tf in [0.5f32, 1.0, 2.0, 7.5, 40.0] {
        let q = format::quantize_impact(tf);
        assert!(((1.0 + format::dequantize_impact(q)) / (1.0 + tf) - 1.0).abs() < 0.15, "{tf}");
    }
}

impl Env {
    fn src_get(&self, id: format::ChunkId) -> Vec<u8> {
        use medportal_search_index::ChunkSource;
        self.src.get(id).unwrap()
    }
}

#[test]
fn corrupted_chunk_is_detected() {
    let env = Env::build(corpus());
    let meta = format::decode_meta(&env.meta).unwrap();
    let pid = meta.segments[0].postings[0].chunk.id;
    // flip one byte in the middle of a postings chunk
    env.src.tamper(pid, |b| {
        let n = b.len() / 2;
        b[n] ^= 0x40;
    });
    let s = env.searcher(); // postings are loaded lazily
    let mut saw_error = false;
    for q in ["metformin", "atorvastatin", "apixaban", "care", "lipitor", "pembrolizumab"] {
        match s.search(&SearchRequest::new(q)) {
            Err(Error::HashMismatch(id)) => {
                assert_eq!(id, pid);
                saw_error = true;
            }
            Err(e) => panic!("unexpected {e}"),
            Ok(_) => {}
        }
    }
    assert!(saw_error, "a query touching the corrupted chunk must fail loudly");
    // frame checksum catches corruption even when the id is not checked
    let mut bytes = env.src_get(meta.segments[0].lexicon.id);
    let n = bytes.len() - 12;
    bytes[n] ^= 1;
    assert_eq!(format::decode_lexicon(&bytes).unwrap_err(), Error::Checksum);
    // wrong kind / magic / version
    let good = env.src_get(meta.segments[0].lexicon.id);
    assert_eq!(format::decode_doc_page(&good).unwrap_err(), Error::WrongKind);
    let mut v = good.clone();
    v[4] = 99;
    assert!(matches!(format::decode_lexicon(&v), Err(Error::UnsupportedVersion(_))));
    assert_eq!(format::decode_meta(b"nope").unwrap_err(), Error::BadMagic);
    assert_eq!(format::peek_kind(&good), Some(ChunkKind::Lexicon));
    // truncated meta
    assert!(format::decode_meta(&env.meta[..env.meta.len() - 3]).is_err());
}

/// Opening reads no chunk, so a corrupted doc page, facets chunk or term filter is found by
/// the first request that reads it: that request fails with the chunk's id, nothing is served
/// from the corrupted bytes.
#[test]
fn corrupted_segment_chunks_fail_the_first_request_that_reads_them() {
    let meta = {
        let env = Env::build(corpus());
        format::decode_meta(&env.meta).unwrap()
    };
    let seg = &meta.segments[0];
    for (id, facets) in [(seg.doc_pages[0].id, false), (seg.term_filter.id, false), (seg.facets.id, true)] {
        let env = Env::build(corpus());
        env.src.tamper(id, |b| {
            let n = b.len() / 2;
            b[n] ^= 0x10;
        });
        let s = env.searcher();
        let mut r = SearchRequest::new("metformin");
        if facets {
            r = r.with_facets();
        }
        assert_eq!(s.search(&r).unwrap_err(), Error::HashMismatch(id));
        assert_eq!(s.search(&r).unwrap_err(), Error::HashMismatch(id), "still refused on retry");
    }
}

#[test]
fn suggestions_and_snippets() {
    let env = Env::build(corpus());
    let s = env.searcher();
    let sug = s.suggest("metf", 5).unwrap();
    assert_eq!(sug.first().map(String::as_str), Some("metformin"), "{sug:?}");
    let sug = s.suggest("first line atorv", 5).unwrap();
    assert!(sug.contains(&"first line atorvastatin".to_string()), "{sug:?}");
    // vocabulary names complete too (brand not in the corpus)
    let sug = s.suggest("glucoph", 5).unwrap();
    assert!(sug.contains(&"glucophage".to_string()), "{sug:?}");
    let hit = s.search(&SearchRequest::new("Glucophage")).unwrap().hits[0].clone();
    let sn = s.snippet(hit.doc, "Glucophage", 120).unwrap();
    assert!(!sn.highlights.is_empty());
    let (a, b) = sn.highlights[0];
    assert_eq!(sn.text[a..b].to_lowercase(), "metformin");
    // an inflected query word highlights the text's own form of it ("reduces" -> "reduced")
    let hit = s.search(&SearchRequest::new("atorvastatin reduces events")).unwrap().hits[0].clone();
    let sn = s.snippet(hit.doc, "atorvastatin reduces events", 240).unwrap();
    let marked: Vec<String> = sn.highlights.iter().map(|&(a, b)| sn.text[a..b].to_lowercase()).collect();
    assert!(marked.contains(&"reduced".to_owned()) && marked.contains(&"events".to_owned()), "{marked:?} in {}", sn.text);
}

/// A page of hits shares one `SnippetTerms` (its words already looked at are kept): every
/// hit's snippet is the one fresh terms give, whatever the hits before it marked.
#[test]
fn a_page_of_snippets_sharing_its_terms_marks_what_each_alone_would() {
    let env = Env::build(corpus());
    let s = env.searcher();
    for q in ["Glucophage", "atorvastatin reduces events", "diabetes metformin", "adverse events therapy", "lung cancer survival"] {
        let hits = s.search(&SearchRequest::new(q)).unwrap().hits;
        assert!(!hits.is_empty(), "{q}");
        let shared = s.snippet_terms(q).unwrap();
        let mut marked = 0;
        // twice over the page: the second pass finds every word already looked at
        for _ in 0..2 {
            for h in &hits {
                let d = s.document(h.doc).unwrap();
                let alone = s.snippet_of(&d, &s.snippet_terms(q).unwrap(), 120);
                marked += usize::from(!alone.highlights.is_empty());
                assert_eq!(s.snippet_of(&d, &shared, 120), alone, "{q}: {}", h.id);
            }
        }
        assert!(marked > 0, "{q}: some snippet marks a word");
    }
    // a word that starts like a query term but does not mark (its stem differs) stays unmarked
    // in every hit after the one it was first looked at in
    let env = Env::build(vec![
        doc("a", "Monitoring", "Therapeutic drug monitoring guides therapy in renal impairment."),
        doc("b", "Options", "Therapeutic options differ: therapy is chosen by the therapeutic window."),
    ]);
    let s = env.searcher();
    let shared = s.snippet_terms("therapy").unwrap();
    for id in ["a", "b"] {
        let hit = s.search(&SearchRequest::new("therapy")).unwrap().hits.into_iter().find(|h| h.id == id).unwrap();
        let sn = s.snippet_of(&s.document(hit.doc).unwrap(), &shared, 240);
        let marked: Vec<&str> = sn.highlights.iter().map(|&(a, b)| &sn.text[a..b]).collect();
        assert_eq!(marked, ["therapy"], "{id}: {}", sn.text);
    }
}

#[test]
fn missing_chunk_reported_and_async_plan() {
    let env = Env::build(corpus());
    let s = env.searcher();
    // a fresh searcher has read nothing: the plan names the term filter and the postings chunk
    let filter = format::decode_meta(&env.meta).unwrap().segments[0].term_filter.id;
    let plan = s.plan(&["metformin"]);
    assert_eq!(plan.len(), 2, "{plan:?}");
    assert_eq!(plan[0], filter);
    let pid = plan[1];
    let bytes = env.src_get(pid);
    env.src.remove(pid);
    let cache2 = Rc::new(ChunkCache::default());
    let s2 = Searcher::open(&env.meta, env.src.clone(), cache2.clone(), env.vocab.clone());
    let s2 = match s2 {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(cache2.stats().misses, 0, "opening reads no chunk");
    let mut r = SearchRequest::new("metformin");
    r.options.typo_tolerance = false;
    assert_eq!(s2.search(&r).unwrap_err(), Error::MissingChunk(pid));
    // once the filter is loaded the plan names the postings chunk only
    assert_eq!(s2.plan(&["metformin"]), vec![pid]);
    // host fetches asynchronously and hands the bytes over
    cache2.insert_bytes(pid, bytes.clone()).unwrap();
    assert_eq!(s2.search(&r).unwrap().hits[0].id, "met-1");
    assert!(cache2.insert_bytes(pid, bytes[1..].to_vec()).is_err());
}

/// Block-max MaxScore top-k pruning returns exactly the exhaustive ranking (ids and scores),
/// including multi-block lists, multi-term and synonym/typo clauses, filters, deeper pages and
/// several segments; exact totals and facet counts agree too.
#[test]
fn top_k_pruning_equals_exhaustive_ranking() {
    let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"];
    let mut x = 12345u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut docs = Vec::new();
    for i in 0..3000 {
        let mut body = String::new();
        for _ in 0..(5 + next() % 40) {
            // skewed: low indexes are frequent (long lists, many blocks)
            let r = (next() % 1000) as f64 / 1000.0;
            body.push_str(words[((r * r * r) * words.len() as f64) as usize]);
            body.push(' ');
        }
        if next() % 50 == 0 {
            body.push_str("atorvastatin ");
        }
        if next() % 70 == 0 {
            body.push_str("lipitor ");
        }
        let mut d = doc(&format!("d{i:05}"), words[(next() % 12) as usize], &body);
        d.language = if i % 3 == 0 { "de".into() } else { "en".into() };
        docs.push(d);
    }
    // one segment, and the same documents committed in three batches (three segments)
    let one = Env::build(docs.clone());
    let three = {
        let src = Rc::new(MemorySource::new());
        let mut b = IndexBuilder::new(IndexConfig::default());
        let mut meta = Vec::new();
        for part in docs.chunks(1000) {
            for d in part {
                b.add(d.clone()).unwrap();
            }
            let c = b.commit(&*src).unwrap();
            src.put_all(&c.new_chunks);
            meta = c.meta;
        }
        Env { src, cache: Rc::new(ChunkCache::default()), vocab: Rc::new(Vocab::builtin()), meta }
    };
    assert_eq!(three.searcher().meta().segments.len(), 3);
    // and with tombstones: every 7th document withdrawn
    let withdrawn = {
        let mut b = IndexBuilder::open(&three.meta, &*three.src).unwrap();
        for i in (0..docs.len()).step_by(7) {
            assert!(b.withdraw(&format!("d{i:05}")));
        }
        let c = b.commit(&*three.src).unwrap();
        three.src.put_all(&c.new_chunks);
        Env { src: three.src.clone(), cache: Rc::new(ChunkCache::default()), vocab: three.vocab.clone(), meta: c.meta }
    };
    assert!(withdrawn.searcher().meta().segments.iter().any(|s| !s.deleted.is_empty()));
    for env in [one, three, withdrawn] {
        check_pruning(&env.searcher());
    }
}

fn check_pruning(s: &Searcher) {
    let mut pruned = 0;
    let queries = ["alpha bravo", "alpha bravo charlie delta", "kilo alpha", "lima", "lipitor alpha bravo", "atorvastatn alpha", "golf hotel india juliet"];
    for q in queries {
        for (offset, limit, filter) in [(0, 10, false), (0, 100, false), (20, 10, true)] {
            let mut fast = SearchRequest::new(q).offset(offset).limit(limit);
            if filter {
                fast = fast.filter(Filter::new(FacetField::Language, &["en"]));
            }
            let a = s.search(&fast).unwrap();
            let b = s.search_exhaustive(&fast).unwrap();
            // same documents, order and scores (fixed-point scores: summation order is moot)
            assert_eq!(a.hits, b.hits, "{q} offset {offset} limit {limit} filter {filter}");
            assert!(b.total_exact && a.total <= b.total);
            assert!(!a.total_exact || a.total == b.total);
            pruned += usize::from(!a.total_exact);
            // the results page: exact total and facet counts from the match set
            let page = fast.clone().with_facets();
            let (a, b) = (s.search(&page).unwrap(), s.search_exhaustive(&page).unwrap());
            assert_eq!((a.hits, a.total, a.total_exact, a.facets), (b.hits, b.total, true, b.facets), "{q} page");
        }
    }
    assert!(pruned > 0, "no query exercised the pruned path");
}

/// A results page reads the doc pages of the hits it shows, not the segment's: with the pages
/// gone from the source, the search names every page its hits need at once (the error names
/// one, `take_missing` the rest), and once they are back the ids are right. Facet counts and
/// filters need no doc page; browsing (dates of every document) needs them all.
#[test]
fn doc_pages_are_read_for_the_hits_shown_and_missing_ones_named_at_once() {
    let n = 2 * format::DOC_PAGE + 100;
    // hits at 0, step, 2·step, 3·step: on pages 0, 0, 1, 2
    let step = format::DOC_PAGE * 700 / 1024;
    let docs: Vec<Document> = (0..n)
        .map(|i| {
            let body = if i % step == 0 { "zanubrutinib lymphoma" } else { "placebo" };
            doc(&format!("d{i}"), &format!("item {i}"), body)
        })
        .collect();
    let env = Env::build(docs);
    let meta = format::decode_meta(&env.meta).unwrap();
    let pages = meta.segments[0].doc_pages.clone();
    assert_eq!(pages.len(), 3);
    let stash: Vec<_> = pages.iter().map(|p| (p.id, env.src.remove(p.id).unwrap())).collect();
    let s = env.searcher();
    let req = SearchRequest::new("zanubrutinib").with_facets();
    let Err(Error::MissingChunk(first)) = s.search(&req) else { panic!("the doc pages are missing") };
    let mut named: Vec<_> = std::iter::once(first).chain(s.take_missing()).collect();
    named.sort();
    let mut want: Vec<_> = pages.iter().map(|p| p.id).collect();
    want.sort();
    assert_eq!(named, want);
    assert!(s.take_missing().is_empty(), "taken once");
    // a top-10 without hits to show reads none: an unknown word
    assert_eq!(s.search(&SearchRequest::new("qqqqzzzz")).unwrap().total, 0);
    for (id, bytes) in stash.iter().filter(|(id, _)| *id != pages[2].id) {
        env.src.put(*id, bytes.clone());
    }
    // only the last page is still missing: only it is named
    assert_eq!(s.search(&req).unwrap_err(), Error::MissingChunk(pages[2].id));
    assert!(s.take_missing().is_empty());
    // another request is ranked anew (not answered from the ranking kept for the retry)
    let one = s.search(&SearchRequest::new("zanubrutinib").limit(1).with_facets()).unwrap();
    assert_eq!((one.hits.len(), one.hits[0].id.as_str(), one.total), (1, "d0", 4));
    env.src.put(pages[2].id, stash[2].1.clone());
    let res = s.search(&req).unwrap();
    let mut ids: Vec<String> = res.hits.into_iter().map(|h| h.id).collect();
    ids.sort();
    let mut want: Vec<String> = (0..4).map(|k| format!("d{}", k * step)).collect();
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(res.facets.iter().find(|f| f.field == "year").unwrap().values, [("2024".to_string(), 4)]);
    // browsing lists every document newest first: every page's dates
    let all = env.searcher().search(&SearchRequest::new("").limit(5)).unwrap();
    assert_eq!(all.total, n);
}

/// A segment written by version 4 (doc pages of 1,024 documents) in a current meta: the meta
/// still decodes, searching it fails with the version (not as corrupt, not with wrong ids),
/// and the builder locates its documents from the stored ones, so a rebuild replaces it.
#[test]
fn a_version_4_segment_with_larger_doc_pages_is_refused_and_located_for_a_rebuild() {
    let n = format::DOC_PAGE + 100;
    let docs: Vec<Document> = (0..n).map(|i| doc(&format!("d{i}"), &format!("item {i}"), "metformin placebo")).collect();
    let env = Env::build(docs);
    let mut meta = format::decode_meta(&env.meta).unwrap();
    assert_eq!(meta.segments[0].doc_pages.len(), 2);
    // one page of all the segment's documents, as version 4 wrote it
    let ids: Vec<String> = (0..n).map(|i| format!("d{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut old = format::encode_doc_page(&ids, &vec![20240101; n]);
    old[4..6].copy_from_slice(&4u16.to_le_bytes());
    let body = old.len() - 8;
    let sum = medportal_search_index::codec::xxh64(&old[..body], 0);
    old[body..].copy_from_slice(&sum.to_le_bytes());
    let id = format::ChunkId::of(&old);
    env.src.put(id, old);
    meta.segments[0].doc_pages = vec![format::ChunkRef { id, len: (body + 8) as u32 }];
    let meta_bytes = format::encode_meta(&meta);
    assert_eq!(format::decode_meta(&meta_bytes).unwrap().segments[0].doc_pages.len(), 1);
    let s = Searcher::open(&meta_bytes, env.src.clone(), Rc::new(ChunkCache::default()), env.vocab.clone()).unwrap();
    assert_eq!(s.search(&SearchRequest::new("metformin")).unwrap_err(), Error::UnsupportedVersion(4));
    let mut b = IndexBuilder::open(&meta_bytes, &*env.src).unwrap();
    assert!(b.withdraw(&format!("d{}", n - 1)), "located through the stored documents");
}

/// An index written by an older format (here a segment whose doc page is a version 3 chunk):
/// searching it fails with the version, nothing is served from it, and the builder still
/// locates its documents (from the stored documents), so a rebuild replaces it.
#[test]
fn an_older_format_segment_is_refused_by_search_and_located_for_a_rebuild() {
    let env = Env::build(corpus());
    let mut meta = format::decode_meta(&env.meta).unwrap();
    let mut old = env.src_get(meta.segments[0].doc_pages[0].id);
    old[4..6].copy_from_slice(&3u16.to_le_bytes());
    let body = old.len() - 8;
    let sum = medportal_search_index::codec::xxh64(&old[..body], 0);
    old[body..].copy_from_slice(&sum.to_le_bytes());
    let id = format::ChunkId::of(&old);
    env.src.put(id, old);
    meta.segments[0].doc_pages[0].id = id;
    let meta_bytes = format::encode_meta(&meta);
    let s = Searcher::open(&meta_bytes, env.src.clone(), Rc::new(ChunkCache::default()), env.vocab.clone()).unwrap();
    assert_eq!(s.search(&SearchRequest::new("metformin")).unwrap_err(), Error::UnsupportedVersion(3));
    let mut b = IndexBuilder::open(&meta_bytes, &*env.src).unwrap();
    assert!(b.withdraw("met-1"), "located through the stored documents");
    assert!(!b.withdraw("no-such-id"));
}

#[test]
fn a_searcher_reusing_a_querys_plan_answers_as_a_fresh_one() {
    // one searcher answers the requests of results pages in turn (the page, a group's counts
    // without its filter, the hidden total, then other words, then the first words again, with
    // typos, synonyms and options that change the plan); each answer equals a fresh searcher's
    let env = Env::build(corpus());
    let shared = env.searcher();
    let mut requests = Vec::new();
    for q in ["therapy", "Glucophage side effects", "metformn dosing", "", "therapy", "lipitor cardiology"] {
        let page = SearchRequest::new(q).with_facets().limit(5);
        let mut lang = page.clone().filter(Filter::new(FacetField::Audience, &["public"]));
        lang.limit = 0;
        lang.counts = Counts::Field(FacetField::Language);
        let mut hidden = page.clone().filter(Filter::new(FacetField::Audience, &["hcp"]));
        hidden.facets = false;
        hidden.exact_total = true;
        hidden.limit = 0;
        let mut no_synonyms = page.clone().filter(Filter::new(FacetField::Market, &["US"]));
        no_synonyms.options.synonyms = false;
        let exhaustive = page.clone().offset(1);
        requests.extend([(page, false), (lang, false), (hidden, false), (no_synonyms, false), (exhaustive, true)]);
    }
    for (r, exhaustive) in &requests {
        let run = |s: &Searcher| if *exhaustive { s.search_exhaustive(r) } else { s.search(r) };
        let (got, want) = (run(&shared).unwrap(), run(&env.searcher()).unwrap());
        assert_eq!(got, want, "{:?} (exhaustive: {exhaustive})", r.query);
    }
    // the plan changed the answers at all: a typo is corrected, a brand expanded
    assert!(requests.iter().any(|(r, _)| shared.search(r).unwrap().did_you_mean.is_some()));
    assert!(requests.iter().any(|(r, _)| !shared.search(r).unwrap().expansions.is_empty()));
}
