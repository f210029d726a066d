//! Audit trail and data protection (the audit issue). The foundation ships the public data-protection page.
//!
//! | module | owns |
//! |---|---|
//! | `requests` | `data_requests`: data-subject requests, typed kinds, statuses, decisions |
//! | `erasure` | the per-table rules of a person's data: export and erasure |
//! | `compliance` | categories of personal data and records of processing (from `infra/`), the residency report and check |
//! | `privacy`, `dsar`, `reports`, `views` | handlers of the person, of compliance officers; view rows |

mod compliance;
mod dsar;
mod entry;
mod erasure;
mod reports;
mod privacy;
mod requests;
mod views;

use http::StatusCode;
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::{pages, paths};

pub struct Audit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Landing,
    Privacy,
    PrivacySubmit,
    PrivacyExport,
    Residency,
    Processing,
    Dsar,
    DsarItem,
    DsarExport,
    DsarDecide,
}

impl App for Audit {
    type Route = Route;
    const FUNCTION: Function = Function::Audit;

    fn routes() -> &'static Routes<Route> {
        use paths::audit as p;
        route_table!(
            Route,
            RoutesBuilder::new()
                .get(p::DATA_PROTECTION, Route::Landing)
                .get(p::ACCOUNT_PRIVACY, Route::Privacy)
                .post(p::ACCOUNT_PRIVACY, Route::PrivacySubmit)
                .get(p::ACCOUNT_PRIVACY_EXPORT, Route::PrivacyExport)
                .get(p::RESIDENCY, Route::Residency)
                .get(p::PROCESSING, Route::Processing)
                .get(p::DSAR, Route::Dsar)
                .get(p::DSAR_ITEM, Route::DsarItem)
                .get(p::DSAR_EXPORT, Route::DsarExport)
                .post(p::DSAR_DECIDE, Route::DsarDecide)
                .build()
        )
    }

    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: Route,
        params: Params,
        req: Request,
    ) -> Result<Response> {
        let id = params.get("id").unwrap_or("");
        match route {
            Route::Landing => {
                let page = medportal_web::page_context(ctx, info, req.uri().query().unwrap_or(""), None);
                Ok(medportal_web::html(StatusCode::OK, pages::data_protection(&page)))
            }
            Route::Privacy => privacy::page(ctx, info, &req).await,
            Route::PrivacySubmit => privacy::submit(ctx, info, &req).await,
            Route::PrivacyExport => privacy::export(ctx, &req).await,
            Route::Residency => reports::residency(ctx, info, &req).await,
            Route::Processing => reports::processing(ctx, info, &req).await,
            Route::Dsar => dsar::queue(ctx, info, &req).await,
            Route::DsarItem => dsar::item(ctx, info, &req, id).await,
            Route::DsarExport => dsar::export(ctx, &req, id).await,
            Route::DsarDecide => dsar::decide(ctx, &req, id).await,
        }
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }
}

#[cfg(test)]
mod tests;
