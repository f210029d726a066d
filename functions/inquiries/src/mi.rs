//! The Medical Information specialists' handlers: the queue of their region (due first), one
//! inquiry with its whole thread (internal notes included), assignment, status changes,
//! notes and the answer, which cites published library versions and tells the HCP by mail.

use http::StatusCode;
use medportal_auth::{Session, csrf};
use medportal_core::policy::Action;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::inquiries as views;
use medportal_templates::paths::inquiries as paths;

use crate::citations;
use crate::inquiry::{self, Inquiry};
use crate::model::Status;
use crate::notify;
use crate::off_label;
use crate::pv;
use crate::thread;

async fn load<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, reference: &str) -> Result<Inquiry> {
    inquiry::by_reference(&ctx.region(s.region).sql().await?, reference).await?.ok_or(Error::NotFound)
}

pub async fn queue<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::TriageInquiry).await?;
    let now = ctx.now().unix_timestamp();
    let open = inquiry::queue(&ctx.region(s.region).sql().await?).await?;
    let rows: Vec<_> = open.iter().map(|i| crate::views::row(i, paths::mi_inquiry(&i.reference), now)).collect();
    Ok(medportal_web::html(StatusCode::OK, views::queue(&medportal_web::page_context(ctx, info, "", Some(&s)), &rows)))
}

pub async fn metrics<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::TriageInquiry).await?;
    let m = inquiry::metrics(&ctx.region(s.region).sql().await?).await?;
    let view = views::MetricsView {
        total: m.total,
        open: m.open,
        answered: m.answered,
        on_time: m.on_time,
        first_response_hours: m.first_response / 3600,
        products: m.products,
        categories: m.categories,
    };
    Ok(medportal_web::html(StatusCode::OK, views::metrics(&medportal_web::page_context(ctx, info, "", Some(&s)), &view)))
}

pub async fn inquiry<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, reference: &str) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::TriageInquiry).await?;
    let inq = load(ctx, &s, reference).await?;
    let db = ctx.region(s.region).sql().await?;
    let messages = thread::messages(&db, &inq.id, true).await?;
    let flags = pv::of_inquiry(&db, &inq.id).await?;
    let off = off_label::of(&db, &inq.id).await?;
    let (csrf, _) = csrf::form_token(ctx, req, Some(&s))?;
    let page = medportal_web::page_context(ctx, info, "", Some(&s));
    let moves = [Status::Triaged, Status::InProgress, Status::Referred, Status::Closed]
        .into_iter()
        .filter(|to| inq.status.may_become(*to) && !(inq.status == Status::Answered && *to == Status::InProgress))
        .map(Status::code)
        .collect();
    let view = views::WorkView {
        thread: crate::views::thread(&inq, &messages, off, page.locale.code(), csrf),
        mine: inq.assignee.as_deref() == Some(s.user_id()),
        assignee: inq.assignee.clone(),
        moves,
        open: inq.status.open(),
        answered: inq.answered_at > 0,
        flags: flags.into_iter().map(|c| views::FlagView { kind: c.kind.code().to_owned(), status: c.status.code().to_owned(), reasons: c.reasons }).collect(),
    };
    Ok(medportal_web::html(StatusCode::OK, views::workspace(&page, &view)))
}

/// What a specialist does to an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    Assign,
    Status,
    Note,
    Answer,
    OffLabel,
    OffLabelUndo,
}

pub async fn act<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, reference: &str, what: Work) -> Result<Response> {
    let needs = if what == Work::Answer { Action::AnswerInquiry } else { Action::TriageInquiry };
    let (f, s) = medportal_auth::require_form(ctx, req, needs).await?;
    let inq = load(ctx, &s, reference).await?;
    let (region, me) = (s.region, s.user_id());
    match what {
        Work::Assign => {
            inquiry::assign(ctx, region, me, &inq).await?;
            if inq.status == Status::Received {
                notify::owner(ctx, region, &inq).await;
            }
        }
        Work::Note => inquiry::note(ctx, region, me, &inq, f.get("body")).await?,
        Work::OffLabel => off_label::mark(ctx, region, me, &inq, f.get("use")).await?,
        Work::OffLabelUndo => off_label::undo(ctx, region, me, &inq, f.get("reason")).await?,
        Work::Status => {
            let to = Status::parse(f.trimmed("to")).ok_or_else(|| Error::bad_request("invalid_status", "Choose a status."))?;
            inquiry::set_status(ctx, region, me, &inq, to).await?;
            notify::owner(ctx, region, &inq).await;
        }
        Work::Answer => {
            let cited = citations::resolve(ctx, f.get("citations")).await?;
            inquiry::answer(ctx, region, me, &inq, f.get("body"), &cited).await?;
            notify::owner(ctx, region, &inq).await;
        }
    }
    Ok(web::redirect(&paths::mi_inquiry(&inq.reference)))
}
