//! Start-up warm-up for runtimes that compile wasm lazily.
//!
//! V8 (Cloudflare Workers) compiles a wasm function when it is first called. A new isolate's
//! first results page therefore compiles most of the query path (about 100 KB of code, some
//! 5 ms) before it answers. [`run`] searches a tiny built-in index the way a results page
//! searches the real one, so that a Worker calling it at start-up (Workers start an isolate
//! while the TLS handshake runs, before the first request) has that code compiled when the
//! first request arrives. Runtimes that compile ahead of time (Wasmtime: Spin, the native host)
//! gain nothing from it and do not call it.
//!
//! The tiny index is built by [`build`] (the query Worker's build script embeds its output,
//! about 2.3 KB): eight short documents with every facet field, single- and multi-valued, and
//! a vocabulary of two synonym groups. Blob layout ([`crate::codec`]'s `bytes` is a varint
//! length and the bytes; `u64` is little-endian):
//!
//! `"MPWU" | bytes meta | bytes vocabulary | var n | n × (u64 id, bytes chunk)`
//!
//! Each chunk is checked against its id as the Worker checks what it fetches. Code that only
//! a large index reaches (facet columns, long postings) is still compiled by the first request
//! that needs it; `make bench-search` measures what remains (its "V8 after start-up warm-up"
//! column).
//!
//! Compiled is not optimised: V8 first runs a function as baseline code (Liftoff) and
//! optimises it only after it has run for a while, and a call already running stays in the
//! baseline code. The tiny index never runs anything for long, so [`run`] also hashes
//! [`HASH_WARM_UP`] bytes once: the content-id hash, which a first results page runs over every
//! chunk it loads (742 KB at 100,000 synthetic documents), is then optimised before the first
//! request, and the memory that request allocates has already grown. At 100,000 documents in
//! Node's V8 (`medportal-search-bench … --cold --warm-up`), six cold starts each, interleaved:
//! the first query took 3.3–4.2 ms (median 3.7) after this warm-up, 4.9–6.2 ms (median 5.1)
//! without the hashing, which costs the start-up 1–3 ms; hashing 256 KB made no difference.

use std::rc::Rc;

use crate::cache::{ChunkCache, ChunkSource};
use crate::codec::{Reader, Writer};
use crate::{Audience, ChunkId, Counts, Document, Error, FacetField, Filter, IndexBuilder, IndexConfig, MemorySource, SearchRequest, Searcher, Vocab};

const MAGIC: &[u8; 4] = b"MPWU";
/// Bytes [`run`] hashes once (see the module documentation).
pub const HASH_WARM_UP: usize = 1 << 20;
/// Documents of the tiny index.
const DOCS: usize = 8;

/// Words the documents are written from (and the queries search for).
const WORDS: [&str; 7] = ["hypertension", "dosing", "renal", "safety", "elderly", "risk", "trial"];

/// The tiny index's documents (deterministic): every facet field, single- and multi-valued,
/// with one-letter values (it is embedded in the query Worker: its bytes count).
fn documents() -> Vec<Document> {
    let pick = |i: usize, k: usize| WORDS[(i * 3 + k * 5) % WORDS.len()];
    let one = |s: &str| vec![s.to_string()];
    (0..DOCS)
        .map(|i| Document {
            id: format!("w{i}"),
            title: format!("{} {} olmesartan", pick(i, 0), pick(i, 1)),
            summary: String::new(),
            body: pick(i, 2).into(),
            references: String::new(),
            therapeutic_areas: one(["a", "b", "c"][i % 3]),
            products: if i % 4 == 0 { vec!["p".into(), "q".into()] } else { one(["p", "q"][i % 2]) },
            content_type: ["s", "f", "l"][i % 3].into(),
            trial_phase: ["3", "2", ""][i % 3].into(),
            specialties: one(["a", "b"][i % 2]),
            language: if i % 4 == 3 { "es".into() } else { "en".into() },
            markets: if i % 2 == 0 { vec!["US".into(), "GB".into()] } else { one("US") },
            audience: if i % 3 == 0 { Audience::Public } else { Audience::Hcp },
            date: 20190101 + (i as u32 % 4) * 10000,
        })
        .collect()
}

/// Builds the warm-up blob (see the module documentation).
pub fn build() -> Result<Vec<u8>, Error> {
    let mut b = IndexBuilder::new(IndexConfig::default());
    for d in documents() {
        b.add(d)?;
    }
    let commit = b.commit(&MemorySource::new())?;
    let vocab = Vocab::parse("olmesartan|benicar|olmetec\nhypertension|high blood pressure\n", 1.0).encode();
    let mut w = Writer::new();
    w.raw(MAGIC);
    w.bytes(&commit.meta);
    w.bytes(&vocab);
    w.var(commit.new_chunks.len() as u64);
    for (id, bytes) in &commit.new_chunks {
        w.u64(id.0);
        w.bytes(bytes);
    }
    Ok(w.buf)
}

