//! Registration, sign-in by email link, sign-out, account, progressive profile, verification.
//! Every POST checks CSRF (origin headers + token) before anything is read from or written
//! to a store.

use crate::npi;
use crate::users::{self, User, normalise_email};
use crate::{page_ctx, with_cookies};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use http::StatusCode;
use medportal_auth::{KeySet, Session, SessionClaims, checked_form, csrf, token};
use medportal_core::audit::{AuditEntry, Outcome, funnel};
use medportal_core::policy::Action;
use medportal_core::ports::{KvStore, Mail, Mailer, Statement};
use medportal_core::security::ct_eq;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::pages::identity::{
    self as views, AccountView, COUNTRIES, PROFESSIONS, PROFILE_STEPS, RegisterView, VerifyView,
};
use medportal_templates::{Locale, Msg, t, tf};
use sha2::{Digest, Sha256};

/// Browser binding of a sign-in link: the link works only with this cookie's nonce.
pub(crate) const LOGIN_COOKIE: &str = "__Host-mp_login";
/// Sign-in links are valid this long.
const LINK_SECS: i64 = 15 * 60;
/// Re-issue the session token (sliding idle timeout) once it is this old.
const REFRESH_AFTER_SECS: i64 = 5 * 60;

pub(crate) fn hash_b64(data: &[u8]) -> String {
    B64.encode(Sha256::digest(data))
}

pub(crate) fn field<'f>(form: &'f [(String, String)], name: &str) -> &'f str {
    form.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

pub(crate) fn html(status: StatusCode, markup: maud::Markup, cookie: Option<String>) -> Response {
    with_cookies(web::html(status, markup), cookie)
}

// ---- rate limiting -------------------------------------------------------------------------

/// Counts a hit for `subject` in a fixed window; `false` once `limit` is exceeded. Counters
/// live in the global key-value store under a keyed pseudonym (no address in clear).
pub(crate) async fn within_limit<P: Platform>(ctx: &Ctx<'_, P>, scope: &str, subject: &str, limit: u32, window: i64) -> Result<bool> {
    let keys = KeySet::cached(ctx.config)?;
    let Some(id) = keys.pseudonym(scope, subject) else { return Ok(true) };
    let kv = ctx.global_kv().await?;
    let key = format!("rl/{scope}/{id}");
    let now = ctx.now().unix_timestamp();
    let (start, count) = match kv.get(&key).await? {
        Some(v) => {
            let s = String::from_utf8_lossy(&v).into_owned();
            let mut it = s.split(':').map(|p| p.parse::<i64>().unwrap_or(0));
            (it.next().unwrap_or(0), it.next().unwrap_or(0))
        }
        None => (now, 0),
    };
    let (start, count) = if now - start >= window { (now, 1) } else { (start, count + 1) };
    kv.put(&key, format!("{start}:{count}").as_bytes(), Some(start + window)).await?;
    Ok(count <= i64::from(limit))
}

fn client_address(req: &Request) -> String {
    web::header_str(req, web::CF_CONNECTING_IP)
        .or_else(|| web::header_str(req, web::X_FORWARDED_FOR).and_then(|v| v.split(',').next()))
        .unwrap_or("local")
        .trim()
        .to_owned()
}

async fn limit_address<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<()> {
    if within_limit(ctx, "ip", &client_address(req), 60, 600).await? {
        Ok(())
    } else {
        Err(Error::RateLimited { retry_after_secs: 600 })
    }
}

// ---- registration --------------------------------------------------------------------------

pub async fn register_form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    if medportal_auth::authenticate(ctx, req).await?.is_some() {
        return Ok(web::redirect("/account"));
    }
    let (csrf, cookie) = csrf::form_token(ctx, req, None)?;
    let view = RegisterView { csrf, ..Default::default() };
    Ok(html(StatusCode::OK, views::register(&page_ctx(ctx, info, None), &view), cookie))
}

