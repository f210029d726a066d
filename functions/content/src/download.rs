//! `/files/{id}`: streams a clean attachment to those who may read its item, and to no one
//! else. Readers (anonymous visitors, HCPs) get it only while the item is live and visible to
//! them (their market, not expired, not withdrawn) and they may read it (an HCP-only item's
//! files only to verified HCPs); staff who govern content get any clean file. Everyone else
//! gets the same 404 as for a file that does not exist. Downloads of HCP-only files and the
//! refusals are audited (in the global log without a reader's id: db_global holds no personal
//! data beyond staff ids).

use http::{HeaderValue, StatusCode, header};
use medportal_auth::Session;
use medportal_core::audit::{AuditEntry, Outcome, commit_global};
use medportal_core::policy::Action;
use medportal_core::upload;
use medportal_core::web::{self, Request, Response};
use medportal_core::{Ctx, Error, Platform, Result};

use crate::files;
use crate::visibility::{Viewer, today};

/// Who may get a file of an item, and whether the download is worth an audit entry.
enum Access {
    Granted { audited: bool },
    Refused,
}

async fn access<P: Platform>(ctx: &Ctx<'_, P>, session: Option<&Session>, req: &Request, f: &files::File) -> Result<Access> {
    if session.is_some_and(|s| s.may(Action::ViewGovernance)) {
        return Ok(Access::Granted { audited: true });
    }
    let viewer = Viewer::of(ctx, session, req).await?;
    let today = today(ctx);
    let live = viewer.live.entries.iter().find(|e| e.item_id == f.item_id && e.files.iter().any(|g| g.id == f.id));
    Ok(match live {
        Some(e) if viewer.sees(e, &today) && viewer.may_read(&e.audience) => Access::Granted { audited: e.audience == "hcp" },
        _ => Access::Refused,
    })
}

/// The audit actor: a staff member's id; a reader only by kind and home region.
fn actor(session: Option<&Session>) -> String {
    match session {
        Some(s) if s.may(Action::ViewGovernance) => s.user_id().to_owned(),
        Some(s) => format!("reader:{}", s.region.code()),
        None => "anonymous".to_owned(),
    }
}

pub async fn file<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let session = medportal_auth::authenticate(ctx, req).await?;
    let f = files::find(&ctx.global_sql().await?, id).await?.ok_or(Error::NotFound)?;
    let (bytes, audited) = match access(ctx, session.as_ref(), req, &f).await? {
        Access::Granted { audited } => (files::bytes(ctx, &f).await?, audited),
        Access::Refused => (None, true),
    };
    if audited {
        let who = actor(session.as_ref());
        let (action, outcome) = if bytes.is_some() { ("content.file_downloaded", Outcome::Success) } else { ("content.file_refused", Outcome::Failure) };
        let why = format!("file={}", f.id);
        let entry = AuditEntry { actor: &who, action, target: Some(&f.item_id), outcome, reason: Some(&why), ..Default::default() };
        commit_global(ctx, Vec::new(), &[entry]).await?;
    }
    let bytes = bytes.ok_or(Error::NotFound)?;
    let mut resp = web::bytes(StatusCode::OK, upload::served_type(&f.content_type), bytes);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_DISPOSITION, web::attachment(&f.name));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    // Kept by `web::secure` (a sandbox policy is stricter than the portal's).
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    Ok(resp)
}
