//! Fermyon Spin adapter. Store labels are the logical store names (`kv_eu`, `db_eu`,
//! `blob_eu`, `kv_global`, …), identical to the Cloudflare binding names.
//!
//! Object storage: Spin has no object-storage interface, so blobs are kept in a dedicated
//! labelled key-value store per region (`blob_eu`, …) through core's `KvBlobStore`
//! (512 KiB chunks + a metadata record written last). It needs no outbound network, works in
//! every Spin runtime and keeps the region boundary identical to the other stores. An
//! S3-compatible client over `wasi:http` would suit very large files better; it can replace
//! this type without touching core.
//!
//! Instances: Spin 4.1 reuses a WASIp3 component's instance for many requests (by default up
//! to 128, 16 at once, dropped after 1 s idle; `spin up --max-instance-reuse-count 1` makes
//! each request a fresh one). What an instance read from the runtime is therefore kept like a
//! Workers isolate keeps it, for [`Platform::RECHECK_MS`]: the configuration (27 variables,
//! one host call each) and what core trusts through `Ctx::trusted`. An idle SQLite connection
//! is kept for the next request too ([`SpinSqlite`]): Spin's local SQLite opens a new database
//! connection per guest `open`, which then parses the schema and prepares every statement
//! afresh.
#![cfg(target_arch = "wasm32")]

use bytes::{Buf, Bytes};
use http_body_util::{BodyExt, Full};
use core::time::Duration;
use medportal_core::ports::dalek::Dalek;
use medportal_core::ports::{Clock, HttpClient, KvStore, Log, LogLevel, MAX_REPLY_BYTES, Rng, Row, SqlStore, SqlValue, Statement, within};
use medportal_core::{App, Config, Error, KvBlobStore, Platform, Result, StoreName};
use std::cell::RefCell;
use std::rc::Rc;
use spin_sdk::wasip3::http::types::RequestOptions;
use spin_sdk::wasip3::http_compat::RequestOptionsExtension;
use spin_sdk::{key_value, sqlite};
use time::OffsetDateTime;

pub struct SpinPlatform;

impl Clock for SpinPlatform {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

impl Rng for SpinPlatform {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        getrandom::fill(buf).map_err(Error::platform)
    }
}

impl Log for SpinPlatform {
    fn log(&self, level: LogLevel, message: &str) {
        eprintln!("[{level:?}] {message}");
    }
}

impl HttpClient for SpinPlatform {
    /// `wasi:http` with request options (connect, first-byte and between-bytes timeouts, so the
    /// runtime itself drops a stalled connection) and, over the whole exchange, a race with
    /// the monotonic clock, so a peer trickling bytes cannot stretch it past `timeout` either.
    async fn send(&self, req: http::Request<Vec<u8>>, timeout: Duration) -> Result<http::Response<Vec<u8>>> {
        let (mut parts, body) = req.into_parts();
        let options = RequestOptions::new();
        let ns = Some(u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX));
        // A runtime that does not support an option says so; the race below still bounds it.
        let _ = options.set_connect_timeout(ns);
        let _ = options.set_first_byte_timeout(ns);
        let _ = options.set_between_bytes_timeout(ns);
        parts.extensions.insert(RequestOptionsExtension(options));
        let outbound = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
        let exchange = async {
            let resp = spin_sdk::http::send(outbound).await.map_err(|e| Error::platform(format!("outbound http: {e:?}")))?;
            let (parts, body) = resp.into_parts();
            let mut body = body;
            let bytes = read_limited(&mut body, MAX_REPLY_BYTES)
                .await
                .map_err(|e| Error::platform(format!("outbound http body: {e}")))?
                .ok_or_else(medportal_core::ports::reply_too_large)?;
            Ok(http::Response::from_parts(parts, bytes))
        };
        within(exchange, spin_sdk::time::sleep(timeout)).await.unwrap_or_else(|| {
            Err(Error::platform(format!("outbound http: no complete answer within {} ms", timeout.as_millis())))
        })
    }
}

impl Platform for SpinPlatform {
    /// As on Workers: an instance serves many requests (see the crate documentation), and a
    /// change made through another function reaches it within this long.
    const RECHECK_MS: i64 = 1000;
    type Signatures = Dalek;
    fn signatures(&self) -> &Dalek {
        &Dalek
    }
    type Kv = SpinKv;
    type Sql = SpinSqlite;
    type Blob = KvBlobStore<SpinKv>;

