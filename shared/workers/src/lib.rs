//! Cloudflare Workers adapter. Binding names are the logical store names (`kv_eu`, `db_eu`,
//! `blob_eu`, `kv_global`, …), identical to the Spin labels.
#![cfg(target_arch = "wasm32")]

mod d1;

use core::time::Duration;
use medportal_core::ports::{Blob, BlobStore, Clock, HttpClient, KvStore, Log, LogLevel, MAX_REPLY_BYTES, Rng, Signatures, within};
use medportal_core::{App, Config, Error, Platform, Result, StoreName};
use time::OffsetDateTime;
use worker::js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;


pub use d1::WorkersD1;

pub struct WorkersPlatform {
    env: worker::Env,
    /// The request's execution context (`waitUntil`), for work after its answer.
    ctx: Option<worker::Context>,
}

impl WorkersPlatform {
    pub fn new(env: worker::Env) -> Self {
        WorkersPlatform { env, ctx: None }
    }

    /// The platform of one fetch event: work after the response goes to its `waitUntil`.
    pub fn for_request(env: worker::Env, ctx: worker::Context) -> Self {
        WorkersPlatform { env, ctx: Some(ctx) }
    }

    /// Reads the typed config from vars and secrets.
    pub fn config(&self) -> Result<Config> {
        // Vars and secrets are both plain strings on `env`.
        Config::from_lookup(|k| js_get(&self.env, k).ok()?.as_string())
    }
}

impl Clock for WorkersPlatform {
    fn now(&self) -> OffsetDateTime {
        let ms = worker::Date::now().as_millis() as i64;
        OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
            .map(|t| t + time::Duration::milliseconds(ms.rem_euclid(1000)))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

impl Rng for WorkersPlatform {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        getrandom::getrandom(buf).map_err(Error::platform)
    }
}

impl Log for WorkersPlatform {
    fn log(&self, level: LogLevel, message: &str) {
        match level {
            LogLevel::Info => worker::console_log!("{message}"),
            LogLevel::Warn => worker::console_warn!("{message}"),
            LogLevel::Error => worker::console_error!("{message}"),
        }
    }
}

impl HttpClient for WorkersPlatform {
    /// `fetch` with an `AbortSignal`, raced against a `setTimeout` timer: when the timer wins,
    /// the request is aborted (headers or body still pending) and an error returned.
    async fn send(&self, req: http::Request<Vec<u8>>, timeout: Duration) -> Result<http::Response<Vec<u8>>> {
        let (parts, body) = req.into_parts();
        // Built from web-sys types: the SDK's RequestInit also serialises Cloudflare's image
        // resizing options through serde-wasm-bindgen (~15 KB of wasm nobody here uses).
        let headers = worker::web_sys::Headers::new().map_err(js_err)?;
        for (k, v) in parts.headers.iter() {
            headers.append(k.as_str(), v.to_str().map_err(Error::platform)?).map_err(js_err)?;
        }
        let init = worker::web_sys::RequestInit::new();
        init.set_method(parts.method.as_str());
        init.set_headers(&headers);
        if !body.is_empty() {
            init.set_body(&worker::js_sys::Uint8Array::from(body.as_slice()));
        }
        let outbound = worker::web_sys::Request::new_with_str_and_init(&parts.uri.to_string(), &init)
            .map(worker::Request::from)
            .map_err(js_err)?;
        let controller = worker::AbortController::default();
        let signal = controller.signal();
        let exchange = async {
            let resp = worker::Fetch::Request(outbound).send_with_signal(&signal).await.map_err(Error::platform)?;
            let mut builder = http::Response::builder().status(resp.status_code());
            // Callers read status and body; of the headers only the type is kept.
            if let Ok(Some(v)) = resp.headers().get("content-type") {
                builder = builder.header(http::header::CONTENT_TYPE, v);
            }
            // Read chunk by chunk up to the reply limit; a longer reply is cut off unread.
            let bytes = match resp.body() {
                worker::ResponseBody::Empty => Vec::new(),
                worker::ResponseBody::Body(b) if b.len() <= MAX_REPLY_BYTES => b.clone(),
                worker::ResponseBody::Body(_) => return Err(medportal_core::ports::reply_too_large()),
                worker::ResponseBody::Stream(stream) => {
                    read_stream(stream, MAX_REPLY_BYTES).await?.ok_or_else(medportal_core::ports::reply_too_large)?
                }
            };
            builder.body(bytes).map_err(Error::platform)
        };
        match within(exchange, worker::Delay::from(timeout)).await {
            Some(Ok(resp)) => Ok(resp),
            Some(Err(e)) => {
                controller.abort();
                Err(e)
            }
            None => {
                controller.abort();
                Err(Error::platform(format!("outbound http: no complete answer within {} ms", timeout.as_millis())))
            }
        }
    }
}

impl Platform for WorkersPlatform {
    const RECHECK_MS: i64 = 1000;
    type Signatures = WebCrypto;
    fn signatures(&self) -> &WebCrypto {
        &WebCrypto
    }
    type Kv = WorkersKv;
    type Sql = WorkersD1;
    type Blob = WorkersR2;

