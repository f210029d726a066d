//! The reader side: home (new and featured), the filtered library and one item, all under
//! the visibility module's one rule; the item's version history and diffs.

use http::StatusCode;
use medportal_core::ports::{Row, SqlStore, SqlValue};
use medportal_core::web::{self, Request, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::PageContext;
use medportal_templates::pages::content::{self as views, HistoryView, ReferenceView, SignatureView, VersionRow};
use medportal_templates::pages::{self, ContentCard, HomeView, ItemView, LibraryView};
use time::{Date, OffsetDateTime};

use crate::item;
use crate::markup;
use crate::signature;
use crate::version::{self, Version};
use crate::visibility::{Viewer, today};

const PAGE_SIZE: u32 = 12;
/// Card columns (`i` items, `v` the published version).
const COLUMNS: &str = "i.slug, v.title, v.summary, i.content_type, v.area, v.audience, v.reviewed_on, v.created_at";

fn date_of(reviewed: Option<String>, fallback: i64) -> Date {
    reviewed
        .and_then(|d| Date::parse(&d, &time::format_description::well_known::Iso8601::DATE).ok())
        .unwrap_or_else(|| OffsetDateTime::from_unix_timestamp(fallback).map_or(OffsetDateTime::UNIX_EPOCH.date(), |t| t.date()))
}

fn card(row: &Row, viewer: &Viewer) -> Result<ContentCard> {
    let audience = row.text(5)?;
    Ok(ContentCard {
        href: medportal_templates::paths::content::item(&row.text(0)?),
        title: row.text(1)?,
        // An HCP-only summary never reaches a viewer who may not read it.
        summary: viewer.may_read(&audience).then(|| row.text(2)).transpose()?,
        content_type: row.text(3)?,
        therapeutic_area: row.text(4)?,
        hcp_only: audience == "hcp",
        published: date_of(row.opt_text(6)?, row.int(7)?),
    })
}

/// Published items in the reader's language; English when none exist in it.
pub(crate) async fn language_with_content<S: SqlStore>(db: &S, wanted: &str) -> Result<String> {
    let rows = db
        .query("SELECT 1 FROM library_items i WHERE i.published_version IS NOT NULL AND i.language = ?1 LIMIT 1", &[wanted.into()])
        .await?;
    Ok(if rows.is_empty() { "en".to_owned() } else { wanted.to_owned() })
}

/// Cards visible to `viewer` under `extra` (an SQL condition with parameters from `?2`).
pub(crate) async fn cards<P: Platform>(ctx: &Ctx<'_, P>, viewer: &Viewer, lang: &str, extra: &str, params: Vec<SqlValue>, order_limit: &str) -> Result<(Vec<ContentCard>, u32)> {
    let (cards, total) = visible_cards(ctx, viewer, Some(lang), extra, params, order_limit, true).await?;
    Ok((cards.into_iter().map(|l| l.card).collect(), total))
}

/// A visible item as lists show it, with what the reader's sections rank and link by.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    pub id: String,
    pub language: String,
    /// The published version's taxonomy (JSON).
    pub taxonomy: String,
    pub card: ContentCard,
}

/// Item ids and cards visible to `viewer` (in `lang` when given) under `extra` (an SQL
/// condition with parameters from `?2`), and their number when `count`.
pub(crate) async fn visible_cards<P: Platform>(
    ctx: &Ctx<'_, P>,
    viewer: &Viewer,
    lang: Option<&str>,
    extra: &str,
    mut params: Vec<SqlValue>,
    order_limit: &str,
    count: bool,
) -> Result<(Vec<Listed>, u32)> {
    let db = ctx.global_sql().await?;
    let today = today(ctx);
    let first = params.len() + 2;
    let (cond, mut vparams) = viewer.condition(first, &today);
    let mut all: Vec<SqlValue> = vec![lang.into()];
    all.append(&mut params);
    all.append(&mut vparams);
    let from = format!("FROM library_items i JOIN library_versions v ON v.id = i.published_version WHERE (?1 IS NULL OR i.language = ?1) AND {extra} AND {cond}");
    let total = if count { db.query(&format!("SELECT COUNT(*) {from}"), &all).await?.first().map(|r| r.int(0)).transpose()?.unwrap_or(0) as u32 } else { 0 };
    let rows = db.query(&format!("SELECT {COLUMNS}, i.id, i.language, v.taxonomy {from} {order_limit}"), &all).await?;
    let cards = rows
        .iter()
        .map(|r| Ok(Listed { id: r.text(8)?, language: r.text(9)?, taxonomy: r.text(10)?, card: card(r, viewer)? }))
        .collect::<Result<Vec<_>>>()?;
    Ok((cards, total))
}

