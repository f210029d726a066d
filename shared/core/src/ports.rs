//! Ports: what core needs from a runtime, named for what they hold. Adapters implement them
//! (`WorkersKv`, `SpinKv`, `NativeKv`, …). Futures are not `Send`: edge runtimes are
//! single-threaded per isolate/instance.
#![allow(async_fn_in_trait)]

use crate::error::Result;
use core::future::{Future, poll_fn};
use core::pin::pin;
use core::task::Poll;
use core::time::Duration;
use time::OffsetDateTime;

/// A key-value namespace (Workers KV, Spin key-value store).
pub trait KvStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// `expires_at` (unix seconds) lets runtimes with native expiry drop the value; callers
    /// must still check expiry themselves, because not every runtime has it.
    async fn put(&self, key: &str, value: &[u8], expires_at: Option<i64>) -> Result<()>;
    async fn delete(&self, key: &str) -> Result<()>;
    /// Keys starting with `prefix`, sorted, at most `limit`: every one of them up to `limit`
    /// (an adapter whose runtime answers in pages, e.g. 1000 keys, follows the cursors);
    /// [`EVERY_KEY`] for all.
    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>>;
}

/// The `limit` of a listing that must see every key (erasure, export, the residency check):
/// no runtime's page size cuts it short.
pub const EVERY_KEY: usize = usize::MAX;

/// One SQLite value (D1 and Spin SQLite share SQLite's type system).
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl SqlValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            SqlValue::Text(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            SqlValue::Integer(i) => Some(*i),
            // D1 returns JS numbers; integral reals are integers.
            SqlValue::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            _ => None,
        }
    }
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            SqlValue::Blob(b) => Some(b),
            SqlValue::Text(s) => Some(s.as_bytes()),
            _ => None,
        }
    }
}

impl From<&str> for SqlValue {
    fn from(s: &str) -> Self {
        SqlValue::Text(s.to_owned())
    }
}
impl From<String> for SqlValue {
    fn from(s: String) -> Self {
        SqlValue::Text(s)
    }
}
impl From<i64> for SqlValue {
    fn from(i: i64) -> Self {
        SqlValue::Integer(i)
    }
}
impl From<Vec<u8>> for SqlValue {
    fn from(b: Vec<u8>) -> Self {
        SqlValue::Blob(b)
    }
}
impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(o: Option<T>) -> Self {
        o.map_or(SqlValue::Null, Into::into)
    }
}

/// A result row: values in the order of the SELECT list.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<SqlValue>);

impl SqlValue {
    /// The value's type, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            SqlValue::Null => "null",
            SqlValue::Integer(_) => "integer",
            SqlValue::Real(_) => "real",
            SqlValue::Text(_) => "text",
            SqlValue::Blob(_) => "blob",
        }
    }
}

