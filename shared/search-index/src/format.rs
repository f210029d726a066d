//! THE index format: every byte the engine reads or writes is defined here, encode and decode
//! side by side. Bump [`FORMAT_VERSION`] on any incompatible change.
//!
//! # Chunk frame (all chunks, including meta)
//! ```text
//! "MPSI" | version u16 LE | kind u8 | flags u8 (0) | payload_len u32 LE | payload | xxh64(frame-before-this, seed 0) u64 LE
//! ```
//! A chunk's id ([`ChunkId`]) is `xxh64(whole frame, seed 0x4D50_5349)`: chunks are
//! content-addressed, so an unchanged chunk keeps its id across commits and hosts can cache
//! them forever. Decoding verifies magic, version, kind, length and checksum; loading through
//! the cache additionally verifies the id.
//!
//! # Chunk kinds (payloads; `var` = LEB128 varint, `str` = var length + UTF-8)
//! * **Meta** — generation var, [`IndexConfig`], segment count var, then per segment:
//!   id var, doc_count var, field_len_sum var×F, avg_len f32×F, lexicon ref, term filter ref,
//!   postings dir
//!   (count var, then per chunk: first term str, ref), doc pages (count var, then a ref per
//!   page: page k holds documents `k·DOC_PAGE ..`; versions 2–3 had one doc table ref here),
//!   facets ref, store dir (count var, then per store chunk `first_doc u32, byte_len u32,
//!   id u64` LE: a [`StoreDir`] table used in place; before version 6 `first_doc var` + ref),
//!   tombstones (count var, delta-coded docnums var).
//!   A ref is `id u64 LE, byte_len var`.
//! * **Postings** — a contiguous term range of one segment. `n var`, then per term
//!   (sorted): shared-prefix var, suffix str, df var, list byte length var; then the lists.
//!   A posting list has one of two layouts, whichever is smaller (see [`encode_posting_list`]):
//!   *packed* — `df / 128` bit-packed blocks (gap width u8, 128 gaps at that width, 128 4-bit
//!   impacts) followed by `df % 128` varints `(docnum gap << 4) | impact`; or *dense* (terms in
//!   more than about one document in six, ≥ 128 postings) — [`DENSE_MARKER`], bitmap length
//!   var, a docnum bitmap, then the 4-bit impacts in docnum order. Impacts are 4-bit
//!   log-quantised ([`quantize_impact`]) BM25F pseudo term frequencies precomputed at index
//!   time (field weights and length normalisation applied), so no positions or per-field tfs
//!   are stored. Version 2 added the dense layout; version 3 made the doc table and facets
//!   fixed-width tables used in place (no decoding on open); version 4 split the doc table
//!   into pages of 1,024 documents (a query reads the pages of the documents it
//!   shows, not the ids and dates of the whole segment) and moved the publication years
//!   into the facets chunk; version 5 made the pages [`DOC_PAGE`] (256) documents, so the ten
//!   hits of a results page read a quarter of the bytes (and hash them: every chunk's content
//!   id is checked when loaded). Loaded postings are used in
//!   place too: only the term directory is read, the lists stay in the stored frame and a
//!   term's block table is built when the term is first read.
//! * **Lexicon** — all terms of a segment for typo tolerance, "did you mean" and
//!   autocomplete: `n var`, per term shared-prefix var, suffix str, df var, display var
//!   (0 = same as term, else 1+shared prefix with the term followed by suffix str): the most
//!   common surface form of a stemmed term, for suggestions.
//! * **DocPage** — [`DOC_PAGE`] consecutive documents of a segment (the last page fewer), used
//!   in place: `n u32`, dates u32×n (yyyymmdd, 0 = unknown), id offsets u32×(n+1), id bytes.
//! * **Facets** — used in place: a value directory of every [`crate::FacetField`] in order,
//!   then the publication years (newest first) as one more field.
//!   A *value directory* ([`Dir`]): `n_docs u32, fields u32, field_start u32×(fields+1)`,
//!   entries of u32×5 (name offset, name length, doc count, kind, data offset), names, then per
//!   value its sorted docnums u32×count or, when that is larger (more than one document in
//!   32), a bitmap of `ceil(n_docs/64)` u64 words; or, for a field where no document has two
//!   values and it is smaller, one column for the field: each document's value number as
//!   `log2(values + 1)` bit planes (version 6; at 100,000 synthetic documents the facets
//!   chunk went from 777 KB to 427 KB, and every fresh Spin instance reads it).
//! * **TermFilter** — Bloom filter over a segment's terms: `k u8, m_bits var, bytes`
//!   (10 bits/term, k = 7, ~1% false positives), probed in place. Lets the engine skip
//!   postings-chunk loads for terms a segment does not have (typos, synonym alternatives
//!   absent from the corpus).
//! * **Store** — stored documents (full source of truth for snippets and for segment
//!   merges): first_doc var, n var, per doc the [`Document`] fields.
//!   Loaded in place: where each document starts is found by skipping lengths; a document
//!   is decoded when it is read.

use std::cell::OnceCell;

use crate::codec::{Reader, Writer, xxh64};
use crate::document::{Audience, Document, NUM_FACETS};
pub use crate::error::ChunkId;
use crate::error::Error;

pub const MAGIC: [u8; 4] = *b"MPSI";
pub const FORMAT_VERSION: u16 = 6;
/// Documents per doc page (see the chunk kinds above).
pub const DOC_PAGE: usize = 256;
/// Documents per doc page of version 4 (its metas still decode; its pages are refused).
const DOC_PAGE_V4: usize = 1024;
const HEADER_LEN: usize = 12;
const ID_SEED: u64 = 0x4D50_5349;

/// Number of BM25F fields.
pub const NUM_FIELDS: usize = 5;

/// Indexed text fields (BM25F).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title = 0,
    Summary = 1,
    Body = 2,
    References = 3,
    Taxonomy = 4,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ChunkKind {
    Meta = 1,
    Postings = 2,
    Lexicon = 3,
    DocPage = 4,
    Facets = 5,
    Store = 6,
    TermFilter = 7,
}

impl ChunkKind {
    fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            1 => Self::Meta,
            2 => Self::Postings,
            3 => Self::Lexicon,
            4 => Self::DocPage,
            5 => Self::Facets,
            6 => Self::Store,
            7 => Self::TermFilter,
            _ => return None,
        })
    }
}

impl ChunkId {
    pub fn of(frame: &[u8]) -> Self {
        ChunkId(xxh64(frame, ID_SEED))
    }
}

/// Wrap a payload in a checksummed frame.
pub fn frame(kind: ChunkKind, payload: &[u8]) -> Vec<u8> {
    frame_as(kind, payload, FORMAT_VERSION)
}

/// A frame labelled with format `version` (the current one, or an older one in tests).
fn frame_as(kind: ChunkKind, payload: &[u8], version: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + HEADER_LEN + 8);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&version.to_le_bytes());
    out.push(kind as u8);
    out.push(0);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
    let sum = xxh64(&out, 0);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// Whether a chunk of `kind` written by format `ver` can be read: versions 3, 4 and 5 changed
/// only the doc table and facets layouts (and the meta's doc table refs), so an index written
/// by version 2, 3 or 4 keeps its meta, documents and postings readable: searching it fails with
/// [`Error::UnsupportedVersion`], and a rebuild reads its documents and writes it anew.
/// Version 6 added a facets layout (the column) and wrote the meta's store directory as a
/// table; a version 5 chunk of any kind is read as it is (its meta's store directory decoded
/// into the table), so an index of version 5 needs no rebuild.
fn readable(ver: u16, kind: ChunkKind) -> bool {
    (5..=FORMAT_VERSION).contains(&ver) || ((2..5).contains(&ver) && !matches!(kind, ChunkKind::DocPage | ChunkKind::Facets))
}

/// Validate a frame and return its payload.
pub fn unframe(bytes: &[u8], kind: ChunkKind) -> Result<&[u8], Error> {
    if bytes.len() < HEADER_LEN + 8 || bytes[0..4] != MAGIC {
        return Err(Error::BadMagic);
    }
    let ver = u16::from_le_bytes([bytes[4], bytes[5]]);
    let k = ChunkKind::from_u8(bytes[6]).ok_or(Error::Corrupt("unknown chunk kind"))?;
    if !readable(ver, k) {
        return Err(Error::UnsupportedVersion(ver));
    }
    if k != kind {
        return Err(Error::WrongKind);
    }
    let len = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
    if bytes.len() != HEADER_LEN + len + 8 {
        return Err(Error::Corrupt("frame length"));
    }
    let body_end = HEADER_LEN + len;
    let sum = u64::from_le_bytes(bytes[body_end..].try_into().unwrap());
    if xxh64(&bytes[..body_end], 0) != sum {
        return Err(Error::Checksum);
    }
    Ok(&bytes[HEADER_LEN..body_end])
}

/// Read only the kind of a frame (no validation beyond the header).
pub fn peek_kind(bytes: &[u8]) -> Option<ChunkKind> {
    if bytes.len() < HEADER_LEN || bytes[0..4] != MAGIC {
        return None;
    }
    ChunkKind::from_u8(bytes[6])
}

// ---------------------------------------------------------------------------------------------
// Impacts

/// Bits per quantised impact. A posting is one varint `(docnum gap << IMPACT_BITS) | impact`,
/// so a posting with a gap below 8 takes a single byte.
pub const IMPACT_BITS: u32 = 4;
const IMPACT_MAX: u32 = (1 << IMPACT_BITS) - 1;
/// Largest representable BM25F pseudo frequency (saturation makes larger values irrelevant).
const IMPACT_TF_MAX: f32 = 40.0;

#[inline]
fn impact_scale() -> f32 {
    IMPACT_MAX as f32 / (1.0 + IMPACT_TF_MAX).ln()
}

/// Quantise a BM25F pseudo term frequency (> 0) to `1..=15`, logarithmically
/// (`q = round(ln(1+tf) · 15/ln 41)`, ≈ 28% steps in `1+tf`; after BM25 saturation the score
/// error is a few percent).
#[inline]
pub fn quantize_impact(tf: f32) -> u8 {
    let q = ((1.0 + tf).ln() * impact_scale()).round();
    q.clamp(1.0, IMPACT_MAX as f32) as u8
}

/// Inverse of [`quantize_impact`] (bucket centre).
#[inline]
pub fn dequantize_impact(q: u8) -> f32 {
    (q as f32 / impact_scale()).exp() - 1.0
}

// ---------------------------------------------------------------------------------------------
// Config + meta

/// Index-time ranking configuration (stored in meta so every segment is built alike).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexConfig {
    /// BM25F field weights, indexed by [`Field`].
    pub field_weights: [f32; NUM_FIELDS],
    /// BM25F per-field length normalisation `b`.
    pub field_b: [f32; NUM_FIELDS],
    /// Target size of a postings chunk in bytes.
    pub postings_chunk_bytes: u32,
    /// Target size of a stored-document chunk in bytes.
    pub store_chunk_bytes: u32,
}