    async fn open_kv(&self, name: StoreName) -> Result<SpinKv> {
        if let Some(kept) = KV.with(|c| c.borrow().iter().find(|(n, _)| *n == name).map(|(_, s)| s.clone())) {
            return Ok(SpinKv(kept));
        }
        let store = key_value::Store::open(name.to_string())
            .await
            .map(Rc::new)
            .map_err(|e| Error::StoreUnavailable(format!("{name}: {e:?}")))?;
        KV.with(|c| {
            let mut c = c.borrow_mut();
            if !c.iter().any(|(n, _)| *n == name) {
                c.push((name, store.clone()));
            }
        });
        Ok(SpinKv(store))
    }
    async fn open_sql(&self, name: StoreName) -> Result<SpinSqlite> {
        if let Some(conn) = IDLE_SQL.with(|idle| {
            let mut idle = idle.borrow_mut();
            let i = idle.iter().position(|(n, _)| *n == name)?;
            Some(idle.swap_remove(i).1)
        }) {
            return Ok(SpinSqlite::new(name, conn));
        }
        sqlite::Connection::open(name.to_string())
            .await
            .map(|conn| SpinSqlite::new(name, conn))
            .map_err(|e| Error::StoreUnavailable(format!("{name}: {e:?}")))
    }
    async fn open_blob(&self, name: StoreName) -> Result<KvBlobStore<SpinKv>> {
        self.open_kv(name).await.map(KvBlobStore::new)
    }
    fn linger(&self, ms: u32) -> medportal_core::platform::Linger {
        Box::pin(spin_sdk::wasip3::clocks::monotonic_clock::wait_for(u64::from(ms) * 1_000_000))
    }
    /// After the answer: the entry is a component-model async export (WASIp3), which hands
    /// the answer to the host when the handler returns (`task.return`); a task spawned on the
    /// export's executor (wit-bindgen's `spawn`, through spin-sdk's `wasip3`) goes on after
    /// that, and the export's task (so the instance) ends only when it has. A failure is
    /// logged (`run_now` inside the task).
    async fn after_response(&self, work: medportal_core::platform::Afterwards) {
        spin_sdk::wasip3::spawn(async move { medportal_core::platform::run_now(&SpinPlatform, work).await });
    }
}

fn kv_err(e: key_value::Error) -> Error {
    Error::platform(format!("key-value: {e:?}"))
}

thread_local! {
    /// The instance's key-value store handles (a handle holds no request state; the host
    /// serialises their use).
    static KV: RefCell<Vec<(StoreName, Rc<key_value::Store>)>> = const { RefCell::new(Vec::new()) };
}

pub struct SpinKv(Rc<key_value::Store>);

impl KvStore for SpinKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.0.get(key).await.map_err(kv_err)
    }
    async fn put(&self, key: &str, value: &[u8], _expires_at: Option<i64>) -> Result<()> {
        self.0.set(key, value).await.map_err(kv_err)
    }
    async fn delete(&self, key: &str) -> Result<()> {
        self.0.delete(key).await.map_err(kv_err)
    }
    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let keys = self.0.get_keys().await.collect().await.map_err(kv_err)?;
        let mut keys: Vec<String> = keys.into_iter().filter(|k| k.starts_with(prefix)).collect();
        keys.sort();
        keys.truncate(limit);
        Ok(keys)
    }
}

/// Idle connections per store, at most this many each, kept by the instance for its next
/// requests (two: a request's work after the answer often still holds one when the next
/// request opens the same store).
const IDLE_PER_STORE: usize = 2;

thread_local! {
    static IDLE_SQL: RefCell<Vec<(StoreName, sqlite::Connection)>> = const { RefCell::new(Vec::new()) };
}

/// One SQLite connection, owned by one request (or its work after the answer) at a time, so
/// no other request's statement can fall inside its transaction. Dropped, it goes back to the
/// instance's idle connections, unless a batch failed on it: its transaction may still be
/// open, so it is closed instead.
pub struct SpinSqlite {
    name: StoreName,
    conn: Option<sqlite::Connection>,
    reusable: core::cell::Cell<bool>,
}

impl Drop for SpinSqlite {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take().filter(|_| self.reusable.get()) else { return };
        let name = self.name;
        IDLE_SQL.with(|idle| {
            let mut idle = idle.borrow_mut();
            if idle.iter().filter(|(n, _)| *n == name).count() < IDLE_PER_STORE {
                idle.push((name, conn));
            }
        });
    }
}

fn sql_err(e: sqlite::Error) -> Error {
    Error::platform(format!("sqlite: {e:?}"))
}

fn to_spin(v: &SqlValue) -> sqlite::Value {
    match v {
        SqlValue::Null => sqlite::Value::Null,
        SqlValue::Integer(i) => sqlite::Value::Integer(*i),
        SqlValue::Real(f) => sqlite::Value::Real(*f),
        SqlValue::Text(s) => sqlite::Value::Text(s.clone()),
        SqlValue::Blob(b) => sqlite::Value::Blob(b.clone()),
    }
}

