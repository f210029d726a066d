//! Glue between requests and the templates crate: the page context and the error page.

use crate::config::Config;
use crate::error::Error;
use crate::web::{self, RequestInfo, Response};
use medportal_templates::{MedicalContact, Msg, PageContext, pages};

/// The layout context for a request (anonymous until the identity issue adds sessions).
pub fn page_context(config: &Config, info: &RequestInfo, query: &str) -> PageContext {
    let mut ctx = PageContext::new(info.locale, &info.path);
    ctx.query = query.to_owned();
    ctx.dev_mode = config.dev_mode;
    ctx.contact = MedicalContact {
        phone: config.medical_info_phone.clone(),
        email: config.medical_info_email.clone(),
    };
    ctx
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
        Error::Conflict { .. } => Msg::ErrorMsgBadRequest,
        Error::Residency { .. } | Error::Platform(_) | Error::Internal(_) => Msg::ErrorMsgInternal,
    }
}

/// The HTML error page: localised title and text, the stable code, never internal detail.
pub fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
    let ctx = page_context(config, info, "");
    let status = err.status();
    web::html(status, pages::error_page(&ctx, status.as_u16(), err.code(), message(err)))
}
