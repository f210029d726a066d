//! The write side: the indexing entry point content publishing calls
//! (`POST /admin/search/index`), the vocabulary upload (`PUT /admin/search/vocab`) and the
//! admin rebuild. Incremental: a publish writes one small segment (≈ 6 chunks) plus the meta.
//!
//! # Publishing protocol (per index)
//! 1. read the current meta (and `meta.prev`), refuse if the caller's `expected_generation`
//!    differs;
//! 2. build the commit (new segment, tombstones, merges) from the stored chunks, reading only
//!    what it needs one chunk at a time (the doc tables to locate the batch's ids, a merge's
//!    inputs); a merge uploads each chunk of its merged segment as soon as it is written, so
//!    memory stays bounded whatever the index's size;
//! 3. upload the other new chunks;
//! 4. re-read the meta: if it changed since step 1 another publish won → `409
//!    stale_generation`, nothing published (the uploaded chunks are orphans a rebuild sweeps);
//! 5. write the audit entry, then `meta.prev` ← old meta, then `meta` ← new meta (the publish
//!    point: readers switch atomically, chunks are already there);
//! 6. status, registry, the head (every index's meta in the one object readers open,
//!    `store::Head`), and garbage collection of chunks referenced by the generation before
//!    the previous one but by neither the previous nor the new one (readers holding the
//!    previous meta keep working; chunks no published meta ever named are never deleted here;
//!    a publish whose head write failed collects nothing).
//!
//! Limit: object storage here has no compare-and-swap, so two publishes that both pass
//! step 4 within the same instant can still race (last meta wins and the other's change is
//! lost). Publishing should be serialised by the caller (one publishing queue); the check
//! in step 4 catches every overlap longer than the few milliseconds between re-read and write.

use std::cell::RefCell;
use std::collections::HashSet;

use http::{StatusCode, header};
use medportal_core::audit::{self, AuditEntry, Outcome};
use medportal_core::ports::{BlobStore, LogLevel};
use medportal_core::security::ct_eq;
use medportal_core::web::{self, Request, Response};
use medportal_core::{Config, Ctx, Error, Platform, Region, Result};
use medportal_search_index::format::{self, Meta};
use medportal_search_index::{Audience, ChunkId, Commit, Document, IndexBuilder, IndexConfig, MergeIo, Vocab};
use serde_json::{Value, json};

use crate::engine::{self, index_error};
use crate::store::{self, IndexKey, IndexStatus, Publisher, Rebuild, RebuildState};
use crate::visibility;

/// Largest batch accepted in one call (the body limit applies as well).
pub const MAX_BATCH: usize = 1000;

/// Who changes an index.
#[derive(Debug, Clone)]
pub enum Actor {
    /// Content publishing / bulk loads, authenticated by the indexing token.
    Service,
    /// A staff member (admin page), audited in their home region.
    Staff { user_id: String, region: Region },
}

impl Actor {
    fn audit_name(&self) -> &str {
        match self {
            Actor::Service => "system:publishing",
            Actor::Staff { user_id, .. } => user_id,
        }
    }
    /// Stored in the (global) status: a kind, never a person.
    fn kind(&self) -> Publisher {
        match self {
            Actor::Service => Publisher::Publishing,
            Actor::Staff { .. } => Publisher::Admin,
        }
    }
    /// Service changes are audited in the home region of the index's market (`global` → the
    /// policy's default region); staff changes in the staff member's region.
    fn region(&self, market: &str) -> Region {
        match self {
            Actor::Service => Region::for_country(market),
            Actor::Staff { region, .. } => *region,
        }
    }
}

/// Checks `Authorization: Bearer <search_index_token>` in constant time. Missing → 401;
/// wrong → 403; not configured outside dev mode → 403 (fail closed).
pub fn check_token(config: &Config, req: &Request) -> Result<()> {
    let expected = match (&config.search_index_token, config.dev_search_index_token()) {
        (Some(t), _) => t.as_str(),
        (None, Some(dev)) => dev,
        (None, None) => return Err(Error::Forbidden { code: "indexing_not_configured" }),
    };
    let given = web::header_str(req, header::AUTHORIZATION)
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(Error::Unauthenticated)?;
    if ct_eq(given.trim().as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(Error::Forbidden { code: "invalid_token" })
    }
}

