//! Index builder: bulk builds and incremental publishing.
//!
//! # Incremental design (segments + tombstones)
//! An index is a list of immutable *segments*, each with its own chunks (lexicon, postings,
//! doc pages, facets, store). A commit:
//! 1. turns withdrawals and replacements into *tombstones* (segment-local docnums listed in the
//!    meta; no segment chunk is rewritten);
//! 2. writes the newly added documents as one new small segment (only its chunks are new);
//! 3. merges segments when there are more than [`MAX_SEGMENTS`] or a segment is more than half
//!    tombstoned (tiered: the newest segments are merged, an older one joins only when it is at
//!    most [`MERGE_RATIO`] times their size). Merging streams (the merge module): the segments'
//!    term-sorted postings are merged with renumbered docnums (tombstoned documents dropped,
//!    impacts kept as indexed) and their stored documents rewritten chunk by chunk, so a
//!    merge's memory does not grow with the segments' size;
//! 4. writes a new meta (generation + 1).
//!
//! Publishing one item therefore writes ~6 small chunks plus the meta. Chunks are content
//! addressed; the [`Commit`] lists the new chunks to upload and all live chunk ids (everything
//! else may be garbage-collected once no reader uses the previous meta).
//!
//! Impacts of a new segment are computed with the average field lengths of the whole index
//! at commit time (BM25F normalisation), so old and new segments score consistently up to the
//! drift of the averages; a merge keeps them (a rebuild recomputes all impacts).

use std::collections::HashMap;

use crate::analysis::Analyzer;
use crate::cache::ChunkSource;
use crate::fields::{field_lengths, field_texts};
use crate::merge::{self, MergeIo, SyncIo};
use crate::format::{
    self, ChunkId, ChunkRef, IndexConfig, Meta, NUM_FIELDS, PostingsRef, SegmentMeta, StoreRef,
};
use crate::document::{Document, FacetField, NUM_FACETS};
use crate::error::Error;

/// Merge when the index has more segments than this.
pub const MAX_SEGMENTS: usize = 8;
/// A merge takes in an older segment while it is at most this many times the size of the newer
/// segments merged so far (see `merge_candidates`).
pub const MERGE_RATIO: usize = 2;

/// Result of [`IndexBuilder::commit`].
#[derive(Debug, Clone)]
pub struct Commit {
    /// New meta bytes (store under a well-known key, e.g. `meta/{market}-{lang}`).
    pub meta: Vec<u8>,
    /// Chunks that the source may not have yet: upload them before publishing `meta`.
    pub new_chunks: Vec<(ChunkId, Vec<u8>)>,
    /// Every chunk id referenced by the new meta.
    pub live_chunks: Vec<ChunkId>,
    pub generation: u64,
}

impl Commit {
    pub fn new_bytes(&self) -> usize {
        self.new_chunks.iter().map(|(_, b)| b.len()).sum()
    }
}

/// Build or update an index.
pub struct IndexBuilder {
    meta: Meta,
    analyzer: Analyzer,
    pending: Vec<Document>,
    pending_pos: HashMap<String, usize>,
    /// external id -> (segment id, docnum) for committed live docs.
    locations: HashMap<String, (u32, u32)>,
    /// tombstones to apply at commit: (segment id, docnum)
    tombstones: Vec<(u32, u32)>,
}

impl IndexBuilder {
    /// Start an empty index.
    pub fn new(config: IndexConfig) -> Self {
        Self {
            meta: Meta::empty(config),
            analyzer: Analyzer::new(),
            pending: Vec::new(),
            pending_pos: HashMap::new(),
            locations: HashMap::new(),
            tombstones: Vec::new(),
        }
    }

    /// Open an existing index for incremental updates (loads the segments' doc pages to map
    /// external ids).
    pub fn open(meta_bytes: &[u8], src: &dyn ChunkSource) -> Result<Self, Error> {
        merge::block_on(Self::open_with(meta_bytes, &SyncIo::new(src), None))
    }

