//! Routes every function serves: liveness, readiness (store round trips) and, in development
//! builds (cargo feature `dev`) with dev mode on, a store probe used by the contract suite to
//! prove storage and residency on each host. A production build has no probe code at all.

use crate::error::{Error, Result};
use crate::functions::{Function, StoreKind, StoreName};
use crate::platform::{Ctx, Platform};
use crate::ports::{BlobStore, KvStore, SqlStore, SqlValue};
use crate::security::ct_eq;
use crate::web::{self, Request, Response};
use http::{Method, StatusCode, header};

/// A common route and its parameters (a path's segments, borrowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Common<'p> {
    Health,
    Ready,
    #[cfg(feature = "dev")]
    ProbeList { store: &'p str },
    #[cfg(feature = "dev")]
    Probe { store: &'p str, key: &'p str },
    /// The client address the adapter established (`/dev/<fn>/client`): how the contract
    /// suite sees that every host ignores address headers a client sends.
    #[cfg(feature = "dev")]
    Client,
    /// Never built: keeps the lifetime used when a production build has no borrowing route.
    #[cfg(not(feature = "dev"))]
    #[allow(dead_code)]
    Never(core::marker::PhantomData<&'p ()>),
}

/// The common routes' patterns, `{function}` standing for the function's name: the manifest
/// test checks that both manifests send them to the function. The probe's only in dev builds.
pub const PATTERNS: &[&str] = &[
    "/health/{function}",
    "/health/{function}/ready",
    #[cfg(feature = "dev")]
    "/dev/{function}/probe/{store}",
    #[cfg(feature = "dev")]
    "/dev/{function}/probe/{store}/{key}",
    #[cfg(feature = "dev")]
    "/dev/{function}/client",
];

/// The common routes' patterns for `function` (its name in place of `{function}`).
pub fn patterns(function: Function) -> Vec<String> {
    PATTERNS.iter().map(|p| p.replace("{function}", function.name())).collect()
}

/// Parses a common route: the function it names and the route. Read by hand rather than by a
/// second route table: matchit's code is generic over the table's value, and a second
/// instantiation would cost every function's wasm several KB.
fn parse(path: &str) -> Option<(&str, Common<'_>)> {
    let mut segments = [""; 6];
    let mut n = 0;
    for segment in path.strip_prefix('/')?.split('/') {
        if segment.is_empty() || n == segments.len() {
            return None;
        }
        segments[n] = segment;
        n += 1;
    }
    let route = match &segments[..n] {
        ["health", f] => (*f, Common::Health),
        ["health", f, "ready"] => (*f, Common::Ready),
        #[cfg(feature = "dev")]
        ["dev", f, "probe", store] => (*f, Common::ProbeList { store }),
        #[cfg(feature = "dev")]
        ["dev", f, "probe", store, key] => (*f, Common::Probe { store, key }),
        #[cfg(feature = "dev")]
        ["dev", f, "client"] => (*f, Common::Client),
        _ => return None,
    };
    Some(route)
}

/// Whether `path` has the shape of a common route (of any function): its errors are JSON.
pub fn is_api_path(path: &str) -> bool {
    parse(path).is_some()
}

/// Serves a common route of the function, or `None` when `req` is not one: liveness,
/// readiness and the dev-mode store probe. Core answers them, so a function's route table
/// lists only its own routes.
pub async fn serve<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Option<Result<Response>> {
    let (function, route) = parse(req.uri().path())?;
    if function != ctx.function.name() {
        return None;
    }
    let (allowed, allow): (&[Method], &str) = match route {
        #[cfg(feature = "dev")]
        Common::Probe { .. } => (&[Method::GET, Method::HEAD, Method::PUT, Method::DELETE], "GET, HEAD, PUT, DELETE"),
        _ => (&[Method::GET, Method::HEAD], "GET, HEAD"),
    };
    if !allowed.contains(req.method()) {
        return Some(Err(Error::MethodNotAllowed { allow: allow.to_owned() }));
    }
    Some(match route {
        Common::Health => Ok(web::json(
            StatusCode::OK,
            &Health { status: "ok", function: ctx.function.name(), version: env!("CARGO_PKG_VERSION") },
        )),
        Common::Ready => ready(ctx, req).await,
        #[cfg(feature = "dev")]
        Common::Probe { store, key } => probe(ctx, store, key, req).await,
        #[cfg(feature = "dev")]
        Common::ProbeList { store } => probe_list(ctx, store).await,
        #[cfg(feature = "dev")]
        Common::Client if ctx.config.dev_mode => {
            Ok(web::json(StatusCode::OK, &ClientAnswer { function: ctx.function.name(), client: web::client_address(req) }))
        }
        #[cfg(feature = "dev")]
        Common::Client => Err(Error::NotFound),
        #[cfg(not(feature = "dev"))]
        Common::Never(_) => Err(Error::NotFound),
    })
}

/// Readiness: a write/read/delete round trip on every store the function was granted.
/// Open in dev mode; otherwise it needs `Authorization: Bearer <health_token>` (and is
/// refused when no token is configured).
async fn ready<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    if !ctx.config.dev_mode {
        let given = web::header_str(req, header::AUTHORIZATION)
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let expected = ctx.config.health_token.as_deref().ok_or(Error::Unauthenticated)?;
        if !ct_eq(given.as_bytes(), expected.as_bytes()) {
            return Err(Error::Unauthenticated);
        }
    }
    let mut stores = Vec::new();
    let mut all_ok = true;
    for store in ctx.function.granted_stores() {
        let outcome = round_trip(ctx, store).await;
        if let Err(e) = &outcome {
            ctx.log(crate::ports::LogLevel::Error, &format!("ready: {store}: {e}"));
            all_ok = false;
        }
        stores.push(StoreCheck { store: store.to_string(), ok: outcome.is_ok() });
    }
    let status = if all_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    Ok(web::json(
        status,
        &Ready { function: ctx.function.name(), status: if all_ok { "ok" } else { "degraded" }, stores },
    ))
}

