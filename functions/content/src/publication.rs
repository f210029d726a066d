//! Publishing (`library_publications` and `library_outbox`, written only here): an approved
//! version goes live in each of its markets; a withdrawal (reason required) or an expiry
//! takes it off every reader page. Each writes an index event for search in the same batch
//! as the state change (transactional outbox).

use medportal_core::audit::{AuditEntry, Outcome, commit_global, conflict_if_refused, guard, refused};
use medportal_core::ports::{SqlStore, Statement};
use medportal_core::{Ctx, Error, Platform, Result};

use crate::item::{self, Item};
use crate::model::{State, join_markets};
use crate::version::Version;

fn outbox(item_id: &str, event: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO library_outbox (item_id, event, created_at) VALUES (?1, ?2, ?3)",
        vec![item_id.into(), event.into(), now.into()],
    )
}

/// Publishes the approved head version `v` of `it` in each of its markets, audited.
pub async fn publish<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, it: &Item, v: &Version) -> Result<()> {
    let approved = it.state == State::Approved && it.approved_version.as_deref() == Some(v.id.as_str()) && it.head_version == it.approved_version;
    if !approved {
        return Err(Error::Conflict { code: "not_approved" });
    }
    let now = ctx.now().unix_timestamp();
    // Guarded by the item's state in the same batch: nothing is published (nor the live
    // publications replaced, nor an entry written) unless the version is still the approved
    // head; a publication or an edit committed since `it` was read refuses the batch.
    let mut stmts = vec![
        item::still_approved(&it.id, &v.id),
        Statement::new("DELETE FROM library_publications WHERE item_id = ?1", vec![it.id.as_str().into()]),
    ];
    for m in &v.draft.markets {
        stmts.push(Statement::new(
            "INSERT INTO library_publications (item_id, market, version_id, published_at, published_by) \
             SELECT id, ?2, ?3, ?4, ?5 FROM library_items WHERE id = ?1 AND state = 'approved' AND approved_version = ?3 AND head_version = ?3",
            vec![it.id.as_str().into(), m.as_str().into(), v.id.as_str().into(), now.into(), actor.into()],
        ));
    }
    stmts.push(item::mark_published(&it.id, &v.id, now));
    stmts.push(outbox(&it.id, "publish", now));
    let why = format!("sha256={}; markets={}", v.sha256, join_markets(&v.draft.markets));
    let entry = AuditEntry { actor, action: "content.published", target: Some(&it.id), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
    commit_global(ctx, stmts, &[entry]).await.map_err(|e| conflict_if_refused(e, "not_approved"))
}

/// Withdraws `it` from every market (a reason is required), audited.
pub async fn withdraw<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, it: &Item, reason: &str) -> Result<()> {
    let reason = reason.trim();
    if reason.is_empty() || reason.len() > 1000 {
        return Err(Error::bad_request("reason_required", "A withdrawal needs a reason."));
    }
    if it.state == State::Withdrawn {
        return Err(Error::Conflict { code: "already_withdrawn" });
    }
    let now = ctx.now().unix_timestamp();
    let stmts = vec![
        // withdrawn by another request since `it` was read: refused (one withdrawal, one entry)
        item::not_withdrawn(&it.id),
        Statement::new("DELETE FROM library_publications WHERE item_id = ?1", vec![it.id.as_str().into()]),
        item::mark_off(&it.id, State::Withdrawn, Some(reason), now),
        outbox(&it.id, "withdraw", now),
    ];
    let entry = AuditEntry { actor, action: "content.withdrawn", target: Some(&it.id), outcome: Outcome::Success, reason: Some(reason), ..Default::default() };
    commit_global(ctx, stmts, &[entry]).await.map_err(|e| conflict_if_refused(e, "already_withdrawn"))
}

