//! Registration: the rules of the sign-up form, the pending registration (the only place
//! `pending_registrations` is written) and the account it becomes. Nothing is created for an
//! address before its mailbox is proven: a registration is stored in the chosen country's
//! region, keyed by the hash of a mailed link's token, and the account is created when that
//! link is redeemed in the browser that registered. Every registration has its own record, so
//! whatever someone else submitted for an address, its owner's own registration works. A
//! known address gets a sign-in link instead, with the same answer, so registering does not
//! tell who is registered. Mails carry no text the registrant typed.

use medportal_core::web::Form;
use crate::events;
use crate::model::VerificationStatus;
use crate::rate_limit;
use crate::sign_in::{self, LINK_SECS, LinkRequest};
use crate::support::{hash_b64, random_token};
use crate::users::{self, NewUser, User, normalise_email};
use medportal_core::policy::Role;
use crate::mailer::{self, Delivery};
use medportal_core::ports::{Mail, Row, Statement};
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::pages::identity::{COUNTRIES, PROFESSIONS, RegisterView};
use medportal_templates::{Locale, Msg, t, tf};

/// Reads and checks the sign-up form; `errors` lists what is wrong.
pub fn validate(form: &Form) -> RegisterView {
    let mut v = RegisterView {
        email: form.trimmed("email").to_owned(),
        country: form.get("country").to_owned(),
        profession: form.get("profession").to_owned(),
        name: form.trimmed("name").to_owned(),
        terms: form.checkbox("terms"),
        comms: form.checkbox("comms"),
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

/// Registers the person of a valid form (from `address`): a pending registration in their
/// country's region and a confirmation link by mail, or a sign-in link for a known address.
/// Limited like sign-in links (the same counters: each answer may send a mail).
pub async fn register<P: Platform>(ctx: &Ctx<'_, P>, v: &RegisterView, address: &str, locale: Locale) -> Result<LinkRequest> {
    let email = normalise_email(&v.email).ok_or(Error::Internal("validated email".into()))?;
    let existing = users::find_by_email(ctx, &email).await?;
    if let Some(wait) = rate_limit::link_limited(ctx, &email, address).await? {
        return Ok(LinkRequest::Limited(wait));
    }
    let nonce = sign_in::new_nonce(ctx)?;
    let delivery = match existing {
        // Known address: the same answer as for a new one, and a sign-in link instead.
        Some(user) if user.active => sign_in::send_link(ctx, &user, &nonce, locale).await?,
        Some(_) => sign_in::no_mail(ctx).await?,
        None => pend(ctx, v, &email, &nonce, locale).await?,
    };
    Ok(sign_in::answered(delivery, nonce))
}

/// Stores the pending registration (audited, expired ones swept) and mails its link.
async fn pend<P: Platform>(ctx: &Ctx<'_, P>, v: &RegisterView, email: &str, nonce: &str, locale: Locale) -> Result<Delivery> {
    let region = Region::for_country(&v.country);
    let token = random_token(ctx)?;
    let id = hash_b64(token.as_bytes());
    let now = ctx.now().unix_timestamp();
    let insert = Statement::new(
        "INSERT INTO pending_registrations (id, nonce_hash, email, display_name, country, profession, comms, created_at, expires_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        vec![
            id.as_str().into(),
            hash_b64(nonce.as_bytes()).into(),
            email.into(),
            v.name.as_str().into(),
            v.country.as_str().into(),
            v.profession.as_str().into(),
            i64::from(v.comms).into(),
            now.into(),
            (now + LINK_SECS).into(),
        ],
    );
    let sweep = Statement::new("DELETE FROM pending_registrations WHERE expires_at < ?1", vec![now.into()]);
    let entry = events::success("anonymous", "registration.requested", &id, None);
    events::commit(ctx, region, vec![sweep, insert], &[entry]).await?;
    let mail = Mail {
        to: email.to_owned(),
        subject: t(locale, Msg::IdentityMailRegisterSubject).to_owned(),
        text: tf(locale, Msg::IdentityMailRegisterText, &[("link", &sign_in::link(ctx, region, &token))]),
    };
    mailer::deliver(ctx, region, &id, &mail, now + LINK_SECS).await
}

/// A registration confirmed by its link.
struct Pending {
    email: String,
    name: String,
    country: String,
    profession: String,
    comms: bool,
}

fn pending_of(r: &Row) -> Result<Pending> {
    Ok(Pending { email: r.text(0)?, name: r.text(1)?, country: r.text(2)?, profession: r.text(3)?, comms: r.int(4)? != 0 })
}

/// Redeems a registration's link (`token` of `region`) in the browser holding `nonce`:
/// single use (taken atomically), within its validity. The person's account, created now (or
/// the account the address got meanwhile); `None` if there is no such pending registration.
pub async fn confirm<P: Platform>(ctx: &Ctx<'_, P>, region: Region, token: &str, nonce: &str) -> Result<Option<User>> {
    let now = ctx.now().unix_timestamp();
    let db = ctx.region(region).sql().await?;
    let rows = db
        .execute_returning(
            &region,
            "DELETE FROM pending_registrations WHERE id = ?1 AND nonce_hash = ?2 AND expires_at >= ?3 \
             RETURNING email, display_name, country, profession, comms",
            &[hash_b64(token.as_bytes()).into(), hash_b64(nonce.as_bytes()).into(), now.into()],
        )
        .await?;
    let Some(p) = rows.first().map(pending_of).transpose()? else { return Ok(None) };
    match users::find_by_email(ctx, &p.email).await? {
        Some(existing) => Ok(Some(existing).filter(|u| u.active)),
        None => create(ctx, region, &p).await.map(Some),
    }
}

async fn create<P: Platform>(ctx: &Ctx<'_, P>, region: Region, p: &Pending) -> Result<User> {
    let id = format!("{}-u-{}", region.code(), ctx.random_id()?);
    let now = ctx.now().unix_timestamp();
    let new = NewUser { email: &p.email, name: &p.name, country: &p.country, profession: &p.profession, comms: p.comms };
    let stmts = vec![users::insert(&id, &new, now), events::funnel(ctx, &id, "registration_completed")?];
    events::commit(ctx, region, stmts, &[events::success(&id, "user.registered", &id, Some("email_confirmed"))]).await?;
    Ok(User {
        id,
        region,
        email: p.email.clone(),
        name: p.name.clone(),
        country: p.country.clone(),
        profession: p.profession.clone(),
        roles: vec![Role::Hcp],
        status: VerificationStatus::Unverified,
        active: true,
        specialty: None,
        practice_setting: None,
        interests: None,
        verification_expires_at: None,
        totp_secret: None,
        totp_last_step: None,
    })
}
