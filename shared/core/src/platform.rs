//! The platform a function runs on, and the region-scoped handles handlers use.
//!
//! Handlers never see the platform directly: they get a [`Ctx`], which only opens stores the
//! function was granted (see `functions.rs`) and only through region-scoped handles. A
//! regional handle refuses any write whose scope (the data's home region) differs from its
//! own region, so personal data cannot cross regions by construction.
#![allow(async_fn_in_trait)]

use crate::config::{Config, MailTransport};
use crate::error::{Error, Result};
use crate::functions::{Function, StoreKind, StoreName};
use crate::ports::*;
use crate::region::{InRegion, Region};
use time::OffsetDateTime;

/// Built at compile time: a header name given as text is parsed at run time by a ~12 KB
/// (wasm) table of every standard name, which no Worker needs otherwise.
const IDEMPOTENCY_KEY: http::HeaderName = http::HeaderName::from_static("idempotency-key");

/// Work a request leaves for after its answer ([`Platform::after_response`]): bookkeeping
/// such as analytics counters, never anything the answer or a security rule depends on.
pub type Afterwards = core::pin::Pin<Box<dyn core::future::Future<Output = Result<()>>>>;

/// A wait within work after the answer ([`Platform::linger`]).
pub type Linger = core::pin::Pin<Box<dyn core::future::Future<Output = ()>>>;

/// Runs `work` now, logging its failure (the runtimes that cannot keep a request alive after
/// its answer).
pub async fn run_now<L: Log + ?Sized>(log: &L, work: Afterwards) {
    if let Err(e) = work.await {
        log.log(LogLevel::Warn, &format!("work after the response failed: {e}"));
    }
}

/// Whether what an instance read at `at` (ms) from a store that other functions change is
/// still trusted at `now` without reading it again: for `recheck_ms` after it was read, never
/// when that is 0 ([`Platform::RECHECK_MS`]; a clock that went back is not trusted).
pub fn trusted(recheck_ms: i64, at: i64, now: i64) -> bool {
    recheck_ms > 0 && (0..recheck_ms).contains(&(now - at))
}

/// `t` in Unix milliseconds (without `time`'s i128 nanoseconds, whose arithmetic and printing
/// cost ~2 KB of wasm).
pub fn unix_ms(t: OffsetDateTime) -> i64 {
    t.unix_timestamp() * 1000 + i64::from(t.millisecond())
}

/// Implemented once per runtime (Workers, Spin, native).
pub trait Platform: Clock + Rng + Log + HttpClient {
    /// How long (ms) an instance trusts what it read from a store that another function
    /// changes (the content function's table of what is live, the search registry and metas)
    /// before it reads it again ([`Ctx::trusted`]). Workers and Spin: 1000 (an isolate, or a
    /// Spin 4.1 instance of a WASIp3 component, serves many requests; a change made through
    /// another function reaches it within this long, production and development builds alike,
    /// and the contract suite waits it out: `LIVE_RECHECK_MS` in its hosts). Natively 0, read
    /// on every request.
    const RECHECK_MS: i64 = 0;
    /// Store handles own their connection (`'static`), so work after the response can hold one.
    type Kv: KvStore + 'static;
    type Sql: SqlStore + 'static;
    type Blob: BlobStore + 'static;
    /// Ed25519 for session tokens (WebCrypto on Workers, [`dalek::Dalek`] elsewhere).
    type Signatures: Signatures;
    fn signatures(&self) -> &Self::Signatures;
    async fn open_kv(&self, name: StoreName) -> Result<Self::Kv>;
    async fn open_sql(&self, name: StoreName) -> Result<Self::Sql>;
    async fn open_blob(&self, name: StoreName) -> Result<Self::Blob>;
    /// Runs `work` once the answer is on its way where the runtime keeps the request alive for
    /// it (Workers: the request's `waitUntil`; Spin: a task spawned on its async HTTP export,
    /// which the instance finishes after handing over the answer), else now, before the answer
    /// ([`run_now`]: the native host). A failure is logged, never the request's.
    async fn after_response(&self, work: Afterwards);
    /// For work after the answer: a wait of `ms`, so that like work arriving meanwhile is done
    /// with it in one go (Workers: a timer; Spin: the monotonic clock). Natively, where work
    /// after the answer runs before it, and by default, it does not wait.
    fn linger(&self, ms: u32) -> Linger {
        let _ = ms;
        Box::pin(async {})
    }
    /// Sends `mail` from `from` through the runtime's own mail service (Cloudflare's
    /// `send_email` binding `mail`). Runtimes without one refuse: a delivery failure.
    async fn send_email(&self, from: &str, mail: &Mail) -> Result<()> {
        let _ = (from, mail);
        Err(Error::Upstream("mail_transport=cloudflare: this runtime has no send_email binding".into()))
    }
}

