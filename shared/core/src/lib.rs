//! medportal core: domain types, ports, errors, config, regions, routing and HTTP helpers.
//! Runtime-independent: no Workers or Spin types appear here.

pub mod app;
pub mod audit;
pub mod common;
pub mod config;
pub mod error;
pub mod functions;
pub mod platform;
pub mod policy;
pub mod ports;
pub mod region;
pub mod render;
pub mod router;
pub mod security;
pub mod web;

pub use app::{App, serve};
pub use config::Config;
pub use error::{Error, Result};
pub use functions::{Function, StoreKind, StoreName};
pub use platform::{Ctx, KvBlobStore, Platform};
pub use region::{InRegion, Region};
pub use web::{Request, RequestInfo, Response};

use ports::{Log, LogLevel};

/// Turns a handler result into the final response: errors become an HTML page or a JSON
/// error with a stable code (internal detail goes to the log only), and every response gets
/// the security headers.
pub fn finish(log: &dyn Log, config: &Config, info: &RequestInfo, result: Result<Response>) -> Response {
    let resp = match result {
        Ok(resp) => resp,
        Err(err) => error_response(log, config, info, &err),
    };
    web::secure(resp, info)
}

/// The response for an error, negotiated between JSON and HTML.
pub fn error_response(log: &dyn Log, config: &Config, info: &RequestInfo, err: &Error) -> Response {
    if err.is_internal() {
        log.log(LogLevel::Error, &format!("{} {} -> {}: {err}", info.method, info.path, err.status()));
    }
    let api = info.wants_json
        || info.path.starts_with("/health/")
        || (info.path.starts_with("/dev/") && info.path.contains("/probe/"))
        || info.path.ends_with("/suggest");
    let mut resp = if api { web::error_json(err) } else { render::error_page(config, info, err) };
    let headers = resp.headers_mut();
    match err {
        Error::MethodNotAllowed { allow } => {
            if let Ok(v) = http::HeaderValue::from_str(allow) {
                headers.insert(http::header::ALLOW, v);
            }
        }
        Error::RateLimited { retry_after_secs } => {
            headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from(*retry_after_secs));
        }
        _ => {}
    }
    resp
}

/// The body limit: `serve` applies it to the body read; adapters apply it to a declared
/// Content-Length so they need not read an oversized body at all.
pub fn check_body_size(config: &Config, len: usize) -> Result<()> {
    if len > config.max_body_bytes {
        Err(Error::PayloadTooLarge { limit: config.max_body_bytes })
    } else {
        Ok(())
    }
}