/// The home page's shared part (featured content); the reader module adds the personal one.
pub async fn home_view<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, viewer: &Viewer) -> Result<HomeView> {
    let db = ctx.global_sql().await?;
    let lang = language_with_content(&db, page.locale.code()).await?;
    let (featured, _) = cards(ctx, viewer, &lang, "i.featured = 1", vec![], "ORDER BY v.reviewed_on DESC, i.slug LIMIT 6").await?;
    Ok(HomeView { featured, ..Default::default() })
}

/// Filter values are codes (`trial_summary`, `cardiology`); anything else is refused.
fn filter(req: &Request, name: &str) -> Result<Option<String>> {
    match web::query_param(req, name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.len() <= 40 && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-') => Ok(Some(v)),
        Some(_) => Err(Error::bad_request("invalid_filter", "Unknown filter value.")),
    }
}

/// The library (`/library`, `/library/{area}`); the old `/content?area=` redirects to the
/// area's path, its other parameters kept.
pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, req: &Request, viewer: &Viewer, path_area: Option<&str>) -> Result<Response> {
    let content_type = filter(req, "type")?;
    let area = match path_area {
        Some(a) if a.len() <= 40 && a.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-') => Some(a.to_owned()),
        Some(_) => return Err(Error::NotFound),
        None => filter(req, "area")?,
    };
    if let (None, Some(a)) = (path_area, &area) {
        let rest: Vec<&str> = req.uri().query().unwrap_or("").split('&').filter(|p| p.starts_with("type=") || p.starts_with("page=")).collect();
        let to = medportal_templates::paths::content::library_area(a);
        let mut moved = web::redirect(&if rest.is_empty() { to } else { format!("{to}?{}", rest.join("&")) });
        *moved.status_mut() = StatusCode::MOVED_PERMANENTLY;
        return Ok(moved);
    }
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
    let order = format!("ORDER BY v.reviewed_on DESC, i.slug LIMIT {PAGE_SIZE} OFFSET {}", (page_no - 1) * PAGE_SIZE);
    let params = vec![content_type.clone().into(), area.clone().into()];
    let (items, total) = cards(ctx, viewer, &lang, "(?2 IS NULL OR i.content_type = ?2) AND (?3 IS NULL OR v.area = ?3)", params, &order).await?;
    let view = LibraryView { items, total, page: page_no, total_pages: total.div_ceil(PAGE_SIZE).max(1), content_type, area };
    Ok(medportal_web::html(StatusCode::OK, pages::library(page, &view)))
}

