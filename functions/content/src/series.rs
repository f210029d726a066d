//! Series and educational modules (`library_series`, `library_series_items`, written only
//! here; db_global, no personal data): a series has a title per language and its items in
//! order. Authors place an item in a series (an existing one, or a new one with its title),
//! move it to another position and take it out again from the item's authoring page; the demo
//! library's import places its items through the same use case. Every change is audited in
//! its batch and moves the library's generation (triggers, migration 0016), so reader pages
//! follow it. Which parts a reader sees is the visibility rule's; their progress is personal
//! and kept by the engagement module in their home region.

use medportal_core::audit::{AuditEntry, Outcome, commit_global, conflict_if_refused, guard};
use medportal_core::ports::{SqlStore, Statement};
use medportal_core::{Ctx, Error, Platform, Result};
use serde::Deserialize;

use crate::model::valid_slug;

/// An item's place in a series (the demo library's `series` field, the authoring form). An
/// empty title keeps the series' title (the series must exist then).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Placement {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub position: i64,
}

/// Positions run from 1 to this.
const MAX_POSITION: i64 = 1000;

/// Puts `item_id` (of `language`) at its place in series `p.id`, creating the series or
/// renaming it in that language when a title is given; an item already in the series moves.
/// Refusals are 400s with the codes `series_code`, `series_title` and `series_position`.
pub async fn place<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, item_id: &str, language: &str, p: &Placement) -> Result<()> {
    let title = p.title.trim();
    if !valid_slug(&p.id) {
        return Err(Error::bad_request("series_code", "A series code is lower-case letters, digits and hyphens."));
    }
    if title.chars().count() > 300 || (title.is_empty() && !exists(&ctx.global_sql().await?, &p.id).await?) {
        return Err(Error::bad_request("series_title", "A new series needs a title of at most 300 characters."));
    }
    if !(1..=MAX_POSITION).contains(&p.position) {
        return Err(Error::bad_request("series_position", "A position is a whole number from 1 to 1000."));
    }
    let mut stmts = Vec::new();
    if !title.is_empty() {
        stmts.push(Statement::new(
            "INSERT INTO library_series (id, language, title) VALUES (?1, ?2, ?3) ON CONFLICT (id, language) DO UPDATE SET title = excluded.title",
            vec![p.id.as_str().into(), language.into(), title.into()],
        ));
    }
    stmts.push(Statement::new(
        "INSERT INTO library_series_items (series_id, item_id, position) VALUES (?1, ?2, ?3) \
         ON CONFLICT (series_id, item_id) DO UPDATE SET position = excluded.position",
        vec![p.id.as_str().into(), item_id.into(), p.position.into()],
    ));
    let why = format!("series={}; position={}", p.id, p.position);
    let entry = AuditEntry { actor, action: "content.series_placed", target: Some(item_id), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
    commit_global(ctx, stmts, &[entry]).await
}

/// Takes `item_id` out of series `series_id` (404 when it is not there); audited. The series'
/// titles stay (a series without visible parts has no page).
pub async fn remove<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, item_id: &str, series_id: &str) -> Result<()> {
    if !of_item(&ctx.global_sql().await?, item_id).await?.iter().any(|(s, _)| s == series_id) {
        return Err(Error::NotFound);
    }
    take_out(ctx, actor, item_id, series_id).await
}

/// The batch of a removal whose placement was read before: the placement is checked again
/// inside it, so a removal committed since refuses the whole batch, the 409
/// `series_not_placed` (no second removal, no second entry).
pub(crate) async fn take_out<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, item_id: &str, series_id: &str) -> Result<()> {
    let params = || vec![series_id.into(), item_id.into()];
    let placed = guard("EXISTS (SELECT 1 FROM library_series_items WHERE series_id = ?1 AND item_id = ?2)", params());
    let stmt = Statement::new("DELETE FROM library_series_items WHERE series_id = ?1 AND item_id = ?2", params());
    let why = format!("series={series_id}");
    let entry = AuditEntry { actor, action: "content.series_removed", target: Some(item_id), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
    commit_global(ctx, vec![placed, stmt], &[entry]).await.map_err(|e| conflict_if_refused(e, "series_not_placed"))
}

async fn exists<S: SqlStore>(db: &S, id: &str) -> Result<bool> {
    Ok(!db.query("SELECT 1 FROM library_series WHERE id = ?1 LIMIT 1", &[id.into()]).await?.is_empty())
}

/// The series `item_id` is placed in, with its positions, by series code.
pub async fn of_item<S: SqlStore>(db: &S, item_id: &str) -> Result<Vec<(String, i64)>> {
    let rows = db.query("SELECT series_id, position FROM library_series_items WHERE item_id = ?1 ORDER BY series_id", &[item_id.into()]).await?;
    rows.iter().map(|r| Ok((r.text(0)?, r.int(1)?))).collect()
}

/// Every placement: series id, item id and position (the live table keeps those of live items).
pub async fn placements<S: SqlStore>(db: &S) -> Result<Vec<(String, String, i64)>> {
    let rows = db.query("SELECT series_id, item_id, position FROM library_series_items", &[]).await?;
    rows.iter().map(|r| Ok((r.text(0)?, r.text(1)?, r.int(2)?))).collect()
}

/// Every series title: series id, language and title.
pub async fn titles<S: SqlStore>(db: &S) -> Result<Vec<(String, String, String)>> {
    let rows = db.query("SELECT id, language, title FROM library_series", &[]).await?;
    rows.iter().map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?))).collect()
}

/// Series `id`'s title in `language`, else in English, else in the first language by code
/// (from `titles`' rows).
pub fn title_in<'t>(titles: &'t [(String, String, String)], id: &str, language: &str) -> Option<&'t str> {
    let rank = |l: &str| if l == language { 0 } else if l == "en" { 1 } else { 2 };
    titles.iter().filter(|(s, _, _)| s == id).min_by_key(|(_, l, _)| (rank(l), l.as_str())).map(|(_, _, t)| t.as_str())
}
