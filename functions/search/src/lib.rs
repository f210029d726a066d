//! Search function: the search page, suggestions and (with the search issue) the index.

mod entry;

use http::StatusCode;
use medportal_core::common::{self, Common};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{App, Ctx, Error, Function, Platform, Result, render, route_table};
use medportal_templates::pages::{self, SearchView};

pub struct Search;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Common(Common),
    Search,
}

/// Longest accepted query, in characters.
const MAX_QUERY: usize = 200;

impl App for Search {
    type Route = Route;
    const FUNCTION: Function = Function::Search;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            let b = RoutesBuilder::new().get("/search", Route::Search);
            common::routes(b, Function::Search, Route::Common).build()
        })
    }

    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: Route,
        params: Params,
        req: Request,
    ) -> Result<Response> {
        match route {
            Route::Common(c) => common::dispatch(ctx, c, params, req).await,
            Route::Search => search(ctx, info, &req),
        }
    }
}

/// The search page. Until the search index exists (search issue) every query has no
/// results, and the page offers the zero-result recovery paths.
fn search<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let query = web::query_param(req, "q").unwrap_or_default();
    let query = query.trim();
    if query.chars().count() > MAX_QUERY {
        return Err(Error::bad_request("query_too_long", "Search queries are at most 200 characters."));
    }
    let page = render::page_context(ctx.config, info, req.uri().query().unwrap_or(""));
    let view = SearchView { query: query.to_owned(), results: Vec::new() };
    Ok(web::html(StatusCode::OK, pages::search(&page, &view)))
}

#[cfg(test)]
mod tests;
