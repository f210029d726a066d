//! Series and educational modules (`library_series`, `library_series_items`, written only
//! here; db_global, no personal data): a series has a title per language and its items in
//! order. Which parts a reader sees is the visibility rule's; their progress is personal and
//! kept by the engagement module in their home region.

#[cfg(any(test, feature = "dev"))]
pub use placing::{Placement, place};
use medportal_core::Result;
use medportal_core::ports::SqlStore;

/// Placing items in series: today only the demo library's import does it (staff authoring of
/// series is not built yet), so development builds only.
#[cfg(any(test, feature = "dev"))]
mod placing {
    use medportal_core::audit::{AuditEntry, Outcome, commit_global};
    use medportal_core::ports::Statement;
    use medportal_core::{Ctx, Error, Platform, Result};
    use serde::Deserialize;

    use crate::model::valid_slug;

    /// An item's place in a series (the demo library's `series` field).
    #[derive(Debug, Clone, Deserialize)]
    pub struct Placement {
        pub id: String,
        pub title: String,
        pub position: i64,
    }

    /// Puts `item_id` (of `language`) at its place in a series, naming the series in that
    /// language; audited.
    pub async fn place<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, item_id: &str, language: &str, p: &Placement) -> Result<()> {
        if !valid_slug(&p.id) || p.title.trim().is_empty() || p.title.len() > 300 || !(1..=1000).contains(&p.position) {
            return Err(Error::bad_request("invalid_series", "A series needs a code, a title and a position from 1."));
        }
        let stmts = vec![
            Statement::new(
                "INSERT INTO library_series (id, language, title) VALUES (?1, ?2, ?3) ON CONFLICT (id, language) DO UPDATE SET title = excluded.title",
                vec![p.id.as_str().into(), language.into(), p.title.as_str().into()],
            ),
            Statement::new(
                "INSERT INTO library_series_items (series_id, item_id, position) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (series_id, item_id) DO UPDATE SET position = excluded.position",
                vec![p.id.as_str().into(), item_id.into(), p.position.into()],
            ),
        ];
        let why = format!("series={}; position={}", p.id, p.position);
        let entry = AuditEntry { actor, action: "content.series_placed", target: Some(item_id), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
        commit_global(ctx, stmts, &[entry]).await
    }
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
