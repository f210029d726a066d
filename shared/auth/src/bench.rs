//! Token check cost, for `make bench` (feature `bench`; never in a function build).
//!
//! The same code runs natively and as wasm (`medportal-auth-bench`, built for wasm32-wasip1 and
//! run in V8 through Node's WASI — the engine Cloudflare Workers use), so the two figures differ
//! only by the machine code. It measures, per call:
//! * `token_verify`: [`crate::token::verify`] — size bounds, header checks, Ed25519 signature,
//!   `exp`/`nbf`/`iss`/`aud`/absolute lifetime and claims — on a realistic session token;
//! * `authenticate`: [`crate::authenticate`] — cookie lookup, the cached key set, `verify` and
//!   the two denylist reads in the region's key-value store — on any [`Platform`]; the bench
//!   platform here keeps key-value stores in memory, so this is CPU cost without store I/O;
//! * `token_issue`: [`crate::token::issue`] (what identity pays per sign-in or refresh).
//!
//! Prints `<label> auth <what> median_us=… p99_us=… n=…`. Nothing here asserts a timing.

use crate::{KeySet, SessionClaims, token};
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use medportal_core::ports::dalek::Dalek;
use medportal_core::ports::{Clock, HttpClient, KvStore, Log, LogLevel, MemKv, Rng, Row, SqlStore, SqlValue, Statement};
use medportal_core::{Config, Ctx, Error, Function, KvBlobStore, Platform, Region, Result, StoreName};
use std::cell::RefCell;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// A fixed instant, so tokens stay valid however long the bench runs.
pub fn bench_now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A production-shaped config (https origin, not dev mode) with one configured signing key.
pub fn bench_config() -> Result<Config> {
    let keys = KeySet::format_signing_entry("k1", &[7; 32]);
    Config::from_lookup(|k| match k {
        "public_origin" => Some("https://portal.example.com".into()),
        "session_keys" => Some(keys.clone()),
        _ => None,
    })
}

/// Claims of a typical verified HCP session.
pub fn bench_claims(now: OffsetDateTime) -> SessionClaims {
    SessionClaims {
        iss: token::ISSUER.into(),
        aud: token::AUDIENCE.into(),
        sub: "eu-u-01jq4v3k9d8x2m5n7p0r6s1t".into(),
        jti: "01jq4v3k9d8x2m5n7p0r6s1t2w".into(),
        rgn: "eu".into(),
        ctry: "DE".into(),
        roles: vec!["hcp".into()],
        vs: "verified".into(),
        name: "Dr. Anna Müller".into(),
        csrf: "Yc2m0X8f3Q1b7Kq9Zr4Tn6Wp5Ls8Jd2Hv0Gx3Fe1Ab".into(),
        auth_time: now.unix_timestamp() - 600,
        mfa: false,
    }
}

/// Median and 99th percentile of per-call times.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub median: Duration,
    pub p99: Duration,
    pub n: usize,
}

impl Stats {
    fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        let n = samples.len();
        let at = |p: f64| samples.get(((n as f64 * p) as usize).min(n.saturating_sub(1))).copied().unwrap_or_default();
        Stats { median: at(0.5), p99: at(0.99), n }
    }

    /// `<label> auth <what> median_us=… p99_us=… n=…`
    pub fn line(&self, label: &str, what: &str) -> String {
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        format!("{label} auth {what} median_us={:.1} p99_us={:.1} n={}", us(self.median), us(self.p99), self.n)
    }
}

/// Times each check `n` times, round-robin (one call of each in turn, so a noisy neighbour
/// affects all of them alike), after `n / 10` warm-up rounds; every call must pass.
fn measure(n: usize, checks: &mut [&mut dyn FnMut() -> bool]) -> Result<Vec<Stats>> {
    let mut samples: Vec<Vec<Duration>> = checks.iter().map(|_| Vec::with_capacity(n)).collect();
    for round in 0..n + n / 10 {
        for (check, out) in checks.iter_mut().zip(samples.iter_mut()) {
            let t = Instant::now();
            let ok = check();
            let took = t.elapsed();
            if !ok {
                return Err(Error::internal("bench: a check failed"));
            }
            if round >= n / 10 {
                out.push(took);
            }
        }
    }
    Ok(samples.into_iter().map(Stats::of).collect())
}

