//! The read side's handlers: `/search` (results page) and `/search/suggest` (JSON). They
//! authenticate, parse the typed query ([`Params`]) and call the use case
//! ([`search_page`](crate::search_page::search_page), [`engine`]); the rules live there.

use http::StatusCode;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages;

use crate::engine;
use crate::params::Params;
use crate::plan::Plan;
use crate::search_page::search_page;
use crate::visibility::Visibility;

/// Path of the progressive-enhancement script (served by this function).
pub use medportal_templates::paths::search::SUGGEST_SCRIPT as SCRIPT_PATH;

/// `/search`.
pub async fn page<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let started_ms = ctx.now_ms();
    let raw_query = req.uri().query().unwrap_or("");
    let params = Params::parse(raw_query)?;
    let session = medportal_auth::authenticate(ctx, req).await?;
    let view = search_page(ctx, info.locale, session.as_ref(), &params, started_ms, web::client_address(req)).await?;
    let mut pc = medportal_web::page_context(ctx, info, raw_query, session.as_ref());
    pc.script = Some(SCRIPT_PATH.to_owned());
    Ok(medportal_web::html(StatusCode::OK, pages::search(&pc, &view)))
}

/// `/search/suggest?q=`: completions as JSON. Only suggestions that lead to results the
/// visitor may see are returned (terms of HCP-only items are not revealed to others).
pub async fn suggest<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let params = Params::parse(req.uri().query().unwrap_or(""))?;
    if params.q.is_empty() {
        return Err(Error::bad_request("missing_query", "Give the start of a search term in q."));
    }
    let session = medportal_auth::authenticate(ctx, req).await?;
    let vis = Visibility::of(session.as_ref(), params.market.as_deref());
    let blob = ctx.global_blob().await?;
    let (opened, _) = engine::open_visible(ctx, &blob, &vis).await?;
    let mut out: Vec<String> = Vec::new();
    if let Some(opened) = opened {
        let candidates = engine::suggest(&blob, &opened, &params.q, 12).await?;
        let plan = Plan { params: &params, vis: &vis, language: None };
        for c in candidates {
            if out.len() >= 8 {
                break;
            }
            let mut r = plan.request(&c, None);
            r.limit = 1;
            r.options.typo_tolerance = false;
            let vocab = engine::vocab(ctx, &blob).await?;
            engine::prefetch_query(&blob, &opened, &c, &vocab).await?;
            if engine::search(&blob, &opened, &r).await?.total > 0 {
                out.push(c);
            }
        }
    }
    #[derive(serde::Serialize)]
    struct Suggestions<'a> {
        query: &'a str,
        suggestions: Vec<String>,
    }
    let mut resp = web::json(StatusCode::OK, &Suggestions { query: &params.q, suggestions: out });
    resp.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("private, max-age=60"));
    Ok(resp)
}
