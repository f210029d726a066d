//! Content function: the governed medical library (items in families of translations,
//! immutable versions, MLR review with electronic signatures, publication per market,
//! expiry and withdrawal), its reader pages (home, library, item, versions, diff, saved
//! items, series) and file downloads. It is the catch-all route, so it also answers unknown
//! paths (404). The staff workspaces (authoring with file uploads, review and signing,
//! governance) deploy as their own Worker / Spin component, `content-desk` (the `desk` module,
//! built from this crate by `functions/content-desk`), so the Worker every reader hits carries
//! neither their code nor the scanner's token, and both stay within the size budget. The stylesheet and the legal pages are the audit function's (static,
//! and the content Worker's size budget is better spent on the library).
//!
//! | module | owns |
//! |---|---|
//! | `model` | the typed codes (content type, state, market, discipline, decision, meaning) |
//! | `item` | `library_families`, `library_items` |
//! | `version` | `library_versions` (immutable; SHA-256 of the canonical serialisation) |
//! | `workflow` | `library_reviews` (submit, reject, request changes) |
//! | `signature` | `library_signatures` (Part 11 signatures, approval by three disciplines) |
//! | `publication` | `library_publications`, `library_outbox` (publish, withdraw, expire) |
//! | `markup`, `diff` | the medmark parser and the version diff |
//! | `visibility`, `library` | who sees what; the reader pages |
//! | `live` | the per-isolate cache of what is live and of published versions (reads only) |
//! | `indexing` | the outbox consumer: pending index events to search's indexing entry point |
//! | `staff` | the staff workspaces' handlers (authoring, review and signing, governance) |
//! | `desk` | the staff workspaces' deployable (`content-desk`): their routes, its own Worker / Spin component |
//! | `series` | `library_series`, `library_series_items` (series and their parts) |
//! | `engagement` | regional `reader_visits`, `reader_views`, `reader_coviews`, `reader_progress` |
//! | `saved` | regional `reader_saved` |
//! | `personal` | no table: runs the owners' personal reads of one page as one query |
//! | `reader` | the reader's own pages and sections (new since the last visit, continue, saved, related, series) |
//! | `files` | `library_files` and their bytes in the blob store: type, size, scan port |
//! | `download` | `/files/{id}`: a clean file to those who may read its item |
//! | `import` | development builds: the demo library through the use cases |

mod desk;
mod diff;
mod download;
mod engagement;
mod entry;
mod files;
#[cfg(any(test, feature = "dev"))]
mod import;
mod indexing;
mod item;
mod library;
mod live;
mod markup;
mod model;
mod personal;
mod publication;
mod reader;
mod saved;
mod series;
mod signature;
mod staff;
mod version;
mod visibility;
mod workflow;

use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::paths::content as paths;

pub struct Content;

pub use desk::ContentDesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Home,
    Library,
    Item,
    Versions,
    Diff,
    File,
    LibraryRoot,
    LibraryArea,
    Saved,
    SavedChange,
    Series,
    Progress,
    #[cfg(any(test, feature = "dev"))]
    Import,
}

impl App for Content {
    type Route = Route;
    const FUNCTION: Function = Function::Content;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            let b = RoutesBuilder::new()
                .get(paths::HOME, Route::Home)
                .get(paths::LIBRARY, Route::Library)
                .get(paths::ITEM, Route::Item)
                .get(paths::VERSIONS, Route::Versions)
                .get(paths::DIFF, Route::Diff)
                .get(paths::FILE, Route::File)
                .get(paths::LIBRARY_ROOT, Route::LibraryRoot)
                .get(paths::LIBRARY_AREA, Route::LibraryArea)
                .get(paths::SAVED, Route::Saved)
                .post(paths::SAVED, Route::SavedChange)
                .get(paths::SERIES, Route::Series)
                .post(paths::PROGRESS, Route::Progress);
            #[cfg(any(test, feature = "dev"))]
            let b = b.api(paths::DEV_IMPORT, &[http::Method::POST], Route::Import);
            b.build()
        })
    }

    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: Route,
        params: Params,
        req: Request,
    ) -> Result<Response> {
        let id = model::route_id(&params);
        let resp = match route {
            // Public and cached: no session lookup.
            #[cfg(any(test, feature = "dev"))]
            Route::Import => import::import(ctx, &req).await,
            Route::File => download::file(ctx, &req, id).await,
            Route::Saved => reader::saved_page(ctx, info, &req).await,
            Route::SavedChange => reader::saved_change(ctx, &req).await,
            Route::Progress => reader::complete(ctx, &req, params.get("slug").unwrap_or("")).await,
            Route::Home | Route::Library | Route::LibraryRoot | Route::LibraryArea | Route::Series | Route::Item | Route::Versions | Route::Diff => {
                reader(ctx, info, route, &params, &req).await
            }
        };
        // Whatever it changed, this isolate's next reader request reads the library again.
        live::forget_after(req.method());
        resp
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }
}

/// The reader pages: upkeep (at most every few minutes per isolate), the session and the
/// viewer's market, then the page.
async fn reader<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, route: Route, params: &Params, req: &Request) -> Result<Response> {
    indexing::upkeep(ctx, req).await;
    let query = req.uri().query().unwrap_or("").to_owned();
    let session = medportal_auth::authenticate(ctx, req).await?;
    let page = || medportal_web::page_context(ctx, info, &query, session.as_ref());
    let viewer = visibility::Viewer::of(ctx, session.as_ref(), req).await?;
    let slug = params.get("slug").unwrap_or("");
    match route {
        Route::Home => reader::home(ctx, &page(), &viewer, session.as_ref()).await,
        // One call for the three library routes (one copy of its future); only `/library/{area}` has an area.
        Route::Library | Route::LibraryRoot | Route::LibraryArea => {
            library::list(ctx, &page(), req, &viewer, params.get("area").filter(|_| route == Route::LibraryArea)).await
        }
        Route::Series => reader::series_page(ctx, &page(), params.get("id").unwrap_or(""), &viewer, session.as_ref()).await,
        Route::Item => reader::item(ctx, &page(), slug, &viewer, session.as_ref()).await,
        Route::Versions => library::versions(ctx, &page(), slug, &viewer).await,
        Route::Diff => library::diff(ctx, &page(), slug, params.get("a").unwrap_or(""), params.get("b").unwrap_or(""), &viewer).await,
        _ => Err(Error::NotFound),
    }
}

#[cfg(test)]
mod tests;
