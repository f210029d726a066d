//! `/account/step-up`: re-authentication with the second factor for one purpose (signing in
//! content). GET shows the code form; POST checks the code (CSRF first) and, when it is right
//! and unused, renders the page that hands the assertion to the asking page (a plain form: no
//! JavaScript needed).

use crate::step_up::{self, StepUp};
use crate::support::html;
use http::StatusCode;
use medportal_auth::{Session, csrf};
use medportal_core::policy::Action;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::paths::identity::STEP_UP_RETURNS;
use medportal_templates::pages::identity::{self as views, StepUpView};

/// A return path of the allowed kind: a prefix from the paths table, then path characters.
fn valid_return(r: &str) -> bool {
    r.len() <= 200
        && STEP_UP_RETURNS.iter().any(|p| r.starts_with(p))
        && !r.contains("..")
        && r.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_'))
}

/// The purpose and return path, checked; signing is for the roles that sign (a staff session with a
/// second factor: reviewers, compliance officers).
async fn signer<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, purpose: &str, ret: &str) -> Result<Session> {
    let session = medportal_auth::require(ctx, req, Action::StepUp).await?;
    if !step_up::valid_purpose(purpose) || !valid_return(ret) {
        return Err(Error::bad_request("invalid_step_up", "Unknown purpose or return path."));
    }
    Ok(session)
}

pub async fn form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (purpose, ret) = (web::query_param(req, "purpose").unwrap_or_default(), web::query_param(req, "return").unwrap_or_default());
    let session = signer(ctx, req, &purpose, &ret).await?;
    let (csrf, _) = csrf::form_token(ctx, req, Some(&session))?;
    let view = StepUpView { csrf, purpose, ret, ..Default::default() };
    Ok(html(StatusCode::OK, views::step_up(&medportal_web::page_context(ctx, info, "", Some(&session)), &view), None))
}

pub async fn submit<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, _) = medportal_auth::require_form(ctx, req, Action::StepUp).await?;
    let (purpose, ret) = (form.trimmed("purpose").to_owned(), form.trimmed("return").to_owned());
    let session = signer(ctx, req, &purpose, &ret).await?;
    let mut view = StepUpView { csrf: form.get("csrf").to_owned(), purpose, ret, ..Default::default() };
    let page = medportal_web::page_context(ctx, info, "", Some(&session));
    match step_up::confirm(ctx, &session, form.get("code"), &view.purpose).await? {
        StepUp::Confirmed(assertion) => {
            view.assertion = Some(assertion);
            Ok(html(StatusCode::OK, views::step_up(&page, &view), None))
        }
        StepUp::Refused(msg, wait) => {
            view.error = Some(msg);
            let status = if wait.is_some() { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::BAD_REQUEST };
            let mut resp = html(status, views::step_up(&page, &view), None);
            if let Some(w) = wait {
                resp.headers_mut().insert(http::header::RETRY_AFTER, w.into());
            }
            Ok(resp)
        }
    }
}
