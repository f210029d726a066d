//! Where the search index lives in `blob_global` (object storage: R2 on Workers, the
//! key-value-backed blob store on Spin and natively), and async helpers to move chunks.
//!
//! ```text
//! search/v1/vocab                          pre-analysed medical vocabulary (Vocab::encode), as uploaded
//! search/v1/vocab.dir                      its split directory (Vocab::split): what searches read
//! search/v1/vocab.dir.prev                 the previous directory (readers' one-generation grace)
//! search/v1/vocab.part/<id>                a part of the split vocabulary, named by content hash
//! search/v1/indexes                        index names, one per line ("global-en", "DE-de", …)
//! search/v1/head                           what a reader opens: every registered index's and view's
//!                                          meta in one object (Head), rewritten after each publish
//! search/v1/idx/<market>-<lang>/meta       index meta: the publish point (written last)
//! search/v1/idx/<market>-<lang>/meta.prev  the previous meta (readers' one-generation grace)
//! search/v1/idx/<market>-<lang>/status     `key=value` lines: generation, counts, bytes, last publish, rebuild
//! search/v1/idx/<market>-<lang>/chunk/<id> content-addressed chunks (16 hex digits of xxh64)
//! search/v1/idx/<market>-<lang>.public/…   the index's public view (same layout)
//! ```
//!
//! One index per market (`global` = approved for every market, or an ISO alpha-2 code) and
//! language, plus its *public view*: the same items with HCP-only items reduced to their
//! public fields (the visibility module's `public_fields` rule), published with it. Visitors
//! who may not read HCP content search the public views only, so nothing they see (results, the
//! count of HCP-only results, did-you-mean, typo corrections, suggestions) can depend on
//! the text of an HCP-only item. The registry lists the indexes, never their views.
//! Everything here is approved, non-personal content (global stores only).

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use medportal_core::ports::BlobStore;
use medportal_core::{Error, Result};
use medportal_search_index::ChunkId;

pub const VOCAB_KEY: &str = "search/v1/vocab";
pub const VOCAB_DIR_KEY: &str = "search/v1/vocab.dir";
pub const VOCAB_PREV_DIR_KEY: &str = "search/v1/vocab.dir.prev";
pub const VOCAB_PART_PREFIX: &str = "search/v1/vocab.part/";

/// Where a part of the split vocabulary is stored.
pub fn vocab_part_key(id: ChunkId) -> String {
    format!("{VOCAB_PART_PREFIX}{id}")
}
pub const REGISTRY_KEY: &str = "search/v1/indexes";
pub const HEAD_KEY: &str = "search/v1/head";
const OCTETS: &str = "application/octet-stream";
const TEXT: &str = "text/plain; charset=utf-8";
/// Storage operations in flight at once (chunk uploads and fetches).
const PARALLEL: usize = 8;

/// One index: a market and a content language.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexKey {
    /// `global` or an ISO 3166-1 alpha-2 code in upper case.
    pub market: String,
    /// ISO 639-1/-2 code in lower case (`en`, `de`).
    pub language: String,
    /// The index's public view (see the module documentation).
    pub public: bool,
}

/// Normalises a market code: `global`, or two ASCII letters (upper-cased).
pub fn market_code(s: &str) -> Option<String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("global") {
        return Some("global".into());
    }
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())).then(|| s.to_ascii_uppercase())
}

/// Normalises a content language code: two or three ASCII letters (lower-cased).
pub fn language_code(s: &str) -> Option<String> {
    let s = s.trim();
    ((2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())).then(|| s.to_ascii_lowercase())
}

impl IndexKey {
    pub fn new(market: &str, language: &str) -> Result<IndexKey> {
        let market = market_code(market)
            .ok_or_else(|| Error::bad_request("invalid_market", "market must be \"global\" or an ISO 3166-1 alpha-2 code."))?;
        let language = language_code(language)
            .ok_or_else(|| Error::bad_request("invalid_language", "language must be an ISO 639 code such as \"en\"."))?;
        Ok(IndexKey { market, language, public: false })
    }

    /// Parses `DE-de` / `global-en`.
    pub fn parse(name: &str) -> Option<IndexKey> {
        let (m, l) = name.rsplit_once('-')?;
        let key = IndexKey { market: market_code(m)?, language: language_code(l)?, public: false };
        (key.name() == name).then_some(key)
    }

