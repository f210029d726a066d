//! `/account` and the progressive profile (`/account/profile`).

use medportal_templates::paths;
use crate::profile;
use crate::session::signed_in;
use crate::support::html;
use crate::verification::expiry_of;
use http::StatusCode;
use medportal_auth::checked_form;
use medportal_core::policy::Role;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::identity::{self as views, AccountView};

pub async fn account<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (session, user, cookie) = signed_in(ctx, req).await?;
    let view = AccountView {
        name: user.name.clone(),
        email: user.email.clone(),
        country: user.country.clone(),
        profession: user.profession.clone(),
        region: user.region.name().to_owned(),
        roles: user.role_codes().join(", "),
        status: user.status.code().to_owned(),
        next_step: profile::next_step(&user),
        staff_without_second_factor: session.claims.roles.iter().filter_map(|r| Role::from_code(r)).any(Role::is_staff) && !session.claims.mfa,
        expiry: expiry_of(&user, ctx.now().unix_timestamp()),
    };
    Ok(html(StatusCode::OK, views::account(&medportal_web::page_context(ctx, info, "", Some(&session)), &view), cookie))
}

pub async fn profile_form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (session, user, cookie) = signed_in(ctx, req).await?;
    let Some((step, n, total)) = profile::next_step(&user) else { return Ok(web::redirect(paths::identity::ACCOUNT)) };
    let page = views::profile_step(&medportal_web::page_context(ctx, info, "", Some(&session)), &session.claims.csrf, step, n, total);
    Ok(html(StatusCode::OK, page, cookie))
}

pub async fn profile<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let (form, session) = checked_form(ctx, req).await?;
    let session = session.ok_or(Error::Unauthenticated)?;
    profile::answer(ctx, session.region, session.user_id(), form.get("step"), form.get("value"), form.checkbox("skip")).await?;
    Ok(web::redirect(views::PROFILE))
}
