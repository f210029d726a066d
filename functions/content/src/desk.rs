//! The staff workspaces' deployable, `content-desk`: authoring (with file uploads and their
//! removal), review and signing, governance. Its own Worker / Spin component (the entries are
//! in `functions/content-desk`), so the content Worker every reader hits links none of it and
//! holds neither the scanner's token nor the file upload path. The handlers are `staff`'s; the
//! rules and the SQL are the library modules' (this crate), shared with the reader side.

use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::paths::content as paths;

use crate::{live, model, staff};

pub struct ContentDesk;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Author,
    AuthorCreate,
    AuthorItem,
    AuthorSave,
    AuthorSubmit,
    AuthorPublish,
    AuthorWithdraw,
    AuthorFiles,
    AuthorFilesRemove,
    AuthorFilesRescan,
    AuthorSeries,
    AuthorSeriesRemove,
    Review,
    ReviewItem,
    ReviewSendBack,
    ReviewSign,
    Governance,
}

impl App for ContentDesk {
    type Route = Route;
    const FUNCTION: Function = Function::ContentDesk;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            RoutesBuilder::new()
                .get(paths::AUTHOR, Route::Author)
                .post(paths::AUTHOR, Route::AuthorCreate)
                .get(paths::AUTHOR_ITEM, Route::AuthorItem)
                .post(paths::AUTHOR_ITEM, Route::AuthorSave)
                .post(paths::AUTHOR_SUBMIT, Route::AuthorSubmit)
                .post(paths::AUTHOR_PUBLISH, Route::AuthorPublish)
                .post(paths::AUTHOR_WITHDRAW, Route::AuthorWithdraw)
                .post(paths::AUTHOR_FILES, Route::AuthorFiles)
                .post(paths::AUTHOR_FILES_REMOVE, Route::AuthorFilesRemove)
                .post(paths::AUTHOR_FILES_RESCAN, Route::AuthorFilesRescan)
                .post(paths::AUTHOR_SERIES, Route::AuthorSeries)
                .post(paths::AUTHOR_SERIES_REMOVE, Route::AuthorSeriesRemove)
                .get(paths::REVIEW, Route::Review)
                .get(paths::REVIEW_ITEM, Route::ReviewItem)
                .post(paths::REVIEW_ITEM, Route::ReviewSendBack)
                .post(paths::REVIEW_SIGN, Route::ReviewSign)
                .get(paths::GOVERNANCE, Route::Governance)
                .build()
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
            Route::Author => staff::author_list(ctx, info, &req).await,
            Route::AuthorCreate => staff::author_create(ctx, info, &req).await,
            Route::AuthorItem => staff::author_item(ctx, info, &req, id).await,
            Route::AuthorSave => staff::author_save(ctx, info, &req, id).await,
            Route::AuthorSubmit => staff::author_submit(ctx, &req, id).await,
            Route::AuthorPublish => staff::author_publish(ctx, &req, id).await,
            Route::AuthorWithdraw => staff::author_withdraw(ctx, &req, id).await,
            Route::AuthorFiles => staff::author_attach(ctx, info, &req, id).await,
            Route::AuthorFilesRemove => staff::author_remove_file(ctx, &req, id).await,
            Route::AuthorFilesRescan => staff::author_rescan(ctx, &req, id).await,
            Route::AuthorSeries => staff::author_series(ctx, info, &req, id).await,
            Route::AuthorSeriesRemove => staff::author_series_remove(ctx, &req, id).await,
            Route::Review => staff::review_queue(ctx, info, &req).await,
            Route::ReviewItem => staff::review_page(ctx, info, &req, id).await,
            Route::ReviewSendBack => staff::review_send_back(ctx, &req, id).await,
            Route::ReviewSign => staff::review_sign(ctx, &req, id).await,
            Route::Governance => staff::governance(ctx, info, &req).await,
        };
        // This isolate's reader side (the native host serves both) reads the library again;
        // the content Worker's isolates see the change through the library's generation.
        live::forget_after(req.method());
        resp
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }
}
