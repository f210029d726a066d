//! `/register`: the sign-up form.

use medportal_templates::paths;
use super::login::answer;
use crate::rate_limit::client_address;
use crate::registration;
use crate::support::html;
use http::StatusCode;
use medportal_auth::{checked_form, csrf};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Platform, Result};
use medportal_templates::pages::identity::{self as views, RegisterView};

pub async fn register_form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    if medportal_auth::authenticate(ctx, req).await?.is_some() {
        return Ok(web::redirect(paths::identity::ACCOUNT));
    }
    let (csrf, cookie) = csrf::form_token(ctx, req, None)?;
    let view = RegisterView { csrf, ..Default::default() };
    Ok(html(StatusCode::OK, views::register(&medportal_web::page_context(ctx, info, "", None), &view), cookie))
}

pub async fn register<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, session) = checked_form(ctx, req).await?;
    if session.is_some() {
        return Ok(web::redirect(paths::identity::ACCOUNT));
    }
    let mut view = registration::validate(&form);
    if !view.errors.is_empty() {
        view.csrf = form.get("csrf").to_owned();
        return Ok(html(StatusCode::BAD_REQUEST, views::register(&medportal_web::page_context(ctx, info, "", None), &view), None));
    }
    let request = registration::register(ctx, &view, &client_address(req)?, info.locale).await?;
    Ok(answer(ctx, info, request))
}