fn validate_registration(form: &[(String, String)]) -> RegisterView {
    let mut v = RegisterView {
        email: field(form, "email").trim().to_owned(),
        country: field(form, "country").to_owned(),
        profession: field(form, "profession").to_owned(),
        name: field(form, "name").trim().to_owned(),
        terms: !field(form, "terms").is_empty(),
        comms: !field(form, "comms").is_empty(),
        ..Default::default()
    };
    if normalise_email(&v.email).is_none() {
        v.errors.push(("email", Msg::IdentityErrorEmail));
    }
    if !COUNTRIES.iter().any(|(c, _)| *c == v.country) {
        v.errors.push(("country", Msg::IdentityErrorCountry));
    }
    if !PROFESSIONS.iter().any(|(c, _)| *c == v.profession) {
        v.errors.push(("profession", Msg::IdentityErrorProfession));
    }
    let n = v.name.chars().count();
    if !(2..=100).contains(&n) || v.name.chars().any(char::is_control) {
        v.errors.push(("name", Msg::IdentityErrorName));
    }
    if !v.terms {
        v.errors.push(("terms", Msg::IdentityErrorTerms));
    }
    v
}

pub async fn register<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, session) = checked_form(ctx, req).await?;
    if session.is_some() {
        return Ok(web::redirect("/account"));
    }
    let mut view = validate_registration(&form);
    if !view.errors.is_empty() {
        view.csrf = field(&form, "csrf").to_owned();
        return Ok(html(StatusCode::BAD_REQUEST, views::register(&page_ctx(ctx, info, None), &view), None));
    }
    limit_address(ctx, req).await?;
    let email = normalise_email(&view.email).ok_or(Error::Internal("validated email".into()))?;
    let nonce = B64.encode(ctx.random_bytes::<32>()?);
    // Known address: the same answer as for a new one, and a sign-in link instead of an account.
    let user = match users::find_by_email(ctx, &email).await? {
        Some(existing) => Some(existing).filter(|u| u.active),
        None => Some(create_user(ctx, &view, &email).await?),
    };
    if let Some(user) = user {
        if within_limit(ctx, "email", &email, 5, 600).await? {
            send_link(ctx, &user, &nonce, info.locale).await?;
        }
    }
    Ok(check_email(ctx, info, &nonce))
}

async fn create_user<P: Platform>(ctx: &Ctx<'_, P>, v: &RegisterView, email: &str) -> Result<User> {
    let region = Region::for_country(&v.country);
    let id = format!("{}-u-{}", region.code(), ctx.random_id()?);
    let now = ctx.now().unix_timestamp();
    let comms = v.comms.then_some(now);
    let audit = AuditEntry { actor: &id, action: "user.registered", target: Some(&id), outcome: Outcome::Success, reason: None };
    let statements = [
        Statement::new(
            "INSERT INTO users (id, email, display_name, country, profession, roles, verification_status, created_at, \
             terms_accepted_at, comms_consent_at) VALUES (?1, ?2, ?3, ?4, ?5, 'hcp', 'unverified', ?6, ?6, ?7)",
            vec![id.as_str().into(), email.into(), v.name.as_str().into(), v.country.as_str().into(), v.profession.as_str().into(), now.into(), comms.into()],
        ),
        audit.statement(ctx.random_id()?, now),
        funnel(ctx.random_id()?, now, Some(&id), "registration_completed"),
    ];
    ctx.region(region).sql().await?.batch(&region, &statements).await?;
    Ok(User {
        id,
        region,
        email: email.to_owned(),
        name: v.name.clone(),
        country: v.country.clone(),
        profession: v.profession.clone(),
        roles: "hcp".into(),
        status: "unverified".into(),
        active: true,
        specialty: None,
        practice_setting: None,
        interests: None,
        verification_expires_at: None,
        totp_secret: None,
        totp_last_step: None,
    })
}

// ---- sign-in -------------------------------------------------------------------------------

pub async fn login_form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = medportal_auth::authenticate(ctx, req).await?;
    if session.is_some() {
        return Ok(web::redirect("/account"));
    }
    let (csrf, cookie) = csrf::form_token(ctx, req, None)?;
    Ok(html(StatusCode::OK, views::login(&page_ctx(ctx, info, None), &csrf, "", None), cookie))
}

