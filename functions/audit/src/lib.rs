//! Audit trail and data protection (the audit issue). The foundation ships the public data-protection page.

mod entry;

use http::StatusCode;
use medportal_core::common::{self, Common};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{App, Ctx, Function, Platform, Result, render, route_table};
use medportal_templates::pages;

pub struct Audit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Common(Common),
    Landing,
}

impl App for Audit {
    type Route = Route;
    const FUNCTION: Function = Function::Audit;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            let b = RoutesBuilder::new().get("/audit", Route::Landing);
            common::routes(b, Function::Audit, Route::Common).build()
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
            Route::Landing => {
                let page = render::page_context(ctx.config, info, req.uri().query().unwrap_or(""));
                Ok(web::html(StatusCode::OK, pages::data_protection(&page)))
            }
        }
    }
}

#[cfg(test)]
mod tests;
