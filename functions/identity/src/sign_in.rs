//! Passwordless sign-in by email link: the link (a single-use token, stored hashed in the
//! person's home region and bound to the browser that asked for it) and its redemption.

use crate::events;
use crate::mailer::{self, Delivery};
use crate::rate_limit;
use crate::second_factor;
use crate::session;
use crate::support::{hash_b64, random_token};
use crate::users::{self, User};
use crate::verification;
use medportal_core::ports::Mail;
use medportal_core::security::ct_eq;
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::paths::identity as paths;
use medportal_templates::{Locale, Msg, t, tf};

/// Browser binding of a sign-in link: the link works only with this cookie's nonce.
pub const LOGIN_COOKIE: &str = "__Host-mp_login";
/// Sign-in links are valid this long.
pub const LINK_SECS: i64 = 15 * 60;

#[derive(serde::Serialize, serde::Deserialize)]
struct LinkRecord {
    uid: String,
    /// SHA-256 of the browser nonce.
    nh: String,
    exp: i64,
}

/// A fresh browser nonce (the value of [`LOGIN_COOKIE`]).
pub fn new_nonce<P: Platform>(ctx: &Ctx<'_, P>) -> Result<String> {
    random_token(ctx)
}

/// Stores the hashed single-use token in the person's region and mails the link (the mail
/// carries no text anyone typed; one the transport does not take is kept for retry until the
/// link expires).
pub async fn send_link<P: Platform>(ctx: &Ctx<'_, P>, user: &User, nonce: &str, locale: Locale) -> Result<Delivery> {
    let token = random_token(ctx)?;
    let exp = ctx.now().unix_timestamp() + LINK_SECS;
    let record = LinkRecord { uid: user.id.clone(), nh: hash_b64(nonce.as_bytes()), exp };
    let record = serde_json::to_vec(&record).map_err(Error::internal)?;
    let kv = ctx.region(user.region).kv().await?;
    kv.put(&user.region, &format!("login/{}", hash_b64(token.as_bytes())), &record, Some(exp)).await?;
    let mail = Mail {
        to: user.email.clone(),
        subject: t(locale, Msg::IdentityMailLoginSubject).to_owned(),
        text: tf(locale, Msg::IdentityMailLoginText, &[("link", &link(ctx, user.region, &token))]),
    };
    mailer::deliver(ctx, user.region, &user.id, &mail, exp).await
}

/// The mailed link of `token` in `region` (a sign-in link or a registration's confirmation).
pub fn link<P: Platform>(ctx: &Ctx<'_, P>, region: Region, token: &str) -> String {
    format!("{}{}?r={}&t={token}", ctx.config.public_origin, paths::LOGIN_VERIFY, region.code())
}

/// The answer to a request for a mailed link.
pub enum LinkRequest {
    /// "Check your email", whether or not a mail went out: the browser nonce.
    Answered(String),
    /// Too many links were asked for: the seconds until another may be.
    Limited(u64),
    /// The mail could not be sent now (it is retried): "could not send", with the browser
    /// nonce so a later delivery still works here. Also the answer for an unknown address
    /// while the transport is failing, so the two cannot be told apart.
    Deferred(String),
}

/// A sign-in link for `email` (normalised), asked for from `address`: mailed if the person
/// exists and is active, answered identically either way. Limited per address, per (email,
/// address) and per email, for unknown addresses too; a refusal is said, not hidden.
pub async fn request_link<P: Platform>(ctx: &Ctx<'_, P>, email: &str, address: &str, locale: Locale) -> Result<LinkRequest> {
    let limited = rate_limit::link_limited(ctx, email, address).await?;
    let user = users::find_by_email(ctx, email).await?.filter(|u| u.active);
    if let Some(wait) = limited {
        if let Some(user) = &user {
            let entry = events::from(events::failure("anonymous", "session.link_requested", &user.id, Some("rate_limited")), Some(address));
            events::commit(ctx, user.region, Vec::new(), &[entry]).await?;
        }
        return Ok(LinkRequest::Limited(wait));
    }
    let nonce = new_nonce(ctx)?;
    let delivery = match &user {
        Some(user) => {
            let delivery = send_link(ctx, user, &nonce, locale).await?;
            let entry = events::from(events::success("anonymous", "session.link_requested", &user.id, None), Some(address));
            events::commit(ctx, user.region, vec![events::funnel(ctx, &user.id, "login_requested")?], &[entry]).await?;
            delivery
        }
        None => no_mail(ctx).await?,
    };
    Ok(answered(delivery, nonce))
}

