//! The HCP's handlers: the form and its exactly-once submission, "My inquiries", the thread
//! (owner only: anyone else gets the same 404 as for a reference that does not exist),
//! follow-ups, rating, closing.

use http::StatusCode;
use medportal_auth::{Session, csrf};
use medportal_core::policy::Action;
use medportal_core::web::{self, Form, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::{self, inquiries as views};
use medportal_templates::paths::inquiries as paths;

use crate::form_keys;
use crate::inquiry::{self, Asker, Inquiry, Submitted};
use crate::model::Status;
use crate::off_label;
use crate::thread;

/// The caller's own inquiry `reference`, or 404 (also for someone else's).
async fn own<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, reference: &str) -> Result<Inquiry> {
    let db = ctx.region(s.region).sql().await?;
    inquiry::by_reference(&db, reference).await?.filter(|i| i.user_id == s.user_id()).ok_or(Error::NotFound)
}

/// `/inquiries`: "My inquiries" for a verified HCP, the service's landing page for others.
pub async fn landing<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = medportal_auth::authenticate(ctx, req).await?;
    let page = medportal_web::page_context(ctx, info, req.uri().query().unwrap_or(""), session.as_ref());
    let Some(s) = session.filter(|s| s.may(Action::SubmitInquiry)) else {
        return Ok(medportal_web::html(StatusCode::OK, pages::inquiries_landing(&page)));
    };
    let now = ctx.now().unix_timestamp();
    let mine = inquiry::of_owner(&ctx.region(s.region).sql().await?, s.user_id()).await?;
    let rows: Vec<_> = mine.iter().map(|i| crate::views::row(i, paths::thread(&i.reference), now)).collect();
    Ok(medportal_web::html(StatusCode::OK, views::mine(&page, &rows)))
}

pub async fn new_form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::SubmitInquiry).await?;
    let (csrf, _) = csrf::form_token(ctx, req, Some(&s))?;
    let view = views::FormView { csrf, key: form_keys::fresh(ctx)?, ..Default::default() };
    Ok(medportal_web::html(StatusCode::OK, views::inquiry_form(&medportal_web::page_context(ctx, info, "", Some(&s)), &view)))
}

fn submitted(f: &Form) -> Submitted {
    Submitted {
        question: f.get("question").replace("\r\n", "\n"),
        product: f.trimmed("product").to_owned(),
        category: f.trimmed("category").to_owned(),
        urgency: f.trimmed("urgency").to_owned(),
        channel: f.trimmed("channel").to_owned(),
        patient_context: f.get("patient_context").replace("\r\n", "\n"),
        acknowledged: f.checkbox("acknowledged"),
    }
}

/// POST `/inquiries/new`: the form again with every problem, or the confirmation (the same
/// one for every repeat of the form's key).
pub async fn submit<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::SubmitInquiry).await?;
    let page = medportal_web::page_context(ctx, info, "", Some(&s));
    let sent = submitted(&f);
    let draft = match inquiry::validate(ctx, &sent).await? {
        Ok(d) => d,
        Err(errors) => {
            let (csrf, _) = csrf::form_token(ctx, req, Some(&s))?;
            let Submitted { question, product, category, urgency, channel, patient_context, acknowledged } = sent;
            let errors = errors.into_iter().map(|(a, b)| (a.to_owned(), b.to_owned())).collect();
            let key = form_keys::parse(f.trimmed("key"))?.to_owned();
            let view = views::FormView { csrf, key, question, product, category, urgency, channel, patient_context, acknowledged, errors };
            return Ok(medportal_web::html(StatusCode::UNPROCESSABLE_ENTITY, views::inquiry_form(&page, &view)));
        }
    };
    let who = Asker { user_id: s.user_id(), region: s.region, market: s.country(), language: page.locale.code(), at: received_at(ctx, &f) };
    let inq = inquiry::submit(ctx, &who, f.trimmed("key"), &draft).await?;
    Ok(medportal_web::html(StatusCode::OK, views::confirmation(&page, &inq.reference, inquiry::due_at(&inq))))
}

/// The receipt time: now. In development builds with dev mode on, the contract suite may set
/// it (`dev_received_at`, unix seconds) to prove due times across weekends and holidays.
fn received_at<P: Platform>(ctx: &Ctx<'_, P>, f: &Form) -> time::OffsetDateTime {
    #[cfg(any(test, feature = "dev"))]
    if ctx.config.dev_mode
        && let Some(at) = f.trimmed("dev_received_at").parse::<i64>().ok().and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
    {
        return at;
    }
    let _ = f;
    ctx.now()
}

pub async fn thread<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, reference: &str) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::SubmitInquiry).await?;
    let inq = own(ctx, &s, reference).await?;
    let db = ctx.region(s.region).sql().await?;
    let (messages, off) = (thread::messages(&db, &inq.id, false).await?, off_label::of(&db, &inq.id).await?);
    let (csrf, _) = csrf::form_token(ctx, req, Some(&s))?;
    let page = medportal_web::page_context(ctx, info, "", Some(&s));
    let view = crate::views::thread(&inq, &messages, off, page.locale.code(), csrf);
    Ok(medportal_web::html(StatusCode::OK, views::thread(&page, &view)))
}

/// What the owner can do in the thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerAction {
    FollowUp,
    Rate,
    Close,
}

pub async fn act<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, reference: &str, what: OwnerAction) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::SubmitInquiry).await?;
    let inq = own(ctx, &s, reference).await?;
    match what {
        OwnerAction::FollowUp => inquiry::follow_up(ctx, s.region, s.user_id(), &inq, f.get("body")).await?,
        OwnerAction::Rate => inquiry::rate(ctx, s.region, s.user_id(), &inq, f.trimmed("rating")).await?,
        OwnerAction::Close => inquiry::set_status(ctx, s.region, s.user_id(), &inq, Status::Closed).await?,
    }
    Ok(web::redirect(&paths::thread(&inq.reference)))
}
