//! Small helpers shared by the use cases and the handlers: random tokens, hashed store keys,
//! stored timestamps as dates, an HTML answer with an optional cookie.

use medportal_web::with_cookies;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use http::StatusCode;
use medportal_core::web::Response;
use medportal_core::{Ctx, Error, Platform, Result};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// SHA-256, URL-safe base64: how tokens appear in store keys (never in clear).
pub fn hash_b64(data: &[u8]) -> String {
    B64.encode(Sha256::digest(data))
}

/// A fresh random token: 32 bytes, URL-safe base64 (43 characters).
pub fn random_token<P: Platform>(ctx: &Ctx<'_, P>) -> Result<String> {
    Ok(B64.encode(ctx.random_bytes::<32>()?))
}

/// A stored unix timestamp as a date.
pub fn time_of(unix: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(unix).map_err(Error::internal)
}

/// An HTML answer, with a `Set-Cookie` header if given.
pub fn html(status: StatusCode, markup: maud::Markup, cookie: Option<String>) -> Response {
    with_cookies(medportal_web::html(status, markup), cookie)
}
