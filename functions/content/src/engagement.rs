//! The reader's engagement (`reader_visits`, `reader_views`, `reader_coviews`,
//! `reader_progress`, written only here): personal data, so it lives in the reader's home
//! region's database (the session's region) and nowhere else. Co-view counts are kept in the
//! region where the views happened, as counts of item pairs without person ids; related
//! content reads them only in that region.

use medportal_auth::Session;
use medportal_core::audit::{self, AuditEntry, Outcome};
use medportal_core::ports::Statement;
use medportal_core::{Ctx, Platform, Result};

/// A pause longer than this starts a new visit (as does a new sign-in).
const VISIT_GAP_SECONDS: i64 = 30 * 60;
/// Views within this window count as read together.
const COVIEW_WINDOW_SECONDS: i64 = 24 * 60 * 60;
/// Items a view is paired with (the reader's latest within the window).
const COVIEW_PAIRS: u32 = 5;
/// Recently viewed items kept per reader.
const VIEWS_KEPT: u32 = 50;
/// A view of the item the reader opened last, again within this long (a reload, coming back
/// from a download or a reference), changes nothing worth a write: it is their newest view
/// already, and a view repeated within the co-view window pairs with nothing new.
const VIEW_REFRESH_SECONDS: i64 = 5 * 60;
/// A co-view count below this is never used (a pair read together by one person only says
/// something about that person).
pub const MIN_COVIEWS: i64 = 2;

/// The reader's visit: starts a new one when the session is new (its authentication time
/// differs) or after a pause, and returns the end of the previous visit, the boundary of
/// "new since your last visit" (`None` on the reader's first visit: nothing is new yet; it
/// starts now).
pub async fn visit<P: Platform>(ctx: &Ctx<'_, P>, s: &Session) -> Result<Option<i64>> {
    let now = ctx.now().unix_timestamp();
    let db = ctx.region(s.region).sql().await?;
    let rows = db
        .execute_returning(
            &s.region,
            "INSERT INTO reader_visits (user_id, visit_mark, since, last_seen) VALUES (?1, ?2, ?3, ?3) \
             ON CONFLICT (user_id) DO UPDATE SET \
               since = CASE WHEN reader_visits.visit_mark <> excluded.visit_mark OR excluded.last_seen - reader_visits.last_seen > ?4 \
                       THEN reader_visits.last_seen ELSE reader_visits.since END, \
               visit_mark = excluded.visit_mark, last_seen = excluded.last_seen \
             RETURNING since",
            &[s.user_id().into(), s.claims.auth_time.into(), now.into(), VISIT_GAP_SECONDS.into()],
        )
        .await?;
    let since = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(now);
    Ok((since < now).then_some(since))
}

/// The read `record_view` decides on, as one part of the item page's personal reads: the
/// reader's latest views within the co-view window (item id, when), as read by
/// `personal::read_together`.
pub fn latest_views<P: Platform>(ctx: &Ctx<'_, P>, s: &Session) -> Statement {
    let now = ctx.now().unix_timestamp();
    Statement::new(
        "SELECT item_id, viewed_at FROM reader_views WHERE user_id = ? AND viewed_at > ? ORDER BY viewed_at DESC LIMIT ?",
        vec![s.user_id().into(), (now - COVIEW_WINDOW_SECONDS).into(), i64::from(COVIEW_PAIRS + 1).into()],
    )
}

/// Records that the reader opened `item_id` (a visible item), given `latest` (the rows of
/// [`latest_views`], newest first): the recently viewed list, and on the first view within the
/// co-view window one more co-view with each item they opened in that window. Opening again
/// the item they opened last, within [`VIEW_REFRESH_SECONDS`], writes nothing (the common
/// reload costs no write to the region's database).
pub async fn record_view<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, item_id: &str, latest: &[(String, i64)]) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let user = s.user_id();
    if let Some((last, at)) = latest.first()
        && last == item_id
        && now - at < VIEW_REFRESH_SECONDS
    {
        return Ok(());
    }
    let recent: Vec<&str> = latest.iter().map(|(i, _)| i.as_str()).collect();
    let mut stmts = vec![Statement::new(
        "INSERT INTO reader_views (user_id, item_id, viewed_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (user_id, item_id) DO UPDATE SET viewed_at = excluded.viewed_at",
        vec![user.into(), item_id.into(), now.into()],
    )];
    if !recent.contains(&item_id) {
        for other in recent.iter().take(COVIEW_PAIRS as usize) {
            for (a, b) in [(item_id, *other), (*other, item_id)] {
                stmts.push(Statement::new(
                    "INSERT INTO reader_coviews (item_id, other_id, count) VALUES (?1, ?2, 1) \
                     ON CONFLICT (item_id, other_id) DO UPDATE SET count = count + 1",
                    vec![a.into(), b.into()],
                ));
            }
        }
    }
    stmts.push(Statement::new(
        "DELETE FROM reader_views WHERE user_id = ?1 AND item_id NOT IN \
         (SELECT item_id FROM reader_views WHERE user_id = ?1 ORDER BY viewed_at DESC LIMIT ?2)",
        vec![user.into(), i64::from(VIEWS_KEPT).into()],
    ));
    ctx.region(s.region).sql().await?.batch(&s.region, &stmts).await
}

/// The reader's recently opened items, newest first.
pub async fn recent<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, limit: u32) -> Result<Vec<String>> {
    let db = ctx.region(s.region).sql().await?;
    let rows = db
        .query(
            "SELECT item_id FROM reader_views WHERE user_id = ?1 ORDER BY viewed_at DESC, item_id LIMIT ?2",
            &[s.user_id().into(), i64::from(limit).into()],
        )
        .await?;
    rows.iter().map(|r| r.text(0)).collect()
}

/// Items read together with `item_id` in the region it is read in (at least [`MIN_COVIEWS`]
/// times), most often first: a part of the item page's personal reads (other item, count).
pub fn coviewed(item_id: &str, limit: u32) -> Statement {
    Statement::new(
        "SELECT other_id, count FROM reader_coviews WHERE item_id = ? AND count >= ? ORDER BY count DESC, other_id LIMIT ?",
        vec![item_id.into(), MIN_COVIEWS.into(), i64::from(limit).into()],
    )
}

/// The parts of `series_id` the reader completed, as a part of the item page's personal reads
/// (item id, completion time).
pub fn completed_read(s: &Session, series_id: &str) -> Statement {
    Statement::new(
        "SELECT item_id, completed_at FROM reader_progress WHERE user_id = ? AND series_id = ?",
        vec![s.user_id().into(), series_id.into()],
    )
}

/// The parts of `series_id` the reader completed.
pub async fn completed<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, series_id: &str) -> Result<Vec<String>> {
    let db = ctx.region(s.region).sql().await?;
    let rows = db
        .query("SELECT item_id FROM reader_progress WHERE user_id = ?1 AND series_id = ?2", &[s.user_id().into(), series_id.into()])
        .await?;
    rows.iter().map(|r| r.text(0)).collect()
}

/// Marks a part of a series completed (idempotent), with its audit entry in the same batch.
pub async fn complete<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, series_id: &str, item_id: &str) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let stmt = Statement::new(
        "INSERT OR IGNORE INTO reader_progress (user_id, series_id, item_id, completed_at) VALUES (?1, ?2, ?3, ?4)",
        vec![s.user_id().into(), series_id.into(), item_id.into(), now.into()],
    );
    let entry = AuditEntry { actor: s.user_id(), action: "reader.part_completed", target: Some(item_id), outcome: Outcome::Success, reason: None, ..Default::default() };
    audit::commit(ctx, s.region, vec![stmt], &[entry]).await
}
