//! Families and items (`library_families`, `library_items`; a new item's inserts are built by
//! the shared library crate's draft module, also used for the inquiries function's FAQ
//! drafts, everything else is written only here): creating an item with its first version, saving a new version (which voids an approval), and the
//! statements other use cases put in their batches to move an item's state.

use medportal_core::audit::{AuditEntry, Outcome, commit_global, guard, refused};
use medportal_core::ports::{Row, SqlStore, Statement};
use medportal_core::{Ctx, Error, Platform, Result};

use medportal_library::draft::Ids;

use crate::model::{ContentType, State};
use crate::version::{self, Draft, Version};

/// An item as stored.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub family_id: String,
    pub slug: String,
    pub language: String,
    pub content_type: ContentType,
    pub state: State,
    pub head_version: Option<String>,
    pub approved_version: Option<String>,
    pub published_version: Option<String>,
    pub withdraw_reason: Option<String>,
    pub state_since: i64,
}

pub const COLUMNS: &str = "i.id, i.family_id, i.slug, i.language, i.content_type, i.state, i.head_version, i.approved_version, \
                           i.published_version, i.withdraw_reason, i.state_since";

pub fn of_row(r: &Row, at: usize) -> Result<Item> {
    Ok(Item {
        id: r.text(at)?,
        family_id: r.text(at + 1)?,
        slug: r.text(at + 2)?,
        language: r.text(at + 3)?,
        content_type: ContentType::stored(&r.text(at + 4)?)?,
        state: State::stored(&r.text(at + 5)?)?,
        head_version: r.opt_text(at + 6)?,
        approved_version: r.opt_text(at + 7)?,
        published_version: r.opt_text(at + 8)?,
        withdraw_reason: r.opt_text(at + 9)?,
        state_since: r.int(at + 10)?,
    })
}

pub async fn find<S: SqlStore>(db: &S, id: &str) -> Result<Option<Item>> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM library_items i WHERE i.id = ?1"), &[id.into()]).await?;
    rows.first().map(|r| of_row(r, 0)).transpose()
}

pub async fn by_slug<S: SqlStore>(db: &S, slug: &str) -> Result<Option<Item>> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM library_items i WHERE i.slug = ?1"), &[slug.into()]).await?;
    rows.first().map(|r| of_row(r, 0)).transpose()
}

/// Every item with its head version (staff lists), newest state change first.
pub async fn with_heads<S: SqlStore>(db: &S, state: Option<State>) -> Result<Vec<(Item, Version)>> {
    let rows = db
        .query(
            &format!(
                "SELECT {}, {COLUMNS} FROM library_items i JOIN library_versions v ON v.id = i.head_version \
                 WHERE (?1 IS NULL OR i.state = ?1) ORDER BY i.state_since DESC, i.slug LIMIT 500",
                version::COLUMNS
            ),
            &[state.map(State::code).into()],
        )
        .await?;
    rows.iter().map(|r| Ok((of_row(r, version::WIDTH)?, version::of_row(r)?))).collect()
}

pub use medportal_library::draft::NewItem;

