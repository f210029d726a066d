//! The reader's own pages and sections, all under the visibility module's one rule: the home
//! page's "new since your last visit" and "continue where you left off", the item page's
//! relevance cues, translations, "save for later", series navigation and related content,
//! the saved items, a series with the reader's progress. Personal data (visits, views,
//! saves, progress) is read and written only in the reader's home region (engagement and
//! saved modules); what crosses to the global library is item ids and a timestamp.

use http::StatusCode;
use medportal_auth::Session;
use medportal_core::policy::Action;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::PageContext;
use medportal_templates::pages::reader::{self as views, Cues, HomeExtras, ItemExtras, NewSince, SaveButton, SeriesNav, Translation};
use medportal_templates::pages::{self, ContentCard};
use medportal_templates::paths::content as paths;
use time::OffsetDateTime;

use crate::engagement;
use crate::library::{self, Listed};
use crate::live::Entry;
use crate::personal;
use crate::saved::{self, Change};
use crate::version::{Taxonomy, Version};
use crate::visibility::Viewer;

/// Items in each personal list on the home page and related items on an item page.
const HOME_LIST: usize = 6;
const RELATED: usize = 4;
/// Words per minute for the reading-time cue.
const WORDS_PER_MINUTE: usize = 200;

fn at(ts: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ts).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The visible items of `ids` (any language), in the order of `ids`.
fn listed_by_ids<P: Platform>(ctx: &Ctx<'_, P>, viewer: &Viewer, ids: &[String]) -> Vec<Listed> {
    let found: Vec<Listed> = library::visible_entries(ctx, viewer, None, &|e| ids.contains(&e.item_id)).into_iter().map(|e| library::listed(e, viewer)).collect();
    let pos = |l: &Listed| ids.iter().position(|i| *i == l.id);
    library::sorted(found, &|a, b| pos(a).cmp(&pos(b)))
}

/// Home: the shared part, then for a signed-in reader their visit's "new since your last
/// visit" and "continue where you left off".
pub async fn home<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, viewer: &Viewer, session: Option<&Session>) -> Result<Response> {
    let mut view = library::home_view(ctx, page, viewer);
    if let Some(s) = session {
        view.reader = home_extras(ctx, page, viewer, s).await?;
    }
    Ok(medportal_web::html(StatusCode::OK, pages::home(page, &view)))
}

async fn home_extras<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, viewer: &Viewer, s: &Session) -> Result<HomeExtras> {
    let new_since = match engagement::visit(ctx, s).await? {
        None => NewSince { since: None, items: Vec::new(), total: 0 },
        Some(since) => {
            let lang = library::language_with_content(viewer, page.locale.code());
            // Live versions published for the reader's market since the last visit (the live
            // table has their times), newest first.
            let when = |e: &Entry| e.published_in(viewer.market.as_str()).filter(|t| *t >= since);
            let visible = library::visible_entries(ctx, viewer, Some(&lang), &|e| when(e).is_some());
            let news: Vec<(i64, &Entry)> = visible.into_iter().map(|e| (when(e).unwrap_or(0), e)).collect();
            let news = library::sorted(news, &|a, b| b.0.cmp(&a.0).then_with(|| a.1.slug.cmp(&b.1.slug)));
            let total = news.len() as u32;
            let items = news.into_iter().take(HOME_LIST).map(|(_, e)| library::listed(e, viewer).card).collect();
            NewSince { since: Some(at(since)), items, total }
        }
    };
    let recent = engagement::recent(ctx, s, HOME_LIST as u32 * 2).await?;
    let recent = listed_by_ids(ctx, viewer, &recent).into_iter().take(HOME_LIST).map(|l| l.card).collect();
    Ok(HomeExtras { new_since: Some(new_since), recent, signed_in: true })
}

/// An item: the library's view plus the reader's part; a signed-in reader's view is recorded
/// (recently viewed, co-views) in their home region.
pub async fn item<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, slug: &str, viewer: &Viewer, session: Option<&Session>) -> Result<Response> {
    let (shown, mut view) = match library::item_view(ctx, page, slug, viewer).await? {
        Ok(found) => found,
        Err(unavailable) => return Ok(unavailable),
    };
    let mine = match session {
        Some(s) => Some(mine(ctx, s, &shown.entry).await?),
        None => None,
    };
    if let (Some(s), Some(m)) = (session, &mine) {
        engagement::record_view(ctx, s, &shown.entry.item_id, &m.latest_views).await?;
    }
    view.reader = item_extras(ctx, viewer, session.zip(mine.as_ref()), &shown.entry, &shown.published.version);
    Ok(medportal_web::html(StatusCode::OK, pages::content_item(page, &view)))
}

