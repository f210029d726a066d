//! Medical inquiries: asking a question, following answers, adverse-event routing (the inquiries issue).

mod entry;

use http::StatusCode;
use medportal_core::common::{self, Common};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{App, Ctx, Function, Platform, Result, render, route_table};
use medportal_templates::pages;

pub struct Inquiries;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Common(Common),
    Landing,
}

impl App for Inquiries {
    type Route = Route;
    const FUNCTION: Function = Function::Inquiries;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            let b = RoutesBuilder::new().get("/inquiries", Route::Landing);
            common::routes(b, Function::Inquiries, Route::Common).build()
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
                Ok(web::html(StatusCode::OK, pages::inquiries_landing(&page)))
            }
        }
    }
}

#[cfg(test)]
mod tests;
