//! Sign-in (`/login`, the emailed link at `/login/verify`, the staff second factor at
//! `/login/totp`) and sign-out.

use medportal_templates::paths;
use crate::rate_limit::client_address;
use crate::second_factor::{self, Confirmed};
use crate::session;
use crate::links;
use crate::sign_in::{self, LINK_SECS, LOGIN_COOKIE, LinkRequest, Redeemed};
use crate::support::html;
use crate::users::normalise_email;
use medportal_web::with_cookies;
use http::StatusCode;
use medportal_auth::{checked_form, csrf};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Platform, Region, Result};
use medportal_templates::Msg;
use medportal_templates::pages::identity as views;

/// "Check your email", binding the link to this browser; or, when a limit stopped the
/// request, a 429 page saying so and when to try again (the same for every address).
pub(super) fn answer<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, request: LinkRequest) -> Response {
    let page = medportal_web::page_context(ctx, info, "", None);
    match request {
        LinkRequest::Answered(nonce) => {
            let cookie = format!("{LOGIN_COOKIE}={nonce}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={LINK_SECS}");
            html(StatusCode::OK, views::check_email(&page), Some(cookie))
        }
        // 503: the mail is kept and retried; the nonce cookie lets a later delivery work here
        LinkRequest::Deferred(nonce) => {
            let cookie = format!("{LOGIN_COOKIE}={nonce}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={LINK_SECS}");
            html(StatusCode::SERVICE_UNAVAILABLE, views::mail_deferred(&page), Some(cookie))
        }
        LinkRequest::Limited(wait) => {
            let minutes = wait.div_ceil(60);
            let mut resp = html(StatusCode::TOO_MANY_REQUESTS, views::too_many_links(&page, minutes), None);
            resp.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(wait));
            resp
        }
    }
}

pub async fn login_form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = medportal_auth::authenticate(ctx, req).await?;
    if session.is_some() {
        return Ok(web::redirect(paths::identity::ACCOUNT));
    }
    let (csrf, cookie) = csrf::form_token(ctx, req, None)?;
    Ok(html(StatusCode::OK, views::login(&medportal_web::page_context(ctx, info, "", None), &csrf, "", None), cookie))
}

pub async fn login<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, _) = checked_form(ctx, req).await?;
    let raw = form.get("email");
    let Some(email) = normalise_email(raw) else {
        let page = views::login(&medportal_web::page_context(ctx, info, "", None), form.get("csrf"), raw, Some(Msg::IdentityErrorEmail));
        return Ok(html(StatusCode::BAD_REQUEST, page, None));
    };
    let request = sign_in::request_link(ctx, &email, &client_address(req)?, info.locale).await?;
    Ok(answer(ctx, info, request))
}

pub async fn login_confirm<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let region = web::query_param(req, "r").unwrap_or_default();
    let token = web::query_param(req, "t").unwrap_or_default();
    let page = medportal_web::page_context(ctx, info, "", None);
    if Region::from_code(&region).is_none() || token.len() != 43 {
        return Ok(html(StatusCode::BAD_REQUEST, views::link_invalid(&page), None));
    }
    let session = medportal_auth::authenticate(ctx, req).await?;
    let (csrf, cookie) = csrf::form_token(ctx, req, session.as_ref())?;
    Ok(html(StatusCode::OK, views::login_confirm(&page, &csrf, &region, &token), cookie))
}

pub async fn login_verify<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, _) = checked_form(ctx, req).await?;
    let nonce = web::cookie(req, LOGIN_COOKIE).unwrap_or_default();
    let clear = format!("{LOGIN_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok(match links::redeem(ctx, form.get("r"), form.get("t"), &nonce, web::client_address(req)).await? {
        Redeemed::Invalid => html(StatusCode::BAD_REQUEST, views::link_invalid(&medportal_web::page_context(ctx, info, "", None)), None),
        Redeemed::SecondFactor(cookie) => with_cookies(web::redirect(views::SECOND_FACTOR), [cookie, clear]),
        Redeemed::Session(cookie) => with_cookies(web::redirect(paths::identity::ACCOUNT), [cookie, clear]),
    })
}

pub async fn logout<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let (_, session) = checked_form(ctx, req).await?;
    if let Some(s) = session {
        session::close(ctx, &s).await?;
    }
    Ok(with_cookies(web::redirect(paths::content::HOME), [medportal_auth::clear_session_cookie()]))
}

/// `GET /login/totp`: the code form of this browser's second-factor step.
pub async fn second_factor_form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let page = medportal_web::page_context(ctx, info, "", None);
    let Some(step) = second_factor::prompt(ctx, req).await? else {
        return Ok(html(StatusCode::BAD_REQUEST, views::link_invalid(&page), Some(second_factor::clear_cookie())));
    };
    let session = medportal_auth::authenticate(ctx, req).await?;
    let (csrf, cookie) = csrf::form_token(ctx, req, session.as_ref())?;
    Ok(html(StatusCode::OK, views::second_factor(&page, &step.view(csrf, None)), cookie))
}

/// `POST /login/totp`: checks the code; signs in on success.
pub async fn second_factor_submit<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, _) = checked_form(ctx, req).await?;
    let page = medportal_web::page_context(ctx, info, "", None);
    Ok(match second_factor::confirm(ctx, req, form.get("code"), form.get("enrol_code")).await? {
        Confirmed::Invalid => html(StatusCode::BAD_REQUEST, views::link_invalid(&page), Some(second_factor::clear_cookie())),
        Confirmed::Wrong(step, msg) => {
            let view = step.view(form.get("csrf").to_owned(), Some(msg));
            html(StatusCode::BAD_REQUEST, views::second_factor(&page, &view), None)
        }
        Confirmed::Session(cookie) => with_cookies(web::redirect(paths::identity::ACCOUNT), [cookie, second_factor::clear_cookie()]),
    })
}
