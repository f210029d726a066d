//! Chunk storage abstraction and the per-isolate decoded-chunk cache.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::format::{self, ChunkId, ChunkKind, DocPage, Facets, Lexicon, PostingsChunk, StoreChunk};
use crate::error::Error;

/// Where chunk bytes come from (KV, object storage, memory, files). Keys are
/// `ChunkId::to_string()`; values are the framed chunk bytes. Content-addressed, so a host may
/// cache them indefinitely. Async hosts prefetch the ids from [`crate::Searcher::plan`] and
/// hand the bytes over with [`ChunkCache::insert_bytes`] before searching.
pub trait ChunkSource {
    fn get(&self, id: ChunkId) -> Option<Vec<u8>>;
}

impl<T: ChunkSource + ?Sized> ChunkSource for &T {
    fn get(&self, id: ChunkId) -> Option<Vec<u8>> {
        (**self).get(id)
    }
}
impl<T: ChunkSource + ?Sized> ChunkSource for Rc<T> {
    fn get(&self, id: ChunkId) -> Option<Vec<u8>> {
        (**self).get(id)
    }
}
impl<T: ChunkSource + ?Sized> ChunkSource for Box<T> {
    fn get(&self, id: ChunkId) -> Option<Vec<u8>> {
        (**self).get(id)
    }
}

/// In-memory chunk store (tests, CLIs, and a simple host-side staging area).
#[derive(Default)]
pub struct MemorySource {
    map: RefCell<HashMap<ChunkId, Vec<u8>>>,
}

impl MemorySource {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn put(&self, id: ChunkId, bytes: Vec<u8>) {
        self.map.borrow_mut().insert(id, bytes);
    }
    pub fn put_all(&self, chunks: &[(ChunkId, Vec<u8>)]) {
        for (id, b) in chunks {
            self.put(*id, b.clone());
        }
    }
    pub fn remove(&self, id: ChunkId) -> Option<Vec<u8>> {
        self.map.borrow_mut().remove(&id)
    }
    /// Replace a chunk's bytes (tests: simulate corruption).
    pub fn tamper(&self, id: ChunkId, f: impl FnOnce(&mut Vec<u8>)) {
        if let Some(b) = self.map.borrow_mut().get_mut(&id) {
            f(b)
        }
    }
    pub fn len(&self) -> usize {
        self.map.borrow().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn ids(&self) -> Vec<ChunkId> {
        self.map.borrow().keys().copied().collect()
    }
    /// Keep only the given ids (garbage-collect unreferenced chunks).
    pub fn retain(&self, live: &[ChunkId]) {
        let set: std::collections::HashSet<_> = live.iter().collect();
        self.map.borrow_mut().retain(|k, _| set.contains(k));
    }
}

impl ChunkSource for MemorySource {
    fn get(&self, id: ChunkId) -> Option<Vec<u8>> {
        self.map.borrow().get(&id).cloned()
    }
}

/// A decoded chunk.
#[derive(Debug)]
pub enum Decoded {
    Postings(PostingsChunk),
    Lexicon(Lexicon),
    DocPage(DocPage),
    Facets(Facets),
    /// Stored documents, decoded one at a time.
    Store(StoreChunk),
    TermFilter(format::TermFilter),
}

impl Decoded {
    fn heap_bytes(&self) -> usize {
        match self {
            Decoded::Postings(p) => p.heap_bytes(),
            Decoded::Lexicon(l) => l.heap_bytes(),
            Decoded::DocPage(t) => t.heap_bytes(),
            Decoded::Facets(f) => f.heap_bytes(),
            Decoded::TermFilter(f) => f.heap_bytes(),
            Decoded::Store(s) => s.heap_bytes(),
        }
    }
}

/// Decodes a chunk whose content id was just verified: the chunks used in place keep the
/// frame, without copying it; the others decode as `decode_any`.
fn decode_verified(bytes: Vec<u8>) -> Result<Decoded, Error> {
    Ok(match format::verified_kind(&bytes)? {
        ChunkKind::DocPage => Decoded::DocPage(format::doc_page_in_place(bytes)?),
        ChunkKind::Facets => Decoded::Facets(format::facets_in_place(bytes)?),
        ChunkKind::TermFilter => Decoded::TermFilter(format::term_filter_in_place(bytes)?),
        ChunkKind::Postings => Decoded::Postings(format::postings_in_place(bytes)?),
        ChunkKind::Store => Decoded::Store(format::store_in_place(bytes)?),
        _ => return decode_any(&bytes),
    })
}

/// Decode framed bytes of any kind (validates checksum).
pub fn decode_any(bytes: &[u8]) -> Result<Decoded, Error> {
    Ok(match format::peek_kind(bytes).ok_or(Error::BadMagic)? {
        ChunkKind::Postings => Decoded::Postings(format::decode_postings(bytes)?),
        ChunkKind::Lexicon => Decoded::Lexicon(format::decode_lexicon(bytes)?),
        ChunkKind::DocPage => Decoded::DocPage(format::decode_doc_page(bytes)?),
        ChunkKind::Facets => Decoded::Facets(format::decode_facets_chunk(bytes)?),
        ChunkKind::Store => {
            format::unframe(bytes, ChunkKind::Store)?;
            Decoded::Store(format::store_in_place(bytes.to_vec())?)
        }
        ChunkKind::TermFilter => Decoded::TermFilter(format::decode_term_filter(bytes)?),
        ChunkKind::Meta => return Err(Error::WrongKind),
    })
}

struct Entry {
    value: Rc<Decoded>,
    bytes: usize,
    tick: u64,
}

struct Inner {
    map: HashMap<ChunkId, Entry>,
    bytes: usize,
    budget: usize,
    tick: u64,
    hits: u64,
    misses: u64,
}

/// LRU cache of decoded chunks with a byte budget. Keep one per isolate and share it between
/// successive [`crate::Searcher`]s (chunks are content-addressed, so entries stay valid when
/// the meta changes).
pub struct ChunkCache {
    inner: RefCell<Inner>,
}

/// Cache statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: usize,
    pub bytes: usize,
    pub hits: u64,
    pub misses: u64,
}