// ---- request -------------------------------------------------------------------------------

/// `POST /admin/search/index` body (JSON):
/// `{"market": "global"|"DE", "language": "en", "expected_generation"?: n, "upsert"?: [doc],
/// "withdraw"?: ["slug"]}`. Unknown fields are refused.
#[derive(Debug, Default)]
pub struct IndexRequest {
    /// `global` or an ISO 3166-1 alpha-2 market.
    pub market: String,
    /// Content language (`en`, `de`).
    pub language: String,
    /// Optimistic concurrency: refuse unless the index is at this generation (0 = new).
    pub expected_generation: Option<u64>,
    pub upsert: Vec<IndexDocument>,
    /// Ids (slugs) to withdraw.
    pub withdraw: Vec<String>,
}

/// An approved item as publishing sends it. `id` is the item's URL slug (`/content/<id>`).
/// Fields: `id`, `title`, `audience` (`public`|`hcp`) required; `summary`, `body`,
/// `references`, `content_type`, `trial_phase`, `published` (`YYYY-MM-DD`) strings;
/// `therapeutic_areas`, `products`, `specialties` string lists.
#[derive(Debug, Clone, Default)]
pub struct IndexDocument {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub references: String,
    pub therapeutic_areas: Vec<String>,
    pub products: Vec<String>,
    pub content_type: String,
    pub trial_phase: String,
    pub specialties: Vec<String>,
    pub audience: String,
    pub published: Option<String>,
}

fn json_error(what: String) -> Error {
    Error::BadRequest { code: "invalid_json", message: what }
}

/// Reads a JSON object's fields by hand (one `Value` deserializer instead of one derived
/// deserializer per type keeps the Worker small).
struct Fields<'a> {
    map: &'a serde_json::Map<String, Value>,
    at: String,
}

impl<'a> Fields<'a> {
    fn new(v: &'a Value, at: String, known: &[&str]) -> Result<Fields<'a>> {
        let map = v.as_object().ok_or_else(|| json_error(format!("{at} must be an object.")))?;
        if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(json_error(format!("{at}: unknown field \"{}\".", k.chars().take(40).collect::<String>())));
        }
        Ok(Fields { map, at })
    }
    fn string(&self, k: &str) -> Result<Option<String>> {
        match self.map.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(json_error(format!("{}.{k} must be a string.", self.at))),
        }
    }
    fn strings(&self, k: &str) -> Result<Vec<String>> {
        match self.map.get(k) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| x.as_str().map(str::to_owned).ok_or_else(|| json_error(format!("{}.{k} must hold strings.", self.at))))
                .collect(),
            Some(_) => Err(json_error(format!("{}.{k} must be a list of strings.", self.at))),
        }
    }
    fn list(&self, k: &str) -> Result<&'a [Value]> {
        match self.map.get(k) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(_) => Err(json_error(format!("{}.{k} must be a list.", self.at))),
        }
    }
}

impl IndexRequest {
    pub fn from_json(v: &Value) -> Result<IndexRequest> {
        let f = Fields::new(v, "body".into(), &["market", "language", "expected_generation", "upsert", "withdraw"])?;
        let expected_generation = match f.map.get("expected_generation") {
            None | Some(Value::Null) => None,
            Some(n) => Some(n.as_u64().ok_or_else(|| json_error("expected_generation must be a whole number.".into()))?),
        };
        let docs = f.list("upsert")?;
        if docs.len() > MAX_BATCH {
            return Err(Error::bad_request("batch_too_large", format!("At most {MAX_BATCH} documents per call.")));
        }
        let mut upsert = Vec::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            upsert.push(IndexDocument::from_json(d, i)?);
        }
        Ok(IndexRequest {
            market: f.string("market")?.unwrap_or_default(),
            language: f.string("language")?.unwrap_or_default(),
            expected_generation,
            upsert,
            withdraw: f.strings("withdraw")?,
        })
    }
}

