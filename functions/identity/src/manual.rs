//! Manual verification: the HCP uploads evidence (stored in their home region's object
//! storage) and a verifier of that region approves or rejects it with a reason.

use crate::flows::{decision_statements, html, may_verify, verify_view};
use crate::{page_ctx, users};
use http::{HeaderValue, StatusCode, header};
use medportal_auth::{Session, csrf};
use medportal_core::audit::{AuditEntry, Outcome, funnel};
use medportal_core::policy::Action;
use medportal_core::ports::{Mail, Mailer, Statement};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Config, Ctx, Error, Platform, Result};
use medportal_templates::pages::identity::{self as views, QueueItem, ReviewView};
use medportal_templates::{Msg, t, tf};
use time::OffsetDateTime;

/// Room left in the request body for the multipart framing and the other fields.
const FORM_OVERHEAD: usize = 16 * 1024;
const MAX_NOTE: usize = 500;
const MAX_REASON: usize = 300;

/// The largest evidence file accepted (the request body limit less the form around it).
pub fn evidence_limit(config: &Config) -> usize {
    config.max_body_bytes.saturating_sub(FORM_OVERHEAD)
}

/// The type of an evidence file, from its content (never from the name or declared type).
fn sniff(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if data.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if data.starts_with(b"\xff\xd8\xff") {
        Some(("image/jpeg", "jpg"))
    } else {
        None
    }
}

/// A file name safe to show and to offer for download.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ')).take(100).collect();
    if cleaned.trim().is_empty() { "evidence".into() } else { cleaned.trim().to_owned() }
}

fn time_of(unix: i64) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(unix).map_err(Error::internal)
}

/// `POST /verify/evidence` (multipart): stores the evidence in the home region and opens a
/// pending request in the verifiers' queue.
pub async fn upload<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let parts = web::multipart(req)?;
    let form = web::multipart_fields(&parts)?;
    let session = medportal_auth::authenticate(ctx, req).await?;
    csrf::check(ctx.config, req, &form, session.as_ref())?;
    let session = session.ok_or(Error::Unauthenticated)?;
    let user = users::find(ctx, session.region, session.user_id()).await?.filter(|u| u.active).ok_or(Error::Unauthenticated)?;
    let now = ctx.now().unix_timestamp();
    if !may_verify(&user, now) {
        return Ok(web::redirect(views::VERIFY));
    }
    let mut view = verify_view(ctx, &session, &user).await?;
    if view.pending.is_some() {
        return Ok(web::redirect(views::VERIFY));
    }
    let note = form.iter().find(|(k, _)| k == "note").map_or("", |(_, v)| v.as_str()).trim().to_owned();
    view.note_value = note.clone();
    let file = parts.iter().find(|p| p.name == "evidence" && p.filename.as_deref().is_some_and(|f| !f.is_empty()));
    let error = match file {
        None => Some(Msg::IdentityEvidenceMissing),
        Some(f) if f.data.is_empty() => Some(Msg::IdentityEvidenceMissing),
        Some(f) if f.data.len() > evidence_limit(ctx.config) => Some(Msg::IdentityEvidenceTooLarge),
        Some(f) if sniff(&f.data).is_none() => Some(Msg::IdentityEvidenceType),
        _ if note.chars().count() > MAX_NOTE || note.chars().any(|c| c.is_control() && c != '\n' && c != '\r') => Some(Msg::IdentityEvidenceNote),
        _ => None,
    };
    let (Some(file), None) = (file, error) else {
        view.evidence_error = error;
        return Ok(html(StatusCode::BAD_REQUEST, views::verify(&page_ctx(ctx, info, Some(&session)), &view), None));
    };
    let (content_type, ext) = sniff(&file.data).ok_or(Error::Internal("sniffed".into()))?;
    let vid = ctx.random_id()?;
    let object = format!("evidence/{}/{vid}.{ext}", user.id);
    let name = clean_name(file.filename.as_deref().unwrap_or(""));
    // The object first: a request never points at evidence that is not stored.
    ctx.region(user.region).blob().await?.put(&user.region, &object, &file.data, content_type).await?;
    let submitted = AuditEntry { actor: &user.id, action: "verification.submitted", target: Some(&user.id), outcome: Outcome::Success, reason: Some("manual") };
    let stmts = [
        Statement::new(
            "INSERT INTO verifications (id, user_id, method, status, reference, evidence_type, evidence_name, note, created_at) \
             VALUES (?1, ?2, 'manual', 'pending', ?3, ?4, ?5, ?6, ?7)",
            vec![vid.as_str().into(), user.id.as_str().into(), object.as_str().into(), content_type.into(), name.as_str().into(), note.as_str().into(), now.into()],
        ),
        Statement::new(
            "UPDATE users SET verification_status = 'pending' WHERE id = ?1 AND verification_status <> 'verified'",
            vec![user.id.as_str().into()],
        ),
        submitted.statement(ctx.random_id()?, now),
        funnel(ctx.random_id()?, now, Some(&user.id), "verification_submitted"),
    ];
    ctx.region(user.region).sql().await?.batch(&user.region, &stmts).await?;
    Ok(web::redirect("/verify?done=evidence"))
}

