//! The MLR workflow's decisions (`library_reviews`, written only here): an author submits the
//! head version for review; a reviewer of a discipline rejects it or requests changes (back
//! to draft, with a comment). Approvals are signatures (the signature module), which approve
//! the item once medical, legal and regulatory have each signed the same version.

use medportal_core::audit::{AuditEntry, Outcome, commit_global, conflict_if_refused};
use medportal_core::ports::{Row, SqlStore, Statement};
use medportal_core::{Ctx, Error, Platform, Result};

use crate::item::{self, Item};
use crate::model::{Decision, Discipline, State};

/// A stored review decision.
#[derive(Debug, Clone)]
pub struct Review {
    pub version_id: String,
    pub discipline: Discipline,
    pub decision: Decision,
    pub reviewer: String,
    pub comment: String,
    pub at: i64,
}

fn of_row(r: &Row) -> Result<Review> {
    Ok(Review {
        version_id: r.text(0)?,
        discipline: Discipline::stored(&r.text(1)?)?,
        decision: Decision::stored(&r.text(2)?)?,
        reviewer: r.text(3)?,
        comment: r.text(4)?,
        at: r.int(5)?,
    })
}

/// Every decision on the item's versions, oldest first.
pub async fn reviews<S: SqlStore>(db: &S, item_id: &str) -> Result<Vec<Review>> {
    let rows = db
        .query(
            "SELECT r.version_id, r.discipline, r.decision, r.reviewer, r.comment, r.at FROM library_reviews r \
             JOIN library_versions v ON v.id = r.version_id WHERE v.item_id = ?1 ORDER BY r.at, r.id",
            &[item_id.into()],
        )
        .await?;
    rows.iter().map(of_row).collect()
}

/// The statement recording a decision (the signature module records approvals with it).
pub fn record(id: String, version_id: &str, discipline: Discipline, decision: Decision, reviewer: &str, comment: &str, at: i64) -> Statement {
    Statement::new(
        "INSERT INTO library_reviews (id, version_id, discipline, decision, reviewer, comment, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        vec![id.into(), version_id.into(), discipline.code().into(), decision.code().into(), reviewer.into(), comment.into(), at.into()],
    )
}

/// Draft → in review (the head version), audited.
pub async fn submit<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, it: &Item) -> Result<()> {
    let draft_like = it.state == State::Draft || (matches!(it.state, State::Published | State::Expired) && it.head_version != it.published_version);
    if !draft_like {
        return Err(Error::Conflict { code: "not_a_draft" });
    }
    let head = it.head_version.as_deref().ok_or_else(|| Error::internal("item without version"))?;
    let now = ctx.now().unix_timestamp();
    // a submission, a publication or a new version committed since `it` was read: refused
    let stmts = vec![
        item::still_submittable(&it.id, head),
        item::transition(&it.id, &[State::Draft, State::Published, State::Expired], State::InReview, now),
    ];
    let why = format!("version={head}");
    let entry = AuditEntry { actor, action: "content.submitted", target: Some(&it.id), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
    commit_global(ctx, stmts, &[entry]).await.map_err(|e| conflict_if_refused(e, "not_a_draft"))
}

/// A reviewer's rejection or request for changes on the head version (a comment is
/// required): back to draft, audited.
pub async fn send_back<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, it: &Item, discipline: Discipline, decision: Decision, comment: &str) -> Result<()> {
    if decision == Decision::Approve {
        return Err(Error::bad_request("approval_needs_signature", "An approval is given by signing."));
    }
    let comment = comment.trim();
    if comment.is_empty() || comment.len() > 4000 {
        return Err(Error::bad_request("comment_required", "Say what must change."));
    }
    if it.state != State::InReview {
        return Err(Error::Conflict { code: "not_in_review" });
    }
    let version = it.head_version.as_deref().ok_or_else(|| Error::internal("item without version"))?;
    let now = ctx.now().unix_timestamp();
    let stmts = vec![
        // sent back, approved or edited since `it` was read: refused (no decision recorded)
        item::still_in_review(&it.id, version),
        record(ctx.random_id()?, version, discipline, decision, actor, comment, now),
        item::transition(&it.id, &[State::InReview], State::Draft, now),
    ];
    let why = format!("version={version}; discipline={}; decision={}", discipline.code(), decision.code());
    let entry = AuditEntry { actor, action: "content.review_decision", target: Some(&it.id), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
    commit_global(ctx, stmts, &[entry]).await.map_err(|e| conflict_if_refused(e, "not_in_review"))
}
