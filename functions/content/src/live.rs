//! The per-isolate cache of what is live (reads only; it owns no table). Reader pages work
//! from two caches instead of a database round trip per view:
//! * the **live table**: every item with a published version (its card fields, expiry, the
//!   clean files readers may get with it, its series placements), every publication row with
//!   its time, the market settings and the series titles, tagged with the library's
//!   generation (`library_generation`: a per-database random epoch and a count bumped by
//!   triggers on every change to publications, items, market settings, files and series;
//!   migrations 0014 and 0016). "New since your last visit" and series navigation are
//!   answered from it, without a query of their own;
//! * **published versions** by version id, with their signatures: a version is immutable
//!   (its SHA-256 fixed, its signatures complete before it could be published), so an entry
//!   never goes stale; the cache is bounded and cleared when full;
//! * **version histories** by the live version (its id and SHA-256): what the versions and
//!   diff pages show, the versions up to the live one and the item's signatures. Published
//!   versions are immutable and later drafts are not shown, so a history is fixed while its
//!   live version is; the cache is bounded, and cleared whenever the live table is reloaded
//!   (the generation moved).
//!
//! A reader request asks the database for one small row, the generation, and reloads the
//! live table only when it moved. On Workers an isolate asks at most once a second (the
//! platform's recheck interval, `Ctx::trusted`; a signal from content-desk to content would
//! reach one isolate, not every one, so the bound is the honest contract) and forgets its
//! table after every state-changing request it served: a change made by the reader Worker is
//! seen by its next request, and every change (the staff workspaces publish from their own
//! Worker, `content-desk`) by every isolate within one second, development builds as
//! production ones (the contract and browser suites wait out that second after a change made
//! in content-desk). A Spin instance does the same (Spin 4.1 reuses an instance for many
//! requests); natively every request asks (no staleness). Visibility (market, audience, title
//! setting) and expiry (against today's UTC date) are decided per request in memory, so an
//! expiry date takes effect at midnight UTC without any reload.

use std::cell::RefCell;
use std::rc::Rc;

use medportal_core::ports::{Row, SqlStore};
use medportal_core::{Ctx, Platform, Result};

use crate::files::{self, File};
use crate::series;
use crate::signature::{self, Signature};
use crate::version::{self, Version};

/// Published versions kept per isolate (then the cache starts over).
const VERSIONS_KEPT: usize = 128;
/// Version histories kept per isolate (then the cache starts over).
const HISTORIES_KEPT: usize = 64;

/// One item with a published version: what cards and visibility need.
#[derive(Debug, Clone)]
pub struct Entry {
    pub item_id: String,
    pub family_id: String,
    pub slug: String,
    pub language: String,
    pub content_type: String,
    pub featured: bool,
    pub version_id: String,
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub area: String,
    pub audience: String,
    pub reviewed_on: Option<String>,
    pub expires_on: Option<String>,
    pub created_at: i64,
    /// The published version's taxonomy (JSON), for ranking related content.
    pub taxonomy: String,
    /// Markets the item's publications name for this version.
    pub markets: Vec<String>,
    /// When each of those went live (unix seconds; parallel to `markets`).
    pub published_at: Vec<i64>,
    /// Markets of any publication of the item.
    pub any_markets: Vec<String>,
    /// Clean files attached to this version or an earlier one.
    pub files: Vec<File>,
    /// The series the item is placed in, with its position there.
    pub series: Vec<(String, i64)>,
}

impl Entry {
    /// When this version last went live in `market` or internationally, if it did.
    pub fn published_in(&self, market: &str) -> Option<i64> {
        self.markets.iter().zip(&self.published_at).filter(|(m, _)| *m == market || *m == "INTL").map(|(_, &t)| t).max()
    }
    /// The series the item's navigation follows (the first by code, if it is in several).
    pub fn first_series(&self) -> Option<&str> {
        self.series.iter().map(|(s, _)| s.as_str()).min()
    }
    /// The item's position in series `id`, if it is placed there.
    pub fn position_in(&self, id: &str) -> Option<i64> {
        self.series.iter().find(|(s, _)| s == id).map(|&(_, p)| p)
    }
}

/// The live table of one generation.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The database's epoch and generation this table was loaded at.
    pub generation: (String, i64),
    pub entries: Vec<Entry>,
    by_slug: Keys,
    /// Market → whether the public sees the titles of HCP-only items (no row: shown).
    titles_public: Vec<(String, bool)>,
    /// Series titles: series id, language, title.
    series_titles: Vec<(String, String, String)>,
}