    async fn open_kv(&self, name: StoreName) -> Result<WorkersKv> {
        Binding::of(&self.env, name).map(WorkersKv)
    }
    async fn open_sql(&self, name: StoreName) -> Result<WorkersD1> {
        self.env
            .d1(&name.to_string())
            .map(WorkersD1::new)
            .map_err(|e| Error::StoreUnavailable(format!("{name}: {e}")))
    }
    async fn open_blob(&self, name: StoreName) -> Result<WorkersR2> {
        Binding::of(&self.env, name).map(WorkersR2)
    }
    fn linger(&self, ms: u32) -> medportal_core::platform::Linger {
        Box::pin(worker::Delay::from(Duration::from_millis(ms.into())))
    }
    /// The request's `waitUntil`: the runtime sends the answer and keeps the isolate on the
    /// request until the work is done (without a request, a scheduled run, it is spawned).
    async fn after_response(&self, work: medportal_core::platform::Afterwards) {
        let job = async move {
            if let Err(e) = work.await {
                worker::console_warn!("work after the response failed: {e}");
            }
        };
        match &self.ctx {
            Some(ctx) => ctx.wait_until(job),
            None => worker::wasm_bindgen_futures::spawn_local(job),
        }
    }
    /// Cloudflare Email Service: `env.mail.send({ from, to, subject, text })` on the Worker's
    /// `send_email` binding named `mail`, called through JavaScript directly (like the stores).
    async fn send_email(&self, from: &str, mail: &medportal_core::ports::Mail) -> Result<()> {
        let binding = js_get(&self.env, "mail")?;
        if binding.is_undefined() || binding.is_null() {
            return Err(Error::Upstream("mail_transport=cloudflare: no send_email binding named `mail`".into()));
        }
        let message = object(&[
            ("from", JsValue::from_str(from)),
            ("to", JsValue::from_str(&mail.to)),
            ("subject", JsValue::from_str(&mail.subject)),
            ("text", JsValue::from_str(&mail.text)),
        ])?;
        // An RPC binding: its `send` is callable but not a `Function` instance (and has no
        // `call` of its own: `Reflect.apply`), and its answer a thenable (`Promise.resolve`).
        let send: Function = js_get(&binding, "send")?.unchecked_into();
        let answer = Reflect::apply(&send, &binding, &Array::of1(&message)).map_err(|e| Error::Upstream(format!("send_email: {}", js_err(e))))?;
        JsFuture::from(Promise::resolve(&answer))
            .await
            .map(|_| ())
            .map_err(|e| Error::Upstream(format!("send_email: {}", js_err(e))))
    }
}

/// A JavaScript exception as a platform error: an `Error`'s message (and cause, which is
/// where D1 puts the SQLite message), or the thrown string.
pub(crate) fn js_err(e: JsValue) -> Error {
    if let Some(err) = e.dyn_ref::<worker::js_sys::Error>() {
        let mut text = String::from(err.message());
        if let Some(cause) = err.cause().as_string().filter(|c| !c.is_empty()) {
            text.push_str(": ");
            text.push_str(&cause);
        }
        return Error::platform(text);
    }
    Error::platform(e.as_string().unwrap_or_else(|| "javascript error".to_owned()))
}

pub(crate) fn js_get(obj: &JsValue, key: &str) -> Result<JsValue> {
    Reflect::get(obj, &JsValue::from_str(key)).map_err(js_err)
}

/// A store binding from `env`, called through JavaScript directly: the SDK's KV and R2
/// wrappers pass options, metadata and list pages through serde-wasm-bindgen and carry
/// builders for features unused here (~20 KB of wasm for a handful of fields).
struct Binding(JsValue);

impl Binding {
    fn of(env: &worker::Env, name: StoreName) -> Result<Binding> {
        let raw = js_get(env, &name.to_string())?;
        if raw.is_undefined() || raw.is_null() {
            return Err(Error::StoreUnavailable(format!("{name}: no such binding")));
        }
        Ok(Binding(raw))
    }

