//! The compliance officers' handling of data-subject requests (`/compliance/dsar`) of their
//! own region: the queue (due first), one request with the person's export, and the decision,
//! signed with a fresh second factor (identity's step-up assertion for
//! `sign:<request id>:<decision>:dsar`, used once). Erasure runs the erasure rules; every
//! export and decision is audited.

use http::StatusCode;
use medportal_auth::Session;
use medportal_core::audit::{self, AuditEntry, Outcome};
use medportal_core::policy::Action;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::compliance::{self as views, DsarItemView, DsarQueueView};
use medportal_templates::paths;

use crate::erasure;
use crate::requests::{self, Decision, Status};
use crate::views::row;

async fn load<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, id: &str) -> Result<requests::Request> {
    requests::find(&ctx.region(s.region).sql().await?, id).await?.ok_or(Error::NotFound)
}

/// The step-up purpose of deciding `id` with `d`.
fn purpose(id: &str, d: Decision) -> String {
    format!("sign:{id}:{}:dsar", d.code())
}

pub async fn queue<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::HandleDataRequests).await?;
    // Decided erasures left unfinished are finished first (each failure logged, left for later).
    if let Err(e) = erasure::finish_pending(ctx, s.region).await {
        ctx.log(medportal_core::ports::LogLevel::Error, &format!("erasure steps: {e}"));
    }
    let now = ctx.now().unix_timestamp();
    let rows = requests::queue(&ctx.region(s.region).sql().await?).await?.iter().map(|r| row(r, now)).collect();
    let view = DsarQueueView { region: s.region.code().to_owned(), rows };
    Ok(medportal_web::html(StatusCode::OK, views::dsar_queue(&medportal_web::page_context(ctx, info, "", Some(&s)), &view)))
}

pub async fn item<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::HandleDataRequests).await?;
    let r = load(ctx, &s, id).await?;
    let ret = paths::audit::dsar_decide(&r.id);
    let decisions = Decision::for_kind(r.kind)
        .iter()
        .map(|d| (d.code().to_owned(), format!("{}?purpose={}&return={}", paths::identity::STEP_UP, web::url_encode(&purpose(&r.id, *d)), web::url_encode(&ret))))
        .collect();
    let view = DsarItemView { row: row(&r, ctx.now().unix_timestamp()), subject: r.user_id.clone(), decisions };
    Ok(medportal_web::html(StatusCode::OK, views::dsar_item(&medportal_web::page_context(ctx, info, "", Some(&s)), &view)))
}

/// The person's export for an open request, audited against the request.
pub async fn export<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::HandleDataRequests).await?;
    let r = load(ctx, &s, id).await?;
    if r.status != Status::Open {
        return Err(Error::Conflict { code: "request_decided" });
    }
    let archive = erasure::export(ctx, s.region, &r.user_id).await?;
    let entry = AuditEntry { actor: s.user_id(), action: "privacy.export", target: Some(&r.id), outcome: Outcome::Success, reason: None, ..Default::default() };
    audit::commit(ctx, s.region, vec![], &[entry]).await?;
    Ok(crate::privacy::download(&archive))
}

/// The decision, from identity's step-up page: the assertion must name the officer, their
/// region, this request and a decision open to its kind; the comment is the reason.
pub async fn decide<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (form, s) = medportal_auth::require_form(ctx, req, Action::HandleDataRequests).await?;
    let r = load(ctx, &s, id).await?;
    let keys = medportal_auth::KeySet::cached(ctx.config)?;
    let now = ctx.now().unix_timestamp();
    let a = medportal_auth::step_up::verify(ctx.signatures(), &keys, form.get(medportal_auth::step_up::FIELD).trim(), now).await;
    let decision = a.as_ref().filter(|a| a.sub == s.user_id() && a.rgn == s.region.code()).and_then(|a| {
        Decision::for_kind(r.kind).iter().copied().find(|d| a.purpose == purpose(&r.id, *d))
    });
    let (Some(a), Some(decision)) = (a.as_ref(), decision) else { return Err(Error::Forbidden { code: "step_up_required" }) };
    if r.status != Status::Open {
        return Err(Error::Conflict { code: "request_decided" });
    }
    let reason = Some(form.trimmed("comment")).filter(|c| !c.is_empty());
    // A decision another officer committed since `r` was read refuses the batch (a guard).
    let decided = |e| audit::conflict_if_refused(e, "request_decided");
    if decision == Decision::Erase {
        erasure::erase(ctx, s.region, &r, s.user_id(), &a.id, reason).await.map_err(decided)?;
    } else {
        let status = if decision == Decision::Refuse { Status::Refused } else { Status::Completed };
        let stmts = requests::decide(&r, status, s.user_id(), &a.id, reason, None, now);
        let action = format!("privacy.request.{}", decision.code());
        let entry = AuditEntry { actor: s.user_id(), action: &action, target: Some(&r.id), outcome: Outcome::Success, reason: None, ..Default::default() };
        audit::commit(ctx, s.region, stmts.into(), &[entry]).await.map_err(decided)?;
    }
    Ok(web::redirect(&paths::audit::dsar_item(&r.id)))
}