    /// An index or a public view by its [`IndexKey::name`] (the head names both).
    pub fn parse_any(name: &str) -> Option<IndexKey> {
        match name.strip_suffix(".public") {
            Some(index) => IndexKey::parse(index).map(|k| k.public_view()),
            None => IndexKey::parse(name),
        }
    }

    /// `DE-de`; a public view is `DE-de.public` (which [`IndexKey::parse`] refuses: views
    /// are never registered nor rebuilt by name).
    pub fn name(&self) -> String {
        let view = if self.public { ".public" } else { "" };
        format!("{}-{}{view}", self.market, self.language)
    }

    /// The public view of this index.
    pub fn public_view(&self) -> IndexKey {
        IndexKey { public: true, ..self.clone() }
    }
    fn prefix(&self) -> String {
        format!("search/v1/idx/{}", self.name())
    }
    pub fn meta_key(&self) -> String {
        format!("{}/meta", self.prefix())
    }
    pub fn prev_meta_key(&self) -> String {
        format!("{}/meta.prev", self.prefix())
    }
    pub fn status_key(&self) -> String {
        format!("{}/status", self.prefix())
    }
    pub fn chunk_prefix(&self) -> String {
        format!("{}/chunk/", self.prefix())
    }
    pub fn chunk_key(&self, id: ChunkId) -> String {
        format!("{}{id}", self.chunk_prefix())
    }
}

/// Where a rebuild is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RebuildState {
    /// Reading the stored documents (`done` of `total` store chunks).
    #[default]
    Reading,
    Done,
    Failed,
}

impl RebuildState {
    pub fn as_str(self) -> &'static str {
        match self {
            RebuildState::Reading => "reading",
            RebuildState::Done => "done",
            RebuildState::Failed => "failed",
        }
    }
    /// Anything else reads as `Reading` (shown as running, like before it was typed).
    pub fn parse(s: &str) -> RebuildState {
        match s {
            "done" => RebuildState::Done,
            "failed" => RebuildState::Failed,
            _ => RebuildState::Reading,
        }
    }
}

/// Who published an index generation: a kind, never a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publisher {
    /// Content publishing (the indexing token).
    Publishing,
    /// Staff on the admin page.
    Admin,
}

impl Publisher {
    pub fn as_str(self) -> &'static str {
        match self {
            Publisher::Publishing => "publishing",
            Publisher::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Publisher> {
        match s {
            "publishing" => Some(Publisher::Publishing),
            "admin" => Some(Publisher::Admin),
            _ => None,
        }
    }
}

/// Progress of an index rebuild (shown on the admin page).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rebuild {
    pub state: RebuildState,
    pub done: u64,
    pub total: u64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
}

/// What the admin page shows about an index. Non-personal: who published is a kind
/// (`publishing`, `admin`), never a person (that is in the audit trail of their region).
/// Stored as `key=value` lines (a few bytes of parsing code instead of a serde
/// deserializer in the size-limited Worker).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexStatus {
    pub generation: u64,
    /// Live documents.
    pub documents: u64,
    /// Withdrawn or replaced documents still stored in segments (until a merge).
    pub tombstones: u64,
    pub segments: u64,
    pub chunks: u64,
    /// Meta plus every live chunk.
    pub bytes: u64,
    pub published_at: i64,
    /// None before the first publish.
    pub published_by: Option<Publisher>,
    pub rebuild: Option<Rebuild>,
}

impl IndexStatus {
    pub fn encode(&self) -> String {
        let mut s = format!(
            "generation={}\ndocuments={}\ntombstones={}\nsegments={}\nchunks={}\nbytes={}\npublished_at={}\npublished_by={}\n",
            self.generation, self.documents, self.tombstones, self.segments, self.chunks, self.bytes, self.published_at, self.published_by.map_or("", Publisher::as_str)
        );
        if let Some(r) = &self.rebuild {
            s.push_str(&format!(
                "rebuild.state={}\nrebuild.done={}\nrebuild.total={}\nrebuild.started_at={}\nrebuild.finished_at={}\n",
                r.state.as_str(),
                r.done,
                r.total,
                r.started_at,
                r.finished_at.unwrap_or(0)
            ));
        }
        s
    }

