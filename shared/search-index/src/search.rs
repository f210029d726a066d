//! Query engine.
//!
//! Ranking: BM25F. Field weights and per-field length normalisation are folded into one
//! precomputed impact per posting at index time (see `format`), so scoring a posting is a table
//! lookup: `score = w · idf · tf(k1+1)/(tf+k1)` with `tf` the BM25F pseudo frequency.
//! A query is a list of *clauses* (one per query token, or one per vocabulary phrase); a clause
//! has alternatives (the token itself, synonyms, typo corrections), each a conjunction of
//! terms with a weight; a document's clause score is the best alternative, and clause scores
//! add up. Optional cues: proximity/phrase boost (re-ranks the top results using the stored
//! text), recency and content-type boosts, RM3-style pseudo-relevance feedback.
//! Filters and facet counts use bitsets over global document numbers.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use crate::analysis::{Analyzer, is_stopword, stem_prefix, tokenize, tokens_starting_with};
use crate::bitset::Bitset;
use crate::cache::{ChunkCache, ChunkSource, Decoded};
use crate::format::{self, ChunkId, Meta};
use crate::fuzzy;
use crate::plan::{RAlt, RClause, TermInfo, TermLoc};
use crate::topk::{self, SCALE, WindowScratch};
use crate::vocab::Vocab;
use crate::document::{Document, FacetField, NUM_FACETS};
use crate::error::Error;

/// Exact filter: a document must have one of `values` in `field` (filters on different fields
/// are ANDed).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: FacetField,
    pub values: Vec<String>,
}

impl Filter {
    pub fn new(field: FacetField, values: &[&str]) -> Self {
        Self { field, values: values.iter().map(|s| s.to_string()).collect() }
    }
}

/// Pseudo-relevance feedback (RM3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub fb_docs: usize,
    pub fb_terms: usize,
    /// Weight of the original query (1 = no feedback).
    pub original_weight: f32,
}

impl Default for Prf {
    fn default() -> Self {
        Self { fb_docs: 10, fb_terms: 10, original_weight: 0.5 }
    }
}

/// Ranking options. `Default` is the production configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct RankOptions {
    pub k1: f32,
    pub synonyms: bool,
    pub typo_tolerance: bool,
    /// Re-rank the top `proximity_window` hits by query-term proximity in the stored text.
    pub proximity: bool,
    pub proximity_window: usize,
    pub proximity_weight: f32,
    /// `(today as yyyymmdd, weight)`: multiplies scores by `1 + weight·2^(-age/365d)`.
    pub recency: Option<(u32, f32)>,
    /// Multiplicative boosts by content type.
    pub content_type_boost: Vec<(String, f32)>,
    pub prf: Option<Prf>,
}

impl Default for RankOptions {
    fn default() -> Self {
        Self {
            k1: 1.2,
            synonyms: true,
            typo_tolerance: true,
            proximity: false,
            proximity_window: 30,
            proximity_weight: 0.1,
            recency: None,
            content_type_boost: Vec::new(),
            prf: None,
        }
    }
}

/// Which facet counts a request with `facets` computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Counts {
    /// Every facet field and the publication years (a results page).
    #[default]
    All,
    /// One field's only (a group counted without its own filter).
    Field(FacetField),
    /// The publication years' only.
    Years,
}

impl Counts {
    fn includes(self, field: Option<FacetField>) -> bool {
        match self {
            Counts::All => true,
            Counts::Field(f) => field == Some(f),
            Counts::Years => field.is_none(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub query: String,
    pub filters: Vec<Filter>,
    /// Inclusive yyyymmdd bounds.
    pub date_from: Option<u32>,
    pub date_to: Option<u32>,
    pub offset: usize,
    pub limit: usize,
    /// Compute facet counts over the filtered result set (implies an exact total).
    pub facets: bool,
    /// Which of them (with `facets`).
    pub counts: Counts,
    /// Count every match even without facets (disables top-k pruning).
    pub exact_total: bool,
    pub options: RankOptions,
}

impl SearchRequest {
    pub fn new(query: &str) -> Self {
        Self {
            query: query.to_string(),
            filters: Vec::new(),
            date_from: None,
            date_to: None,
            offset: 0,
            limit: 10,
            facets: false,
            counts: Counts::All,
            exact_total: false,
            options: RankOptions::default(),
        }
    }
    pub fn filter(mut self, f: Filter) -> Self {
        self.filters.push(f);
        self
    }
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = n;
        self
    }
    pub fn offset(mut self, n: usize) -> Self {
        self.offset = n;
        self
    }
    pub fn with_facets(mut self) -> Self {
        self.facets = true;
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    pub score: f32,
    /// Global document number (valid for this searcher's meta only).
    pub doc: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FacetCount {
    /// Facet field name, or "year" for the date facet.
    pub field: &'static str,
    /// `(value, count)` sorted by count desc, then value.
    pub values: Vec<(String, u32)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    /// Number of matching documents (after filters); a lower bound when `total_exact` is
    /// false (top-k pruning skipped documents that cannot reach the requested page).
    pub total: usize,
    pub total_exact: bool,
    pub hits: Vec<Hit>,
    pub facets: Vec<FacetCount>,
    /// Corrected query when a token was unknown and a close dictionary word exists.
    pub did_you_mean: Option<String>,
    /// `(query text, expansion)` pairs that were applied (synonyms, corrections).
    pub expansions: Vec<(String, String)>,
}

/// A query's terms as snippets mark them ([`Searcher::snippet_terms`]): sorted, distinct; and
/// the words of the page's documents already looked at (sorted, with whether one marks), so a
/// word recurring across the hits is stemmed once per page.
#[derive(Debug, Clone)]
pub struct SnippetTerms(Vec<String>, RefCell<Vec<(String, bool)>>);

#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    pub title: String,
    pub text: String,
    /// Byte ranges in `text` to highlight.
    pub highlights: Vec<(usize, usize)>,
}

/// The facet values of every field (and the publication years, field [`NUM_FACETS`]) over all
/// segments, in place: a value is a run of *parts*, one per segment that has it, each pointing
/// at that segment's directory entry. Built on first use from the directories' entries only
/// (no document is touched); with one segment a value is one part.
#[derive(Default)]
struct FacetIndex {
    /// per field: value v spans `parts[starts[f][v]..starts[f][v + 1]]`
    starts: Vec<Vec<u32>>,
    /// `(segment, entry)`
    parts: Vec<(u32, u32)>,
}

impl FacetIndex {
    fn build(segs: &[SegView]) -> Self {
        let mut out = FacetIndex { starts: Vec::with_capacity(NUM_FACETS + 1), parts: Vec::new() };
        let mut parts: Vec<(u32, u32)> = Vec::new();
        for field in 0..=NUM_FACETS {
            parts.clear();
            for (si, seg) in segs.iter().enumerate() {
                if let Some((b, d, f)) = seg.dir(field) {
                    parts.extend(d.field(b, f).map(|e| (si as u32, e as u32)));
                }
            }
            let name = |p: &(u32, u32)| segs[p.0 as usize].dir(field).map_or("", |(b, d, _)| d.name(b, p.1 as usize));
            let order = if field == NUM_FACETS { format::DirOrder::NewestFirst } else { format::DirOrder::Ascending };
            if segs.len() > 1 {
                // equal names keep segment order (the (segment, entry) tie-break is what a
                // stable sort would keep; unstable: the Worker carries one sort algorithm)
                crate::sort::sort_by(&mut parts, |a, b| order.cmp(name(a), name(b)).then(a.cmp(b)));
            }
            let mut starts = Vec::with_capacity(parts.len() + 1);
            for (i, p) in parts.iter().enumerate() {
                if i == 0 || name(&parts[i - 1]) != name(p) {
                    starts.push((out.parts.len() + i) as u32);
                }
            }
            out.parts.extend_from_slice(&parts);
            starts.push(out.parts.len() as u32);
            out.starts.push(starts);
        }
        out
    }
}

/// A segment's doc pages, facets and term filter, each loaded (and its content id verified)
/// the first time a request needs it: opening a searcher reads no chunk, and a query reads the
/// doc pages of the documents it shows only (all of them for browsing, date filters and
/// recency).
struct SegView {
    base: u32,
    pages: Vec<OnceCell<Rc<Decoded>>>,
    filter: OnceCell<Rc<Decoded>>,
    facets: OnceCell<Rc<Decoded>>,
    /// Facet columns (per field; the years last) expanded into one bitmap per value, once
    /// the searcher counts the field a second time: a searcher that answers one request (a
    /// fresh Spin instance) counts from the column, one that lives on counts at bitmap speed.
    expanded: [OnceCell<Vec<u8>>; NUM_FACETS + 1],
    /// Fields counted from their column once (bit per field).
    counted: Cell<u32>,
    /// Fields whose expansion does not pay (bit per field): decided at their second count,
    /// counted from their column from then on.
    kept: Cell<u32>,
}

impl SegView {
    /// The value directory of `field` (`NUM_FACETS` = the years) and its bytes.
    fn dir(&self, field: usize) -> Option<(&[u8], format::Dir, usize)> {
        let Some(Decoded::Facets(f)) = self.facets.get().map(|d| &**d) else { return None };
        let (b, d) = f.dir();
        Some((b, d, field))
    }
    /// Value `e` of `field`: from the expanded column when there is one.
    fn docs(&self, field: usize, e: usize) -> Option<format::DocsRef<'_>> {
        let (b, d, f) = self.dir(field)?;
        match (self.expanded[field].get(), d.column(b, f)) {
            (Some(x), Some(col)) => Some(col.expanded(x, e)),
            _ => Some(d.docs(b, e)),
        }
    }
    /// The column of `field` to count from, unless the field is (now) expanded: the second
    /// count of a field expands it when that pays ([`format::Dir::expansion_pays`]), so this
    /// returns `None` from then on.
    fn column_to_count(&self, field: usize) -> Option<format::Column<'_>> {
        let (b, d, f) = self.dir(field)?;
        let col = d.column(b, f)?;
        if self.expanded[field].get().is_some() {
            return None;
        }
        let bit = 1u32 << field;
        if self.kept.get() & bit != 0 {
            return Some(col);
        }
        if self.counted.get() & bit == 0 {
            self.counted.set(self.counted.get() | bit);
        } else if d.expansion_pays(b, f) {
            let _ = self.expanded[field].set(col.expand());
            return None;
        } else {
            self.kept.set(self.kept.get() | bit);
        }
        Some(col)
    }
    /// Doc page k, when loaded.
    fn page(&self, k: usize) -> Option<&format::DocPage> {
        match self.pages.get(k)?.get().map(|d| &**d) {
            Some(Decoded::DocPage(t)) => Some(t),
            _ => None,
        }
    }
    /// The term filter, when loaded.
    fn term_filter(&self) -> Option<&format::TermFilter> {
        match self.filter.get().map(|d| &**d) {
            Some(Decoded::TermFilter(f)) => Some(f),
            _ => None,
        }
    }
}

/// Gets a segment chunk from its cell, loading it on first use.
fn load_once<'a>(
    cell: &'a OnceCell<Rc<Decoded>>,
    load: impl FnOnce() -> Result<Rc<Decoded>, Error>,
) -> Result<&'a Rc<Decoded>, Error> {
    if let Some(v) = cell.get() {
        return Ok(v);
    }
    let v = load()?;
    Ok(cell.get_or_init(|| v))
}