impl Default for ChunkCache {
    fn default() -> Self {
        Self::new(32 << 20)
    }
}

impl ChunkCache {
    pub fn new(budget_bytes: usize) -> Self {
        Self {
            inner: RefCell::new(Inner {
                map: HashMap::new(),
                bytes: 0,
                budget: budget_bytes,
                tick: 0,
                hits: 0,
                misses: 0,
            }),
        }
    }

    pub fn stats(&self) -> CacheStats {
        let i = self.inner.borrow();
        CacheStats { entries: i.map.len(), bytes: i.bytes, hits: i.hits, misses: i.misses }
    }

    pub fn contains(&self, id: ChunkId) -> bool {
        self.inner.borrow().map.contains_key(&id)
    }

    /// Verify (hash + checksum), decode and cache chunk bytes fetched by the host (kept as
    /// they are: chunks are used in place, so the bytes are not copied).
    pub fn insert_bytes(&self, id: ChunkId, bytes: Vec<u8>) -> Result<Rc<Decoded>, Error> {
        self.insert_owned(id, bytes)
    }

    fn insert_owned(&self, id: ChunkId, bytes: Vec<u8>) -> Result<Rc<Decoded>, Error> {
        if ChunkId::of(&bytes) != id {
            return Err(Error::HashMismatch(id));
        }
        // the id covers every byte of the frame, its checksum included
        let value = Rc::new(decode_verified(bytes)?);
        self.insert(id, value.clone());
        Ok(value)
    }

    fn insert(&self, id: ChunkId, value: Rc<Decoded>) {
        let mut i = self.inner.borrow_mut();
        i.tick += 1;
        let size = value.heap_bytes();
        let tick = i.tick;
        if let Some(old) = i.map.insert(id, Entry { value, bytes: size, tick }) {
            i.bytes -= old.bytes;
        }
        i.bytes += size;
        while i.bytes > i.budget && i.map.len() > 1 {
            let victim = i
                .map
                .iter()
                .filter(|(k, _)| **k != id)
                .min_by_key(|(_, e)| e.tick)
                .map(|(k, _)| *k);
            match victim {
                Some(v) => {
                    let e = i.map.remove(&v).unwrap();
                    i.bytes -= e.bytes;
                }
                None => break,
            }
        }
    }

    /// Get a decoded chunk, loading it from `src` on a miss.
    pub fn get(&self, id: ChunkId, src: &dyn ChunkSource) -> Result<Rc<Decoded>, Error> {
        {
            let mut i = self.inner.borrow_mut();
            i.tick += 1;
            let t = i.tick;
            if let Some(e) = i.map.get_mut(&id) {
                e.tick = t;
                let v = e.value.clone();
                i.hits += 1;
                return Ok(v);
            }
            i.misses += 1;
        }
        let bytes = src.get(id).ok_or(Error::MissingChunk(id))?;
        self.insert_owned(id, bytes)
    }

    pub fn clear(&self) {
        let mut i = self.inner.borrow_mut();
        i.map.clear();
        i.bytes = 0;
    }
}