impl IndexDocument {
    pub fn from_json(v: &Value, i: usize) -> Result<IndexDocument> {
        const KNOWN: &[&str] = &[
            "id", "title", "summary", "body", "references", "therapeutic_areas", "products", "content_type",
            "trial_phase", "specialties", "audience", "published",
        ];
        let f = Fields::new(v, format!("upsert[{i}]"), KNOWN)?;
        let s = |k: &str| f.string(k).map(Option::unwrap_or_default);
        Ok(IndexDocument {
            id: s("id")?,
            title: s("title")?,
            summary: s("summary")?,
            body: s("body")?,
            references: s("references")?,
            therapeutic_areas: f.strings("therapeutic_areas")?,
            products: f.strings("products")?,
            content_type: s("content_type")?,
            trial_phase: s("trial_phase")?,
            specialties: f.strings("specialties")?,
            audience: s("audience")?,
            published: f.string("published")?,
        })
    }
}

/// Item ids are content slugs: 1–120 ASCII letters, digits and hyphens.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 120 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn bad(what: String) -> Error {
    Error::BadRequest { code: "invalid_document", message: what }
}

fn text(field: &str, i: usize, v: &str, max: usize, required: bool) -> Result<()> {
    if required && v.trim().is_empty() {
        return Err(bad(format!("upsert[{i}].{field} is required.")));
    }
    if v.len() > max {
        return Err(bad(format!("upsert[{i}].{field} is longer than {max} bytes.")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(bad(format!("upsert[{i}].{field} contains control characters.")));
    }
    Ok(())
}

fn label(field: &str, i: usize, v: &str) -> Result<()> {
    if v.len() > 80 || v.chars().any(char::is_control) {
        return Err(bad(format!("upsert[{i}].{field}: values are at most 80 characters without control characters.")));
    }
    Ok(())
}

fn labels(field: &str, i: usize, v: &[String]) -> Result<Vec<String>> {
    if v.len() > 20 {
        return Err(bad(format!("upsert[{i}].{field}: at most 20 values.")));
    }
    let mut out = Vec::new();
    for x in v {
        label(field, i, x)?;
        let x = x.trim();
        if !x.is_empty() && !out.iter().any(|o: &String| o == x) {
            out.push(x.to_owned());
        }
    }
    Ok(out)
}

/// `YYYY-MM-DD` → yyyymmdd, a real calendar date.
pub fn parse_date(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s[0..4].parse().ok()?;
    let m: u8 = s[5..7].parse().ok()?;
    let d: u8 = s[8..10].parse().ok()?;
    let month = time::Month::try_from(m).ok()?;
    time::Date::from_calendar_date(y, month, d).ok().filter(|_| y >= 1900)?;
    Some(y as u32 * 10_000 + u32::from(m) * 100 + u32::from(d))
}

impl IndexDocument {
    /// Validates and converts to the engine's document for index `key`.
    pub fn into_document(self, key: &IndexKey, i: usize) -> Result<Document> {
        if !valid_id(&self.id) {
            return Err(bad(format!("upsert[{i}].id must be 1-120 letters, digits or hyphens (the item's slug).")));
        }
        text("title", i, &self.title, 500, true)?;
        text("summary", i, &self.summary, 8_000, false)?;
        text("body", i, &self.body, 400_000, false)?;
        text("references", i, &self.references, 50_000, false)?;
        label("content_type", i, &self.content_type)?;
        label("trial_phase", i, &self.trial_phase)?;
        let audience = match self.audience.as_str() {
            "public" => Audience::Public,
            "hcp" => Audience::Hcp,
            _ => return Err(bad(format!("upsert[{i}].audience must be \"public\" or \"hcp\"."))),
        };
        let date = match self.published.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => 0,
            Some(s) => parse_date(s).ok_or_else(|| bad(format!("upsert[{i}].published must be a date YYYY-MM-DD.")))?,
        };
        Ok(Document {
            therapeutic_areas: labels("therapeutic_areas", i, &self.therapeutic_areas)?,
            products: labels("products", i, &self.products)?,
            specialties: labels("specialties", i, &self.specialties)?,
            id: self.id,
            title: self.title.trim().to_owned(),
            summary: self.summary,
            body: self.body,
            references: self.references,
            content_type: self.content_type.trim().to_owned(),
            trial_phase: self.trial_phase.trim().to_owned(),
            language: key.language.clone(),
            markets: vec![key.market.clone()],
            audience,
            date,
        })
    }
}

/// A validated batch for one index.
pub struct Batch {
    pub key: IndexKey,
    pub expected_generation: Option<u64>,
    pub upsert: Vec<Document>,
    pub withdraw: Vec<String>,
}

impl IndexRequest {
    /// Everything is validated before anything is read from or written to a store.
    pub fn validate(self) -> Result<Batch> {
        let key = IndexKey::new(&self.market, &self.language)?;
        if self.upsert.is_empty() && self.withdraw.is_empty() {
            return Err(Error::bad_request("empty_batch", "Nothing to upsert or withdraw."));
        }
        if self.upsert.len() > MAX_BATCH || self.withdraw.len() > MAX_BATCH {
            return Err(Error::bad_request("batch_too_large", format!("At most {MAX_BATCH} documents and {MAX_BATCH} withdrawals per call.")));
        }
        let mut ids = HashSet::new();
        let mut upsert = Vec::with_capacity(self.upsert.len());
        for (i, d) in self.upsert.into_iter().enumerate() {
            if !ids.insert(d.id.clone()) {
                return Err(Error::bad_request("duplicate_id", format!("upsert[{i}].id appears twice in the batch.")));
            }
            upsert.push(d.into_document(&key, i)?);
        }
        for (i, id) in self.withdraw.iter().enumerate() {
            if !valid_id(id) {
                return Err(Error::bad_request("invalid_id", format!("withdraw[{i}] is not a valid item id.")));
            }
            if ids.contains(id) {
                return Err(Error::bad_request("conflicting_ids", format!("withdraw[{i}] is also upserted in this batch.")));
            }
        }
        Ok(Batch { key, expected_generation: self.expected_generation, upsert, withdraw: self.withdraw })
    }
}

// ---- building ------------------------------------------------------------------------------

fn live_ids(meta: &Meta) -> HashSet<ChunkId> {
    meta.segments.iter().flat_map(|s| s.chunk_refs().map(|r| r.id)).collect()
}

fn status_of(meta: &Meta, meta_len: usize, now: i64, actor: &Actor, rebuild: Option<Rebuild>) -> IndexStatus {
    let mut chunks = 0u64;
    let mut bytes = meta_len as u64;
    let mut seen = HashSet::new();
    for s in &meta.segments {
        for r in s.chunk_refs() {
            if seen.insert(r.id) {
                chunks += 1;
                bytes += u64::from(r.len);
            }
        }
    }
    let live = meta.live_doc_count();
    IndexStatus {
        generation: meta.generation,
        documents: live,
        tombstones: meta.doc_count() - live,
        segments: meta.segments.len() as u64,
        chunks,
        bytes,
        published_at: now,
        published_by: Some(actor.kind()),
        rebuild,
    }
}

/// An index's chunks in the blob store as the builder reads and writes them: one chunk fetched
/// at a time when needed (doc tables to locate the batch's ids, a merge's inputs), a merged
/// segment's chunks uploaded as soon as each is written. So a publish holds the batch, the
/// index's meta and a merge's bounded working set (`medportal_search_index::merge`), never
/// the whole index.
struct BlobIo<'a, B> {
    blob: &'a B,
    key: &'a IndexKey,
    /// Written chunks not uploaded yet: uploaded together, [`UPLOAD_WINDOW`] at a time.
    unsent: RefCell<Vec<(ChunkId, Vec<u8>)>>,
}