/// Drives a future that never waits on anything outside (in-memory or blocking ports).
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// A request for an HCP-only item carrying a valid session cookie (issued at the platform's
/// time), as the content function sees it.
fn signed_in_request<P: Platform>(platform: &P, keys: &KeySet) -> Result<http::Request<Vec<u8>>> {
    let now = platform.now();
    let (tok, _) = block_on(token::issue(platform.signatures(), keys, bench_claims(now), now))?;
    http::Request::get("/content/apixaban-aristotle-trial-summary")
        .header(http::header::COOKIE, format!("mp_lang=en; {}={tok}; _pref=1", crate::SESSION_COOKIE))
        .header(http::header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
        .body(Vec::new())
        .map_err(Error::internal)
}

/// `authenticate` alone on `platform` (whose clock must read [`bench_now`]).
pub fn authenticate_on<P: Platform>(platform: &P, config: &Config, n: usize) -> Result<Stats> {
    let keys = KeySet::from_config(config)?;
    let req = signed_in_request(platform, &keys)?;
    let ctx = Ctx::new(platform, config, Function::Content);
    let mut auth = || matches!(block_on(crate::authenticate(&ctx, &req)), Ok(Some(_)));
    let stats = measure(n, &mut [&mut auth])?;
    stats.first().copied().ok_or_else(|| Error::internal("bench: no figures"))
}

/// Every figure on the in-memory bench platform, one line each: `token::verify`,
/// `authenticate` and `token::issue`, measured round-robin.
pub fn run(label: &str, n: usize) -> Result<Vec<String>> {
    let config = bench_config()?;
    let keys = KeySet::from_config(&config)?;
    let now = bench_now();
    let platform = BenchPlatform::new(now);
    // A denylist that is not empty: other people's revoked sessions in the region.
    let eu = Region::from_code("eu").ok_or_else(|| Error::internal("bench: no eu region"))?;
    let kv = block_on(platform.open_kv(StoreName::Regional(medportal_core::StoreKind::Kv, eu)))?;
    for i in 0..1000 {
        block_on(kv.put(&format!("deny/s/other-session-{i:04}"), b"1780043200", None))?;
    }
    let (tok, _) = block_on(token::issue(platform.signatures(), &keys, bench_claims(now), now))?;
    let req = signed_in_request(&platform, &keys)?;
    let ctx = Ctx::new(&platform, &config, Function::Content);
    let claims = bench_claims(now);
    let mut verify = || block_on(token::verify(platform.signatures(), &keys, &tok, now)).is_ok();
    let mut auth = || matches!(block_on(crate::authenticate(&ctx, &req)), Ok(Some(_)));
    let mut issue = || block_on(token::issue(platform.signatures(), &keys, claims.clone(), now)).is_ok();
    let stats = measure(n, &mut [&mut verify, &mut auth, &mut issue])?;
    let names = ["token_verify", "authenticate(in-memory kv)", "token_issue"];
    Ok(stats.iter().zip(names).map(|(s, what)| s.line(label, what)).collect())
}


/// The bench platform has no SQL databases: every call fails (authentication needs none).
pub struct NoSql;

impl SqlStore for NoSql {
    async fn query(&self, _: &str, _: &[SqlValue]) -> Result<Vec<Row>> {
        Err(Error::StoreUnavailable("bench platform: no SQL".into()))
    }
    async fn execute(&self, _: &str, _: &[SqlValue]) -> Result<u64> {
        Err(Error::StoreUnavailable("bench platform: no SQL".into()))
    }
    async fn batch(&self, _: &[Statement]) -> Result<()> {
        Err(Error::StoreUnavailable("bench platform: no SQL".into()))
    }
}

/// A platform for measuring CPU cost: fixed clock, in-memory key-value stores, no SQL, no
/// randomness, no network (those fail rather than pretend).
pub struct BenchPlatform {
    now: OffsetDateTime,
    kv: RefCell<HashMap<String, MemKv>>,
}

impl BenchPlatform {
    pub fn new(now: OffsetDateTime) -> Self {
        BenchPlatform { now, kv: RefCell::new(HashMap::new()) }
    }
}

impl Clock for BenchPlatform {
    fn now(&self) -> OffsetDateTime {
        self.now
    }
}

impl Rng for BenchPlatform {
    fn fill(&self, _: &mut [u8]) -> Result<()> {
        Err(Error::platform("bench platform: no randomness"))
    }
}

impl Log for BenchPlatform {
    fn log(&self, level: LogLevel, message: &str) {
        eprintln!("[{level:?}] {message}");
    }
}

impl HttpClient for BenchPlatform {
    async fn send(&self, _: http::Request<Vec<u8>>, _: Duration) -> Result<http::Response<Vec<u8>>> {
        Err(Error::platform("bench platform: no network"))
    }
}

impl Platform for BenchPlatform {
    type Signatures = Dalek;
    fn signatures(&self) -> &Dalek {
        &Dalek
    }
    type Kv = MemKv;
    type Sql = NoSql;
    type Blob = KvBlobStore<MemKv>;

    async fn open_kv(&self, name: StoreName) -> Result<MemKv> {
        Ok(self.kv.borrow_mut().entry(name.to_string()).or_default().clone())
    }
    async fn open_sql(&self, _: StoreName) -> Result<NoSql> {
        Ok(NoSql)
    }
    async fn open_blob(&self, name: StoreName) -> Result<KvBlobStore<MemKv>> {
        self.open_kv(name).await.map(KvBlobStore::new)
    }
    async fn after_response(&self, work: medportal_core::platform::Afterwards) {
        medportal_core::platform::run_now(self, work).await
    }
}