impl Default for IndexConfig {
    fn default() -> Self {
        Self {
            field_weights: [2.0, 1.5, 1.0, 0.5, 1.0],
            field_b: [0.6, 0.75, 0.75, 0.75, 0.3],
            postings_chunk_bytes: 48 * 1024,
            store_chunk_bytes: 16 * 1024,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChunkRef {
    pub id: ChunkId,
    pub len: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PostingsRef {
    /// First term in the chunk (terms are sorted; a term lives in the last chunk whose
    /// first term is <= it).
    pub first_term: String,
    pub chunk: ChunkRef,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoreRef {
    pub first_doc: u32,
    pub chunk: ChunkRef,
}

/// A segment's store directory: the stored-document chunks in document order, each with
/// the first segment-local docnum it holds. Used in place: a table of fixed-width entries
/// (`first_doc u32, byte_len u32, id u64`, little-endian) found by binary search, so opening
/// a meta costs no work per store chunk (a meta of 100,000 documents names thousands).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoreDir {
    table: Vec<u8>,
}

/// Bytes per store directory entry.
const STORE_ENTRY: usize = 16;

impl StoreDir {
    pub fn from_refs(refs: &[StoreRef]) -> StoreDir {
        let mut table = Vec::with_capacity(refs.len() * STORE_ENTRY);
        for r in refs {
            table.extend_from_slice(&r.first_doc.to_le_bytes());
            table.extend_from_slice(&r.chunk.len.to_le_bytes());
            table.extend_from_slice(&r.chunk.id.0.to_le_bytes());
        }
        StoreDir { table }
    }
    pub fn len(&self) -> usize {
        self.table.len() / STORE_ENTRY
    }
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
    #[inline]
    fn first_doc(&self, i: usize) -> u32 {
        le32(&self.table, i * STORE_ENTRY)
    }
    /// Entry i (`None` past the end).
    pub fn get(&self, i: usize) -> Option<StoreRef> {
        let at = i.checked_mul(STORE_ENTRY).filter(|&a| a + STORE_ENTRY <= self.table.len())?;
        let chunk = ChunkRef { id: ChunkId(le64(&self.table, at + 8)), len: le32(&self.table, at + 4) };
        Some(StoreRef { first_doc: le32(&self.table, at), chunk })
    }
    pub fn iter(&self) -> impl Iterator<Item = StoreRef> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
    /// The chunk holding segment-local document `local`: the last entry whose first document
    /// is at or before it (`None` before the first). A corrupt table gives a wrong chunk,
    /// which the reader refuses by its own first document and count, never a panic.
    pub fn chunk_of(&self, local: u32) -> Option<StoreRef> {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.first_doc(mid) <= local { lo = mid + 1 } else { hi = mid }
        }
        lo.checked_sub(1).and_then(|i| self.get(i))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SegmentMeta {
    pub id: u32,
    pub doc_count: u32,
    /// Sum of analysed field lengths over the segment's documents.
    pub field_len_sum: [u64; NUM_FIELDS],
    /// Average field lengths used when computing this segment's impacts.
    pub avg_len: [f32; NUM_FIELDS],
    pub lexicon: ChunkRef,
    pub term_filter: ChunkRef,
    pub postings: Vec<PostingsRef>,
    /// Doc pages: page k holds the ids and dates of documents `k·DOC_PAGE ..` (an index of
    /// format 2–3 has one ref here, to its unreadable doc table).
    pub doc_pages: Vec<ChunkRef>,
    pub facets: ChunkRef,
    pub store: StoreDir,
    /// Tombstoned (withdrawn or replaced) segment-local document numbers, sorted.
    pub deleted: Vec<u32>,
}

impl SegmentMeta {
    /// Every chunk referenced by this segment.
    pub fn chunk_refs(&self) -> impl Iterator<Item = ChunkRef> + '_ {
        [&self.lexicon, &self.term_filter]
            .into_iter()
            .chain(self.postings.iter().map(|p| &p.chunk))
            .chain(self.doc_pages.iter())
            .chain([&self.facets])
            .cloned()
            .chain(self.store.iter().map(|s| s.chunk))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// Incremented on every commit.
    pub generation: u64,
    pub config: IndexConfig,
    pub segments: Vec<SegmentMeta>,
    pub next_segment_id: u32,
}

impl Meta {
    pub fn empty(config: IndexConfig) -> Self {
        Self { generation: 0, config, segments: Vec::new(), next_segment_id: 0 }
    }
    pub fn doc_count(&self) -> u64 {
        self.segments.iter().map(|s| s.doc_count as u64).sum()
    }
    pub fn live_doc_count(&self) -> u64 {
        self.segments.iter().map(|s| (s.doc_count as usize - s.deleted.len()) as u64).sum()
    }
    /// Average field lengths over all segments (used for new segments' impacts).
    pub fn global_avg_len(&self) -> Option<[f32; NUM_FIELDS]> {
        let n = self.doc_count();
        if n == 0 {
            return None;
        }
        let mut avg = [0f32; NUM_FIELDS];
        for (f, a) in avg.iter_mut().enumerate() {
            let s: u64 = self.segments.iter().map(|s| s.field_len_sum[f]).sum();
            *a = (s as f64 / n as f64) as f32;
        }
        Some(avg)
    }
}

fn put_ref(w: &mut Writer, r: &ChunkRef) {
    w.u64(r.id.0);
    w.var(r.len as u64);
}
fn get_ref(r: &mut Reader<'_>) -> Result<ChunkRef, Error> {
    Ok(ChunkRef { id: ChunkId(r.u64()?), len: r.var32()? })
}

/// A ref at `*pos` (the meta's long lists are read with these: no `Result` per field).
#[inline(always)]
fn ref_at(b: &[u8], pos: &mut usize) -> Option<ChunkRef> {
    let id = u64::from_le_bytes(b.get(*pos..*pos + 8)?.try_into().ok()?);
    *pos += 8;
    let len = u32::try_from(crate::codec::get_varint(b, pos)?).ok()?;
    Some(ChunkRef { id: ChunkId(id), len })
}

/// `n` refs (doc pages) at the reader's position.
fn refs(r: &mut Reader<'_>, n: usize) -> Result<Vec<ChunkRef>, Error> {
    let mut out = Vec::with_capacity(n.min(r.buf.len() / 9));
    for _ in 0..n {
        out.push(ref_at(r.buf, &mut r.pos).ok_or(Error::Corrupt("meta ref"))?);
    }
    Ok(out)
}

/// `n` store refs (`first_doc var, ref`) at the reader's position.
fn store_refs(r: &mut Reader<'_>, n: usize) -> Result<Vec<StoreRef>, Error> {
    let mut out = Vec::with_capacity(n.min(r.buf.len() / 10));
    let (b, pos) = (r.buf, &mut r.pos);
    for _ in 0..n {
        let first_doc = crate::codec::get_varint(b, pos).and_then(|v| u32::try_from(v).ok());
        let (Some(first_doc), Some(chunk)) = (first_doc, ref_at(b, pos)) else { return Err(Error::Corrupt("store ref")) };
        out.push(StoreRef { first_doc, chunk });
    }
    Ok(out)
}

pub fn encode_meta(m: &Meta) -> Vec<u8> {
    encode_meta_as(m, FORMAT_VERSION)
}

/// A meta as format `version` writes it (before 6: the store directory as varints).
fn encode_meta_as(m: &Meta, version: u16) -> Vec<u8> {
    let mut w = Writer::new();
    w.var(m.generation);
    for v in m.config.field_weights {
        w.f32(v);
    }
    for v in m.config.field_b {
        w.f32(v);
    }
    w.var(m.config.postings_chunk_bytes as u64);
    w.var(m.config.store_chunk_bytes as u64);
    w.var(m.next_segment_id as u64);
    w.var(m.segments.len() as u64);
    for s in &m.segments {
        w.var(s.id as u64);
        w.var(s.doc_count as u64);
        for v in s.field_len_sum {
            w.var(v);
        }
        for v in s.avg_len {
            w.f32(v);
        }
        put_ref(&mut w, &s.lexicon);
        put_ref(&mut w, &s.term_filter);
        w.var(s.postings.len() as u64);
        for p in &s.postings {
            w.str(&p.first_term);
            put_ref(&mut w, &p.chunk);
        }
        w.var(s.doc_pages.len() as u64);
        for p in &s.doc_pages {
            put_ref(&mut w, p);
        }
        put_ref(&mut w, &s.facets);
        w.var(s.store.len() as u64);
        if version >= 6 {
            w.raw(&s.store.table);
        } else {
            for p in s.store.iter() {
                w.var(p.first_doc as u64);
                put_ref(&mut w, &p.chunk);
            }
        }
        w.var(s.deleted.len() as u64);
        let mut prev = 0u32;
        for &d in &s.deleted {
            w.var((d - prev) as u64);
            prev = d;
        }
    }
    frame_as(ChunkKind::Meta, &w.buf, version)
}

pub fn decode_meta(bytes: &[u8]) -> Result<Meta, Error> {
    let mut r = Reader::new(unframe(bytes, ChunkKind::Meta)?);
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    let paged = version >= 4;
    // version 6 stores the store directory as its in-place table, earlier ones as varints
    let in_place_store = version >= 6;
    let generation = r.var()?;
    let mut config = IndexConfig::default();
    for v in config.field_weights.iter_mut() {
        *v = r.f32()?;
    }
    for v in config.field_b.iter_mut() {
        *v = r.f32()?;
    }
    config.postings_chunk_bytes = r.var32()?;
    config.store_chunk_bytes = r.var32()?;
    let next_segment_id = r.var32()?;
    let nseg = r.var()? as usize;
    let mut segments = Vec::with_capacity(nseg.min(1024));
    for _ in 0..nseg {
        let id = r.var32()?;
        let doc_count = r.var32()?;
        let mut field_len_sum = [0u64; NUM_FIELDS];
        for v in field_len_sum.iter_mut() {
            *v = r.var()?;
        }
        let mut avg_len = [0f32; NUM_FIELDS];
        for v in avg_len.iter_mut() {
            *v = r.f32()?;
        }
        let lexicon = get_ref(&mut r)?;
        let term_filter = get_ref(&mut r)?;
        let np = r.var()? as usize;
        let mut postings = Vec::with_capacity(np.min(1 << 16));
        for _ in 0..np {
            let first_term = r.str()?.to_string();
            postings.push(PostingsRef { first_term, chunk: get_ref(&mut r)? });
        }
        let doc_pages = if paged {
            let n = r.var()? as usize;
            // a segment written by version 4 (its pages of DOC_PAGE_V4 documents refused when
            // read, see `readable`) may sit in a later meta until a rebuild replaces it
            let dc = doc_count as usize;
            if n != dc.div_ceil(DOC_PAGE) && n != dc.div_ceil(DOC_PAGE_V4) {
                return Err(Error::Corrupt("doc page count"));
            }
            refs(&mut r, n)?
        } else {
            vec![get_ref(&mut r)?]
        };
        let facets = get_ref(&mut r)?;
        let ns = r.var()? as usize;
        let store = match in_place_store {
            true => StoreDir { table: r.raw(ns.checked_mul(STORE_ENTRY).ok_or(Error::Corrupt("store directory"))?)?.to_vec() },
            false => StoreDir::from_refs(&store_refs(&mut r, ns)?),
        };
        let nd = r.var()? as usize;
        if nd > doc_count as usize {
            return Err(Error::Corrupt("tombstones"));
        }
        let mut deleted = Vec::with_capacity(nd);
        let mut prev = 0u32;
        for i in 0..nd {
            let g = r.var32()?;
            if i > 0 && g == 0 {
                return Err(Error::Corrupt("tombstones not increasing"));
            }
            prev = prev.checked_add(g).ok_or(Error::Corrupt("tombstone"))?;
            if prev >= doc_count {
                return Err(Error::Corrupt("tombstone out of range"));
            }
            deleted.push(prev);
        }
        segments.push(SegmentMeta {
            id,
            doc_count,
            field_len_sum,
            avg_len,
            lexicon,
            term_filter,
            postings,
            doc_pages,
            facets,
            store,
            deleted,
        });
    }
    if !r.done() {
        return Err(Error::Corrupt("trailing bytes in meta"));
    }
    Ok(Meta { generation, config, segments, next_segment_id })
}

// ---------------------------------------------------------------------------------------------
// Postings

/// Postings per bit-packed block.
pub const BLOCK: usize = 128;

#[inline]
fn bits_needed(v: u32) -> u8 {
    (32 - v.leading_zeros()) as u8
}

/// First byte of a dense (bitmap) posting list. A bit-packed list of ≥ 128 postings starts
/// with a width byte ≤ 32, so the two layouts cannot be confused.
pub const DENSE_MARKER: u8 = 0xFF;

/// Encode one posting list (docnums strictly increasing, impacts from [`quantize_impact`]) in
/// whichever of the two layouts is smaller:
///
/// * **packed**: `df / 128` full blocks, each `width u8` + 128 docnum gaps bit-packed at
///   `width` bits (LSB first) + 128 impacts packed 4 bits each (low nibble first); then the
///   remaining `df % 128` postings as varints `(gap << 4) | impact`. The first gap of the list
///   is the docnum itself.
/// * **dense** (only for ≥ 128 postings; wins when more than about one document in six has the
///   term): [`DENSE_MARKER`], bitmap length var, a bitmap of docnums `0..=last` (LSB first),
///   then the impacts in docnum order, 4 bits each (low nibble first). Dense lists are also
///   the fast ones: membership and impact of a document are a bit test and a rank, and a
///   match set is a word-wise OR.
pub fn encode_posting_list(postings: &[(u32, u8)], out: &mut Vec<u8>) {
    let start = out.len();
    encode_packed(postings, out);
    if postings.len() >= BLOCK {
        let last = postings[postings.len() - 1].0 as usize;
        let bitmap = (last + 1).div_ceil(8);
        let dense = 1 + crate::codec::varint_len(bitmap as u64) + bitmap + postings.len().div_ceil(2);
        if dense < out.len() - start {
            out.truncate(start);
            out.push(DENSE_MARKER);
            crate::codec::put_varint(out, bitmap as u64);
            let b = out.len();
            out.resize(b + bitmap, 0);
            for &(d, _) in postings {
                out[b + d as usize / 8] |= 1 << (d % 8);
            }
            for pair in postings.chunks(2) {
                out.push((pair[0].1 & 15) | (pair.get(1).map_or(0, |p| p.1 & 15) << 4));
            }
        }
    }
}

fn encode_packed(postings: &[(u32, u8)], out: &mut Vec<u8>) {
    let mut prev: u32 = 0;
    let mut first = true;
    let full = postings.len() / BLOCK;
    let mut gaps = [0u32; BLOCK];
    for b in 0..full {
        let blk = &postings[b * BLOCK..(b + 1) * BLOCK];
        let mut maxg = 0u32;
        for (i, &(d, _)) in blk.iter().enumerate() {
            gaps[i] = if first { d } else { d - prev };
            first = false;
            prev = d;
            maxg = maxg.max(gaps[i]);
        }
        let w = bits_needed(maxg);
        out.push(w);
        let mut acc: u64 = 0;
        let mut nbits = 0u32;
        for &g in &gaps {
            acc |= (g as u64) << nbits;
            nbits += w as u32;
            while nbits >= 8 {
                out.push(acc as u8);
                acc >>= 8;
                nbits -= 8;
            }
        }
        if nbits > 0 {
            out.push(acc as u8);
        }
        for pair in blk.chunks(2) {
            out.push((pair[0].1 & 15) | ((pair[1].1 & 15) << 4));
        }
    }
    for &(d, imp) in &postings[full * BLOCK..] {
        let gap = if first { d } else { d - prev };
        first = false;
        crate::codec::put_varint(out, ((gap as u64) << IMPACT_BITS) | (imp as u64 & IMPACT_MAX as u64));
        prev = d;
    }
}

/// Iterator over an encoded posting list in the packed layout (see [`encode_posting_list`]):
/// yields `(docnum, impact)`. Bounds-checked: a corrupt list ends early instead of panicking.
/// [`PostingsChunk::iter`] reads either layout.
pub struct PostingIter<'a> {
    data: &'a [u8],
    pos: usize,
    doc: u32,
    first: bool,
    blocks_left: usize,
    tail_left: usize,
    buf_i: usize,
    buf_n: usize,
    docs: [u32; BLOCK],
    imps: [u8; BLOCK],
    /// Reading a decoded chunk's list block by block (either layout): `(chunk, term)`.
    chunk: Option<(&'a PostingsChunk, usize)>,
    next_block: usize,
}

impl<'a> PostingIter<'a> {
    pub fn new(data: &'a [u8], df: u32) -> Self {
        let df = df as usize;
        Self {
            data,
            pos: 0,
            doc: 0,
            first: true,
            blocks_left: df / BLOCK,
            tail_left: df % BLOCK,
            buf_i: 0,
            buf_n: 0,
            docs: [0; BLOCK],
            imps: [0; BLOCK],
            chunk: None,
            next_block: 0,
        }
    }

    /// The next posting without consuming it.
    pub fn peek(&mut self) -> Option<(u32, u8)> {
        if self.buf_i >= self.buf_n {
            if let Some((c, t)) = self.chunk {
                if self.next_block >= c.block_count(t) {
                    return None;
                }
                self.buf_n = c.decode_block(t, self.next_block, &mut self.docs, Some(&mut self.imps));
                self.buf_i = 0;
                self.next_block += 1;
                if self.buf_n == 0 {
                    return None;
                }
            } else if self.blocks_left > 0 {
                self.fill()?;
            } else if self.tail_left > 0 {
                // decode one tail posting into the buffer
                let (d, imp) = self.next_tail()?;
                self.docs[0] = d;
                self.imps[0] = imp;
                self.buf_i = 0;
                self.buf_n = 1;
            } else {
                return None;
            }
        }
        Some((self.docs[self.buf_i], self.imps[self.buf_i]))
    }

    #[inline]
    fn next_tail(&mut self) -> Option<(u32, u8)> {
        if self.tail_left == 0 {
            return None;
        }
        self.tail_left -= 1;
        let b = *self.data.get(self.pos)?;
        let v = if b < 0x80 {
            self.pos += 1;
            b as u64
        } else {
            crate::codec::get_varint(self.data, &mut self.pos)?
        };
        let gap = (v >> IMPACT_BITS) as u32;
        self.doc = if self.first { gap } else { self.doc.wrapping_add(gap) };
        self.first = false;
        Some((self.doc, (v & IMPACT_MAX as u64) as u8))
    }

    #[cold]
    fn fill(&mut self) -> Option<()> {
        let w = *self.data.get(self.pos)? as usize;
        if w > 32 {
            return None;
        }
        let gap_bytes = (BLOCK * w).div_ceil(8);
        let start = self.pos + 1;
        let gbytes = self.data.get(start..start + gap_bytes)?;
        let ibytes = self.data.get(start + gap_bytes..start + gap_bytes + BLOCK / 2)?;
        self.pos = start + gap_bytes + BLOCK / 2;
        let mask: u64 = if w == 0 { 0 } else { (1u64 << w) - 1 };
        let mut bitpos = 0usize;
        let mut doc = self.doc;
        for i in 0..BLOCK {
            let byte = bitpos >> 3;
            let mut word = [0u8; 8];
            let avail = gbytes.len().saturating_sub(byte).min(8);
            word[..avail].copy_from_slice(&gbytes[byte..byte + avail]);
            let g = ((u64::from_le_bytes(word) >> (bitpos & 7)) & mask) as u32;
            bitpos += w;
            doc = if self.first { g } else { doc.wrapping_add(g) };
            self.first = false;
            self.docs[i] = doc;
        }
        for (i, &b) in ibytes.iter().enumerate() {
            self.imps[2 * i] = b & 15;
            self.imps[2 * i + 1] = b >> 4;
        }
        self.doc = doc;
        self.buf_i = 0;
        self.buf_n = BLOCK;
        self.blocks_left -= 1;
        Some(())
    }
}

impl Iterator for PostingIter<'_> {
    type Item = (u32, u8);
    #[inline]
    fn next(&mut self) -> Option<(u32, u8)> {
        if self.buf_i < self.buf_n {
            let i = self.buf_i;
            self.buf_i += 1;
            return Some((self.docs[i], self.imps[i]));
        }
        if let Some((c, t)) = self.chunk {
            if self.next_block >= c.block_count(t) {
                return None;
            }
            self.buf_n = c.decode_block(t, self.next_block, &mut self.docs, Some(&mut self.imps));
            self.next_block += 1;
            self.buf_i = 1;
            return (self.buf_n > 0).then(|| (self.docs[0], self.imps[0]));
        }
        if self.blocks_left > 0 {
            self.fill()?;
            self.buf_i = 1;
            return Some((self.docs[0], self.imps[0]));
        }
        self.next_tail()
    }
}

/// A postings chunk used in place: the verified frame is kept as stored (the posting lists
/// are read from it, never copied), only the term directory is read on load (`O(terms)`), and
/// each term's block table (skips, largest impact, dense bitmap words) is built the first time
/// that term is read — a query pays for its own terms, not for the whole chunk.
#[derive(Debug)]
pub struct PostingsChunk {
    /// The frame as stored; the posting lists start at `lists_at`.
    frame: Vec<u8>,
    lists_at: usize,
    /// All term bytes, concatenated.
    terms: Vec<u8>,
    /// `terms[term_off[i]..term_off[i+1]]` is term i.
    term_off: Vec<u32>,
    df: Vec<u32>,
    /// `frame[lists_at + list_off[i]..lists_at + list_off[i+1]]` is term i's posting list.
    list_off: Vec<u32>,
    /// Per term, built on first use (one pointer per term until then).
    blocks: Vec<OnceCell<Box<TermBlocks>>>,
}

/// One term's block table (see [`BlockSkip`]): packed lists have one entry per 128 postings
/// (the varint tail is one more), dense lists one per non-empty range of 128 docnums, with the
/// bitmap as 64-bit words and the rank of each word's first bit. A list that fails its layout
/// checks has no blocks (reads as empty; its bytes were verified against the chunk id, so this
/// only happens with a faulty writer).
#[derive(Debug, Default)]
struct TermBlocks {
    skips: Vec<BlockSkip>,
    max_imp: u8,
    dense: bool,
    words: Vec<u64>,
    ranks: Vec<u32>,
    /// Dense lists: byte offset of the impact nibbles within the list.
    imps: u32,
}

/// Random access into a dense list: membership is a bit test, the impact a rank.
#[derive(Debug, Clone, Copy)]
pub struct DenseView<'a> {
    /// Bit `d % 64` of word `d / 64` is set when segment-local docnum `d` has the term.
    pub words: &'a [u64],
    /// Number of postings before each word.
    pub ranks: &'a [u32],
    /// Impacts in docnum order, 4 bits each (low nibble first).
    pub imps: &'a [u8],
}

impl DenseView<'_> {
    /// Impact of segment-local docnum `d`; 0 when absent.
    #[inline(always)]
    pub fn impact(&self, d: u32) -> u8 {
        let wi = (d >> 6) as usize;
        if wi >= self.words.len() || wi >= self.ranks.len() {
            return 0;
        }
        let w = self.words[wi];
        if (w >> (d & 63)) & 1 == 0 {
            return 0;
        }
        let rank = self.ranks[wi] as usize + (w & ((1u64 << (d & 63)) - 1)).count_ones() as usize;
        nibble(self.imps, 0, rank)
    }
}

/// Where a block of a posting list starts and which documents/impacts it holds.
#[derive(Debug, Clone, Copy)]
pub struct BlockSkip {
    /// Packed lists: byte offset of the block within the list. Dense lists: rank (index in
    /// docnum order) of the block's first posting.
    pub pos: u32,
    /// Packed lists: docnum before the block's first posting (the previous block's last; 0 for
    /// the first). Dense lists: the block's first possible docnum minus 1 (0 for docnum 0).
    pub base: u32,
    /// Last docnum in the block.
    pub last: u32,
    /// Largest impact in the block.
    pub max_imp: u8,
}

impl PostingsChunk {
    pub fn len(&self) -> usize {
        self.df.len()
    }
    pub fn is_empty(&self) -> bool {
        self.df.is_empty()
    }
    pub fn term(&self, i: usize) -> &str {
        // validated UTF-8 at load
        unsafe {
            std::str::from_utf8_unchecked(
                &self.terms[self.term_off[i] as usize..self.term_off[i + 1] as usize],
            )
        }
    }
    pub fn find(&self, term: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.term(mid).cmp(term) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
    pub fn df(&self, i: usize) -> u32 {
        self.df[i]
    }
    pub fn list(&self, i: usize) -> &[u8] {
        let (a, b) = (self.list_off[i] as usize, self.list_off[i + 1] as usize);
        self.frame.get(self.lists_at + a..self.lists_at + b).unwrap_or(&[])
    }
    /// Term i's block table, built on first use.
    #[inline]
    fn blocks(&self, i: usize) -> &TermBlocks {
        self.blocks[i].get_or_init(|| Box::new(term_blocks(self.list(i), self.df[i])))
    }
    /// Term i's postings, either layout.
    pub fn iter(&self, i: usize) -> PostingIter<'_> {
        let mut it = PostingIter::new(&[], 0);
        it.chunk = Some((self, i));
        it
    }
    /// Whether term i's list uses the dense (bitmap) layout.
    #[inline(always)]
    pub fn is_dense(&self, i: usize) -> bool {
        self.blocks(i).dense
    }
    /// Random access into term i's list when it is dense (None for a packed list).
    #[inline(always)]
    pub fn dense_view(&self, i: usize) -> Option<DenseView<'_>> {
        let b = self.blocks(i);
        if !b.dense {
            return None;
        }
        Some(DenseView { words: &b.words, ranks: &b.ranks, imps: self.list(i).get(b.imps as usize..)? })
    }
    /// The bitmap words of a dense list (bit `d % 64` of word `d / 64` = segment-local docnum
    /// `d`), or None for a packed list.
    #[inline(always)]
    pub fn dense_words(&self, i: usize) -> Option<&[u64]> {
        self.dense_view(i).map(|v| v.words)
    }
    /// Largest impact in term i's list.
    pub fn max_impact(&self, i: usize) -> u8 {
        self.blocks(i).max_imp
    }
    /// Term i's block skip table.
    pub fn skips(&self, i: usize) -> &[BlockSkip] {
        &self.blocks(i).skips
    }
    /// Approximate heap size (the block tables built so far are not counted: they are small
    /// next to the lists they describe).
    pub fn heap_bytes(&self) -> usize {
        self.frame.len() + self.terms.len() + 40 * self.df.len()
    }
}

/// Encode a postings chunk from sorted `(term, df, encoded list)`.
pub fn encode_postings(terms: &[(&str, u32, &[u8])]) -> Vec<u8> {
    let mut w = Writer::new();
    w.var(terms.len() as u64);
    let mut prev: &str = "";
    for (t, df, list) in terms {
        let p = common_prefix(prev, t);
        w.var(p as u64);
        w.str(&t[p..]);
        w.var(*df as u64);
        w.var(list.len() as u64);
        prev = t;
    }
    for (_, _, list) in terms {
        w.raw(list);
    }
    frame(ChunkKind::Postings, &w.buf)
}

/// Decodes a postings chunk (checksum checked; the bytes are copied once).
pub fn decode_postings(bytes: &[u8]) -> Result<PostingsChunk, Error> {
    unframe(bytes, ChunkKind::Postings)?;
    postings_in_place(bytes.to_vec())
}

/// Uses a postings frame in place (its checksum or id already checked): reads the term
/// directory only.
pub(crate) fn postings_in_place(frame: Vec<u8>) -> Result<PostingsChunk, Error> {
    let body = frame.get(HEADER_LEN..frame.len().saturating_sub(8)).ok_or(Error::Corrupt("postings"))?;
    let mut r = Reader::new(body);
    let n = r.var()? as usize;
    if n > body.len() {
        return Err(Error::Corrupt("term count"));
    }
    let mut terms: Vec<u8> = Vec::with_capacity(n * 8);
    let mut term_off = Vec::with_capacity(n + 1);
    let mut df = Vec::with_capacity(n);
    let mut list_off = Vec::with_capacity(n + 1);
    term_off.push(0u32);
    list_off.push(0u32);
    let mut prev_start = 0usize;
    let mut total = 0u64;
    for _ in 0..n {
        let p = r.var()? as usize;
        let suffix = r.bytes()?;
        let start = terms.len();
        if p > start - prev_start {
            return Err(Error::Corrupt("term prefix"));
        }
        terms.extend_from_within(prev_start..prev_start + p);
        terms.extend_from_slice(suffix);
        prev_start = start;
        term_off.push(terms.len() as u32);
        df.push(r.var32()?);
        total += r.var()?;
        list_off.push(u32::try_from(total).map_err(|_| Error::Corrupt("list length"))?);
    }
    if !utf8_strings(&terms, &term_off) {
        return Err(Error::Corrupt("term utf-8"));
    }
    let lists_at = HEADER_LEN + r.pos;
    r.raw(total as usize)?;
    if !r.done() {
        return Err(Error::Corrupt("trailing bytes in postings"));
    }
    let blocks = (0..n).map(|_| OnceCell::new()).collect();
    Ok(PostingsChunk { frame, lists_at, terms, term_off, df, list_off, blocks })
}

/// Builds one term's block table from its list (see [`TermBlocks`]).
fn term_blocks(list: &[u8], df: u32) -> TermBlocks {
    let mut tb = TermBlocks::default();
    if df as usize >= BLOCK && list.first() == Some(&DENSE_MARKER) {
        let mut p = 1usize;
        let Some(bitmap) = crate::codec::get_varint(list, &mut p) else { return tb };
        let bitmap = bitmap as usize;
        let nimp = (df as usize).div_ceil(2);
        if p.checked_add(bitmap).and_then(|x| x.checked_add(nimp)) != Some(list.len()) {
            return tb;
        }
        let words: Vec<u64> = list[p..p + bitmap]
            .chunks(8)
            .map(|c| {
                let mut w = [0u8; 8];
                w[..c.len()].copy_from_slice(c);
                u64::from_le_bytes(w)
            })
            .collect();
        if words.iter().map(|w| w.count_ones() as u64).sum::<u64>() != df as u64 {
            return tb;
        }
        let mut r = 0u32;
        tb.ranks = words.iter().map(|w| {
            let x = r;
            r += w.count_ones();
            x
        }).collect();
        tb.imps = (p + bitmap) as u32;
        build_dense_skips(&words, &list[p + bitmap..], &mut tb.skips);
        tb.words = words;
        tb.dense = true;
    } else {
        build_skips(list, df, &mut tb.skips);
    }
    tb.max_imp = tb.skips.iter().map(|s| s.max_imp).max().unwrap_or(0);
    tb
}
/// Impact `k` of a nibble array starting at byte `off` (0 when out of range).
#[inline(always)]
fn nibble(bytes: &[u8], off: usize, k: usize) -> u8 {
    match bytes.get(off + k / 2) {
        Some(&b) => (b >> (4 * (k & 1))) & 15,
        None => 0,
    }
}

/// Skip entries of a dense list: one per non-empty range of 128 docnums.
fn build_dense_skips(words: &[u64], imps: &[u8], out: &mut Vec<BlockSkip>) {
    let mut rank = 0usize;
    for r in 0..words.len().div_ceil(2) {
        let w0 = words[2 * r];
        let w1 = words.get(2 * r + 1).copied().unwrap_or(0);
        let cnt = (w0.count_ones() + w1.count_ones()) as usize;
        if cnt == 0 {
            continue;
        }
        let last = if w1 != 0 { 128 * r + 64 + 63 - w1.leading_zeros() as usize } else { 128 * r + 63 - w0.leading_zeros() as usize };
        let max_imp = (rank..rank + cnt).map(|k| nibble(imps, 0, k)).max().unwrap_or(0);
        let base = (128 * r).saturating_sub(1) as u32;
        out.push(BlockSkip { pos: rank as u32, base, last: last as u32, max_imp });
        rank += cnt;
    }
}

/// Unpacks a bit-packed block's 128 gaps of `w` bits into docnums (`prev` + running sum).
/// `g` holds at least the block's `16·w` gap bytes.
#[inline(always)]
fn unpack_gaps(g: &[u8], w: usize, mut prev: u32, docs: &mut [u32; BLOCK]) {
    if w == 0 {
        docs.fill(prev);
        return;
    }
    // 128 values of w bits are exactly 4·w little-endian u32 words (+1 zero word of padding,
    // so a value spanning two words reads both without a branch)
    let mut words = [0u32; BLOCK + 1];
    let nw = 4 * w;
    let g = &g[..4 * nw];
    for k in 0..nw {
        words[k] = u32::from_le_bytes([g[4 * k], g[4 * k + 1], g[4 * k + 2], g[4 * k + 3]]);
    }
    let mask: u64 = (1u64 << w) - 1;
    let mut bit = 0usize;
    for d in docs.iter_mut() {
        let i = (bit >> 5) & 127;
        let pair = words[i] as u64 | (words[i + 1] as u64) << 32;
        prev = prev.wrapping_add(((pair >> (bit & 31)) & mask) as u32);
        *d = prev;
        bit += w;
    }
}

/// Byte layout of the full block starting at `pos`: `(width, gap bytes)`, or None if corrupt.
#[inline]
fn block_layout(list: &[u8], pos: usize) -> Option<(usize, usize)> {
    let w = *list.get(pos)? as usize;
    if w > 32 {
        return None;
    }
    let gap_bytes = (BLOCK * w).div_ceil(8);
    if list.len() < pos + 1 + gap_bytes + BLOCK / 2 {
        return None;
    }
    Some((w, gap_bytes))
}

/// Records the blocks of one posting list (see [`BlockSkip`]): full blocks are unpacked in
/// bulk (their size follows from the width byte), the varint tail is walked.
fn build_skips(list: &[u8], df: u32, out: &mut Vec<BlockSkip>) {
    let full = df as usize / BLOCK;
    let tail = df as usize % BLOCK;
    let mut pos = 0usize;
    let mut base = 0u32;
    let mut docs = [0u32; BLOCK];
    for _ in 0..full {
        let Some((w, gap_bytes)) = block_layout(list, pos) else { return };
        let g = &list[pos + 1..];
        unpack_gaps(g, w, base, &mut docs);
        let max_imp = g[gap_bytes..gap_bytes + BLOCK / 2].iter().map(|&b| (b & 15).max(b >> 4)).max().unwrap_or(0);
        out.push(BlockSkip { pos: pos as u32, base, last: docs[BLOCK - 1], max_imp });
        base = docs[BLOCK - 1];
        pos += 1 + gap_bytes + BLOCK / 2;
    }
    if tail > 0 {
        let start = pos;
        let mut doc = base;
        let mut max_imp = 0u8;
        for k in 0..tail {
            let Some(v) = crate::codec::get_varint(list, &mut pos) else { return };
            let gap = (v >> IMPACT_BITS) as u32;
            doc = if full == 0 && k == 0 { gap } else { doc.wrapping_add(gap) };
            max_imp = max_imp.max((v & IMPACT_MAX as u64) as u8);
        }
        out.push(BlockSkip { pos: start as u32, base, last: doc, max_imp });
    }
}

impl PostingsChunk {
    /// Number of blocks (bit-packed blocks plus the varint tail, if any) of term i's list.
    #[inline]
    pub fn block_count(&self, i: usize) -> usize {
        self.blocks(i).skips.len()
    }

