//! Sessions: signed session tokens for a person, the sliding refresh that re-reads roles and
//! status on every signed-in page, and sign-out.

use crate::events;
use crate::users::{self, User};
use crate::verification;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use medportal_auth::{KeySet, Session, SessionClaims, token};
use medportal_core::policy::Action;
use medportal_core::web::Request;
use medportal_core::{Ctx, Platform, Result};

/// Re-issue the session token (sliding idle timeout) once it is this old.
const REFRESH_AFTER_SECS: i64 = 5 * 60;

fn claims<P: Platform>(ctx: &Ctx<'_, P>, user: &User, auth_time: i64) -> Result<SessionClaims> {
    Ok(SessionClaims {
        iss: token::ISSUER.into(),
        aud: token::AUDIENCE.into(),
        sub: user.id.clone(),
        jti: ctx.random_id()?,
        rgn: user.region.code().into(),
        ctry: user.country.clone(),
        roles: user.role_codes(),
        vs: user.status.code().to_owned(),
        name: user.name.clone(),
        csrf: B64.encode(ctx.random_bytes::<24>()?),
        auth_time,
        mfa: false,
    })
}

/// Signs claims; returns the `Set-Cookie` value.
async fn mint<P: Platform>(ctx: &Ctx<'_, P>, claims: SessionClaims) -> Result<String> {
    let keys = KeySet::cached(ctx.config)?;
    let now = ctx.now();
    let (tok, exp) = token::issue(ctx.signatures(), &keys, claims, now).await?;
    Ok(medportal_auth::session_cookie(&tok, exp, now.unix_timestamp()))
}

/// A new session for the person, signed in now (`mfa`: with the second factor); its cookie.
pub async fn open<P: Platform>(ctx: &Ctx<'_, P>, user: &User, mfa: bool) -> Result<String> {
    let mut claims = claims(ctx, user, ctx.now().unix_timestamp())?;
    claims.mfa = mfa;
    mint(ctx, claims).await
}

/// The signed-in person's session and record; refreshes the token (sliding idle timeout),
/// re-reading roles and status so changes take effect. The cookie is set when refreshed.
pub async fn signed_in<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<(Session, User, Option<String>)> {
    let session = medportal_auth::require(ctx, req, Action::ViewOwnAccount).await?;
    let mut user = users::find_active(ctx, session.region, session.user_id()).await?;
    verification::expire_if_due(ctx, &mut user).await?;
    let now = ctx.now().unix_timestamp();
    let stale = now - session.issued_at >= REFRESH_AFTER_SECS || session.claims.vs != user.status.code();
    let cookie = if stale {
        let mut claims = claims(ctx, &user, session.claims.auth_time)?;
        claims.jti = session.claims.jti.clone();
        claims.csrf = session.claims.csrf.clone();
        claims.mfa = session.claims.mfa;
        Some(mint(ctx, claims).await?)
    } else {
        None
    };
    Ok((session, user, cookie))
}

/// Signs out: the session is revoked (audited).
pub async fn close<P: Platform>(ctx: &Ctx<'_, P>, session: &Session) -> Result<()> {
    medportal_auth::revoke(ctx, session).await?;
    let entry = events::success(session.user_id(), "session.logout", &session.claims.jti, None);
    events::commit(ctx, session.region, Vec::new(), &[entry]).await
}
