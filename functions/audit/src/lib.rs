//! Audit trail and data protection (issue 16): the public page on what the trail guarantees,
//! the published checkpoint keys and checkpoints, and the compliance officers' viewer (list
//! with filters, entry with inclusion proof, export for `tools/audit-verify`). The logs'
//! checkpointer runs on the Workers cron trigger and, on every host, before each request.

mod entry;
mod handlers;
pub mod log;
pub mod trail;

use http::{Method, StatusCode};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::{pages, paths};

pub struct Audit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Landing,
    Viewer,
    Entry,
    Export,
    Checkpoints,
    Keys,
}

impl App for Audit {
    type Route = Route;
    const FUNCTION: Function = Function::Audit;

    fn routes() -> &'static Routes<Route> {
        route_table!(
            Route,
            RoutesBuilder::new()
                .get(paths::audit::DATA_PROTECTION, Route::Landing)
                .get(paths::audit::VIEWER, Route::Viewer)
                .api(paths::audit::ENTRY, &[Method::GET], Route::Entry)
                .api(paths::audit::EXPORT, &[Method::GET], Route::Export)
                .get(paths::audit::CHECKPOINTS, Route::Checkpoints)
                .get(paths::audit::KEYS, Route::Keys)
                .build()
        )
    }

    async fn dispatch<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, route: Route, params: Params, req: Request) -> Result<Response> {
        // Hosts without a scheduler (Spin, native) checkpoint here; on Workers the cron does
        // too. A failure is logged (checkpoint_all) and does not refuse the request.
        let _ = log::checkpoint_all(ctx, false).await;
        match route {
            Route::Landing => {
                let page = medportal_web::page_context(ctx, info, req.uri().query().unwrap_or(""), None);
                Ok(medportal_web::html(StatusCode::OK, pages::data_protection(&page)))
            }
            Route::Viewer => handlers::viewer(ctx, info, &req).await,
            Route::Entry => handlers::entry(ctx, &params, &req).await,
            Route::Export => handlers::export(ctx, &req).await,
            Route::Checkpoints => handlers::checkpoints(ctx).await,
            Route::Keys => handlers::keys(ctx).await,
        }
    }

    async fn scheduled<P: Platform>(ctx: &Ctx<'_, P>) -> Result<()> {
        log::checkpoint_all(ctx, false).await
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }
}

#[cfg(test)]
mod tests;
