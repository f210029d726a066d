//! Evolving FAQs' handlers: the specialist's FAQ draft form (the de-identified proposal) and
//! its submission, and the readers' `/faq` page.

use http::StatusCode;
use medportal_auth::{Session, csrf};
use medportal_core::policy::Action;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::inquiries as views;
use medportal_templates::paths::content as content_paths;

use crate::faq;
use crate::inquiry::{self, Inquiry};

/// The anonymous reader's market choice, as content's library pages keep it.
const MARKET: &str = "market";

async fn load<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, reference: &str) -> Result<Inquiry> {
    inquiry::by_reference(&ctx.region(s.region).sql().await?, reference).await?.ok_or(Error::NotFound)
}

/// GET: the form with the proposal.
pub async fn form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, reference: &str) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::AnswerInquiry).await?;
    let inq = load(ctx, &s, reference).await?;
    let proposal = faq::propose(ctx, s.region, &inq).await?;
    let (csrf, _) = csrf::form_token(ctx, req, Some(&s))?;
    let view = views::FaqFormView { reference: inq.reference, csrf, question: proposal.question, answer: proposal.answer, error: None };
    Ok(medportal_web::html(StatusCode::OK, views::faq_form(&medportal_web::page_context(ctx, info, "", Some(&s)), &view)))
}

/// POST: the draft into review, or the form again with what was wrong.
pub async fn create<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, reference: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::AnswerInquiry).await?;
    let inq = load(ctx, &s, reference).await?;
    let (question, answer) = (f.get("question").replace("\r\n", "\n"), f.get("answer").replace("\r\n", "\n"));
    let page = medportal_web::page_context(ctx, info, "", Some(&s));
    match faq::create(ctx, s.region, s.user_id(), &inq, &question, &answer).await {
        Ok(id) => Ok(medportal_web::html(StatusCode::OK, views::faq_created(&page, &inq.reference, &content_paths::review_item(&id)))),
        Err(Error::BadRequest { code, .. }) => {
            let view = views::FaqFormView { reference: inq.reference, csrf: s.claims.csrf.clone(), question, answer, error: Some(code.to_owned()) };
            Ok(medportal_web::html(StatusCode::UNPROCESSABLE_ENTITY, views::faq_form(&page, &view)))
        }
        Err(e) => Err(e),
    }
}

/// `/faq`: the published FAQs of the reader's market (the session's country; otherwise the
/// market chosen on the library pages, else international) in the page's language.
pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = medportal_auth::authenticate(ctx, req).await?;
    let page = medportal_web::page_context(ctx, info, req.uri().query().unwrap_or(""), session.as_ref());
    let hcp = session.as_ref().is_some_and(|s| s.may(Action::ReadHcpContent));
    let chosen = web::query_param(req, MARKET).or_else(|| web::cookie(req, MARKET));
    let market = session.as_ref().map(|s| s.country().to_owned()).or(chosen).unwrap_or_default().to_ascii_uppercase();
    let market = if market.len() == 2 && market.bytes().all(|b| b.is_ascii_uppercase()) { market } else { "INTL".to_owned() };
    let d = ctx.now().date();
    let today = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    let faqs = faq::published(&ctx.global_sql().await?, &market, page.locale.code(), &today, hcp).await?;
    let mut groups: Vec<views::FaqGroup> = Vec::new();
    for f in faqs {
        let entry = views::FaqEntry { href: content_paths::item(&f.slug), title: f.title, summary: f.summary };
        match groups.last_mut() {
            Some(g) if g.product.eq_ignore_ascii_case(&f.product) => g.entries.push(entry),
            _ => groups.push(views::FaqGroup { product: f.product, entries: vec![entry] }),
        }
    }
    Ok(medportal_web::html(StatusCode::OK, views::faq_list(&page, &groups, hcp)))
}