/// A signed-in reader's own data for an item page, read in one round trip to their region.
struct Mine {
    /// Their latest views (what recording this view decides on).
    latest_views: Vec<(String, i64)>,
    saved: bool,
    /// Items read together with this one in their region, most often first.
    coviewed: Vec<String>,
    /// The parts they completed of the series the item's navigation follows.
    completed: Vec<String>,
}

async fn mine<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, it: &Entry) -> Result<Mine> {
    let mut parts = vec![engagement::latest_views(ctx, s), saved::is_saved(s, &it.item_id), engagement::coviewed(&it.item_id, RELATED as u32 * 2)];
    if let Some(id) = it.first_series() {
        parts.push(engagement::completed_read(s, id));
    }
    let mut got = personal::read_together(ctx, s.region, &parts).await?.into_iter();
    let mut next = || got.next().unwrap_or_default();
    let ids = |rows: Vec<(String, i64)>| rows.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
    Ok(Mine { latest_views: next(), saved: !next().is_empty(), coviewed: ids(next()), completed: ids(next()) })
}

fn reading_minutes(v: &Version) -> u32 {
    let words = v.draft.summary.split_whitespace().count() + v.draft.body.split_whitespace().count();
    u32::try_from(words.div_ceil(WORDS_PER_MINUTE).max(1)).unwrap_or(u32::MAX)
}

fn item_extras<P: Platform>(ctx: &Ctx<'_, P>, viewer: &Viewer, mine: Option<(&Session, &Mine)>, it: &Entry, v: &Version) -> ItemExtras {
    let cues = Cues { updated: at(v.created_at).date(), specialties: v.draft.taxonomy.specialties.clone(), reading_minutes: reading_minutes(v) };
    let family = library::visible_entries(ctx, viewer, None, &|e| e.family_id == it.family_id && e.item_id != it.item_id);
    let family = library::sorted(family, &|a, b| a.language.cmp(&b.language));
    let translations = family.into_iter().map(|e| library::listed(e, viewer)).map(|l| Translation { language: l.language, href: l.card.href, title: l.card.title }).collect();
    let save = mine.map(|(s, m)| SaveButton { slug: it.slug.clone(), saved: m.saved, csrf: s.claims.csrf.clone(), back_to_saved: false });
    ItemExtras { cues: Some(cues), translations, save, series: series_nav(ctx, viewer, mine, it), related: related(ctx, viewer, mine.map(|(_, m)| m), it, &v.draft.taxonomy) }
}

/// The visible parts of a series in `language`, in order (position, then item id; from the
/// live table).
fn series_parts<P: Platform>(ctx: &Ctx<'_, P>, viewer: &Viewer, series_id: &str, language: &str) -> Vec<Listed> {
    let found = library::visible_entries(ctx, viewer, Some(language), &|e| e.position_in(series_id).is_some());
    let found = library::sorted(found, &|a, b| a.position_in(series_id).cmp(&b.position_in(series_id)).then_with(|| a.item_id.cmp(&b.item_id)));
    found.into_iter().map(|e| library::listed(e, viewer)).collect()
}

fn series_nav<P: Platform>(ctx: &Ctx<'_, P>, viewer: &Viewer, mine: Option<(&Session, &Mine)>, it: &Entry) -> Option<SeriesNav> {
    let id = it.first_series()?.to_owned();
    let parts = series_parts(ctx, viewer, &id, &it.language);
    let pos = parts.iter().position(|p| p.id == it.item_id)?;
    let link = |p: &Listed| (p.card.href.clone(), p.card.title.clone());
    Some(SeriesNav {
        title: viewer.live.series_title(&id, &it.language).unwrap_or_else(|| id.clone()),
        id,
        position: pos + 1,
        total: parts.len(),
        previous: pos.checked_sub(1).and_then(|p| parts.get(p)).map(link),
        next: parts.get(pos + 1).map(link),
        completed: mine.map(|(_, m)| m.completed.contains(&it.item_id)),
        slug: it.slug.clone(),
        csrf: mine.map(|(s, _)| s.claims.csrf.clone()),
    })
}

/// How closely `other` relates to `this` (shared medicine, indication, specialties).
fn closeness(this: &Taxonomy, other: &Taxonomy) -> u32 {
    let generic = |t: &Taxonomy| t.product.as_ref().and_then(|p| p.generic.clone()).filter(|g| !g.is_empty());
    let mut score = 0;
    if generic(this).is_some() && generic(this) == generic(other) {
        score += 4;
    }
    if this.indication.is_some() && this.indication == other.indication {
        score += 3;
    }
    score + this.specialties.iter().filter(|s| other.specialties.contains(s)).count() as u32
}

