//! The query engine inside the isolate: per-isolate caches (decoded chunks, vocabulary,
//! searchers by meta content) and the async ⇄ sync bridge. Storage is async, the engine's
//! `ChunkSource` is sync, so chunks are fetched first (what `Searcher::plan` names, plus the
//! chunks of synonyms and of the stored documents to show), verified and decoded into the
//! [`ChunkCache`], and the engine runs against the cache only; a search that still misses a
//! chunk returns `MissingChunk`, which is fetched before the search is retried.
//!
//! A visitor's search runs over the union of the indexes they may see (`global` and their
//! market, every language): their segments are concatenated into one in-memory meta, so
//! document frequencies, facet counts and pagination are computed once over the union.

use std::cell::RefCell;
use std::rc::Rc;

use medportal_core::ports::{BlobStore, LogLevel};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_search_index::analysis::Analyzer;
use medportal_search_index::cache::ChunkSource;
use medportal_search_index::format::{self, Meta};
use medportal_search_index::{ChunkCache, ChunkId, Document, SearchRequest, SearchResults, Searcher, SnippetTerms, Vocab};

use crate::store::{self, IndexKey};
use crate::visibility::Visibility;

/// Decoded-chunk budget of the isolate (Workers isolates have 128 MB).
const CACHE_BYTES: usize = 24 << 20;
/// Searchers (one per distinct union of metas) kept per isolate.
const SEARCHERS: usize = 8;
/// A segment of at most this many documents has its doc pages read when it is opened (with
/// its facets and term filter); a larger one has them read per results page.
const EAGER_DOC_PAGES_UP_TO: usize = 1024;
/// Fetch-and-retry rounds before a search gives up (each round fetches what was missing).
const ROUNDS: usize = 24;

/// The engine reads only from the cache; chunks arrive through `ChunkCache::insert_bytes`.
struct CacheOnly;
impl ChunkSource for CacheOnly {
    fn get(&self, _: ChunkId) -> Option<Vec<u8>> {
        None
    }
}

struct Isolate {
    /// Made on first use (so the thread-local needs no lazy initialisation at every access).
    cache: Option<Rc<ChunkCache>>,
    vocab: Option<Rc<Vocab>>,
    searchers: Vec<(u64, Rc<Opened>)>,
    /// The registry and head last read, reused while the platform trusts them (`Ctx::trusted`:
    /// a second on Workers, where a publish through search-admin reaches `/search` within it;
    /// garbage collection keeps the previous generation's chunks, so a union one publish behind
    /// still answers; every request elsewhere) instead of reading them and the metas per request.
    recent: Option<Recent>,
}

/// The registry (and the head it came from, when the store has one) as read at `at`, and the
/// union each visible set of indexes opened to since.
struct Recent {
    at: i64,
    registry: Vec<IndexKey>,
    head: Option<Rc<store::Head>>,
    unions: Vec<(Vec<IndexKey>, Option<Rc<Opened>>)>,
}

impl Isolate {
    /// What an isolate starts with: nothing kept.
    const EMPTY: Isolate = Isolate { cache: None, vocab: None, searchers: Vec::new(), recent: None };
}

thread_local! {
    static ISOLATE: RefCell<Isolate> = const { RefCell::new(Isolate::EMPTY) };
}

fn chunk_cache() -> Rc<ChunkCache> {
    ISOLATE.with(|i| i.borrow_mut().cache.get_or_insert_with(|| Rc::new(ChunkCache::new(CACHE_BYTES))).clone())
}

/// Forgets everything the isolate kept (chunk cache, vocabulary, searchers, the registry last
/// read): the state a new isolate or Spin instance starts from. Benchmarks use it to time its
/// first request natively (`medportal-bench`).
pub fn forget_isolate() {
    ISOLATE.with(|i| *i.borrow_mut() = Isolate::EMPTY);
}

/// Whether the isolate keeps nothing (as after [`forget_isolate`]).
#[cfg(test)]
pub fn isolate_keeps_nothing() -> bool {
    ISOLATE.with(|i| {
        let i = i.borrow();
        i.cache.is_none() && i.vocab.is_none() && i.searchers.is_empty() && i.recent.is_none()
    })
}

/// Forgets the cached vocabulary (after it was replaced).
pub fn forget_vocab() {
    ISOLATE.with(|i| i.borrow_mut().vocab = None);
}

/// The warm-up index build.rs writes (`medportal_search_index::warmup`).
const WARM_UP: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/warmup.bin"));