/// Marks published items whose live version has passed its expiry date expired (off reader
/// pages already: readers filter on the date) and queues them for re-review and for
/// withdrawal from search. Returns how many expired.
pub async fn expire_due<P: Platform>(ctx: &Ctx<'_, P>) -> Result<usize> {
    let db = ctx.global_sql().await?;
    let today = crate::visibility::today(ctx);
    let rows = db
        .query(
            "SELECT i.id FROM library_items i JOIN library_versions v ON v.id = i.published_version \
             WHERE i.state IN ('published', 'in_review', 'approved', 'draft') AND v.expires_on IS NOT NULL AND v.expires_on <= ?1 \
             AND EXISTS (SELECT 1 FROM library_publications p WHERE p.item_id = i.id) LIMIT 50",
            &[today.as_str().into()],
        )
        .await?;
    let mut expired = 0;
    for r in &rows {
        match expire(ctx, &r.text(0)?, "system:content", &today).await {
            Ok(()) => expired += 1,
            // another request expired (or withdrew) it since the query: nothing to do
            Err(e) if refused(&e) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(expired)
}

/// Takes `item_id` off every market as expired (queued for re-review and for withdrawal from
/// search), audited with `why`. Only while it is published somewhere and not withdrawn (a
/// guard in the batch): an expiry or withdrawal committed by another request first refuses
/// this one (`audit::refused`), so it is recorded once.
pub async fn expire<P: Platform>(ctx: &Ctx<'_, P>, item_id: &str, actor: &str, why: &str) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let live = guard(
        "EXISTS (SELECT 1 FROM library_publications WHERE item_id = ?1) AND EXISTS (SELECT 1 FROM library_items WHERE id = ?1 AND state <> 'withdrawn')",
        vec![item_id.into()],
    );
    let stmts = vec![
        live,
        Statement::new("DELETE FROM library_publications WHERE item_id = ?1", vec![item_id.into()]),
        item::mark_off(item_id, State::Expired, None, now),
        outbox(item_id, "withdraw", now),
    ];
    let entry = AuditEntry { actor, action: "content.expired", target: Some(item_id), outcome: Outcome::Success, reason: Some(why), ..Default::default() };
    commit_global(ctx, stmts, &[entry]).await
}

/// An index event waiting to be applied.
#[derive(Debug, Clone)]
pub struct Pending {
    pub seq: i64,
    pub item_id: String,
}

/// The newest events not yet applied (at most `n`). Newest first: an event re-sends its
/// item's current state, so the order of application does not matter, and a fresh publish is
/// never stuck behind a backlog.
pub async fn pending<S: SqlStore>(db: &S, n: i64) -> Result<Vec<Pending>> {
    let rows = db.query("SELECT seq, item_id FROM library_outbox WHERE done_at IS NULL ORDER BY seq DESC LIMIT ?1", &[n.into()]).await?;
    rows.iter().map(|r| Ok(Pending { seq: r.int(0)?, item_id: r.text(1)? })).collect()
}

/// Settles every pending event of `items` up to `max_seq` (their items' current state was sent
/// after they were written): applied (`error: None`), or failed once more and kept for a retry.
/// At most 90 items (bound parameters).
pub async fn settle<P: Platform>(ctx: &Ctx<'_, P>, items: &[String], max_seq: i64, error: Option<&str>) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let db = ctx.global_sql().await?;
    let now = ctx.now().unix_timestamp();
    let marks: Vec<String> = (0..items.len()).map(|i| format!("?{}", i + 4)).collect();
    let set = if error.is_none() { "done_at = ?1, last_error = NULL" } else { "last_error = ?2" };
    let sql = format!(
        "UPDATE library_outbox SET {set}, attempts = attempts + 1 WHERE done_at IS NULL AND seq <= ?3 AND item_id IN ({})",
        marks.join(", ")
    );
    let mut params: Vec<medportal_core::ports::SqlValue> = vec![now.into(), error.into(), max_seq.into()];
    params.extend(items.iter().map(|i| i.as_str().into()));
    db.execute(&sql, &params).await?;
    Ok(())
}