impl<'a, B: BlobStore> BlobIo<'a, B> {
    fn new(blob: &'a B, key: &'a IndexKey) -> Self {
        Self { blob, key, unsent: RefCell::new(Vec::new()) }
    }
    /// Uploads the chunks written so far.
    async fn flush(&self) -> Result<()> {
        let unsent = std::mem::take(&mut *self.unsent.borrow_mut());
        store::upload_chunks(self.blob, self.key, &unsent, |_| ()).await
    }
}

/// Chunks a merge writes before they are uploaded, together.
const UPLOAD_WINDOW: usize = 8;

/// A store error or an index error, while building.
enum IoError {
    Index(medportal_search_index::Error),
    Store(Error),
}

impl From<medportal_search_index::Error> for IoError {
    fn from(e: medportal_search_index::Error) -> Self {
        IoError::Index(e)
    }
}

impl From<IoError> for Error {
    fn from(e: IoError) -> Self {
        match e {
            IoError::Index(e) => index_error(e),
            IoError::Store(e) => e,
        }
    }
}

impl<B: BlobStore> MergeIo for BlobIo<'_, B> {
    type Error = IoError;
    async fn get(&self, id: ChunkId) -> std::result::Result<Vec<u8>, IoError> {
        store::get(self.blob, &self.key.chunk_key(id))
            .await
            .map_err(IoError::Store)?
            .ok_or(IoError::Index(medportal_search_index::Error::MissingChunk(id)))
    }
    async fn put(&self, id: ChunkId, bytes: Vec<u8>) -> std::result::Result<(), IoError> {
        let full = {
            let mut unsent = self.unsent.borrow_mut();
            unsent.push((id, bytes));
            unsent.len() >= UPLOAD_WINDOW
        };
        if full { self.flush().await.map_err(IoError::Store) } else { Ok(()) }
    }
    async fn get_many(&self, ids: &[ChunkId]) -> std::result::Result<Vec<Vec<u8>>, IoError> {
        let want: Vec<(IndexKey, ChunkId)> = ids.iter().map(|id| (self.key.clone(), *id)).collect();
        Ok(store::fetch_chunks(self.blob, &want).await.map_err(IoError::Store)?.into_iter().map(|(_, b)| b).collect())
    }
}