fn from_spin(v: sqlite::Value) -> SqlValue {
    match v {
        sqlite::Value::Null => SqlValue::Null,
        sqlite::Value::Integer(i) => SqlValue::Integer(i),
        sqlite::Value::Real(f) => SqlValue::Real(f),
        sqlite::Value::Text(s) => SqlValue::Text(s),
        sqlite::Value::Blob(b) => SqlValue::Blob(b),
    }
}

impl SpinSqlite {
    fn new(name: StoreName, conn: sqlite::Connection) -> Self {
        Self { name, conn: Some(conn), reusable: core::cell::Cell::new(true) }
    }

    fn conn(&self) -> Result<&sqlite::Connection> {
        self.conn.as_ref().ok_or_else(|| Error::platform("sqlite: connection already released"))
    }

    async fn run(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>> {
        let result = self.conn()?.execute(sql, params.iter().map(to_spin)).await.map_err(sql_err)?;
        let rows = result.collect().await.map_err(sql_err)?;
        Ok(rows.into_iter().map(|r| Row(r.values.into_iter().map(from_spin).collect())).collect())
    }
}

impl SqlStore for SpinSqlite {
    async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>> {
        self.run(sql, params).await
    }
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64> {
        self.run(sql, params).await?;
        Ok(self.conn()?.changes().await)
    }
    async fn batch(&self, statements: &[Statement]) -> Result<()> {
        // One statement is a transaction of its own, with whatever its triggers do: no BEGIN
        // and COMMIT around it (each statement is a host call).
        if let [only] = statements {
            return self.run(&only.sql, &only.params).await.map(drop);
        }
        // Until it has committed, a failure may leave the transaction open: not reused then.
        self.reusable.set(false);
        self.run("BEGIN IMMEDIATE", &[]).await?;
        for s in statements {
            if let Err(e) = self.run(&s.sql, &s.params).await {
                // Best effort: the transaction is abandoned either way.
                let _ = self.run("ROLLBACK", &[]).await;
                return Err(e);
            }
        }
        self.run("COMMIT", &[]).await?;
        self.reusable.set(true);
        Ok(())
    }
}

/// Reads a body frame by frame: the bytes, or `None` as soon as they exceed `limit` (the rest
/// is left unread; dropping the body closes the stream).
async fn read_limited<B>(body: &mut B, limit: usize) -> core::result::Result<Option<Vec<u8>>, String>
where
    B: http_body::Body + Unpin,
    B::Error: core::fmt::Debug,
{
    let mut body = core::pin::Pin::new(body);
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("{e:?}"))?;
        if let Ok(mut data) = frame.into_data() {
            if out.len() + data.remaining() > limit {
                return Ok(None);
            }
            while data.has_remaining() {
                let n = data.chunk().len();
                out.extend_from_slice(data.chunk());
                data.advance(n);
            }
        }
    }
    Ok(Some(out))
}

/// Reads and drops a request body refused for its declared length (at most
/// [`medportal_core::DRAIN_BYTES`]), so that the client reads the 413 answer instead of a reset
/// connection. A declared length ends the body, as it ends one under the limit; a chunked body
/// over the limit is cut off instead (it may never end). Best effort: the answer is decided
/// either way.
async fn drain<B>(body: &mut B)
where
    B: http_body::Body + Unpin,
{
    let mut body = core::pin::Pin::new(body);
    let mut seen = 0usize;
    while seen <= medportal_core::DRAIN_BYTES {
        match body.frame().await {
            Some(Ok(frame)) => seen = seen.saturating_add(frame.data_ref().map_or(0, |d| d.remaining())),
            _ => return,
        }
    }
}

thread_local! {
    static CONFIG: RefCell<Option<(i64, Rc<Config>)>> = const { RefCell::new(None) };
}

/// The configuration, read again once it is older than [`Platform::RECHECK_MS`] (an invalid
/// one is not kept).
async fn instance_config(platform: &SpinPlatform) -> Result<Rc<Config>> {
    let now = medportal_core::platform::unix_ms(platform.now());
    let kept = CONFIG.with(|c| c.borrow().as_ref().filter(|(at, _)| medportal_core::platform::trusted(SpinPlatform::RECHECK_MS, *at, now)).map(|(_, c)| c.clone()));
    if let Some(config) = kept {
        return Ok(config);
    }
    let config = Rc::new(config().await?);
    CONFIG.with(|c| *c.borrow_mut() = Some((now, config.clone())));
    Ok(config)
}

/// Reads the typed config from Spin variables (undeclared or unset → default).
async fn config() -> Result<Config> {
    let mut values = Vec::with_capacity(Config::KEYS.len());
    for key in Config::KEYS {
        values.push((*key, spin_sdk::variables::get(*key).await.ok()));
    }
    Config::from_lookup(|k| values.iter().find(|(n, _)| *n == k).and_then(|(_, v)| v.clone()))
}