pub async fn login<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, _) = checked_form(ctx, req).await?;
    let raw = field(&form, "email");
    let Some(email) = normalise_email(raw) else {
        let csrf = field(&form, "csrf");
        let page = views::login(&page_ctx(ctx, info, None), csrf, raw, Some(Msg::IdentityErrorEmail));
        return Ok(html(StatusCode::BAD_REQUEST, page, None));
    };
    limit_address(ctx, req).await?;
    let nonce = B64.encode(ctx.random_bytes::<32>()?);
    // Per-account limit: counted for unknown addresses too, and answered identically.
    let allowed = within_limit(ctx, "email", &email, 5, 600).await?;
    let user = users::find_by_email(ctx, &email).await?.filter(|u| u.active);
    if let (true, Some(user)) = (allowed, &user) {
        send_link(ctx, user, &nonce, info.locale).await?;
        let now = ctx.now().unix_timestamp();
        let stmt = funnel(ctx.random_id()?, now, Some(&user.id), "login_requested");
        ctx.region(user.region).sql().await?.batch(&user.region, &[stmt]).await?;
    }
    Ok(check_email(ctx, info, &nonce))
}

fn check_email<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, nonce: &str) -> Response {
    let cookie = format!("{LOGIN_COOKIE}={nonce}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={LINK_SECS}");
    html(StatusCode::OK, views::check_email(&page_ctx(ctx, info, None)), Some(cookie))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct LinkRecord {
    uid: String,
    /// SHA-256 of the browser nonce.
    nh: String,
    exp: i64,
}

/// Stores the hashed single-use token in the person's region and mails the link.
async fn send_link<P: Platform>(ctx: &Ctx<'_, P>, user: &User, nonce: &str, locale: Locale) -> Result<()> {
    let token = B64.encode(ctx.random_bytes::<32>()?);
    let exp = ctx.now().unix_timestamp() + LINK_SECS;
    let record = LinkRecord { uid: user.id.clone(), nh: hash_b64(nonce.as_bytes()), exp };
    let record = serde_json::to_vec(&record).map_err(Error::internal)?;
    let kv = ctx.region(user.region).kv().await?;
    kv.put(&user.region, &format!("login/{}", hash_b64(token.as_bytes())), &record, Some(exp)).await?;
    let link = format!("{}/login/verify?r={}&t={token}", ctx.config.public_origin, user.region.code());
    let mail = Mail {
        to: user.email.clone(),
        subject: t(locale, Msg::IdentityMailLoginSubject).to_owned(),
        text: tf(locale, Msg::IdentityMailLoginText, &[("name", &user.name), ("link", &link)]),
    };
    ctx.mailer(user.region).send(&mail).await
}

pub async fn login_confirm<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let region = web::query_param(req, "r").unwrap_or_default();
    let token = web::query_param(req, "t").unwrap_or_default();
    let page = page_ctx(ctx, info, None);
    if Region::from_code(&region).is_none() || token.len() != 43 {
        return Ok(html(StatusCode::BAD_REQUEST, views::link_invalid(&page), None));
    }
    let (csrf, cookie) = csrf::form_token(ctx, req, None)?;
    Ok(html(StatusCode::OK, views::login_confirm(&page, &csrf, &region, &token), cookie))
}

