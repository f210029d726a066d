//! The reader side: home (new and featured), the filtered library and one item, all under
//! the visibility module's one rule; the item's version history and diffs.

use http::StatusCode;
use medportal_core::web::{self, Request, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::PageContext;
use medportal_templates::pages::content::{self as views, HistoryView, ReferenceView, SignatureView, VersionRow};
use medportal_templates::pages::files::FileLink;
use medportal_templates::pages::{self, ContentCard, HomeView, ItemView, LibraryView};
use time::{Date, OffsetDateTime};

use crate::item;
use crate::live::{self, Entry, Published};
use crate::markup;
use crate::signature;
use crate::version::{self, Version};
use crate::visibility::{Viewer, today};

const PAGE_SIZE: u32 = 12;

/// `items` in a stable order by `cmp` (equal items keep their order), as `sort_by` would:
/// the comparisons go through one non-generic index sort, so the Worker holds one copy of the
/// sort instead of one per element type and comparator.
pub(crate) fn sorted<T>(items: Vec<T>, cmp: &dyn Fn(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_indices(&mut order, &|a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn sort_indices(order: &mut [usize], cmp: &dyn Fn(usize, usize) -> std::cmp::Ordering) {
    order.sort_by(|a, b| cmp(*a, *b));
}

fn date_of(reviewed: Option<String>, fallback: i64) -> Date {
    reviewed
        .and_then(|d| crate::model::parse_date(&d))
        .unwrap_or_else(|| OffsetDateTime::from_unix_timestamp(fallback).map_or(OffsetDateTime::UNIX_EPOCH.date(), |t| t.date()))
}

fn card(e: &Entry, viewer: &Viewer) -> ContentCard {
    ContentCard {
        href: medportal_templates::paths::content::item(&e.slug),
        title: e.title.clone(),
        // An HCP-only summary never reaches a viewer who may not read it.
        summary: viewer.may_read(&e.audience).then(|| e.summary.clone()),
        content_type: e.content_type.clone(),
        therapeutic_area: e.area.clone(),
        hcp_only: e.audience == "hcp",
        published: date_of(e.reviewed_on.clone(), e.created_at),
    }
}

/// The reader's language when something is published in it; English otherwise.
pub(crate) fn language_with_content(viewer: &Viewer, wanted: &str) -> String {
    if viewer.live.entries.iter().any(|e| e.language == wanted) { wanted.to_owned() } else { "en".to_owned() }
}

/// The live entries visible to `viewer` (in `lang` when given) that `keep` selects, newest
/// review first (then by slug).
pub(crate) fn visible_entries<'a, P: Platform>(ctx: &Ctx<'_, P>, viewer: &'a Viewer, lang: Option<&str>, keep: &dyn Fn(&Entry) -> bool) -> Vec<&'a Entry> {
    let today = today(ctx);
    let found: Vec<&Entry> = viewer.live.entries.iter().filter(|e| lang.is_none_or(|l| e.language == l) && keep(e) && viewer.sees(e, &today)).collect();
    sorted(found, &|a, b| b.reviewed_on.cmp(&a.reviewed_on).then_with(|| a.slug.cmp(&b.slug)))
}

/// Cards visible to `viewer` in `lang` that `keep` selects, newest review first (then by
/// slug): the page `skip..skip + take` and how many there are in all.
fn cards<P: Platform>(ctx: &Ctx<'_, P>, viewer: &Viewer, lang: &str, keep: &dyn Fn(&Entry) -> bool, skip: usize, take: usize) -> (Vec<ContentCard>, u32) {
    let found = visible_entries(ctx, viewer, Some(lang), keep);
    let total = found.len() as u32;
    (found.into_iter().skip(skip).take(take).map(|e| card(e, viewer)).collect(), total)
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

pub(crate) fn listed(e: &Entry, viewer: &Viewer) -> Listed {
    Listed { id: e.item_id.clone(), language: e.language.clone(), taxonomy: e.taxonomy.clone(), card: card(e, viewer) }
}

/// The home page's shared part (featured content); the reader module adds the personal one.
pub fn home_view<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, viewer: &Viewer) -> HomeView {
    let lang = language_with_content(viewer, page.locale.code());
    let (featured, _) = cards(ctx, viewer, &lang, &|e| e.featured, 0, 6);
    HomeView { featured, ..Default::default() }
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
    let lang = language_with_content(viewer, page.locale.code());
    let keep = |e: &Entry| content_type.as_ref().is_none_or(|t| *t == e.content_type) && area.as_ref().is_none_or(|a| *a == e.area);
    let (items, total) = cards(ctx, viewer, &lang, &keep, ((page_no - 1) * PAGE_SIZE) as usize, PAGE_SIZE as usize);
    let view = LibraryView { items, total, page: page_no, total_pages: total.div_ceil(PAGE_SIZE).max(1), content_type, area };
    Ok(medportal_web::html(StatusCode::OK, pages::library(page, &view)))
}

fn valid_slug(slug: &str) -> bool {
    !slug.is_empty() && slug.len() <= 120 && slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// An item as a reader sees it: its live entry and the published version with signatures.
pub(crate) struct Shown {
    pub entry: Entry,
    pub published: std::rc::Rc<Published>,
}

/// The item of `slug` and its version visible to `viewer`, from the live table and the
/// version cache (`Ok(None)`: the item exists but not for this viewer's market, or it expired
/// or was withdrawn; only then is the database asked whether the item exists at all).
pub(crate) async fn visible<P: Platform>(ctx: &Ctx<'_, P>, slug: &str, viewer: &Viewer) -> Result<Option<Shown>> {
    if !valid_slug(slug) {
        return Err(Error::NotFound);
    }
    // The item page shows a gated item's title under the market's setting like the lists do.
    match viewer.live.by_slug(slug).filter(|e| viewer.sees(e, &today(ctx))) {
        Some(e) => Ok(live::published(ctx, e).await?.map(|published| Shown { entry: e.clone(), published })),
        None => item::by_slug(&ctx.global_sql().await?, slug).await?.map(|_| None).ok_or(Error::NotFound),
    }
}

/// One item: its published version for this viewer, the body (when they may read it), the
/// version, "medically reviewed on", signatures and references. An item that exists but is
/// not available to this viewer's market gets a notice instead.
pub async fn item_view<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, slug: &str, viewer: &Viewer) -> Result<std::result::Result<(Shown, ItemView), Response>> {
    let Some(shown) = visible(ctx, slug, viewer).await? else {
        let view = views::Unavailable { market: viewer.market.as_str().to_owned(), fixed: viewer.fixed };
        return Ok(Err(medportal_web::html(StatusCode::NOT_FOUND, views::unavailable(page, &view))));
    };
    let (it, v) = (&shown.entry, &shown.published.version);
    let readable = viewer.may_read(&v.draft.taxonomy.audience);
    let signatures: &[signature::Signature] = if readable { &shown.published.signatures } else { &[] };
    let d = &v.draft;
    let view = ItemView {
        card: ContentCard {
            title: d.title.clone(),
            href: medportal_templates::paths::content::item(&it.slug),
            content_type: it.content_type.clone(),
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
        attachments: if readable { it.files.iter().map(attachment).collect() } else { Vec::new() },
        reader: Default::default(),
    };
    Ok(Ok((shown, view)))
}

fn attachment(f: &crate::files::File) -> FileLink {
    FileLink { href: medportal_templates::paths::content::file(&f.id), name: f.name.clone(), content_type: f.content_type.clone(), size_kb: (f.size + 1023) / 1024 }
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
    let sigs = &history.signatures;
    let rows = history
        .versions
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

/// The item's live version and its history as readers see it (the versions up to the live
/// one: later drafts are the staff's), from the live module's cache.
async fn readable_history<P: Platform>(ctx: &Ctx<'_, P>, slug: &str, viewer: &Viewer) -> Result<(Entry, Version, std::rc::Rc<live::History>)> {
    let shown = visible(ctx, slug, viewer).await?.ok_or(Error::NotFound)?;
    let live = shown.published.version.clone();
    if !viewer.may_read(&live.draft.taxonomy.audience) {
        return Err(Error::NotFound);
    }
    let history = live::history(ctx, &shown.entry, &live).await?;
    Ok((shown.entry, live, history))
}

/// `/content/{slug}/diff/{a}/{b}`: a readable diff between two of those versions.
pub async fn diff<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, slug: &str, a: &str, b: &str, viewer: &Viewer) -> Result<Response> {
    let (it, live, history) = readable_history(ctx, slug, viewer).await?;
    let pick = |n: &str| n.parse::<i64>().ok().and_then(|n| history.versions.iter().find(|v| v.number == n)).ok_or(Error::NotFound);
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