    /// Open an existing index through `io`, reading one doc page at a time. With `only`, just
    /// those external ids are located (the ids a batch upserts or withdraws), so the builder
    /// holds no per-document map of the whole index; [`Self::live_docs`] then counts only them.
    pub async fn open_with<I: MergeIo>(meta_bytes: &[u8], io: &I, only: Option<&[&str]>) -> Result<Self, I::Error> {
        let meta = format::decode_meta(meta_bytes)?;
        let wanted: Option<std::collections::HashSet<&str>> = only.map(|ids| ids.iter().copied().collect());
        let mut locations = HashMap::new();
        let mut locate = |seg: &format::SegmentMeta, d: u32, id: &str| {
            if wanted.as_ref().is_some_and(|w| !w.contains(id)) {
                return;
            }
            if seg.deleted.binary_search(&d).is_err() {
                locations.insert(id.to_string(), (seg.id, d));
            }
        };
        for seg in &meta.segments {
            for (k, page) in seg.doc_pages.iter().enumerate() {
                let bytes = merge::fetch(io, page.id).await?;
                match format::decode_doc_page(&bytes) {
                    Ok(table) => {
                        for d in 0..table.len() {
                            locate(seg, (k * format::DOC_PAGE + d) as u32, table.id(d));
                        }
                    }
                    // a segment of an older format (its doc table unreadable): its ids from
                    // its stored documents, one store chunk at a time, so a rebuild can
                    // replace it
                    Err(Error::UnsupportedVersion(_)) => {
                        for r in seg.store.iter() {
                            let (first, docs) = format::decode_store(&merge::fetch(io, r.chunk.id).await?)?;
                            for (i, doc) in docs.iter().enumerate() {
                                locate(seg, first + i as u32, &doc.id);
                            }
                        }
                        break;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(Self {
            meta,
            analyzer: Analyzer::new(),
            pending: Vec::new(),
            pending_pos: HashMap::new(),
            locations,
            tombstones: Vec::new(),
        })
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Add or replace (same id) a document.
    pub fn add(&mut self, doc: Document) -> Result<(), Error> {
        doc.validate()?;
        if let Some(loc) = self.locations.remove(&doc.id) {
            self.tombstones.push(loc);
        }
        match self.pending_pos.get(&doc.id) {
            Some(&i) => self.pending[i] = doc,
            None => {
                self.pending_pos.insert(doc.id.clone(), self.pending.len());
                self.pending.push(doc);
            }
        }
        Ok(())
    }

    /// Withdraw a document; returns whether it existed.
    pub fn withdraw(&mut self, id: &str) -> bool {
        let mut found = false;
        if let Some(loc) = self.locations.remove(id) {
            self.tombstones.push(loc);
            found = true;
        }
        if let Some(i) = self.pending_pos.remove(id) {
            self.pending.remove(i);
            self.pending_pos.clear();
            for (j, d) in self.pending.iter().enumerate() {
                self.pending_pos.insert(d.id.clone(), j);
            }
            found = true;
        }
        found
    }

    /// Number of live documents after the pending changes.
    pub fn live_docs(&self) -> usize {
        self.locations.len() + self.pending.len()
    }

    /// Write pending changes. `src` must serve the chunks of the meta this builder was opened
    /// with (needed only when segments are merged). The merged segment's chunks are collected
    /// in [`Commit::new_chunks`]; hosts that must bound their memory use [`Self::commit_with`].
    pub fn commit(&mut self, src: &dyn ChunkSource) -> Result<Commit, Error> {
        let io = SyncIo::new(src);
        let mut c = merge::block_on(self.commit_with(&io))?;
        let live = &c.live_chunks;
        c.new_chunks.extend(io.out.into_inner().into_iter().filter(|(id, _)| live.binary_search(id).is_ok()));
        c.new_chunks.sort_by_key(|(id, _)| *id);
        c.new_chunks.dedup_by_key(|(id, _)| *id);
        Ok(c)
    }

    /// Write pending changes, merging through `io`: a merge reads its input chunks with
    /// [`MergeIo::get`] and hands every chunk of the merged segment to [`MergeIo::put`] as soon
    /// as it is written (streaming, see the merge module). [`Commit::new_chunks`] holds the
    /// other new chunks (the new segment of the pending documents, unless it was merged).
    pub async fn commit_with<I: MergeIo>(&mut self, io: &I) -> Result<Commit, I::Error> {
        // 1. tombstones
        for (sid, d) in self.tombstones.drain(..) {
            if let Some(seg) = self.meta.segments.iter_mut().find(|s| s.id == sid)
                && let Err(p) = seg.deleted.binary_search(&d) {
                    seg.deleted.insert(p, d);
                }
        }
        self.meta.segments.retain(|s| (s.deleted.len() as u32) < s.doc_count);
        // 2. new segment
        let pending = std::mem::take(&mut self.pending);
        self.pending_pos.clear();
        let mut new_chunks: Vec<(ChunkId, Vec<u8>)> = Vec::new();
        if !pending.is_empty() {
            let avg = self.avg_with(&pending);
            let id = self.meta.next_segment_id;
            self.meta.next_segment_id += 1;
            let refs: Vec<&Document> = pending.iter().collect();
            let (seg, chunks) = build_segment(id, &refs, avg, &self.meta.config, &self.analyzer);
            for (d, doc) in pending.iter().enumerate() {
                self.locations.insert(doc.id.clone(), (id, d as u32));
            }
            new_chunks.extend(chunks);
            self.meta.segments.push(seg);
        }
        drop(pending);
        // 3. merge policy
        if let Some(range) = self.merge_candidates() {
            let id = self.meta.next_segment_id;
            self.meta.next_segment_id += 1;
            let io = Overlay { io, fresh: &new_chunks };
            let merged = merge::merge_segments(&io, &self.meta.segments[range.clone()], id, &self.meta.config).await?;
            for (d, doc_id) in merged.ids.iter().enumerate() {
                if let Some(loc) = self.locations.get_mut(doc_id) {
                    *loc = (id, d as u32);
                }
            }
            self.meta.segments.splice(range, [merged.segment]);
        }
        // 4. meta
        self.meta.generation += 1;
        let meta = format::encode_meta(&self.meta);
        let mut live: Vec<ChunkId> =
            self.meta.segments.iter().flat_map(|s| s.chunk_refs().map(|r| r.id)).collect();
        live.sort_unstable();
        live.dedup();
        new_chunks.retain(|(id, _)| live.binary_search(id).is_ok());
        new_chunks.sort_by_key(|(id, _)| *id);
        new_chunks.dedup_by_key(|(id, _)| *id);
        Ok(Commit { meta, new_chunks, live_chunks: live, generation: self.meta.generation })
    }

    /// Average field lengths of the index including `extra` docs.
    fn avg_with(&self, extra: &[Document]) -> Option<[f32; NUM_FIELDS]> {
        let live: Vec<&SegmentMeta> = self.meta.segments.iter().collect();
        let mut n: u64 = live.iter().map(|s| s.doc_count as u64).sum();
        let mut sums = [0u64; NUM_FIELDS];
        for s in &live {
            for f in 0..NUM_FIELDS {
                sums[f] += s.field_len_sum[f];
            }
        }
        for d in extra {
            let l = field_lengths(d);
            for f in 0..NUM_FIELDS {
                sums[f] += l[f] as u64;
            }
            n += 1;
        }
        if n == 0 {
            return None;
        }
        Some(std::array::from_fn(|f| sums[f] as f32 / n as f32))
    }

    /// Which segments to merge (a contiguous run ending with the newest): none while there are
    /// at most [`MAX_SEGMENTS`] and none is more than half tombstoned. Otherwise the two newest
    /// (or from the heavily tombstoned one on), extended to each older segment that is at most
    /// [`MERGE_RATIO`] times what is merged so far. Segments so grow geometrically (a large old
    /// one is rewritten only once the newer ones together reach half its size) and a document
    /// is rewritten O(log n) times: loading 100,000 documents in batches of 100 rewrites
    /// ~4.4 documents per document, where merging everything after the base segment each time
    /// rewrote ~17.
    fn merge_candidates(&self) -> Option<std::ops::Range<usize>> {
        let segs = &self.meta.segments;
        let live = |s: &SegmentMeta| s.doc_count as usize - s.deleted.len();
        let heavy_deleted = segs.iter().position(|s| s.deleted.len() * 2 > s.doc_count as usize);
        if segs.is_empty() || (segs.len() <= MAX_SEGMENTS && heavy_deleted.is_none()) {
            return None;
        }
        let mut start = segs.len().saturating_sub(2);
        if let Some(h) = heavy_deleted {
            start = start.min(h);
        }
        let mut merged: usize = segs[start..].iter().map(live).sum();
        while start > 0 && live(&segs[start - 1]) <= MERGE_RATIO * merged {
            start -= 1;
            merged += live(&segs[start]);
        }
        Some(start..segs.len())
    }
}

/// BM25F pseudo term frequency from per-field tfs and lengths.
#[inline]
pub fn bm25f_tf(
    tf: &[u16; NUM_FIELDS],
    len: &[u32; NUM_FIELDS],
    avg: &[f32; NUM_FIELDS],
    cfg: &IndexConfig,
) -> f32 {
    let mut s = 0f32;
    for f in 0..NUM_FIELDS {
        if tf[f] == 0 {
            continue;
        }
        let a = avg[f].max(1e-3);
        let b = cfg.field_b[f];
        let norm = 1.0 - b + b * (len[f] as f32 / a);
        s += cfg.field_weights[f] * tf[f] as f32 / norm.max(1e-3);
    }
    s
}

/// Build one segment from documents. Returns its meta and chunks.
pub fn build_segment(
    id: u32,
    docs: &[&Document],
    avg: Option<[f32; NUM_FIELDS]>,
    cfg: &IndexConfig,
    analyzer: &Analyzer,
) -> (SegmentMeta, Vec<(ChunkId, Vec<u8>)>) {
    let n = docs.len();
    // pass 1: lengths
    let lens: Vec<[u32; NUM_FIELDS]> = docs.iter().map(|d| field_lengths(d)).collect();
    let mut field_len_sum = [0u64; NUM_FIELDS];
    for l in &lens {
        for f in 0..NUM_FIELDS {
            field_len_sum[f] += l[f] as u64;
        }
    }
    let avg = avg.unwrap_or_else(|| {
        std::array::from_fn(|f| if n == 0 { 1.0 } else { field_len_sum[f] as f32 / n as f32 })
    });

    // pass 2: postings
    let mut term_ids: HashMap<String, u32> = HashMap::new();
    let mut terms: Vec<String> = Vec::new();
    let mut display: Vec<String> = Vec::new();
    let mut postings: Vec<Vec<(u32, u8)>> = Vec::new();
    let mut occ: Vec<(u32, u8)> = Vec::with_capacity(1024);
    for (dn, doc) in docs.iter().enumerate() {
        occ.clear();
        let texts = field_texts(doc);
        for (f, text) in texts.iter().enumerate() {
            analyzer.analyze(text, |term, tok| {
                let tid = match term_ids.get(term) {
                    Some(&t) => t,
                    None => {
                        let t = terms.len() as u32;
                        term_ids.insert(term.to_string(), t);
                        terms.push(term.to_string());
                        display.push(String::new());
                        postings.push(Vec::new());
                        t
                    }
                };
                let disp = &mut display[tid as usize];
                let s = tok.text;
                if s != term
                    && (disp.is_empty() || s.len() < disp.len() || (s.len() == disp.len() && s < disp.as_str()))
                {
                    disp.clear();
                    disp.push_str(s);
                }
                occ.push((tid, f as u8));
            });
        }
        occ.sort_unstable();
        let mut i = 0;
        while i < occ.len() {
            let tid = occ[i].0;
            let mut tf = [0u16; NUM_FIELDS];
            while i < occ.len() && occ[i].0 == tid {
                let f = occ[i].1 as usize;
                tf[f] = tf[f].saturating_add(1);
                i += 1;
            }
            let pseudo = bm25f_tf(&tf, &lens[dn], &avg, cfg);
            postings[tid as usize].push((dn as u32, format::quantize_impact(pseudo)));
        }
    }
    // Display form only when the surface form differs from the stem *and* the stem itself
    // never occurred as a token (e.g. "diabet" -> "diabetes").
    let mut order: Vec<u32> = (0..terms.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| terms[a as usize].cmp(&terms[b as usize]));

    let mut chunks: Vec<(ChunkId, Vec<u8>)> = Vec::new();
    let mut push = |bytes: Vec<u8>| -> ChunkRef {
        let id = ChunkId::of(&bytes);
        let r = ChunkRef { id, len: bytes.len() as u32 };
        chunks.push((id, bytes));
        r
    };

    // lexicon
    let lex_entries: Vec<(&str, u32, &str)> = order
        .iter()
        .map(|&t| (terms[t as usize].as_str(), postings[t as usize].len() as u32, display[t as usize].as_str()))
        .collect();
    let lexicon = push(format::encode_lexicon(&lex_entries));
    let term_filter =
        push(format::encode_term_filter(&format::TermFilter::build(terms.iter().map(String::as_str))));

    // postings chunks
    let mut encoded: Vec<u8> = Vec::new();
    let mut postings_refs = Vec::new();
    let mut batch: Vec<(usize, usize, u32)> = Vec::new(); // (start, end, term index)
    let target = cfg.postings_chunk_bytes as usize;
    let flush = |batch: &mut Vec<(usize, usize, u32)>,
                     encoded: &mut Vec<u8>,
                     refs: &mut Vec<PostingsRef>,
                     push: &mut dyn FnMut(Vec<u8>) -> ChunkRef| {
        if batch.is_empty() {
            return;
        }
        let items: Vec<(&str, u32, &[u8])> = batch
            .iter()
            .map(|&(s, e, t)| (terms[t as usize].as_str(), postings[t as usize].len() as u32, &encoded[s..e]))
            .collect();
        let first_term = items[0].0.to_string();
        let r = push(format::encode_postings(&items));
        refs.push(PostingsRef { first_term, chunk: r });
        batch.clear();
        encoded.clear();
    };
    for &t in &order {
        let s = encoded.len();
        format::encode_posting_list(&postings[t as usize], &mut encoded);
        batch.push((s, encoded.len(), t));
        if encoded.len() + batch.len() * 6 >= target {
            flush(&mut batch, &mut encoded, &mut postings_refs, &mut push);
        }
    }
    flush(&mut batch, &mut encoded, &mut postings_refs, &mut push);

    // doc pages
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let dates: Vec<u32> = docs.iter().map(|d| d.date).collect();
    let doc_pages: Vec<ChunkRef> = format::encode_doc_pages(&ids, &dates).into_iter().map(&mut push).collect();

    // facets
    let mut facet_lists: format::FacetLists = Vec::with_capacity(NUM_FACETS);
    for field in FacetField::ALL {
        let mut m: HashMap<&str, Vec<u32>> = HashMap::new();
        for (dn, d) in docs.iter().enumerate() {
            for v in d.facet_values(field) {
                let e = m.entry(v).or_default();
                if e.last() != Some(&(dn as u32)) {
                    e.push(dn as u32);
                }
            }
        }
        let mut values: Vec<(String, Vec<u32>)> = m.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        values.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        facet_lists.push(values);
    }
    let facets = push(format::encode_facets(&facet_lists, &dates));

    // store chunks
    let mut store = Vec::new();
    let mut start = 0usize;
    let mut size = 0usize;
    for (i, d) in docs.iter().enumerate() {
        size += d.title.len() + d.summary.len() + d.body.len() + d.references.len() + d.id.len() + 64;
        if size >= cfg.store_chunk_bytes as usize || i + 1 == n {
            let r = push(format::encode_store(start as u32, &docs[start..=i]));
            store.push(StoreRef { first_doc: start as u32, chunk: r });
            start = i + 1;
            size = 0;
        }
    }

    let seg = SegmentMeta {
        id,
        doc_count: n as u32,
        field_len_sum,
        avg_len: avg,
        lexicon,
        term_filter,
        postings: postings_refs,
        doc_pages,
        facets,
        store: format::StoreDir::from_refs(&store),
        deleted: Vec::new(),
    };
    (seg, chunks)
}

/// The merge's view of the chunks: the commit's not yet stored new segment first.
struct Overlay<'a, I> {
    io: &'a I,
    fresh: &'a [(ChunkId, Vec<u8>)],
}

impl<I: MergeIo> MergeIo for Overlay<'_, I> {
    type Error = I::Error;
    async fn get(&self, id: ChunkId) -> Result<Vec<u8>, I::Error> {
        match self.fresh.iter().find(|(i, _)| *i == id) {
            Some((_, b)) => Ok(b.clone()),
            None => self.io.get(id).await,
        }
    }
    async fn put(&self, id: ChunkId, bytes: Vec<u8>) -> Result<(), I::Error> {
        self.io.put(id, bytes).await
    }
}