/// Positions of entries by a text key, sorted for a binary search (vectors rather than hash
/// maps throughout this module: less code in the Worker); a repeated key finds its last
/// position, as a map's insert in order would.
#[derive(Debug, Default)]
struct Keys(Vec<(String, usize)>);

impl Keys {
    fn of(entries: &[Entry], key: fn(&Entry) -> &str) -> Keys {
        let mut keys: Vec<(String, usize)> = entries.iter().enumerate().map(|(n, e)| (key(e).to_owned(), n)).collect();
        keys.sort_unstable();
        Keys(keys)
    }
    fn get(&self, key: &str) -> Option<usize> {
        let end = self.0.partition_point(|(k, _)| k.as_str() <= key);
        self.0[..end].last().filter(|(k, _)| k == key).map(|&(_, n)| n)
    }
}

impl Snapshot {
    pub fn by_slug(&self, slug: &str) -> Option<&Entry> {
        self.by_slug.get(slug).map(|i| &self.entries[i])
    }
    pub fn titles_public(&self, market: &str) -> bool {
        self.titles_public.iter().rev().find(|(m, _)| m == market).is_none_or(|&(_, shown)| shown)
    }
    /// Series `id`'s title in `language`, else in English, else in the first language by code.
    pub fn series_title(&self, id: &str, language: &str) -> Option<String> {
        series::title_in(&self.series_titles, id, language).map(str::to_owned)
    }
    /// Whether another item of `e`'s family in its language is published in `market`.
    pub fn sibling_in(&self, e: &Entry, market: &str) -> bool {
        self.entries
            .iter()
            .any(|j| j.family_id == e.family_id && j.language == e.language && j.item_id != e.item_id && j.any_markets.iter().any(|m| m == market))
    }
}

/// A published version and its signatures (immutable).
#[derive(Debug)]
pub struct Published {
    pub version: Version,
    pub signatures: Vec<Signature>,
}

/// A history's key: the live version's id and SHA-256.
type HistoryKey = (String, String);

thread_local! {
    /// The live table and when (ms) its generation was last confirmed.
    static LIVE: RefCell<Option<(Rc<Snapshot>, i64)>> = const { RefCell::new(None) };
    static VERSIONS: RefCell<Vec<(String, Rc<Published>)>> = const { RefCell::new(Vec::new()) };
    /// Histories by the live version's id and SHA-256.
    static HISTORIES: RefCell<Vec<(HistoryKey, Rc<History>)>> = const { RefCell::new(Vec::new()) };
}

/// The live table as of now: one query for the generation, the table itself only when the
/// generation moved since this isolate last loaded it.
pub async fn current<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Rc<Snapshot>> {
    let now = ctx.now_ms();
    let fresh = LIVE.with(|l| l.borrow().as_ref().filter(|(_, at)| ctx.trusted(*at, now)).map(|(s, _)| s.clone()));
    if let Some(s) = fresh {
        return Ok(s);
    }
    let db = ctx.global_sql().await?;
    let rows = db.query("SELECT epoch, value FROM library_generation WHERE id = 1", &[]).await?;
    let generation = match rows.first() {
        Some(r) => (r.text(0)?, r.int(1)?),
        None => return Err(medportal_core::Error::internal("library_generation has no row")),
    };
    let cached = LIVE.with(|l| l.borrow().as_ref().map(|(s, _)| s.clone())).filter(|s| s.generation == generation);
    let snapshot = match cached {
        Some(s) => s,
        None => {
            HISTORIES.with(|h| h.borrow_mut().clear());
            Rc::new(load(&db, generation).await?)
        }
    };
    LIVE.with(|l| *l.borrow_mut() = Some((snapshot.clone(), now)));
    Ok(snapshot)
}

/// Forgets the live table after a state-changing request (anything but GET and HEAD), so the
/// isolate that changed the library reads it again on its next request.
pub fn forget_after(method: &http::Method) {
    if method != http::Method::GET && method != http::Method::HEAD {
        LIVE.with(|l| *l.borrow_mut() = None);
    }
}