    /// Unknown keys are ignored; malformed numbers read as 0 (display data only).
    pub fn decode(text: &str) -> IndexStatus {
        let mut st = IndexStatus::default();
        let mut r = Rebuild::default();
        let mut has_rebuild = false;
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else { continue };
            let n = || v.parse::<u64>().unwrap_or(0);
            let i = || v.parse::<i64>().unwrap_or(0);
            match k {
                "generation" => st.generation = n(),
                "documents" => st.documents = n(),
                "tombstones" => st.tombstones = n(),
                "segments" => st.segments = n(),
                "chunks" => st.chunks = n(),
                "bytes" => st.bytes = n(),
                "published_at" => st.published_at = i(),
                "published_by" => st.published_by = Publisher::parse(v),
                "rebuild.state" => {
                    has_rebuild = true;
                    r.state = RebuildState::parse(v)
                }
                "rebuild.done" => r.done = n(),
                "rebuild.total" => r.total = n(),
                "rebuild.started_at" => r.started_at = i(),
                "rebuild.finished_at" => r.finished_at = Some(i()).filter(|t| *t > 0),
                _ => {}
            }
        }
        st.rebuild = has_rebuild.then_some(r);
        st
    }
}

/// Reads an object; `None` when absent.
pub async fn get<B: BlobStore>(blob: &B, key: &str) -> Result<Option<Vec<u8>>> {
    Ok(blob.get(key).await?.map(|b| b.bytes))
}

pub async fn put_bytes<B: BlobStore>(blob: &B, key: &str, bytes: &[u8]) -> Result<()> {
    blob.put(key, bytes, OCTETS).await
}

/// An index's status (default when none was written yet).
pub async fn status<B: BlobStore>(blob: &B, key: &IndexKey) -> Result<IndexStatus> {
    Ok(get(blob, &key.status_key()).await?.map(|b| IndexStatus::decode(&String::from_utf8_lossy(&b))).unwrap_or_default())
}

pub async fn put_status<B: BlobStore>(blob: &B, key: &IndexKey, status: &IndexStatus) -> Result<()> {
    blob.put(&key.status_key(), status.encode().as_bytes(), TEXT).await
}

/// The registered indexes, sorted by name (a line that is not an index name is skipped).
pub async fn registry<B: BlobStore>(blob: &B) -> Result<Vec<IndexKey>> {
    let text = get(blob, REGISTRY_KEY).await?.unwrap_or_default();
    let lines = text.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    Ok(by_name(lines.filter_map(|l| std::str::from_utf8(l).ok()).map(str::to_owned).collect()))
}

/// The indexes of `names` sorted by name, without duplicates, names that are none left out
/// (names are sorted rather than keys: the query Worker carries one sort of strings already,
/// and name order is key order: markets are `global` or two letters, then `-`).
fn by_name(mut names: Vec<String>) -> Vec<IndexKey> {
    medportal_search_index::sort::sort_dedup(&mut names);
    names.iter().filter_map(|n| IndexKey::parse(n)).collect()
}

/// Adds an index to the registry (read-modify-write; an index is only ever added).
pub async fn register<B: BlobStore>(blob: &B, key: &IndexKey) -> Result<()> {
    if key.public {
        return Ok(()); // a view goes with its index
    }
    let mut keys = registry(blob).await?;
    if keys.contains(key) {
        return Ok(());
    }
    keys.push(key.clone());
    keys.sort();
    let text: String = keys.iter().map(|k| k.name() + "\n").collect();
    blob.put(REGISTRY_KEY, text.as_bytes(), TEXT).await
}

/// Stores a split vocabulary: its parts ([`PARALLEL`] at a time), then the previous
/// directory as `vocab.dir.prev`, then the new directory (the publish point).
pub async fn put_vocab_split<B: BlobStore>(blob: &B, dir: &[u8], parts: &[(ChunkId, Vec<u8>)]) -> Result<()> {
    for window in parts.chunks(PARALLEL) {
        let results = join_all(window.iter().map(|(id, bytes)| {
            let k = vocab_part_key(*id);
            async move { put_bytes(blob, &k, bytes).await }
        }).collect()).await;
        results.into_iter().collect::<Result<Vec<()>>>()?;
    }
    if let Some(old) = get(blob, VOCAB_DIR_KEY).await?.filter(|old| old.as_slice() != dir) {
        put_bytes(blob, VOCAB_PREV_DIR_KEY, &old).await?;
    }
    put_bytes(blob, VOCAB_DIR_KEY, dir).await
}

