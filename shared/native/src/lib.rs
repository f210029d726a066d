//! Native adapter. Key-value stores use Spin's own SQLite layout
//! (`spin_key_value(store, key, value)`), SQL databases are SQLite files and blob stores are
//! key-value backed, exactly as on Spin, so one set of tools inspects both hosts' state.

use medportal_core::ports::dalek::Dalek;
use medportal_core::ports::{Clock, HttpClient, KvStore, Log, LogLevel, Rng, Row, SqlStore, SqlValue, Statement};
use medportal_core::{Error, KvBlobStore, Platform, Result, StoreKind, StoreName};
use rusqlite::{Connection, params_from_iter, types::Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;

type Shared = Arc<Mutex<Connection>>;

/// Where stores live: a state directory (`<dir>/<store>.db`) or memory.
pub struct NativeStores {
    dir: Option<PathBuf>,
    open: Mutex<HashMap<String, Shared>>,
}

impl NativeStores {
    pub fn in_memory() -> Arc<Self> {
        Arc::new(NativeStores { dir: None, open: Mutex::new(HashMap::new()) })
    }

    pub fn at(dir: impl Into<PathBuf>) -> Result<Arc<Self>> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(Error::platform)?;
        Ok(Arc::new(NativeStores { dir: Some(dir), open: Mutex::new(HashMap::new()) }))
    }

    fn connection(&self, name: &str) -> Result<Shared> {
        let mut open = self.open.lock().map_err(|_| Error::internal("store lock poisoned"))?;
        if let Some(c) = open.get(name) {
            return Ok(c.clone());
        }
        let conn = match &self.dir {
            Some(dir) => Connection::open(dir.join(format!("{name}.db"))),
            None => Connection::open_in_memory(),
        }
        .map_err(Error::platform)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(Error::platform)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;
             CREATE TABLE IF NOT EXISTS spin_key_value (
               store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (store, key));",
        )
        .map_err(Error::platform)?;
        let shared = Arc::new(Mutex::new(conn));
        open.insert(name.to_owned(), shared.clone());
        Ok(shared)
    }

    /// Applies the migrations at `dir` (a directory of `*.sql` files, or one file) to database
    /// `db` with the shared runner (`medportal_migrate`, rules in infra/migrations/README.md).
    /// Returns the names applied now.
    pub fn migrate(&self, db: &str, dir: &Path) -> Result<Vec<String>> {
        let conn = self.connection(db)?;
        let conn = conn.lock().map_err(|_| Error::internal("store lock poisoned"))?;
        apply_dir(&conn, dir)
    }
}

/// Applies the migrations at `dir` once each (see [`NativeStores::migrate`]).
pub fn apply_dir(conn: &Connection, dir: &Path) -> Result<Vec<String>> {
    medportal_migrate::apply_path(conn, dir).map_err(Error::platform)
}

/// An outbound HTTP transport with its deadline (swapped for a fake in host tests).
pub type HttpFn = Arc<dyn Fn(http::Request<Vec<u8>>, Duration) -> Result<http::Response<Vec<u8>>> + Send + Sync>;

/// The native platform: real clock, OS randomness, stderr logging, SQLite stores, a small
/// blocking HTTP/1.1 client (http:// only).
#[derive(Clone)]
pub struct NativePlatform {
    stores: Arc<NativeStores>,
    /// Fixed time for deterministic tests.
    pub fixed_now: Option<OffsetDateTime>,
    http: HttpFn,
}

impl NativePlatform {
    pub fn new(stores: Arc<NativeStores>) -> Self {
        NativePlatform { stores, fixed_now: None, http: Arc::new(http1::send) }
    }
    /// Replaces the outbound HTTP transport (host tests use a fake).
    pub fn with_http(mut self, http: HttpFn) -> Self {
        self.http = http;
        self
    }
    pub fn stores(&self) -> &Arc<NativeStores> {
        &self.stores
    }
}

impl Clock for NativePlatform {
    fn now(&self) -> OffsetDateTime {
        self.fixed_now.unwrap_or_else(OffsetDateTime::now_utc)
    }
}

impl Rng for NativePlatform {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        getrandom::fill(buf).map_err(Error::platform)
    }
}

impl Log for NativePlatform {
    fn log(&self, level: LogLevel, message: &str) {
        eprintln!("[{level:?}] {message}");
    }
}

impl HttpClient for NativePlatform {
    async fn send(&self, req: http::Request<Vec<u8>>, timeout: Duration) -> Result<http::Response<Vec<u8>>> {
        (self.http)(req, timeout)
    }
}

