//! Audit trail and data protection (the audit issue). The foundation ships the public data-protection page.

mod entry;

use http::StatusCode;
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::{pages, paths};

pub struct Audit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Landing,
}

impl App for Audit {
    type Route = Route;
    const FUNCTION: Function = Function::Audit;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, RoutesBuilder::new().get(paths::audit::DATA_PROTECTION, Route::Landing).build())
    }

    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: Route,
        _params: Params,
        req: Request,
    ) -> Result<Response> {
        match route {
            Route::Landing => {
                let page = medportal_web::page_context(ctx, info, req.uri().query().unwrap_or(""), None);
                Ok(medportal_web::html(StatusCode::OK, pages::data_protection(&page)))
            }
        }
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }
}

#[cfg(test)]
mod tests;