/// Everything a handler may use for one request.
pub struct Ctx<'a, P: Platform> {
    platform: &'a P,
    pub config: &'a Config,
    pub function: Function,
}

impl<'a, P: Platform> Ctx<'a, P> {
    pub fn new(platform: &'a P, config: &'a Config, function: Function) -> Self {
        Ctx { platform, config, function }
    }

    fn check(&self, store: StoreName) -> Result<()> {
        if self.function.may_open(store) {
            Ok(())
        } else {
            Err(Error::StoreUnavailable(format!("{store} not granted to {}", self.function.name())))
        }
    }

    /// Stores of one region (personal data lives here).
    pub fn region(&self, region: Region) -> RegionStores<'_, 'a, P> {
        RegionStores { ctx: self, region }
    }

    /// Global stores: approved content, taxonomy, search indexes. Never personal data.
    pub async fn global_kv(&self) -> Result<P::Kv> {
        let name = StoreName::Global(StoreKind::Kv);
        self.check(name)?;
        self.platform.open_kv(name).await
    }
    pub async fn global_sql(&self) -> Result<P::Sql> {
        let name = StoreName::Global(StoreKind::Sql);
        self.check(name)?;
        self.platform.open_sql(name).await
    }
    pub async fn global_blob(&self) -> Result<P::Blob> {
        let name = StoreName::Global(StoreKind::Blob);
        self.check(name)?;
        self.platform.open_blob(name).await
    }

    pub fn now(&self) -> OffsetDateTime {
        self.platform.now()
    }

    /// Unix time in milliseconds ([`unix_ms`]).
    pub fn now_ms(&self) -> i64 {
        unix_ms(self.now())
    }

    /// Whether what this instance read at `at` (ms) is still trusted at `now` (see
    /// [`Platform::RECHECK_MS`]).
    pub fn trusted(&self, at: i64, now: i64) -> bool {
        trusted(P::RECHECK_MS, at, now)
    }

    /// The platform's Ed25519 implementation ([`Signatures`]).
    pub fn signatures(&self) -> &P::Signatures {
        self.platform.signatures()
    }

    pub fn random_bytes<const N: usize>(&self) -> Result<[u8; N]> {
        let mut buf = [0u8; N];
        self.platform.fill(&mut buf)?;
        Ok(buf)
    }

    /// A random 128-bit identifier as 26 lowercase base32 characters.
    pub fn random_id(&self) -> Result<String> {
        let bytes: [u8; 16] = self.random_bytes()?;
        Ok(base32(&bytes))
    }

    pub fn log(&self, level: LogLevel, message: &str) {
        self.platform.log(level, message);
    }

    /// Leaves `work` for after the answer where the runtime allows
    /// ([`Platform::after_response`]); it holds what it needs (store handles, values).
    pub async fn after_response(&self, work: impl core::future::Future<Output = Result<()>> + 'static) {
        self.platform.after_response(Box::pin(work)).await
    }

    /// A wait of `ms` for work after the answer ([`Platform::linger`]); it holds nothing of
    /// the request.
    pub fn linger(&self, ms: u32) -> Linger {
        self.platform.linger(ms)
    }

