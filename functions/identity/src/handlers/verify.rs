//! `/verify`: the verification page and the requests sent from it (NPI, evidence upload,
//! the external provider's round trip).

use medportal_templates::paths;
use crate::evidence;
use crate::model::VerificationStatus;
use crate::npi;
use crate::oidc::{self, Finished};
use crate::session::signed_in;
use crate::support::html;
use crate::users::{self, User};
use crate::rate_limit::client_address;
use crate::verification::{self, NpiSubmission, Upload, expiry_of, may_verify};
use http::StatusCode;
use medportal_auth::{Session, checked_form, csrf};
use medportal_core::upload;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::Msg;
use medportal_templates::pages::identity::{self as views, VerifyView};

/// The verification page: the methods open to this person (NPI for the US, the external
/// provider where configured, evidence upload for everyone), their open request, the last
/// rejection reason and when the current verification lapses.
async fn verify_view<P: Platform>(ctx: &Ctx<'_, P>, session: &Session, user: &User) -> Result<VerifyView> {
    let now = ctx.now().unix_timestamp();
    let (pending, rejection) = verification::open_state(ctx, user).await?;
    let oidc = ctx.config.oidc.as_ref().filter(|o| o.offered_for(&user.country)).map(|o| o.provider_name.clone());
    Ok(VerifyView {
        csrf: session.claims.csrf.clone(),
        status: user.status.code().to_owned(),
        npi: user.country == "US",
        can_verify: may_verify(user, now),
        oidc_provider: oidc,
        pending,
        rejection,
        expiry: expiry_of(user, now),
        max_evidence_bytes: upload::limit(ctx.config),
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
    Ok(html(StatusCode::OK, views::verify(&medportal_web::page_context(ctx, info, "", Some(&session)), &view), cookie))
}

/// `POST /verify`: NPI verification (US). An invalid check digit is answered at once; the
/// registry's answer verifies, rejects, or (unreachable) leaves the request pending.
pub async fn verify<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, session) = checked_form(ctx, req).await?;
    let session = session.ok_or(Error::Unauthenticated)?;
    let user = users::find(ctx, session.region, session.user_id()).await?.ok_or(Error::Unauthenticated)?;
    let npi = form.trimmed("npi").to_owned();
    if user.country != "US" || !may_verify(&user, ctx.now().unix_timestamp()) {
        return Ok(web::redirect(views::VERIFY));
    }
    let mut view = verify_view(ctx, &session, &user).await?;
    view.npi_value = npi.clone();
    let page = medportal_web::page_context(ctx, info, "", Some(&session));
    if !npi::valid(&npi) {
        view.error = Some(Msg::IdentityErrorNpi);
        return Ok(html(StatusCode::BAD_REQUEST, views::verify(&page, &view), None));
    }
    let checked = match verification::submit_npi(ctx, &user, &npi, &client_address(req)?).await? {
        NpiSubmission::Checked(outcome) => outcome,
        NpiSubmission::Limited(wait) => {
            view.error = Some(Msg::IdentityVerifyTooMany);
            view.error_minutes = wait.div_ceil(60);
            let mut resp = html(StatusCode::TOO_MANY_REQUESTS, views::verify(&page, &view), None);
            resp.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(wait));
            return Ok(resp);
        }
    };
    match checked {
        // The next page load re-issues the session with the new status.
        npi::Outcome::Match => Ok(web::redirect(views::VERIFY)),
        npi::Outcome::Unavailable | npi::Outcome::InUse => {
            view.status = VerificationStatus::Pending.code().into();
            let (status, msg) = if checked == npi::Outcome::InUse {
                (StatusCode::ACCEPTED, Msg::IdentityVerifyReview)
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, Msg::IdentityVerifyUnavailable)
            };
            view.outcome = Some(msg);
            Ok(html(status, views::verify(&page, &view), None))
        }
        _ => {
            view.status = VerificationStatus::Rejected.code().into();
            view.error = Some(Msg::IdentityVerifyFailed);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, views::verify(&page, &view), None))
        }
    }
}

/// `POST /verify/evidence` (multipart): stores the evidence in the home region and opens a
/// pending request in the verifiers' queue.
pub async fn upload<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let parts = web::multipart(req)?;
    let fields = web::multipart_fields(&parts)?;
    let session = medportal_auth::authenticate(ctx, req).await?;
    csrf::check(ctx.config, req, &fields, session.as_ref())?;
    let session = session.ok_or(Error::Unauthenticated)?;
    let user = users::find_active(ctx, session.region, session.user_id()).await?;
    if !may_verify(&user, ctx.now().unix_timestamp()) {
        return Ok(web::redirect(views::VERIFY));
    }
    let mut view = verify_view(ctx, &session, &user).await?;
    if view.pending.is_some() {
        return Ok(web::redirect(views::VERIFY));
    }
    let note = fields.trimmed("note").to_owned();
    view.note_value = note.clone();
    let file = parts.iter().find(|p| p.name == "evidence" && p.filename.as_deref().is_some_and(|f| !f.is_empty()));
    let error = evidence::problem(ctx.config, file.map(|f| f.data.as_slice()), &note);
    let (Some(file), None) = (file, error) else {
        view.evidence_error = error;
        return Ok(html(StatusCode::BAD_REQUEST, views::verify(&medportal_web::page_context(ctx, info, "", Some(&session)), &view), None));
    };
    let upload = Upload { data: &file.data, file_name: file.filename.as_deref().unwrap_or(""), note: &note };
    verification::submit_evidence(ctx, &user, &upload).await?;
    Ok(web::redirect(&format!("{}?done=evidence", paths::identity::VERIFY)))
}

/// `POST /verify/oidc`: starts the external provider's flow (CSRF-checked) and redirects there.
pub async fn oidc_start<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let (_, session) = checked_form(ctx, req).await?;
    let session = session.ok_or(Error::Unauthenticated)?;
    match oidc::start(ctx, session.region, session.user_id()).await? {
        Some(location) => Ok(web::redirect(&location)),
        None => Ok(web::redirect(paths::identity::VERIFY)),
    }
}

/// `GET /verify/oidc/callback?code&state` (or `error`): finishes the flow for the signed-in
/// person who started it.
pub async fn oidc_callback<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let (_, user, _) = signed_in(ctx, req).await?;
    let state = web::query_param(req, "state").unwrap_or_default();
    let error = web::query_param(req, "error").is_some();
    match oidc::finish(ctx, &user, &state, error, web::query_param(req, "code")).await? {
        Finished::Cancelled => Ok(web::redirect(&format!("{}?done=cancelled", paths::identity::VERIFY))),
        Finished::Decided => Ok(web::redirect(paths::identity::VERIFY)),
    }
}
