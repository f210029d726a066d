//! Streaming segment merge: the merged segment is written chunk by chunk while the input
//! segments are read chunk by chunk, so a merge's working set does not grow with the size of
//! the segments it merges.
//!
//! # What is held at once
//! * one stored-document chunk in and one out (≤ `store_chunk_bytes` each, plus its decoded
//!   documents);
//! * per input segment its current postings chunk (≤ `postings_chunk_bytes` encoded), one
//!   output postings chunk being filled, and the postings of the one term being merged;
//! * the merged segment's single-chunk tables, which a reader holds whole as well: the doc
//!   table (ids and dates), the facet lists, the lexicon (terms, dfs, display forms) and the
//!   term filter.
//!
//! Nothing else: output chunks go to [`MergeIo::put`] as soon as they are complete (a host
//! uploads them there and drops them), input chunks come from [`MergeIo::get`] when needed.
//!
//! # How
//! 1. **Stores**: every stored document of the inputs in segment order; tombstoned ones are
//!    dropped (their field lengths are subtracted from the length sums), live ones are
//!    renumbered densely and written to new store chunks (chunked exactly as a bulk build
//!    chunks them), their ids, dates and facet values kept for the tables.
//! 2. **Postings**: a k-way merge of the inputs' term-sorted postings chunks. A term's merged
//!    list is the concatenation of its lists in segment order with docnums renumbered and
//!    tombstoned documents dropped; impacts are kept as they were computed when each document
//!    was indexed (like Lucene keeps its norms), so no document is analysed again. Lists are
//!    re-encoded and chunked exactly as a bulk build does, so merging segments built with the
//!    same average field lengths gives byte for byte the segment a bulk build of their live
//!    documents gives (tested).
//! 3. **Lexicon**: the merged terms with their merged document frequency; the display form of
//!    a term is the smallest (shortest, then lexicographically) display form any input
//!    lexicon has for it, which is the builder's rule.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use crate::fields::field_lengths;
use crate::document::{Document, FacetField, NUM_FACETS};
use crate::error::Error;
use crate::format::{self, ChunkId, ChunkRef, IndexConfig, NUM_FIELDS, PostingsChunk, PostingsRef, SegmentMeta, StoreRef};

/// Where a merge (and [`crate::IndexBuilder::commit_with`]) reads and writes chunks. Hosts
/// with async storage implement it over their store; [`SyncIo`] adapts a
/// [`crate::ChunkSource`] and collects the output in memory.
pub trait MergeIo {
    /// The host's error; index errors (corrupt or missing chunks) convert into it.
    type Error: From<Error>;
    /// The framed bytes of chunk `id` (the merge checks them against the id).
    fn get(&self, id: ChunkId) -> impl Future<Output = Result<Vec<u8>, Self::Error>>;
    /// Keeps a new chunk (a host uploads it; it is not read back by the merge).
    fn put(&self, id: ChunkId, bytes: Vec<u8>) -> impl Future<Output = Result<(), Self::Error>>;
    /// Several chunks at once, in order (a host may fetch them concurrently).
    fn get_many(&self, ids: &[ChunkId]) -> impl Future<Output = Result<Vec<Vec<u8>>, Self::Error>> {
        async move {
            let mut out = Vec::with_capacity(ids.len());
            for &id in ids {
                out.push(self.get(id).await?);
            }
            Ok(out)
        }
    }
}

/// Stored-document chunks fetched together by a merge (a few hundred KB at most).
const STORE_WINDOW: usize = 4;

/// [`MergeIo`] over a synchronous [`crate::ChunkSource`]; new chunks are collected in memory.
pub struct SyncIo<'a> {
    pub src: &'a dyn crate::cache::ChunkSource,
    pub out: std::cell::RefCell<Vec<(ChunkId, Vec<u8>)>>,
}

impl<'a> SyncIo<'a> {
    pub fn new(src: &'a dyn crate::cache::ChunkSource) -> Self {
        Self { src, out: Default::default() }
    }
}