pub type SpinResponse = http::Response<Reply>;

/// A response body that also holds the request's body, so the request body is dropped only
/// once the whole response has been handed to the runtime (spin-sdk drops the response body
/// after writing its last frame and its end).
///
/// Why: Spin 4.1's HTTP server (hyper 1.10.1) can leave the end of a chunked response in its
/// write buffer and then shut the connection down without flushing it, when the request body
/// was dropped (read side closed) before the response ended: the client then gets the head
/// and the body but never the final chunk, so a refused, partly read request body got no
/// complete answer. Dropping the request body after the response ends wakes the connection
/// once more, and that pass flushes before it shuts down.
pub struct Reply {
    body: Full<Bytes>,
    _request: Option<spin_sdk::wasip3::http_compat::IncomingRequestBody>,
}

impl http_body::Body for Reply {
    type Data = Bytes;
    type Error = core::convert::Infallible;

    fn poll_frame(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Option<core::result::Result<http_body::Frame<Bytes>, Self::Error>>> {
        core::pin::Pin::new(&mut self.body).poll_frame(cx)
    }
    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }
    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

fn to_spin_response(resp: medportal_core::Response, request: Option<spin_sdk::wasip3::http_compat::IncomingRequestBody>) -> SpinResponse {
    let (parts, body) = resp.into_parts();
    http::Response::from_parts(parts, Reply { body: Full::new(Bytes::from(body)), _request: request })
}

/// The whole request path for one function; entry files call only this.
pub async fn serve<A: App>(req: spin_sdk::http::Request) -> SpinResponse {
    let platform = SpinPlatform;
    let config = match instance_config(&platform).await {
        Ok(c) => c,
        Err(e) => {
            platform.log(LogLevel::Error, &format!("invalid configuration: {e}"));
            let mut resp = http::Response::new(Bytes::from_static(b"Service misconfigured").to_vec());
            *resp.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
            return to_spin_response(resp, Some(req.into_body()));
        }
    };
    let (mut parts, mut body) = req.into_parts();
    // The runtime's peer address, or (behind a trusted reverse proxy) the right-most entry
    // of the header that proxy sets: never an address header the client chose.
    let client = match &config.client_address_header {
        Some(name) => parts.headers.get(name.as_str()).and_then(|v| v.to_str().ok()).and_then(medportal_core::web::forwarded_client),
        // Spin appends its own `spin-client-addr` after any the client sent: the last one is
        // the runtime's (the first would be the client's choice).
        None => parts
            .headers
            .get_all(medportal_core::web::SPIN_CLIENT_ADDR)
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(medportal_core::web::parse_client_address),
    };
    if let Some(addr) = client {
        parts.extensions.insert(addr);
    }
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    // A GET or HEAD that declares no body (no length, not chunked) has none: it is not read
    // (a read still costs a host round trip), and it goes with the answer unread.
    let bodiless = matches!(parts.method, http::Method::GET | http::Method::HEAD)
        && !parts.headers.contains_key(http::header::CONTENT_LENGTH)
        && !parts.headers.contains_key(http::header::TRANSFER_ENCODING);
    if bodiless {
        let req = http::Request::from_parts(parts, Vec::new());
        return to_spin_response(medportal_core::serve::<A, _>(&platform, &config, req).await, Some(body));
    }
    // A declared length over the limit is refused (its body read and dropped first, see
    // `drain`); a body without one (chunked) is read frame by frame and refused as soon as it
    // passes the limit.
    let collected = match medportal_core::check_body_size(&config, declared) {
        Ok(()) => match read_limited(&mut body, config.max_body_bytes).await {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(Error::PayloadTooLarge { limit: config.max_body_bytes }),
            Err(_) => Err(Error::bad_request("invalid_body", "The request body could not be read.")),
        },
        Err(e) => {
            if declared <= medportal_core::DRAIN_BYTES {
                drain(&mut body).await;
            }
            Err(e)
        }
    };
    match collected {
        Ok(bytes) => {
            let req = http::Request::from_parts(parts, bytes);
            to_spin_response(medportal_core::serve::<A, _>(&platform, &config, req).await, None)
        }
        Err(e) => {
            let head = http::Request::from_parts(parts, Vec::new());
            // the request body, unread or partly read, goes with the answer (see `Reply`)
            to_spin_response(medportal_core::refuse::<A, _>(&platform, &config, &head, e), Some(body))
        }
    }
}

/// Declares the Spin HTTP entry for a function: `medportal_spin::entry!(crate::App);`
#[macro_export]
macro_rules! entry {
    ($app:ty) => {
        #[::spin_sdk::http_service]
        async fn handle(req: ::spin_sdk::http::Request) -> $crate::SpinResponse {
            $crate::serve::<$app>(req).await
        }
    };
}