impl Row {
    pub fn text(&self, i: usize) -> Result<String> {
        match self.0.get(i) {
            Some(SqlValue::Text(s)) => Ok(s.clone()),
            // The kind only: the value may be personal data, and formatting a float here
            // would link the float printer into every function.
            other => Err(crate::Error::internal(format!("column {i}: expected text, got {}", other.map_or("no column", SqlValue::kind)))),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.0.get(i) {
            Some(SqlValue::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
    pub fn int(&self, i: usize) -> Result<i64> {
        self.0
            .get(i)
            .and_then(SqlValue::as_i64)
            .ok_or_else(|| crate::Error::internal(format!("column {i}: expected integer")))
    }
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>> {
        self.0
            .get(i)
            .and_then(SqlValue::as_bytes)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| crate::Error::internal(format!("column {i}: expected blob")))
    }
}

/// One statement with positional (`?1`, `?`) parameters.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

impl Statement {
    pub fn new(sql: impl Into<String>, params: Vec<SqlValue>) -> Self {
        Statement { sql: sql.into(), params }
    }
}

/// A SQLite database (D1, Spin SQLite).
pub trait SqlStore {
    async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>>;
    /// Returns the number of changed rows.
    async fn execute(&self, sql: &str, params: &[SqlValue]) -> Result<u64>;
    /// Runs all statements atomically: all apply or none do.
    async fn batch(&self, statements: &[Statement]) -> Result<()>;
}

/// A stored object.
#[derive(Debug, Clone, PartialEq)]
pub struct Blob {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// Object storage (R2; a key-value-backed store on Spin).
pub trait BlobStore {
    async fn put(&self, key: &str, bytes: &[u8], content_type: &str) -> Result<()>;
    async fn get(&self, key: &str) -> Result<Option<Blob>>;
    async fn delete(&self, key: &str) -> Result<()>;
    /// As [`KvStore::list`]: every key up to `limit`, sorted, across the runtime's pages.
    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>>;
}

/// Wall-clock time (UTC).
pub trait Clock {
    fn now(&self) -> OffsetDateTime;
}

/// Cryptographically secure randomness.
pub trait Rng {
    fn fill(&self, buf: &mut [u8]) -> Result<()>;
}

/// Log sink (console on Workers, stderr on Spin/native). Never log personal data.
pub trait Log {
    fn log(&self, level: LogLevel, message: &str);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Info,
    Warn,
    Error,
}

/// A mail to send.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// Outgoing mail over the configured transport (`Ctx::mailer`). `id` names the mail: the same
/// on every attempt of one mail (an HTTP mail API gets it as its idempotency key).
pub trait Mailer {
    async fn send(&self, id: &str, mail: &Mail) -> Result<()>;
}

/// Outbound HTTP (Workers `fetch`, Spin `wasi:http` client, a small blocking client natively).
/// Transport failures (refused, unreachable, denied by the runtime's allow-list, no complete
/// answer within `timeout`) are errors; any HTTP status is a response.
/// The largest reply body an outbound exchange reads ([`HttpClient::send`]): the registry and
/// the verification provider answer a few KB; a peer sending more is cut off, not buffered.
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;

/// The error for a reply body over [`MAX_REPLY_BYTES`] (every adapter reports it alike).
pub fn reply_too_large() -> crate::Error {
    crate::Error::platform(format!("outbound http: reply body larger than {MAX_REPLY_BYTES} bytes; not read further"))
}

pub trait HttpClient {
    /// Sends `req`. `timeout` bounds the whole exchange — connecting, the response head and
    /// reading the body: an implementation gives up (and releases the connection) once it has
    /// passed, so an unresponsive peer cannot hold a request open. A reply body is read up to
    /// [`MAX_REPLY_BYTES`] only: beyond that the exchange fails with [`reply_too_large`].
    async fn send(&self, req: http::Request<Vec<u8>>, timeout: Duration) -> Result<http::Response<Vec<u8>>>;
}

/// Ed25519 signatures (RFC 8032), the session tokens' algorithm. Workers use the runtime's
/// WebCrypto (no curve arithmetic in the wasm, and native-speed verification); native and
/// Spin use `ed25519-dalek` through [`dalek`] (core feature `ed25519-dalek`).
pub trait Signatures {
    /// The public key of a 32-byte secret seed.
    async fn ed25519_public(&self, seed: &[u8; 32]) -> Result<[u8; 32]>;
    async fn ed25519_sign(&self, seed: &[u8; 32], message: &[u8]) -> Result<[u8; 64]>;
    /// Whether `signature` is valid for `message` under `public`; false for a key that is not
    /// a valid point, and for any failure of the implementation (fail closed).
    async fn ed25519_verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool;
}

/// The `ed25519-dalek` implementation of [`Signatures`], for the hosts without WebCrypto.
#[cfg(feature = "ed25519-dalek")]
pub mod dalek {
    use crate::error::Result;
    use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

    /// [`super::Signatures`] in Rust: the native and Spin hosts' implementation.
    pub struct Dalek;

    impl super::Signatures for Dalek {
        async fn ed25519_public(&self, seed: &[u8; 32]) -> Result<[u8; 32]> {
            Ok(public(seed))
        }
        async fn ed25519_sign(&self, seed: &[u8; 32], message: &[u8]) -> Result<[u8; 64]> {
            Ok(sign(seed, message))
        }
        async fn ed25519_verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
            verify(public, message, signature)
        }
    }

    const CACHED_KEYS: usize = 16;

    thread_local! {
        /// Keys in their expanded form: a signing key costs a SHA-512 and a scalar
        /// multiplication to expand, a public key a point decompression, each time otherwise.
        static SIGNING: std::cell::RefCell<Vec<([u8; 32], SigningKey)>> = const { std::cell::RefCell::new(Vec::new()) };
        static VERIFYING: std::cell::RefCell<Vec<([u8; 32], VerifyingKey)>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    fn remember<K: Clone>(cache: &std::cell::RefCell<Vec<([u8; 32], K)>>, bytes: &[u8; 32], make: impl FnOnce() -> Option<K>) -> Option<K> {
        if let Some(k) = cache.borrow().iter().find(|(b, _)| b == bytes).map(|(_, k)| k.clone()) {
            return Some(k);
        }
        let k = make()?;
        let mut c = cache.borrow_mut();
        if c.len() >= CACHED_KEYS {
            c.remove(0);
        }
        c.push((*bytes, k.clone()));
        Some(k)
    }

    fn signing(seed: &[u8; 32]) -> SigningKey {
        SIGNING.with(|c| remember(c, seed, || Some(SigningKey::from_bytes(seed)))).unwrap_or_else(|| SigningKey::from_bytes(seed))
    }

    pub fn public(seed: &[u8; 32]) -> [u8; 32] {
        signing(seed).verifying_key().to_bytes()
    }
    pub fn sign(seed: &[u8; 32], message: &[u8]) -> [u8; 64] {
        signing(seed).sign(message).to_bytes()
    }
    /// Strict verification (RFC 8032 §5.1.7 plus the small-order and malleability checks).
    pub fn verify(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        VERIFYING
            .with(|c| remember(c, public, || VerifyingKey::from_bytes(public).ok()))
            .is_some_and(|k| k.verify_strict(message, &Signature::from_bytes(signature)).is_ok())
    }
}

/// Runs `work` until `timer` completes: `Some(output)` if the work finished first (it is
/// polled first, so it also wins a tie), `None` if the timer did; the unfinished future is
/// dropped either way (which cancels it). Runtime-neutral: adapters pass their own timer
/// (Workers `setTimeout`, Spin's monotonic clock).
pub async fn within<W: Future, T: Future<Output = ()>>(work: W, timer: T) -> Option<W::Output> {
    let mut work = pin!(work);
    let mut timer = pin!(timer);
    poll_fn(|cx| {
        if let Poll::Ready(out) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(out));
        }
        timer.as_mut().poll(cx).map(|()| None)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::within;
    use core::future::{pending, ready};

    #[test]
    fn within_returns_the_work_or_none_when_the_timer_wins() {
        assert_eq!(pollster::block_on(within(ready(7), pending())), Some(7));
        assert_eq!(pollster::block_on(within(pending::<u8>(), ready(()))), None);
        // a tie goes to the work
        assert_eq!(pollster::block_on(within(ready(1), ready(()))), Some(1));
    }
}

/// An in-memory key-value store for tests and benchmarks (clones share the data; expiry is
/// ignored, as on Spin).
#[derive(Clone, Default)]
pub struct MemKv(std::rc::Rc<std::cell::RefCell<std::collections::BTreeMap<String, Vec<u8>>>>);

impl MemKv {
    /// Every key, in order.
    pub fn keys(&self) -> Vec<String> {
        self.0.borrow().keys().cloned().collect()
    }
}

impl KvStore for MemKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.0.borrow().get(key).cloned())
    }
    async fn put(&self, key: &str, value: &[u8], _expires_at: Option<i64>) -> Result<()> {
        self.0.borrow_mut().insert(key.to_owned(), value.to_vec());
        Ok(())
    }
    async fn delete(&self, key: &str) -> Result<()> {
        self.0.borrow_mut().remove(key);
        Ok(())
    }
    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        Ok(self.0.borrow().keys().filter(|k| k.starts_with(prefix)).take(limit).cloned().collect())
    }
}