/// Builds a commit from the stored index: only the batch's ids are located (one doc table at a
/// time), and a merge streams through [`BlobIo`] (its chunks are uploaded while it runs; the
/// commit's `new_chunks` are the rest).
async fn build<B: BlobStore>(
    blob: &B,
    key: &IndexKey,
    old: Option<&[u8]>,
    upsert: &[Document],
    withdraw: &[String],
) -> Result<Option<(Commit, Vec<String>)>> {
    let io = BlobIo::new(blob, key);
    let mut b = match old {
        Some(bytes) => {
            let ids: Vec<&str> = upsert.iter().map(|d| d.id.as_str()).chain(withdraw.iter().map(String::as_str)).collect();
            IndexBuilder::open_with(bytes, &io, Some(&ids)).await?
        }
        None => IndexBuilder::new(IndexConfig::default()),
    };
    for d in upsert {
        b.add(d.clone()).map_err(|e| Error::bad_request("invalid_document", format!("{e}")))?;
    }
    let not_found: Vec<String> = withdraw.iter().filter(|id| !b.withdraw(id)).cloned().collect();
    if upsert.is_empty() && not_found.len() == withdraw.len() {
        return Ok(None); // nothing changes
    }
    let commit = b.commit_with(&io).await?;
    io.flush().await?;
    Ok(Some((commit, not_found)))
}