/// The delivery an answer without a mail pretends: deferred while the transport is failing.
pub async fn no_mail<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Delivery> {
    Ok(if mailer::transport_failing(ctx).await? { Delivery::Deferred } else { Delivery::Sent })
}

/// The answer to a link request whose mail had `delivery`.
pub fn answered(delivery: Delivery, nonce: String) -> LinkRequest {
    match delivery {
        Delivery::Sent => LinkRequest::Answered(nonce),
        Delivery::Deferred => LinkRequest::Deferred(nonce),
    }
}

/// What a confirmed link leads to.
pub enum Redeemed {
    /// Unknown, used, expired, from another browser, or the person is gone.
    Invalid,
    /// A staff account: the second-factor step's cookie.
    SecondFactor(String),
    /// Signed in: the session cookie.
    Session(String),
}

/// Redeems the link token `token` of region `region` in the browser holding `nonce`. Single
/// use; failures are audited, with the client's address `origin` (keyed) like the sign-in.
pub async fn redeem<P: Platform>(ctx: &Ctx<'_, P>, region: &str, token: &str, nonce: &str, origin: Option<&str>) -> Result<Redeemed> {
    let Some(region) = Region::from_code(region) else { return Ok(Redeemed::Invalid) };
    let kv = ctx.region(region).kv().await?;
    let key = format!("login/{}", hash_b64(token.as_bytes()));
    let Some(raw) = kv.get(&key).await? else { return Ok(Redeemed::Invalid) };
    let record: LinkRecord = serde_json::from_slice(&raw).map_err(Error::internal)?;
    let now = ctx.now().unix_timestamp();
    let bound = ct_eq(hash_b64(nonce.as_bytes()).as_bytes(), record.nh.as_bytes());
    let user = if record.exp >= now && bound { users::find(ctx, region, &record.uid).await? } else { None };
    let Some(user) = user.filter(|u| u.active) else {
        let why = if bound { "expired_or_inactive" } else { "other_browser" };
        let entry = events::from(events::failure("anonymous", "session.login", &record.uid, Some(why)), origin);
        events::commit(ctx, region, vec![events::funnel(ctx, &record.uid, "login_failed")?], &[entry]).await?;
        return Ok(Redeemed::Invalid);
    };
    // Single use: the token is gone before the session exists.
    kv.delete(&region, &key).await?;
    signed_in(ctx, user, origin).await
}

/// The person of a redeemed link signs in: staff go on to the second factor; everyone else
/// gets a session (audited, with the client's address `origin`).
pub async fn signed_in<P: Platform>(ctx: &Ctx<'_, P>, mut user: User, origin: Option<&str>) -> Result<Redeemed> {
    verification::expire_if_due(ctx, &mut user).await?;
    if user.is_staff() {
        // Staff: the link is the first factor only; the session is minted after the TOTP step.
        return Ok(Redeemed::SecondFactor(second_factor::begin(ctx, &user).await?));
    }
    let cookie = session::open(ctx, &user, false).await?;
    let entry = events::from(events::success(&user.id, "session.login", &user.id, None), origin);
    events::commit(ctx, user.region, vec![events::funnel(ctx, &user.id, "login_succeeded")?], &[entry]).await?;
    Ok(Redeemed::Session(cookie))
}
