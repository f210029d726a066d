//! Development builds only: `POST /dev/content/import` (bearer: the search indexing token),
//! a body of demo-library lines (`infra/seed/content/library.jsonl`, one JSON object per
//! line). Each line walks through the same use cases staff use — create, submit, sign by the
//! three demo reviewers, publish per market, then expire or withdraw — up to the state the
//! line names, so every workflow state exists and nothing is written by raw SQL. Signatures
//! made here carry the assertion id `seed:<random>` (no re-authentication: there is nobody
//! to re-authenticate; production builds hold none of this). A slug already present is
//! skipped, so importing twice changes nothing.

use http::{StatusCode, header};
use medportal_core::security::ct_eq;
use medportal_core::web::{self, Request, Response};
use medportal_core::{Config, Ctx, Error, Platform, Result};
use serde::Deserialize;

use crate::item::{self, NewItem};
use crate::model::{ContentType, Discipline, Market, Meaning, State};
use crate::publication;
use crate::series;
use crate::signature::{self, Signer};
use crate::version::{self, Draft, Reference, Taxonomy};
use crate::workflow;

/// The demo author and reviewers (seeded staff accounts; ids only, names as signed).
const AUTHOR: &str = "eu-u-aut-01";
pub const REVIEWERS: [(Discipline, &str, &str); 3] = [
    (Discipline::Medical, "eu-u-mlr-01", "Jan de Vries"),
    (Discipline::Legal, "us-u-mlr-01", "Sarah Johnson"),
    (Discipline::Regulatory, "eu-u-mlr-02", "Dr. Klaus Weber"),
];
const PUBLISHER: &str = "eu-u-adm-01";

#[derive(Debug, Deserialize)]
struct Line {
    family: String,
    slug: String,
    language: String,
    #[serde(rename = "type")]
    content_type: String,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    references: Vec<Reference>,
    taxonomy: Taxonomy,
    markets: Vec<String>,
    #[serde(default)]
    reviewed_on: Option<String>,
    #[serde(default)]
    expires_on: Option<String>,
    state: String,
    #[serde(default)]
    withdraw_reason: Option<String>,
    #[serde(default)]
    featured: bool,
    #[serde(default)]
    series: Option<series::Placement>,
}

/// The bearer token check (constant time); fail closed when none is configured.
fn check_token(config: &Config, req: &Request) -> Result<()> {
    let expected = match (&config.search_index_token, config.dev_search_index_token()) {
        (Some(t), _) => t.as_str(),
        (None, Some(dev)) => dev,
        (None, None) => return Err(Error::Forbidden { code: "import_not_configured" }),
    };
    let given = web::header_str(req, header::AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer ")).ok_or(Error::Unauthenticated)?;
    if ct_eq(given.trim().as_bytes(), expected.as_bytes()) { Ok(()) } else { Err(Error::Forbidden { code: "invalid_token" }) }
}

pub async fn import<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    if !ctx.config.dev_mode {
        return Err(Error::NotFound);
    }
    check_token(ctx.config, req)?;
    let text = std::str::from_utf8(req.body()).map_err(|_| Error::bad_request("invalid_utf8", "The body is not UTF-8."))?;
    let (mut created, mut skipped) = (0u32, 0u32);
    for (n, raw) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line: Line = serde_json::from_str(raw).map_err(|e| Error::bad_request("invalid_line", format!("line {}: {e}", n + 1)))?;
        if walk(ctx, line).await.map_err(|e| match e {
            Error::BadRequest { code, message } => Error::BadRequest { code, message: format!("line {}: {message}", n + 1) },
            other => other,
        })? {
            created += 1;
        } else {
            skipped += 1;
        }
    }
    let body = format!("{{\"created\":{created},\"skipped\":{skipped}}}");
    Ok(web::bytes(StatusCode::OK, "application/json", body.into_bytes()))
}

/// One line through the use cases; false when its slug exists already.
async fn walk<P: Platform>(ctx: &Ctx<'_, P>, line: Line) -> Result<bool> {
    let db = ctx.global_sql().await?;
    if item::by_slug(&db, &line.slug).await?.is_some() {
        return Ok(false);
    }
    let target = State::submitted(&line.state)?;
    let markets = line.markets.iter().map(|m| Market::parse(m)).collect::<Option<Vec<_>>>().ok_or_else(|| Error::bad_request("invalid_markets", "Unknown market."))?;
    let draft = Draft {
        title: line.title,
        summary: line.summary,
        body: line.body,
        references: line.references,
        taxonomy: line.taxonomy,
        markets,
        reviewed_on: line.reviewed_on,
        expires_on: line.expires_on,
    };
    let new = NewItem { family: line.family, slug: line.slug, language: line.language, content_type: ContentType::submitted(&line.content_type)?, featured: line.featured };
    let id = item::create(ctx, AUTHOR, &new, draft, "initial version (demo library)").await?;
    if let Some(p) = &line.series {
        series::place(ctx, AUTHOR, &id, &new.language, p).await?;
    }
    let reload = || async { item::find(&ctx.global_sql().await?, &id).await?.ok_or_else(|| Error::internal("imported item vanished")) };
    if target == State::Draft {
        return Ok(true);
    }
    workflow::submit(ctx, AUTHOR, &reload().await?).await?;
    if target == State::InReview {
        return Ok(true);
    }
    for (discipline, who, name) in REVIEWERS {
        let it = reload().await?;
        let head = version::find(&ctx.global_sql().await?, it.head_version.as_deref().unwrap_or("")).await?.ok_or_else(|| Error::internal("no head"))?;
        let assertion = format!("seed:{}", ctx.random_id()?);
        let signer = Signer { user_id: who, printed_name: name, role: "mlr_reviewer", assertion_id: &assertion, sha256: &head.sha256, meaning: Meaning::Approval };
        signature::sign(ctx, &it, &head, discipline, &signer, "").await?;
    }
    if target == State::Approved {
        return Ok(true);
    }
    let it = reload().await?;
    let head = version::find(&ctx.global_sql().await?, it.approved_version.as_deref().unwrap_or("")).await?.ok_or_else(|| Error::internal("not approved"))?;
    publication::publish(ctx, PUBLISHER, &it, &head).await?;
    match target {
        // The demo library's expired items: expired now, whatever their date says.
        State::Expired => publication::expire(ctx, &id, PUBLISHER, "expired (demo library)").await?,
        State::Withdrawn => {
            let reason = line.withdraw_reason.unwrap_or_else(|| "withdrawn (demo library)".into());
            publication::withdraw(ctx, PUBLISHER, &reload().await?, &reason).await?;
        }
        _ => {}
    }
    Ok(true)
}