/// Searches the embedded warm-up index as a results page searches a real one, so that a
/// runtime compiling wasm lazily (V8) compiles the query path now rather than in the first
/// request. The query Worker calls it at start-up; it keeps nothing (the isolate's cache and
/// searchers are untouched).
#[cfg_attr(not(any(test, feature = "workers")), allow(dead_code))]
pub fn warm_up() -> std::result::Result<(), medportal_search_index::Error> {
    medportal_search_index::warmup::run(WARM_UP).map(drop)
}

pub fn index_error(e: medportal_search_index::Error) -> Error {
    Error::internal(format!("search index: {e}"))
}

/// The medical vocabulary from `blob_global`, kept per isolate: its split directory (a few
/// hundred bytes; the parts a request needs are loaded with its chunks, see [`load`]), or, in a store written before the split, the whole vocabulary used
/// in place (checked when it was uploaded; opening reads a fixed header). Without it search
/// still works, without synonyms (logged; the admin page shows it missing).
pub async fn vocab<P: Platform>(ctx: &Ctx<'_, P>, blob: &P::Blob) -> Result<Rc<Vocab>> {
    if let Some(v) = ISOLATE.with(|i| i.borrow().vocab.clone()) {
        return Ok(v);
    }
    if let Some(dir) = store::get(blob, store::VOCAB_DIR_KEY).await? {
        match Vocab::open_split(&dir) {
            Ok(v) => {
                let v = Rc::new(v);
                ISOLATE.with(|i| i.borrow_mut().vocab = Some(v.clone()));
                return Ok(v);
            }
            Err(e) => ctx.log(LogLevel::Error, &format!("search: stored vocabulary directory is unreadable: {e}")),
        }
    }
    let Some(bytes) = store::get(blob, store::VOCAB_KEY).await? else {
        ctx.log(LogLevel::Warn, "search: no vocabulary in blob_global (search/v1/vocab); synonyms are off");
        return Ok(Rc::new(Vocab::empty()));
    };
    match Vocab::open(bytes.into()) {
        Ok(v) => {
            let v = Rc::new(v);
            ISOLATE.with(|i| i.borrow_mut().vocab = Some(v.clone()));
            Ok(v)
        }
        Err(e) => {
            ctx.log(LogLevel::Error, &format!("search: stored vocabulary is unreadable: {e}"));
            Ok(Rc::new(Vocab::empty()))
        }
    }
}

/// A searcher over a union of indexes, with what is needed to fetch its chunks.
pub struct Opened {
    /// Searches the union meta (segments of every index, in `indexes` order), which it holds.
    pub searcher: Searcher,
    /// Which index each segment belongs to (chunks are stored per index).
    seg_index: Vec<IndexKey>,
    /// First global document number of each segment.
    seg_base: Vec<u32>,
    /// Live documents per index in the union.
    pub live: Vec<(IndexKey, u64)>,
    /// The vocabulary the searcher was opened with (its missing parts are loaded by `run`).
    vocab: Rc<Vocab>,
}

impl Opened {
    /// The union meta.
    pub fn meta(&self) -> &Meta {
        self.searcher.meta()
    }

    fn owner(&self, id: ChunkId) -> Option<&IndexKey> {
        owner_in(self.meta(), &self.seg_index, id)
    }

    fn segment_of(&self, doc: u32) -> Option<usize> {
        let i = self.seg_base.partition_point(|&b| b <= doc);
        (i > 0 && i <= self.meta().segments.len()).then(|| i - 1)
    }

    /// The store chunk holding a document.
    fn store_chunk(&self, doc: u32) -> Option<(IndexKey, ChunkId)> {
        let si = self.segment_of(doc)?;
        let seg = &self.meta().segments[si];
        let local = doc - self.seg_base[si];
        seg.store.chunk_of(local).map(|s| (self.seg_index[si].clone(), s.chunk.id))
    }

    /// The postings chunks that would hold the synonyms of a query's `terms`, per segment
    /// (fetched with the chunks `Searcher::plan` names: one round trip instead of several).
    fn synonym_chunks(&self, terms: &[&str], vocab: &Vocab) -> Vec<ChunkId> {
        let mut extra: Vec<String> = Vec::new();
        for (s, len) in vocab.match_spans(terms) {
            for alt in vocab.alternatives(&terms[s..s + len]) {
                extra.extend(alt.terms);
            }
        }
        medportal_search_index::sort::sort_dedup(&mut extra);
        let mut ids = Vec::new();
        for seg in &self.meta().segments {
            for t in &extra {
                let p = seg.postings.partition_point(|p| p.first_term.as_str() <= t.as_str());
                if p > 0 {
                    ids.push(seg.postings[p - 1].chunk.id);
                }
            }
        }
        ids
    }
}

