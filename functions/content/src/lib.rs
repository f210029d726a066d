//! Content function: home page, content library, content items, static assets and the
//! portal's legal pages. It is the catch-all route, so it also answers unknown paths (404).
//! The MLR workflow and publishing come with the content issue.

mod entry;
mod library;

use http::{HeaderValue, StatusCode, header};
use medportal_core::common::{self, Common};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::policy::Action;
use medportal_core::{App, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::{CSS, CSS_PATH, pages};

pub struct Content;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Common(Common),
    Home,
    Library,
    Item,
    Legal(pages::LegalPage),
    Stylesheet,
}

impl App for Content {
    type Route = Route;
    const FUNCTION: Function = Function::Content;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            let b = RoutesBuilder::new()
                .get("/", Route::Home)
                .get("/content", Route::Library)
                .get("/content/{slug}", Route::Item)
                .get("/privacy", Route::Legal(pages::LegalPage::Privacy))
                .get("/terms", Route::Legal(pages::LegalPage::Terms))
                .get("/imprint", Route::Legal(pages::LegalPage::Imprint))
                .get("/accessibility", Route::Legal(pages::LegalPage::Accessibility))
                .get(CSS_PATH, Route::Stylesheet);
            common::routes(b, Function::Content, Route::Common).build()
        })
    }

    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: Route,
        params: Params,
        req: Request,
    ) -> Result<Response> {
        let query = req.uri().query().unwrap_or("").to_owned();
        match route {
            Route::Common(c) => return common::dispatch(ctx, c, params, req).await,
            // Public and cached: no session lookup.
            Route::Stylesheet => return Ok(stylesheet()),
            _ => {}
        }
        let session = medportal_auth::authenticate(ctx, &req).await?;
        let page = || medportal_auth::page_context(ctx, info, &query, session.as_ref());
        match route {
            Route::Common(_) | Route::Stylesheet => Err(Error::NotFound),
            Route::Home => library::home(ctx, &page()).await,
            Route::Library => library::list(ctx, &page(), &req).await,
            Route::Item => {
                let may_read = session.as_ref().is_some_and(|s| s.may(Action::ReadHcpContent));
                library::item(ctx, &page(), params.get("slug").unwrap_or(""), may_read).await
            }
            Route::Legal(which) => Ok(web::html(StatusCode::OK, pages::legal(&page(), which))),
        }
    }
}

/// The stylesheet, content-hashed in its URL and therefore cached forever.
fn stylesheet() -> Response {
    let mut resp = web::bytes(StatusCode::OK, "text/css; charset=utf-8", CSS.as_bytes().to_vec());
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    resp
}


#[cfg(test)]
mod tests;