/// Related content: first what readers of the viewer's own region often read together with
/// this item (co-view counts, no person ids), then the closest items of the same therapeutic
/// area; every candidate passes the viewer's visibility rule, none is of the item's family.
fn related<P: Platform>(ctx: &Ctx<'_, P>, viewer: &Viewer, mine: Option<&Mine>, it: &Entry, taxonomy: &Taxonomy) -> Vec<ContentCard> {
    let mut out: Vec<Listed> = Vec::new();
    if let Some(m) = mine {
        out.extend(listed_by_ids(ctx, viewer, &m.coviewed).into_iter().filter(|l| l.language == it.language));
    }
    let candidates = library::visible_entries(ctx, viewer, Some(&it.language), &|e| e.area == taxonomy.area && e.family_id != it.family_id);
    let ranked: Vec<(u32, Listed)> = candidates
        .into_iter()
        .take(60)
        .map(|e| library::listed(e, viewer))
        .map(|l| (serde_json::from_str::<Taxonomy>(&l.taxonomy).map(|t| closeness(taxonomy, &t)).unwrap_or(0), l))
        .collect();
    let ranked = library::sorted(ranked, &|a, b| b.0.cmp(&a.0));
    out.extend(ranked.into_iter().map(|(_, l)| l));
    let mut seen: Vec<String> = vec![it.item_id.clone()];
    out
        .into_iter()
        .filter(|l| {
            let fresh = !seen.contains(&l.id);
            seen.push(l.id.clone());
            fresh
        })
        .take(RELATED)
        .map(|l| l.card)
        .collect()
}

/// `GET /saved`: the reader's saved items still visible to them.
pub async fn saved_page<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::ViewOwnAccount).await?;
    let viewer = Viewer::of(ctx, Some(&s), req).await?;
    let page = medportal_web::page_context(ctx, info, "", Some(&s));
    let items = listed_by_ids(ctx, &viewer, &saved::list(ctx, &s).await?).into_iter().map(|l| l.card).collect();
    Ok(medportal_web::html(StatusCode::OK, views::saved(&page, &views::SavedView { items, csrf: s.claims.csrf.clone() })))
}

/// `POST /saved`: save (a visible item) or remove one; back to the item or the saved list.
pub async fn saved_change<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let (form, s) = medportal_auth::require_form(ctx, req, Action::ViewOwnAccount).await?;
    let change = Change::parse(form.get("action")).ok_or_else(|| Error::bad_request("invalid_action", "Save or remove."))?;
    let slug = form.trimmed("item");
    let viewer = Viewer::of(ctx, Some(&s), req).await?;
    let it = library::visible(ctx, slug, &viewer).await?.ok_or(Error::NotFound)?.entry;
    saved::change(ctx, &s, &it.item_id, change).await?;
    Ok(web::redirect(&if form.get("back") == "saved" { paths::SAVED.to_owned() } else { paths::item(&it.slug) }))
}

/// `GET /series/{id}`: the parts visible to the reader, in order, with their progress.
pub async fn series_page<P: Platform>(ctx: &Ctx<'_, P>, page: &PageContext, id: &str, viewer: &Viewer, session: Option<&Session>) -> Result<Response> {
    let mut language = page.locale.code().to_owned();
    let mut parts = series_parts(ctx, viewer, id, &language);
    if parts.is_empty() && language != "en" {
        language = "en".to_owned();
        parts = series_parts(ctx, viewer, id, &language);
    }
    let title = viewer.live.series_title(id, &language).filter(|_| !parts.is_empty()).ok_or(Error::NotFound)?;
    let done = match session {
        Some(s) => Some(engagement::completed(ctx, s, id).await?),
        None => None,
    };
    let parts = parts.into_iter().map(|l| views::SeriesPart { done: done.as_ref().map(|d| d.contains(&l.id)), card: l.card }).collect();
    Ok(medportal_web::html(StatusCode::OK, views::series(page, &views::SeriesView { title, parts })))
}

/// `POST /content/{slug}/progress`: the reader completed this part of its series.
pub async fn complete<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, slug: &str) -> Result<Response> {
    let (_, s) = medportal_auth::require_form(ctx, req, Action::ViewOwnAccount).await?;
    let viewer = Viewer::of(ctx, Some(&s), req).await?;
    let it = library::visible(ctx, slug, &viewer).await?.ok_or(Error::NotFound)?.entry;
    let series_id = it.first_series().ok_or(Error::NotFound)?;
    engagement::complete(ctx, &s, series_id, &it.item_id).await?;
    Ok(web::redirect(&paths::item(&it.slug)))
}