pub async fn login_verify<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, _) = checked_form(ctx, req).await?;
    let invalid = || html(StatusCode::BAD_REQUEST, views::link_invalid(&page_ctx(ctx, info, None)), None);
    let Some(region) = Region::from_code(field(&form, "r")) else { return Ok(invalid()) };
    let token = field(&form, "t");
    let kv = ctx.region(region).kv().await?;
    let key = format!("login/{}", hash_b64(token.as_bytes()));
    let Some(raw) = kv.get(&key).await? else { return Ok(invalid()) };
    let record: LinkRecord = serde_json::from_slice(&raw).map_err(Error::internal)?;
    let now = ctx.now().unix_timestamp();
    let nonce = web::cookie(req, LOGIN_COOKIE).unwrap_or_default();
    let bound = ct_eq(hash_b64(nonce.as_bytes()).as_bytes(), record.nh.as_bytes());
    let user = if record.exp >= now && bound { users::find(ctx, region, &record.uid).await? } else { None };
    let Some(user) = user.filter(|u| u.active) else {
        let entry = AuditEntry { actor: "anonymous", action: "session.login", target: Some(&record.uid), outcome: Outcome::Failure, reason: Some(if bound { "expired_or_inactive" } else { "other_browser" }) };
        let stmts = [entry.statement(ctx.random_id()?, now), funnel(ctx.random_id()?, now, Some(&record.uid), "login_failed")];
        ctx.region(region).sql().await?.batch(&region, &stmts).await?;
        return Ok(invalid());
    };
    // Single use: the token is gone before the session exists.
    kv.delete(&region, &key).await?;
    let clear = format!("{LOGIN_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0");
    let mut user = user;
    expire_if_due(ctx, &mut user).await?;
    if user.is_staff() {
        // Staff: the link is the first factor only; the session is minted after the TOTP step.
        let resp = crate::second_factor::begin(ctx, &user).await?;
        return Ok(with_cookies(resp, [clear]));
    }
    let claims = new_claims(ctx, &user, now)?;
    let (cookie, _) = mint(ctx, claims).await?;
    let entry = AuditEntry { actor: &user.id, action: "session.login", target: Some(&user.id), outcome: Outcome::Success, reason: None };
    let stmts = [entry.statement(ctx.random_id()?, now), funnel(ctx.random_id()?, now, Some(&user.id), "login_succeeded")];
    ctx.region(region).sql().await?.batch(&region, &stmts).await?;
    Ok(with_cookies(web::redirect("/account"), [cookie, clear]))
}

pub(crate) fn new_claims<P: Platform>(ctx: &Ctx<'_, P>, user: &User, now: i64) -> Result<SessionClaims> {
    Ok(SessionClaims {
        iss: token::ISSUER.into(),
        aud: token::AUDIENCE.into(),
        sub: user.id.clone(),
        jti: ctx.random_id()?,
        rgn: user.region.code().into(),
        ctry: user.country.clone(),
        roles: user.roles.split(',').map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect(),
        vs: user.status.clone(),
        name: user.name.clone(),
        csrf: B64.encode(ctx.random_bytes::<24>()?),
        auth_time: now,
        mfa: false,
    })
}

/// Signs claims; returns the `Set-Cookie` value and the expiry.
pub(crate) async fn mint<P: Platform>(ctx: &Ctx<'_, P>, claims: SessionClaims) -> Result<(String, i64)> {
    let keys = KeySet::cached(ctx.config)?;
    let now = ctx.now();
    let (tok, exp) = token::issue(ctx.signatures(), &keys, claims, now).await?;
    Ok((medportal_auth::session_cookie(&tok, exp, now.unix_timestamp()), exp))
}

pub async fn logout<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let (_, session) = checked_form(ctx, req).await?;
    if let Some(s) = session {
        medportal_auth::revoke(ctx, &s).await?;
        let now = ctx.now().unix_timestamp();
        let entry = AuditEntry { actor: s.user_id(), action: "session.logout", target: Some(&s.claims.jti), outcome: Outcome::Success, reason: None };
        ctx.region(s.region).sql().await?.batch(&s.region, &[entry.statement(ctx.random_id()?, now)]).await?;
    }
    Ok(with_cookies(web::redirect("/"), [medportal_auth::clear_session_cookie()]))
}

// ---- account -------------------------------------------------------------------------------

/// The signed-in person's session and record; refreshes the token (sliding idle timeout),
/// re-reading roles and status so changes take effect.
pub(crate) async fn signed_in<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<(Session, User, Option<String>)> {
    let session = medportal_auth::require(ctx, req, Action::ViewOwnAccount).await?;
    let mut user = users::find(ctx, session.region, session.user_id()).await?.filter(|u| u.active).ok_or(Error::Unauthenticated)?;
    expire_if_due(ctx, &mut user).await?;
    let now = ctx.now().unix_timestamp();
    let stale = now - session.issued_at >= REFRESH_AFTER_SECS || session.claims.vs != user.status;
    let cookie = if stale {
        let mut claims = new_claims(ctx, &user, session.claims.auth_time)?;
        claims.jti = session.claims.jti.clone();
        claims.csrf = session.claims.csrf.clone();
        claims.mfa = session.claims.mfa;
        Some(mint(ctx, claims).await?.0)
    } else {
        None
    };
    Ok((session, user, cookie))
}