    /// Decodes block `b` of term i's list: segment-local docnums into `docs`, impacts into
    /// `imps` (when given). Returns the number of postings (0 when out of range or corrupt).
    #[inline(always)]
    pub fn decode_block(&self, i: usize, b: usize, docs: &mut [u32; BLOCK], imps: Option<&mut [u8; BLOCK]>) -> usize {
        let tb = self.blocks(i);
        let Some(s) = tb.skips.get(b) else { return 0 };
        let list = self.list(i);
        if tb.dense {
            // the block's 128 docnums are 2 bitmap words; impacts follow in docnum order
            let ws = &tb.words;
            let r = (s.last >> 7) as usize;
            let mut n = 0usize;
            for k in 0..2 {
                let Some(&w) = ws.get(2 * r + k) else { break };
                let mut w = w;
                let base = (128 * r + 64 * k) as u32;
                while w != 0 && n < BLOCK {
                    docs[n] = base + w.trailing_zeros();
                    w &= w - 1;
                    n += 1;
                }
            }
            if let Some(imps) = imps {
                let (off, first) = (tb.imps as usize, s.pos as usize);
                for (k, imp) in imps[..n].iter_mut().enumerate() {
                    *imp = nibble(list, off, first + k);
                }
            }
            return n;
        }
        let df = self.df[i] as usize;
        let pos = s.pos as usize;
        if b < df / BLOCK {
            let Some((w, gap_bytes)) = block_layout(list, pos) else { return 0 };
            let g = &list[pos + 1..];
            unpack_gaps(g, w, s.base, docs);
            if let Some(imps) = imps {
                for (k, &x) in g[gap_bytes..gap_bytes + BLOCK / 2].iter().enumerate() {
                    imps[2 * k] = x & 15;
                    imps[2 * k + 1] = x >> 4;
                }
            }
            BLOCK
        } else {
            let n = df % BLOCK;
            let mut p = pos;
            let mut doc = s.base;
            let mut imps = imps;
            for k in 0..n {
                let v = match list.get(p) {
                    Some(&x) if x < 0x80 => {
                        p += 1;
                        x as u64
                    }
                    _ => match crate::codec::get_varint(list, &mut p) {
                        Some(v) => v,
                        None => return k,
                    },
                };
                let gap = (v >> IMPACT_BITS) as u32;
                doc = if b == 0 && k == 0 { gap } else { doc.wrapping_add(gap) };
                docs[k] = doc;
                if let Some(imps) = imps.as_deref_mut() {
                    imps[k] = (v & IMPACT_MAX as u64) as u8;
                }
            }
            n
        }
    }
}
pub(crate) fn common_prefix(a: &str, b: &str) -> usize {
    let mut n = a.as_bytes().iter().zip(b.as_bytes()).take_while(|(x, y)| x == y).count();
    while !b.is_char_boundary(n) {
        n -= 1;
    }
    n
}

// ---------------------------------------------------------------------------------------------
// Lexicon

/// All terms of a segment, sorted, with document frequency and display form.
#[derive(Debug, Default)]
pub struct Lexicon {
    text: Vec<u8>,
    off: Vec<u32>,
    pub df: Vec<u32>,
    /// Longest common prefix (bytes, capped at 255) with the previous term.
    pub lcp: Vec<u8>,
    display_text: Vec<u8>,
    /// `u32::MAX` = display equals term, else offset pair index into display_off.
    display_idx: Vec<u32>,
    display_off: Vec<u32>,
}

impl Lexicon {
    pub fn len(&self) -> usize {
        self.df.len()
    }
    pub fn is_empty(&self) -> bool {
        self.df.is_empty()
    }
    pub fn term_bytes(&self, i: usize) -> &[u8] {
        &self.text[self.off[i] as usize..self.off[i + 1] as usize]
    }
    pub fn term(&self, i: usize) -> &str {
        unsafe { std::str::from_utf8_unchecked(self.term_bytes(i)) }
    }
    pub fn display(&self, i: usize) -> &str {
        let d = self.display_idx[i];
        if d == u32::MAX {
            return self.term(i);
        }
        let d = d as usize;
        unsafe {
            std::str::from_utf8_unchecked(
                &self.display_text[self.display_off[d] as usize..self.display_off[d + 1] as usize],
            )
        }
    }
    /// Index of the first term >= `key`.
    pub fn lower_bound(&self, key: &[u8]) -> usize {
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.term_bytes(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
    pub fn find(&self, term: &str) -> Option<usize> {
        let i = self.lower_bound(term.as_bytes());
        (i < self.len() && self.term_bytes(i) == term.as_bytes()).then_some(i)
    }
    pub fn heap_bytes(&self) -> usize {
        self.text.len() + self.display_text.len() + self.len() * 13
    }
}

/// Encode a lexicon from sorted `(term, df, display)`.
pub fn encode_lexicon(entries: &[(&str, u32, &str)]) -> Vec<u8> {
    let mut w = Writer::new();
    w.var(entries.len() as u64);
    let mut prev: &str = "";
    for (t, df, disp) in entries {
        let p = common_prefix(prev, t);
        w.var(p as u64);
        w.str(&t[p..]);
        w.var(*df as u64);
        if disp.is_empty() || disp == t {
            w.var(0);
        } else {
            let q = common_prefix(t, disp);
            w.var(q as u64 + 1);
            w.str(&disp[q..]);
        }
        prev = t;
    }
    frame(ChunkKind::Lexicon, &w.buf)
}

pub fn decode_lexicon(bytes: &[u8]) -> Result<Lexicon, Error> {
    let mut r = Reader::new(unframe(bytes, ChunkKind::Lexicon)?);
    let n = r.var()? as usize;
    if n > bytes.len() {
        return Err(Error::Corrupt("lexicon count"));
    }
    let mut lx = Lexicon {
        text: Vec::with_capacity(n * 8),
        off: Vec::with_capacity(n + 1),
        df: Vec::with_capacity(n),
        lcp: Vec::with_capacity(n),
        display_text: Vec::new(),
        display_idx: Vec::with_capacity(n),
        display_off: vec![0],
    };
    lx.off.push(0);
    let mut prev_start = 0usize;
    for _ in 0..n {
        let p = r.var()? as usize;
        let suffix = r.bytes()?;
        let start = lx.text.len();
        if p > start - prev_start {
            return Err(Error::Corrupt("lexicon prefix"));
        }
        lx.text.extend_from_within(prev_start..prev_start + p);
        lx.text.extend_from_slice(suffix);
        let tlen = lx.text.len() - start;
        prev_start = start;
        lx.off.push(lx.text.len() as u32);
        lx.lcp.push(p.min(255) as u8);
        lx.df.push(r.var32()?);
        let d = r.var()? as usize;
        if d == 0 {
            lx.display_idx.push(u32::MAX);
        } else {
            let q = d - 1;
            if q > tlen {
                return Err(Error::Corrupt("display prefix"));
            }
            let suf = r.bytes()?;
            lx.display_text.extend_from_slice(&lx.text[start..start + q]);
            lx.display_text.extend_from_slice(suf);
            lx.display_idx.push((lx.display_off.len() - 1) as u32);
            lx.display_off.push(lx.display_text.len() as u32);
        }
    }
    if !r.done() {
        return Err(Error::Corrupt("trailing bytes in lexicon"));
    }
    if !utf8_strings(&lx.text, &lx.off) {
        return Err(Error::Corrupt("utf-8"));
    }
    if !utf8_strings(&lx.display_text, &lx.display_off) {
        return Err(Error::Corrupt("display utf-8"));
    }
    Ok(lx)
}

/// Whether `bytes`, strings laid end to end with string i ending at `ends[i + 1]` (`ends[0]` =
/// 0), are each valid UTF-8: the whole is, and every end falls on a character boundary. One
/// pass over all the bytes, not one validation call per string (a postings chunk holds
/// thousands of terms, decoded on a fresh isolate's first page).
fn utf8_strings(bytes: &[u8], ends: &[u32]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|s| ends.iter().all(|&e| s.is_char_boundary(e as usize)))
}

// ---------------------------------------------------------------------------------------------
// In place: doc pages, facets, term filter
//
// The chunks read by every `Searcher::open` are used as stored: fixed-width little-endian
// tables behind offsets, read through bounds-checked accessors (corrupt bytes give empty or
// zero answers, never a panic). Decoding one checks its layout in time proportional to its
// number of facet values, not of documents.

#[inline]
fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at.wrapping_add(4)).map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
#[inline]
fn le64(b: &[u8], at: usize) -> u64 {
    b.get(at..at.wrapping_add(8)).map_or(0, |s| u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]))
}