impl MergeIo for SyncIo<'_> {
    type Error = Error;
    async fn get(&self, id: ChunkId) -> Result<Vec<u8>, Error> {
        if let Some((_, b)) = self.out.borrow().iter().find(|(i, _)| *i == id) {
            return Ok(b.clone());
        }
        self.src.get(id).ok_or(Error::MissingChunk(id))
    }
    async fn put(&self, id: ChunkId, bytes: Vec<u8>) -> Result<(), Error> {
        self.out.borrow_mut().push((id, bytes));
        Ok(())
    }
}

/// Runs a future whose I/O completes at once ([`SyncIo`]); it is polled until ready.
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Fetches a chunk and checks it against its id.
pub(crate) async fn fetch<I: MergeIo>(io: &I, id: ChunkId) -> Result<Vec<u8>, I::Error> {
    let bytes = io.get(id).await?;
    if ChunkId::of(&bytes) != id {
        return Err(Error::HashMismatch(id).into());
    }
    Ok(bytes)
}

async fn put<I: MergeIo>(io: &I, bytes: Vec<u8>) -> Result<ChunkRef, I::Error> {
    let id = ChunkId::of(&bytes);
    let r = ChunkRef { id, len: bytes.len() as u32 };
    io.put(id, bytes).await?;
    Ok(r)
}

/// Document ids in docnum order, in one buffer.
#[derive(Debug, Default)]
pub struct IdList {
    text: String,
    ends: Vec<u32>,
}

impl IdList {
    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len() as u32);
    }
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// A merged segment and its document ids (docnum order).
pub struct Merged {
    pub segment: SegmentMeta,
    pub ids: IdList,
}

/// Renumbering of one input segment's live documents.
struct Renumber<'a> {
    base: u32,
    deleted: &'a [u32],
}

impl Renumber<'_> {
    #[inline]
    fn map(&self, d: u32) -> Option<u32> {
        let rank = self.deleted.partition_point(|&x| x < d);
        if self.deleted.get(rank) == Some(&d) { None } else { Some(self.base + d - rank as u32) }
    }
}

