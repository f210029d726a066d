//! CSRF protection for every state-changing request.
//!
//! Two checks, both required:
//! 1. Origin: a `Sec-Fetch-Site` other than `same-origin`/`none`, or an `Origin` other than the
//!    portal's, is refused.
//! 2. A token in the form's `csrf` field: with a session, the session's CSRF secret (carried
//!    in the signed, HttpOnly session token, so it is bound to the session and every function
//!    can check it with the public key alone); before sign-in, an HMAC of the `__Host-mp_csrf`
//!    cookie under a key derived from the signing key (never once a session exists). Compared
//!    in constant time.

use crate::keys::KeySet;
use crate::token::Session;
use crate::b64;
use hmac::{Hmac, Mac};
use http::header;
use medportal_core::security::ct_eq;
use medportal_core::web::{self, Form, Request};
use medportal_core::{Config, Ctx, Error, Platform, Result};
use sha2::Sha256;

/// The pre-session CSRF cookie.
pub const CSRF_COOKIE: &str = "__Host-mp_csrf";
/// The form field (same as `templates::paths::CSRF_FIELD`).
pub const CSRF_FIELD: &str = "csrf";

/// Refuses cross-site requests by their Fetch Metadata and Origin headers.
pub fn check_origin(config: &Config, req: &Request) -> Result<()> {
    if let Some(site) = web::header_str(req, web::SEC_FETCH_SITE) {
        if site != "same-origin" && site != "none" {
            return Err(Error::Csrf);
        }
    }
    if let Some(origin) = web::header_str(req, header::ORIGIN) {
        if !origin_matches(config, origin) {
            return Err(Error::Csrf);
        }
    }
    Ok(())
}

fn origin_matches(config: &Config, origin: &str) -> bool {
    if origin == config.public_origin {
        return true;
    }
    // Dev mode: the same scheme and host on any port (local hosts listen on random ports).
    config.dev_mode
        && origin
            .strip_prefix(config.public_origin.as_str())
            .is_some_and(|port| port.strip_prefix(':').is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
}

pub(crate) fn anon_mac(keys: &KeySet, cookie: &str) -> Option<String> {
    let key = keys.csrf_key.as_ref()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(b"anon\0");
    mac.update(cookie.as_bytes());
    Some(b64::encode(mac.finalize().into_bytes()))
}

/// The CSRF token for a form on this request, and a `Set-Cookie` value when a new pre-session
/// cookie must be set. With a session, the session's secret is used.
pub fn form_token<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, session: Option<&Session>) -> Result<(String, Option<String>)> {
    if let Some(s) = session {
        return Ok((s.claims.csrf.clone(), None));
    }
    let keys = KeySet::cached(ctx.config)?;
    if let Some(c) = web::cookie(req, CSRF_COOKIE).filter(|c| c.len() == 43) {
        if let Some(t) = anon_mac(&keys, &c) {
            return Ok((t, None));
        }
    }
    let value = b64::encode(ctx.random_bytes::<32>()?);
    let token = anon_mac(&keys, &value).ok_or_else(|| Error::internal("no CSRF key (no signing key configured)"))?;
    let cookie = format!("{CSRF_COOKIE}={value}; Path=/; Secure; HttpOnly; SameSite=Lax");
    Ok((token, Some(cookie)))
}

/// Checks a state-changing request: origin headers plus the `csrf` form field. Call it before
/// anything is written. With a session only the session's token is accepted (a pre-session
/// pair, which a cookie-tossing or pre-sign-in attacker may know, no longer counts once the
/// browser is signed in); without one, the pre-session cookie's token.
pub fn check(config: &Config, req: &Request, form: &Form, session: Option<&Session>) -> Result<()> {
    check_origin(config, req)?;
    let given = form.get(CSRF_FIELD);
    if given.is_empty() {
        return Err(Error::Csrf);
    }
    if let Some(s) = session {
        return if ct_eq(given.as_bytes(), s.claims.csrf.as_bytes()) { Ok(()) } else { Err(Error::Csrf) };
    }
    let keys = KeySet::cached(config)?;
    if let Some(expected) = web::cookie(req, CSRF_COOKIE).and_then(|c| anon_mac(&keys, &c)) {
        if ct_eq(given.as_bytes(), expected.as_bytes()) {
            return Ok(());
        }
    }
    Err(Error::Csrf)
}
