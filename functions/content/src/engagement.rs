//! The reader's engagement (`reader_visits`, `reader_views`, `reader_coviews`,
//! `reader_progress`, written only here): personal data, so it lives in the reader's home
//! region's database (the session's region) and nowhere else. Co-view counts are kept in the
//! region where the views happened, as counts of item pairs without person ids; related
//! content reads them only in that region.

use medportal_auth::Session;
use medportal_core::audit::{self, AuditEntry, Outcome};
use medportal_core::ports::Statement;
use medportal_core::region::Region;
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

/// Records that the reader opened `item_id` (a visible item): the recently viewed list, and
/// on the first view within the co-view window one more co-view with each item they opened
/// in that window. Opening again the item they opened last, within [`VIEW_REFRESH_SECONDS`],
/// writes nothing (one read, no write: the common reload costs no write to the region's
/// database).
pub async fn record_view<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, item_id: &str) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let db = ctx.region(s.region).sql().await?;
    let user = s.user_id();
    let rows = db
        .query(
            "SELECT item_id, viewed_at FROM reader_views WHERE user_id = ?1 AND viewed_at > ?2 ORDER BY viewed_at DESC LIMIT ?3",
            &[user.into(), (now - COVIEW_WINDOW_SECONDS).into(), i64::from(COVIEW_PAIRS + 1).into()],
        )
        .await?;
    if let Some(last) = rows.first()
        && last.text(0)? == item_id
        && now - last.int(1)? < VIEW_REFRESH_SECONDS
    {
        return Ok(());
    }
    let recent = rows.iter().map(|r| r.text(0)).collect::<Result<Vec<_>>>()?;
    let mut stmts = vec![Statement::new(
        "INSERT INTO reader_views (user_id, item_id, viewed_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (user_id, item_id) DO UPDATE SET viewed_at = excluded.viewed_at",
        vec![user.into(), item_id.into(), now.into()],
    )];
    if !recent.iter().any(|i| i == item_id) {
        for other in recent.iter().take(COVIEW_PAIRS as usize) {
            for (a, b) in [(item_id, other.as_str()), (other.as_str(), item_id)] {
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
    db.batch(&s.region, &stmts).await
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

/// Items read together with `item_id` in `region` (at least [`MIN_COVIEWS`] times), most
/// often first.
pub async fn coviewed<P: Platform>(ctx: &Ctx<'_, P>, region: Region, item_id: &str, limit: u32) -> Result<Vec<String>> {
    let db = ctx.region(region).sql().await?;
    let rows = db
        .query(
            "SELECT other_id FROM reader_coviews WHERE item_id = ?1 AND count >= ?2 ORDER BY count DESC, other_id LIMIT ?3",
            &[item_id.into(), MIN_COVIEWS.into(), i64::from(limit).into()],
        )
        .await?;
    rows.iter().map(|r| r.text(0)).collect()
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