    /// Sends an outbound HTTP request, bounded by the configured `outbound_timeout_ms`. Which
    /// hosts a function may reach is the runtime's allow-list (`allowed_outbound_hosts` in
    /// spin.toml); errors are transport failures, including no complete answer in time.
    pub async fn http_send(&self, req: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>> {
        self.platform.send(req, self.config.outbound_timeout).await
    }

    /// The mailer for a recipient in `region`, over the configured transport
    /// (`Config::mail`): the dev outbox, an HTTP mail API, or the runtime's mail binding.
    pub fn mailer(&self, region: Region) -> ConfiguredMailer<'_, 'a, P> {
        ConfiguredMailer { stores: self.region(region) }
    }
}

/// Crockford-style lowercase base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    base32_with(bytes, b"0123456789abcdefghjkmnpqrstvwxyz")
}

/// Base32 without padding over `alphabet` (5 bits per character, most significant first):
/// [`base32`] for ids, the RFC 4648 alphabet for TOTP secrets.
pub fn base32_with(bytes: &[u8], alphabet: &[u8; 32]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(alphabet[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(alphabet[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The stores of one region.
pub struct RegionStores<'c, 'a, P: Platform> {
    ctx: &'c Ctx<'a, P>,
    region: Region,
}

impl<P: Platform> RegionStores<'_, '_, P> {
    pub fn region(&self) -> Region {
        self.region
    }
    pub async fn kv(&self) -> Result<RegionKv<P::Kv>> {
        let name = StoreName::Regional(StoreKind::Kv, self.region);
        self.ctx.check(name)?;
        Ok(RegionKv { region: self.region, inner: self.ctx.platform.open_kv(name).await? })
    }
    pub async fn sql(&self) -> Result<RegionSql<P::Sql>> {
        let name = StoreName::Regional(StoreKind::Sql, self.region);
        self.ctx.check(name)?;
        Ok(RegionSql { region: self.region, inner: self.ctx.platform.open_sql(name).await? })
    }
    pub async fn blob(&self) -> Result<RegionBlob<P::Blob>> {
        let name = StoreName::Regional(StoreKind::Blob, self.region);
        self.ctx.check(name)?;
        Ok(RegionBlob { region: self.region, inner: self.ctx.platform.open_blob(name).await? })
    }
}

fn guard(store: Region, scope: &impl InRegion) -> Result<()> {
    let data = scope.region();
    if data == store {
        Ok(())
    } else {
        Err(Error::Residency { data: data.code(), store: store.code() })
    }
}

/// A region's key-value store. Writes name the region the data belongs to.
pub struct RegionKv<K> {
    region: Region,
    inner: K,
}

impl<K: KvStore> RegionKv<K> {
    pub fn region(&self) -> Region {
        self.region
    }
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.inner.get(key).await
    }
    pub async fn put(
        &self,
        scope: &impl InRegion,
        key: &str,
        value: &[u8],
        expires_at: Option<i64>,
    ) -> Result<()> {
        guard(self.region, scope)?;
        self.inner.put(key, value, expires_at).await
    }
    pub async fn delete(&self, scope: &impl InRegion, key: &str) -> Result<()> {
        guard(self.region, scope)?;
        self.inner.delete(key).await
    }
    pub async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        self.inner.list(prefix, limit).await
    }
}

/// A region's SQL database.
pub struct RegionSql<S> {
    region: Region,
    inner: S,
}

impl<S: SqlStore> RegionSql<S> {
    pub fn region(&self) -> Region {
        self.region
    }
    pub async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>> {
        self.inner.query(sql, params).await
    }
    pub async fn execute(&self, scope: &impl InRegion, sql: &str, params: &[SqlValue]) -> Result<u64> {
        guard(self.region, scope)?;
        self.inner.execute(sql, params).await
    }
    pub async fn batch(&self, scope: &impl InRegion, statements: &[Statement]) -> Result<()> {
        guard(self.region, scope)?;
        self.inner.batch(statements).await
    }
    /// One changing statement that returns rows (`… RETURNING …`), e.g. an atomic counter or
    /// a single-use record taken with `DELETE … RETURNING`; guarded like [`Self::execute`].
    pub async fn execute_returning(&self, scope: &impl InRegion, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>> {
        guard(self.region, scope)?;
        self.inner.query(sql, params).await
    }
}

/// A region's object storage.
pub struct RegionBlob<B> {
    region: Region,
    inner: B,
}

impl<B: BlobStore> RegionBlob<B> {
    pub fn region(&self) -> Region {
        self.region
    }
    pub async fn get(&self, key: &str) -> Result<Option<Blob>> {
        self.inner.get(key).await
    }
    pub async fn put(&self, scope: &impl InRegion, key: &str, bytes: &[u8], content_type: &str) -> Result<()> {
        guard(self.region, scope)?;
        self.inner.put(key, bytes, content_type).await
    }
    pub async fn delete(&self, scope: &impl InRegion, key: &str) -> Result<()> {
        guard(self.region, scope)?;
        self.inner.delete(key).await
    }
    pub async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        self.inner.list(prefix, limit).await
    }
}

/// The configured mail transport for one region's recipients. A failed delivery is an error
/// (`Error::Upstream`, detail for logs only, never the address): the caller keeps the mail for
/// a retry and tells the person. Nothing is dropped silently.
pub struct ConfiguredMailer<'c, 'a, P: Platform> {
    stores: RegionStores<'c, 'a, P>,
}

impl<P: Platform> Mailer for ConfiguredMailer<'_, '_, P> {
    async fn send(&self, id: &str, mail: &Mail) -> Result<()> {
        let ctx = self.stores.ctx;
        let from = ctx.config.mail.from.as_str();
        match &ctx.config.mail.transport {
            MailTransport::Outbox => self.outbox(id, mail).await,
            MailTransport::Http { url, api_key } => {
                let body = ApiMail { from, to: [&mail.to], subject: &mail.subject, text: &mail.text };
                let req = http::Request::post(url.as_str())
                    .header(http::header::CONTENT_TYPE, "application/json")
                    .header(http::header::AUTHORIZATION, format!("Bearer {api_key}"))
                    // the same key on every attempt of one mail: an API that saw it once sends once
                    .header(IDEMPOTENCY_KEY, id)
                    .body(serde_json::to_vec(&body).map_err(Error::internal)?)
                    .map_err(Error::internal)?;
                let resp = ctx.http_send(req).await.map_err(|e| Error::Upstream(format!("mail api: {e}")))?;
                if resp.status().is_success() {
                    Ok(())
                } else {
                    Err(Error::Upstream(format!("mail api answered {}", resp.status().as_u16())))
                }
            }
            MailTransport::CloudflareBinding => ctx.platform.send_email(from, mail).await,
            MailTransport::Unconfigured => Err(Error::Upstream("no mail transport configured (mail_transport)".into())),
        }
    }
}

/// The JSON body of the HTTP mail API (a struct: `serde_json::json!` costs wasm for nothing).
#[derive(serde::Serialize)]
struct ApiMail<'m> {
    from: &'m str,
    to: [&'m str; 1],
    subject: &'m str,
    text: &'m str,
}

impl<P: Platform> ConfiguredMailer<'_, '_, P> {
    /// Dev mode only: the mail goes to the region's `mail_outbox` table, shown at `/dev/outbox`.
    async fn outbox(&self, id: &str, mail: &Mail) -> Result<()> {
        if !self.stores.ctx.config.dev_mode {
            return Err(Error::internal("the mail outbox is for dev mode only"));
        }
        let now = self.stores.ctx.now().unix_timestamp();
        let region = self.stores.region;
        let sql = self.stores.sql().await?;
        sql.execute(
            &region,
            "INSERT OR IGNORE INTO mail_outbox (id, to_addr, subject, body_text, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[id.into(), mail.to.as_str().into(), mail.subject.as_str().into(), mail.text.as_str().into(), now.into()],
        )
        .await?;
        Ok(())
    }
}

/// A blob store on top of a key-value store (Spin has no object storage). An object of at most
/// [`KvBlobStore::CHUNK`] bytes is one record under `m/<key>` (a version byte
/// [`KvBlobStore::INLINE`], the content type's length as u16 LE, the content type, the bytes):
/// one read, and an overwrite replaces it at once. A larger one is split into chunks of at most
/// `CHUNK` bytes under `o/<key>/<n>`, with a small JSON metadata record under `m/<key>` written
/// last (readers never see a partial object). Stores written before inline records existed hold
/// only the chunked form, which is read as before.
pub struct KvBlobStore<K> {
    kv: K,
}

impl<K> KvBlobStore<K> {
    pub const CHUNK: usize = 512 * 1024;
    /// First byte of an inline record (a JSON metadata record starts with `{`).
    pub const INLINE: u8 = 1;
    pub fn new(kv: K) -> Self {
        KvBlobStore { kv }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct BlobMeta {
    size: usize,
    chunks: usize,
    content_type: String,
}

impl<K: KvStore> BlobStore for KvBlobStore<K> {
    async fn put(&self, key: &str, bytes: &[u8], content_type: &str) -> Result<()> {
        let old = self.meta(key).await?.and_then(Stored::chunked);
        if bytes.len() <= Self::CHUNK && content_type.len() <= usize::from(u16::MAX) {
            let mut record = Vec::with_capacity(3 + content_type.len() + bytes.len());
            record.push(Self::INLINE);
            record.extend_from_slice(&(content_type.len() as u16).to_le_bytes());
            record.extend_from_slice(content_type.as_bytes());
            record.extend_from_slice(bytes);
            self.kv.put(&format!("m/{key}"), &record, None).await?;
            // the old object's chunks, if it was a large one, after it is replaced
            for i in 0..old.map_or(0, |o| o.chunks) {
                self.kv.delete(&format!("o/{key}/{i}")).await?;
            }
            return Ok(());
        }
        // Remove the old object's metadata first so a crash mid-write never exposes a mix.
        self.kv.delete(&format!("m/{key}")).await?;
        let chunks = bytes.len().div_ceil(Self::CHUNK).max(1);
        for (i, part) in bytes.chunks(Self::CHUNK).enumerate() {
            self.kv.put(&format!("o/{key}/{i}"), part, None).await?;
        }
        if bytes.is_empty() {
            self.kv.put(&format!("o/{key}/0"), &[], None).await?;
        }
        if let Some(old) = old {
            for i in chunks..old.chunks {
                self.kv.delete(&format!("o/{key}/{i}")).await?;
            }
        }
        let meta = BlobMeta { size: bytes.len(), chunks, content_type: content_type.to_owned() };
        let meta = serde_json::to_vec(&meta).map_err(Error::internal)?;
        self.kv.put(&format!("m/{key}"), &meta, None).await
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>> {
        let meta = match self.meta(key).await? {
            None => return Ok(None),
            Some(Stored::Inline(blob)) => return Ok(Some(blob)),
            Some(Stored::Chunked(meta)) => meta,
        };
        let mut bytes = Vec::with_capacity(meta.size);
        for i in 0..meta.chunks {
            match self.kv.get(&format!("o/{key}/{i}")).await? {
                Some(part) => bytes.extend_from_slice(&part),
                None => return Err(Error::internal(format!("blob {key}: chunk {i} missing"))),
            }
        }
        if bytes.len() != meta.size {
            return Err(Error::internal(format!("blob {key}: size mismatch")));
        }
        Ok(Some(Blob { bytes, content_type: meta.content_type }))
    }

    async fn delete(&self, key: &str) -> Result<()> {
        let Some(meta) = self.meta(key).await? else { return Ok(()) };
        self.kv.delete(&format!("m/{key}")).await?;
        for i in 0..Stored::chunked(meta).map_or(0, |m| m.chunks) {
            self.kv.delete(&format!("o/{key}/{i}")).await?;
        }
        Ok(())
    }

    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let keys = self.kv.list(&format!("m/{prefix}"), limit).await?;
        Ok(keys.into_iter().filter_map(|k| k.strip_prefix("m/").map(str::to_owned)).collect())
    }
}

/// What `m/<key>` holds: a small object itself, or a large one's metadata.
enum Stored {
    Inline(Blob),
    Chunked(BlobMeta),
}

impl Stored {
    fn chunked(self) -> Option<BlobMeta> {
        match self {
            Stored::Chunked(m) => Some(m),
            Stored::Inline(_) => None,
        }
    }
}

impl<K: KvStore> KvBlobStore<K> {
    async fn meta(&self, key: &str) -> Result<Option<Stored>> {
        let Some(mut raw) = self.kv.get(&format!("m/{key}")).await? else { return Ok(None) };
        if raw.first() != Some(&Self::INLINE) {
            return serde_json::from_slice(&raw).map(|m| Some(Stored::Chunked(m))).map_err(Error::internal);
        }
        let n = raw.get(1..3).map_or(usize::MAX, |l| usize::from(u16::from_le_bytes([l[0], l[1]])));
        let content_type = raw.get(3..3usize.saturating_add(n)).and_then(|t| std::str::from_utf8(t).ok()).map(str::to_owned);
        let content_type = content_type.ok_or_else(|| Error::internal(format!("blob {key}: bad record")))?;
        // the bytes moved to the front of the record as read (no second buffer)
        raw.drain(..3 + n);
        Ok(Some(Stored::Inline(Blob { bytes: raw, content_type })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MemKv;

    fn eu() -> Region {
        Region::from_code("eu").unwrap()
    }
    fn us() -> Region {
        Region::from_code("us").unwrap()
    }

    #[test]
    fn what_was_read_is_trusted_for_the_recheck_interval_only() {
        assert!(trusted(1000, 5_000, 5_000));
        assert!(trusted(1000, 5_000, 5_999));
        assert!(!trusted(1000, 5_000, 6_000), "read again after the interval");
        assert!(!trusted(1000, 5_000, 4_999), "a clock that went back");
        assert!(!trusted(0, 5_000, 5_000), "every time without an interval");
    }

    #[test]
    fn regional_handles_refuse_other_regions_data() {
        let mem = MemKv::default();
        let kv = RegionKv { region: eu(), inner: mem.clone() };
        pollster::block_on(kv.put(&eu(), "a", b"1", None)).unwrap();
        let err = pollster::block_on(kv.put(&us(), "b", b"2", None)).unwrap_err();
        assert!(matches!(err, Error::Residency { data: "us", store: "eu" }));
        assert!(pollster::block_on(kv.delete(&us(), "a")).is_err());
        // nothing of the refused write reached the store
        assert_eq!(mem.keys(), vec!["a".to_owned()]);
        assert_eq!(err.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn kv_blob_store_round_trips_large_objects_and_shrinks_cleanly() {
        let mem = MemKv::default();
        let blobs = KvBlobStore::new(mem.clone());
        let big: Vec<u8> = (0..(KvBlobStore::<MemKv>::CHUNK * 2 + 17)).map(|i| (i % 251) as u8).collect();
        pollster::block_on(blobs.put("doc", &big, "application/pdf")).unwrap();
        let back = pollster::block_on(blobs.get("doc")).unwrap().unwrap();
        assert_eq!((back.bytes.len(), back.content_type.as_str()), (big.len(), "application/pdf"));
        assert_eq!(back.bytes, big);
        assert_eq!(mem.keys().iter().filter(|k| k.starts_with("o/doc/")).count(), 3);
        // overwrite with a small object: one inline record, the large one's chunks are removed
        pollster::block_on(blobs.put("doc", b"small", "text/plain")).unwrap();
        let back = pollster::block_on(blobs.get("doc")).unwrap().unwrap();
        assert_eq!((back.bytes.as_slice(), back.content_type.as_str()), (&b"small"[..], "text/plain"));
        assert_eq!(mem.keys(), vec!["m/doc".to_owned()]);
        // and back to a large one
        pollster::block_on(blobs.put("doc", &big, "application/pdf")).unwrap();
        assert_eq!(pollster::block_on(blobs.get("doc")).unwrap().unwrap().bytes, big);
        pollster::block_on(blobs.put("doc", b"", "text/plain")).unwrap();
        assert_eq!(pollster::block_on(blobs.get("doc")).unwrap().unwrap().bytes, b"");
        assert_eq!(mem.keys(), vec!["m/doc".to_owned()]);
        assert_eq!(pollster::block_on(blobs.list("", 10)).unwrap(), vec!["doc".to_owned()]);
        pollster::block_on(blobs.delete("doc")).unwrap();
        assert!(mem.keys().is_empty());
        assert!(pollster::block_on(blobs.get("doc")).unwrap().is_none());
    }

    /// `run_now` (the native host, and inside Spin's spawned task) finishes the work before it returns and logs a failure.
    #[test]
    fn work_run_now_is_done_before_the_answer_and_failures_are_logged() {
        struct Logged(std::cell::RefCell<Vec<String>>);
        impl Log for Logged {
            fn log(&self, _: LogLevel, message: &str) {
                self.0.borrow_mut().push(message.to_owned());
            }
        }
        let log = Logged(Default::default());
        let mem = MemKv::default();
        let kv = mem.clone();
        pollster::block_on(run_now(&log, Box::pin(async move { kv.put("counted", b"1", None).await })));
        assert_eq!(mem.keys(), vec!["counted".to_owned()]);
        pollster::block_on(run_now(&log, Box::pin(async { Err(Error::internal("store down")) })));
        assert_eq!(log.0.borrow().len(), 1);
        assert!(log.0.borrow()[0].contains("store down"));
    }

    /// Objects written before inline records existed (chunks + a JSON metadata record) are
    /// read, listed, overwritten and deleted as before.
    #[test]
    fn kv_blob_store_reads_the_chunked_form_of_older_stores() {
        let mem = MemKv::default();
        pollster::block_on(mem.put("o/old/0", b"hello ", None)).unwrap();
        pollster::block_on(mem.put("o/old/1", b"world", None)).unwrap();
        pollster::block_on(mem.put("m/old", br#"{"size":11,"chunks":2,"content_type":"text/plain"}"#, None)).unwrap();
        let blobs = KvBlobStore::new(mem.clone());
        let back = pollster::block_on(blobs.get("old")).unwrap().unwrap();
        assert_eq!((back.bytes.as_slice(), back.content_type.as_str()), (&b"hello world"[..], "text/plain"));
        assert_eq!(pollster::block_on(blobs.list("", 10)).unwrap(), vec!["old".to_owned()]);
        pollster::block_on(blobs.put("old", b"new", "text/plain")).unwrap();
        assert_eq!(mem.keys(), vec!["m/old".to_owned()], "the old chunks go");
        pollster::block_on(mem.put("o/gone/0", b"x", None)).unwrap();
        pollster::block_on(mem.put("m/gone", br#"{"size":1,"chunks":1,"content_type":"text/plain"}"#, None)).unwrap();
        pollster::block_on(blobs.delete("gone")).unwrap();
        assert_eq!(mem.keys(), vec!["m/old".to_owned()]);
        pollster::block_on(mem.put("m/bad", &[KvBlobStore::<MemKv>::INLINE, 9, 0, b'x'], None)).unwrap();
        assert!(pollster::block_on(blobs.get("bad")).is_err(), "a truncated record is an error, not a panic");
    }

    #[test]
    fn base32_ids_are_26_chars() {
        assert_eq!(base32(&[0u8; 16]).len(), 26);
        assert_eq!(base32(&[0xff]), "zw");
    }
}