fn next_step(user: &User) -> Option<(&'static str, u32, u32)> {
    let total = PROFILE_STEPS.len() as u32;
    let answered = [&user.specialty, &user.practice_setting, &user.interests];
    PROFILE_STEPS.iter().zip(answered).enumerate().find(|(_, (_, a))| a.is_none()).map(|(i, ((code, _, _), _))| (*code, i as u32 + 1, total))
}

pub async fn account<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (session, user, cookie) = signed_in(ctx, req).await?;
    let view = AccountView {
        name: user.name.clone(),
        email: user.email.clone(),
        country: user.country.clone(),
        profession: user.profession.clone(),
        region: user.region.name().to_owned(),
        roles: user.roles.replace(',', ", "),
        status: user.status.clone(),
        next_step: next_step(&user),
        staff_without_second_factor: session.claims.roles.iter().any(|r| r != "hcp") && !session.claims.mfa,
        expiry: expiry_of(&user, ctx.now().unix_timestamp()),
    };
    Ok(html(StatusCode::OK, views::account(&page_ctx(ctx, info, Some(&session)), &view), cookie))
}

pub async fn profile_form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (session, user, cookie) = signed_in(ctx, req).await?;
    let Some((step, n, total)) = next_step(&user) else { return Ok(web::redirect("/account")) };
    let page = views::profile_step(&page_ctx(ctx, info, Some(&session)), &session.claims.csrf, step, n, total);
    Ok(html(StatusCode::OK, page, cookie))
}

pub async fn profile<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let (form, session) = checked_form(ctx, req).await?;
    let session = session.ok_or(Error::Unauthenticated)?;
    let step = field(&form, "step");
    let column = match step {
        "specialty" => "specialty",
        "practice_setting" => "practice_setting",
        "interests" => "interests",
        _ => return Err(Error::bad_request("invalid_step", "Unknown profile step.")),
    };
    // Skipped questions are stored empty so they are not asked again.
    let value = if field(&form, "skip").is_empty() { field(&form, "value").trim() } else { "" };
    if value.chars().count() > 200 || value.chars().any(char::is_control) {
        return Err(Error::bad_request("invalid_value", "At most 200 characters."));
    }
    let sql = format!("UPDATE users SET {column} = ?1 WHERE id = ?2");
    let stmt = Statement::new(sql, vec![value.into(), session.user_id().into()]);
    ctx.region(session.region).sql().await?.batch(&session.region, &[stmt]).await?;
    Ok(web::redirect(views::PROFILE))
}

// ---- verification --------------------------------------------------------------------------

/// A positive verification is valid this long; then the person verifies again.
pub(crate) const VERIFIED_FOR_SECS: i64 = 365 * 86_400;
/// Re-verification is offered (and reminded) this long before the validity ends.
pub(crate) const REVERIFY_WINDOW_SECS: i64 = 30 * 86_400;

/// Lapses a verification whose validity has ended: the person is unverified again (HCP-only
/// content closes) and is asked to verify again. Recorded once, by whichever request sees it.
pub(crate) async fn expire_if_due<P: Platform>(ctx: &Ctx<'_, P>, user: &mut User) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let due = user.status == "verified" && user.verification_expires_at.is_some_and(|e| e <= now);
    if !due {
        return Ok(());
    }
    let entry = AuditEntry { actor: "system:identity", action: "verification.expired", target: Some(&user.id), outcome: Outcome::Success, reason: None };
    let stmts = [
        Statement::new(
            "UPDATE users SET verification_status = 'unverified' \
             WHERE id = ?1 AND verification_status = 'verified' AND verification_expires_at <= ?2",
            vec![user.id.as_str().into(), now.into()],
        ),
        entry.statement(ctx.random_id()?, now),
        funnel(ctx.random_id()?, now, Some(&user.id), "verification_expired"),
    ];
    ctx.region(user.region).sql().await?.batch(&user.region, &stmts).await?;
    user.status = "unverified".into();
    Ok(())
}

