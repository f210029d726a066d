//! The audit port: what happened, by whom, to what, with which outcome. Entries are
//! statements so they join the same storage batch as the action they record (no action
//! without its entry); the audit function builds the tamper-evident log on top.

use crate::error::Result;
use crate::platform::{Ctx, Platform};
use crate::ports::Statement;
use crate::region::Region;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// User id, `anonymous` or `system:<component>`.
    pub actor: &'a str,
    /// Dotted action name, e.g. `session.login`.
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub outcome: Outcome,
    /// Why (Part 11 reason, rejection reason); never personal data in clear.
    pub reason: Option<&'a str>,
}

impl AuditEntry<'_> {
    /// The insert statement for this entry (`id`: a fresh random id, `at`: unix seconds).
    pub fn statement(&self, id: String, at: i64) -> Statement {
        let outcome = match self.outcome {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        };
        Statement::new(
            "INSERT INTO audit_events (id, at, actor, action, target, outcome, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            vec![
                id.into(),
                at.into(),
                self.actor.into(),
                self.action.into(),
                self.target.into(),
                outcome.into(),
                self.reason.into(),
            ],
        )
    }
}

/// Writes an action's statements and the audit entries recording it in one atomic batch of
/// the region's database: both land, or neither does. The one way a function records what it
/// did; the entries share the batch's time (`ctx.now()`).
pub async fn commit<P: Platform>(
    ctx: &Ctx<'_, P>,
    region: Region,
    mut statements: Vec<Statement>,
    entries: &[AuditEntry<'_>],
) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    for entry in entries {
        statements.push(entry.statement(ctx.random_id()?, now));
    }
    ctx.region(region).sql().await?.batch(&region, &statements).await
}

/// A funnel event statement (engagement analytics; home region only).
pub fn funnel(id: String, at: i64, user_id: Option<&str>, event: &str) -> Statement {
    Statement::new(
        "INSERT INTO funnel_events (id, at, user_id, event) VALUES (?1, ?2, ?3, ?4)",
        vec![id.into(), at.into(), user_id.into(), event.into()],
    )
}

/// [`commit`] for global (non-personal) data: the statements and their audit entries in one
/// batch of `db_global`. For functions whose records are global (content's library: staff ids,
/// never other personal data).
pub async fn commit_global<P: Platform>(ctx: &Ctx<'_, P>, mut statements: Vec<Statement>, entries: &[AuditEntry<'_>]) -> Result<()> {
    use crate::ports::SqlStore;
    let now = ctx.now().unix_timestamp();
    for entry in entries {
        statements.push(entry.statement(ctx.random_id()?, now));
    }
    ctx.global_sql().await?.batch(&statements).await
}

/// The statement that forgets a person's audit salt (erasure): their entries' commitments can no longer be linked to them, while every proof still verifies.
pub fn forget_subject(subject: &str) -> Statement {
    Statement::new("DELETE FROM audit_salts WHERE subject = ?1", vec![subject.into()])
}