    /// Calls `method` on the binding with `args` and awaits the promise it returns.
    async fn call(&self, method: &str, args: &Array) -> Result<JsValue> {
        call_method(&self.0, method, args).await
    }
}

/// `target[method](...args)`, not awaited.
fn call_sync(target: &JsValue, method: &str, args: &Array) -> Result<JsValue> {
    let f: Function = js_get(target, method)?.dyn_into().map_err(js_err)?;
    f.apply(target, args).map_err(js_err)
}

/// Reads a body stream (a `ReadableStream` of `Uint8Array` chunks) chunk by chunk: the bytes,
/// or `None` as soon as they exceed `limit` (the stream is then cancelled, the rest unread).
/// Through the stream's reader directly: the SDK's stream wrappers cost wasm for nothing here.
async fn read_stream(stream: &JsValue, limit: usize) -> Result<Option<Vec<u8>>> {
    let reader = call_sync(stream, "getReader", &Array::new())?;
    let mut body = Vec::new();
    loop {
        let chunk = call_method(&reader, "read", &Array::new()).await?;
        if js_get(&chunk, "done")?.as_bool() == Some(true) {
            return Ok(Some(body));
        }
        let bytes = Uint8Array::new(&js_get(&chunk, "value")?);
        if body.len() + bytes.length() as usize > limit {
            // Best effort: the answer is decided either way. Without a declared length the
            // body may never end, so it is not drained (see `drain`).
            let _ = call_sync(&reader, "cancel", &Array::new());
            return Ok(None);
        }
        let at = body.len();
        body.resize(at + bytes.length() as usize, 0);
        bytes.copy_to(&mut body[at..]);
    }
}

/// Reads and drops a body refused for its declared length (at most
/// [`medportal_core::DRAIN_BYTES`]), then cancels the stream, so that the client reads the 413
/// answer instead of a reset connection. A declared length ends
/// the body, as it ends one under the limit; a chunked body over the limit is cut off instead
/// (it may never end). Best effort: the answer is decided either way.
async fn drain(reader: &JsValue) {
    let mut seen = 0usize;
    while seen <= medportal_core::DRAIN_BYTES {
        let Ok(chunk) = call_method(reader, "read", &Array::new()).await else { return };
        if js_get(&chunk, "done").ok().and_then(|d| d.as_bool()) != Some(false) {
            return;
        }
        let len = js_get(&chunk, "value").map(|v| Uint8Array::new(&v).length() as usize).unwrap_or(usize::MAX);
        seen = seen.saturating_add(len);
    }
    let _ = call_sync(reader, "cancel", &Array::new());
}

/// `target[method](...args)`, awaited.
async fn call_method(target: &JsValue, method: &str, args: &Array) -> Result<JsValue> {
    let f: Function = js_get(target, method)?.dyn_into().map_err(js_err)?;
    let promise: Promise = f.apply(target, args).map_err(js_err)?.dyn_into().map_err(js_err)?;
    JsFuture::from(promise).await.map_err(js_err)
}

fn object(fields: &[(&str, JsValue)]) -> Result<JsValue> {
    let o = Object::new();
    for (k, v) in fields {
        Reflect::set(&o, &JsValue::from_str(k), v).map_err(js_err)?;
    }
    Ok(o.into())
}

/// A KV namespace.
pub struct WorkersKv(Binding);

impl WorkersKv {
    /// One `list` call: (key names, cursor of the next page if any).
    async fn list_page(&self, prefix: &str, cursor: Option<&str>) -> Result<(Vec<String>, Option<String>)> {
        let mut fields = vec![("prefix", JsValue::from_str(prefix)), ("limit", JsValue::from_f64(1000.0))];
        if let Some(c) = cursor {
            fields.push(("cursor", JsValue::from_str(c)));
        }
        let page = self.0.call("list", &Array::of1(&object(&fields)?)).await?;
        let keys: Array = js_get(&page, "keys")?.dyn_into().map_err(js_err)?;
        let names = keys.iter().filter_map(|k| js_get(&k, "name").ok()?.as_string()).collect();
        let complete = js_get(&page, "list_complete")?.as_bool().unwrap_or(true);
        let next = if complete { None } else { js_get(&page, "cursor")?.as_string().filter(|c| !c.is_empty()) };
        Ok((names, next))
    }
}

impl KvStore for WorkersKv {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let value = self.0.call("get", &Array::of2(&JsValue::from_str(key), &JsValue::from_str("arrayBuffer"))).await?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        Ok(Some(Uint8Array::new(&value).to_vec()))
    }
    async fn put(&self, key: &str, value: &[u8], expires_at: Option<i64>) -> Result<()> {
        // KV refuses expirations less than 60 s ahead; callers check expiry themselves anyway.
        let now = (worker::Date::now().as_millis() / 1000) as i64;
        let opts = match expires_at.filter(|at| *at > now + 60) {
            Some(at) => object(&[("expiration", JsValue::from_f64(at as f64))])?,
            None => object(&[])?,
        };
        self.0.call("put", &Array::of3(&JsValue::from_str(key), &Uint8Array::from(value), &opts)).await.map(|_| ())
    }
    async fn delete(&self, key: &str) -> Result<()> {
        self.0.call("delete", &Array::of1(&JsValue::from_str(key))).await.map(|_| ())
    }
    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let (names, next) = self.list_page(prefix, cursor.as_deref()).await?;
            out.extend(names);
            match next {
                Some(c) if out.len() < limit => cursor = Some(c),
                _ => break,
            }
        }
        out.truncate(limit);
        Ok(out)
    }
}

