//! The staff second factor: after the email link, staff accounts confirm a TOTP code (and
//! enrol an authenticator on first use, with the enrolment code their administrator gave
//! them) before a session exists. The pending step lives in the home region's SQL database
//! (`second_factor_steps`, written only here) for 5 minutes, bound to the browser by a
//! `__Host-` cookie, and allows 5 attempts: each attempt first wins a slot with one atomic
//! `UPDATE … SET attempts = attempts + 1 WHERE … attempts < 5 RETURNING …`, and only an
//! attempt that won a slot is evaluated, so concurrent guesses cannot exceed the budget.

use crate::enrolment;
use crate::events;
use crate::session;
use crate::support::{hash_b64, random_token};
use crate::totp;
use crate::users::{self, User};
use medportal_core::ports::{Row, Statement};
use medportal_core::web::{self, Request};
use medportal_core::{Ctx, Platform, Region, Result};
use medportal_templates::Msg;
use medportal_templates::pages::identity::SecondFactorView;

const COOKIE: &str = "__Host-mp_2fa";
const STEP_SECS: i64 = 5 * 60;
const MAX_ATTEMPTS: i64 = 5;

/// A step as stored.
struct Pending {
    uid: String,
    /// A new secret being enrolled (base32), when the account has none yet.
    enrol: Option<String>,
    attempts: i64,
}

fn pending_of(r: &Row) -> Result<Pending> {
    Ok(Pending { uid: r.text(0)?, enrol: r.opt_text(1)?, attempts: r.int(2)? })
}

/// Starts the second-factor step for a staff account whose email link was just confirmed
/// (audited with the step); returns the cookie binding the step to the browser.
pub async fn begin<P: Platform>(ctx: &Ctx<'_, P>, user: &User) -> Result<String> {
    let now = ctx.now().unix_timestamp();
    let token = random_token(ctx)?;
    let enrol = match &user.totp_secret {
        Some(_) => None,
        None => Some(totp::base32_encode(&ctx.random_bytes::<{ totp::SECRET_BYTES }>()?)),
    };
    let stmts = vec![
        Statement::new("DELETE FROM second_factor_steps WHERE expires_at < ?1", vec![now.into()]),
        Statement::new(
            "INSERT INTO second_factor_steps (id, user_id, enrol_secret, attempts, expires_at) VALUES (?1, ?2, ?3, 0, ?4)",
            vec![hash_b64(token.as_bytes()).into(), user.id.as_str().into(), enrol.into(), (now + STEP_SECS).into()],
        ),
    ];
    let entry = events::success(&user.id, "session.first_factor", &user.id, Some("email_link"));
    events::commit(ctx, user.region, stmts, &[entry]).await?;
    Ok(format!("{COOKIE}={}.{token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={STEP_SECS}", user.region.code()))
}

/// The step cookie of this browser: its region and the step's id.
fn step_of(req: &Request) -> Option<(Region, String)> {
    let raw = web::cookie(req, COOKIE)?;
    let (region, token) = raw.split_once('.')?;
    let region = Region::from_code(region)?;
    (token.len() == 43).then(|| (region, hash_b64(token.as_bytes())))
}

/// Ends the step in the browser.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Ends a step in the store; whether it was still there (of two concurrent ends, one wins).
async fn end<P: Platform>(ctx: &Ctx<'_, P>, region: Region, id: &str) -> Result<bool> {
    let db = ctx.region(region).sql().await?;
    let rows = db.execute_returning(&region, "DELETE FROM second_factor_steps WHERE id = ?1 RETURNING id", &[id.into()]).await?;
    Ok(!rows.is_empty())
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
        let enrol_code_error = error.filter(|m| *m == Msg::IdentityTotpEnrolCodeWrong);
        SecondFactorView {
            csrf,
            enrol_secret: p.enrol.clone(),
            otpauth: p.enrol.as_ref().map(|s| totp::otpauth_uri("medportal", &self.user.email, s)),
            error: error.filter(|_| enrol_code_error.is_none()),
            attempts_left: MAX_ATTEMPTS.saturating_sub(p.attempts).max(0) as u32,
            enrol_code_error,
        }
    }
}

/// The step of this browser, for the code form (`None`: no step, expired, or used up).
pub async fn prompt<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Option<Step>> {
    let Some((region, id)) = step_of(req) else { return Ok(None) };
    let db = ctx.region(region).sql().await?;
    let rows = db
        .query(
            "SELECT user_id, enrol_secret, attempts FROM second_factor_steps WHERE id = ?1 AND expires_at >= ?2 AND attempts < ?3",
            &[id.into(), ctx.now().unix_timestamp().into(), MAX_ATTEMPTS.into()],
        )
        .await?;
    let Some(pending) = rows.first().map(pending_of).transpose()? else { return Ok(None) };
    let user = users::find_active(ctx, region, &pending.uid).await?;
    Ok(Some(Step { user, pending }))
}