/// Deletes the vocabulary parts that neither `dir` nor the previous directory names.
pub async fn sweep_vocab_parts<B: BlobStore>(blob: &B, dir: &[u8]) -> Result<()> {
    let prev = get(blob, VOCAB_PREV_DIR_KEY).await?.unwrap_or_default();
    let named = |d: &[u8]| medportal_search_index::Vocab::open_split(d).map(|v| v.part_ids()).unwrap_or_default();
    let keep: Vec<ChunkId> = named(dir).into_iter().chain(named(&prev)).collect();
    let listed = blob.list(VOCAB_PART_PREFIX, medportal_core::ports::EVERY_KEY).await?;
    let dead: Vec<String> = listed
        .into_iter()
        .filter(|k| k.strip_prefix(VOCAB_PART_PREFIX).and_then(|id| id.parse::<ChunkId>().ok()).is_none_or(|id| !keep.contains(&id)))
        .collect();
    for window in dead.chunks(PARALLEL) {
        let results = join_all(window.iter().map(|k| blob.delete(k)).collect()).await;
        results.into_iter().collect::<Result<Vec<()>>>()?;
    }
    Ok(())
}

/// What a reader opens, in one object: the meta of every registered index and of its public
/// view, each with its content hash (a union's identity without hashing the metas), and one
/// checksum over the whole, checked when it is decoded (the metas are then used as they are,
/// without hashing each again). Written by
/// every publish after the meta (and the registry) it follows, before chunks are collected,
/// so it never names a chunk that is gone; readers fall back to the registry and the metas
/// when a store has none (written before heads existed).
///
/// `"MPSH" | version u16 LE | count var | count × (name var-length bytes, meta hash u64 LE,
/// meta var-length bytes) | checksum u64 LE`, names as [`IndexKey::name`] spells them, in
/// registry order; the checksum is `ChunkId::of` everything before it. A head of version 1
/// (without the checksum) reads as none: readers take the registry and the metas until the
/// next publish rewrites it.
#[derive(Debug, Default, PartialEq)]
pub struct Head {
    pub entries: Vec<HeadEntry>,
}

#[derive(Debug, PartialEq)]
pub struct HeadEntry {
    pub key: IndexKey,
    /// `ChunkId::of(meta)`.
    pub hash: u64,
    pub meta: Vec<u8>,
}

const HEAD_MAGIC: &[u8; 4] = b"MPSH";
const HEAD_VERSION: u16 = 2;

impl Head {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = HEAD_MAGIC.to_vec();
        out.extend_from_slice(&HEAD_VERSION.to_le_bytes());
        medportal_search_index::codec::put_varint(&mut out, self.entries.len() as u64);
        for e in &self.entries {
            let name = e.key.name();
            medportal_search_index::codec::put_varint(&mut out, name.len() as u64);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&e.hash.to_le_bytes());
            medportal_search_index::codec::put_varint(&mut out, e.meta.len() as u64);
            out.extend_from_slice(&e.meta);
        }
        let sum = ChunkId::of(&out).0;
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// `None` for anything but a well-formed head (the reader then takes the old path).
    pub fn decode(b: &[u8]) -> Option<Head> {
        let (b, sum) = b.split_at_checked(b.len().checked_sub(8)?)?;
        if ChunkId::of(b).0.to_le_bytes() != sum || b.get(..4)? != HEAD_MAGIC || b.get(4..6)? != HEAD_VERSION.to_le_bytes() {
            return None;
        }
        let mut r = medportal_search_index::codec::Reader::new(b);
        r.pos = 6;
        let count = r.var().ok()?;
        let mut entries = Vec::new();
        for _ in 0..count {
            let key = IndexKey::parse_any(r.str().ok()?)?;
            let hash = r.u64().ok()?;
            entries.push(HeadEntry { key, hash, meta: r.bytes().ok()?.to_vec() });
        }
        r.done().then_some(Head { entries })
    }

    /// The registered indexes (not their views), sorted by name.
    pub fn registry(&self) -> Vec<IndexKey> {
        by_name(self.entries.iter().filter(|e| !e.key.public).map(|e| e.key.name()).collect())
    }

    pub fn entry(&self, key: &IndexKey) -> Option<&HeadEntry> {
        self.entries.iter().find(|e| &e.key == key)
    }
}

/// The head, if the store has a readable one.
pub async fn head<B: BlobStore>(blob: &B) -> Result<Option<Head>> {
    Ok(get(blob, HEAD_KEY).await?.and_then(|b| Head::decode(&b)))
}

