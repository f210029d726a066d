//! A person's data-protection requests (`/account/privacy`): their own export (Art. 15/20,
//! at once), and requests for a checked copy, rectification or erasure that a compliance
//! officer of their region handles within one month. Every request and export is audited.

use http::{StatusCode, header};
use medportal_auth::Session;
use medportal_core::audit::{self, AuditEntry, Outcome};
use medportal_core::policy::Action;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Platform, Result};
use medportal_templates::pages::compliance::{self as views, PrivacyView};
use medportal_templates::{Msg, paths};

use crate::erasure;
use crate::requests::{self, Kind};
use crate::views::row;

pub async fn page<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::ViewOwnAccount).await?;
    let query = req.uri().query().unwrap_or("");
    let sent = query.split('&').any(|kv| kv == "sent=1");
    render(ctx, info, &s, PrivacyView { kind: String::new(), ..Default::default() }, sent, StatusCode::OK).await
}

async fn render<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, s: &Session, mut v: PrivacyView, sent: bool, status: StatusCode) -> Result<Response> {
    let now = ctx.now().unix_timestamp();
    let mine = requests::of_person(&ctx.region(s.region).sql().await?, s.user_id()).await?;
    v.csrf = s.claims.csrf.clone();
    v.region = s.region.code().to_owned();
    v.sent_due = mine.first().filter(|_| sent).map(|r| r.due_at);
    v.requests = mine.iter().map(|r| row(r, now)).collect();
    let page = medportal_web::page_context(ctx, info, "", Some(s));
    Ok(medportal_web::html(status, views::account_privacy(&page, &v)))
}

/// The request form: one open request per kind; audited against the request.
pub async fn submit<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, s) = medportal_auth::require_form(ctx, req, Action::ViewOwnAccount).await?;
    let (kind, details) = (Kind::parse(form.get("kind")), form.trimmed("details"));
    let sql = ctx.region(s.region).sql().await?;
    let error = match kind {
        None => Some(("kind", Msg::PrivacyErrKind)),
        Some(_) if details.chars().count() > requests::DETAILS_MAX => Some(("details", Msg::PrivacyErrDetails)),
        Some(k) if requests::has_open(&sql, s.user_id(), k).await? => Some(("kind", Msg::PrivacyErrOpen)),
        Some(_) => None,
    };
    let (Some(kind), None) = (kind, error) else {
        let v = PrivacyView { kind: form.get("kind").to_owned(), details: details.to_owned(), error, ..Default::default() };
        return render(ctx, info, &s, v, false, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let id = ctx.random_id()?;
    let stmt = requests::create(&id, s.user_id(), kind, Some(details).filter(|d| !d.is_empty()), ctx.now().unix_timestamp());
    let action = format!("privacy.request.{}", kind.code());
    let entry = AuditEntry { actor: s.user_id(), action: &action, target: Some(&id), outcome: Outcome::Success, reason: None, ..Default::default() };
    audit::commit(ctx, s.region, vec![stmt], &[entry]).await?;
    Ok(web::redirect(&format!("{}?sent=1", paths::audit::ACCOUNT_PRIVACY)))
}

/// The person's own machine-readable export, audited.
pub async fn export<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::ViewOwnAccount).await?;
    let archive = erasure::export(ctx, s.region, s.user_id()).await?;
    let entry = AuditEntry { actor: s.user_id(), action: "privacy.export", target: Some(s.user_id()), outcome: Outcome::Success, reason: Some("self"), ..Default::default() };
    audit::commit(ctx, s.region, vec![], &[entry]).await?;
    Ok(download(&archive))
}

/// A JSON archive as a download (never cached).
pub fn download(archive: &serde_json::Value) -> Response {
    let mut resp = web::json(StatusCode::OK, archive);
    resp.headers_mut().insert(header::CONTENT_DISPOSITION, web::attachment("medportal-personal-data.json"));
    resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    resp
}
