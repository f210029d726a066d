//! Registration: the rules of the sign-up form and the new account. A known address gets a
//! sign-in link instead, with the same answer, so registering does not tell who is registered.

use medportal_core::web::Form;
use crate::events;
use crate::model::VerificationStatus;
use crate::rate_limit;
use crate::sign_in;
use crate::users::{self, NewUser, User, normalise_email};
use medportal_core::policy::Role;
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::pages::identity::{COUNTRIES, PROFESSIONS, RegisterView};
use medportal_templates::{Locale, Msg};

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

/// Registers the person of a valid form (from `address`) in their country's region and mails
/// a sign-in link. Returns the browser nonce of the link.
pub async fn register<P: Platform>(ctx: &Ctx<'_, P>, v: &RegisterView, address: &str, locale: Locale) -> Result<String> {
    rate_limit::check_address(ctx, address).await?;
    let email = normalise_email(&v.email).ok_or(Error::Internal("validated email".into()))?;
    let nonce = sign_in::new_nonce(ctx)?;
    // Known address: the same answer as for a new one, and a sign-in link instead of an account.
    let user = match users::find_by_email(ctx, &email).await? {
        Some(existing) => Some(existing).filter(|u| u.active),
        None => Some(create(ctx, v, &email).await?),
    };
    if let Some(user) = user
        && rate_limit::email_allowed(ctx, &email).await?
    {
        sign_in::send_link(ctx, &user, &nonce, locale).await?;
    }
    Ok(nonce)
}

async fn create<P: Platform>(ctx: &Ctx<'_, P>, v: &RegisterView, email: &str) -> Result<User> {
    let region = Region::for_country(&v.country);
    let id = format!("{}-u-{}", region.code(), ctx.random_id()?);
    let now = ctx.now().unix_timestamp();
    let new = NewUser { email, name: &v.name, country: &v.country, profession: &v.profession, comms: v.comms };
    let stmts = vec![users::insert(&id, &new, now), events::funnel(ctx, &id, "registration_completed")?];
    events::commit(ctx, region, stmts, &[events::success(&id, "user.registered", &id, None)]).await?;
    Ok(User {
        id,
        region,
        email: email.to_owned(),
        name: v.name.clone(),
        country: v.country.clone(),
        profession: v.profession.clone(),
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
