//! The request pipeline every function shares: route → handler → error rendering →
//! security headers. A function implements [`App`]; its entry files call [`serve`].
#![allow(async_fn_in_trait)]

use crate::config::Config;
use crate::error::Result;
use crate::functions::Function;
use crate::platform::{Ctx, Platform};
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
}

pub async fn serve<A: App, P: Platform>(platform: &P, config: &Config, mut req: Request) -> Response {
    let ctx = Ctx::new(platform, config, A::FUNCTION);
    *req.headers_mut() = crate::web::request_headers(req.headers());
    let info = RequestInfo::of(&req);
    // The one place the body limit is enforced on what was read; adapters only refuse a
    // declared Content-Length above it early, so they need not read such a body at all.
    let result = match crate::check_body_size(config, req.body().len()) {
        Err(e) => Err(e),
        Ok(()) => match A::routes().resolve(req.method(), req.uri().path()) {
            Ok((route, params)) => A::dispatch(&ctx, &info, route, params, req).await,
            Err(e) => Err(e),
        },
    };
    crate::finish(platform, config, &info, result)
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
