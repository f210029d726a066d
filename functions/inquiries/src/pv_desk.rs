//! The pharmacovigilance officers' handlers: the PV case queue of their region, one case
//! with its four minimum elements, the screening's reasons and the follow-ups added to it,
//! and marking it forwarded.

use http::StatusCode;
use medportal_auth::csrf;
use medportal_core::policy::Action;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::inquiries as views;
use medportal_templates::paths::pv as paths;
use time::OffsetDateTime;

use crate::pv::{self, Case, Status};

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn row(c: &Case, now: i64) -> views::CaseRow {
    views::CaseRow {
        href: paths::case(&c.id),
        reference: c.reference.clone(),
        kind: c.kind.code().to_owned(),
        status: c.status.code().to_owned(),
        market: c.market.clone(),
        received: at(c.received_at),
        forward_due: at(c.forward_due_at),
        expedited_due: at(c.expedited_due_at),
        overdue: c.status == Status::Open && c.forward_due_at < now,
    }
}

pub async fn cases<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::HandlePvCases).await?;
    let now = ctx.now().unix_timestamp();
    let all = pv::queue(&ctx.region(s.region).sql().await?).await?;
    let rows: Vec<_> = all.iter().map(|c| row(c, now)).collect();
    Ok(medportal_web::html(StatusCode::OK, views::pv_cases(&medportal_web::page_context(ctx, info, "", Some(&s)), &rows)))
}

pub async fn case<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::HandlePvCases).await?;
    let db = ctx.region(s.region).sql().await?;
    let c = pv::by_id(&db, id).await?.ok_or(Error::NotFound)?;
    let follow_ups = pv::follow_ups(&db, &c.id).await?;
    let (csrf, _) = csrf::form_token(ctx, req, Some(&s))?;
    let view = views::CaseView {
        csrf,
        forward_href: paths::forward(&c.id),
        row: row(&c, ctx.now().unix_timestamp()),
        forwarded: c.forwarded_by.clone().map(|who| (at(c.forwarded_at), who)),
        reporter: c.reporter,
        patient: c.patient,
        product: c.product,
        event: c.event,
        reasons: c.reasons,
        verbatim: c.verbatim,
        follow_ups: follow_ups.into_iter().map(|f| views::CaseFollowUp { received: at(f.received_at), reasons: f.reasons, verbatim: f.verbatim }).collect(),
    };
    Ok(medportal_web::html(StatusCode::OK, views::pv_case(&medportal_web::page_context(ctx, info, "", Some(&s)), &view)))
}

pub async fn forward<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::HandlePvCases).await?;
    // the number of follow-ups the officer's page showed (the case they forward)
    let seen = f.trimmed("seen").parse::<u16>().map_err(|_| Error::bad_request("seen_required", "Open the case again and forward it from there."))?;
    let c = pv::by_id(&ctx.region(s.region).sql().await?, id).await?.ok_or(Error::NotFound)?;
    pv::forward(ctx, s.region, s.user_id(), &c, i64::from(seen)).await?;
    Ok(web::redirect(&paths::case(&c.id)))
}
