//! Answers cite approved library content by version. The library lives in `db_global`
//! (content's tables, no personal data): this module only reads it — the version an item
//! currently publishes — and the answer stores a snapshot (slug, version number, SHA-256,
//! title) in the inquiry's own region, so a letter keeps citing exactly what was approved
//! when it was written.

use medportal_core::ports::SqlStore;
use medportal_core::{Ctx, Error, Platform, Result};

use crate::thread::Citation;

/// Most citations per answer.
pub const MAX: usize = 10;

/// The published versions of the items named (one slug per line); an unknown, unpublished or
/// malformed slug is an error naming it.
pub async fn resolve<P: Platform>(ctx: &Ctx<'_, P>, slugs: &str) -> Result<Vec<Citation>> {
    let wanted: Vec<&str> = slugs.lines().map(str::trim).filter(|s| !s.is_empty()).collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    if wanted.len() > MAX {
        return Err(Error::bad_request("too_many_citations", "Cite at most 10 library items."));
    }
    let db = ctx.global_sql().await?;
    let mut out = Vec::new();
    for slug in wanted {
        let valid = slug.len() <= 120 && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let rows = if valid {
            db.query(
                "SELECT i.slug, v.number, v.sha256, v.title FROM library_items i JOIN library_versions v ON v.id = i.published_version \
                 WHERE i.slug = ?1 AND i.state = 'published'",
                &[slug.into()],
            )
            .await?
        } else {
            Vec::new()
        };
        let Some(r) = rows.first() else {
            return Err(Error::bad_request("citation_not_published", format!("No published library item {slug}.")));
        };
        out.push(Citation { slug: r.text(0)?, version: r.int(1)?, sha256: r.text(2)?, title: r.text(3)? });
    }
    Ok(out)
}