impl Platform for NativePlatform {
    type Signatures = Dalek;
    fn signatures(&self) -> &Dalek {
        &Dalek
    }
    type Kv = NativeKv;
    type Sql = NativeSql;
    type Blob = KvBlobStore<NativeKv>;

    async fn open_kv(&self, name: StoreName) -> Result<NativeKv> {
        expect_kind(name, StoreKind::Kv)?;
        let label = name.to_string();
        Ok(NativeKv { conn: self.stores.connection(&label)?, label })
    }
    async fn open_sql(&self, name: StoreName) -> Result<NativeSql> {
        expect_kind(name, StoreKind::Sql)?;
        Ok(NativeSql { conn: self.stores.connection(&name.to_string())? })
    }
    async fn open_blob(&self, name: StoreName) -> Result<KvBlobStore<NativeKv>> {
        expect_kind(name, StoreKind::Blob)?;
        let label = name.to_string();
        Ok(KvBlobStore::new(NativeKv { conn: self.stores.connection(&label)?, label }))
    }
    /// The test host answers after the work is done, so tests read its effects at once.
    async fn after_response(&self, work: medportal_core::platform::Afterwards) {
        medportal_core::platform::run_now(self, work).await
    }
}

fn expect_kind(name: StoreName, kind: StoreKind) -> Result<()> {
    if name.kind() == kind { Ok(()) } else { Err(Error::StoreUnavailable(format!("{name} is not a {kind:?} store"))) }
}

fn lock(conn: &Shared) -> Result<std::sync::MutexGuard<'_, Connection>> {
    conn.lock().map_err(|_| Error::internal("store lock poisoned"))
}

pub struct NativeKv {
    conn: Shared,
    label: String,
}

impl KvStore for NativeKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let conn = lock(&self.conn)?;
        let mut stmt = conn
            .prepare_cached("SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2")
            .map_err(Error::platform)?;
        let mut rows = stmt.query([&self.label, key]).map_err(Error::platform)?;
        match rows.next().map_err(Error::platform)? {
            Some(row) => Ok(Some(row.get(0).map_err(Error::platform)?)),
            None => Ok(None),
        }
    }
    async fn put(&self, key: &str, value: &[u8], _expires_at: Option<i64>) -> Result<()> {
        lock(&self.conn)?
            .execute(
                "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT(store, key) DO UPDATE SET value = excluded.value",
                rusqlite::params![self.label, key, value],
            )
            .map(|_| ())
            .map_err(Error::platform)
    }
    async fn delete(&self, key: &str) -> Result<()> {
        lock(&self.conn)?
            .execute("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2", [&self.label, key])
            .map(|_| ())
            .map_err(Error::platform)
    }
    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let conn = lock(&self.conn)?;
        let mut stmt = conn
            .prepare_cached("SELECT key FROM spin_key_value WHERE store = ?1 AND substr(key, 1, length(?2)) = ?2 ORDER BY key LIMIT ?3")
            .map_err(Error::platform)?;
        let rows = stmt
            .query_map(rusqlite::params![self.label, prefix, i64::try_from(limit).unwrap_or(i64::MAX)], |r| r.get::<_, String>(0))
            .map_err(Error::platform)?;
        rows.collect::<std::result::Result<_, _>>().map_err(Error::platform)
    }
}

pub struct NativeSql {
    conn: Shared,
}

fn to_value(v: &SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::Integer(*i),
        SqlValue::Real(f) => Value::Real(*f),
        SqlValue::Text(s) => Value::Text(s.clone()),
        SqlValue::Blob(b) => Value::Blob(b.clone()),
    }
}

fn from_value(v: Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Integer(i) => SqlValue::Integer(i),
        Value::Real(f) => SqlValue::Real(f),
        Value::Text(s) => SqlValue::Text(s),
        Value::Blob(b) => SqlValue::Blob(b),
    }
}