/// The metas of `keys` that exist, read concurrently, each with its index.
pub async fn metas<B: BlobStore>(blob: &B, keys: Vec<IndexKey>) -> Result<Vec<(IndexKey, Vec<u8>)>> {
    let metas = join_all(keys.iter().map(|k| {
        let key = k.meta_key();
        async move { get(blob, &key).await }
    }).collect()).await;
    let mut out = Vec::new();
    for (key, meta) in keys.into_iter().zip(metas) {
        if let Some(meta) = meta? {
            out.push((key, meta));
        }
    }
    Ok(out)
}

/// The head as the registry and the metas are now.
async fn head_of_sources<B: BlobStore>(blob: &B) -> Result<Head> {
    let keys: Vec<IndexKey> = registry(blob).await?.into_iter().flat_map(|k| [k.public_view(), k]).collect();
    let entries = metas(blob, keys).await?.into_iter().map(|(key, meta)| HeadEntry { key, hash: ChunkId::of(&meta).0, meta }).collect();
    Ok(Head { entries })
}

/// Rewrites the head from the registry and the metas, then reads them again and rewrites it
/// until it matches (a publish of another index that wrote its meta meanwhile and whose own
/// head write came first is not lost; bounded: each round needs another publish in between).
pub async fn write_head<B: BlobStore>(blob: &B) -> Result<()> {
    let mut head = head_of_sources(blob).await?;
    for _ in 0..4 {
        blob.put(HEAD_KEY, &head.encode(), OCTETS).await?;
        let now = head_of_sources(blob).await?;
        if now == head {
            return Ok(());
        }
        head = now;
    }
    Err(Error::internal("search: index metas keep changing while the head is written"))
}

/// Polls all futures concurrently (single-threaded runtimes: no spawning needed) and returns
/// their outputs in order.
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in futures.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => *slot = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    out.into_iter().flatten().collect()
}

/// Fetches chunks of one index (at most [`PARALLEL`] at a time). A missing chunk is an error:
/// a published meta only names uploaded chunks, and garbage collection keeps the previous
/// generation's chunks for readers that still hold it.
pub async fn fetch_chunks<B: BlobStore>(blob: &B, ids: &[(IndexKey, ChunkId)]) -> Result<Vec<(ChunkId, Vec<u8>)>> {
    let keyed: Vec<(String, ChunkId)> = ids.iter().map(|(k, id)| (k.chunk_key(*id), *id)).collect();
    fetch_keyed(blob, &keyed).await
}

/// Fetches objects by key (at most [`PARALLEL`] at a time), each returned with its id; a
/// missing one is an error (see [`fetch_chunks`]).
pub async fn fetch_keyed<B: BlobStore>(blob: &B, ids: &[(String, ChunkId)]) -> Result<Vec<(ChunkId, Vec<u8>)>> {
    let mut out = Vec::with_capacity(ids.len());
    for window in ids.chunks(PARALLEL) {
        let results = join_all(window.iter().map(|(k, id)| async move { (*id, get(blob, k).await) }).collect()).await;
        for (id, r) in results {
            match r? {
                Some(bytes) => out.push((id, bytes)),
                None => return Err(Error::internal(format!("search chunk {id} missing"))),
            }
        }
    }
    Ok(out)
}

/// Uploads chunks of one index, [`PARALLEL`] at a time; `progress(done)` after each window.
pub async fn upload_chunks<B: BlobStore>(
    blob: &B,
    key: &IndexKey,
    chunks: &[(ChunkId, Vec<u8>)],
    mut progress: impl FnMut(usize),
) -> Result<()> {
    let mut done = 0;
    for window in chunks.chunks(PARALLEL) {
        let results = join_all(window.iter().map(|(id, bytes)| {
            let k = key.chunk_key(*id);
            async move { put_bytes(blob, &k, bytes).await }
        }).collect()).await;
        results.into_iter().collect::<Result<Vec<()>>>()?;
        done += window.len();
        progress(done);
    }
    Ok(())
}