/// The result of a submitted code.
pub enum Confirmed {
    /// No (more) step: start signing in again.
    Invalid,
    /// Wrong code (or enrolment code); attempts are left.
    Wrong(Box<Step>, Msg),
    /// Signed in: the session cookie.
    Session(String),
}

/// Checks a submitted code (and, when enrolling, the enrolment code). Every attempt first
/// takes one of the step's 5 slots atomically; an attempt without a slot is not evaluated.
/// A code is accepted once; on success the step ends, an enrolment is confirmed (its
/// enrolment code used up) and the session opens (audited).
pub async fn confirm<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, code: &str, enrol_code: &str) -> Result<Confirmed> {
    let Some((region, id)) = step_of(req) else { return Ok(Confirmed::Invalid) };
    let origin = web::client_address(req);
    let now = ctx.now().unix_timestamp();
    let db = ctx.region(region).sql().await?;
    let won = db
        .execute_returning(
            &region,
            "UPDATE second_factor_steps SET attempts = attempts + 1 WHERE id = ?1 AND attempts < ?2 AND expires_at >= ?3 \
             RETURNING user_id, enrol_secret, attempts",
            &[id.as_str().into(), MAX_ATTEMPTS.into(), now.into()],
        )
        .await?;
    let Some(p) = won.first().map(pending_of).transpose()? else {
        end(ctx, region, &id).await?;
        return Ok(Confirmed::Invalid);
    };
    let Some(user) = users::find(ctx, region, &p.uid).await?.filter(|u| u.active) else {
        end(ctx, region, &id).await?;
        return Ok(Confirmed::Invalid);
    };
    let enrolling = p.enrol.is_some();
    let secret = p.enrol.clone().or_else(|| user.totp_secret.clone());
    let secret = secret.as_deref().and_then(totp::base32_decode);
    let step = secret.as_deref().and_then(|s| totp::check(s, code, now, user.totp_last_step));
    let problem = if enrolling && !enrolment::valid(ctx, region, &user.id, enrol_code).await? {
        Some(("wrong_enrolment_code", Msg::IdentityTotpEnrolCodeWrong))
    } else if step.is_none() {
        Some(("wrong_code", Msg::IdentityTotpWrong))
    } else {
        None
    };
    let (Some(step), None) = (step, problem) else {
        let (why, msg) = problem.unwrap_or(("wrong_code", Msg::IdentityTotpWrong));
        let entry = events::from(events::failure(&user.id, "session.second_factor", &user.id, Some(why)), origin);
        events::commit(ctx, region, vec![events::funnel(ctx, &user.id, "login_failed")?], &[entry]).await?;
        if p.attempts >= MAX_ATTEMPTS {
            end(ctx, region, &id).await?;
            return Ok(Confirmed::Invalid);
        }
        return Ok(Confirmed::Wrong(Box::new(Step { user, pending: p }), msg));
    };
    finish(ctx, region, &id, &user, &p, step, enrol_code, origin).await
}

/// The accepted code's consequences, each of which a concurrent attempt can win first: the
/// step ends, an enrolment code is used up, the code's time step is claimed; only then are the
/// second factor recorded and the session opened (audited).
#[allow(clippy::too_many_arguments)]
async fn finish<P: Platform>(ctx: &Ctx<'_, P>, region: Region, id: &str, user: &User, p: &Pending, step: i64, enrol_code: &str, origin: Option<&str>) -> Result<Confirmed> {
    let enrolling = p.enrol.is_some();
    // Single use: the step is gone (and, when enrolling, the enrolment code used up) before
    // the session exists; a concurrent attempt that lost either race gets no session.
    if !end(ctx, region, id).await? || (enrolling && !enrolment::take(ctx, region, &user.id, enrol_code).await?) {
        return Ok(Confirmed::Invalid);
    }
    // The code's time step is claimed atomically: a code (or an older one) already used, here
    // or by a concurrent attempt or a step-up, opens no session.
    if !users::claim_totp_step(ctx, region, &user.id, step).await? {
        let entry = events::from(events::failure(&user.id, "session.second_factor", &user.id, Some("replayed_code")), origin);
        events::commit(ctx, region, vec![], &[entry]).await?;
        return Ok(Confirmed::Invalid);
    }
    let stmts = vec![users::confirm_second_factor(&user.id, p.enrol.as_deref(), step), events::funnel(ctx, &user.id, "login_succeeded")?];
    let mut entries = Vec::with_capacity(3);
    if enrolling {
        entries.push(events::success(&user.id, "mfa.enrolment_code_used", &user.id, None));
        entries.push(events::success(&user.id, "mfa.enrolled", &user.id, Some("totp")));
    }
    entries.push(events::from(events::success(&user.id, "session.login", &user.id, Some("email_link+totp")), origin));
    events::commit(ctx, region, stmts, &entries).await?;
    Ok(Confirmed::Session(session::open(ctx, user, true).await?))
}