/// The linear memory of this Wasm instance in bytes (it never shrinks: the peak so far), for
/// the indexing response; `None` natively.
fn memory_bytes() -> Option<u64> {
    #[cfg(target_arch = "wasm32")]
    {
        Some(core::arch::wasm32::memory_size(0) as u64 * 65_536)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

async fn audit<P: Platform>(ctx: &Ctx<'_, P>, actor: &Actor, market: &str, action: &str, target: &str, outcome: Outcome, reason: &str) -> Result<()> {
    let region = actor.region(market);
    let entry = AuditEntry { actor: actor.audit_name(), action, target: Some(target), outcome, reason: Some(reason), ..Default::default() };
    audit::commit(ctx, region, Vec::new(), &[entry]).await
}

/// Steps 3–6 of the protocol. Returns the new status and how many chunks were collected.
#[allow(clippy::too_many_arguments)]
async fn publish<P: Platform>(
    ctx: &Ctx<'_, P>,
    blob: &P::Blob,
    key: &IndexKey,
    old: Option<&[u8]>,
    commit: &Commit,
    actor: &Actor,
    action: &str,
    reason: &str,
    rebuild: Option<Rebuild>,
) -> Result<(IndexStatus, usize)> {
    let target = &format!("search-index:{}", key.name());
    // a public view is not audited on its own: it follows the audited publish of its index
    let audit = |outcome, reason: String| async move {
        if key.public { Ok(()) } else { audit(ctx, actor, &key.market, action, target, outcome, &reason).await }
    };
    let prev = store::get(blob, &key.prev_meta_key()).await?;
    store::upload_chunks(blob, key, &commit.new_chunks, |_| ()).await?;
    let current = store::get(blob, &key.meta_key()).await?;
    if current.as_deref() != old {
        audit(Outcome::Failure, "stale_generation".into()).await?;
        return Err(Error::Conflict { code: "stale_generation" });
    }
    let new_meta = format::decode_meta(&commit.meta).map_err(index_error)?;
    audit(Outcome::Success, format!("generation={} {reason}", new_meta.generation)).await?;
    if let Some(old) = old {
        store::put_bytes(blob, &key.prev_meta_key(), old).await?;
    }
    if let Err(e) = store::put_bytes(blob, &key.meta_key(), &commit.meta).await {
        let _ = audit(Outcome::Failure, "meta_write_failed".into()).await;
        return Err(e);
    }
    // published; what follows is bookkeeping and must not turn success into an error
    let now = ctx.now().unix_timestamp();
    let status = status_of(&new_meta, commit.meta.len(), now, actor, rebuild);
    let mut collected = 0;
    let after = async {
        store::put_status(blob, key, &status).await?;
        if old.is_none() {
            store::register(blob, key).await?;
        }
        // readers open the head; chunks are collected only once it names the new meta
        store::write_head(blob).await?;
        if let Some(prev) = prev {
            let prev = format::decode_meta(&prev).map_err(index_error)?;
            let keep: HashSet<ChunkId> = match old {
                Some(o) => live_ids(&format::decode_meta(o).map_err(index_error)?),
                None => HashSet::new(),
            };
            let new_live = live_ids(&new_meta);
            let dead: Vec<ChunkId> = live_ids(&prev).into_iter().filter(|id| !keep.contains(id) && !new_live.contains(id)).collect();
            store::delete_chunks(blob, key, &dead).await?;
            collected = dead.len();
        }
        Ok::<(), Error>(())
    };
    if let Err(e) = after.await {
        ctx.log(LogLevel::Error, &format!("search: {} published, bookkeeping failed: {e}", key.name()));
    }
    Ok((status, collected))
}

/// `POST /admin/search/index`: token, then body validation, then the publish protocol.
pub async fn index_batch<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    check_token(ctx.config, req)?;
    let batch = IndexRequest::from_json(&web::json_body::<Value>(req)?)?.validate()?;
    let blob = ctx.global_blob().await?;
    let key = &batch.key;
    let old = store::get(&blob, &key.meta_key()).await?;
    let old_gen = match &old {
        Some(b) => format::decode_meta(b).map_err(index_error)?.generation,
        None => 0,
    };
    if let Some(expected) = batch.expected_generation {
        if expected != old_gen {
            return Err(Error::Conflict { code: "stale_generation" });
        }
    }
    let built = build(&blob, key, old.as_deref(), &batch.upsert, &batch.withdraw).await?;
    let Some((commit, not_found)) = built else {
        return Ok(web::json(
            StatusCode::OK,
            &json!({"index": key.name(), "generation": old_gen, "changed": false, "upserted": 0, "withdrawn": 0, "not_found": batch.withdraw}),
        ));
    };
    let withdrawn = batch.withdraw.len() - not_found.len();
    let reason = format!("upserted={} withdrawn={withdrawn}", batch.upsert.len());
    let (status, collected) =
        publish(ctx, &blob, key, old.as_deref(), &commit, &Actor::Service, "search.index.publish", &reason, None).await?;
    // the index is published; an error here leaves its view behind until the batch is sent
    // again (upserts and withdrawals are idempotent) or the index is rebuilt
    publish_view(ctx, &blob, key, ViewChange::Batch { upsert: &batch.upsert, withdraw: &batch.withdraw }, &Actor::Service).await?;
    Ok(web::json(
        StatusCode::OK,
        &json!({
            "index": key.name(),
            "generation": status.generation,
            "changed": true,
            "documents": status.documents,
            "upserted": batch.upsert.len(),
            "withdrawn": withdrawn,
            "not_found": not_found,
            "new_chunks": commit.new_chunks.len(),
            "new_bytes": commit.new_bytes(),
            "collected_chunks": collected,
            "memory_bytes": memory_bytes(),
        }),
    ))
}

/// What changed in an index, for its public view.
enum ViewChange<'a> {
    /// A published batch: the view takes the same change.
    Batch { upsert: &'a [Document], withdraw: &'a [String] },
    /// Every live document of the index (a rebuild): the view is built anew.
    All(&'a [Document]),
}

/// Publishes the public view of `key` ([`crate::visibility::public_fields`] of every item)
/// after the index itself was published. A view that does not exist yet (the index's first
/// publish, or an index published before views existed) is built from all the index's live
/// documents.
async fn publish_view<P: Platform>(ctx: &Ctx<'_, P>, blob: &P::Blob, key: &IndexKey, change: ViewChange<'_>, actor: &Actor) -> Result<()> {
    let view = key.public_view();
    let old = store::get(blob, &view.meta_key()).await?;
    let public = |docs: &[Document]| docs.iter().map(visibility::public_fields).collect::<Vec<_>>();
    let built = match (&old, change) {
        (Some(old), ViewChange::Batch { upsert, withdraw }) => build(blob, &view, Some(old), &public(upsert), withdraw).await?,
        (_, ViewChange::All(docs)) => build(blob, &view, None, &public(docs), &[]).await?,
        (None, ViewChange::Batch { .. }) => {
            let meta = store::get(blob, &key.meta_key()).await?.ok_or(Error::NotFound)?;
            let meta = format::decode_meta(&meta).map_err(index_error)?;
            let (docs, _) = read_live_docs(blob, key, &meta, None).await?;
            build(blob, &view, None, &public(&docs), &[]).await?
        }
    };
    if let Some((commit, _)) = built {
        publish(ctx, blob, &view, old.as_deref(), &commit, actor, "", "", None).await?;
    }
    Ok(())
}

/// `PUT /admin/search/vocab`: the pre-analysed vocabulary (`Vocab::encode` bytes, e.g.
/// `shared/search-index/data/vocab.bin`), checked by decoding it before it is stored.
/// Stored as uploaded and split (`Vocab::split`): the parts first, then their directory
/// (what searches read: the publish point), then the parts neither it nor the previous
/// directory names are deleted (an isolate still holding the previous one keeps working).
pub async fn put_vocab<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    check_token(ctx.config, req)?;
    let vocab = Vocab::decode(req.body())
        .map_err(|_| Error::bad_request("invalid_vocabulary", "The body is not a medportal vocabulary (Vocab::encode)."))?;
    let blob = ctx.global_blob().await?;
    let actor = Actor::Service;
    let reason = format!("bytes={} phrases={}", req.body().len(), vocab.phrases());
    audit(ctx, &actor, "global", "search.vocab.update", "search-vocab", Outcome::Success, &reason).await?;
    store::put_bytes(&blob, store::VOCAB_KEY, req.body()).await?;
    let split = vocab.split();
    store::put_vocab_split(&blob, &split.dir, &split.parts).await?;
    if let Err(e) = store::sweep_vocab_parts(&blob, &split.dir).await {
        ctx.log(LogLevel::Warn, &format!("search: sweep of old vocabulary parts incomplete: {e}"));
    }
    engine::forget_vocab();
    Ok(web::json(StatusCode::OK, &json!({"bytes": req.body().len(), "phrases": vocab.phrases(), "rules": vocab.rules()})))
}