/// The index whose segment names chunk `id` (`seg_index`: the index of each segment of `meta`).
/// A union of one index owns every chunk its searcher asks for: no search through the
/// meta's chunk references (thousands of store chunks at 100,000 documents), per chunk.
fn owner_in<'k>(meta: &Meta, seg_index: &'k [IndexKey], id: ChunkId) -> Option<&'k IndexKey> {
    if let Some(first) = seg_index.first()
        && seg_index.iter().all(|k| k == first)
    {
        return Some(first);
    }
    meta.segments.iter().position(|s| s.chunk_refs().any(|r| r.id == id)).and_then(|i| seg_index.get(i))
}

/// Loads chunks into the isolate cache (skipping cached ones) and parts of a split vocabulary
/// into it, together.
async fn load<B: BlobStore>(blob: &B, opened_owner: &dyn Fn(ChunkId) -> Option<IndexKey>, vocab: &Vocab, ids: &[ChunkId]) -> Result<()> {
    let cache = chunk_cache();
    // each key with whether it names a vocabulary part (else a chunk of an index)
    let mut want: Vec<(String, ChunkId)> = Vec::new();
    let mut part: Vec<bool> = Vec::new();
    for &id in ids {
        if cache.contains(id) || want.iter().any(|(_, w)| *w == id) {
            continue;
        }
        let is_part = vocab.has_part(id);
        let key = match is_part {
            true => store::vocab_part_key(id),
            false => opened_owner(id).ok_or_else(|| Error::internal(format!("search chunk {id} belongs to no index")))?.chunk_key(id),
        };
        want.push((key, id));
        part.push(is_part);
    }
    for ((id, bytes), is_part) in store::fetch_keyed(blob, &want).await?.into_iter().zip(part) {
        match is_part {
            true => vocab.load_part(id, bytes),
            false => cache.insert_bytes(id, bytes).map(drop),
        }
        .map_err(index_error)?;
    }
    Ok(())
}

/// Opens (or reuses) a searcher over the given indexes, their metas from the head (read from
/// the store when there is none). `None` when none of them exists yet.
pub async fn open<P: Platform>(ctx: &Ctx<'_, P>, blob: &P::Blob, head: Option<&store::Head>, keys: &[IndexKey]) -> Result<Option<Rc<Opened>>> {
    // each index with its meta's hash and bytes (borrowed from the head, or read now)
    let read;
    let parts: Vec<(&IndexKey, u64, &[u8])> = match head {
        Some(head) => keys.iter().filter_map(|k| head.entry(k)).map(|e| (&e.key, e.hash, e.meta.as_slice())).collect(),
        None => {
            read = store::metas(blob, keys.to_vec()).await?;
            read.iter().map(|(k, bytes)| (k, ChunkId::of(bytes).0, bytes.as_slice())).collect()
        }
    };
    if parts.is_empty() {
        return Ok(None);
    }
    // Metas name their chunks by content hash: equal bytes, equal index. The vocabulary a
    // searcher was opened with is part of the identity (a searcher opened before the
    // vocabulary was uploaded must not keep searching without synonyms).
    let vocab = vocab(ctx, blob).await?;
    let fingerprint = fingerprint(&vocab, &parts);
    if let Some(hit) = ISOLATE.with(|i| i.borrow().searchers.iter().find(|(f, _)| *f == fingerprint).map(|(_, s)| s.clone())) {
        return Ok(Some(hit));
    }
    let (meta, seg_index, live) = union_of(&parts)?;
    let owner = |id| owner_in(&meta, &seg_index, id).cloned();
    // What every results page reads (facets, term filters), fetched together; the searcher
    // itself reads nothing on open and takes them from the cache on first use (one evicted
    // meanwhile comes back through `run`'s fetch-and-retry). Doc pages (ids, dates) are read
    // per page: a results page's pages come in one round of `run` (the pages of a small
    // segment, up to EAGER_DOC_PAGES_UP_TO documents, come along now).
    let eager: Vec<ChunkId> = meta
        .segments
        .iter()
        .flat_map(|s| {
            let small = s.doc_pages.len() * format::DOC_PAGE <= EAGER_DOC_PAGES_UP_TO;
            [s.facets.id, s.term_filter.id].into_iter().chain(s.doc_pages.iter().filter(move |_| small).map(|p| p.id))
        })
        .collect();
    load(blob, &owner, &vocab, &eager).await?;
    let seg_base = seg_bases(&meta);
    let searcher =
        Searcher::open_meta(meta, Rc::new(CacheOnly), chunk_cache(), vocab.clone()).map_err(index_error)?;
    let opened = Rc::new(Opened { searcher, seg_index, seg_base, live, vocab });
    ISOLATE.with(|i| {
        let mut i = i.borrow_mut();
        if i.searchers.len() >= SEARCHERS {
            i.searchers.remove(0);
        }
        i.searchers.push((fingerprint, opened.clone()));
    });
    Ok(Some(opened))
}