static NO_FACETS: FacetIndex = FacetIndex { starts: Vec::new(), parts: Vec::new() };

#[derive(Debug, Clone)]
struct Alt {
    terms: Vec<String>,
    weight: f32,
    /// All terms required (synonym phrases); otherwise the alternative scores the sum of the
    /// terms present (the user's own words).
    conj: bool,
}

impl Alt {
    fn term(t: String, weight: f32) -> Self {
        Self { terms: vec![t], weight, conj: true }
    }
}

#[derive(Debug, Clone)]
struct Clause {
    alts: Vec<Alt>,
}

/// Exhaustive term-at-a-time accumulators (fixed-point scores, see [`crate::topk::SCALE`]).
#[derive(Default)]
struct Scratch {
    acc: Vec<u64>,
    touched: Vec<u32>,
    clause: Vec<u64>,
    clause_touched: Vec<u32>,
    alt: Vec<u64>,
    cnt: Vec<u8>,
    alt_touched: Vec<u32>,
    window: WindowScratch,
}

/// A query engine over one index generation. Opening reads the meta only: every chunk (doc
/// tables, facets, term filters, postings, lexicons, stored documents) is loaded, verified
/// and cached the first time a request needs it.
pub struct Searcher {
    meta: Meta,
    source: Rc<dyn ChunkSource>,
    cache: Rc<ChunkCache>,
    vocab: Rc<Vocab>,
    analyzer: Analyzer,
    segs: Vec<SegView>,
    n_docs: u32,
    live: Bitset,
    /// Facet values and publication years (newest first, field `NUM_FACETS`), built when a
    /// request first needs them.
    facets: OnceCell<FacetIndex>,
    scratch: RefCell<Scratch>,
    /// Chunks found missing by the last request besides the one its error names (see
    /// [`Searcher::take_missing`]).
    missing: RefCell<Vec<ChunkId>>,
    /// The last request that ranked but found the doc pages of its hits missing.
    ranked: RefCell<Option<Ranked>>,
    /// The last query's words as planned: the requests of one results page (the page, a
    /// group's counts, the total hidden from visitors) search the same words under other
    /// filters, and plan, resolve and match them once.
    planned: RefCell<Option<Rc<Planned>>>,
}

/// A query's words planned against this index ([`Searcher::plan_clauses`]) with what the
/// planning found, their postings once resolved, and the documents they match (before any
/// filter) once an exact total needs them.
struct Planned {
    query: String,
    options: RankOptions,
    clauses: Vec<Clause>,
    did_you_mean: Option<String>,
    expansions: Vec<(String, String)>,
    resolved: OnceCell<Vec<RClause>>,
    matches: OnceCell<Bitset>,
}

/// A ranked request waiting for the doc pages of its hits.
struct Ranked {
    pruned: bool,
    req: SearchRequest,
    /// The results without hits.
    res: SearchResults,
    /// `(score, doc)` of the hits to show.
    shown: Vec<(f32, u32)>,
}

