//! Off-label (unsolicited) requests (`inquiry_off_label`, `inquiry_off_label_undone`, written
//! only here): a specialist records that an inquiry asks about a use the medicine is not
//! approved for, audited with the inquiry; from then on every response letter of the
//! inquiry states that the use is not approved and carries the approved indications and
//! important safety information of the medicine, from the deployment's configuration
//! (`infra/product-information.txt`, compiled in). The request, the requester, the response
//! and the follow-ups are the inquiry's own (its thread and audit trail). Before any answer
//! is sent the specialist may undo a mark with a reason, audited; the undone mark, who undid
//! it and why are kept.

use medportal_core::audit::{AuditEntry, Outcome, commit, conflict_if_refused, guard, refused};
use medportal_core::platform::RegionSql;
use medportal_core::ports::{SqlStore, Statement};
use medportal_core::region::Region;
use medportal_core::{Ctx, Error, Platform, Result};

use crate::inquiry::Inquiry;

const PRODUCT_INFORMATION: &str = include_str!("../../../infra/product-information.txt");

/// Longest description of the off-label use.
pub const MAX_USE: usize = 500;

/// An inquiry's off-label record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffLabel {
    /// The use asked about, in the specialist's words.
    pub use_asked: String,
    pub marked_by: String,
    pub marked_at: i64,
}

pub async fn of<S: SqlStore>(db: &RegionSql<S>, inquiry_id: &str) -> Result<Option<OffLabel>> {
    let rows = db.query("SELECT use_asked, marked_by, marked_at FROM inquiry_off_label WHERE inquiry_id = ?1", &[inquiry_id.into()]).await?;
    rows.first().map(|r| Ok(OffLabel { use_asked: r.text(0)?, marked_by: r.text(1)?, marked_at: r.int(2)? })).transpose()
}

/// Records that `inq` is an unsolicited request about the off-label use `use_asked`
/// (once: a second marking is a conflict), audited in the same batch.
pub async fn mark<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry, use_asked: &str) -> Result<()> {
    let use_asked = use_asked.trim();
    if use_asked.is_empty() || use_asked.len() > MAX_USE {
        return Err(Error::bad_request("off_label_use_required", "Describe the off-label use asked about (at most 500 characters)."));
    }
    let db = ctx.region(region).sql().await?;
    if of(&db, &inq.id).await?.is_some() {
        return Err(Error::Conflict { code: "already_off_label" });
    }
    let stmt = Statement::new(
        "INSERT INTO inquiry_off_label (inquiry_id, use_asked, unsolicited, marked_by, marked_at) VALUES (?1, ?2, 1, ?3, ?4)",
        vec![inq.id.as_str().into(), use_asked.into(), actor.into(), ctx.now().unix_timestamp().into()],
    );
    // a concurrent marking refuses this one (not a failing insert: a conflict)
    let unmarked = guard(UNMARKED, vec![inq.id.as_str().into()]);
    let entry = AuditEntry { actor, action: "inquiry.off_label", target: Some(&inq.id), outcome: Outcome::Success, reason: Some("unsolicited"), ..Default::default() };
    commit(ctx, region, vec![unmarked, stmt], &[entry]).await.map_err(|e| conflict_if_refused(e, "already_off_label"))
}

/// The state that lets a mark be made: the inquiry (`?1`) has none.
const UNMARKED: &str = "NOT EXISTS (SELECT 1 FROM inquiry_off_label WHERE inquiry_id = ?1)";

/// The state that lets a mark be undone: the inquiry (`?1`) is marked and no answer was sent
/// (neither its first-response time nor an answer in its thread).
const UNDOABLE: &str = "EXISTS (SELECT 1 FROM inquiry_off_label WHERE inquiry_id = ?1) \
    AND EXISTS (SELECT 1 FROM inquiries WHERE id = ?1 AND answered_at IS NULL) \
    AND NOT EXISTS (SELECT 1 FROM inquiry_messages WHERE inquiry_id = ?1 AND kind = 'answer')";

/// Undoes the off-label mark of `inq` with the specialist's `reason` (required): the mark
/// moves to the record of undone marks, audited in the same batch. Only while no answer was
/// sent: a sent letter carried the statement and stays as sent. The rule is checked again
/// inside the batch (a guard): an answer or another undo committed after `inq` was read
/// refuses this one, with no change and no audit entry.
pub async fn undo<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry, reason: &str) -> Result<()> {
    let reason = reason.trim();
    if reason.is_empty() || reason.len() > MAX_USE {
        return Err(Error::bad_request("undo_reason_required", "Give the reason for undoing the off-label mark (at most 500 characters)."));
    }
    let db = ctx.region(region).sql().await?;
    if of(&db, &inq.id).await?.is_none() {
        return Err(Error::Conflict { code: "not_off_label" });
    }
    if inq.answered_at > 0 {
        return Err(Error::Conflict { code: "off_label_answered" });
    }
    // The checks above read `inq` and the mark earlier: the guard repeats them inside the
    // batch, so an answer committed in between refuses the undo (and its audit entry).
    let stmts = vec![
        guard(UNDOABLE, vec![inq.id.as_str().into()]),
        Statement::new(
            "INSERT INTO inquiry_off_label_undone (id, inquiry_id, use_asked, marked_by, marked_at, undone_by, undone_at, reason) \
             SELECT ?1, inquiry_id, use_asked, marked_by, marked_at, ?2, ?3, ?4 FROM inquiry_off_label WHERE inquiry_id = ?5",
            vec![ctx.random_id()?.into(), actor.into(), ctx.now().unix_timestamp().into(), reason.into(), inq.id.as_str().into()],
        ),
        Statement::new("DELETE FROM inquiry_off_label WHERE inquiry_id = ?1", vec![inq.id.as_str().into()]),
    ];
    let entry = AuditEntry { actor, action: "inquiry.off_label_undone", target: Some(&inq.id), outcome: Outcome::Success, reason: Some("reason_recorded"), ..Default::default() };
    match commit(ctx, region, stmts, &[entry]).await {
        // The mark was undone or an answer went out after `inq` was read: nothing changed;
        // say which, from the state now.
        Err(e) if refused(&e) => Err(Error::Conflict { code: if of(&db, &inq.id).await?.is_some() { "off_label_answered" } else { "not_off_label" } }),
        other => other,
    }
}

/// The approved indications and important safety information of `product` in `language`
/// (English when the language has none), from the configuration.
pub fn information(product: &str, language: &str) -> Option<(String, String)> {
    information_in(PRODUCT_INFORMATION, product, language).or_else(|| information_in(PRODUCT_INFORMATION, product, "en"))
}

fn information_in(config: &str, product: &str, language: &str) -> Option<(String, String)> {
    let field = |wanted: &str| {
        config.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
            let mut parts = l.splitn(4, '|');
            let (names, lang, name, text) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            (names.split(',').any(|n| n.trim() == product) && lang == language && name == wanted).then(|| text.trim().to_owned())
        })
    };
    Some((field("indications")?, field("safety")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn information_per_product_and_language_from_the_configuration() {
        let (ind, safety) = information("apixaban", "de").unwrap();
        assert!(ind.contains("Vorhofflimmern") && safety.contains("Blutungsrisiko"));
        assert_eq!(information("eliquis", "en"), information("apixaban", "en"));
        assert!(information("eliquis", "fr").unwrap().0.contains("atrial fibrillation"), "English when the language has none");
        assert_eq!(information("notaproduct", "en"), None);
        assert_eq!(information_in("x|en|indications|i\n", "x", "en"), None, "both fields needed");
    }
}
