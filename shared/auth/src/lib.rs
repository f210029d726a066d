//! medportal sessions, shared by every function.
//!
//! * [`authenticate`] / [`require`]: one call turns a request into a verified, unrevoked
//!   [`Session`] (or refuses it) and authorises an [`Action`] against the policy table in core.
//! * [`token`]: EdDSA session tokens (jwt-compact); [`keys`]: the configured key set by `kid`.
//! * [`csrf`]: CSRF tokens bound to the session (or, before sign-in, to a `__Host-` cookie)
//!   plus Origin / Sec-Fetch-Site checks.
//! * Revocation: a per-region denylist in the region's key-value store ([`revoke`]).

#[cfg(feature = "bench")]
pub mod bench;
// base64url lives in core (the Workers adapter decodes JWKs with it too)
pub use medportal_core::b64;
pub mod csrf;
mod json;
pub mod keys;
pub mod step_up;
#[cfg(feature = "testing")]
pub mod testing;
pub mod token;

pub use keys::KeySet;
pub use token::{Reject, Session, SessionClaims};

use medportal_core::policy::Action;
use medportal_core::web::{self, Form, Request};
use medportal_core::{Ctx, Error, Platform, Region, Result};

/// The session cookie (`__Host-`: Secure, Path=/, no Domain — cannot be set by subdomains).
pub const SESSION_COOKIE: &str = "__Host-mp_session";

fn deny_session_key(jti: &str) -> String {
    format!("deny/s/{jti}")
}
fn deny_user_key(sub: &str) -> String {
    format!("deny/u/{sub}")
}

/// The verified, unrevoked session of a request, if any. Invalid, expired, forged or revoked
/// tokens are simply "not signed in" (the reason is never shown to the client).
pub async fn authenticate<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Option<Session>> {
    let Some(raw) = web::cookie(req, SESSION_COOKIE) else { return Ok(None) };
    let keys = KeySet::cached(ctx.config)?;
    let Ok(session) = token::verify(ctx.signatures(), &keys, &raw, ctx.now()).await else { return Ok(None) };
    if is_revoked(ctx, &session).await? {
        return Ok(None);
    }
    Ok(Some(session))
}

/// The session, authorised for `action`: 401 when not signed in, 403 when not allowed.
pub async fn require<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, action: Action) -> Result<Session> {
    let session = authenticate(ctx, req).await?.ok_or(Error::Unauthenticated)?;
    if session.may(action) { Ok(session) } else { Err(Error::Forbidden { code: "not_permitted" }) }
}

/// A state-changing form: parsed and CSRF-checked (origin headers + token) for the request's
/// session, if any, before anything is read from or written to a store.
pub async fn checked_form<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<(Form, Option<Session>)> {
    let form = web::form(req)?;
    let session = authenticate(ctx, req).await?;
    csrf::check(ctx.config, req, &form, session.as_ref())?;
    Ok((form, session))
}

/// A CSRF-checked form from a session authorised for `action`: 401 when not signed in, 403
/// when not allowed.
pub async fn require_form<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, action: Action) -> Result<(Form, Session)> {
    let (form, session) = checked_form(ctx, req).await?;
    let session = session.ok_or(Error::Unauthenticated)?;
    if session.may(action) { Ok((form, session)) } else { Err(Error::Forbidden { code: "not_permitted" }) }
}

/// Whether the session was revoked (logout) or its account disabled since it was issued.
pub async fn is_revoked<P: Platform>(ctx: &Ctx<'_, P>, session: &Session) -> Result<bool> {
    let kv = ctx.region(session.region).kv().await?;
    if kv.get(&deny_session_key(&session.claims.jti)).await?.is_some() {
        return Ok(true);
    }
    match kv.get(&deny_user_key(&session.claims.sub)).await? {
        Some(v) => {
            let since: i64 = std::str::from_utf8(&v).ok().and_then(|s| s.parse().ok()).unwrap_or(i64::MAX);
            Ok(session.claims.auth_time <= since)
        }
        None => Ok(false),
    }
}

/// Revokes one session (logout): its id is denied until the session could have expired.
pub async fn revoke<P: Platform>(ctx: &Ctx<'_, P>, session: &Session) -> Result<()> {
    let kv = ctx.region(session.region).kv().await?;
    let until = session.claims.auth_time + token::ABSOLUTE_SECS + token::LEEWAY_SECS;
    kv.put(&session.region, &deny_session_key(&session.claims.jti), until.to_string().as_bytes(), Some(until)).await
}

/// Revokes every session of a person signed in at or before now (account disabled, roles
/// changed).
pub async fn revoke_user<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str) -> Result<()> {
    let kv = ctx.region(region).kv().await?;
    let now = ctx.now().unix_timestamp();
    kv.put(&region, &deny_user_key(user_id), now.to_string().as_bytes(), None).await
}

/// [`revoke_user`] for an erased person: the revocation names only their id and expires once
/// every token they could hold has (nothing of them is kept longer than needed).
pub async fn revoke_user_until_expiry<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str) -> Result<()> {
    let kv = ctx.region(region).kv().await?;
    let now = ctx.now().unix_timestamp();
    let until = now + token::ABSOLUTE_SECS + token::LEEWAY_SECS;
    kv.put(&region, &deny_user_key(user_id), now.to_string().as_bytes(), Some(until)).await
}

/// `Set-Cookie` value carrying a session token.
pub fn session_cookie(token: &str, expires_at: i64, now: i64) -> String {
    let max_age = (expires_at - now).max(0);
    format!("{SESSION_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age}")
}

/// `Set-Cookie` value removing the session cookie.
pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
}

#[cfg(test)]
mod tests;
