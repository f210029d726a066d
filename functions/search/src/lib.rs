//! Search function (issue 4): the search page, suggestions, click signals, the indexing
//! entry point content publishing calls, and the staff page with index status.
//!
//! One crate, two deployables ([`Function::Search`], [`Function::SearchAdmin`]): [`Search`]
//! serves HCP queries; [`SearchAdmin`] (deployed by the `functions/search-admin` crate) serves
//! indexing and the staff pages. The query Worker thereby carries neither the index builder nor
//! the indexing token.
//!
//! | route | what |
//! |---|---|
//! | `GET /search?q=…&area=…&type=…&product=…&phase=…&specialty=…&language=…&year=…&from=…&to=…&page=…&market=…` | results page ([`query`]) |
//! | `GET /search/suggest?q=…` | completions, JSON |
//! | `GET /search/suggest.js` | optional progressive enhancement of the search field |
//! | `GET /search/click?to=/content/<slug>&r=<rank>&s=<id>` | click signal, then redirect ([`signals`]) |
//! | `POST /admin/search/index` | search-admin: indexing entry point, bearer `search_index_token` ([`index`]) |
//! | `PUT /admin/search/vocab` | search-admin: medical vocabulary upload, bearer token |
//! | `GET /admin/search`, `POST /admin/search/rebuild` | search-admin, staff: status, rebuild ([`admin`]) |
//!
//! Storage layout: [`store`]; engine caches and the async bridge: [`engine`].

pub mod admin;
pub mod engine;
pub mod index;
pub mod params;
pub mod plan;
pub mod query;
pub mod search_page;
pub mod signal_queue;
pub mod signals;
pub mod store;
pub mod visibility;

use http::{HeaderValue, Method, StatusCode, header};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::paths;

pub struct Search;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Search,
    Suggest,
    Script,
    Click,
}

impl App for Search {
    type Route = Route;
    const FUNCTION: Function = Function::Search;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            RoutesBuilder::new()
                .get(paths::search::SEARCH, Route::Search)
                .api(paths::search::SUGGEST, &[Method::GET], Route::Suggest)
                .get(paths::search::SUGGEST_SCRIPT, Route::Script)
                .get(paths::search::CLICK, Route::Click)
                .build()
        })
    }

    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: Route,
        _params: Params,
        req: Request,
    ) -> Result<Response> {
        match route {
            Route::Search => query::page(ctx, info, &req).await,
            Route::Suggest => query::suggest(ctx, &req).await,
            Route::Script => Ok(script()),
            Route::Click => signals::click(ctx, &req).await,
        }
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }
}

/// Search's indexing and staff side.
pub struct SearchAdmin;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRoute {
    Index,
    Vocab,
    Status,
    Rebuild,
}

impl App for SearchAdmin {
    type Route = AdminRoute;
    const FUNCTION: Function = Function::SearchAdmin;

    fn routes() -> &'static Routes<AdminRoute> {
        route_table!(AdminRoute, {
            RoutesBuilder::new()
                .post(paths::search_admin::INDEX, AdminRoute::Index)
                .at(paths::search_admin::VOCAB, &[Method::PUT], AdminRoute::Vocab)
                .get(paths::search_admin::STATUS, AdminRoute::Status)
                .post(paths::search_admin::REBUILD, AdminRoute::Rebuild)
                .build()
        })
    }

    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: AdminRoute,
        _params: Params,
        req: Request,
    ) -> Result<Response> {
        match route {
            AdminRoute::Index => index::index_batch(ctx, &req).await,
            AdminRoute::Vocab => index::put_vocab(ctx, &req).await,
            AdminRoute::Status => admin::status_page(ctx, info, &req).await,
            AdminRoute::Rebuild => admin::rebuild(ctx, &req).await,
        }
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }
}

/// Progressive enhancement: fills the search field's `<datalist>` from `/search/suggest`.
/// Served as a same-origin file (the CSP allows `script-src 'self'`, never inline code);
/// the form works the same without it.
pub const SUGGEST_JS: &str = r#"(()=>{const i=document.querySelector("input[data-suggest]"),l=i&&document.getElementById(i.getAttribute("list"));if(!l)return;let t,c;i.addEventListener("input",()=>{clearTimeout(t);const q=i.value;if(q.trim().length<2)return;t=setTimeout(async()=>{c&&c.abort();c=new AbortController;const m=i.form.elements.market;try{const r=await fetch(i.dataset.suggest+"?q="+encodeURIComponent(q)+(m&&m.value?"&market="+encodeURIComponent(m.value):""),{signal:c.signal,headers:{accept:"application/json"}});if(!r.ok)return;const j=await r.json();l.replaceChildren(...j.suggestions.map(s=>{const o=document.createElement("option");o.value=s;return o}))}catch(e){}},150)})})();
"#;

fn script() -> Response {
    let mut resp = web::bytes(StatusCode::OK, "text/javascript; charset=utf-8", SUGGEST_JS.as_bytes().to_vec());
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    resp
}

// Runtime entries: the only place the Workers and Spin SDKs meet this crate. The search-admin
// deployable declares its own (functions/search-admin).
#[cfg(feature = "workers")]
medportal_workers::entry!(crate::Search);
// V8 compiles wasm lazily: compile the query path before the first request (engine::warm_up).
// Spin and the native host compile ahead of time and start per request or once: not there.
#[cfg(feature = "workers")]
medportal_workers::start_entry!(crate::engine::warm_up);
#[cfg(feature = "spin")]
medportal_spin::entry!(crate::Search);

#[cfg(test)]
mod tests;