/// Creates an item (and its family, when new) with its first version, audited. Returns the
/// item id.
pub async fn create<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, new: &NewItem, draft: Draft, reason: &str) -> Result<String> {
    let db = ctx.global_sql().await?;
    if by_slug(&db, &new.slug).await?.is_some() {
        return Err(Error::Conflict { code: "slug_taken" });
    }
    let now = ctx.now().unix_timestamp();
    let ids = Ids { item: ctx.random_id()?, version: ctx.random_id()? };
    let (stmts, sha256) = medportal_library::draft::create_item(&ids, new, State::Draft, &draft, actor, now, reason)?;
    let why = format!("sha256={sha256}; reason={reason}");
    let entry = AuditEntry { actor, action: "content.created", target: Some(&ids.item), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
    commit_global(ctx, stmts, &[entry]).await?;
    Ok(ids.item)
}

/// The 409 of an edit based on a version that is no longer the head: someone else saved a
/// newer one since the author's form was read.
pub const OVERTAKEN: &str = "version_overtaken";

/// Saves a new version of `item` (never editing one in place), made from its head version
/// `base` (the version the author's form was read from). The item goes back to draft: an
/// approval of an earlier version is void (its signatures stay bound to that version); a
/// published version stays published until the new one is. Returns the new version. A `base`
/// that is no longer the head, checked again inside the batch, is the 409 [`OVERTAKEN`] (two
/// saves from one read: the second neither takes the first's number nor silently replaces its
/// text); a withdrawal committed since is the 409 `withdrawn`.
pub async fn save<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, item: &Item, base: &str, draft: Draft, reason: &str) -> Result<Version> {
    if reason.trim().is_empty() || reason.len() > 500 {
        return Err(Error::bad_request("reason_required", "Say why this version was made."));
    }
    if item.state == State::Withdrawn {
        return Err(Error::Conflict { code: "withdrawn" });
    }
    if item.head_version.as_deref() != Some(base) {
        return Err(Error::Conflict { code: OVERTAKEN });
    }
    let db = ctx.global_sql().await?;
    let number = db
        .query("SELECT COALESCE(MAX(number), 0) + 1 FROM library_versions WHERE item_id = ?1", &[item.id.as_str().into()])
        .await?
        .first()
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(1);
    let now = ctx.now().unix_timestamp();
    let (insert_version, v) = version::insert(ctx.random_id()?, &item.id, number, actor, now, reason, draft)?;
    let stmts = vec![
        // withdrawn since `item` was read: refused (a withdrawn item is never revived as a draft)
        not_withdrawn(&item.id),
        // another version saved since: refused (before the insert would take the same number)
        guard("EXISTS (SELECT 1 FROM library_items WHERE id = ?1 AND head_version = ?2)", vec![item.id.as_str().into(), base.into()]),
        insert_version,
        Statement::new(
            "UPDATE library_items SET head_version = ?1, approved_version = NULL, state = CASE WHEN state IN ('published', 'expired') \
             AND published_version IS NOT NULL THEN state ELSE 'draft' END, state_since = ?2 WHERE id = ?3",
            vec![v.id.as_str().into(), now.into(), item.id.as_str().into()],
        ),
    ];
    let voided = item.approved_version.is_some();
    let why = format!("sha256={}; number={number}; reason={reason}{}", v.sha256, if voided { "; approval voided" } else { "" });
    let entry = AuditEntry { actor, action: "content.version_saved", target: Some(&item.id), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
    match commit_global(ctx, stmts, &[entry]).await {
        Ok(()) => Ok(v),
        Err(e) if refused(&e) => {
            let withdrawn = find(&db, &item.id).await?.is_some_and(|now| now.state == State::Withdrawn);
            Err(Error::Conflict { code: if withdrawn { "withdrawn" } else { OVERTAKEN } })
        }
        Err(e) => Err(e),
    }
}

/// Guards (`audit::guard`) for a batch acting on an item as it was read: each repeats, inside
/// the batch, the rule its use case checked on the item read before, so that a change another
/// request committed in between refuses the whole batch (no change, no audit entry) instead
/// of letting the entry land with a statement that changed nothing. The use case answers the
/// refusal with its conflict (`audit::conflict_if_refused`).
///
/// Submittable: the head version `head` is still a draft (a new draft, or a new version of a
/// published or expired item).
pub fn still_submittable(item_id: &str, head: &str) -> Statement {
    guard(
        "EXISTS (SELECT 1 FROM library_items WHERE id = ?1 AND head_version = ?2 AND (state = 'draft'          OR (state IN ('published', 'expired') AND published_version IS NOT head_version)))",
        vec![item_id.into(), head.into()],
    )
}

/// In review, with `head` still its head version (signatures and review decisions).
pub fn still_in_review(item_id: &str, head: &str) -> Statement {
    guard("EXISTS (SELECT 1 FROM library_items WHERE id = ?1 AND state = 'in_review' AND head_version = ?2)", vec![item_id.into(), head.into()])
}

/// Approved, with `version` still the approved head (publication).
pub fn still_approved(item_id: &str, version: &str) -> Statement {
    guard(
        "EXISTS (SELECT 1 FROM library_items WHERE id = ?1 AND state = 'approved' AND approved_version = ?2 AND head_version = ?2)",
        vec![item_id.into(), version.into()],
    )
}

/// Not withdrawn (a withdrawal, a new version).
pub fn not_withdrawn(item_id: &str) -> Statement {
    guard("EXISTS (SELECT 1 FROM library_items WHERE id = ?1 AND state <> 'withdrawn')", vec![item_id.into()])
}

/// Moves `item_id` from one of `from` to `to` (a statement for the caller's batch; no row
/// changes when the item is no longer in one of `from`).
pub fn transition(item_id: &str, from: &[State], to: State, now: i64) -> Statement {
    let from: Vec<String> = from.iter().map(|s| format!("'{}'", s.code())).collect();
    Statement::new(
        format!("UPDATE library_items SET state = ?1, state_since = ?2 WHERE id = ?3 AND state IN ({})", from.join(", ")),
        vec![to.code().into(), now.into(), item_id.into()],
    )
}

/// Approves the head version `version_id` once its three disciplines have signed it (a
/// statement placed after the signature's insert: it changes nothing before the third).
pub fn approve_when_signed(item_id: &str, version_id: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE library_items SET state = 'approved', approved_version = ?1, state_since = ?2 \
         WHERE id = ?3 AND head_version = ?1 AND state = 'in_review' \
         AND (SELECT COUNT(DISTINCT discipline) FROM library_signatures WHERE version_id = ?1 AND meaning = 'approval') = 3",
        vec![version_id.into(), now.into(), item_id.into()],
    )
}

/// Marks the approved version published (only while it is still the approved head).
pub fn mark_published(item_id: &str, version_id: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE library_items SET state = 'published', published_version = ?1, withdraw_reason = NULL, state_since = ?2 \
         WHERE id = ?3 AND state = 'approved' AND approved_version = ?1 AND head_version = ?1",
        vec![version_id.into(), now.into(), item_id.into()],
    )
}

/// Marks an item withdrawn (with its reason) or expired: off every reader page.
pub fn mark_off(item_id: &str, state: State, reason: Option<&str>, now: i64) -> Statement {
    Statement::new(
        "UPDATE library_items SET state = ?1, withdraw_reason = ?2, state_since = ?3 WHERE id = ?4 AND state <> 'withdrawn'",
        vec![state.code().into(), reason.into(), now.into(), item_id.into()],
    )
}