/// Bytes per value-directory entry: name offset, name length, document count, kind (0 = list,
/// 1 = bitmap), data offset (u32 each; offsets from the start of the payload).
const ENTRY: usize = 20;

/// Order of the values of a field in a directory: facet values ascending, years newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirOrder {
    Ascending,
    NewestFirst,
}

impl DirOrder {
    pub fn cmp(self, a: &str, b: &str) -> std::cmp::Ordering {
        match self {
            DirOrder::Ascending => a.cmp(b),
            DirOrder::NewestFirst => (b.len(), b).cmp(&(a.len(), a)),
        }
    }
}

/// Writes a value directory: `n_docs u32, nf u32, field_start u32×(nf+1)` (entry indices),
/// entries ([`ENTRY`] bytes each), names, then each value's documents, in the smallest of three
/// layouts: sorted docnums u32×count (kind 0); a bitmap of `ceil(n_docs/64)` u64 words, bit
/// `d % 64` of word `d / 64` (kind 1, when more than one document in 32 has the value); or,
/// for a field where no document has two values, one column for the whole field (kind 2):
/// document d's value is code `c` (value `c - 1` of the field, 0 = none), written as
/// [`column_bits`] bit planes of `ceil(n_docs/64)` u64 words each (bit j of d's code is bit
/// `d % 64` of word `d / 64` of plane j). Every entry of a column field has kind 2 and the
/// column's offset. `payload_at` is where the directory starts in the payload.
fn put_dir(w: &mut Writer, payload_at: usize, fields: &[&[(String, Vec<u32>)]], n_docs: u32) {
    let words = (n_docs as usize).div_ceil(64);
    let total: usize = fields.iter().map(|f| f.len()).sum();
    w.u32(n_docs);
    w.u32(fields.len() as u32);
    let mut e = 0u32;
    w.u32(0);
    for f in fields {
        e += f.len() as u32;
        w.u32(e);
    }
    let entries_at = payload_at + 8 + 4 * (fields.len() + 1);
    let names_at = entries_at + ENTRY * total;
    let names_len: usize = fields.iter().flat_map(|f| f.iter()).map(|v| v.0.len()).sum();
    let bitmap = |docs: &[u32]| 4 * docs.len() > 8 * words;
    let per_value = |f: &[(String, Vec<u32>)]| f.iter().map(|(_, d)| value_bytes(d.len(), words)).sum::<usize>();
    let column: Vec<bool> =
        fields.iter().map(|f| !f.is_empty() && column_bits(f.len()) * 8 * words < per_value(f) && single_valued(f, n_docs)).collect();
    let mut name_off = names_at;
    let mut data_off = names_at + names_len;
    for (f, &col) in fields.iter().zip(&column) {
        for (name, docs) in f.iter() {
            w.u32(name_off as u32);
            w.u32(name.len() as u32);
            w.u32(docs.len() as u32);
            w.u32(if col { 2 } else { bitmap(docs) as u32 });
            w.u32(data_off as u32);
            name_off += name.len();
            if !col {
                data_off += value_bytes(docs.len(), words);
            }
        }
        if col {
            data_off += column_bits(f.len()) * 8 * words;
        }
    }
    for (name, _) in fields.iter().flat_map(|f| f.iter()) {
        w.raw(name.as_bytes());
    }
    for (f, &col) in fields.iter().zip(&column) {
        if col {
            let mut planes = vec![0u64; column_bits(f.len()) * words];
            for (v, (_, docs)) in f.iter().enumerate() {
                let code = v + 1;
                for &d in docs {
                    for (j, plane) in planes.chunks_exact_mut(words).enumerate() {
                        if code >> j & 1 == 1 {
                            plane[d as usize / 64] |= 1 << (d % 64);
                        }
                    }
                }
            }
            planes.into_iter().for_each(|x| w.u64(x));
            continue;
        }
        for (_, docs) in f.iter() {
            if bitmap(docs) {
                let mut bm = vec![0u64; words];
                for &d in docs {
                    bm[d as usize / 64] |= 1 << (d % 64);
                }
                for x in bm {
                    w.u64(x);
                }
            } else {
                for &d in docs {
                    w.u32(d);
                }
            }
        }
    }
}

