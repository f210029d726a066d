//! The one error type. Every failure maps to an HTTP status and a stable machine code;
//! the user-facing text never contains internal detail (that goes to logs only).

use http::StatusCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    /// Input the client can fix. `code` is stable (e.g. `invalid_json`); `message` is safe to show.
    #[error("bad request: {code}")]
    BadRequest { code: &'static str, message: String },
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden: {code}")]
    Forbidden { code: &'static str },
    #[error("csrf check failed")]
    Csrf,
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    #[error("conflict: {code}")]
    Conflict { code: &'static str },
    /// A store this function was not granted, or one the runtime does not provide.
    #[error("store not available: {0}")]
    StoreUnavailable(String),
    /// An external service (registry, verification provider) could not be used. The detail is
    /// for logs only.
    #[error("upstream: {0}")]
    Upstream(String),
    /// An attempt to write data of one region into another region's store. A bug by definition.
    #[error("residency violation: {data} data into {store} store")]
    Residency { data: &'static str, store: &'static str },
    /// A platform (binding, SDK) failure. The detail is for logs only.
    #[error("platform: {0}")]
    Platform(String),
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Error::BadRequest { code, message: message.into() }
    }
    pub fn platform(detail: impl std::fmt::Display) -> Self {
        Error::Platform(detail.to_string())
    }
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Error::Internal(detail.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Error::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Unauthenticated => StatusCode::UNAUTHORIZED,
            Error::Forbidden { .. } | Error::Csrf => StatusCode::FORBIDDEN,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::StoreUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Upstream(_) => StatusCode::BAD_GATEWAY,
            Error::Residency { .. } | Error::Platform(_) | Error::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// Stable machine-readable code, part of the public API.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound => "not_found",
            Error::MethodNotAllowed { .. } => "method_not_allowed",
            Error::BadRequest { code, .. } => code,
            Error::PayloadTooLarge { .. } => "payload_too_large",
            Error::UnsupportedMediaType => "unsupported_media_type",
            Error::Unauthenticated => "unauthenticated",
            Error::Forbidden { code } => code,
            Error::Csrf => "csrf_failed",
            Error::RateLimited { .. } => "rate_limited",
            Error::Conflict { code } => code,
            Error::StoreUnavailable(_) => "store_unavailable",
            Error::Upstream(_) => "upstream_unavailable",
            Error::Residency { .. } | Error::Platform(_) | Error::Internal(_) => "internal_error",
        }
    }

    /// Whether the detail must stay out of the response (logged instead).
    pub fn is_internal(&self) -> bool {
        self.status().is_server_error()
    }

    /// The message shown to the client: safe, short, English (pages localise by code).
    pub fn public_message(&self) -> String {
        match self {
            Error::BadRequest { message, .. } => message.clone(),
            Error::PayloadTooLarge { limit } => format!("The request body exceeds {limit} bytes."),
            Error::NotFound => "The requested resource does not exist.".into(),
            Error::MethodNotAllowed { .. } => "This method is not allowed here.".into(),
            Error::UnsupportedMediaType => "This content type is not accepted here.".into(),
            Error::Unauthenticated => "Please sign in.".into(),
            Error::Forbidden { .. } => "You do not have access to this resource.".into(),
            Error::Csrf => "The form has expired or did not come from this site. Please try again.".into(),
            Error::RateLimited { .. } => "Too many requests. Please wait and try again.".into(),
            Error::Conflict { .. } => "The request conflicts with the current state.".into(),
            Error::StoreUnavailable(_) => "The service is temporarily unavailable.".into(),
            Error::Upstream(_) => "An external service could not be reached. Please try again later.".into(),
            Error::Residency { .. } | Error::Platform(_) | Error::Internal(_) => {
                "Something went wrong on our side. Please try again later.".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_expose_detail() {
        for e in [
            Error::internal("db password=hunter2"),
            Error::platform("D1_ERROR: no such table users"),
            Error::Residency { data: "eu", store: "us" },
        ] {
            assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(e.code(), "internal_error");
            let msg = e.public_message();
            assert!(!msg.contains("hunter2") && !msg.contains("D1") && !msg.contains("us"));
        }
    }

    #[test]
    fn client_errors_keep_stable_codes() {
        assert_eq!(Error::bad_request("invalid_json", "x").code(), "invalid_json");
        assert_eq!(Error::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(Error::Csrf.status(), StatusCode::FORBIDDEN);
        assert_eq!(Error::Csrf.code(), "csrf_failed");
        assert_eq!(
            Error::MethodNotAllowed { allow: "GET".into() }.status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
    }
}
