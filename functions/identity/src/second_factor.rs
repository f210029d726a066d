//! The staff second factor: after the email link, staff accounts confirm a TOTP code (and
//! enrol an authenticator on first use) before a session exists. The pending step lives in
//! the home region's key-value store for 5 minutes, bound to the browser by a `__Host-`
//! cookie, and allows 5 attempts.

use medportal_auth::checked_form;
use crate::flows::{field, hash_b64, html, mint, new_claims};
use crate::users::{self, User};
use crate::{page_ctx, totp, with_cookies};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use http::StatusCode;
use medportal_auth::csrf;
use medportal_core::audit::{AuditEntry, Outcome, funnel};
use medportal_core::ports::Statement;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::Msg;
use medportal_templates::pages::identity::{self as views, SecondFactorView};

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

/// Starts the second-factor step for a staff account whose email link was just confirmed.
pub async fn begin<P: Platform>(ctx: &Ctx<'_, P>, user: &User) -> Result<Response> {
    let now = ctx.now().unix_timestamp();
    let token = B64.encode(ctx.random_bytes::<32>()?);
    let enrol = match &user.totp_secret {
        Some(_) => None,
        None => Some(totp::base32_encode(&ctx.random_bytes::<{ totp::SECRET_BYTES }>()?)),
    };
    let pending = Pending { uid: user.id.clone(), exp: now + STEP_SECS, attempts: 0, enrol };
    let kv = ctx.region(user.region).kv().await?;
    kv.put(&user.region, &key(&token), &serde_json::to_vec(&pending).map_err(Error::internal)?, Some(now + STEP_SECS)).await?;
    let entry = AuditEntry { actor: &user.id, action: "session.first_factor", target: Some(&user.id), outcome: Outcome::Success, reason: Some("email_link") };
    ctx.region(user.region).sql().await?.batch(&user.region, &[entry.statement(ctx.random_id()?, now)]).await?;
    let cookie = format!("{COOKIE}={}.{token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={STEP_SECS}", user.region.code());
    Ok(with_cookies(web::redirect(views::SECOND_FACTOR), [cookie]))
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

fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

fn view(csrf: String, user: &User, p: &Pending, error: Option<Msg>) -> SecondFactorView {
    SecondFactorView {
        csrf,
        enrol_secret: p.enrol.clone(),
        otpauth: p.enrol.as_ref().map(|s| totp::otpauth_uri("medportal", &user.email, s)),
        error,
        attempts_left: MAX_ATTEMPTS.saturating_sub(p.attempts),
    }
}

pub async fn form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let page = page_ctx(ctx, info, None);
    let Some((region, _, p)) = pending(ctx, req).await? else {
        return Ok(html(StatusCode::BAD_REQUEST, views::link_invalid(&page), Some(clear_cookie())));
    };
    let user = users::find(ctx, region, &p.uid).await?.filter(|u| u.active).ok_or(Error::Unauthenticated)?;
    let (csrf, cookie) = csrf::form_token(ctx, req, None)?;
    Ok(html(StatusCode::OK, views::second_factor(&page, &view(csrf, &user, &p, None)), cookie))
}

pub async fn submit<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, _) = checked_form(ctx, req).await?;
    let page = page_ctx(ctx, info, None);
    let invalid = || html(StatusCode::BAD_REQUEST, views::link_invalid(&page), Some(clear_cookie()));
    let Some((region, token, mut p)) = pending(ctx, req).await? else { return Ok(invalid()) };
    let kv = ctx.region(region).kv().await?;
    let now = ctx.now().unix_timestamp();
    let Some(user) = users::find(ctx, region, &p.uid).await?.filter(|u| u.active) else {
        kv.delete(&region, &key(&token)).await?;
        return Ok(invalid());
    };
    // Count the attempt before checking it.
    p.attempts += 1;
    if p.attempts > MAX_ATTEMPTS {
        kv.delete(&region, &key(&token)).await?;
        return Ok(invalid());
    }
    kv.put(&region, &key(&token), &serde_json::to_vec(&p).map_err(Error::internal)?, Some(p.exp)).await?;
    let secret_b32 = p.enrol.clone().or_else(|| user.totp_secret.clone());
    let secret = secret_b32.as_deref().and_then(totp::base32_decode);
    let step = secret.as_deref().and_then(|s| totp::check(s, field(&form, "code"), now, user.totp_last_step));
    let db = ctx.region(region).sql().await?;
    let Some(step) = step else {
        let entry = AuditEntry { actor: &user.id, action: "session.second_factor", target: Some(&user.id), outcome: Outcome::Failure, reason: Some("wrong_code") };
        let stmts = [entry.statement(ctx.random_id()?, now), funnel(ctx.random_id()?, now, Some(&user.id), "login_failed")];
        db.batch(&region, &stmts).await?;
        if p.attempts >= MAX_ATTEMPTS {
            kv.delete(&region, &key(&token)).await?;
            return Ok(invalid());
        }
        let v = view(field(&form, "csrf").to_owned(), &user, &p, Some(Msg::IdentityTotpWrong));
        return Ok(html(StatusCode::BAD_REQUEST, views::second_factor(&page, &v), None));
    };
    // Single use: the step is gone before the session exists.
    kv.delete(&region, &key(&token)).await?;
    let mut stmts = vec![Statement::new(
        "UPDATE users SET totp_secret = COALESCE(?1, totp_secret), totp_last_step = ?2 WHERE id = ?3",
        vec![p.enrol.as_deref().into(), step.into(), user.id.as_str().into()],
    )];
    if p.enrol.is_some() {
        let e = AuditEntry { actor: &user.id, action: "mfa.enrolled", target: Some(&user.id), outcome: Outcome::Success, reason: Some("totp") };
        stmts.push(e.statement(ctx.random_id()?, now));
    }
    let login = AuditEntry { actor: &user.id, action: "session.login", target: Some(&user.id), outcome: Outcome::Success, reason: Some("email_link+totp") };
    stmts.push(login.statement(ctx.random_id()?, now));
    stmts.push(funnel(ctx.random_id()?, now, Some(&user.id), "login_succeeded"));
    db.batch(&region, &stmts).await?;
    let mut claims = new_claims(ctx, &user, now)?;
    claims.mfa = true;
    let (cookie, _) = mint(ctx, claims).await?;
    Ok(with_cookies(web::redirect("/account"), [cookie, clear_cookie()]))
}