impl SqlStore for NativeSql {
    async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>> {
        let conn = lock(&self.conn)?;
        let mut stmt = conn.prepare_cached(sql).map_err(Error::platform)?;
        let n = stmt.column_count();
        let rows = stmt
            .query_map(params_from_iter(params.iter().map(to_value)), |r| {
                (0..n).map(|i| r.get::<_, Value>(i).map(from_value)).collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(Error::platform)?;
        rows.map(|r| r.map(Row).map_err(Error::platform)).collect()
    }
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64> {
        let conn = lock(&self.conn)?;
        let n = conn
            .execute(sql, params_from_iter(params.iter().map(to_value)))
            .map_err(Error::platform)?;
        Ok(n as u64)
    }
    async fn batch(&self, statements: &[Statement]) -> Result<()> {
        let mut conn = lock(&self.conn)?;
        let tx = conn.transaction().map_err(Error::platform)?;
        for s in statements {
            tx.execute(&s.sql, params_from_iter(s.params.iter().map(to_value)))
                .map_err(Error::platform)?;
        }
        tx.commit().map_err(Error::platform)
    }
}

/// Applies the schema (`infra/migrations`) and optionally the demo seed (`infra/seed/<db>/`)
/// to every database. Both are tracked in `_migrations`, so re-running is a no-op.
pub fn prepare_databases(stores: &NativeStores, infra: &Path, seed: bool) -> Result<()> {
    for store in medportal_core::functions::all_stores() {
        if store.kind() != StoreKind::Sql {
            continue;
        }
        let name = store.to_string();
        stores.migrate(&name, &infra.join("migrations"))?;
        let seed_dir = infra.join("seed").join(&name);
        if seed && seed_dir.is_dir() {
            stores.migrate(&name, &seed_dir)?;
        }
    }
    Ok(())
}

/// A minimal blocking HTTP/1.1 client over `std::net` for `http://` URLs (the native host talks
/// only to local fakes; https is refused rather than sent in clear).
pub mod http1 {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{TcpStream, ToSocketAddrs};
    use std::time::Instant;

    /// Largest response read: the reply limit for the body plus room for the head.
    const MAX_RESPONSE: usize = medportal_core::ports::MAX_REPLY_BYTES + 64 * 1024;

    /// Sends `req` and reads the whole response, all within `timeout` (connect, write and
    /// every read get only the time left).
    pub fn send(req: http::Request<Vec<u8>>, timeout: Duration) -> Result<http::Response<Vec<u8>>> {
        let deadline = Instant::now() + timeout;
        let left = || {
            deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
                .ok_or_else(|| Error::platform(format!("native http client: no complete answer within {timeout:?}")))
        };
        let uri = req.uri();
        if uri.scheme_str() != Some("http") {
            return Err(Error::platform(format!("native http client: only http:// is supported, not {uri}")));
        }
        let host = uri.host().ok_or_else(|| Error::platform("native http client: no host"))?;
        let port = uri.port_u16().unwrap_or(80);
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let addr = (host, port)
            .to_socket_addrs()
            .map_err(Error::platform)?
            .next()
            .ok_or_else(|| Error::platform("native http client: host did not resolve"))?;
        let mut stream = TcpStream::connect_timeout(&addr, left()?).map_err(Error::platform)?;
        stream.set_write_timeout(Some(left()?)).map_err(Error::platform)?;
        let mut head = format!("{} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n", req.method());
        for (k, v) in req.headers() {
            if k != http::header::HOST && k != http::header::CONNECTION && k != http::header::CONTENT_LENGTH {
                head.push_str(&format!("{k}: {}\r\n", v.to_str().map_err(Error::platform)?));
            }
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", req.body().len()));
        stream.write_all(head.as_bytes()).map_err(Error::platform)?;
        stream.write_all(req.body()).map_err(Error::platform)?;
        let mut raw = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            stream.set_read_timeout(Some(left()?)).map_err(Error::platform)?;
            let n = match stream.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // WouldBlock/TimedOut: the read timeout (the time left) passed
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return Err(Error::platform(format!("native http client: no complete answer within {timeout:?}")));
                }
                Err(e) => return Err(Error::platform(e)),
            };
            if n == 0 {
                break;
            }
            if raw.len() + n > MAX_RESPONSE {
                return Err(medportal_core::ports::reply_too_large());
            }
            raw.extend_from_slice(&buf[..n]);
            // A declared length over the limit is refused as soon as the head is in.
            if declared_length(&raw).is_some_and(|n| n > medportal_core::ports::MAX_REPLY_BYTES) {
                return Err(medportal_core::ports::reply_too_large());
            }
        }
        let resp = parse_response(&raw)?;
        if resp.body().len() > medportal_core::ports::MAX_REPLY_BYTES {
            return Err(medportal_core::ports::reply_too_large());
        }
        Ok(resp)
    }