/// The searcher reads only what was put into its cache.
struct Nothing;
impl ChunkSource for Nothing {
    fn get(&self, _: ChunkId) -> Option<Vec<u8>> {
        None
    }
}

/// Opens the blob's index the way the query Worker opens a stored one (meta decoded, chunks
/// checked into a chunk cache, the vocabulary used in place) and runs what a
/// results page runs over it: the page with filters and facet counts, one group's counts
/// without its filter, the years, an exact total, a typo-corrected query, the snippets and
/// stored documents of the hits, and completions; then it hashes [`HASH_WARM_UP`] bytes. Returns
/// the page's total (a check that it searched). Nothing is kept: the cache, the searcher and
/// the bytes are dropped on return.
pub fn run(blob: &[u8]) -> Result<usize, Error> {
    if blob.get(..4) != Some(MAGIC) {
        return Err(Error::BadMagic);
    }
    let mut r = Reader::new(&blob[4..]);
    let meta = r.bytes()?;
    let vocab = Vocab::open(std::borrow::Cow::Owned(r.bytes()?.to_vec()))?;
    let cache = Rc::new(ChunkCache::new(1 << 20));
    for _ in 0..r.var()? {
        let id = ChunkId(r.u64()?);
        cache.insert_bytes(id, r.bytes()?.to_vec())?;
    }
    let searcher = Searcher::open_meta(crate::format::decode_meta(meta)?, Rc::new(Nothing), cache, Rc::new(vocab))?;
    // the page (filters, facet counts), a group's counts without its filter, the years, an
    // exact total of HCP results, a query with a typo; then the page's snippets and documents
    let mut total = 0;
    for (i, (query, counts)) in [
        (QUERY, Counts::All),
        (QUERY, Counts::Field(FacetField::TherapeuticArea)),
        (QUERY, Counts::Years),
        (QUERY, Counts::All),
        ("hypertensoin safety", Counts::All),
    ]
    .into_iter()
    .enumerate()
    {
        let res = searcher.search(&request(query, i, counts))?;
        if i == 0 {
            total = res.total;
            let terms = searcher.snippet_terms(query)?;
            for h in &res.hits {
                searcher.snippet_of(&searcher.document(h.doc)?, &terms, 240);
            }
        }
    }
    searcher.suggest("hyp", 12)?;
    // one long call of the content-id hash (see the module documentation), kept by black_box
    let bytes = vec![0u8; HASH_WARM_UP];
    std::hint::black_box(crate::codec::xxh64(std::hint::black_box(&bytes), 0));
    Ok(total)
}

const QUERY: &str = "benicar dosing";

/// The `i`th request of [`run`] (one function, not five inlined constructions: the query
/// Worker carries this code).
#[inline(never)]
fn request(query: &str, i: usize, counts: Counts) -> SearchRequest {
    let mut r = SearchRequest::new(query);
    r.facets = i != 3;
    r.counts = counts;
    match i {
        3 => {
            r.filters.push(Filter::new(FacetField::Audience, &["hcp"]));
            r.limit = 0;
            r.exact_total = true;
        }
        4 => {}
        _ => {
            r.filters.push(Filter::new(FacetField::Audience, &["public", "hcp"]));
            r.filters.push(Filter::new(FacetField::Language, &["en"]));
            if i == 0 {
                r.filters.push(Filter::new(FacetField::TherapeuticArea, &["a", "b"]));
            } else {
                r.limit = 0;
            }
            r.date_from = Some(20190101);
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_up_index_searches_like_a_real_one() {
        let blob = build().expect("build");
        // "benicar" is in no document: all are found through its synonym olmesartan, and the
        // filters (English; areas a or b) keep documents 0, 1, 4 and 6
        assert_eq!(run(&blob).expect("run"), 4);
        // deterministic: a build script embeds it
        assert_eq!(build().expect("build"), blob);
    }

    #[test]
    fn a_damaged_warm_up_blob_is_an_error_not_a_panic() {
        let blob = build().expect("build");
        assert!(matches!(run(&blob[..3]), Err(Error::BadMagic)));
        for cut in [4, 9, blob.len() / 2, blob.len() - 1] {
            assert!(run(&blob[..cut]).is_err(), "cut at {cut}");
        }
        let mut step = 0;
        while step < blob.len() {
            let mut b = blob.clone();
            b[step] ^= 0x5a;
            let _ = run(&b);
            step += 7;
        }
    }
}