async fn round_trip<P: Platform>(ctx: &Ctx<'_, P>, store: StoreName) -> Result<()> {
    let key = format!("_ready.{}", ctx.random_id()?);
    let value = ctx.random_id()?;
    write(ctx, store, &key, &value).await?;
    let back = read(ctx, store, &key).await?;
    remove(ctx, store, &key).await?;
    if back.as_deref() != Some(value.as_str()) {
        return Err(Error::internal(format!("{store}: read back a different value")));
    }
    if read(ctx, store, &key).await?.is_some() {
        return Err(Error::internal(format!("{store}: delete did not remove the value")));
    }
    Ok(())
}

#[cfg(feature = "dev")]
fn parse_store(ctx: &Ctx<'_, impl Platform>, name: &str) -> Result<StoreName> {
    let store = StoreName::parse(name).ok_or(Error::NotFound)?;
    if !ctx.function.may_open(store) {
        return Err(Error::Forbidden { code: "store_not_granted" });
    }
    Ok(store)
}

#[cfg(feature = "dev")]
fn valid_key(key: &str) -> Result<&str> {
    let ok = !key.is_empty()
        && key.len() <= 128
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok { Ok(key) } else { Err(Error::bad_request("invalid_key", "Keys are 1-128 characters of A-Z, a-z, 0-9, '.', '_' or '-'.")) }
}

// Answers as typed structs rather than `json!` values: a `serde_json::Value` tree costs every
// function its map, conversions and serializer (a few KB of wasm) for five small objects.
#[derive(serde::Serialize)]
struct Health {
    status: &'static str,
    function: &'static str,
    version: &'static str,
}

#[derive(serde::Serialize)]
struct StoreCheck {
    store: String,
    ok: bool,
}

#[derive(serde::Serialize)]
struct Ready {
    function: &'static str,
    status: &'static str,
    stores: Vec<StoreCheck>,
}

#[cfg(feature = "dev")]
#[derive(serde::Serialize)]
struct ProbeAnswer<'a> {
    store: String,
    key: &'a str,
    value: Option<String>,
}

#[cfg(feature = "dev")]
#[derive(serde::Serialize)]
struct ClientAnswer<'a> {
    function: &'static str,
    client: Option<&'a str>,
}

#[cfg(feature = "dev")]
#[derive(serde::Serialize)]
struct ProbeKeys {
    store: String,
    keys: Vec<String>,
}