    /// The `Content-Length` of a response whose head has arrived.
    fn declared_length(raw: &[u8]) -> Option<usize> {
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&raw[..end]).ok()?;
        head.split("\r\n").skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse().ok())?
        })
    }

    fn parse_response(raw: &[u8]) -> Result<http::Response<Vec<u8>>> {
        let bad = || Error::platform("native http client: malformed response");
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(bad)?;
        let head = std::str::from_utf8(&raw[..end]).map_err(|_| bad())?;
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let mut builder = http::Response::builder().status(status);
        let mut chunked = false;
        let mut length = None;
        for line in lines {
            let (k, v) = line.split_once(':').ok_or_else(bad)?;
            let (k, v) = (k.trim(), v.trim());
            if k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked") {
                chunked = true;
            } else if k.eq_ignore_ascii_case("content-length") {
                length = v.parse::<usize>().ok();
            }
            builder = builder.header(k, v);
        }
        let mut body = &raw[end + 4..];
        let body = if chunked {
            let mut out = Vec::new();
            loop {
                let nl = body.windows(2).position(|w| w == b"\r\n").ok_or_else(bad)?;
                let size = std::str::from_utf8(&body[..nl]).ok().and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok()).ok_or_else(bad)?;
                body = &body[nl + 2..];
                if size == 0 {
                    break out;
                }
                out.extend_from_slice(body.get(..size).ok_or_else(bad)?);
                body = body.get(size + 2..).ok_or_else(bad)?;
            }
        } else {
            match length {
                Some(n) => body.get(..n).ok_or_else(bad)?.to_vec(),
                None => body.to_vec(),
            }
        };
        builder.body(body).map_err(|_| bad())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn parses_plain_and_chunked_responses() {
            let r = super::parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi").unwrap();
            assert_eq!((r.status().as_u16(), r.body().as_slice()), (200, &b"hi"[..]));
            let r = super::parse_response(b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap();
            assert_eq!((r.status().as_u16(), r.body().as_slice()), (404, &b"abcde"[..]));
            let https = http::Request::get("https://example.com/").body(vec![]).unwrap();
            assert!(super::send(https, Duration::from_secs(1)).is_err());
        }

        /// A local server that accepts and then runs `serve` on the connection.
        fn server(serve: impl FnOnce(std::net::TcpStream) + Send + 'static) -> String {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}/api/", listener.local_addr().unwrap());
            std::thread::spawn(move || {
                if let Ok((stream, _)) = listener.accept() {
                    serve(stream);
                }
            });
            url
        }

        fn get(url: &str, timeout: Duration) -> (Result<http::Response<Vec<u8>>>, Duration) {
            let started = Instant::now();
            (super::send(http::Request::get(url).body(vec![]).unwrap(), timeout), started.elapsed())
        }

        #[test]
        fn a_silent_server_times_out_at_the_deadline() {
            let url = server(|s| {
                std::thread::sleep(Duration::from_secs(5));
                drop(s);
            });
            let (res, took) = get(&url, Duration::from_millis(300));
            assert!(res.unwrap_err().to_string().contains("no complete answer"));
            assert!(took >= Duration::from_millis(300) && took < Duration::from_secs(2), "{took:?}");
        }

        #[test]
        fn a_trickling_server_cannot_extend_the_deadline() {
            // a byte every 50 ms keeps each read alive; the whole exchange must still stop
            let url = server(|mut s| {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
                for _ in 0..100 {
                    if s.write_all(b"x").is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
            let (res, took) = get(&url, Duration::from_millis(400));
            assert!(res.is_err());
            assert!(took < Duration::from_secs(2), "{took:?}");
        }

        #[test]
        fn an_oversized_reply_is_cut_off() {
            let limit = medportal_core::ports::MAX_REPLY_BYTES;
            // declared: refused once the head is in, without reading the body
            let url = server(move |mut s| {
                let _ = s.write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", limit + 1).as_bytes());
                std::thread::sleep(Duration::from_secs(3));
            });
            let (res, took) = get(&url, Duration::from_secs(10));
            assert!(res.unwrap_err().to_string().contains("reply body larger than"));
            assert!(took < Duration::from_secs(2), "{took:?}");
            // undeclared (chunked, then close): stops at the limit
            let url = server(move |mut s| {
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                let chunk = vec![b'x'; 64 * 1024];
                for _ in 0..(limit / chunk.len() + 4) {
                    if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).and_then(|_| s.write_all(&chunk)).and_then(|_| s.write_all(b"\r\n")).is_err() {
                        return;
                    }
                }
                std::thread::sleep(Duration::from_secs(3));
            });
            let (res, took) = get(&url, Duration::from_secs(10));
            assert!(res.unwrap_err().to_string().contains("reply body larger than"));
            assert!(took < Duration::from_secs(2), "{took:?}");
        }

        #[test]
        fn a_prompt_answer_arrives() {
            let url = server(|mut s| {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            });
            let (res, _) = get(&url, Duration::from_secs(5));
            assert_eq!(res.unwrap().body().as_slice(), b"ok");
        }
    }
}

/// Host route tests: drive a function's `App` natively against seeded in-memory stores.
/// Sessions and step-up assertions for them are minted by `medportal_auth::testing` (auth's
/// `testing` feature), with the CSRF secret [`CSRF`].
pub mod testing {
    use super::*;
    use medportal_core::{App, Config, Request, Response};

    /// The CSRF secret of every minted test session; [`TestHost::post_form`] sends it.
    pub const CSRF: &str = "csrf-secret-0123456789";

    /// The headers every response must carry (core's `web::secure`), named here independently
    /// so a header dropped there fails the tests.
    pub const SECURITY_HEADERS: [&str; 4] = ["content-security-policy", "strict-transport-security", "x-content-type-options", "referrer-policy"];

    /// Asserts `resp` (to `what`, for the message) carries every security header.
    pub fn assert_secured(resp: &Response, what: &str) {
        for h in SECURITY_HEADERS {
            assert!(resp.headers().contains_key(h), "{what} lacks {h}");
        }
    }

    pub struct TestHost {
        pub platform: NativePlatform,
        pub config: Config,
    }

    impl TestHost {
        /// Dev config, in-memory stores with schema and demo seed applied.
        pub fn new() -> TestHost {
            let stores = NativeStores::in_memory();
            let infra = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra");
            if let Err(e) = prepare_databases(&stores, &infra, true) {
                panic!("test databases: {e}");
            }
            // No network in host tests: outbound HTTP fails unless a test installs a fake.
            let offline: HttpFn = Arc::new(|_, _| Err(Error::platform("test host: no network")));
            TestHost { platform: NativePlatform::new(stores).with_http(offline), config: Config::dev() }
        }

        /// Installs a fake outbound HTTP transport.
        pub fn with_http(mut self, http: impl Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>> + Send + Sync + 'static) -> TestHost {
            self.platform = self.platform.with_http(Arc::new(move |req, _timeout| http(req)));
            self
        }

        pub fn with_config(mut self, config: Config) -> TestHost {
            self.config = config;
            self
        }

        pub fn send<A: App>(&self, req: Request) -> Response {
            pollster::block_on(medportal_core::serve::<A, _>(&self.platform, &self.config, req))
        }

        pub fn get<A: App>(&self, path: &str) -> Response {
            self.send::<A>(request("GET", path, &[], Vec::new()))
        }

        /// `GET path` with the `cookie` header (a minted session).
        pub fn get_as<A: App>(&self, path: &str, cookie: &str) -> Response {
            self.send::<A>(request("GET", path, &[("cookie", cookie)], Vec::new()))
        }

        /// The body of `GET path` with `cookie`, as text.
        pub fn text_as<A: App>(&self, path: &str, cookie: &str) -> String {
            TestHost::text(&self.get_as::<A>(path, cookie))
        }

        /// A form POST (url-encoded) with `cookie`, the CSRF field ([`CSRF`]) first, then
        /// `fields`.
        pub fn post_form<A: App>(&self, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Response {
            let body = std::iter::once(&("csrf", CSRF)).chain(fields).map(|(k, v)| format!("{k}={}", medportal_core::web::url_encode(v))).collect::<Vec<_>>().join("&");
            self.send::<A>(request("POST", path, &[("cookie", cookie), ("content-type", "application/x-www-form-urlencoded")], body.into_bytes()))
        }

        /// The body as text (for assertions).
        pub fn text(resp: &Response) -> String {
            String::from_utf8_lossy(resp.body()).into_owned()
        }
    }

    impl Default for TestHost {
        fn default() -> Self {
            Self::new()
        }
    }

    /// Builds a request from the loopback client `127.0.0.1` (as a host would establish it);
    /// panics only on a malformed test fixture.
    pub fn request(method: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Request {
        let mut b = http::Request::builder()
            .method(method)
            .uri(path)
            .extension(medportal_core::web::ClientAddress("127.0.0.1".into()));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        match b.body(body) {
            Ok(r) => r,
            Err(e) => panic!("bad test request: {e}"),
        }
    }
}