fn valid_slug(slug: &str) -> bool {
    !slug.is_empty() && slug.len() <= 120 && slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The item of `slug` and its version visible to `viewer` (`Ok(None)`: the item exists but
/// not for this viewer's market, or it expired or was withdrawn).
pub(crate) async fn visible<P: Platform>(ctx: &Ctx<'_, P>, slug: &str, viewer: &Viewer) -> Result<Option<(item::Item, Version)>> {
    if !valid_slug(slug) {
        return Err(Error::NotFound);
    }
    let db = ctx.global_sql().await?;
    let it = item::by_slug(&db, slug).await?.ok_or(Error::NotFound)?;
    let today = today(ctx);
    // The item page shows a gated item's title under the market's setting like the lists do.
    let (cond, mut params) = viewer.condition(2, &today);
    let mut all: Vec<SqlValue> = vec![it.id.as_str().into()];
    all.append(&mut params);
    let rows = db
        .query(&format!("SELECT {} FROM library_items i JOIN library_versions v ON v.id = i.published_version WHERE i.id = ?1 AND {cond}", version::COLUMNS), &all)
        .await?;
    Ok(rows.first().map(version::of_row).transpose()?.map(|v| (it, v)))
}

/// One item: its published version for this viewer, the body (when they may read it), the
/// version, "medically reviewed on", signatures and references. An item that exists but is
/// not available to this viewer's market gets a notice instead.
pub async fn item_view<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, slug: &str, viewer: &Viewer) -> Result<std::result::Result<(item::Item, Version, ItemView), Response>> {
    let Some((it, v)) = visible(ctx, slug, viewer).await? else {
        let view = views::Unavailable { market: viewer.market.as_str().to_owned(), fixed: viewer.fixed };
        return Ok(Err(medportal_web::html(StatusCode::NOT_FOUND, views::unavailable(page, &view))));
    };
    let readable = viewer.may_read(&v.draft.taxonomy.audience);
    let db = ctx.global_sql().await?;
    let signatures = if readable { signature::of_item(&db, &it.id).await? } else { Vec::new() };
    let d = &v.draft;
    let view = ItemView {
        card: ContentCard {
            title: d.title.clone(),
            href: medportal_templates::paths::content::item(&it.slug),
            content_type: it.content_type.code().to_owned(),
            therapeutic_area: d.taxonomy.area.clone(),
            published: date_of(d.reviewed_on.clone(), v.created_at),
            hcp_only: d.taxonomy.audience == "hcp",
            summary: readable.then(|| d.summary.clone()),
        },
        blocks: if readable { markup::parse(&d.body) } else { Vec::new() },
        product: Some(d.taxonomy.products().join(" / ")).filter(|p| !p.is_empty()),
        language: it.language.clone(),
        gated: !readable,
        version: v.number,
        sha256: v.sha256.clone(),
        reviewed_on: d.reviewed_on.clone(),
        references: if readable { d.references.iter().map(|r| ReferenceView { label: r.label.clone(), href: r.href() }).collect() } else { Vec::new() },
        signatures: signatures.iter().filter(|s| s.version_id == v.id).map(signature_view).collect(),
        versions_href: medportal_templates::paths::content::versions(&it.slug),
        reader: Default::default(),
    };
    Ok(Ok((it, v, view)))
}

pub fn signature_view(s: &signature::Signature) -> SignatureView {
    SignatureView {
        printed_name: s.printed_name.clone(),
        role: s.role.clone(),
        meaning: s.meaning.code().to_owned(),
        discipline: s.discipline.code().to_owned(),
        at: OffsetDateTime::from_unix_timestamp(s.at).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        sha256: s.sha256.clone(),
    }
}

/// `/content/{slug}/versions`: the versions readers may compare (those published up to the
/// visible one), with their signatures. Only for readers who may read the item.
pub async fn versions<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, slug: &str, viewer: &Viewer) -> Result<Response> {
    let (it, live, history) = readable_history(ctx, slug, viewer).await?;
    let db = ctx.global_sql().await?;
    let sigs = signature::of_item(&db, &it.id).await?;
    let rows = history
        .iter()
        .map(|v| VersionRow {
            number: v.number,
            at: OffsetDateTime::from_unix_timestamp(v.created_at).unwrap_or(OffsetDateTime::UNIX_EPOCH),
            reason: v.reason.clone(),
            sha256: v.sha256.clone(),
            live: v.id == live.id,
            signatures: sigs.iter().filter(|s| s.version_id == v.id).map(signature_view).collect(),
        })
        .collect();
    let view = HistoryView { title: live.draft.title.clone(), slug: it.slug.clone(), versions: rows };
    Ok(medportal_web::html(StatusCode::OK, views::history(page, &view)))
}

async fn readable_history<P: Platform>(ctx: &Ctx<'_, P>, slug: &str, viewer: &Viewer) -> Result<(item::Item, Version, Vec<Version>)> {
    let (it, live) = visible(ctx, slug, viewer).await?.ok_or(Error::NotFound)?;
    if !viewer.may_read(&live.draft.taxonomy.audience) {
        return Err(Error::NotFound);
    }
    let db = ctx.global_sql().await?;
    // Readers see the versions up to the live one (later drafts are the staff's).
    let history = version::history(&db, &it.id).await?.into_iter().filter(|v| v.number <= live.number).collect();
    Ok((it, live, history))
}

/// `/content/{slug}/diff/{a}/{b}`: a readable diff between two of those versions.
pub async fn diff<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, slug: &str, a: &str, b: &str, viewer: &Viewer) -> Result<Response> {
    let (it, live, history) = readable_history(ctx, slug, viewer).await?;
    let pick = |n: &str| n.parse::<i64>().ok().and_then(|n| history.iter().find(|v| v.number == n)).ok_or(Error::NotFound);
    let (old, new) = (pick(a)?, pick(b)?);
    let view = views::DiffView {
        title: live.draft.title.clone(),
        slug: it.slug.clone(),
        from: old.number,
        to: new.number,
        lines: crate::diff::lines(&version::lines(old), &version::lines(new)),
    };
    Ok(medportal_web::html(StatusCode::OK, views::diff(page, &view)))
}
