//! `/admin/verifications`: verifiers of a region review pending requests and their evidence
//! and approve or reject them with a reason (`DecideVerification`, which needs the second
//! factor).

use crate::evidence;
use crate::model::VerificationStatus;
use crate::support::html;
use crate::verification;
use http::{HeaderValue, StatusCode, header};
use medportal_auth::Session;
use medportal_core::policy::Action;
use medportal_core::upload;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::identity::{self as views, ReviewView};

/// The verifier's session.
async fn verifier<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Session> {
    medportal_auth::require(ctx, req, Action::DecideVerification).await
}

/// `GET /admin/verifications`: pending requests of the verifier's region, oldest first.
pub async fn queue<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = verifier(ctx, req).await?;
    let items = verification::queue(ctx, session.region).await?;
    let decided = web::query_param(req, "decided").and_then(|d| VerificationStatus::parse(&d).ok());
    let decided = decided.filter(|s| matches!(s, VerificationStatus::Verified | VerificationStatus::Rejected)).map(|s| s.code());
    let page = medportal_web::page_context(ctx, info, "", Some(&session));
    Ok(medportal_web::html(StatusCode::OK, views::admin_queue(&page, &items, session.region.name(), decided)))
}

/// `GET /admin/verifications/{id}`: one request with its evidence and the decision form.
pub async fn review<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let session = verifier(ctx, req).await?;
    let item = verification::pending_request(ctx, session.region, id).await?;
    let view = ReviewView { csrf: session.claims.csrf.clone(), own: item.user_id == session.user_id(), item, error: None, reason: String::new() };
    Ok(medportal_web::html(StatusCode::OK, views::admin_review(&medportal_web::page_context(ctx, info, "", Some(&session)), &view)))
}

/// `GET /admin/verifications/{id}/evidence`: the stored file, as a download (never rendered
/// inline), audited.
pub async fn evidence<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let session = verifier(ctx, req).await?;
    let (item, blob) = verification::open_evidence(ctx, session.region, session.user_id(), id).await?;
    let mut resp = web::bytes(StatusCode::OK, upload::served_type(&blob.content_type), blob.bytes);
    let name = upload::clean_name(item.evidence_name.as_deref().unwrap_or_default(), evidence::FALLBACK_NAME);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_DISPOSITION, web::attachment(&name));
    // Kept by `web::secure` (a sandbox policy is stricter than the portal's).
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    Ok(resp)
}

/// `POST /admin/verifications/{id}`: approve, or reject with a reason. Verifiers cannot decide
/// their own request. The person is told by email.
pub async fn decide<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let (form, session) = medportal_auth::require_form(ctx, req, Action::DecideVerification).await?;
    let item = verification::pending_request(ctx, session.region, id).await?;
    let reason = form.trimmed("reason").to_owned();
    let approve = match form.get("decision") {
        "approve" => true,
        "reject" => false,
        _ => return Err(Error::bad_request("invalid_decision", "Choose approve or reject.")),
    };
    let problem = verification::decide(ctx, session.region, &item, session.user_id(), approve, &reason, info.locale).await?;
    if let Some(e) = problem {
        let view = ReviewView { csrf: session.claims.csrf.clone(), own: item.user_id == session.user_id(), item, error: Some(e), reason };
        return Ok(html(StatusCode::BAD_REQUEST, views::admin_review(&medportal_web::page_context(ctx, info, "", Some(&session)), &view), None));
    }
    let status = if approve { VerificationStatus::Verified } else { VerificationStatus::Rejected };
    Ok(web::redirect(&format!("{}?decided={}", views::ADMIN_VERIFICATIONS, status.code())))
}
