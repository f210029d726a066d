//! Content function: home page, content library, content items, static assets and the
//! portal's legal pages. It is the catch-all route, so it also answers unknown paths (404).
//! The MLR workflow and publishing come with the content issue.

mod entry;
mod library;

use http::{HeaderValue, StatusCode, header};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::policy::Action;
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::paths::content as paths;
use medportal_templates::{CSS, CSS_PATH, pages};

pub struct Content;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
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
            RoutesBuilder::new()
                .get(paths::HOME, Route::Home)
                .get(paths::LIBRARY, Route::Library)
                .get(paths::ITEM, Route::Item)
                .get(paths::PRIVACY, Route::Legal(pages::LegalPage::Privacy))
                .get(paths::TERMS, Route::Legal(pages::LegalPage::Terms))
                .get(paths::IMPRINT, Route::Legal(pages::LegalPage::Imprint))
                .get(paths::ACCESSIBILITY, Route::Legal(pages::LegalPage::Accessibility))
                .get(CSS_PATH, Route::Stylesheet)
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
        let query = req.uri().query().unwrap_or("").to_owned();
        // Public and cached: no session lookup.
        if route == Route::Stylesheet {
            return Ok(stylesheet());
        }
        let session = medportal_auth::authenticate(ctx, &req).await?;
        let page = || medportal_web::page_context(ctx, info, &query, session.as_ref());
        match route {
            Route::Stylesheet => Err(Error::NotFound),
            Route::Home => library::home(ctx, &page()).await,
            Route::Library => library::list(ctx, &page(), &req).await,
            Route::Item => {
                let may_read = session.as_ref().is_some_and(|s| s.may(Action::ReadHcpContent));
                library::item(ctx, &page(), params.get("slug").unwrap_or(""), may_read).await
            }
            Route::Legal(which) => Ok(medportal_web::html(StatusCode::OK, pages::legal(&page(), which))),
        }
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
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