/// How the person's verification stands in time, for the account and verification pages.
pub(crate) fn expiry_of(user: &User, now: i64) -> Option<views::Expiry> {
    let at = user.verification_expires_at?;
    let date = time::OffsetDateTime::from_unix_timestamp(at).ok()?;
    Some(if user.status == "verified" {
        if at - now <= REVERIFY_WINDOW_SECS { views::Expiry::DueSoon(date) } else { views::Expiry::Valid(date) }
    } else if at <= now {
        views::Expiry::Lapsed(date)
    } else {
        return None;
    })
}

/// Whether the person may (re-)verify now: not verified, or within the re-verification window.
pub(crate) fn may_verify(user: &User, now: i64) -> bool {
    user.status != "verified" || user.verification_expires_at.is_some_and(|e| e - now <= REVERIFY_WINDOW_SECS)
}

/// The statements recording a decision on a person's verification (any method): their status
/// (a positive decision starts a new validity period; a negative one never downgrades a
/// still-valid verification), the audit entry and the funnel event.
pub(crate) fn decision_statements<P: Platform>(
    ctx: &Ctx<'_, P>,
    user_id: &str,
    verified: bool,
    actor: &str,
    reason: &str,
    now: i64,
) -> Result<Vec<Statement>> {
    let update = if verified {
        Statement::new(
            "UPDATE users SET verification_status = 'verified', verified_at = ?2, verification_expires_at = ?3 WHERE id = ?1",
            vec![user_id.into(), now.into(), (now + VERIFIED_FOR_SECS).into()],
        )
    } else {
        Statement::new(
            "UPDATE users SET verification_status = 'rejected' WHERE id = ?1 AND verification_status <> 'verified'",
            vec![user_id.into()],
        )
    };
    let outcome = if verified { Outcome::Success } else { Outcome::Failure };
    let entry = AuditEntry { actor, action: "verification.decided", target: Some(user_id), outcome, reason: Some(reason) };
    Ok(vec![update, entry.statement(ctx.random_id()?, now), funnel(ctx.random_id()?, now, Some(user_id), "verification_decided")])
}

/// The person's open (pending) request and latest rejection, for the verification page.
async fn verification_state<P: Platform>(ctx: &Ctx<'_, P>, user: &User) -> Result<(Option<views::PendingRequest>, Option<String>)> {
    let db = ctx.region(user.region).sql().await?;
    let rows = db
        .query(
            "SELECT method, status, reason, created_at FROM verifications WHERE user_id = ?1 ORDER BY created_at DESC LIMIT 1",
            &[user.id.as_str().into()],
        )
        .await?;
    let Some(row) = rows.first() else { return Ok((None, None)) };
    let (method, status) = (row.text(0)?, row.text(1)?);
    match status.as_str() {
        "pending" => {
            let at = time::OffsetDateTime::from_unix_timestamp(row.int(3)?).map_err(Error::internal)?;
            Ok((Some(views::PendingRequest { method, submitted: at }), None))
        }
        "rejected" if user.status != "verified" => Ok((None, row.opt_text(2)?)),
        _ => Ok((None, None)),
    }
}

/// The verification page: the methods open to this person (NPI for the US, the external
/// provider where configured, evidence upload for everyone), their open request, the last
/// rejection reason and when the current verification lapses.
pub(crate) async fn verify_view<P: Platform>(ctx: &Ctx<'_, P>, session: &Session, user: &User) -> Result<VerifyView> {
    let now = ctx.now().unix_timestamp();
    let (pending, rejection) = verification_state(ctx, user).await?;
    let oidc = ctx.config.oidc.as_ref().filter(|o| o.offered_for(&user.country)).map(|o| o.provider_name.clone());
    Ok(VerifyView {
        csrf: session.claims.csrf.clone(),
        status: user.status.clone(),
        npi: user.country == "US",
        can_verify: may_verify(user, now),
        oidc_provider: oidc,
        pending,
        rejection,
        expiry: expiry_of(user, now),
        max_evidence_bytes: crate::manual::evidence_limit(ctx.config),
        ..Default::default()
    })
}