/// Merges `segs` (in this order) into one new segment `id`, streaming (see the module docs).
pub async fn merge_segments<I: MergeIo>(io: &I, segs: &[SegmentMeta], id: u32, cfg: &IndexConfig) -> Result<Merged, I::Error> {
    let mut renumber = Vec::with_capacity(segs.len());
    let mut base = 0u32;
    for s in segs {
        renumber.push(Renumber { base, deleted: &s.deleted });
        base += s.doc_count - s.deleted.len() as u32;
    }
    let n = base as usize;

    // 1. stores: renumbered live documents, tables, length sums
    let mut field_len_sum = [0u64; NUM_FIELDS];
    for s in segs {
        for (sum, add) in field_len_sum.iter_mut().zip(s.field_len_sum) {
            *sum += add;
        }
    }
    let mut ids = IdList::default();
    let mut dates: Vec<u32> = Vec::with_capacity(n);
    let mut facet_maps: Vec<HashMap<String, Vec<u32>>> = (0..NUM_FACETS).map(|_| HashMap::new()).collect();
    let mut store = Vec::new();
    let mut out_docs: Vec<Document> = Vec::new();
    let mut out_first = 0u32;
    let mut out_size = 0usize;
    for (s, seg) in segs.iter().enumerate() {
        let refs: Vec<StoreRef> = seg.store.iter().collect();
        for window in refs.chunks(STORE_WINDOW) {
            let want: Vec<ChunkId> = window.iter().map(|r| r.chunk.id).collect();
            let fetched = io.get_many(&want).await?;
            for (id, bytes) in want.iter().zip(fetched) {
                if ChunkId::of(&bytes) != *id {
                    return Err(Error::HashMismatch(*id).into());
                }
                let (first, docs) = format::decode_store(&bytes)?;
                drop(bytes);
                for (k, doc) in docs.into_iter().enumerate() {
                    let Some(dn) = renumber[s].map(first + k as u32) else {
                        let l = field_lengths(&doc);
                        for f in 0..NUM_FIELDS {
                            field_len_sum[f] = field_len_sum[f].saturating_sub(l[f] as u64);
                        }
                        continue;
                    };
                    if dn as usize != ids.len() {
                        return Err(Error::Corrupt("store chunks out of docnum order").into());
                    }
                    ids.push(&doc.id);
                    dates.push(doc.date);
                    for (fi, field) in FacetField::ALL.into_iter().enumerate() {
                        for v in doc.facet_values(field) {
                            let e = facet_maps[fi].entry(v.to_string()).or_default();
                            if e.last() != Some(&dn) {
                                e.push(dn);
                            }
                        }
                    }
                    // chunked as the builder chunks a bulk build
                    out_size += doc.title.len() + doc.summary.len() + doc.body.len() + doc.references.len() + doc.id.len() + 64;
                    out_docs.push(doc);
                    if out_size >= cfg.store_chunk_bytes as usize || dn as usize + 1 == n {
                        let refs: Vec<&Document> = out_docs.iter().collect();
                        let chunk = put(io, format::encode_store(out_first, &refs)).await?;
                        store.push(StoreRef { first_doc: out_first, chunk });
                        out_first = dn + 1;
                        out_size = 0;
                        out_docs.clear();
                    }
                }
            }
        }
    }
    if ids.len() != n {
        return Err(Error::Corrupt("segment store does not hold its documents").into());
    }
    let mut doc_pages = Vec::with_capacity(n.div_ceil(format::DOC_PAGE));
    for (k, page_dates) in dates.chunks(format::DOC_PAGE).enumerate() {
        let page_ids: Vec<&str> = (k * format::DOC_PAGE..k * format::DOC_PAGE + page_dates.len()).map(|i| ids.get(i)).collect();
        doc_pages.push(put(io, format::encode_doc_page(&page_ids, page_dates)).await?);
    }
    let mut facet_lists: format::FacetLists = Vec::with_capacity(NUM_FACETS);
    for m in facet_maps {
        let mut values: Vec<(String, Vec<u32>)> = m.into_iter().collect();
        values.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        facet_lists.push(values);
    }
    let facets = put(io, format::encode_facets(&facet_lists, &dates)).await?;
    drop(facet_lists);
    drop(dates);

    // 2. postings: k-way merge of the term-sorted inputs
    let mut cursors: Vec<Cursor> = segs.iter().map(|s| Cursor { refs: &s.postings, next: 0, chunk: None, pos: 0 }).collect();
    for c in &mut cursors {
        c.fill(io).await?;
    }
    let mut terms = Terms::default();
    let mut postings_refs: Vec<PostingsRef> = Vec::new();
    let mut encoded: Vec<u8> = Vec::new();
    let mut batch: Vec<(usize, usize, u32)> = Vec::new(); // (list start, end, term index)
    let mut list: Vec<(u32, u8)> = Vec::new();
    let mut term = String::new();
    let target = cfg.postings_chunk_bytes as usize;
    while let Some(min) = cursors.iter().filter_map(Cursor::term).min() {
        term.clear();
        term.push_str(min);
        list.clear();
        for (s, c) in cursors.iter_mut().enumerate() {
            if c.term() != Some(term.as_str()) {
                continue;
            }
            if let Some((chunk, i)) = c.current() {
                for (d, imp) in chunk.iter(i) {
                    if let Some(dn) = renumber[s].map(d) {
                        list.push((dn, imp));
                    }
                }
            }
            c.pos += 1;
            c.fill(io).await?;
        }
        if list.is_empty() {
            continue; // only tombstoned documents had it
        }
        let t = terms.push(&term, list.len() as u32);
        let start = encoded.len();
        format::encode_posting_list(&list, &mut encoded);
        batch.push((start, encoded.len(), t));
        if encoded.len() + batch.len() * 6 >= target {
            flush(io, &terms, &mut batch, &mut encoded, &mut postings_refs).await?;
        }
    }
    flush(io, &terms, &mut batch, &mut encoded, &mut postings_refs).await?;
    drop(cursors);

    // 3. lexicon: display forms from the inputs' lexicons, one at a time
    for seg in segs {
        let bytes = fetch(io, seg.lexicon.id).await?;
        let lex = format::decode_lexicon(&bytes)?;
        drop(bytes);
        for i in 0..lex.len() {
            let (t, disp) = (lex.term(i), lex.display(i));
            if disp != t
                && !disp.is_empty()
                && let Some(k) = terms.find(t)
            {
                terms.offer_display(k, disp);
            }
        }
    }
    let term_filter = put(io, format::encode_term_filter(&format::TermFilter::build(terms.iter()))).await?;
    let lexicon = {
        let entries: Vec<(&str, u32, &str)> = (0..terms.len()).map(|k| (terms.get(k), terms.df[k], terms.display(k))).collect();
        put(io, format::encode_lexicon(&entries)).await?
    };

    // the average field lengths the merged impacts were computed with: the inputs', by docs
    let mut avg_len = [0f32; NUM_FIELDS];
    let docs: u64 = segs.iter().map(|s| u64::from(s.doc_count)).sum();
    if docs > 0 {
        for (f, a) in avg_len.iter_mut().enumerate() {
            let w: f64 = segs.iter().map(|s| f64::from(s.avg_len[f]) * f64::from(s.doc_count)).sum();
            *a = (w / docs as f64) as f32;
        }
    }
    let segment = SegmentMeta {
        id,
        doc_count: n as u32,
        field_len_sum,
        avg_len,
        lexicon,
        term_filter,
        postings: postings_refs,
        doc_pages,
        facets,
        store: format::StoreDir::from_refs(&store),
        deleted: Vec::new(),
    };
    Ok(Merged { segment, ids })
}