/// The verifier's session: `DecideVerification` (which needs the second factor).
async fn verifier<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Session> {
    medportal_auth::require(ctx, req, Action::DecideVerification).await
}

const QUEUE_SQL: &str = "SELECT v.id, v.user_id, v.method, v.created_at, v.reference, v.evidence_type, v.evidence_name, v.note, \
     u.display_name, u.email, u.country, u.profession, v.reason \
     FROM verifications v JOIN users u ON u.id = v.user_id";

fn item_of(r: &medportal_core::ports::Row) -> Result<QueueItem> {
    Ok(QueueItem {
        id: r.text(0)?,
        user_id: r.text(1)?,
        method: r.text(2)?,
        submitted: time_of(r.int(3)?)?,
        reference: r.opt_text(4)?,
        evidence_type: r.opt_text(5)?,
        evidence_name: r.opt_text(6)?,
        note: r.opt_text(7)?,
        name: r.text(8)?,
        email: r.text(9)?,
        country: r.text(10)?,
        profession: r.text(11)?,
        reason: r.opt_text(12)?,
    })
}

/// `GET /admin/verifications`: pending requests of the verifier's region, oldest first.
pub async fn queue<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = verifier(ctx, req).await?;
    let db = ctx.region(session.region).sql().await?;
    let rows = db.query(&format!("{QUEUE_SQL} WHERE v.status = 'pending' ORDER BY v.created_at LIMIT 200"), &[]).await?;
    let items = rows.iter().map(item_of).collect::<Result<Vec<_>>>()?;
    let decided = web::query_param(req, "decided").filter(|d| d == "verified" || d == "rejected");
    let page = page_ctx(ctx, info, Some(&session));
    Ok(web::html(StatusCode::OK, views::admin_queue(&page, &items, session.region.name(), decided.as_deref())))
}

async fn pending_item<P: Platform>(ctx: &Ctx<'_, P>, session: &Session, id: &str) -> Result<QueueItem> {
    let db = ctx.region(session.region).sql().await?;
    let rows = db.query(&format!("{QUEUE_SQL} WHERE v.id = ?1 AND v.status = 'pending'"), &[id.into()]).await?;
    rows.first().map(item_of).transpose()?.ok_or(Error::NotFound)
}

/// `GET /admin/verifications/{id}`: one request with its evidence and the decision form.
pub async fn review<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let session = verifier(ctx, req).await?;
    let item = pending_item(ctx, &session, id).await?;
    let view = ReviewView { csrf: session.claims.csrf.clone(), own: item.user_id == session.user_id(), item, error: None, reason: String::new() };
    Ok(web::html(StatusCode::OK, views::admin_review(&page_ctx(ctx, info, Some(&session)), &view)))
}