pub async fn verify_form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (session, user, cookie) = signed_in(ctx, req).await?;
    let mut view = verify_view(ctx, &session, &user).await?;
    view.outcome = match web::query_param(req, "done").as_deref() {
        Some("evidence") => Some(Msg::IdentityEvidenceReceived),
        Some("cancelled") => Some(Msg::IdentityOidcCancelled),
        _ => None,
    };
    Ok(html(StatusCode::OK, views::verify(&page_ctx(ctx, info, Some(&session)), &view), cookie))
}

/// NPI verification: check digit, then the NPPES registry through the outbound HTTP port.
/// An active registration in the person's name verifies them; any other answer rejects with
/// a reason; no answer leaves the request pending (fail closed) and says so.
pub async fn verify<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, session) = checked_form(ctx, req).await?;
    let session = session.ok_or(Error::Unauthenticated)?;
    let user = users::find(ctx, session.region, session.user_id()).await?.ok_or(Error::Unauthenticated)?;
    let npi = field(&form, "npi").trim().to_owned();
    let now = ctx.now().unix_timestamp();
    if user.country != "US" || !may_verify(&user, now) {
        return Ok(web::redirect(views::VERIFY));
    }
    let mut view = verify_view(ctx, &session, &user).await?;
    view.npi_value = npi.clone();
    let page = page_ctx(ctx, info, Some(&session));
    if !npi_valid(&npi) {
        view.error = Some(Msg::IdentityErrorNpi);
        return Ok(html(StatusCode::BAD_REQUEST, views::verify(&page, &view), None));
    }
    let outcome = npi::lookup(ctx, &npi, &user.name).await;
    let status = match outcome {
        npi::Outcome::Match => "verified",
        npi::Outcome::Unavailable => "pending",
        _ => "rejected",
    };
    let decided = status != "pending";
    let reason = outcome.reason();
    let submitted = AuditEntry { actor: &user.id, action: "verification.submitted", target: Some(&user.id), outcome: Outcome::Success, reason: Some("npi") };
    let mut stmts = vec![
        Statement::new(
            "INSERT INTO verifications (id, user_id, method, status, reference, reason, decided_by, created_at, decided_at, expires_at) \
             VALUES (?1, ?2, 'npi', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            vec![
                ctx.random_id()?.into(),
                user.id.as_str().into(),
                status.into(),
                npi.as_str().into(),
                reason.into(),
                decided.then_some("system:npi").into(),
                now.into(),
                decided.then_some(now).into(),
                (status == "verified").then_some(now + VERIFIED_FOR_SECS).into(),
            ],
        ),
        Statement::new("UPDATE users SET npi = ?1 WHERE id = ?2", vec![npi.as_str().into(), user.id.as_str().into()]),
        submitted.statement(ctx.random_id()?, now),
        funnel(ctx.random_id()?, now, Some(&user.id), "verification_submitted"),
    ];
    if decided {
        stmts.extend(decision_statements(ctx, &user.id, status == "verified", "system:npi", reason, now)?);
    } else {
        stmts.push(Statement::new(
            "UPDATE users SET verification_status = 'pending' WHERE id = ?1 AND verification_status <> 'verified'",
            vec![user.id.as_str().into()],
        ));
        let entry = AuditEntry { actor: "system:npi", action: "verification.lookup", target: Some(&user.id), outcome: Outcome::Failure, reason: Some(reason) };
        stmts.push(entry.statement(ctx.random_id()?, now));
    }
    ctx.region(user.region).sql().await?.batch(&user.region, &stmts).await?;
    match outcome {
        // The next page load re-issues the session with the new status.
        npi::Outcome::Match => Ok(web::redirect(views::VERIFY)),
        npi::Outcome::Unavailable => {
            view.status = "pending".into();
            view.outcome = Some(Msg::IdentityVerifyUnavailable);
            Ok(html(StatusCode::SERVICE_UNAVAILABLE, views::verify(&page, &view), None))
        }
        _ => {
            view.status = "rejected".into();
            view.error = Some(Msg::IdentityVerifyFailed);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, views::verify(&page, &view), None))
        }
    }
}

/// NPI check digit: Luhn over the 10 digits with the `80840` prefix (i.e. +24).
pub fn npi_valid(npi: &str) -> bool {
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut sum = 24;
    for (i, b) in npi.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}