/// Bit planes of a column of `values` values (codes `1..=values`, 0 = none).
pub fn column_bits(values: usize) -> usize {
    (usize::BITS - values.leading_zeros()) as usize
}

/// Whether no document below `n_docs` is listed twice in a field (its values' docnums).
fn single_valued(f: &[(String, Vec<u32>)], n_docs: u32) -> bool {
    let mut seen = crate::Bitset::new(n_docs as usize);
    for &d in f.iter().flat_map(|(_, docs)| docs) {
        if d >= n_docs || seen.get(d) {
            return false;
        }
        seen.set(d);
    }
    true
}

/// A value directory inside a chunk's bytes (see [`put_dir`]); positions are absolute.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dir {
    payload: usize,
    n_docs: u32,
    nf: usize,
    fields: usize,
    entries: usize,
    end: usize,
}

/// Bytes the per-value layout stores for a value of `count` documents: its docnum list, or
/// the bitmap of `words` words when that is smaller (more than one document in 32).
#[inline]
fn value_bytes(count: usize, words: usize) -> usize {
    (4 * count).min(8 * words)
}

/// Word k of a segment's documents in the match set `w`, the segment starting at bit `s` of
/// word `wi` (its base).
#[inline(always)]
fn shifted(w: &[u64], wi: usize, s: u32, k: usize) -> u64 {
    let lo = w.get(wi + k).copied().unwrap_or(0) >> s;
    let hi = if s == 0 { 0 } else { w.get(wi + k + 1).copied().unwrap_or(0) << (64 - s) };
    lo | hi
}

/// Sets word k of a segment's documents (`x`) in the match set `w` (see [`shifted`]).
#[inline(always)]
fn or_shifted(w: &mut [u64], wi: usize, s: u32, k: usize, x: u64) {
    if let Some(d) = w.get_mut(wi + k) {
        *d |= x << s;
    }
    if s != 0
        && let Some(d) = w.get_mut(wi + k + 1)
    {
        *d |= x >> (64 - s);
    }
}

/// Appends the docnums of word k's set bits.
#[inline(always)]
fn push_bits(v: &mut Vec<u32>, k: usize, mut x: u64) {
    while x != 0 {
        v.push(64 * k as u32 + x.trailing_zeros());
        x &= x - 1;
    }
}

/// One value's documents (segment-local docnums), in place.
#[derive(Debug, Clone, Copy)]
pub enum DocsRef<'a> {
    /// sorted docnums, u32 LE each
    List(&'a [u8]),
    /// bitmap words, u64 LE each
    Bitmap(&'a [u8]),
    /// the documents whose code in a field's column is `code` (≥ 1)
    Column(Column<'a>, u32),
}

/// A field's column in place (see [`put_dir`], kind 2): `bits` planes of `words` u64 LE words.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    planes: &'a [u8],
    words: usize,
    bits: usize,
    /// directory entry of the field's first value (code 1)
    first: usize,
    values: usize,
}

impl Column<'_> {
    /// Column code of directory entry `e` of this field.
    pub fn code(&self, e: usize) -> usize {
        e.wrapping_sub(self.first).wrapping_add(1)
    }
    #[inline(always)]
    fn plane(&self, j: usize, k: usize) -> u64 {
        le64(self.planes, 8 * (j * self.words + k))
    }
    /// Word k of the set of documents with code `c` (c ≥ 1: at least one plane is taken as
    /// is, so bits past the documents, zero in every plane, are never set).
    #[inline]
    fn word_of(&self, c: u32, k: usize) -> u64 {
        let mut x = !0u64;
        for j in 0..self.bits {
            let p = self.plane(j, k);
            x &= if (c >> j) & 1 == 1 { p } else { !p };
        }
        x
    }
    /// The code of segment-local document d (0 = none).
    #[inline(always)]
    fn code_of(&self, d: u32) -> u32 {
        let (k, t) = (d as usize / 64, d % 64);
        let mut c = 0;
        for j in 0..self.bits {
            c |= (((self.plane(j, k) >> t) & 1) as u32) << j;
        }
        c
    }
    /// Documents per code (index 0: documents without a value) among the documents d with
    /// `base + d` in `m`, in one pass over the match set. Per word of matches x: a few matches
    /// read their codes bit by bit; more count, for every set S of planes, the matches with
    /// all of S's bits (2^bits AND + popcount, each S from a smaller one), and the exact
    /// counts per code follow once at the end (inclusion-exclusion over supersets).
    /// (The per-word loops index fixed arrays and slices by position: at opt-level "z" a
    /// `Vec` index, `get_mut` or `ilog2` stays a call, once per set per word.)
    pub fn counts_in(&self, base: u32, m: &crate::Bitset) -> Vec<u32> {
        let w = m.words();
        let (wi, s) = ((base >> 6) as usize, base & 63);
        let subsets = self.bits <= 6;
        let full = if subsets { 1usize << self.bits } else { 1 };
        // with_all[S]: matches whose code has every bit of S (subset path); exact[c] (gathered)
        let mut with_all = [0u64; 64];
        let mut exact_v = vec![0u64; self.values + 1];
        let exact = exact_v.as_mut_slice();
        let mut and = [0u64; 64];
        for k in 0..self.words {
            let mut x = shifted(w, wi, s, k);
            if x == 0 {
                continue;
            }
            if !subsets || (x.count_ones() as usize) * self.bits < full {
                while x != 0 {
                    let c = self.code_of(64 * k as u32 + x.trailing_zeros()) as usize;
                    if c < exact.len() {
                        exact[c] += 1;
                    }
                    x &= x - 1;
                }
                continue;
            }
            // the sets whose highest plane is j are half..2·half: a smaller set's AND and plane j
            and[0] = x;
            with_all[0] += x.count_ones() as u64;
            let mut half = 1;
            for j in 0..self.bits {
                let pj = self.plane(j, k);
                for set in 0..half {
                    let v = and[set] & pj;
                    and[(half + set) & 63] = v;
                    with_all[(half + set) & 63] += v.count_ones() as u64;
                }
                half *= 2;
            }
        }
        // with_all over supersets -> exactly S: subtract, bit by bit, the sets with that bit too
        // (a column of more than 6 planes gathered every code: with_all stays zero then)
        for j in 0..full.ilog2() as usize {
            for set in 0..full {
                if set & (1 << j) == 0 {
                    with_all[set] -= with_all[set | (1 << j)];
                }
            }
        }
        (0..=self.values).map(|c| (exact[c] + if c < full { with_all[c] } else { 0 }) as u32).collect()
    }

    /// The column as one bitmap per value (`ceil(n_docs/64)` u64 LE words each, in value
    /// order): what the per-value layout stores, for a searcher that counts this field often.
    pub fn expand(&self) -> Vec<u8> {
        let mut out = vec![0u8; 8 * self.words * self.values];
        for (v, bm) in out.chunks_exact_mut(8 * self.words).enumerate() {
            for (k, word) in bm.chunks_exact_mut(8).enumerate() {
                word.copy_from_slice(&self.word_of(v as u32 + 1, k).to_le_bytes());
            }
        }
        out
    }

    /// Entry `e`'s documents in an [`Column::expand`]ed column.
    pub fn expanded<'b>(&self, x: &'b [u8], e: usize) -> DocsRef<'b> {
        let len = 8 * self.words;
        let at = self.code(e).wrapping_sub(1).saturating_mul(len);
        DocsRef::Bitmap(x.get(at..at.saturating_add(len)).unwrap_or(&[]))
    }
}

impl DocsRef<'_> {
    /// Sets `base + d` in `m` for every document d.
    pub fn add_to(&self, base: u32, m: &mut crate::Bitset) {
        let len = m.len() as u64;
        let w = m.words_mut();
        match *self {
            DocsRef::List(b) => {
                for c in b.chunks_exact(4) {
                    let g = base as u64 + u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as u64;
                    if g < len {
                        w[(g >> 6) as usize] |= 1 << (g & 63);
                    }
                }
            }
            DocsRef::Bitmap(b) => {
                let (wi, s) = ((base >> 6) as usize, base & 63);
                for (k, c) in b.chunks_exact(8).enumerate() {
                    let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
                    if x != 0 {
                        or_shifted(w, wi, s, k, x);
                    }
                }
            }
            DocsRef::Column(col, c) => {
                let (wi, s) = ((base >> 6) as usize, base & 63);
                for k in 0..col.words {
                    let x = col.word_of(c, k);
                    if x != 0 {
                        or_shifted(w, wi, s, k, x);
                    }
                }
            }
        }
    }

    /// Number of documents d with `base + d` in `m`.
    pub fn count_in(&self, base: u32, m: &crate::Bitset) -> usize {
        let w = m.words();
        match *self {
            DocsRef::List(b) => {
                let mut n = 0;
                for c in b.chunks_exact(4) {
                    let g = base as usize + u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize;
                    if let Some(x) = w.get(g >> 6) {
                        n += ((x >> (g & 63)) & 1) as usize;
                    }
                }
                n
            }
            DocsRef::Bitmap(b) => {
                let (wi, s) = ((base >> 6) as usize, base & 63);
                let mut n = 0u32;
                if s == 0 {
                    // word-aligned (every single-segment index): a straight AND + popcount
                    let w = w.get(wi..).unwrap_or(&[]);
                    for (c, y) in b.chunks_exact(8).zip(w) {
                        n += (u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) & y).count_ones();
                    }
                    return n as usize;
                }
                for (k, c) in b.chunks_exact(8).enumerate() {
                    let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
                    if x == 0 {
                        continue;
                    }
                    n += (x & shifted(w, wi, s, k)).count_ones();
                }
                n as usize
            }
            DocsRef::Column(col, c) => {
                let (wi, s) = ((base >> 6) as usize, base & 63);
                let mut n = 0u32;
                for k in 0..col.words {
                    let y = shifted(w, wi, s, k);
                    if y != 0 {
                        n += (col.word_of(c, k) & y).count_ones();
                    }
                }
                n as usize
            }
        }
    }

    /// Whether segment-local docnum `d` is in the set.
    pub fn contains(&self, d: u32) -> bool {
        match *self {
            DocsRef::List(b) => {
                let (mut lo, mut hi) = (0usize, b.len() / 4);
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    match le32(b, 4 * mid).cmp(&d) {
                        std::cmp::Ordering::Less => lo = mid + 1,
                        std::cmp::Ordering::Greater => hi = mid,
                        std::cmp::Ordering::Equal => return true,
                    }
                }
                false
            }
            DocsRef::Bitmap(b) => (le64(b, 8 * (d as usize / 64)) >> (d % 64)) & 1 == 1,
            DocsRef::Column(col, c) => (d as usize) < 64 * col.words && col.code_of(d) == c,
        }
    }

    /// The docnums, in order.
    pub fn to_vec(&self) -> Vec<u32> {
        match *self {
            DocsRef::List(b) => b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
            DocsRef::Bitmap(b) => {
                let mut v = Vec::new();
                for (k, c) in b.chunks_exact(8).enumerate() {
                    push_bits(&mut v, k, u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
                }
                v
            }
            DocsRef::Column(col, c) => {
                let mut v = Vec::new();
                for k in 0..col.words {
                    push_bits(&mut v, k, col.word_of(c, k));
                }
                v
            }
        }
    }
}

