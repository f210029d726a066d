//! Audit trail and data protection (issue 16): the public page on what the trail guarantees,
//! the published checkpoint keys and checkpoints, the compliance officers' viewer (list
//! with filters, entry with inclusion proof, export for `tools/audit-verify`), and the
//! data-protection side: data-subject requests, residency and records of processing. The
//! logs' checkpointer runs on the Workers cron trigger and, on every host, before each request.
//!
//! | module | owns |
//! |---|---|
//! | `requests` | `data_requests`: data-subject requests, typed kinds, statuses, decisions |
//! | `erasure` | the per-table rules of a person's data: export and erasure |
//! | `compliance` | categories of personal data and records of processing (from `infra/`), the residency report and check |
//! | `privacy`, `dsar`, `reports`, `views` | handlers of the person, of compliance officers; view rows |
//! | `log`, `trail`, `handlers` | the logs' tree and checkpoints; reading the trail; the viewer's handlers |

mod compliance;
mod dsar;
mod entry;
mod erasure;
mod handlers;
pub mod log;
mod privacy;
mod reports;
mod requests;
pub mod trail;
mod views;

use http::{Method, StatusCode};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::{CSS, CSS_PATH, pages, paths};

pub struct Audit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Landing,
    Viewer,
    Entry,
    Consistency,
    Export,
    Checkpoints,
    Keys,
    Privacy,
    PrivacySubmit,
    PrivacyExport,
    Residency,
    Processing,
    Dsar,
    DsarItem,
    DsarExport,
    DsarDecide,
    /// The portal's legal pages and its stylesheet (static; served here, not by content).
    Legal(pages::LegalPage),
    Stylesheet,
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
                .get(p::VIEWER, Route::Viewer)
                .get(p::ENTRY, Route::Entry)
                .api(p::CONSISTENCY, &[Method::GET], Route::Consistency)
                .api(p::EXPORT, &[Method::GET], Route::Export)
                .get(p::CHECKPOINTS, Route::Checkpoints)
                .get(p::KEYS, Route::Keys)
                .get(p::ACCOUNT_PRIVACY, Route::Privacy)
                .post(p::ACCOUNT_PRIVACY, Route::PrivacySubmit)
                .get(p::ACCOUNT_PRIVACY_EXPORT, Route::PrivacyExport)
                .get(p::RESIDENCY, Route::Residency)
                .get(p::PROCESSING, Route::Processing)
                .get(p::DSAR, Route::Dsar)
                .get(p::DSAR_ITEM, Route::DsarItem)
                .get(p::DSAR_EXPORT, Route::DsarExport)
                .post(p::DSAR_DECIDE, Route::DsarDecide)
                .get(paths::content::PRIVACY, Route::Legal(pages::LegalPage::Privacy))
                .get(paths::content::TERMS, Route::Legal(pages::LegalPage::Terms))
                .get(paths::content::IMPRINT, Route::Legal(pages::LegalPage::Imprint))
                .get(paths::content::ACCESSIBILITY, Route::Legal(pages::LegalPage::Accessibility))
                .get(CSS_PATH, Route::Stylesheet)
                .build()
        )
    }

    async fn dispatch<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, route: Route, params: Params, req: Request) -> Result<Response> {
        // Hosts without a scheduler (Spin, native) checkpoint here; on Workers the cron does
        // too. A failure is logged (checkpoint_all) and does not refuse the request.
        // (Not for the static pages: they never touch the trail.)
        if !matches!(route, Route::Legal(_) | Route::Stylesheet) {
            let _ = log::checkpoint_all(ctx, false).await;
        }
        let id = params.get("id").unwrap_or("");
        match route {
            Route::Landing => {
                let page = medportal_web::page_context(ctx, info, req.uri().query().unwrap_or(""), None);
                Ok(medportal_web::html(StatusCode::OK, pages::data_protection(&page)))
            }
            Route::Viewer => handlers::viewer(ctx, info, &req).await,
            Route::Entry => handlers::entry(ctx, info, &params, &req).await,
            Route::Consistency => handlers::consistency(ctx, &req).await,
            Route::Export => handlers::export(ctx, &req).await,
            Route::Checkpoints => handlers::checkpoints(ctx).await,
            Route::Keys => handlers::keys(ctx).await,
            Route::Privacy => privacy::page(ctx, info, &req).await,
            Route::PrivacySubmit => privacy::submit(ctx, info, &req).await,
            Route::PrivacyExport => privacy::export(ctx, &req).await,
            Route::Residency => reports::residency(ctx, info, &req).await,
            Route::Processing => reports::processing(ctx, info, &req).await,
            Route::Dsar => dsar::queue(ctx, info, &req).await,
            Route::DsarItem => dsar::item(ctx, info, &req, id).await,
            Route::DsarExport => dsar::export(ctx, &req, id).await,
            Route::DsarDecide => dsar::decide(ctx, &req, id).await,
            Route::Legal(which) => {
                let session = medportal_auth::authenticate(ctx, &req).await?;
                let page = medportal_web::page_context(ctx, info, req.uri().query().unwrap_or(""), session.as_ref());
                Ok(medportal_web::html(StatusCode::OK, pages::legal(&page, which)))
            }
            Route::Stylesheet => Ok(stylesheet()),
        }
    }

    /// Checkpoints, and the steps of decided erasures left unfinished (also taken on the
    /// officers' queue, for hosts without a scheduler).
    async fn scheduled<P: Platform>(ctx: &Ctx<'_, P>) -> Result<()> {
        for region in medportal_core::Region::all() {
            if let Err(e) = erasure::finish_pending(ctx, region).await {
                ctx.log(medportal_core::ports::LogLevel::Error, &format!("erasure steps db_{}: {e}", region.code()));
            }
        }
        log::checkpoint_all(ctx, false).await
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }
}

/// The stylesheet, content-hashed in its URL and therefore cached forever.
fn stylesheet() -> Response {
    let mut resp = medportal_core::web::bytes(StatusCode::OK, "text/css; charset=utf-8", CSS.as_bytes().to_vec());
    resp.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("public, max-age=31536000, immutable"));
    resp
}

#[cfg(test)]
mod tests;
