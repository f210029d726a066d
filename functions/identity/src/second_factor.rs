//! The staff second factor: after the email link, staff accounts confirm a TOTP code (and
//! enrol an authenticator on first use) before a session exists. The pending step lives in
//! the home region's key-value store for 5 minutes, bound to the browser by a `__Host-`
//! cookie, and allows 5 attempts.

use crate::events;
use crate::session;
use crate::support::{hash_b64, random_token};
use crate::totp;
use crate::users::{self, User};
use medportal_core::web::{self, Request};
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::Msg;
use medportal_templates::pages::identity::SecondFactorView;

const COOKIE: &str = "__Host-mp_2fa";
const STEP_SECS: i64 = 5 * 60;
const MAX_ATTEMPTS: u32 = 5;

#[derive(serde::Serialize, serde::Deserialize)]
struct Pending {
    uid: String,
    exp: i64,
    attempts: u32,
    /// A new secret being enrolled (base32), when the account has none yet.
    enrol: Option<String>,
}

fn key(token: &str) -> String {
    format!("mfa/{}", hash_b64(token.as_bytes()))
}

/// Starts the second-factor step for a staff account whose email link was just confirmed;
/// returns the cookie binding the step to the browser.
pub async fn begin<P: Platform>(ctx: &Ctx<'_, P>, user: &User) -> Result<String> {
    let now = ctx.now().unix_timestamp();
    let token = random_token(ctx)?;
    let enrol = match &user.totp_secret {
        Some(_) => None,
        None => Some(totp::base32_encode(&ctx.random_bytes::<{ totp::SECRET_BYTES }>()?)),
    };
    let pending = Pending { uid: user.id.clone(), exp: now + STEP_SECS, attempts: 0, enrol };
    let kv = ctx.region(user.region).kv().await?;
    kv.put(&user.region, &key(&token), &serde_json::to_vec(&pending).map_err(Error::internal)?, Some(now + STEP_SECS)).await?;
    let entry = events::success(&user.id, "session.first_factor", &user.id, Some("email_link"));
    events::commit(ctx, user.region, Vec::new(), &[entry]).await?;
    Ok(format!("{COOKIE}={}.{token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={STEP_SECS}", user.region.code()))
}

/// The pending step of this browser, if any and not expired.
async fn pending<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Option<(Region, String, Pending)>> {
    let Some(raw) = web::cookie(req, COOKIE) else { return Ok(None) };
    let Some((region, token)) = raw.split_once('.') else { return Ok(None) };
    let Some(region) = Region::from_code(region) else { return Ok(None) };
    if token.len() != 43 {
        return Ok(None);
    }
    let kv = ctx.region(region).kv().await?;
    let Some(bytes) = kv.get(&key(token)).await? else { return Ok(None) };
    let Ok(p) = serde_json::from_slice::<Pending>(&bytes) else { return Ok(None) };
    if p.exp < ctx.now().unix_timestamp() {
        return Ok(None);
    }
    Ok(Some((region, token.to_owned(), p)))
}

/// Ends the step in the browser.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// A step waiting for its code: the person and how far they are.
pub struct Step {
    user: User,
    pending: Pending,
}

impl Step {
    /// The code form (with the enrolment secret on first use).
    pub fn view(&self, csrf: String, error: Option<Msg>) -> SecondFactorView {
        let p = &self.pending;
        SecondFactorView {
            csrf,
            enrol_secret: p.enrol.clone(),
            otpauth: p.enrol.as_ref().map(|s| totp::otpauth_uri("medportal", &self.user.email, s)),
            error,
            attempts_left: MAX_ATTEMPTS.saturating_sub(p.attempts),
        }
    }
}

/// The step of this browser, for the code form (`None`: no step, or expired).
pub async fn prompt<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Option<Step>> {
    let Some((region, _, pending)) = pending(ctx, req).await? else { return Ok(None) };
    let user = users::find_active(ctx, region, &pending.uid).await?;
    Ok(Some(Step { user, pending }))
}

/// The result of a submitted code.
pub enum Confirmed {
    /// No (more) step: start signing in again.
    Invalid,
    /// Wrong code; attempts are left.
    Wrong(Box<Step>),
    /// Signed in: the session cookie.
    Session(String),
}

/// Checks a submitted code (every attempt counts, a code is accepted once); on success the
/// step ends, an enrolment is confirmed and the session opens (audited).
pub async fn confirm<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, code: &str) -> Result<Confirmed> {
    let Some((region, token, mut p)) = pending(ctx, req).await? else { return Ok(Confirmed::Invalid) };
    let kv = ctx.region(region).kv().await?;
    let now = ctx.now().unix_timestamp();
    let Some(user) = users::find(ctx, region, &p.uid).await?.filter(|u| u.active) else {
        kv.delete(&region, &key(&token)).await?;
        return Ok(Confirmed::Invalid);
    };
    // Count the attempt before checking it.
    p.attempts += 1;
    if p.attempts > MAX_ATTEMPTS {
        kv.delete(&region, &key(&token)).await?;
        return Ok(Confirmed::Invalid);
    }
    kv.put(&region, &key(&token), &serde_json::to_vec(&p).map_err(Error::internal)?, Some(p.exp)).await?;
    let secret_b32 = p.enrol.clone().or_else(|| user.totp_secret.clone());
    let secret = secret_b32.as_deref().and_then(totp::base32_decode);
    let Some(step) = secret.as_deref().and_then(|s| totp::check(s, code, now, user.totp_last_step)) else {
        let entry = events::failure(&user.id, "session.second_factor", &user.id, Some("wrong_code"));
        events::commit(ctx, region, vec![events::funnel(ctx, &user.id, "login_failed")?], &[entry]).await?;
        if p.attempts >= MAX_ATTEMPTS {
            kv.delete(&region, &key(&token)).await?;
            return Ok(Confirmed::Invalid);
        }
        return Ok(Confirmed::Wrong(Box::new(Step { user, pending: p })));
    };
    // Single use: the step is gone before the session exists.
    kv.delete(&region, &key(&token)).await?;
    let stmts = vec![users::confirm_second_factor(&user.id, p.enrol.as_deref(), step), events::funnel(ctx, &user.id, "login_succeeded")?];
    let mut entries = Vec::with_capacity(2);
    if p.enrol.is_some() {
        entries.push(events::success(&user.id, "mfa.enrolled", &user.id, Some("totp")));
    }
    entries.push(events::success(&user.id, "session.login", &user.id, Some("email_link+totp")));
    events::commit(ctx, region, stmts, &entries).await?;
    Ok(Confirmed::Session(session::open(ctx, &user, true).await?))
}
