//! Audited state changes: an action's statements, the audit entries recording it and its
//! funnel events land in one batch through core's `audit::commit` (both, or neither). Every
//! audited change in this function goes through [`commit`].

use medportal_core::audit::{self, AuditEntry, Outcome};
use medportal_core::ports::Statement;
use medportal_core::{Ctx, Platform, Region, Result};

/// The actor of changes the function makes on its own (e.g. a verification lapsing).
pub const SYSTEM: &str = "system:identity";

/// An audit entry about `target` with the given outcome.
pub fn entry<'a>(ok: bool, actor: &'a str, action: &'a str, target: &'a str, reason: Option<&'a str>) -> AuditEntry<'a> {
    let outcome = if ok { Outcome::Success } else { Outcome::Failure };
    AuditEntry { actor, action, target: Some(target), outcome, reason, ..Default::default() }
}

pub fn success<'a>(actor: &'a str, action: &'a str, target: &'a str, reason: Option<&'a str>) -> AuditEntry<'a> {
    entry(true, actor, action, target, reason)
}

pub fn failure<'a>(actor: &'a str, action: &'a str, target: &'a str, reason: Option<&'a str>) -> AuditEntry<'a> {
    entry(false, actor, action, target, reason)
}

/// A funnel event of the person, now.
pub fn funnel<P: Platform>(ctx: &Ctx<'_, P>, user_id: &str, event: &str) -> Result<Statement> {
    Ok(audit::funnel(ctx.random_id()?, ctx.now().unix_timestamp(), Some(user_id), event))
}

/// `entry` recording the request's client address (`origin`, keyed in the log like every
/// other function's: sign-ins, failed ones included).
pub fn from<'a>(entry: AuditEntry<'a>, origin: Option<&'a str>) -> AuditEntry<'a> {
    AuditEntry { origin, ..entry }
}

/// Writes `statements` and `entries` in one batch of the region's database; a client address
/// is keyed with the database's origin key of the month (`audit::commit_keyed`).
pub async fn commit<P: Platform>(ctx: &Ctx<'_, P>, region: Region, statements: Vec<Statement>, entries: &[AuditEntry<'_>]) -> Result<()> {
    audit::commit_keyed(ctx, region, statements, entries).await
}