/// A union's identity: its indexes' names and metas (by their hashes), and the vocabulary it
/// is opened with.
#[inline(always)]
fn fingerprint(vocab: &Rc<Vocab>, parts: &[(&IndexKey, u64, &[u8])]) -> u64 {
    let mut all = (Rc::as_ptr(vocab) as usize as u64).to_le_bytes().to_vec();
    for (k, hash, _) in parts {
        all.extend_from_slice(k.name().as_bytes());
        all.extend_from_slice(&hash.to_le_bytes());
    }
    ChunkId::of(&all).0
}

/// First global document number of each segment.
#[inline(always)]
fn seg_bases(meta: &Meta) -> Vec<u32> {
    let mut seg_base = Vec::with_capacity(meta.segments.len());
    let mut base = 0u32;
    for s in &meta.segments {
        seg_base.push(base);
        base += s.doc_count;
    }
    seg_base
}

/// The union meta of the indexes' metas, the index of each of its segments, and the live
/// documents per index. The metas are not hashed again: a head's were checked with its
/// checksum when it was decoded, and the others were hashed as they were read.
#[allow(clippy::type_complexity)]
#[inline(always)]
fn union_of(parts: &[(&IndexKey, u64, &[u8])]) -> Result<(Meta, Vec<IndexKey>, Vec<(IndexKey, u64)>)> {
    let mut union: Option<Meta> = None;
    let mut seg_index = Vec::new();
    let mut live = Vec::new();
    for &(k, _, bytes) in parts {
        let meta = format::decode_meta(bytes).map_err(index_error)?;
        live.push((k.clone(), meta.live_doc_count()));
        seg_index.extend(std::iter::repeat_n(k.clone(), meta.segments.len()));
        match &mut union {
            None => union = Some(meta),
            Some(u) => u.segments.extend(meta.segments),
        }
    }
    let meta = union.ok_or_else(|| Error::internal("no meta"))?;
    Ok((meta, seg_index, live))
}

/// Runs `f` against the searcher, fetching whatever chunk it reports missing and retrying.
/// A missing lexicon brings all lexicons of the union (typo tolerance reads every one).
/// (Not generic over the result: one copy of this loop in the Worker.)
pub async fn run<B: BlobStore>(
    blob: &B,
    opened: &Opened,
    f: &mut dyn FnMut(&Searcher) -> std::result::Result<(), medportal_search_index::Error>,
) -> Result<()> {
    for _ in 0..ROUNDS {
        match f(&opened.searcher) {
            Ok(()) => return Ok(()),
            Err(medportal_search_index::Error::MissingChunk(id)) => {
                let is_lexicon = opened.meta().segments.iter().any(|s| s.lexicon.id == id);
                let ids: Vec<ChunkId> = if is_lexicon {
                    opened.meta().segments.iter().map(|s| s.lexicon.id).collect()
                } else {
                    // the doc pages a page of hits needs are reported all at once
                    std::iter::once(id).chain(opened.searcher.take_missing()).collect()
                };
                load(blob, &|c| opened.owner(c).cloned(), &opened.vocab, &ids).await?;
            }
            Err(e) => return Err(index_error(e)),
        }
    }
    Err(Error::internal("search: too many chunk fetch rounds"))
}

fn missing() -> Error {
    Error::internal("search: no result")
}

pub async fn search<B: BlobStore>(blob: &B, opened: &Opened, req: &SearchRequest) -> Result<SearchResults> {
    let mut out = None;
    run(blob, opened, &mut |s| s.search(req).map(|r| out = Some(r))).await?;
    out.ok_or_else(missing)
}

