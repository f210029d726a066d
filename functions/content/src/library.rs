//! The content library read side: featured items, the filtered list and one item.

use http::StatusCode;
use medportal_core::ports::{Row, SqlStore, SqlValue};
use medportal_core::web::{self, Request, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::{self, ContentCard, HomeView, ItemView, LibraryView};
use medportal_templates::PageContext;
use time::{Date, format_description::well_known::Iso8601};

const PAGE_SIZE: u32 = 12;
const COLUMNS: &str = "slug, title, summary, content_type, therapeutic_area, audience, published_at";

fn parse_date(s: &str) -> Result<Date> {
    Date::parse(s, &Iso8601::DATE).map_err(|_| Error::internal(format!("bad published_at {s:?}")))
}

fn card(row: &Row) -> Result<ContentCard> {
    let slug = row.text(0)?;
    Ok(ContentCard {
        href: medportal_templates::paths::content::item(&slug),
        title: row.text(1)?,
        summary: Some(row.text(2)?),
        content_type: row.text(3)?,
        therapeutic_area: row.text(4)?,
        hcp_only: row.text(5)? == "hcp",
        published: parse_date(&row.text(6)?)?,
    })
}

/// Items in the reader's language; English when none exist in it.
async fn language_with_content<S: SqlStore>(db: &S, wanted: &str) -> Result<String> {
    let rows = db
        .query("SELECT COUNT(*) FROM content_items WHERE status = 'published' AND language = ?1", &[wanted.into()])
        .await?;
    let n = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
    Ok(if n > 0 { wanted.to_owned() } else { "en".to_owned() })
}

pub async fn home<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext) -> Result<Response> {
    let db = ctx.global_sql().await?;
    let lang = language_with_content(&db, page.locale.code()).await?;
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM content_items WHERE status = 'published' AND featured = 1 \
                 AND language = ?1 ORDER BY published_at DESC LIMIT 6"
            ),
            &[lang.into()],
        )
        .await?;
    let featured = rows.iter().map(card).collect::<Result<Vec<_>>>()?;
    Ok(medportal_web::html(StatusCode::OK, pages::home(page, &HomeView { featured })))
}

/// Filter values are codes (`clinical_summary`, `cardiology`); anything else is refused.
fn filter(req: &Request, name: &str) -> Result<Option<String>> {
    match web::query_param(req, name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.len() <= 40 && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => Ok(Some(v)),
        Some(_) => Err(Error::bad_request("invalid_filter", "Unknown filter value.")),
    }
}

pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, req: &Request) -> Result<Response> {
    let content_type = filter(req, "type")?;
    let area = filter(req, "area")?;
    let page_no: u32 = match web::query_param(req, "page") {
        None => 1,
        Some(p) => p
            .parse()
            .ok()
            .filter(|n| (1..=10_000).contains(n))
            .ok_or_else(|| Error::bad_request("invalid_page", "The page number is invalid."))?,
    };
    let db = ctx.global_sql().await?;
    let lang = language_with_content(&db, page.locale.code()).await?;
    let filters = "status = 'published' AND language = ?1 AND (?2 IS NULL OR content_type = ?2) \
                   AND (?3 IS NULL OR therapeutic_area = ?3)";
    let params: Vec<SqlValue> = vec![lang.into(), content_type.clone().into(), area.clone().into()];
    let total = db
        .query(&format!("SELECT COUNT(*) FROM content_items WHERE {filters}"), &params)
        .await?
        .first()
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0) as u32;
    let mut page_params = params.clone();
    page_params.push(i64::from(PAGE_SIZE).into());
    page_params.push(i64::from((page_no - 1) * PAGE_SIZE).into());
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM content_items WHERE {filters} \
                 ORDER BY published_at DESC, slug LIMIT ?4 OFFSET ?5"
            ),
            &page_params,
        )
        .await?;
    let view = LibraryView {
        items: rows.iter().map(card).collect::<Result<_>>()?,
        total,
        page: page_no,
        total_pages: total.div_ceil(PAGE_SIZE).max(1),
        content_type,
        area,
    };
    Ok(medportal_web::html(StatusCode::OK, pages::library(page, &view)))
}

/// One item. HCP-only items show their title and summary and a sign-in / verification prompt
/// unless the viewer may read HCP content (a verified session).
pub async fn item<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, slug: &str, viewer_verified: bool) -> Result<Response> {
    if slug.is_empty() || slug.len() > 120 || !slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(Error::NotFound);
    }
    let db = ctx.global_sql().await?;
    let rows = db
        .query(
            &format!("SELECT {COLUMNS}, body, product, language FROM content_items WHERE slug = ?1 AND status = 'published'"),
            &[slug.into()],
        )
        .await?;
    let row = rows.first().ok_or(Error::NotFound)?;
    let card = card(row)?;
    let gated = card.hcp_only && !viewer_verified;
    let body = row.text(7)?;
    let view = ItemView {
        paragraphs: if gated { Vec::new() } else { body.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect() },
        product: row.opt_text(8)?,
        language: row.text(9)?,
        gated,
        card,
    };
    Ok(medportal_web::html(StatusCode::OK, pages::content_item(page, &view)))
}
