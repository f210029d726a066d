//! Step-up re-authentication: a signed-in staff member confirms a fresh TOTP code for one
//! purpose (`sign:<version sha256>:<meaning>:<discipline>`: an electronic signature in
//! content, 21 CFR Part 11 §11.200), and gets a short-lived, purpose-bound step-up assertion
//! (the auth crate's step_up module) to hand to the function that asked. The code's time step
//! is claimed atomically (one code is never accepted twice, here or at sign-in); attempts are
//! rate-limited per person; every attempt is audited in the person's home region.

use medportal_auth::step_up::{self, Assertion};
use medportal_auth::{KeySet, Session};
use medportal_core::{Ctx, Platform, Result};
use medportal_templates::Msg;

use crate::events;
use crate::rate_limit;
use crate::totp;
use crate::users;


/// A purpose: `sign:` then lower-case letters, digits, `:`, `_`, `-` (at most 200 bytes).
pub fn valid_purpose(p: &str) -> bool {
    p.len() <= 200 && p.starts_with("sign:") && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b':' | b'_' | b'-'))
}

pub enum StepUp {
    /// Wrong (or already used) code, or too many attempts (seconds to wait).
    Refused(Msg, Option<u64>),
    /// The assertion.
    Confirmed(String),
}

/// Checks `code` for the session's person and, when it is right and unused, issues the
/// assertion for `purpose` (valid for at most five minutes).
pub async fn confirm<P: Platform>(ctx: &Ctx<'_, P>, session: &Session, code: &str, purpose: &str) -> Result<StepUp> {
    let (uid, region) = (session.user_id(), session.region);
    if let Some(wait) = rate_limit::first_exceeded(ctx, &[(&rate_limit::STEP_UP, uid)]).await? {
        return Ok(StepUp::Refused(Msg::StepUpTooMany, Some(wait)));
    }
    let user = users::find_active(ctx, region, uid).await?;
    let now = ctx.now().unix_timestamp();
    let secret = user.totp_secret.as_deref().and_then(totp::base32_decode);
    let step = secret.as_deref().and_then(|s| totp::check(s, code, now, user.totp_last_step));
    let claimed = match step {
        Some(step) => users::claim_totp_step(ctx, region, uid, step).await?,
        None => false,
    };
    if !claimed {
        let why = if step.is_some() { "replayed_code" } else { "wrong_code" };
        events::commit(ctx, region, vec![], &[events::failure(uid, "session.step_up", uid, Some(why))]).await?;
        return Ok(StepUp::Refused(Msg::IdentityTotpWrong, None));
    }
    let keys = KeySet::cached(ctx.config)?;
    let a = Assertion {
        id: ctx.random_id()?,
        sub: uid.to_owned(),
        rgn: region.code().to_owned(),
        name: user.name.clone(),
        purpose: purpose.to_owned(),
        exp: now + step_up::MAX_LIFETIME_SECS,
    };
    let token = step_up::issue(ctx.signatures(), &keys, &a).await?;
    let why = format!("purpose={purpose}; assertion={}", a.id);
    events::commit(ctx, region, vec![], &[events::success(uid, "session.step_up", uid, Some(&why))]).await?;
    Ok(StepUp::Confirmed(token))
}