#[cfg(feature = "dev")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ProbeValue {
    value: String,
}

#[cfg(feature = "dev")]
async fn probe<P: Platform>(ctx: &Ctx<'_, P>, store: &str, key: &str, req: &Request) -> Result<Response> {
    if !ctx.config.dev_mode {
        return Err(Error::NotFound);
    }
    let store = parse_store(ctx, store)?;
    let key = valid_key(key)?;
    let body = |value: Option<&str>| ProbeAnswer { store: store.to_string(), key, value: value.map(str::to_owned) };
    match *req.method() {
        Method::PUT => {
            let v: ProbeValue = web::json_body(req)?;
            if v.value.len() > 64 * 1024 {
                return Err(Error::bad_request("value_too_large", "Probe values are at most 64 KiB."));
            }
            write(ctx, store, key, &v.value).await?;
            Ok(web::json(StatusCode::OK, &body(Some(&v.value))))
        }
        Method::DELETE => {
            remove(ctx, store, key).await?;
            Ok(web::json(StatusCode::OK, &body(None)))
        }
        _ => match read(ctx, store, key).await? {
            Some(v) => Ok(web::json(StatusCode::OK, &body(Some(&v)))),
            None => Err(Error::NotFound),
        },
    }
}

#[cfg(feature = "dev")]
async fn probe_list<P: Platform>(ctx: &Ctx<'_, P>, store: &str) -> Result<Response> {
    if !ctx.config.dev_mode {
        return Err(Error::NotFound);
    }
    let store = parse_store(ctx, store)?;
    let keys: Vec<String> = match (store.kind(), store.region()) {
        (StoreKind::Kv, Some(r)) => ctx.region(r).kv().await?.list("", crate::ports::EVERY_KEY).await?,
        (StoreKind::Kv, None) => ctx.global_kv().await?.list("", crate::ports::EVERY_KEY).await?,
        (StoreKind::Blob, Some(r)) => ctx.region(r).blob().await?.list("", crate::ports::EVERY_KEY).await?,
        (StoreKind::Blob, None) => ctx.global_blob().await?.list("", crate::ports::EVERY_KEY).await?,
        (StoreKind::Sql, _) => {
            let rows = sql_query(ctx, store, "SELECT key FROM health_probe ORDER BY key LIMIT 1000", &[]).await?;
            rows.iter().map(|r| r.text(0)).collect::<Result<_>>()?
        }
    };
    Ok(web::json(StatusCode::OK, &ProbeKeys { store: store.to_string(), keys }))
}

async fn sql_query<P: Platform>(ctx: &Ctx<'_, P>, store: StoreName, sql: &str, params: &[SqlValue]) -> Result<Vec<crate::ports::Row>> {
    match store.region() {
        Some(r) => ctx.region(r).sql().await?.query(sql, params).await,
        None => ctx.global_sql().await?.query(sql, params).await,
    }
}

async fn sql_execute<P: Platform>(ctx: &Ctx<'_, P>, store: StoreName, sql: &str, params: &[SqlValue]) -> Result<u64> {
    match store.region() {
        // The probe's data is synthetic and belongs to the region it is written to.
        Some(r) => ctx.region(r).sql().await?.execute(&r, sql, params).await,
        None => ctx.global_sql().await?.execute(sql, params).await,
    }
}

async fn write<P: Platform>(ctx: &Ctx<'_, P>, store: StoreName, key: &str, value: &str) -> Result<()> {
    match (store.kind(), store.region()) {
        (StoreKind::Kv, Some(r)) => ctx.region(r).kv().await?.put(&r, key, value.as_bytes(), None).await,
        (StoreKind::Kv, None) => ctx.global_kv().await?.put(key, value.as_bytes(), None).await,
        (StoreKind::Blob, Some(r)) => {
            ctx.region(r).blob().await?.put(&r, key, value.as_bytes(), "text/plain").await
        }
        (StoreKind::Blob, None) => ctx.global_blob().await?.put(key, value.as_bytes(), "text/plain").await,
        (StoreKind::Sql, _) => {
            let now = ctx.now().unix_timestamp();
            sql_execute(
                ctx,
                store,
                "INSERT INTO health_probe (key, value, written_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value, written_at = excluded.written_at",
                &[key.into(), value.into(), now.into()],
            )
            .await
            .map(|_| ())
        }
    }
}