async fn flush<I: MergeIo>(
    io: &I,
    terms: &Terms,
    batch: &mut Vec<(usize, usize, u32)>,
    encoded: &mut Vec<u8>,
    refs: &mut Vec<PostingsRef>,
) -> Result<(), I::Error> {
    if batch.is_empty() {
        return Ok(());
    }
    let bytes = {
        let items: Vec<(&str, u32, &[u8])> =
            batch.iter().map(|&(s, e, t)| (terms.get(t as usize), terms.df[t as usize], &encoded[s..e])).collect();
        format::encode_postings(&items)
    };
    let first_term = terms.get(batch[0].2 as usize).to_string();
    refs.push(PostingsRef { first_term, chunk: put(io, bytes).await? });
    batch.clear();
    encoded.clear();
    Ok(())
}

/// One input segment's position in its term-sorted postings chunks.
struct Cursor<'a> {
    refs: &'a [PostingsRef],
    next: usize,
    chunk: Option<PostingsChunk>,
    pos: usize,
}

impl Cursor<'_> {
    fn current(&self) -> Option<(&PostingsChunk, usize)> {
        self.chunk.as_ref().filter(|c| self.pos < c.len()).map(|c| (c, self.pos))
    }
    fn term(&self) -> Option<&str> {
        self.current().map(|(c, i)| c.term(i))
    }
    /// Loads the next chunk when the current one is used up.
    async fn fill<I: MergeIo>(&mut self, io: &I) -> Result<(), I::Error> {
        while self.current().is_none() {
            self.chunk = None;
            let Some(r) = self.refs.get(self.next) else { return Ok(()) };
            self.next += 1;
            let bytes = fetch(io, r.chunk.id).await?;
            self.chunk = Some(format::decode_postings(&bytes)?);
            self.pos = 0;
        }
        Ok(())
    }
}

/// The merged segment's terms (sorted), document frequencies and display forms, compactly.
#[derive(Default)]
struct Terms {
    text: String,
    ends: Vec<u32>,
    df: Vec<u32>,
    /// Per term `(start, end)` of its display form in `display_text`, `(0, 0)` = none.
    display: Vec<(u32, u32)>,
    display_text: String,
}

impl Terms {
    fn push(&mut self, t: &str, df: u32) -> u32 {
        self.text.push_str(t);
        self.ends.push(self.text.len() as u32);
        self.df.push(df);
        self.display.push((0, 0));
        (self.ends.len() - 1) as u32
    }
    fn len(&self) -> usize {
        self.ends.len()
    }
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }
    fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
    fn find(&self, t: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(t) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
    fn display(&self, i: usize) -> &str {
        let (a, b) = self.display[i];
        &self.display_text[a as usize..b as usize]
    }
    /// Keeps `d` as term i's display form if it is smaller than the current one.
    fn offer_display(&mut self, i: usize, d: &str) {
        let cur = self.display(i);
        if cur.is_empty() || d.len() < cur.len() || (d.len() == cur.len() && d < cur) {
            let a = self.display_text.len() as u32;
            self.display_text.push_str(d);
            self.display[i] = (a, self.display_text.len() as u32);
        }
    }
}
