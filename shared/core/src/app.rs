//! The request pipeline every function shares: route → handler → error rendering →
//! security headers. A function implements [`App`]; its entry files call [`serve`].
#![allow(async_fn_in_trait)]

use crate::config::Config;
use crate::error::{Error, Result};
use crate::functions::Function;
use crate::platform::{Ctx, Platform};
use crate::ports::{Log, LogLevel};
use crate::router::{Params, Routes};
use crate::web::{Request, RequestInfo, Response};

pub trait App {
    type Route: Copy + 'static;
    const FUNCTION: Function;
    /// The function's route table (built once per isolate).
    fn routes() -> &'static Routes<Self::Route>;
    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: Self::Route,
        params: Params,
        req: Request,
    ) -> Result<Response>;
    /// The HTML page for an error. Core knows no HTML: the functions' web layer renders it
    /// (JSON errors, for API paths and clients that ask for JSON, are core's).
    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response;
    /// Periodic work, run by a runtime's scheduler where there is one (a Workers cron trigger):
    /// e.g. identity retries mail its transport did not take. Nothing by default.
    async fn scheduled<P: Platform>(ctx: &Ctx<'_, P>) -> Result<()> {
        let _ = ctx;
        Ok(())
    }
}

/// Runs the function's periodic work once (see [`App::scheduled`]); failures are logged.
pub async fn scheduled<A: App, P: Platform>(platform: &P, config: &Config) {
    let ctx = Ctx::new(platform, config, A::FUNCTION);
    if let Err(e) = A::scheduled(&ctx).await {
        platform.log(LogLevel::Error, &format!("scheduled work of {}: {e}", A::FUNCTION.name()));
    }
}

/// Serves one request: the common routes (health, readiness, dev probes) first, then the
/// function's own table; errors become JSON (API paths, JSON clients) or the function's page.
pub async fn serve<A: App, P: Platform>(platform: &P, config: &Config, mut req: Request) -> Response {
    let ctx = Ctx::new(platform, config, A::FUNCTION);
    *req.headers_mut() = crate::web::request_headers(req.headers());
    let mut info = RequestInfo::of(&req);
    let path = req.uri().path().to_owned();
    // The one place the body limit is enforced on what was read; adapters only refuse a
    // declared Content-Length above it early, so they need not read such a body at all.
    // `api`: the path answers JSON, and so do its errors.
    let (result, api) = match crate::check_body_size(config, req.body().len()) {
        Err(e) => (Err(e), crate::common::is_api_path(&path)),
        Ok(()) => match crate::common::serve(&ctx, &req).await {
            Some(answer) => (answer, true),
            None => match A::routes().resolve_marked(req.method(), &path) {
                (Ok((route, params)), api) => (A::dispatch(&ctx, &info, route, params, req).await, api),
                (Err(e), api) => (Err(e), api || crate::common::is_api_path(&path)),
            },
        },
    };
    info.wants_json |= api;
    finish::<A>(platform, config, &info, result)
}

/// Refuses a request the adapter could not even hand over (oversized, unreadable body);
/// `head` is what the adapter still has of it (method, URI, headers) for the answer's form.
pub fn refuse<A: App, P: Platform>(platform: &P, config: &Config, head: &Request, err: Error) -> Response {
    let info = RequestInfo::of(head);
    finish::<A>(platform, config, &info, Err(err))
}

/// Turns a handler result into the final response: errors become a JSON error with a stable
/// code or the function's error page (internal detail goes to the log only), and every
/// response gets the security headers.
pub fn finish<A: App>(log: &dyn Log, config: &Config, info: &RequestInfo, result: Result<Response>) -> Response {
    let resp = match result {
        Ok(resp) => resp,
        Err(err) => {
            if err.is_internal() {
                log.log(LogLevel::Error, &format!("{} {} -> {}: {err}", info.method, info.path, err.status().as_u16()));
            }
            let resp = if info.wants_json { crate::web::error_json(&err) } else { A::error_page(config, info, &err) };
            crate::web::with_error_headers(resp, &err)
        }
    };
    crate::web::secure(resp, info)
}

/// Declares a lazily built, process-wide route table.
#[macro_export]
macro_rules! route_table {
    ($route:ty, $build:expr) => {{
        static TABLE: ::std::sync::OnceLock<$crate::router::Routes<$route>> = ::std::sync::OnceLock::new();
        TABLE.get_or_init(|| match $build {
            Ok(t) => t,
            // Static patterns: a conflict is a programming error caught by every route test.
            Err(e) => panic!("invalid route table: {e}"),
        })
    }};
}