/// An R2 bucket.
pub struct WorkersR2(Binding);

impl BlobStore for WorkersR2 {
    async fn put(&self, key: &str, bytes: &[u8], content_type: &str) -> Result<()> {
        let meta = object(&[("contentType", JsValue::from_str(content_type))])?;
        let opts = object(&[("httpMetadata", meta)])?;
        self.0.call("put", &Array::of3(&JsValue::from_str(key), &Uint8Array::from(bytes), &opts)).await.map(|_| ())
    }
    async fn get(&self, key: &str) -> Result<Option<Blob>> {
        let object = self.0.call("get", &Array::of1(&JsValue::from_str(key))).await?;
        if object.is_null() || object.is_undefined() {
            return Ok(None);
        }
        let content_type = js_get(&object, "httpMetadata")
            .ok()
            .filter(|m| m.is_object())
            .and_then(|m| js_get(&m, "contentType").ok()?.as_string())
            .unwrap_or_else(|| "application/octet-stream".into());
        let buffer = call_method(&object, "arrayBuffer", &Array::new()).await?;
        Ok(Some(Blob { bytes: Uint8Array::new(&buffer).to_vec(), content_type }))
    }
    async fn delete(&self, key: &str) -> Result<()> {
        self.0.call("delete", &Array::of1(&JsValue::from_str(key))).await.map(|_| ())
    }
    /// R2 answers at most 1000 keys a call: the pages are followed (`truncated`, `cursor`)
    /// until `limit` keys or the end.
    async fn list(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        while out.len() < limit {
            let page = (limit - out.len()).clamp(1, 1000) as f64;
            let mut fields = vec![("prefix", JsValue::from_str(prefix)), ("limit", JsValue::from_f64(page))];
            if let Some(c) = &cursor {
                fields.push(("cursor", JsValue::from_str(c)));
            }
            let listed = self.0.call("list", &Array::of1(&object(&fields)?)).await?;
            let objects: Array = js_get(&listed, "objects")?.dyn_into().map_err(js_err)?;
            out.extend(objects.iter().filter_map(|o| js_get(&o, "key").ok()?.as_string()));
            let truncated = js_get(&listed, "truncated")?.as_bool().unwrap_or(false);
            match js_get(&listed, "cursor")?.as_string().filter(|c| truncated && !c.is_empty()) {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        out.truncate(limit);
        Ok(out)
    }
}

/// Converts the incoming request (body limited to `max_body_bytes`: a declared length over it
/// is refused unread, and a body without one, e.g. chunked, is read chunk by chunk and refused
/// as soon as it exceeds the limit). Read through the runtime's own `Request` object (web-sys),
/// not the SDK's stream wrappers. A refused request comes back with its head (no body), so
/// the refusal's page follows the visitor's language like every other error page.
pub async fn into_core_request(config: &Config, req: worker::Request) -> std::result::Result<medportal_core::Request, (Error, medportal_core::Request)> {
    let raw = req.inner();
    // The runtime hands over an absolute, already normalised URL; only its path and query
    // matter here. Splitting it by hand (instead of `req.url()`) keeps the `url`/`idna`
    // crates and their Unicode tables out of every function's wasm.
    let path_and_query = medportal_core::web::path_and_query(&raw.url());
    let mut builder = http::Request::builder().method(raw.method().as_str()).uri(path_and_query);
    // Only the headers a function is handed, copied by name constant (see REQUEST_HEADERS).
    let headers = raw.headers();
    // Cloudflare's edge sets the client address and overwrites any a client sent.
    if let Some(addr) = headers.get(medportal_core::web::CF_CONNECTING_IP).ok().flatten().and_then(|v| medportal_core::web::parse_client_address(&v)) {
        builder = builder.extension(addr);
    }
    let mut refused = None;
    let mut declared = 0usize;
    for name in &medportal_core::web::REQUEST_HEADERS {
        if let Ok(Some(v)) = headers.get(name.as_str()) {
            if name == http::header::CONTENT_LENGTH {
                declared = v.parse().unwrap_or(usize::MAX);
                refused = medportal_core::check_body_size(config, declared).err();
            }
            builder = builder.header(name.clone(), v);
        }
    }
    let invalid = || Error::bad_request("invalid_request", "The request could not be parsed.");
    let (parts, ()) = builder.body(()).map_err(|_| (invalid(), http::Request::new(Vec::new())))?.into_parts();
    // A refusal keeps the request's head (its language, its session) for the error page.
    let body = match (refused, raw.body()) {
        (Some(e), None) => Err(e),
        (Some(e), Some(stream)) => {
            if declared <= medportal_core::DRAIN_BYTES
                && let Ok(reader) = call_sync(&stream, "getReader", &Array::new())
            {
                drain(&reader).await;
            }
            Err(e)
        }
        (None, None) => Ok(Vec::new()),
        (None, Some(stream)) => read_stream(&stream, config.max_body_bytes).await.and_then(|b| b.ok_or(Error::PayloadTooLarge { limit: config.max_body_bytes })),
    };
    match body {
        Ok(body) => Ok(http::Request::from_parts(parts, body)),
        Err(e) => Err((e, http::Request::from_parts(parts, Vec::new()))),
    }
}

/// Converts the core response for the Workers runtime (a web-sys `Response`).
pub fn from_core_response(resp: medportal_core::Response) -> worker::Result<worker::Response> {
    let (parts, mut body) = resp.into_parts();
    let headers = worker::web_sys::Headers::new()?;
    for (k, v) in parts.headers.iter() {
        if let Ok(v) = v.to_str() {
            headers.append(k.as_str(), v)?;
        }
    }
    let init = worker::web_sys::ResponseInit::new();
    init.set_status(parts.status.as_u16());
    init.set_headers(&headers);
    // No body at all when empty: null-body statuses (204, 304) and HEAD answers need that.
    let body = if body.is_empty() { None } else { Some(body.as_mut_slice()) };
    Ok(worker::web_sys::Response::new_with_opt_u8_array_and_init(body, &init)?.into())
}

/// The whole fetch path for one function; entry files call only this (through [`entry!`]).
pub async fn serve<A: App>(req: worker::Request, env: worker::Env, ctx: worker::Context) -> worker::Result<worker::Response> {
    let platform = WorkersPlatform::for_request(env, ctx);
    let config = match platform.config() {
        Ok(c) => c,
        Err(e) => {
            platform.log(LogLevel::Error, &format!("invalid configuration: {e}"));
            return worker::Response::error("Service misconfigured", 500);
        }
    };
    match into_core_request(&config, req).await {
        Ok(req) => from_core_response(medportal_core::serve::<A, _>(&platform, &config, req).await),
        Err((e, head)) => from_core_response(medportal_core::refuse::<A, _>(&platform, &config, &head, e)),
    }
}

/// Declares the Workers `fetch` entry for a function: `medportal_workers::entry!(crate::App);`
#[macro_export]
macro_rules! entry {
    ($app:ty) => {
        #[::worker::event(fetch)]
        async fn fetch(
            req: ::worker::Request,
            env: ::worker::Env,
            ctx: ::worker::Context,
        ) -> ::worker::Result<::worker::Response> {
            $crate::serve::<$app>(req, env, ctx).await
        }
    };
}

/// Declares work to run once when the Workers runtime instantiates the module (at isolate
/// start-up, before its first request; Cloudflare starts isolates during the TLS handshake):
/// `medportal_workers::start_entry!(crate::warm_up);` with `fn warm_up() -> Result<(), E>`,
/// `E: Display`. A failure is logged and the Worker serves as it would have without it.
#[macro_export]
macro_rules! start_entry {
    ($f:path) => {
        #[::worker::event(start)]
        fn start() {
            if let Err(e) = $f() {
                ::worker::console_error!("start-up work failed: {e}");
            }
        }
    };
}

/// The periodic work of a function ([`medportal_core::App::scheduled`]), for a cron trigger.
pub async fn scheduled<A: App>(env: worker::Env) {
    let platform = WorkersPlatform::new(env);
    match platform.config() {
        Ok(config) => medportal_core::scheduled::<A, _>(&platform, &config).await,
        Err(e) => platform.log(LogLevel::Error, &format!("invalid configuration: {e}")),
    }
}

/// Declares the Workers `scheduled` entry (cron triggers) for a function that has periodic
/// work: `medportal_workers::scheduled_entry!(crate::App);` beside `entry!`.
#[macro_export]
macro_rules! scheduled_entry {
    ($app:ty) => {
        #[::worker::event(scheduled)]
        async fn scheduled(_event: ::worker::ScheduledEvent, env: ::worker::Env, _ctx: ::worker::ScheduleContext) {
            $crate::scheduled::<$app>(env).await
        }
    };
}

/// Ed25519 through the runtime's WebCrypto (`crypto.subtle`): no curve arithmetic in the
/// wasm, and verification at native speed. Imported keys are kept per isolate.
mod webcrypto {
    use super::{call_method, js_err, js_get, object};
    use medportal_core::{Error, Result};
    use std::cell::RefCell;
    use worker::js_sys::{Array, ArrayBuffer, Uint8Array};
    use worker::wasm_bindgen::{JsCast, JsValue};

    /// PKCS #8 wrapping of an Ed25519 seed (RFC 8410): this prefix, then the 32 bytes.
    const PKCS8_PREFIX: [u8; 16] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
    const CACHED_KEYS: usize = 16;

    thread_local! {
        /// (private?, key bytes) → CryptoKey.
        static KEYS: RefCell<Vec<(bool, [u8; 32], JsValue)>> = const { RefCell::new(Vec::new()) };
    }

    fn algorithm() -> Result<JsValue> {
        object(&[("name", JsValue::from_str("Ed25519"))])
    }

    /// Calls `crypto.subtle[method](...args)` and awaits it.
    async fn subtle(method: &str, args: &Array) -> Result<JsValue> {
        let subtle = js_get(&js_get(&worker::js_sys::global(), "crypto")?, "subtle")?;
        call_method(&subtle, method, args).await
    }

    async fn import(private: bool, bytes: &[u8; 32], extractable: bool) -> Result<JsValue> {
        if !extractable {
            let hit = KEYS.with(|k| k.borrow().iter().find(|(p, b, _)| *p == private && b == bytes).map(|(_, _, key)| key.clone()));
            if let Some(key) = hit {
                return Ok(key);
            }
        }
        let (format, data, usage) = if private {
            let mut der = PKCS8_PREFIX.to_vec();
            der.extend_from_slice(bytes);
            ("pkcs8", Uint8Array::from(der.as_slice()), "sign")
        } else {
            ("raw", Uint8Array::from(bytes.as_slice()), "verify")
        };
        let args = Array::of5(
            &JsValue::from_str(format),
            &data,
            &algorithm()?,
            &JsValue::from_bool(extractable),
            &Array::of1(&JsValue::from_str(usage)),
        );
        let key = subtle("importKey", &args).await?;
        if !extractable {
            KEYS.with(|k| {
                let mut k = k.borrow_mut();
                if k.len() >= CACHED_KEYS {
                    k.remove(0);
                }
                k.push((private, *bytes, key.clone()));
            });
        }
        Ok(key)
    }

    fn bytes<const N: usize>(buffer: JsValue) -> Result<[u8; N]> {
        let buffer: ArrayBuffer = buffer.dyn_into().map_err(js_err)?;
        Uint8Array::new(&buffer).to_vec().try_into().map_err(|_| Error::platform("webcrypto: unexpected length"))
    }

    pub async fn public(seed: &[u8; 32]) -> Result<[u8; 32]> {
        let key = import(true, seed, true).await?;
        let jwk = subtle("exportKey", &Array::of2(&JsValue::from_str("jwk"), &key)).await?;
        let x = js_get(&jwk, "x")?.as_string().ok_or_else(|| Error::platform("webcrypto: jwk without x"))?;
        jwk_x(&x).ok_or_else(|| Error::platform("webcrypto: jwk x is not a 32-byte key"))
    }

    /// A JWK's `x` (base64url, no padding: 43 characters for 32 bytes), as the runtime wrote it.
    fn jwk_x(x: &str) -> Option<[u8; 32]> {
        medportal_core::b64::decode(x)?.try_into().ok()
    }

    pub async fn sign(seed: &[u8; 32], message: &[u8]) -> Result<[u8; 64]> {
        let key = import(true, seed, false).await?;
        let args = Array::of3(&algorithm()?, &key, &Uint8Array::from(message));
        bytes(subtle("sign", &args).await?)
    }

    pub async fn verify(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> Result<bool> {
        let key = import(false, public, false).await?;
        let args = Array::of4(&algorithm()?, &key, &Uint8Array::from(signature.as_slice()), &Uint8Array::from(message));
        Ok(subtle("verify", &args).await?.as_bool() == Some(true))
    }
}

/// Ed25519 through the runtime's WebCrypto.
pub struct WebCrypto;

impl Signatures for WebCrypto {
    async fn ed25519_public(&self, seed: &[u8; 32]) -> Result<[u8; 32]> {
        webcrypto::public(seed).await
    }
    async fn ed25519_sign(&self, seed: &[u8; 32], message: &[u8]) -> Result<[u8; 64]> {
        webcrypto::sign(seed, message).await
    }
    async fn ed25519_verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        match webcrypto::verify(public, message, signature).await {
            Ok(valid) => valid,
            Err(e) => {
                worker::console_warn!("ed25519 verify failed: {e}");
                false
            }
        }
    }
}