/// What the snippets of a page of hits mark for `query` (see [`Searcher::snippet_of`]).
pub async fn snippet_terms<B: BlobStore>(blob: &B, opened: &Opened, query: &str) -> Result<SnippetTerms> {
    let mut out = None;
    run(blob, opened, &mut |s| s.snippet_terms(query).map(|r| out = Some(r))).await?;
    out.ok_or_else(missing)
}

pub async fn suggest<B: BlobStore>(blob: &B, opened: &Opened, prefix: &str, k: usize) -> Result<Vec<String>> {
    let mut out = None;
    run(blob, opened, &mut |s| s.suggest(prefix, k).map(|r| out = Some(r))).await?;
    out.ok_or_else(missing)
}

/// Prefetches what a query needs: the vocabulary parts of its terms together with the
/// postings `Searcher::plan` names, then the postings of its synonyms (the query analysed and
/// planned once for both rounds).
pub async fn prefetch_query<B: BlobStore>(blob: &B, opened: &Opened, query: &str, vocab: &Vocab) -> Result<()> {
    let terms = Analyzer::new().terms(query);
    let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
    let plan = opened.searcher.plan(&terms);
    let owner = |c| opened.owner(c).cloned();
    let mut first = vocab.parts_for(&terms);
    if !first.is_empty() {
        first.extend_from_slice(&plan);
        load(blob, &owner, vocab, &first).await?;
    }
    let mut ids = plan;
    ids.extend(opened.synonym_chunks(&terms, vocab));
    load(blob, &owner, vocab, &ids).await
}

/// Prefetches the store chunks of documents (snippets and result metadata).
pub async fn prefetch_docs<B: BlobStore>(blob: &B, opened: &Opened, docs: &[u32]) -> Result<()> {
    let ids: Vec<ChunkId> = docs.iter().filter_map(|&d| opened.store_chunk(d).map(|(_, id)| id)).collect();
    load(blob, &|c| opened.owner(c).cloned(), &opened.vocab, &ids).await
}

/// A stored document (fetching its store chunk when needed).
pub async fn document<B: BlobStore>(blob: &B, opened: &Opened, doc: u32) -> Result<Document> {
    let mut out = None;
    run(blob, opened, &mut |s| s.document(doc).map(|r| out = Some(r))).await?;
    out.ok_or_else(missing)
}

/// The index union a visitor searches (their market's and `global`; public views unless they
/// may read HCP content), opened (None before any index exists), and the registry it was
/// chosen from.
pub async fn open_visible<P: Platform>(ctx: &Ctx<'_, P>, blob: &P::Blob, vis: &Visibility) -> Result<(Option<Rc<Opened>>, Vec<IndexKey>)> {
    let now = ctx.now_ms();
    let cached = ISOLATE.with(|i| i.borrow().recent.as_ref().filter(|r| ctx.trusted(r.at, now)).map(|r| (r.registry.clone(), r.head.clone())));
    let (registry, head) = match cached {
        Some(c) => c,
        None => {
            let head = store::head(blob).await?.map(Rc::new);
            let registry = match &head {
                Some(head) => head.registry(),
                None => store::registry(blob).await?,
            };
            let recent = Recent { at: now, registry: registry.clone(), head: head.clone(), unions: Vec::new() };
            ISOLATE.with(|i| i.borrow_mut().recent = Some(recent));
            (registry, head)
        }
    };
    let keys = vis.indexes(visible_indexes(&registry, vis.market.as_deref()));
    let hit = ISOLATE.with(|i| Some(i.borrow().recent.as_ref()?.unions.iter().find(|(k, _)| *k == keys)?.1.clone()));
    let opened = match hit {
        Some(o) => o,
        None => {
            let o = if keys.is_empty() { None } else { open(ctx, blob, head.as_deref(), &keys).await? };
            ISOLATE.with(|i| i.borrow_mut().recent.as_mut().map(|r| r.unions.push((keys, o.clone()))));
            o
        }
    };
    Ok((opened, registry))
}

/// Keys → list of every index a visitor may search: `global` and their market, all languages.
pub fn visible_indexes(registry: &[IndexKey], market: Option<&str>) -> Vec<IndexKey> {
    registry.iter().filter(|k| k.market == "global" || Some(k.market.as_str()) == market).cloned().collect()
}

/// Live documents in `language` in an opened union.
pub fn live_in(opened: &Opened, language: &str) -> u64 {
    opened.live.iter().filter(|(k, _)| k.language == language).map(|(_, n)| *n).sum()
}