impl Dir {
    /// Checks a directory at `at` (absolute) in `b`: `nf` fields, entries in range, names
    /// UTF-8 and strictly ordered per field. Cost: proportional to the number of values.
    fn check(b: &[u8], payload: usize, at: usize, nf: usize, orders: &[DirOrder]) -> Result<Dir, Error> {
        let bad = Error::Corrupt("value directory");
        let n_docs = le32(b, at);
        if le32(b, at + 4) as usize != nf || b.len() < at + 8 + 4 * (nf + 1) {
            return Err(bad);
        }
        let fields = at + 8;
        let total = le32(b, fields + 4 * nf) as usize;
        let entries = fields + 4 * (nf + 1);
        if le32(b, fields) != 0 || total > b.len() / ENTRY {
            return Err(bad);
        }
        let words = (n_docs as usize).div_ceil(64);
        let mut d = Dir { payload, n_docs, nf, fields, entries, end: entries + ENTRY * total };
        let body_end = b.len().saturating_sub(8);
        for f in 0..nf {
            let r = d.field(b, f);
            if r.start > r.end || r.end > total {
                return Err(bad);
            }
            let mut prev: Option<&str> = None;
            // a column field: every entry kind 2, at the column's offset
            let column = (!r.is_empty()).then(|| d.entry(b, r.start)).filter(|e| e.3 == 2).map(|e| e.4);
            let values = r.len();
            for e in r {
                let (no, nl, cnt, kind, off) = d.entry(b, e);
                if (kind == 2) != column.is_some() || column.is_some_and(|c| c != off) {
                    return Err(bad);
                }
                let name = b.get(payload + no..payload + no + nl).ok_or(bad.clone())?;
                let name = std::str::from_utf8(name).map_err(|_| bad.clone())?;
                if prev.is_some_and(|p| orders[f].cmp(p, name) != std::cmp::Ordering::Less) {
                    return Err(Error::Corrupt("value order"));
                }
                prev = Some(name);
                let len = match kind {
                    0 => 4 * cnt,
                    1 => 8 * words,
                    2 => 8 * words * column_bits(values),
                    _ => return Err(bad),
                };
                if cnt > n_docs as usize || payload + off + len > body_end {
                    return Err(bad);
                }
                d.end = d.end.max(payload + off + len).max(payload + no + nl);
            }
        }
        Ok(d)
    }
    #[inline]
    fn entry(&self, b: &[u8], e: usize) -> (usize, usize, usize, u32, usize) {
        let at = self.entries + ENTRY * e;
        (le32(b, at) as usize, le32(b, at + 4) as usize, le32(b, at + 8) as usize, le32(b, at + 12), le32(b, at + 16) as usize)
    }
    /// Entry indices of field `f`.
    pub fn field(&self, b: &[u8], f: usize) -> std::ops::Range<usize> {
        if f >= self.nf {
            return 0..0;
        }
        le32(b, self.fields + 4 * f) as usize..le32(b, self.fields + 4 * (f + 1)) as usize
    }
    pub fn name<'a>(&self, b: &'a [u8], e: usize) -> &'a str {
        let (no, nl, ..) = self.entry(b, e);
        b.get(self.payload + no..self.payload + no + nl).and_then(|s| std::str::from_utf8(s).ok()).unwrap_or("")
    }
    pub fn count(&self, b: &[u8], e: usize) -> u32 {
        self.entry(b, e).2 as u32
    }
    /// Whether expanding field `f`'s column into a bitmap per value ([`Column::expand`])
    /// costs at most twice the bytes the per-value layout would have stored for it (a
    /// bitmap for a value of more than one document in 32, a docnum list for the others).
    /// A field of a few dense values (years, content types) expands to what the older layout
    /// held; one of thousands of rare values (products, say) does not, and keeps counting
    /// from its column.
    pub fn expansion_pays(&self, b: &[u8], f: usize) -> bool {
        let words = (self.n_docs as usize).div_ceil(64);
        let r = self.field(b, f);
        let per_value: usize = r.clone().map(|e| value_bytes(self.count(b, e) as usize, words)).sum();
        r.len().saturating_mul(8 * words) <= 2 * per_value
    }
    /// The column of field `f`, when its values are stored as one (kind 2).
    pub fn column<'a>(&self, b: &'a [u8], f: usize) -> Option<Column<'a>> {
        let r = self.field(b, f);
        let (.., kind, off) = self.entry(b, r.start);
        if r.is_empty() || kind != 2 {
            return None;
        }
        let (words, bits) = ((self.n_docs as usize).div_ceil(64), column_bits(r.len()));
        let at = self.payload + off;
        Some(Column { planes: b.get(at..at + 8 * words * bits).unwrap_or(&[]), words, bits, first: r.start, values: r.len() })
    }
    pub fn docs<'a>(&self, b: &'a [u8], e: usize) -> DocsRef<'a> {
        let (_, _, cnt, kind, off) = self.entry(b, e);
        let at = self.payload + off;
        if kind == 2 {
            let col = (0..self.nf).find(|&f| self.field(b, f).contains(&e)).and_then(|f| self.column(b, f));
            return match col {
                Some(col) => DocsRef::Column(col, col.code(e) as u32),
                None => DocsRef::List(&[]),
            };
        }
        if kind == 1 {
            let len = 8 * (self.n_docs as usize).div_ceil(64);
            DocsRef::Bitmap(b.get(at..at + len).unwrap_or(&[]))
        } else {
            DocsRef::List(b.get(at..at + 4 * cnt).unwrap_or(&[]))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Doc pages

/// One doc page in place. Payload: `n u32`, dates u32×n (yyyymmdd, 0 = unknown), id offsets
/// u32×(n+1) (from the start of the id bytes), id bytes.
#[derive(Debug, Default)]
pub struct DocPage {
    frame: Vec<u8>,
    n: usize,
    dates: usize,
    offs: usize,
    ids: usize,
}

impl DocPage {
    pub fn len(&self) -> usize {
        self.n
    }
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
    /// Date of the page's document i (yyyymmdd, 0 = unknown).
    #[inline]
    pub fn date(&self, i: usize) -> u32 {
        if i >= self.n { 0 } else { le32(&self.frame, self.dates + 4 * i) }
    }
    /// All dates, in document order.
    pub fn dates(&self) -> Vec<u32> {
        (0..self.n).map(|i| self.date(i)).collect()
    }
    pub fn id(&self, i: usize) -> &str {
        if i >= self.n {
            return "";
        }
        let (a, b) = (le32(&self.frame, self.offs + 4 * i) as usize, le32(&self.frame, self.offs + 4 * i + 4) as usize);
        self.frame.get(self.ids + a..self.ids + b).and_then(|s| std::str::from_utf8(s).ok()).unwrap_or("")
    }
    pub fn heap_bytes(&self) -> usize {
        self.frame.len()
    }
}

/// Encodes the doc pages of a segment's documents (ids and dates in docnum order): one chunk
/// per [`DOC_PAGE`] documents.
pub fn encode_doc_pages(ids: &[&str], dates: &[u32]) -> Vec<Vec<u8>> {
    assert_eq!(ids.len(), dates.len());
    ids.chunks(DOC_PAGE).zip(dates.chunks(DOC_PAGE)).map(|(i, d)| encode_doc_page(i, d)).collect()
}

/// Encodes one doc page.
pub fn encode_doc_page(ids: &[&str], dates: &[u32]) -> Vec<u8> {
    assert_eq!(ids.len(), dates.len());
    let mut w = Writer::new();
    w.u32(ids.len() as u32);
    for &d in dates {
        w.u32(d);
    }
    let mut off = 0u32;
    w.u32(0);
    for id in ids {
        off += id.len() as u32;
        w.u32(off);
    }
    for id in ids {
        w.raw(id.as_bytes());
    }
    frame(ChunkKind::DocPage, &w.buf)
}

pub fn decode_doc_page(bytes: &[u8]) -> Result<DocPage, Error> {
    unframe(bytes, ChunkKind::DocPage)?;
    doc_page_in_place(bytes.to_vec())
}

/// Uses a doc page frame in place (its checksum or id already checked).
pub(crate) fn doc_page_in_place(frame: Vec<u8>) -> Result<DocPage, Error> {
    let p = HEADER_LEN;
    let n = le32(&frame, p) as usize;
    if n > frame.len() / 8 {
        return Err(Error::Corrupt("doc count"));
    }
    let dates = p + 4;
    let offs = dates + 4 * n;
    let ids = offs + 4 * (n + 1);
    let ids_len = le32(&frame, offs + 4 * n) as usize;
    if le32(&frame, offs) != 0 || ids + ids_len != frame.len().saturating_sub(8) {
        return Err(Error::Corrupt("doc page ids"));
    }
    Ok(DocPage { n, dates, offs, ids, frame })
}

// ---------------------------------------------------------------------------------------------
// Facets

/// Per facet field: `(value, sorted segment-local docnums)`.
pub type FacetLists = Vec<Vec<(String, Vec<u32>)>>;

/// A facets chunk in place: a value directory of [`NUM_FACETS`] fields, values ascending, and
/// the publication years (field [`NUM_FACETS`], newest first).
#[derive(Debug, Default)]
pub struct Facets {
    frame: Vec<u8>,
    dir: Dir,
}

impl Facets {
    pub fn dir(&self) -> (&[u8], Dir) {
        (&self.frame, self.dir)
    }
    /// Number of documents the directory covers (the segment's).
    pub fn doc_count(&self) -> u32 {
        self.dir.n_docs
    }
    pub fn heap_bytes(&self) -> usize {
        self.frame.len()
    }
    /// Materialised lists (tests, diagnostics).
    pub fn to_lists(&self) -> FacetLists {
        let (b, d) = self.dir();
        (0..NUM_FACETS).map(|f| d.field(b, f).map(|e| (d.name(b, e).to_string(), d.docs(b, e).to_vec())).collect()).collect()
    }
}

/// The publication years of documents by their dates (yyyymmdd; 0 = unknown, left out), newest
/// first, each with its sorted docnums.
fn years_of(dates: &[u32]) -> Vec<(String, Vec<u32>)> {
    let mut years: Vec<(u32, Vec<u32>)> = Vec::new();
    for (d, &date) in dates.iter().enumerate() {
        if date < 10000 {
            continue;
        }
        let y = date / 10000;
        match years.iter_mut().find(|e| e.0 == y) {
            Some(e) => e.1.push(d as u32),
            None => years.push((y, vec![d as u32])),
        }
    }
    years.sort_unstable_by_key(|e| std::cmp::Reverse(e.0));
    years.into_iter().map(|(y, d)| (y.to_string(), d)).collect()
}

/// `dates` are the segment's document dates (their years become field [`NUM_FACETS`]); its
/// length is the document count (bitmaps cover it). Values are written in ascending order.
pub fn encode_facets(f: &FacetLists, dates: &[u32]) -> Vec<u8> {
    assert_eq!(f.len(), NUM_FACETS);
    let mut sorted: Vec<Vec<(String, Vec<u32>)>> = f.clone();
    for v in sorted.iter_mut() {
        v.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let years = years_of(dates);
    let fields: Vec<&[(String, Vec<u32>)]> = sorted.iter().map(Vec::as_slice).chain([years.as_slice()]).collect();
    let mut w = Writer::new();
    put_dir(&mut w, 0, &fields, dates.len() as u32);
    frame(ChunkKind::Facets, &w.buf)
}

/// A facets chunk, checked and used in place.
pub fn decode_facets_chunk(bytes: &[u8]) -> Result<Facets, Error> {
    unframe(bytes, ChunkKind::Facets)?;
    facets_in_place(bytes.to_vec())
}

pub fn decode_facets(bytes: &[u8]) -> Result<FacetLists, Error> {
    unframe(bytes, ChunkKind::Facets)?;
    Ok(facets_in_place(bytes.to_vec())?.to_lists())
}

pub(crate) fn facets_in_place(frame: Vec<u8>) -> Result<Facets, Error> {
    let mut orders = [DirOrder::Ascending; NUM_FACETS + 1];
    orders[NUM_FACETS] = DirOrder::NewestFirst;
    let dir = Dir::check(&frame, HEADER_LEN, HEADER_LEN, NUM_FACETS + 1, &orders)?;
    if dir.end != frame.len() - 8 {
        return Err(Error::Corrupt("trailing bytes in facets"));
    }
    Ok(Facets { frame, dir })
}

// ---------------------------------------------------------------------------------------------
// Term filter (Bloom)

/// Bloom filter over terms, in place in its chunk when loaded.
#[derive(Debug, Clone)]
pub struct TermFilter {
    k: u8,
    m: u64,
    data: Vec<u8>,
    /// where the bit array starts in `data`
    at: usize,
}

impl PartialEq for TermFilter {
    fn eq(&self, o: &Self) -> bool {
        (self.k, self.m, self.bits()) == (o.k, o.m, o.bits())
    }
}
impl Eq for TermFilter {}

impl TermFilter {
    pub const BITS_PER_TERM: u64 = 10;
    pub const K: u8 = 7;

    pub fn build<'a>(terms: impl ExactSizeIterator<Item = &'a str>) -> Self {
        let m = (terms.len() as u64 * Self::BITS_PER_TERM).max(64);
        let mut bits = vec![0u8; m.div_ceil(8) as usize];
        for t in terms {
            let (h1, h2) = Self::hashes(t);
            for i in 0..Self::K as u64 {
                let b = h1.wrapping_add(i.wrapping_mul(h2)) % m;
                bits[(b / 8) as usize] |= 1 << (b % 8);
            }
        }
        TermFilter { k: Self::K, m, data: bits, at: 0 }
    }
    fn bits(&self) -> &[u8] {
        self.data.get(self.at..self.at + self.m.div_ceil(8) as usize).unwrap_or(&[])
    }
    #[inline]
    fn hashes(t: &str) -> (u64, u64) {
        let h = xxh64(t.as_bytes(), 0x5445_524d);
        (h & 0xffff_ffff, (h >> 32) | 1)
    }
    /// False means the term is certainly absent.
    #[inline]
    pub fn may_contain(&self, t: &str) -> bool {
        let (h1, h2) = Self::hashes(t);
        let bits = self.bits();
        (0..self.k as u64).all(|i| {
            let b = h1.wrapping_add(i.wrapping_mul(h2)) % self.m;
            bits.get((b / 8) as usize).is_none_or(|x| x & (1 << (b % 8)) != 0)
        })
    }
    pub fn heap_bytes(&self) -> usize {
        self.data.len()
    }
}

/// Payload: `k u8, m_bits var, bytes`.
pub fn encode_term_filter(f: &TermFilter) -> Vec<u8> {
    let mut w = Writer::new();
    w.u8(f.k);
    w.var(f.m);
    w.raw(f.bits());
    frame(ChunkKind::TermFilter, &w.buf)
}

pub fn decode_term_filter(bytes: &[u8]) -> Result<TermFilter, Error> {
    unframe(bytes, ChunkKind::TermFilter)?;
    term_filter_in_place(bytes.to_vec())
}

pub(crate) fn term_filter_in_place(frame: Vec<u8>) -> Result<TermFilter, Error> {
    let body = frame.get(HEADER_LEN..frame.len().saturating_sub(8)).ok_or(Error::Corrupt("term filter"))?;
    let mut r = Reader::new(body);
    let k = r.u8()?;
    let m = r.var()?;
    if k == 0 || k > 32 || m == 0 || m > (body.len() as u64) * 8 {
        return Err(Error::Corrupt("term filter parameters"));
    }
    let at = HEADER_LEN + r.pos;
    r.raw(m.div_ceil(8) as usize)?;
    if !r.done() {
        return Err(Error::Corrupt("trailing bytes in term filter"));
    }
    Ok(TermFilter { k, m, data: frame, at })
}

/// The kind of a chunk whose content id was just verified (so its inner checksum holds): the
/// header checks (magic, version, length) without the checksum.
pub(crate) fn verified_kind(bytes: &[u8]) -> Result<ChunkKind, Error> {
    let kind = peek_kind(bytes).ok_or(Error::BadMagic)?;
    let ver = u16::from_le_bytes([bytes[4], bytes[5]]);
    if !readable(ver, kind) {
        return Err(Error::UnsupportedVersion(ver));
    }
    if bytes.len() != HEADER_LEN + le32(bytes, 8) as usize + 8 {
        return Err(Error::Corrupt("frame length"));
    }
    Ok(kind)
}

// ---------------------------------------------------------------------------------------------
// Store

fn put_strs(w: &mut Writer, v: &[String]) {
    w.var(v.len() as u64);
    for s in v {
        w.str(s);
    }
}
fn get_strs(r: &mut Reader<'_>) -> Result<Vec<String>, Error> {
    let n = r.var()? as usize;
    if n > r.buf.len() {
        return Err(Error::Corrupt("string list"));
    }
    (0..n).map(|_| r.str().map(str::to_string)).collect()
}

pub fn encode_store(first_doc: u32, docs: &[&Document]) -> Vec<u8> {
    let mut w = Writer::new();
    w.var(first_doc as u64);
    w.var(docs.len() as u64);
    for d in docs {
        w.str(&d.id);
        w.str(&d.title);
        w.str(&d.summary);
        w.str(&d.body);
        w.str(&d.references);
        put_strs(&mut w, &d.therapeutic_areas);
        put_strs(&mut w, &d.products);
        w.str(&d.content_type);
        w.str(&d.trial_phase);
        put_strs(&mut w, &d.specialties);
        w.str(&d.language);
        put_strs(&mut w, &d.markets);
        w.u8(d.audience as u8);
        w.var(d.date as u64);
    }
    frame(ChunkKind::Store, &w.buf)
}

/// Decoded store chunk: `(first_doc, docs)`.
pub fn decode_store(bytes: &[u8]) -> Result<(u32, Vec<Document>), Error> {
    unframe(bytes, ChunkKind::Store)?;
    let st = store_in_place(bytes.to_vec())?;
    let docs = (0..st.len()).map(|k| st.doc(k)).collect::<Result<Vec<_>, _>>()?;
    Ok((st.first, docs))
}

/// A store chunk used in place: opening it finds where each document starts (lengths are
/// skipped, nothing is copied or allocated per field); [`StoreChunk::doc`] decodes one
/// document when it is shown.
#[derive(Debug)]
pub struct StoreChunk {
    frame: Vec<u8>,
    /// Segment-local docnum of the first document.
    pub first: u32,
    /// Byte offset (in `frame`) of each document, and the end of the last.
    starts: Vec<u32>,
}

impl StoreChunk {
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn heap_bytes(&self) -> usize {
        self.frame.len() + 4 * self.starts.len()
    }
    /// Document `k` of the chunk (0-based).
    pub fn doc(&self, k: usize) -> Result<Document, Error> {
        let (a, b) = match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => return Err(Error::Corrupt("store chunk range")),
        };
        let mut r = Reader::new(self.frame.get(a..b).ok_or(Error::Corrupt("store chunk range"))?);
        let s = |r: &mut Reader<'_>| r.str().map(str::to_string);
        let d = Document {
            id: s(&mut r)?,
            title: s(&mut r)?,
            summary: s(&mut r)?,
            body: s(&mut r)?,
            references: s(&mut r)?,
            therapeutic_areas: get_strs(&mut r)?,
            products: get_strs(&mut r)?,
            content_type: s(&mut r)?,
            trial_phase: s(&mut r)?,
            specialties: get_strs(&mut r)?,
            language: s(&mut r)?,
            markets: get_strs(&mut r)?,
            audience: match r.u8()? {
                0 => Audience::Public,
                1 => Audience::Hcp,
                _ => return Err(Error::Corrupt("audience")),
            },
            date: r.var32()?,
        };
        if !r.done() {
            return Err(Error::Corrupt("store document length"));
        }
        Ok(d)
    }
}

