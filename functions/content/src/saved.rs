//! Saved items (`reader_saved`, written only here): what a reader keeps to read later, in
//! their home region's database. Saving and removing are audited in the same batch.

use medportal_auth::Session;
use medportal_core::audit::{self, AuditEntry, Outcome};
use medportal_core::ports::Statement;
use medportal_core::{Ctx, Platform, Result};

/// Saved items kept per reader.
const SAVED_KEPT: u32 = 200;

/// What the reader asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Save,
    Unsave,
}

impl Change {
    pub fn parse(code: &str) -> Option<Change> {
        match code {
            "save" => Some(Change::Save),
            "unsave" => Some(Change::Unsave),
            _ => None,
        }
    }
}

/// Saves or removes `item_id` (idempotent).
pub async fn change<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, item_id: &str, change: Change) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let user = s.user_id();
    let (stmts, action) = match change {
        Change::Save => (
            vec![
                Statement::new(
                    "INSERT OR IGNORE INTO reader_saved (user_id, item_id, saved_at) VALUES (?1, ?2, ?3)",
                    vec![user.into(), item_id.into(), now.into()],
                ),
                Statement::new(
                    "DELETE FROM reader_saved WHERE user_id = ?1 AND item_id NOT IN \
                     (SELECT item_id FROM reader_saved WHERE user_id = ?1 ORDER BY saved_at DESC LIMIT ?2)",
                    vec![user.into(), i64::from(SAVED_KEPT).into()],
                ),
            ],
            "reader.saved",
        ),
        Change::Unsave => (
            vec![Statement::new("DELETE FROM reader_saved WHERE user_id = ?1 AND item_id = ?2", vec![user.into(), item_id.into()])],
            "reader.unsaved",
        ),
    };
    let entry = AuditEntry { actor: user, action, target: Some(item_id), outcome: Outcome::Success, reason: None, ..Default::default() };
    audit::commit(ctx, s.region, stmts, &[entry]).await
}

/// The reader's saved items, newest first.
pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, s: &Session) -> Result<Vec<String>> {
    let db = ctx.region(s.region).sql().await?;
    let rows = db
        .query(
            "SELECT item_id FROM reader_saved WHERE user_id = ?1 ORDER BY saved_at DESC, item_id LIMIT ?2",
            &[s.user_id().into(), i64::from(SAVED_KEPT).into()],
        )
        .await?;
    rows.iter().map(|r| r.text(0)).collect()
}

/// Whether the reader saved `item_id`, as a part of the item page's personal reads (a row
/// when saved: item id, time saved).
pub fn is_saved(s: &Session, item_id: &str) -> Statement {
    Statement::new("SELECT item_id, saved_at FROM reader_saved WHERE user_id = ? AND item_id = ?", vec![s.user_id().into(), item_id.into()])
}