async fn load<S: SqlStore>(db: &S, generation: (String, i64)) -> Result<Snapshot> {
    let rows = db
        .query(
            "SELECT i.id, i.family_id, i.slug, i.language, i.content_type, i.featured, v.id, v.title, v.summary, v.area, v.audience, \
             v.reviewed_on, v.expires_on, v.created_at, v.number, v.taxonomy FROM library_items i JOIN library_versions v ON v.id = i.published_version",
            &[],
        )
        .await?;
    let mut entries = rows.iter().map(entry).collect::<Result<Vec<_>>>()?;
    let publications = db.query("SELECT item_id, market, version_id, published_at FROM library_publications", &[]).await?;
    let index = Keys::of(&entries, |e| &e.item_id);
    for p in &publications {
        let Some(n) = index.get(&p.text(0)?) else { continue };
        let (market, version_id) = (p.text(1)?, p.text(2)?);
        let e = &mut entries[n];
        if version_id == e.version_id {
            e.markets.push(market.clone());
            e.published_at.push(p.int(3)?);
        }
        e.any_markets.push(market);
    }
    for f in files::clean(db).await? {
        if let Some(e) = index.get(&f.item_id).map(|n| &mut entries[n]).filter(|e| f.version <= e.version) {
            e.files.push(f);
        }
    }
    for (series, item, position) in series::placements(db).await? {
        if let Some(n) = index.get(&item) {
            entries[n].series.push((series, position));
        }
    }
    let series_titles = series::titles(db).await?;
    let markets = db.query("SELECT market, hcp_titles_public FROM library_markets", &[]).await?;
    let titles_public = markets.iter().map(|r| Ok((r.text(0)?, r.int(1)? != 0))).collect::<Result<_>>()?;
    let by_slug = Keys::of(&entries, |e| &e.slug);
    Ok(Snapshot { generation, entries, by_slug, titles_public, series_titles })
}

fn entry(r: &Row) -> Result<Entry> {
    Ok(Entry {
        item_id: r.text(0)?,
        family_id: r.text(1)?,
        slug: r.text(2)?,
        language: r.text(3)?,
        content_type: r.text(4)?,
        featured: r.int(5)? != 0,
        version_id: r.text(6)?,
        title: r.text(7)?,
        summary: r.text(8)?,
        area: r.text(9)?,
        audience: r.text(10)?,
        reviewed_on: r.opt_text(11)?,
        expires_on: r.opt_text(12)?,
        created_at: r.int(13)?,
        version: r.int(14)?,
        taxonomy: r.text(15)?,
        markets: Vec::new(),
        any_markets: Vec::new(),
        published_at: Vec::new(),
        files: Vec::new(),
        series: Vec::new(),
    })
}

/// The published version `e` names, with its signatures: from this isolate's cache, else
/// read once.
pub async fn published<P: Platform>(ctx: &Ctx<'_, P>, e: &Entry) -> Result<Option<Rc<Published>>> {
    if let Some(p) = VERSIONS.with(|v| v.borrow().iter().find(|(id, _)| *id == e.version_id).map(|(_, p)| p.clone())) {
        return Ok(Some(p));
    }
    let db = ctx.global_sql().await?;
    let Some(version) = version::find(&db, &e.version_id).await? else { return Ok(None) };
    let signatures = signature::of_item(&db, &e.item_id).await?.into_iter().filter(|s| s.version_id == version.id && s.sha256 == version.sha256).collect();
    let p = Rc::new(Published { version, signatures });
    VERSIONS.with(|v| {
        let mut v = v.borrow_mut();
        if v.len() >= VERSIONS_KEPT {
            v.clear();
        }
        v.push((e.version_id.clone(), p.clone()));
    });
    Ok(Some(p))
}

/// What readers see of an item's history while `live` is its live version: the versions up to
/// it (newest first) and the item's signatures.
#[derive(Debug)]
pub struct History {
    pub versions: Vec<Version>,
    pub signatures: Vec<Signature>,
}

/// The history of `e` up to its live version `live`: from this isolate's cache, else read
/// once (two queries) and kept until the live table is reloaded.
pub async fn history<P: Platform>(ctx: &Ctx<'_, P>, e: &Entry, live: &Version) -> Result<Rc<History>> {
    let key = (live.id.clone(), live.sha256.clone());
    if let Some(h) = HISTORIES.with(|h| h.borrow().iter().find(|(k, _)| *k == key).map(|(_, h)| h.clone())) {
        return Ok(h);
    }
    let db = ctx.global_sql().await?;
    let versions = version::history(&db, &e.item_id).await?.into_iter().filter(|v| v.number <= live.number).collect();
    let signatures = signature::of_item(&db, &e.item_id).await?;
    let h = Rc::new(History { versions, signatures });
    HISTORIES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= HISTORIES_KEPT {
            c.clear();
        }
        c.push((key, h.clone()));
    });
    Ok(h)
}