/// Skips one document's fields (the layout [`StoreChunk::doc`] reads).
fn skip_stored_doc(r: &mut Reader<'_>) -> Result<(), Error> {
    let list = |r: &mut Reader<'_>| -> Result<(), Error> {
        for _ in 0..r.var()? {
            r.bytes()?;
        }
        Ok(())
    };
    for _ in 0..5 {
        r.bytes()?; // id, title, summary, body, references
    }
    list(r)?; // therapeutic areas
    list(r)?; // products
    r.bytes()?; // content type
    r.bytes()?; // trial phase
    list(r)?; // specialties
    r.bytes()?; // language
    list(r)?; // markets
    r.u8()?; // audience
    r.var32()?; // date
    Ok(())
}

/// Uses a store frame in place (its checksum or id already checked).
pub(crate) fn store_in_place(frame: Vec<u8>) -> Result<StoreChunk, Error> {
    let body = frame.get(HEADER_LEN..frame.len().saturating_sub(8)).ok_or(Error::Corrupt("store"))?;
    let mut r = Reader::new(body);
    let first = r.var32()?;
    let n = r.var()? as usize;
    if n > body.len() {
        return Err(Error::Corrupt("store count"));
    }
    let mut starts = Vec::with_capacity(n + 1);
    for _ in 0..n {
        starts.push((HEADER_LEN + r.pos) as u32);
        skip_stored_doc(&mut r)?;
    }
    starts.push((HEADER_LEN + r.pos) as u32);
    if !r.done() {
        return Err(Error::Corrupt("trailing bytes in store"));
    }
    Ok(StoreChunk { frame, first, starts })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recomputes a frame's checksum after an edit (so the edit reaches the layout checks).
    fn fix_checksum(frame: &mut [u8]) {
        let body = frame.len() - 8;
        let sum = xxh64(&frame[..body], 0);
        frame[body..].copy_from_slice(&sum.to_le_bytes());
    }

    #[test]
    fn store_chunks_in_place() {
        let a = Document { id: "a".into(), title: "Metformin".into(), products: vec!["x".into(), "y".into()], date: 20240101, ..Default::default() };
        let b = Document { id: "b".into(), body: "ü".repeat(300), audience: Audience::Hcp, markets: vec!["DE".into()], ..Default::default() };
        let bytes = encode_store(7, &[&a, &b]);
        let st = store_in_place(bytes.clone()).unwrap();
        assert_eq!((st.first, st.len()), (7, 2));
        assert_eq!(st.doc(0).unwrap(), a);
        assert_eq!(st.doc(1).unwrap(), b);
        assert!(st.doc(2).is_err());
        assert_eq!(decode_store(&bytes).unwrap(), (7, vec![a, b]));
        // every truncation or flipped byte is an error or a readable chunk, never a panic
        for cut in 0..bytes.len() {
            let _ = store_in_place(bytes[..cut].to_vec()).map(|s| (0..s.len()).map(|k| s.doc(k).is_ok()).count());
        }
        for i in HEADER_LEN..bytes.len() - 8 {
            let mut v = bytes.clone();
            v[i] ^= 0xA5;
            let _ = store_in_place(v).map(|s| (0..s.len()).map(|k| s.doc(k).is_ok()).count());
        }
    }
    #[test]
    fn terms_are_checked_as_utf_8_each() {
        // laid end to end, every string valid, or a character split between two strings
        assert!(utf8_strings("abéc".as_bytes(), &[0, 2, 4, 5]));
        assert!(utf8_strings(b"", &[0]));
        assert!(!utf8_strings("é".as_bytes(), &[0, 1, 2]));
        assert!(!utf8_strings(&[b'a', 0xFF], &[0, 1, 2]));
        // a postings chunk and a lexicon whose terms "x" and "y" are edited into the two halves
        // of "é": the bytes end to end are valid UTF-8, each term is not
        let split = |mut frame: Vec<u8>| {
            let at = |b: u8| frame.iter().position(|&x| x == b).unwrap();
            let (x, y) = (at(b'x'), at(b'y'));
            frame[x] = 0xC3;
            frame[y] = 0xA9;
            fix_checksum(&mut frame);
            frame
        };
        let postings = encode_postings(&[("x", 1, &[0x10]), ("y", 1, &[0x10])]);
        assert!(decode_postings(&postings).is_ok());
        assert!(matches!(decode_postings(&split(postings)), Err(Error::Corrupt("term utf-8"))));
        let lexicon = encode_lexicon(&[("x", 1, ""), ("y", 1, "")]);
        assert!(decode_lexicon(&lexicon).is_ok());
        assert!(matches!(decode_lexicon(&split(lexicon)), Err(Error::Corrupt("utf-8"))));
        // a display form whose suffix splits a character from its term's prefix
        let lexicon = encode_lexicon(&[("ab", 1, "ay")]);
        assert_eq!(decode_lexicon(&lexicon).unwrap().display(0), "ay");
        let mut frame = lexicon.clone();
        let y = frame.iter().rposition(|&b| b == b'y').unwrap();
        frame[y] = 0xA9;
        fix_checksum(&mut frame);
        assert!(matches!(decode_lexicon(&frame), Err(Error::Corrupt("display utf-8"))));
    }
    #[test]
    fn posting_lists_round_trip() {
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        let mut dense_lists = 0;
        for &n in &[0usize, 1, 5, 127, 128, 129, 300, 1000] {
            for spread in [1u32, 3, 1000, 1 << 20] {
                let mut d = 0u32;
                let mut v = Vec::new();
                for i in 0..n {
                    d += if i == 0 { rnd() % spread } else { 1 + rnd() % spread };
                    v.push((d, 1 + (rnd() % 15) as u8));
                }
                let mut out = Vec::new();
                encode_posting_list(&v, &mut out);
                let dense = n >= BLOCK && out[0] == DENSE_MARKER;
                if !dense {
                    let back: Vec<(u32, u8)> = PostingIter::new(&out, n as u32).collect();
                    assert_eq!(back, v, "n={n} spread={spread}");
                }
                // the smaller layout was chosen
                let mut packed = Vec::new();
                encode_packed(&v, &mut packed);
                assert!(out.len() <= packed.len());
                assert_eq!(dense, out.len() < packed.len());
                dense_lists += usize::from(dense);
                let chunk = decode_postings(&encode_postings(&[("t", n as u32, &out)])).unwrap();
                assert_eq!(chunk.is_dense(0), dense);
                assert_eq!(chunk.iter(0).collect::<Vec<_>>(), v, "iter n={n} spread={spread}");
                // block decoding (skip table + bulk unpacking) agrees with the iterator
                let skips = chunk.skips(0);
                if !dense {
                    assert_eq!(chunk.block_count(0), n.div_ceil(BLOCK));
                }
                let (mut docs, mut imps) = ([0u32; BLOCK], [0u8; BLOCK]);
                let mut blocks = Vec::new();
                for (b, skip) in skips.iter().enumerate() {
                    let k = chunk.decode_block(0, b, &mut docs, Some(&mut imps));
                    assert_eq!(skip.last, docs[k - 1]);
                    assert_eq!(skip.max_imp, *imps[..k].iter().max().unwrap());
                    blocks.extend(docs[..k].iter().copied().zip(imps[..k].iter().copied()));
                }
                assert_eq!(blocks, v, "blocks n={n} spread={spread}");
                assert_eq!(chunk.max_impact(0), v.iter().map(|p| p.1).max().unwrap_or(0));
                if dense {
                    // membership + impact by bit test and rank, for present and absent docnums
                    let last = v.last().unwrap().0;
                    let view = chunk.dense_view(0).unwrap();
                    for d in 0..=last + 65 {
                        let want = v.binary_search_by_key(&d, |p| p.0).map_or(0, |i| v[i].1);
                        assert_eq!(view.impact(d), want, "dense d={d}");
                    }
                }
            }
        }
        assert!(dense_lists > 0, "no list took the dense layout");
    }

    /// The store directory is a table used in place (version 6): the chunk of a document is
    /// found by binary search; a meta of version 5 (its directory as varints) decodes to the
    /// same meta; a truncated or corrupt table gives errors or wrong-but-safe answers.
    #[test]
    fn the_store_directory_is_used_in_place_and_version_5_metas_still_decode() {
        let refs: Vec<StoreRef> = (0..50u32)
            .map(|i| StoreRef { first_doc: i * 7, chunk: ChunkRef { id: ChunkId(0x1234_5678_9ABC_DEF0 ^ i as u64), len: 1000 + i } })
            .collect();
        let dir = StoreDir::from_refs(&refs);
        assert_eq!(dir.iter().collect::<Vec<_>>(), refs);
        for local in 0..400u32 {
            let want = refs.iter().rev().find(|r| r.first_doc <= local);
            assert_eq!(dir.chunk_of(local).as_ref(), want, "doc {local}");
        }
        assert_eq!((dir.get(50), StoreDir::default().chunk_of(0)), (None, None));
        let seg = SegmentMeta {
            id: 3,
            doc_count: 350,
            field_len_sum: [1; NUM_FIELDS],
            avg_len: [1.0; NUM_FIELDS],
            lexicon: ChunkRef { id: ChunkId(1), len: 10 },
            term_filter: ChunkRef { id: ChunkId(2), len: 10 },
            postings: vec![PostingsRef { first_term: "a".into(), chunk: ChunkRef { id: ChunkId(3), len: 10 } }],
            doc_pages: vec![ChunkRef { id: ChunkId(4), len: 10 }, ChunkRef { id: ChunkId(5), len: 10 }],
            facets: ChunkRef { id: ChunkId(6), len: 10 },
            store: dir.clone(),
            deleted: vec![2, 9],
        };
        let meta = Meta { generation: 4, config: IndexConfig::default(), segments: vec![seg], next_segment_id: 4 };
        let (v6, v5) = (encode_meta(&meta), encode_meta_as(&meta, 5));
        assert_eq!((u16::from_le_bytes([v5[4], v5[5]]), u16::from_le_bytes([v6[4], v6[5]])), (5, FORMAT_VERSION));
        assert_eq!(decode_meta(&v6).unwrap(), meta);
        assert_eq!(decode_meta(&v5).unwrap(), meta, "a version 5 meta decodes to the same meta");
        assert_eq!(decode_meta(&v6).unwrap().segments[0].chunk_refs().count(), 6 + 50);
        // a table cut short is refused; flipped bytes are refused or read without panicking
        for cut in [1, 8, 16, 17] {
            let mut bad = v6[..v6.len() - 8].to_vec();
            bad.truncate(bad.len() - cut);
            assert!(decode_meta(&frame(ChunkKind::Meta, &bad[HEADER_LEN..])).is_err(), "cut {cut}");
        }
        for pos in HEADER_LEN..v6.len() - 8 {
            let mut bad = v6.clone();
            bad[pos] ^= 0x5A;
            fix_checksum(&mut bad);
            if let Ok(m) = decode_meta(&bad) {
                for s in &m.segments {
                    for d in 0..400 {
                        let _ = s.store.chunk_of(d);
                    }
                    let _ = s.chunk_refs().count();
                }
            }
        }
    }

    /// A field where no document has two values is stored as one column when that is smaller
    /// (a field with a document in two values, or too few documents, is not), and answers
    /// every question as the per-value sets it replaces: members, sets shifted to a segment
    /// base, counts per value (one pass and per value), membership; corrupt bytes give errors
    /// or empty answers.
    #[test]
    fn single_valued_fields_are_stored_as_columns() {
        let n = 1000u32;
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        // field 0: five dense values and some documents without one; field 1: a document in
        // two values; field 2: two sparse values (columns would be larger)
        let mut five: Vec<(String, Vec<u32>)> = (0..5).map(|v| (format!("v{v}"), Vec::new())).collect();
        for d in 0..n {
            let c = next() % 6;
            if c < 5 {
                five[c as usize].1.push(d);
            }
        }
        let two = vec![("a".to_string(), (0..n).filter(|d| d % 2 == 0).collect::<Vec<_>>()), ("b".to_string(), (0..n).filter(|d| d % 3 == 0).collect())];
        let sparse = vec![("p".to_string(), vec![3u32, 70]), ("q".to_string(), vec![5u32])];
        // field 3: 300 rare values, one a document: a column of 9 planes (smaller than 300
        // docnum lists), which counts by reading codes and never expands
        let many: Vec<(String, Vec<u32>)> = (0..300u32).map(|v| (format!("p{v:03}"), (v..n).step_by(300).collect())).collect();
        let mut lists: FacetLists = vec![five.clone(), two.clone(), sparse.clone(), many.clone()];
        lists.resize(NUM_FACETS, Vec::new());
        // ten years, every document dated: a column of four planes instead of ten bitmaps
        let dates: Vec<u32> = (0..n).map(|d| (2015 + d % 10) * 10000 + 101).collect();
        let bytes = encode_facets(&lists, &dates);
        let f = decode_facets_chunk(&bytes).unwrap();
        let (b, d) = f.dir();
        assert!(d.column(b, 0).is_some() && d.column(b, NUM_FACETS).is_some(), "single-valued dense fields are columns");
        assert!(d.column(b, 1).is_none() && d.column(b, 2).is_none() && d.column(b, 4).is_none());
        assert!(d.column(b, 3).is_some(), "rare values, one a document, are a column too");
        assert!(d.expansion_pays(b, 0) && d.expansion_pays(b, NUM_FACETS), "a few dense values expand to the per-value bitmaps");
        assert!(!d.expansion_pays(b, 3), "300 rare values would expand to 300 bitmaps: they are counted from the column");
        assert!(matches!(d.docs(b, 0), DocsRef::Column(..)) && matches!(d.docs(b, 5), DocsRef::Bitmap(_)));
        let words = (n as usize).div_ceil(64);
        // without field 3, the chunk is the other fields' entries and names, two bitmaps and two
        // lists (fields 1 and 2), and 3 + 4 planes where ten year bitmaps and five value
        // bitmaps would be
        let mut few = lists.clone();
        few[3].clear();
        let few = encode_facets(&few, &dates);
        let small = few.len();
        assert!(small < 1000 + (2 + 3 + 4) * 8 * words, "columns are smaller: {small} B");
        assert!(small + 10 * 8 * words < 1000 + (2 + 10 + 5) * 8 * words);
        let years: Vec<(String, Vec<u32>)> = (0..10).rev().map(|k| ((2015 + k).to_string(), (0..n).filter(|d| d % 10 == k).collect())).collect();
        type Values = [(String, Vec<u32>)];
        let want: [(usize, &Values); 5] = [(0, &five), (1, &two), (2, &sparse), (3, &many), (NUM_FACETS, &years)];
        assert_eq!(f.to_lists()[..4], [five.clone(), two.clone(), sparse.clone(), many.clone()]);
        for base in [0u32, 1, 63, 64, 77, 200] {
            let total = (base + n + 70) as usize;
            let mut probe = crate::Bitset::new(total);
            (0..total as u32).filter(|_| next() % 3 != 0).for_each(|x| probe.set(x));
            let mut thin = crate::Bitset::new(total);
            (0..total as u32).filter(|_| next() % 50 == 0).for_each(|x| thin.set(x));
            for &(field, values) in &want {
                let r = d.field(b, field);
                assert_eq!(r.len(), values.len());
                // a column's one-pass counts and expansion, once per field
                let col = d.column(b, field);
                let counted = col.map(|c| (c.counts_in(base, &probe), c.counts_in(base, &thin)));
                let x = col.map(|c| c.expand()).unwrap_or_default();
                for (e, (name, docs)) in r.clone().zip(values.iter()) {
                    assert_eq!(d.name(b, e), name);
                    assert_eq!(d.docs(b, e).to_vec(), *docs, "field {field} value {name}");
                    let mut m = crate::Bitset::new(total);
                    d.docs(b, e).add_to(base, &mut m);
                    assert_eq!(m.iter().collect::<Vec<_>>(), docs.iter().map(|x| x + base).collect::<Vec<_>>(), "base {base}");
                    for (k, set) in [&probe, &thin].into_iter().enumerate() {
                        let expect = docs.iter().filter(|&&x| set.get(x + base)).count();
                        assert_eq!(d.docs(b, e).count_in(base, set), expect, "count base {base}");
                        if let (Some(col), Some(counted)) = (col, &counted) {
                            let one_pass = if k == 0 { &counted.0 } else { &counted.1 };
                            assert_eq!(one_pass[col.code(e)] as usize, expect, "one-pass count base {base}");
                            assert_eq!(col.expanded(&x, e).count_in(base, set), expect, "expanded count base {base}");
                            assert_eq!(col.expanded(&x, e).to_vec(), *docs, "expanded");
                        }
                    }
                }
                for x in 0..n + 64 {
                    let member: Vec<bool> = r.clone().map(|e| d.docs(b, e).contains(x)).collect();
                    assert_eq!(member, values.iter().map(|v| v.1.contains(&x)).collect::<Vec<_>>(), "doc {x}");
                }
            }
        }
        // a facets chunk of version 5 (no columns) is read as it is; a later version is refused
        let v5 = encode_facets(&vec![vec![("a".to_string(), vec![1u32, 2])]; NUM_FACETS], &[0, 0, 0]);
        let with_version = |mut c: Vec<u8>, v: u16| {
            c[4..6].copy_from_slice(&v.to_le_bytes());
            fix_checksum(&mut c);
            c
        };
        assert_eq!(decode_facets(&with_version(v5.clone(), 5)).unwrap()[0], [("a".to_string(), vec![1, 2])]);
        assert!(matches!(decode_facets_chunk(&with_version(v5.clone(), 4)), Err(Error::UnsupportedVersion(4))));
        assert!(matches!(decode_facets_chunk(&with_version(v5, 7)), Err(Error::UnsupportedVersion(7))));
        flipped_facets_read_safely(&few, n);
    }

    /// Facet lists and years used in place: sets shifted to a segment base that is not a
    /// multiple of 64, counts, membership; corrupt bytes give errors or empty answers.
    #[test]
    fn value_directories_in_place() {
        let n = 1000u32;
        let dense: Vec<u32> = (0..n).filter(|d| d % 3 == 0).collect();
        let sparse = vec![5u32, 64, 999];
        let lists: FacetLists = vec![vec![("b".into(), sparse.clone()), ("a".into(), dense.clone())], vec![], vec![], vec![], vec![], vec![], vec![]];
        let lists: FacetLists = lists.into_iter().take(NUM_FACETS).chain(std::iter::repeat_with(Vec::new)).take(NUM_FACETS).collect();
        let dates: Vec<u32> = (0..n).map(|d| if d % 2 == 0 { 20240105 } else if d % 3 == 0 { 20190101 } else { 0 }).collect();
        let bytes = encode_facets(&lists, &dates);
        let f = decode_facets_chunk(&bytes).unwrap();
        let (b, d) = f.dir();
        assert_eq!(d.field(b, 0).map(|e| d.name(b, e)).collect::<Vec<_>>(), ["a", "b"], "values sorted");
        assert!(matches!(d.docs(b, 0), DocsRef::Bitmap(_)) && matches!(d.docs(b, 1), DocsRef::List(_)));
        assert_eq!(d.docs(b, 0).to_vec(), dense);
        assert_eq!(d.docs(b, 1).to_vec(), sparse);
        for base in [0u32, 1, 63, 64, 77, 200] {
            let total = (base + n + 10) as usize;
            for e in 0..2 {
                let want = if e == 0 { &dense } else { &sparse };
                let mut m = crate::Bitset::new(total);
                d.docs(b, e).add_to(base, &mut m);
                assert_eq!(m.iter().collect::<Vec<_>>(), want.iter().map(|x| x + base).collect::<Vec<_>>(), "base {base}");
                let mut probe = crate::Bitset::new(total);
                (0..total as u32).filter(|x| x % 2 == 0).for_each(|x| probe.set(x));
                let expect = want.iter().filter(|&&x| (x + base) % 2 == 0).count();
                assert_eq!(d.docs(b, e).count_in(base, &probe), expect, "count base {base}");
                for x in 0..n {
                    assert_eq!(d.docs(b, e).contains(x), want.contains(&x));
                }
            }
        }
        assert_eq!(decode_facets(&bytes).unwrap()[0][0], ("a".to_string(), dense.clone()));
        assert_eq!(f.doc_count(), n);
        // the years field (newest first) after the facet fields
        let years = |want: u32| dates.iter().enumerate().filter(|e| *e.1 == want).map(|e| e.0 as u32).collect::<Vec<_>>();
        let got: Vec<(&str, Vec<u32>)> = d.field(b, NUM_FACETS).map(|e| (d.name(b, e), d.docs(b, e).to_vec())).collect();
        assert_eq!(got, [("2024", years(20240105)), ("2019", years(20190101))]);
        // doc pages: dates and ids, DOC_PAGE documents a page
        let t = decode_doc_page(&encode_doc_page(&["x1", "é2", "x3"], &[20240105, 0, 20190101])).unwrap();
        assert_eq!((t.date(0), t.date(1), t.date(2), t.date(9)), (20240105, 0, 20190101, 0));
        assert_eq!((t.id(1), t.id(3)), ("é2", ""));
        let ids: Vec<String> = (0..DOC_PAGE * 2 + 3).map(|i| format!("d{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let pages = encode_doc_pages(&refs, &vec![7; refs.len()]);
        assert_eq!(pages.len(), 3);
        let last = decode_doc_page(&pages[2]).unwrap();
        assert_eq!((last.len(), last.id(2), last.date(2)), (3, ids[DOC_PAGE * 2 + 2].as_str(), 7));
        flipped_facets_read_safely(&bytes, n);
    }

    /// Every byte of a facets chunk of `n` documents flipped (checksum fixed up): the chunk is
    /// refused, or every question to every field gets an answer without a panic.
    fn flipped_facets_read_safely(bytes: &[u8], n: u32) {
        for pos in HEADER_LEN..bytes.len() - 8 {
            let mut bad = bytes.to_vec();
            bad[pos] ^= 0xA5;
            fix_checksum(&mut bad);
            if let Ok(f) = decode_facets_chunk(&bad) {
                let (b, d) = f.dir();
                let mut m = crate::Bitset::new(n as usize);
                for field in 0..=NUM_FACETS {
                    for e in d.field(b, field) {
                        d.docs(b, e).add_to(3, &mut m);
                        let _ = (d.docs(b, e).count_in(3, &m), d.docs(b, e).contains(7), d.name(b, e), d.docs(b, e).to_vec());
                    }
                    let _ = (d.column(b, field).map(|c| (c.counts_in(5, &m), c.expand())), d.expansion_pays(b, field));
                }
            }
        }
    }
}