async fn read<P: Platform>(ctx: &Ctx<'_, P>, store: StoreName, key: &str) -> Result<Option<String>> {
    let bytes = match (store.kind(), store.region()) {
        (StoreKind::Kv, Some(r)) => ctx.region(r).kv().await?.get(key).await?,
        (StoreKind::Kv, None) => ctx.global_kv().await?.get(key).await?,
        (StoreKind::Blob, Some(r)) => ctx.region(r).blob().await?.get(key).await?.map(|b| b.bytes),
        (StoreKind::Blob, None) => ctx.global_blob().await?.get(key).await?.map(|b| b.bytes),
        (StoreKind::Sql, _) => {
            let rows = sql_query(ctx, store, "SELECT value FROM health_probe WHERE key = ?1", &[key.into()]).await?;
            match rows.first() {
                Some(row) => Some(row.text(0)?.into_bytes()),
                None => None,
            }
        }
    };
    bytes
        .map(|b| String::from_utf8(b).map_err(|_| Error::internal("probe value is not UTF-8")))
        .transpose()
}

async fn remove<P: Platform>(ctx: &Ctx<'_, P>, store: StoreName, key: &str) -> Result<()> {
    match (store.kind(), store.region()) {
        (StoreKind::Kv, Some(r)) => ctx.region(r).kv().await?.delete(&r, key).await,
        (StoreKind::Kv, None) => ctx.global_kv().await?.delete(key).await,
        (StoreKind::Blob, Some(r)) => ctx.region(r).blob().await?.delete(&r, key).await,
        (StoreKind::Blob, None) => ctx.global_blob().await?.delete(key).await,
        (StoreKind::Sql, _) => {
            sql_execute(ctx, store, "DELETE FROM health_probe WHERE key = ?1", &[key.into()]).await.map(|_| ())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "dev")]
    #[test]
    fn common_routes_parse_by_shape() {
        assert_eq!(parse("/health/identity"), Some(("identity", Common::Health)));
        assert_eq!(parse("/health/search-admin/ready"), Some(("search-admin", Common::Ready)));
        assert_eq!(parse("/dev/content/probe/kv_eu"), Some(("content", Common::ProbeList { store: "kv_eu" })));
        assert_eq!(parse("/dev/content/probe/kv_eu/k.1"), Some(("content", Common::Probe { store: "kv_eu", key: "k.1" })));
        assert_eq!(parse("/dev/audit/client"), Some(("audit", Common::Client)));
        for other in ["/", "/health", "/health/", "/health/x/ready/more", "/health/x/live", "/dev/outbox", "/dev/x/probe",
            "/dev/x/probe/kv_eu/k/more", "/dev/x/other/kv_eu", "/search/health/x", "/health//ready", "/health/x/"]
        {
            assert_eq!(parse(other), None, "{other}");
        }
        // every pattern the manifests are checked against parses as its route
        for p in patterns(Function::Identity) {
            let sample = p.replace("{store}", "kv_eu").replace("{key}", "k");
            assert!(sample.starts_with("/health/identity") || sample.starts_with("/dev/identity/"), "{p}");
            assert_eq!(parse(&sample).map(|(f, _)| f), Some("identity"), "{p}");
        }
    }

    /// A production build (no `dev` feature) knows no `/dev` route: the probe paths are not
    /// common routes (they fall through to the function's table, i.e. 404) and the manifest
    /// patterns do not list them.
    #[cfg(not(feature = "dev"))]
    #[test]
    fn production_build_has_no_dev_routes() {
        for dev in ["/dev/content/probe/kv_eu", "/dev/content/probe/kv_eu/k.1", "/dev/identity/probe/db_eu/x", "/dev/identity/client"] {
            assert_eq!(parse(dev), None, "{dev}");
            assert!(!is_api_path(dev), "{dev}");
        }
        assert_eq!(parse("/health/identity"), Some(("identity", Common::Health)));
        assert!(PATTERNS.iter().all(|p| !p.starts_with("/dev/")), "{PATTERNS:?}");
    }
}
