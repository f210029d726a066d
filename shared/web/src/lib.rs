//! The functions' shared web layer: what every page-serving handler needs between core
//! (requests, errors, no HTML), sessions (`medportal-auth`) and the templates.
//!
//! * [`page_context`]: the one layout context builder (locale, path, contact, dev banner, the
//!   signed-in person and their CSRF token for the sign-out form);
//! * [`html`], [`with_cookies`]: HTML responses;
//! * [`error_page`]: the HTML error page every function hands core through
//!   `App::error_page`.

use http::{HeaderValue, StatusCode, header};
use medportal_auth::Session;
use medportal_core::web::{self, RequestInfo, Response};
use medportal_core::{Config, Ctx, Error, Platform};
use medportal_templates::{Markup, MedicalContact, Msg, PageContext, UserInfo, pages, t};

/// The layout context for a page, with the signed-in person (if any) in the header and the
/// session's CSRF token for the sign-out form. Every function renders pages through this.
pub fn page_context<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, query: &str, session: Option<&Session>) -> PageContext {
    let mut page = base_context(ctx.config, info, query);
    if let Some(s) = session {
        let role = if s.is_staff() {
            Msg::IdentityRoleStaff
        } else if s.verified() {
            Msg::IdentityRoleVerifiedHcp
        } else {
            Msg::IdentityRoleHcp
        };
        page.user = Some(UserInfo { display_name: s.claims.name.clone(), role_label: t(info.locale, role).to_owned() });
        page.csrf_token = Some(s.claims.csrf.clone());
    }
    page
}

/// The context without a person (error pages, which must render whatever failed).
fn base_context(config: &Config, info: &RequestInfo, query: &str) -> PageContext {
    let mut page = PageContext::new(info.locale, &info.path);
    page.query = query.to_owned();
    page.dev_mode = config.dev_mode;
    page.contact = MedicalContact {
        phone: config.medical_info_phone.clone(),
        email: config.medical_info_email.clone(),
    };
    page
}

/// An HTML page response.
pub fn html(status: StatusCode, markup: Markup) -> Response {
    web::html_bytes(status, markup.into_string())
}

/// Adds `Set-Cookie` headers.
pub fn with_cookies(mut resp: Response, cookies: impl IntoIterator<Item = String>) -> Response {
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

fn message(err: &Error) -> Msg {
    match err {
        Error::BadRequest { .. } | Error::UnsupportedMediaType => Msg::ErrorMsgBadRequest,
        Error::Unauthenticated => Msg::ErrorMsgUnauthorized,
        Error::Forbidden { .. } => Msg::ErrorMsgForbidden,
        Error::Csrf => Msg::ErrorMsgCsrf,
        Error::NotFound => Msg::ErrorMsgNotFound,
        Error::MethodNotAllowed { .. } => Msg::ErrorMsgMethodNotAllowed,
        Error::PayloadTooLarge { .. } => Msg::ErrorMsgTooLarge,
        Error::RateLimited { .. } => Msg::ErrorMsgRateLimited,
        Error::StoreUnavailable(_) | Error::Upstream(_) => Msg::ErrorMsgUnavailable,
        Error::Conflict { .. } => Msg::ErrorMsgConflict,
        Error::Residency { .. } | Error::Platform(_) | Error::Internal(_) => Msg::ErrorMsgInternal,
    }
}

/// The HTML error page: localised title and text, the stable code, never internal detail.
pub fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
    let page = base_context(config, info, "");
    let status = err.status();
    html(status, pages::error_page(&page, status.as_u16(), err.code(), message(err)))
}