fn idf(n: f32, df: f32) -> f32 {
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

impl Searcher {
    pub fn open(
        meta_bytes: &[u8],
        source: Rc<dyn ChunkSource>,
        cache: Rc<ChunkCache>,
        vocab: Rc<Vocab>,
    ) -> Result<Self, Error> {
        Self::open_meta(format::decode_meta(meta_bytes)?, source, cache, vocab)
    }

    /// [`Searcher::open`] over an already decoded meta (a host that unions several indexes'
    /// metas need not encode the union only to have it decoded again; the query Worker then
    /// carries no meta encoder).
    pub fn open_meta(
        meta: format::Meta,
        source: Rc<dyn ChunkSource>,
        cache: Rc<ChunkCache>,
        vocab: Rc<Vocab>,
    ) -> Result<Self, Error> {
        let n_docs = meta.doc_count() as u32;
        let mut segs = Vec::with_capacity(meta.segments.len());
        let mut live = Bitset::full(n_docs as usize);
        let mut base = 0u32;
        for s in &meta.segments {
            for &d in &s.deleted {
                if d >= s.doc_count {
                    return Err(Error::Corrupt("deleted document out of range"));
                }
                live.clear(base + d);
            }
            let pages = (0..s.doc_pages.len()).map(|_| OnceCell::new()).collect();
            segs.push(SegView {
                base,
                pages,
                filter: OnceCell::new(),
                facets: OnceCell::new(),
                expanded: Default::default(),
                counted: Cell::new(0),
                kept: Cell::new(0),
            });
            base += s.doc_count;
        }
        Ok(Self {
            meta,
            source,
            cache,
            vocab,
            analyzer: Analyzer::new(),
            segs,
            n_docs,
            live,
            facets: OnceCell::new(),
            scratch: RefCell::new(Scratch::default()),
            missing: RefCell::new(Vec::new()),
            ranked: RefCell::new(None),
            planned: RefCell::new(None),
        })
    }

    /// Segment `si`'s doc page k (checked against the meta's document count on load).
    fn seg_page(&self, si: usize, k: usize) -> Result<&format::DocPage, Error> {
        let s = &self.meta.segments[si];
        if s.doc_pages.len() != (s.doc_count as usize).div_ceil(format::DOC_PAGE) {
            // pages of another size: a segment of version 4, refused until a rebuild
            return Err(Error::UnsupportedVersion(4));
        }
        let (cell, r) = match (self.segs[si].pages.get(k), s.doc_pages.get(k)) {
            (Some(c), Some(r)) => (c, r),
            _ => return Err(Error::Corrupt("doc page out of range")),
        };
        let want = (s.doc_count as usize - k * format::DOC_PAGE).min(format::DOC_PAGE);
        let d = load_once(cell, || {
            let d = self.cache.get(r.id, &*self.source)?;
            match &*d {
                Decoded::DocPage(t) if t.len() == want => Ok(d.clone()),
                Decoded::DocPage(_) => Err(Error::Corrupt("doc page size")),
                _ => Err(Error::WrongKind),
            }
        })?;
        let Decoded::DocPage(t) = &**d else { return Err(Error::WrongKind) };
        Ok(t)
    }

    /// Loads the doc pages `(segment, page)`; every page missing from the source is named at
    /// once (the error names the first, [`Searcher::take_missing`] gives the others), so an
    /// async host fetches them in one round.
    fn need_pages(&self, pages: impl Iterator<Item = (usize, usize)>) -> Result<(), Error> {
        let mut missing = Vec::new();
        for (si, k) in pages {
            match self.seg_page(si, k) {
                Ok(_) => {}
                Err(Error::MissingChunk(id)) => {
                    if !missing.contains(&id) {
                        missing.push(id);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let first = missing.remove(0);
        *self.missing.borrow_mut() = missing;
        Err(Error::MissingChunk(first))
    }

    /// Every doc page (dates of all documents: browsing, date filters, recency).
    fn need_dates(&self) -> Result<(), Error> {
        self.need_pages(self.segs.iter().enumerate().flat_map(|(si, s)| (0..s.pages.len()).map(move |k| (si, k))))
    }

    /// Chunks the last failed request found missing besides the one its
    /// [`Error::MissingChunk`] names (emptied by the call): fetch them all before retrying.
    pub fn take_missing(&self) -> Vec<ChunkId> {
        std::mem::take(&mut *self.missing.borrow_mut())
    }

    /// Segment `si`'s term filter.
    fn seg_filter(&self, si: usize) -> Result<&format::TermFilter, Error> {
        let id = self.meta.segments[si].term_filter.id;
        let d = load_once(&self.segs[si].filter, || self.kind(id, |d| matches!(d, Decoded::TermFilter(_))))?;
        let Decoded::TermFilter(f) = &**d else { return Err(Error::WrongKind) };
        Ok(f)
    }

    fn kind(&self, id: ChunkId, ok: fn(&Decoded) -> bool) -> Result<Rc<Decoded>, Error> {
        let d = self.cache.get(id, &*self.source)?;
        if ok(&d) { Ok(d) } else { Err(Error::WrongKind) }
    }

    /// Loads what every query reads: the term filters.
    fn need_filters(&self) -> Result<(), Error> {
        for si in 0..self.segs.len() {
            self.seg_filter(si)?;
        }
        Ok(())
    }

    /// Loads the facet directories of every segment and builds the facet index.
    fn need_facets(&self) -> Result<(), Error> {
        if self.facets.get().is_some() {
            return Ok(());
        }
        for (si, s) in self.meta.segments.iter().enumerate() {
            load_once(&self.segs[si].facets, || match self.kind(s.facets.id, |d| matches!(d, Decoded::Facets(_)))? {
                d if matches!(&*d, Decoded::Facets(f) if f.doc_count() == s.doc_count) => Ok(d),
                _ => Err(Error::Corrupt("facets size")),
            })?;
        }
        self.facets.get_or_init(|| FacetIndex::build(&self.segs));
        Ok(())
    }

    fn fx(&self) -> &FacetIndex {
        self.facets.get().unwrap_or(&NO_FACETS)
    }

    /// Date (yyyymmdd, 0 = unknown) of a global doc number.
    #[inline]
    fn date(&self, doc: u32) -> u32 {
        let s = self.seg_of(doc);
        let local = (doc - self.segs[s].base) as usize;
        self.segs[s].page(local / format::DOC_PAGE).map_or(0, |t| t.date(local % format::DOC_PAGE))
    }

    /// Number of values of a facet field (`NUM_FACETS` = years).
    fn facet_len(&self, field: usize) -> usize {
        self.fx().starts.get(field).map_or(0, |v| v.len().saturating_sub(1))
    }

    fn facet_parts(&self, field: usize, v: usize) -> &[(u32, u32)] {
        let fx = self.fx();
        let st = &fx.starts[field];
        &fx.parts[st[v] as usize..st[v + 1] as usize]
    }

    /// Name of value v of a field.
    fn facet_name(&self, field: usize, v: usize) -> &str {
        let &(si, e) = &self.facet_parts(field, v)[0];
        self.segs[si as usize].dir(field).map_or("", |(b, d, _)| d.name(b, e as usize))
    }

    /// Index of a facet value by name.
    fn facet_find(&self, field: usize, name: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0usize, self.facet_len(field));
        let order = if field == NUM_FACETS { format::DirOrder::NewestFirst } else { format::DirOrder::Ascending };
        while lo < hi {
            let mid = (lo + hi) / 2;
            match order.cmp(self.facet_name(field, mid), name) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Calls `f(segment base, documents)` for each part of a value.
    fn facet_each(&self, field: usize, v: usize, mut f: impl FnMut(u32, format::DocsRef<'_>)) {
        for &(si, e) in self.facet_parts(field, v) {
            let seg = &self.segs[si as usize];
            if let Some(docs) = seg.docs(field, e as usize) {
                f(seg.base, docs);
            }
        }
    }

    /// Document counts within `m` of every value of a field (one pass over the field's
    /// directories, looked up once per segment; a segment's column not yet expanded counts
    /// all its values in one pass over `m`).
    fn facet_counts_of(&self, field: usize, m: &Bitset) -> Vec<u32> {
        let columns: Vec<Option<(format::Column<'_>, Vec<u32>)>> =
            self.segs.iter().map(|seg| seg.column_to_count(field).map(|c| (c, c.counts_in(seg.base, m)))).collect();
        let fx = self.fx();
        let Some(st) = fx.starts.get(field) else { return Vec::new() };
        (0..self.facet_len(field))
            .map(|v| {
                let mut n = 0;
                for &(si, e) in &fx.parts[st[v] as usize..st[v + 1] as usize] {
                    let seg = &self.segs[si as usize];
                    n += match &columns[si as usize] {
                        Some((c, counts)) => counts.get(c.code(e as usize)).map_or(0, |&k| k as usize),
                        None => seg.docs(field, e as usize).map_or(0, |d| d.count_in(seg.base, m)),
                    };
                }
                n as u32
            })
            .collect()
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }
    pub fn doc_count(&self) -> u32 {
        self.n_docs
    }
    pub fn live_count(&self) -> usize {
        self.live.count()
    }

    fn seg_of(&self, doc: u32) -> usize {
        self.segs.partition_point(|s| s.base <= doc) - 1
    }

    /// Segment and doc page of a global doc number.
    fn page_of(&self, doc: u32) -> (usize, usize) {
        let s = self.seg_of(doc);
        (s, (doc - self.segs[s].base) as usize / format::DOC_PAGE)
    }

    /// External id of a global doc number ("" when its doc page cannot be loaded).
    pub fn doc_id(&self, doc: u32) -> &str {
        let (s, k) = self.page_of(doc);
        let local = (doc - self.segs[s].base) as usize;
        self.seg_page(s, k).map_or("", |t| t.id(local % format::DOC_PAGE))
    }

    fn term_info(&self, term: &str) -> Result<TermInfo, Error> {
        let mut info = TermInfo { df: 0, locs: Vec::new() };
        for (si, s) in self.meta.segments.iter().enumerate() {
            if !self.seg_filter(si)?.may_contain(term) {
                continue;
            }
            let p = s.postings.partition_point(|p| p.first_term.as_str() <= term);
            if p == 0 {
                continue;
            }
            let cref = &s.postings[p - 1].chunk;
            let chunk = self.cache.get(cref.id, &*self.source)?;
            let Decoded::Postings(pc) = &*chunk else { return Err(Error::WrongKind) };
            if let Some(idx) = pc.find(term) {
                info.df += pc.df(idx);
                let base = self.segs[si].base;
                info.locs.push(TermLoc { base, end: base + s.doc_count, chunk: chunk.clone(), idx });
            }
        }
        Ok(info)
    }

    fn lexicons(&self) -> Result<Vec<Rc<Decoded>>, Error> {
        self.meta.segments.iter().map(|s| self.cache.get(s.lexicon.id, &*self.source)).collect()
    }

    /// Chunk ids a request will need that are not cached yet (for async hosts: fetch these,
    /// [`ChunkCache::insert_bytes`] them, then search; a search that still misses a chunk
    /// returns [`Error::MissingChunk`] and can be retried after fetching it).
    /// A segment whose term filter is not loaded yet names the filter and every postings chunk
    /// its terms would be in. `terms` are the query's analysed terms ([`Analyzer::terms`]: a
    /// host analyses the query once for this plan and for the vocabulary parts it needs).
    pub fn plan(&self, terms: &[&str]) -> Vec<ChunkId> {
        let mut out = Vec::new();
        for (si, s) in self.meta.segments.iter().enumerate() {
            let id = s.term_filter.id;
            if self.segs[si].filter.get().is_none() && !self.cache.contains(id) {
                out.push(id);
            }
        }
        for &t in terms {
            for (si, s) in self.meta.segments.iter().enumerate() {
                if let Some(f) = self.segs[si].term_filter()
                    && !f.may_contain(t) {
                        continue;
                    }
                let p = s.postings.partition_point(|p| p.first_term.as_str() <= t);
                if p > 0 {
                    let id = s.postings[p - 1].chunk.id;
                    if !self.cache.contains(id) && !out.contains(&id) {
                        out.push(id);
                    }
                }
            }
        }
        out
    }

    /// Typo candidates for an analysed term: `(term, distance, df)` from the lexicons and the
    /// vocabulary (df 0), best first.
    fn fuzzy_candidates(&self, term: &str, max_d: u32) -> Result<Vec<(String, u32, u32)>, Error> {
        let mut found: HashMap<String, (u32, u32)> = HashMap::new();
        for lx in self.lexicons()? {
            let Decoded::Lexicon(l) = &*lx else { return Err(Error::WrongKind) };
            fuzzy::search(l, term.as_bytes(), max_d, |i, d| {
                let e = found.entry(l.term(i).to_string()).or_insert((d, 0));
                e.0 = e.0.min(d);
                e.1 += l.df[i];
            });
        }
        let st = self.vocab.single_terms();
        fuzzy::search(&st, term.as_bytes(), max_d, |i, d| {
            found.entry(st.term(i).to_string()).or_insert((d, 0));
        });
        let mut v: Vec<(String, u32, u32)> = found.into_iter().map(|(t, (d, df))| (t, d, df)).collect();
        crate::sort::sort_by(&mut v, |a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        Ok(v)
    }

    fn display_of(&self, term: &str) -> String {
        if let Ok(lxs) = self.lexicons() {
            for lx in lxs {
                if let Decoded::Lexicon(l) = &*lx
                    && let Some(i) = l.find(term) {
                        return l.display(i).to_string();
                    }
            }
        }
        self.vocab.display(term).unwrap_or(term).to_string()
    }

    /// After vocabulary lookups: a split vocabulary that lacked a part answered as an empty
    /// one, so the request fails with the part's id as a missing chunk (the host loads it with
    /// `Vocab::load_part` and runs the request again).
    fn vocab_complete(&self) -> Result<(), Error> {
        self.vocab.take_missing().map_or(Ok(()), |id| Err(Error::MissingChunk(id)))
    }

    /// Typo corrections of a word the index lacks: the alternatives (and their synonyms) of
    /// the nearest terms, and the corrected word, if there is one. Apart from the common path
    /// (a fresh isolate compiles only what a request runs).
    #[inline(never)]
    fn corrections(
        &self,
        term: &str,
        surface: &str,
        max_d: u32,
        opts: &RankOptions,
        alts: &mut Vec<Alt>,
        res: &mut SearchResults,
    ) -> Result<Option<String>, Error> {
        let cands = self.fuzzy_candidates(term, max_d)?;
        let Some(best_d) = cands.first().map(|c| c.1) else { return Ok(None) };
        for (c, d, _df) in cands.iter().filter(|c| c.1 == best_d).take(3) {
            let w = if *d == 1 { 0.8 } else { 0.6 };
            alts.push(Alt::term(c.clone(), w));
            let disp = self.display_of(c);
            res.expansions.push((surface.to_string(), disp.clone()));
            if opts.synonyms {
                for a in self.vocab.alternatives_key(c) {
                    res.expansions.push((disp.clone(), a.display.clone()));
                    let wa = w * a.weight / a.terms.len() as f32;
                    alts.push(Alt { terms: a.terms, weight: wa, conj: true });
                }
            }
        }
        Ok(Some(self.display_of(&cands[0].0)))
    }

    /// Build clauses from the query text.
    fn plan_clauses(
        &self,
        query: &str,
        opts: &RankOptions,
        res: &mut SearchResults,
    ) -> Result<Vec<Clause>, Error> {
        // analysed tokens with their surface text
        let mut toks: Vec<(String, String)> = Vec::new();
        self.analyzer.analyze(query, |t, tok| toks.push((t.to_string(), tok.text.to_string())));
        let terms: Vec<&str> = toks.iter().map(|t| t.0.as_str()).collect();
        let spans = if opts.synonyms { self.vocab.match_spans(&terms) } else { Vec::new() };
        let mut clauses = Vec::new();
        let mut corrected: Vec<String> = Vec::new();
        let mut any_correction = false;
        let mut i = 0;
        let mut si = 0;
        while i < toks.len() {
            if si < spans.len() && spans[si].0 == i {
                let (s, len) = spans[si];
                si += 1;
                let phrase: Vec<String> = terms[s..s + len].iter().map(|t| t.to_string()).collect();
                // the user's words score as usual (sum of the terms present); a synonym phrase
                // scores when all its terms occur; the clause takes the best alternative
                let mut alts = vec![Alt { terms: phrase.clone(), weight: 1.0, conj: false }];
                for a in self.vocab.alternatives(&terms[s..s + len]) {
                    // an alternative containing all the user's terms adds nothing but bias
                    if phrase.iter().all(|t| a.terms.contains(t)) {
                        continue;
                    }
                    res.expansions.push((toks[s..s + len].iter().map(|t| t.1.as_str()).collect::<Vec<_>>().join(" "), a.display.clone()));
                    // length-normalise: an m-term synonym of an n-term phrase scores its mean
                    // term score times n
                    let w = a.weight * len as f32 / a.terms.len() as f32;
                    alts.push(Alt { terms: a.terms, weight: w, conj: true });
                }
                clauses.push(Clause { alts });
                for t in &toks[s..s + len] {
                    corrected.push(t.1.clone());
                }
                i = s + len;
                continue;
            }
            let (term, surface) = &toks[i];
            let mut alts = vec![Alt::term(term.clone(), 1.0)];
            let mut word = surface.clone();
            if opts.typo_tolerance {
                let max_d = fuzzy::max_edits(surface.chars().count());
                if max_d > 0 && self.term_info(term)?.df == 0
                    && let Some(w) = self.corrections(term, surface, max_d, opts, &mut alts, res)?
                {
                    word = w;
                    any_correction = true;
                }
            }
            corrected.push(word);
            clauses.push(Clause { alts });
            i += 1;
        }
        if any_correction {
            res.did_you_mean = Some(corrected.join(" "));
        }
        self.vocab_complete()?;
        Ok(clauses)
    }

    /// The words of `query` planned under `opts`: the last query's plan when it is the same.
    fn planned(&self, query: &str, opts: &RankOptions) -> Result<Rc<Planned>, Error> {
        if let Some(p) = self.planned.borrow().as_ref().filter(|p| p.query == query && p.options == *opts) {
            return Ok(p.clone());
        }
        let mut found = SearchResults::default();
        let clauses = self.plan_clauses(query, opts, &mut found)?;
        let p = Rc::new(Planned {
            query: query.to_string(),
            options: opts.clone(),
            clauses,
            did_you_mean: found.did_you_mean,
            expansions: found.expansions,
            resolved: OnceCell::new(),
            matches: OnceCell::new(),
        });
        *self.planned.borrow_mut() = Some(p.clone());
        Ok(p)
    }

    fn allowed_set(&self, req: &SearchRequest) -> Bitset {
        let mut allowed = self.live.clone();
        for f in &req.filters {
            let mut m = Bitset::new(self.n_docs as usize);
            for v in &f.values {
                if let Some(i) = self.facet_find(f.field as usize, v) {
                    self.facet_each(f.field as usize, i, |base, docs| docs.add_to(base, &mut m));
                }
            }
            allowed.and_with(&m);
        }
        if req.date_from.is_some() || req.date_to.is_some() {
            let (lo, hi) = (req.date_from.unwrap_or(0), req.date_to.unwrap_or(u32::MAX));
            for seg in &self.segs {
                for k in 0..seg.pages.len() {
                    let Some(t) = seg.page(k) else { continue };
                    let first = seg.base + (k * format::DOC_PAGE) as u32;
                    for i in 0..t.len() {
                        let date = t.date(i);
                        if date < lo || date > hi {
                            allowed.clear(first + i as u32);
                        }
                    }
                }
            }
        }
        allowed
    }

    /// Resolve clauses: look terms up and build each term's fixed-point score table
    /// (`w · idf · tf(k1+1)/(tf+k1)` per quantised impact, at least 1 so that every posting
    /// counts as a match).
    fn resolve(&self, clauses: &[Clause], k1: f32) -> Result<Vec<RClause>, Error> {
        let nf = self.n_docs as f32;
        let mut cache: HashMap<String, Rc<TermInfo>> = HashMap::new();
        let mut info = |t: &str| -> Result<Rc<TermInfo>, Error> {
            if let Some(x) = cache.get(t) {
                return Ok(x.clone());
            }
            let x = Rc::new(self.term_info(t)?);
            cache.insert(t.to_string(), x.clone());
            Ok(x)
        };
        let table = |df: u32, w: f32| -> [u64; 16] {
            let idf = idf(nf, df as f32) * w;
            let mut t = [0u64; 16];
            for (q, v) in t.iter_mut().enumerate().skip(1) {
                let tf = format::dequantize_impact(q as u8);
                let x = idf * tf * (k1 + 1.0) / (tf + k1) * SCALE;
                *v = if x.is_finite() { (x.round() as u64).clamp(1, 1 << 40) } else { 1 };
            }
            t
        };
        let mut out = Vec::with_capacity(clauses.len());
        for c in clauses {
            let simple = c.alts.len() == 1 && c.alts[0].terms.len() == 1;
            if simple {
                let ti = info(&c.alts[0].terms[0])?;
                if ti.df == 0 {
                    continue;
                }
                let tab = table(ti.df, c.alts[0].weight);
                out.push(RClause { alts: vec![RAlt { terms: vec![(ti, tab)], need: 1 }], simple: true });
                continue;
            }
            // general clause: max over alternatives. Single-term alternatives (synonyms, typo
            // corrections) share one blended df (the largest), so a rarer synonym does not
            // outscore the user's own word just by being rare.
            let mut blended = 0u32;
            for alt in &c.alts {
                if alt.terms.len() == 1 {
                    blended = blended.max(info(&alt.terms[0])?.df);
                }
            }
            let mut alts = Vec::new();
            for alt in &c.alts {
                let infos: Vec<Rc<TermInfo>> = alt.terms.iter().map(|t| info(t)).collect::<Result<_, _>>()?;
                if alt.conj && infos.iter().any(|i| i.df == 0) {
                    continue;
                }
                let need = if alt.conj { infos.len() as u8 } else { 1 };
                let single = infos.len() == 1;
                let mut terms = Vec::new();
                for ti in infos {
                    if ti.df == 0 {
                        continue;
                    }
                    let df = if single { blended.max(ti.df) } else { ti.df };
                    let tab = table(df, alt.weight);
                    terms.push((ti, tab));
                }
                if !terms.is_empty() {
                    alts.push(RAlt { terms, need });
                }
            }
            if !alts.is_empty() {
                out.push(RClause { alts, simple: false });
            }
        }
        Ok(out)
    }

    /// Score clauses into `scratch.acc` (touched docs listed in `scratch.touched`).
    fn score(&self, clauses: &[Clause], k1: f32, sc: &mut Scratch) -> Result<(), Error> {
        let rc = self.resolve(clauses, k1)?;
        self.ensure_scratch(sc);
        for c in &rc {
            self.score_clause(c, sc);
        }
        Ok(())
    }

    fn ensure_scratch(&self, sc: &mut Scratch) {
        let n = self.n_docs as usize;
        if sc.acc.len() != n {
            sc.acc = vec![0; n];
            sc.clause = vec![0; n];
            sc.alt = vec![0; n];
            sc.cnt = vec![0; n];
        }
    }

    /// Exhaustive term-at-a-time scoring of one clause into `sc.acc`.
    fn score_clause(&self, c: &RClause, sc: &mut Scratch) {
        let n = self.n_docs as usize;
        if c.simple {
            let (ti, tab) = &c.alts[0].terms[0];
            for loc in &ti.locs {
                let Decoded::Postings(pc) = &*loc.chunk else { continue };
                for (d, imp) in pc.iter(loc.idx) {
                    let g = (loc.base + d) as usize;
                    if g >= n {
                        break;
                    }
                    let a = &mut sc.acc[g];
                    if *a == 0 {
                        sc.touched.push(g as u32);
                    }
                    *a += tab[imp as usize & 15];
                }
            }
            return;
        }
        for alt in &c.alts {
            for (ti, tab) in &alt.terms {
                for loc in &ti.locs {
                    let Decoded::Postings(pc) = &*loc.chunk else { continue };
                    for (d, imp) in pc.iter(loc.idx) {
                        let g = (loc.base + d) as usize;
                        if g >= n {
                            break;
                        }
                        if sc.cnt[g] == 0 {
                            sc.alt_touched.push(g as u32);
                        }
                        sc.cnt[g] = sc.cnt[g].saturating_add(1);
                        sc.alt[g] += tab[imp as usize & 15];
                    }
                }
            }
            for &g in &sc.alt_touched {
                let g = g as usize;
                if sc.cnt[g] >= alt.need {
                    if sc.clause[g] == 0 {
                        sc.clause_touched.push(g as u32);
                    }
                    sc.clause[g] = sc.clause[g].max(sc.alt[g]);
                }
                sc.cnt[g] = 0;
                sc.alt[g] = 0;
            }
            sc.alt_touched.clear();
        }
        for &g in &sc.clause_touched {
            let g = g as usize;
            if sc.acc[g] == 0 {
                sc.touched.push(g as u32);
            }
            sc.acc[g] += sc.clause[g];
            sc.clause[g] = 0;
        }
        sc.clause_touched.clear();
    }

    fn reset(sc: &mut Scratch) {
        for &g in &sc.touched {
            sc.acc[g as usize] = 0;
        }
        sc.touched.clear();
    }

    fn boost(&self, doc: u32, opts: &RankOptions) -> f32 {
        let mut b = 1.0;
        if let Some((today, w)) = opts.recency {
            let date = self.date(doc);
            if date != 0 && today >= date {
                let days = days_between(date, today) as f32;
                b *= 1.0 + w * (-days / 365.0 * std::f32::consts::LN_2).exp();
            }
        }
        if !opts.content_type_boost.is_empty() {
            let ct = FacetField::ContentType as usize;
            let s = self.seg_of(doc);
            let local = doc - self.segs[s].base;
            for (name, w) in &opts.content_type_boost {
                if let Some(i) = self.facet_find(ct, name) {
                    let hit = self
                        .facet_parts(ct, i)
                        .iter()
                        .filter(|p| p.0 as usize == s)
                        .any(|&(_, e)| self.segs[s].docs(ct, e as usize).is_some_and(|d| d.contains(local)));
                    if hit {
                        b *= *w;
                    }
                }
            }
        }
        b
    }

    /// Run a search. Top-k pruning (see [`crate::topk`]) ranks exactly like
    /// [`Searcher::search_exhaustive`]; exact totals and facet counts come from a match bitset.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, Error> {
        let o = &req.options;
        let exhaustive = o.prf.is_some() || o.proximity || o.recency.is_some() || !o.content_type_boost.is_empty();
        if exhaustive && !cfg!(feature = "ranking-options") {
            return Err(Error::Unsupported("ranking options (feedback, proximity, boosts)"));
        }
        self.run(req, !exhaustive)
    }

    /// The same search scoring every match term-at-a-time, without pruning: the reference the
    /// pruned path is tested against (requests with PRF, proximity or score boosts always take
    /// this path).
    pub fn search_exhaustive(&self, req: &SearchRequest) -> Result<SearchResults, Error> {
        if !cfg!(feature = "ranking-options") {
            return Err(Error::Unsupported("the exhaustive scorer"));
        }
        self.run(req, false)
    }

    /// A ranked request and then its page of hits: a request that found doc pages missing
    /// keeps its ranking, so its retry (same request, once the pages are fetched) only reads
    /// the ids.
    fn run(&self, req: &SearchRequest, pruned: bool) -> Result<SearchResults, Error> {
        self.missing.borrow_mut().clear();
        let kept = self.ranked.borrow_mut().take().filter(|k| k.pruned == pruned && k.req == *req);
        let (mut res, shown) = match kept {
            Some(k) => (k.res, k.shown),
            None => self.rank(req, pruned)?,
        };
        if let Err(e) = self.need_pages(shown.iter().map(|&(_, d)| self.page_of(d))) {
            *self.ranked.borrow_mut() = Some(Ranked { pruned, req: req.clone(), res, shown });
            return Err(e);
        }
        res.hits = shown.iter().map(|&(score, doc)| Hit { id: self.doc_id(doc).to_string(), score, doc }).collect();
        Ok(res)
    }

    /// Ranks a request: the results without hits, and the `(score, doc)` of the hits to show.
    fn rank(&self, req: &SearchRequest, pruned: bool) -> Result<(SearchResults, Vec<(f32, u32)>), Error> {
        let mut res = SearchResults::default();
        let opts = &req.options;
        self.need_filters()?;
        if req.facets || !req.filters.is_empty() || !opts.content_type_boost.is_empty() {
            self.need_facets()?;
        }
        let planned = self.planned(&req.query, opts)?;
        res.did_you_mean = planned.did_you_mean.clone();
        res.expansions = planned.expansions.clone();
        if planned.clauses.is_empty() || req.date_from.is_some() || req.date_to.is_some() || opts.recency.is_some() {
            self.need_dates()?;
        }
        let allowed = self.allowed_set(req);
        let want = req.offset + req.limit;
        // the common request (pruned ranking) inline; browsing and the exhaustive scorer are
        // functions of their own, so a fresh isolate compiles (V8 compiles a wasm function on
        // its first call) only the code the request runs; the exhaustive path scores a copy of
        // the clauses (its feedback expands them)
        let mut expanded: Option<Vec<Clause>> = None;
        let mut cands = if planned.clauses.is_empty() {
            self.browse(req, &allowed, &mut res)
        } else if pruned || !cfg!(feature = "ranking-options") {
            let rc = match planned.resolved.get() {
                Some(rc) => rc,
                None => {
                    let rc = self.resolve(&planned.clauses, opts.k1)?;
                    planned.resolved.get_or_init(|| rc)
                }
            };
            let top = {
                let mut sc = self.scratch.borrow_mut();
                topk::top_k(rc, self.n_docs, &allowed, want, &mut sc.window)
            };
            if req.facets || req.exact_total {
                let mut m = planned.matches.get_or_init(|| topk::match_set(rc, self.n_docs)).clone();
                m.and_with(&allowed);
                (res.total, res.total_exact) = (m.count(), true);
                if req.facets {
                    res.facets = self.facet_counts(&m, req.counts);
                }
            } else {
                (res.total, res.total_exact) = (top.seen, top.exact);
            }
            top.hits.iter().map(|&(s, d)| (s as f32 / SCALE, d)).collect()
        } else {
            let clauses = expanded.insert(planned.clauses.clone());
            self.rank_exhaustive(req, clauses, &allowed, &mut res)?
        };
        let clauses = expanded.as_ref().unwrap_or(&planned.clauses);
        let mut window = want;
        if opts.proximity && !clauses.is_empty() {
            window = window.max(opts.proximity_window);
        }
        top_sorted(&mut cands, window);
        if cfg!(feature = "ranking-options") && opts.proximity && clauses.len() >= 2 {
            self.proximity_rerank(&req.query, &mut cands, opts)?;
            top_sorted(&mut cands, 0);
        }
        let shown = cands.iter().skip(req.offset).take(req.limit).copied().collect();
        Ok((res, shown))
    }

    /// Browsing (no query words): everything allowed, newest first.
    #[inline(never)]
    fn browse(&self, req: &SearchRequest, allowed: &Bitset, res: &mut SearchResults) -> Vec<(f32, u32)> {
        let cands: Vec<(f32, u32)> = allowed.iter().map(|d| (self.date(d) as f32, d)).collect();
        (res.total, res.total_exact) = (cands.len(), true);
        if req.facets {
            res.facets = self.facet_counts(allowed, req.counts);
        }
        cands
    }

    /// Every match scored term-at-a-time (PRF, score boosts, the reference path).
    #[inline(never)]
    fn rank_exhaustive(
        &self,
        req: &SearchRequest,
        clauses: &mut Vec<Clause>,
        allowed: &Bitset,
        res: &mut SearchResults,
    ) -> Result<Vec<(f32, u32)>, Error> {
        let opts = &req.options;
        let mut sc_guard = self.scratch.borrow_mut();
        let sc = &mut *sc_guard;
        self.score(clauses, opts.k1, sc)?;
        if let Some(prf) = opts.prf {
            let top = self.collect(sc, allowed, opts, prf.fb_docs);
            Self::reset(sc);
            self.expand_prf(clauses, &top, prf)?;
            self.score(clauses, opts.k1, sc)?;
        }
        let mut cands = Vec::with_capacity(sc.touched.len());
        let plain = opts.recency.is_none() && opts.content_type_boost.is_empty();
        for &d in &sc.touched {
            if allowed.get(d) {
                let s = sc.acc[d as usize] as f32 / SCALE;
                cands.push((if plain { s } else { s * self.boost(d, opts) }, d));
            }
        }
        Self::reset(sc);
        drop(sc_guard);
        (res.total, res.total_exact) = (cands.len(), true);
        if req.facets {
            let mut m = Bitset::new(self.n_docs as usize);
            for &(_, d) in &cands {
                m.set(d);
            }
            res.facets = self.facet_counts(&m, req.counts);
        }
        Ok(cands)
    }

    fn collect(&self, sc: &Scratch, allowed: &Bitset, opts: &RankOptions, k: usize) -> Vec<(f32, u32)> {
        let mut v: Vec<(f32, u32)> = sc
            .touched
            .iter()
            .filter(|&&d| allowed.get(d))
            .map(|&d| (sc.acc[d as usize] as f32 / SCALE * self.boost(d, opts), d))
            .collect();
        top_sorted(&mut v, k);
        v
    }

    /// Load a stored document by global doc number.
    pub fn document(&self, doc: u32) -> Result<Document, Error> {
        let si = self.seg_of(doc);
        let local = doc - self.segs[si].base;
        let seg = &self.meta.segments[si];
        let at = seg.store.chunk_of(local).ok_or(Error::Corrupt("store directory"))?;
        let chunk = self.cache.get(at.chunk.id, &*self.source)?;
        let Decoded::Store(st) = &*chunk else { return Err(Error::WrongKind) };
        st.doc(local.checked_sub(st.first).ok_or(Error::Corrupt("store chunk range"))? as usize)
    }

    /// RM3: add the top `fb_terms` terms of the relevance model estimated from the top
    /// `fb_docs` documents (analysed from the stored text), interpolated with the query.
    fn expand_prf(&self, clauses: &mut Vec<Clause>, top: &[(f32, u32)], prf: Prf) -> Result<(), Error> {
        if top.is_empty() {
            return Ok(());
        }
        let maxs = top[0].0.max(1e-6);
        let mut weights: HashMap<String, f32> = HashMap::new();
        let mut norm = 0f32;
        for &(s, d) in top {
            let doc = self.document(d)?;
            let mut tf: HashMap<String, f32> = HashMap::new();
            let mut len = 0f32;
            for text in [&doc.title, &doc.summary, &doc.body] {
                self.analyzer.analyze(text, |t, _| {
                    *tf.entry(t.to_string()).or_default() += 1.0;
                    len += 1.0;
                });
            }
            let pd = (s / maxs).exp(); // softmax-like document weight
            norm += pd;
            for (t, c) in tf {
                *weights.entry(t).or_default() += pd * c / len.max(1.0);
            }
        }
        let orig_terms: Vec<String> = clauses.iter().flat_map(|c| c.alts.iter().flat_map(|a| a.terms.clone())).collect();
        let mut ws: Vec<(String, f32)> = weights
            .into_iter()
            .filter(|(t, _)| t.len() > 2 && !t.bytes().all(|b| b.is_ascii_digit()))
            .map(|(t, w)| (t, w / norm))
            .collect();
        crate::sort::sort_by(&mut ws, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ws.truncate(prf.fb_terms);
        let total: f32 = ws.iter().map(|x| x.1).sum::<f32>().max(1e-6);
        let lambda = prf.original_weight;
        let nq = clauses.len().max(1) as f32;
        for c in clauses.iter_mut() {
            for a in c.alts.iter_mut() {
                a.weight *= lambda;
            }
        }
        // expansion mass (1-λ)·nq distributed by relevance-model weight
        for (t, w) in ws {
            let weight = (1.0 - lambda) * nq * w / total;
            if let Some(c) = clauses.iter_mut().find(|c| c.alts.len() == 1 && c.alts[0].terms == [t.clone()]) {
                c.alts[0].weight += weight;
            } else if !orig_terms.contains(&t) {
                clauses.push(Clause { alts: vec![Alt::term(t, weight)] });
            }
        }
        Ok(())
    }

    /// Boost documents where query terms occur close together (minimal window containing the
    /// most distinct query terms), using the stored text.
    fn proximity_rerank(&self, query: &str, cands: &mut [(f32, u32)], opts: &RankOptions) -> Result<(), Error> {
        let qterms: Vec<String> = {
            let mut v = self.analyzer.terms(query);
            crate::sort::sort_dedup(&mut v);
            v
        };
        if qterms.len() < 2 {
            return Ok(());
        }
        let top = cands.first().map(|c| c.0).unwrap_or(0.0);
        for c in cands.iter_mut().take(opts.proximity_window) {
            let doc = self.document(c.1)?;
            let mut hits: Vec<(u32, usize)> = Vec::new();
            let mut pos = 0u32;
            for text in [&doc.title, &doc.summary, &doc.body] {
                let mut last = 0;
                tokenize(text, |t| {
                    last = t.pos;
                    if is_stopword(t.text) {
                        return;
                    }
                    let s = self.analyzer.stem(t.text);
                    if let Ok(i) = qterms.binary_search_by(|q| q.as_str().cmp(&s)) {
                        hits.push((pos + t.pos, i));
                    }
                });
                pos += last + 50; // fields do not touch
            }
            // bigram adjacency: count query-term pairs within a window of 3 positions
            let mut pairs = 0usize;
            for w in hits.windows(2) {
                if w[0].1 != w[1].1 && w[1].0 - w[0].0 <= 3 {
                    pairs += 1;
                }
            }
            let bonus = opts.proximity_weight * top * (pairs as f32).ln_1p() / (qterms.len() as f32).ln_1p();
            c.0 += bonus;
        }
        Ok(())
    }

    /// Counts per facet value (and publication year) over the documents of `m`: the fields
    /// `which` names, in [`FacetField::ALL`] order (values by count), the years last (newest
    /// first).
    fn facet_counts(&self, m: &Bitset, which: Counts) -> Vec<FacetCount> {
        let mut out = Vec::with_capacity(NUM_FACETS + 1);
        for f in FacetField::ALL.into_iter().filter(|&f| which.includes(Some(f))) {
            let mut values = self.values_in(f as usize, m);
            crate::sort::sort_by(&mut values, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            out.push(FacetCount { field: f.name(), values });
        }
        if which.includes(None) {
            out.push(FacetCount { field: "year", values: self.values_in(NUM_FACETS, m) });
        }
        out
    }

    /// The values of field `fi` (`NUM_FACETS`: the years) with documents in `m`, and how many,
    /// in directory order.
    fn values_in(&self, fi: usize, m: &Bitset) -> Vec<(String, u32)> {
        let counts = self.facet_counts_of(fi, m);
        counts.into_iter().enumerate().filter(|x| x.1 > 0).map(|(v, c)| (self.facet_name(fi, v).to_string(), c)).collect()
    }

    /// Autocomplete: completions of the last (partial) word, from the index vocabulary and the
    /// medical vocabulary, most frequent first. Earlier words are kept as typed.
    pub fn suggest(&self, prefix: &str, k: usize) -> Result<Vec<String>, Error> {
        let mut words: Vec<String> = Vec::new();
        tokenize(prefix, |t| words.push(t.text.to_string()));
        let ends_with_space = prefix.ends_with(char::is_whitespace);
        let Some(last) = words.last().cloned() else { return Ok(Vec::new()) };
        if ends_with_space || last.len() < 2 {
            return Ok(Vec::new());
        }
        let head = if words.len() > 1 { format!("{} ", words[..words.len() - 1].join(" ")) } else { String::new() };
        let mut scored: HashMap<String, u32> = HashMap::new();
        let key_len = last.len().saturating_sub(3).max(2.min(last.len()));
        let key = &last.as_bytes()[..key_len];
        for lx in self.lexicons()? {
            let Decoded::Lexicon(l) = &*lx else { return Err(Error::WrongKind) };
            let mut i = l.lower_bound(key);
            while i < l.len() && l.term_bytes(i).starts_with(key) {
                let disp = l.display(i);
                if disp.starts_with(&last) && !is_stopword(disp) {
                    *scored.entry(disp.to_string()).or_default() += l.df[i];
                }
                i += 1;
            }
        }
        for name in self.vocab.names_from(&last).take_while(|n| n.starts_with(&last)).take(50) {
            scored.entry(name.to_string()).or_insert(0);
        }
        self.vocab_complete()?;
        let mut v: Vec<(String, u32)> = scored.into_iter().collect();
        crate::sort::sort_by(&mut v, |a, b| b.1.cmp(&a.1).then(a.0.len().cmp(&b.0.len())).then(a.0.cmp(&b.0)));
        Ok(v.into_iter().take(k).map(|(s, _)| format!("{head}{s}")).collect())
    }

    /// A highlighted snippet of a hit for `query` (about `max_chars` bytes).
    pub fn snippet(&self, doc: u32, query: &str, max_chars: usize) -> Result<Snippet, Error> {
        let d = self.document(doc)?;
        Ok(self.snippet_of(&d, &self.snippet_terms(query)?, max_chars))
    }

    /// What snippets mark for `query` (for a page of hits, analysed once): its terms and their
    /// synonyms', so a brand query highlights the generic name.
    pub fn snippet_terms(&self, query: &str) -> Result<SnippetTerms, Error> {
        let mut qterms = self.analyzer.terms(query);
        let spans = self.vocab.match_spans(&qterms.iter().map(String::as_str).collect::<Vec<_>>());
        let refs: Vec<String> = qterms.clone();
        for (s, len) in spans {
            let key: Vec<&str> = refs[s..s + len].iter().map(String::as_str).collect();
            for a in self.vocab.alternatives(&key) {
                qterms.extend(a.terms);
            }
        }
        self.vocab_complete()?;
        qterms.retain(|q| !q.is_empty());
        crate::sort::sort_dedup(&mut qterms);
        Ok(SnippetTerms(qterms, RefCell::default()))
    }

    /// The highlighted snippet of stored document `d` (from [`Searcher::document`]) for
    /// `terms`: the window of about `max_chars` bytes of its summary, or of its body when the
    /// summary marks nothing, with the most marks.
    pub fn snippet_of(&self, d: &Document, terms: &SnippetTerms, max_chars: usize) -> Snippet {
        let qterms = &terms.0;
        // Each token stemmed once (not once per comparison of the binary search), and only when
        // it could match: a token whose stem is a query term starts with that term's stem
        // prefix, so only the runs of text holding such a token are tokenized.
        let prefixes: Vec<&str> = qterms.iter().map(|q| stem_prefix(q)).collect();
        // A word recurs (the query's above all, and across the page's hits): each distinct one
        // is stemmed once.
        let mut seen = terms.1.borrow_mut();
        let mut pick = |text: &str| -> Vec<(usize, usize)> {
            let mut v = Vec::new();
            tokens_starting_with(text, &prefixes, |t| {
                let hit = match seen.binary_search_by(|(w, _)| w.as_str().cmp(t.text)) {
                    Ok(i) => seen[i].1,
                    Err(i) => {
                        let hit = !is_stopword(t.text) && {
                            let stem = self.analyzer.stem(t.text);
                            qterms.binary_search_by(|q| q.as_str().cmp(&stem)).is_ok()
                        };
                        seen.insert(i, (t.text.to_owned(), hit));
                        hit
                    }
                };
                if hit {
                    v.push((t.start, t.end));
                }
            });
            v.dedup_by(|a, b| a.0 < b.1);
            v
        };
        let in_summary = pick(&d.summary);
        let (source, marks) = if !in_summary.is_empty() || d.body.is_empty() { (&d.summary, in_summary) } else { (&d.body, pick(&d.body)) };
        // best window: most marks within max_chars
        let mut best = (0usize, 0usize); // (count, start byte)
        for (i, &(s, _)) in marks.iter().enumerate() {
            let c = marks[i..].iter().take_while(|m| m.1 <= s + max_chars).count();
            if c > best.0 {
                best = (c, s);
            }
        }
        let mut start = best.1.saturating_sub(max_chars / 4);
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        if let Some(p) = source[..start].rfind(' ') {
            start = p + 1;
        } else {
            start = 0;
        }
        let mut end = (start + max_chars).min(source.len());
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        if end < source.len()
            && let Some(p) = source[start..end].rfind(' ') {
                end = start + p;
            }
        let text = source[start..end].to_string();
        let highlights = marks
            .iter()
            .filter(|m| m.0 >= start && m.1 <= end)
            .map(|m| (m.0 - start, m.1 - start))
            .collect();
        Snippet { title: d.title.clone(), text, highlights }
    }
}

/// Days between two yyyymmdd dates (b >= a), civil calendar.
pub fn days_between(a: u32, b: u32) -> i64 {
    fn days(d: u32) -> i64 {
        let (y, m, dd) = ((d / 10000) as i64, ((d / 100) % 100) as i64, (d % 100) as i64);
        let (y, m) = if m <= 2 { (y - 1, m + 12) } else { (y, m) };
        365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + dd
    }
    days(b) - days(a)
}

/// Keeps the `k` best (score descending, then document ascending; `k == 0` keeps all) in
/// order. One function, so the Worker carries one copy of the selection and the sort.
#[inline(never)]
fn top_sorted(v: &mut Vec<(f32, u32)>, k: usize) {
    let cmp = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if v.len() > k && k > 0 {
        v.select_nth_unstable_by(k - 1, cmp);
        v.truncate(k);
    }
    v.sort_unstable_by(cmp);
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IndexBuilder, IndexConfig, MemorySource};

    /// A column counted a second time expands into per-value sets when that pays (content
    /// types), and stays a column for good when it does not (300 products, one a document):
    /// later counts neither expand it nor weigh the expansion again, and every count is exact.
    #[test]
    fn a_column_whose_expansion_does_not_pay_is_kept_and_counts_exactly() {
        let mut b = IndexBuilder::new(IndexConfig::default());
        for i in 0..300 {
            let d = Document {
                id: format!("d{i}"),
                title: "report".into(),
                products: vec![format!("p{i:03}")],
                content_type: ["study", "faq", "label"][i % 3].into(),
                language: "en".into(),
                ..Default::default()
            };
            b.add(d).unwrap();
        }
        let src = Rc::new(MemorySource::new());
        let c = b.commit(&*src).unwrap();
        src.put_all(&c.new_chunks);
        let s = Searcher::open(&c.meta, src, Rc::new(ChunkCache::default()), Rc::new(Vocab::empty())).unwrap();
        let req = SearchRequest::new("report").with_facets();
        let counts = |field: &str| -> Vec<(String, u32)> {
            let r = s.search(&req).unwrap();
            assert_eq!(r.total, 300);
            r.facets.into_iter().find(|f| f.field == field).unwrap().values
        };
        let (product, kind) = (FacetField::Product as usize, FacetField::ContentType as usize);
        for round in 0..4 {
            let p = counts("product");
            assert_eq!(p.len(), 300, "round {round}");
            assert!(p.iter().all(|(_, n)| *n == 1), "round {round}");
            assert_eq!(counts("content_type"), [("faq".to_string(), 100), ("label".to_string(), 100), ("study".to_string(), 100)], "round {round}");
        }
        let seg = &s.segs[0];
        let (b, d) = match seg.facets.get().map(|x| &**x) {
            Some(Decoded::Facets(f)) => f.dir(),
            _ => panic!("facets loaded"),
        };
        assert!(d.column(b, product).is_some() && d.column(b, kind).is_some(), "both are columns");
        assert!(seg.expanded[product].get().is_none() && seg.kept.get() & (1 << product) != 0, "products kept as a column");
        assert!(seg.expanded[kind].get().is_some() && seg.kept.get() & (1 << kind) == 0, "content types expanded");
    }

    /// With `ranking-options` a request for feedback, proximity or boosts is scored exhaustively;
    /// a build without it (the query Worker's) refuses such a request rather than ignore what it
    /// asked for, and answers the others as before.
    #[test]
    fn ranking_options_are_served_or_refused_by_the_build() {
        let mut b = IndexBuilder::new(IndexConfig::default());
        for (id, title) in [("a", "metformin dosing"), ("b", "metformin safety"), ("c", "insulin dosing")] {
            let d = Document { id: id.into(), title: title.into(), language: "en".into(), date: 20240101, ..Default::default() };
            b.add(d).unwrap();
        }
        let src = Rc::new(MemorySource::new());
        let c = b.commit(&*src).unwrap();
        src.put_all(&c.new_chunks);
        let s = Searcher::open(&c.meta, src, Rc::new(ChunkCache::default()), Rc::new(Vocab::empty())).unwrap();
        let plain = SearchRequest::new("metformin");
        assert_eq!(s.search(&plain).unwrap().total, 2);
        let mut near = plain.clone();
        near.options.proximity = true;
        let mut feedback = plain.clone();
        feedback.options.prf = Some(Prf::default());
        for r in [near, feedback] {
            match (cfg!(feature = "ranking-options"), s.search(&r)) {
                // (feedback may add words of the top documents: more matches)
                (true, Ok(res)) => assert!(res.total >= 2 && res.hits.iter().take(2).all(|h| h.id != "c"), "{res:?}"),
                (false, Err(Error::Unsupported(_))) => {}
                (feature, other) => panic!("ranking-options {feature}: {other:?}"),
            }
        }
        assert_eq!(s.search_exhaustive(&plain).is_ok(), cfg!(feature = "ranking-options"));
    }
}