/// Re-indexes an index from its own stored documents into one fresh segment, reporting
/// progress in the index status, then sweeps chunks that neither the new nor the previous
/// generation references (including orphans of refused publishes).
pub async fn rebuild<P: Platform>(ctx: &Ctx<'_, P>, key: &IndexKey, actor: &Actor) -> Result<IndexStatus> {
    let blob = ctx.global_blob().await?;
    let old = store::get(&blob, &key.meta_key()).await?.ok_or(Error::NotFound)?;
    let meta = format::decode_meta(&old).map_err(index_error)?;
    let started_at = ctx.now().unix_timestamp();
    let mut status: IndexStatus = store::status(&blob, key).await?;
    let result = async {
        let (docs, total) = read_live_docs(&blob, key, &meta, Some((&mut status, started_at))).await?;
        let n_docs = docs.len();
        // adding every live document again tombstones all old segments, which commit drops
        let (commit, _) = build(&blob, key, Some(&old), &docs, &[])
            .await?
            .ok_or_else(|| Error::Conflict { code: "index_empty" })?;
        let rebuild = Rebuild { state: RebuildState::Done, done: total, total, started_at, finished_at: Some(ctx.now().unix_timestamp()) };
        let (new_status, _) = publish(ctx, &blob, key, Some(&old), &commit, actor, "search.index.rebuild", &format!("documents={n_docs}"), Some(rebuild)).await?;
        publish_view(ctx, &blob, key, ViewChange::All(&docs), actor).await?;
        // sweep: keep the new and the previous generation's chunks
        let keep: HashSet<ChunkId> = live_ids(&meta).into_iter().chain(commit.live_chunks.iter().copied()).collect();
        let listed = blob.list(&key.chunk_prefix(), medportal_core::ports::EVERY_KEY).await?;
        let orphans: Vec<ChunkId> = listed
            .iter()
            .filter_map(|k| k.strip_prefix(&key.chunk_prefix()).and_then(|id| id.parse::<ChunkId>().ok()))
            .filter(|id| !keep.contains(id))
            .collect();
        if let Err(e) = store::delete_chunks(&blob, key, &orphans).await {
            ctx.log(LogLevel::Warn, &format!("search: sweep of {} incomplete: {e}", key.name()));
        }
        Ok(new_status)
    }
    .await;
    if result.is_err() {
        if let Ok(mut s) = store::status(&blob, key).await {
            if let Some(r) = s.rebuild.as_mut().filter(|r| r.state != RebuildState::Done) {
                r.state = RebuildState::Failed;
                r.finished_at = Some(ctx.now().unix_timestamp());
                let _ = store::put_status(&blob, key, &s).await;
            }
        }
    }
    result
}