/// Deletes chunks of one index, [`PARALLEL`] at a time.
pub async fn delete_chunks<B: BlobStore>(blob: &B, key: &IndexKey, ids: &[ChunkId]) -> Result<()> {
    for window in ids.chunks(PARALLEL) {
        let results = join_all(window.iter().map(|id| {
            let k = key.chunk_key(*id);
            async move { blob.delete(&k).await }
        }).collect()).await;
        results.into_iter().collect::<Result<Vec<()>>>()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_round_trip_and_reject_junk() {
        let k = IndexKey::new("de", "DE").unwrap();
        assert_eq!(k.name(), "DE-de");
        assert_eq!(IndexKey::parse("DE-de"), Some(k.clone()));
        assert_eq!(IndexKey::new("Global", "en").unwrap().name(), "global-en");
        assert_eq!(k.chunk_key(ChunkId(0xab)), "search/v1/idx/DE-de/chunk/00000000000000ab");
        assert_eq!(k.public_view().meta_key(), "search/v1/idx/DE-de.public/meta");
        assert_eq!(IndexKey::parse("DE-de.public"), None, "views are never registered");
        for bad in ["", "DE", "de-de", "DEU-de", "DE-d", "DE-de/x", "../x-en", "D1-en", "DE-deutsch"] {
            assert_eq!(IndexKey::parse(bad), None, "{bad}");
        }
        assert!(IndexKey::new("Germany", "de").is_err());
        assert!(IndexKey::new("DE", "d-e").is_err());
    }

    #[test]
    fn name_order_is_key_order() {
        let keys: Vec<IndexKey> = ["global-en", "GB-en", "DE-de", "DE-den", "global-de", "AT-de", "DE-en", "US-en"]
            .iter()
            .map(|n| IndexKey::parse(n).unwrap())
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        let names: Vec<String> = keys.iter().chain(&keys).map(IndexKey::name).chain(["junk".to_owned()]).collect();
        assert_eq!(by_name(names), sorted);
    }

    #[test]
    fn status_round_trips() {
        let mut s = IndexStatus { generation: 7, documents: 3, published_by: Some(Publisher::Publishing), ..Default::default() };
        assert_eq!(IndexStatus::decode(&s.encode()), s);
        s.rebuild = Some(Rebuild { state: RebuildState::Reading, done: 1, total: 4, started_at: 5, finished_at: None });
        assert_eq!(IndexStatus::decode(&s.encode()), s);
        assert_eq!(IndexStatus::decode("junk\ngeneration=x\n"), IndexStatus::default());
        for state in [RebuildState::Reading, RebuildState::Done, RebuildState::Failed] {
            s.rebuild = Some(Rebuild { state, done: 4, total: 4, started_at: 5, finished_at: Some(6) });
            assert_eq!(IndexStatus::decode(&s.encode()), s);
        }
        s.published_by = Some(Publisher::Admin);
        assert_eq!(IndexStatus::decode(&s.encode()), s);
        assert!(IndexStatus::default().encode().contains("\npublished_by=\n"));
    }

    #[test]
    fn heads_round_trip_and_refuse_junk() {
        let k = IndexKey::new("DE", "de").unwrap();
        let head = Head {
            entries: vec![
                HeadEntry { key: k.public_view(), hash: 7, meta: b"view".to_vec() },
                HeadEntry { key: k.clone(), hash: 9, meta: vec![0; 300] },
                HeadEntry { key: IndexKey::new("global", "en").unwrap(), hash: 1, meta: Vec::new() },
            ],
        };
        let bytes = head.encode();
        assert_eq!(Head::decode(&bytes), Some(head));
        let back = Head::decode(&bytes).unwrap();
        assert_eq!(back.registry(), vec![k.clone(), IndexKey::new("global", "en").unwrap()], "views are not registered");
        assert_eq!(back.entry(&k.public_view()).map(|e| e.meta.as_slice()), Some(&b"view"[..]));
        assert_eq!(Head::decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(Head::decode(&[bytes.as_slice(), b"x"].concat()), None);
        assert_eq!(Head::decode(b"MPSH"), None);
        // any changed byte fails the checksum (a meta, a hash, the count, the checksum itself)
        for i in [6, 10, bytes.len() / 2, bytes.len() - 9, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[i] ^= 1;
            assert_eq!(Head::decode(&bad), None, "byte {i}");
        }
        // version 1 (no checksum) reads as no head
        let mut v1 = bytes[..bytes.len() - 8].to_vec();
        v1[4] = 1;
        assert_eq!(Head::decode(&v1), None);
        assert_eq!(Head::decode(b""), None);
        assert_eq!(IndexKey::parse_any("DE-de.public"), Some(k.public_view()));
        assert_eq!(IndexKey::parse_any("DE-de.public.public"), None);
    }

    #[test]
    fn join_all_keeps_order() {
        let futs: Vec<_> = (0..5).map(|i| async move { i * 2 }).collect();
        assert_eq!(pollster::block_on(join_all(futs)), vec![0, 2, 4, 6, 8]);
    }
}