/// `GET /admin/verifications/{id}/evidence`: the stored file, as a download (never rendered
/// inline), audited.
pub async fn evidence<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let session = verifier(ctx, req).await?;
    let item = pending_item(ctx, &session, id).await?;
    let object = item.reference.as_deref().filter(|r| r.starts_with("evidence/")).ok_or(Error::NotFound)?;
    let blob = ctx.region(session.region).blob().await?.get(object).await?.ok_or(Error::NotFound)?;
    let now = ctx.now().unix_timestamp();
    let entry = AuditEntry { actor: session.user_id(), action: "verification.evidence_viewed", target: Some(&item.id), outcome: Outcome::Success, reason: None };
    ctx.region(session.region).sql().await?.batch(&session.region, &[entry.statement(ctx.random_id()?, now)]).await?;
    let content_type = match blob.content_type.as_str() {
        "application/pdf" => "application/pdf",
        "image/png" => "image/png",
        "image/jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };
    let mut resp = web::bytes(StatusCode::OK, content_type, blob.bytes);
    let name = clean_name(item.evidence_name.as_deref().unwrap_or("evidence"));
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", name.replace('"', ""))) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    Ok(resp)
}

/// `POST /admin/verifications/{id}`: approve, or reject with a reason. Verifiers cannot decide
/// their own request. The person is told by email.
pub async fn decide<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let (form, session) = medportal_auth::require_form(ctx, req, Action::DecideVerification).await?;
    let item = pending_item(ctx, &session, id).await?;
    let get = |n: &str| form.iter().find(|(k, _)| k == n).map_or("", |(_, v)| v.as_str());
    let reason = get("reason").trim().to_owned();
    let approve = match get("decision") {
        "approve" => true,
        "reject" => false,
        _ => return Err(Error::bad_request("invalid_decision", "Choose approve or reject.")),
    };
    let own = item.user_id == session.user_id();
    let error = if own {
        Some(Msg::IdentityReviewOwn)
    } else if !approve && reason.is_empty() {
        Some(Msg::IdentityReviewReasonMissing)
    } else if reason.chars().count() > MAX_REASON || reason.chars().any(char::is_control) {
        Some(Msg::IdentityReviewReasonTooLong)
    } else {
        None
    };
    if let Some(e) = error {
        let view = ReviewView { csrf: session.claims.csrf.clone(), own, item, error: Some(e), reason };
        return Ok(html(StatusCode::BAD_REQUEST, views::admin_review(&page_ctx(ctx, info, Some(&session)), &view), None));
    }
    let now = ctx.now().unix_timestamp();
    let status = if approve { "verified" } else { "rejected" };
    let code = if approve { "evidence_accepted" } else { "evidence_rejected" };
    let actor = session.user_id().to_owned();
    // Guarded so that a request decided meanwhile (another verifier) is not decided twice.
    let mut stmts = vec![Statement::new(
        "UPDATE verifications SET status = ?2, reason = ?3, decided_by = ?4, decided_at = ?5, expires_at = ?6 \
         WHERE id = ?1 AND status = 'pending'",
        vec![
            item.id.as_str().into(),
            status.into(),
            (if reason.is_empty() { code.to_owned() } else { reason.clone() }).into(),
            actor.as_str().into(),
            now.into(),
            approve.then_some(now + crate::flows::VERIFIED_FOR_SECS).into(),
        ],
    )];
    stmts.extend(decision_statements(ctx, &item.user_id, approve, &actor, code, now)?);
    ctx.region(session.region).sql().await?.batch(&session.region, &stmts).await?;
    if let Some(user) = users::find(ctx, session.region, &item.user_id).await? {
        let l = info.locale;
        let text = if approve {
            tf(l, Msg::IdentityMailDecisionApproved, &[("name", &user.name)])
        } else {
            tf(l, Msg::IdentityMailDecisionRejected, &[("name", &user.name), ("reason", &reason)])
        };
        let mail = Mail { to: user.email.clone(), subject: t(l, Msg::IdentityMailDecisionSubject).to_owned(), text };
        ctx.mailer(session.region).send(&mail).await?;
    }
    Ok(web::redirect(&format!("{}?decided={status}", views::ADMIN_VERIFICATIONS)))
}