/// Reads the live documents of an index from its store chunks, 16 chunks at a time, with the
/// progress in the index status. Returns the documents and the number of store chunks.
async fn read_live_docs<B: BlobStore>(
    blob: &B,
    key: &IndexKey,
    meta: &Meta,
    mut progress: Option<(&mut IndexStatus, i64)>,
) -> Result<(Vec<Document>, u64)> {
    let stores: Vec<ChunkId> = meta.segments.iter().flat_map(|s| s.store.iter().map(|r| r.chunk.id)).collect();
    let total = stores.len() as u64;
    if let Some((status, started_at)) = progress.as_mut() {
        status.rebuild = Some(Rebuild { state: RebuildState::Reading, done: 0, total, started_at: *started_at, finished_at: None });
        store::put_status(blob, key, status).await?;
    }
    let mut docs: Vec<Document> = Vec::new();
    for (n, window) in stores.chunks(16).enumerate() {
        let want: Vec<(IndexKey, ChunkId)> = window.iter().map(|id| (key.clone(), *id)).collect();
        for (id, bytes) in store::fetch_chunks(blob, &want).await? {
            if ChunkId::of(&bytes) != id {
                return Err(Error::internal(format!("search chunk {id}: content does not match its hash")));
            }
            let (first, stored) = format::decode_store(&bytes).map_err(index_error)?;
            let seg = meta.segments.iter().find(|s| s.store.iter().any(|r| r.chunk.id == id));
            for (k, d) in stored.into_iter().enumerate() {
                let dn = first + k as u32;
                if seg.is_some_and(|s| s.deleted.binary_search(&dn).is_err()) {
                    docs.push(d);
                }
            }
        }
        if let Some((status, _)) = progress.as_mut() {
            if let Some(r) = status.rebuild.as_mut() {
                r.done = ((n + 1) * 16).min(stores.len()) as u64;
            }
            store::put_status(blob, key, status).await?;
        }
    }
    Ok((docs, total))
}
