//! The audit port: what happened, by whom, to what, with which outcome. Entries are
//! statements so they join the same storage batch as the action they record (no action
//! without its entry). They go into the database's tamper-evident log (`audit_entries`,
//! migration 0010): each INSERT takes the next sequence number inside the batch's transaction,
//! so concurrent writers from any function leave a gap-free log; the audit function's
//! checkpointer hashes the entries into the RFC 9162 tree and signs checkpoints (the heavy
//! code stays there, out of every function's append path).
//!
//! Personal values are never in an entry: it commits to them as `SHA-256(salt ‖ value)` with
//! the subject's salt (`audit_salts`); the clear values sit beside it (`audit_personal`) until
//! [`forget_subject`] deletes the salt, and the values with it, leaving every proof intact.

use crate::error::Result;
use crate::platform::{Ctx, Platform};
use crate::ports::{SqlValue, Statement};
use crate::region::Region;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Outcome {
    #[default]
    Success,
    Failure,
}

/// One audit entry. The five first fields are what every call site gives; the rest default
/// (`..Default::default()`) to "not known here".
#[derive(Debug, Clone, Default)]
pub struct AuditEntry<'a> {
    /// User id, `anonymous` or `system:<component>`.
    pub actor: &'a str,
    /// Dotted action name, e.g. `session.login`.
    pub action: &'a str,
    /// The object acted on.
    pub target: Option<&'a str>,
    pub outcome: Outcome,
    /// Why (Part 11 reason, rejection reason); never personal data in clear.
    pub reason: Option<&'a str>,
    /// The actor's role(s) for this action; unset: `system`, `anonymous` or `user` from the actor.
    pub role: Option<&'a str>,
    /// The object's version.
    pub version: Option<&'a str>,
    /// The meaning of an electronic signature (Part 11), e.g. `approval:medical`.
    pub meaning: Option<&'a str>,
    /// The request's client address: stored only as `SHA-256(key ‖ address)` under the
    /// database's origin key of the month (see [`origin_subject`]), never in clear.
    pub origin: Option<&'a str>,
    /// The pseudonymous person (user id) the personal values are about.
    pub subject: Option<&'a str>,
    /// Personal values `(name, value)`: committed through the subject's salt, never in the
    /// entry. Ignored without a subject.
    pub personal: &'a [(&'a str, &'a str)],
}

/// The log's entry table and the SQL that numbers an entry: the next sequence number,
/// computed in the batch's transaction (SQLite serialises writers).
const INSERT: &str = "INSERT INTO audit_entries (seq, at, actor, role, action, object, version, outcome, reason, meaning, origin, subject, personal) \
SELECT COALESCE(MAX(seq), -1) + 1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 FROM audit_entries";

/// The clear value beside the entry just inserted (only while the subject's salt exists).
const INSERT_VALUE: &str = "INSERT INTO audit_personal (seq, name, value) \
SELECT MAX(seq), ?1, ?2 FROM audit_entries WHERE EXISTS (SELECT 1 FROM audit_salts WHERE subject = ?3)";

/// The subject's salt, created on first use (one round trip; a concurrent creator's salt wins).
const SALT: &str = "INSERT INTO audit_salts (subject, salt, created_at) VALUES (?1, ?2, ?3) \
ON CONFLICT (subject) DO UPDATE SET subject = excluded.subject RETURNING salt";

fn hex(bytes: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [D[(b >> 4) as usize] as char, D[(b & 15) as usize] as char]).collect()
}

/// The role an entry records when the call site gives none.
pub fn default_role(actor: &str) -> &'static str {
    if actor.starts_with("system:") {
        "system"
    } else if actor == "anonymous" {
        "anonymous"
    } else {
        "user"
    }
}

/// `SHA-256(salt ‖ value)`, the commitment of a personal value (as the transparency crate's
/// `commit_personal`).
pub fn commitment(salt: &[u8], value: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(value.as_bytes());
    h.finalize().into()
}

impl AuditEntry<'_> {
    /// The INSERT appending this entry at `at` (unix seconds), with its subject and personal
    /// commitment lines (empty: none); the origin keyed with `key` (the database's origin key).
    fn insert(&self, at: i64, key: &[u8], subject: Option<&str>, personal: String) -> Statement {
        let outcome = match self.outcome {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        };
        let origin: Option<Vec<u8>> = self.origin.map(|o| commitment(key, o).to_vec());
        Statement::new(
            INSERT,
            vec![
                at.into(),
                self.actor.into(),
                self.role.unwrap_or(default_role(self.actor)).into(),
                self.action.into(),
                self.target.into(),
                self.version.into(),
                outcome.into(),
                self.reason.into(),
                self.meaning.into(),
                origin.into(),
                subject.into(),
                personal.into(),
            ],
        )
    }

    /// The statements appending this entry with its personal values committed through the
    /// subject's `salt` (the clear values beside it), names ascending.
    fn personal_statements(&self, at: i64, key: &[u8], salt: &[u8]) -> Vec<Statement> {
        let mut items = self.personal.to_vec();
        items.sort_by(|a, b| a.0.cmp(b.0));
        items.dedup_by(|a, b| a.0 == b.0);
        let mut personal = String::new();
        for (name, value) in &items {
            personal.push_str(name);
            personal.push(' ');
            personal.push_str(&hex(&commitment(salt, value)));
            personal.push('\n');
        }
        let mut out = vec![self.insert(at, key, self.subject, personal)];
        for (name, value) in items {
            out.push(Statement::new(INSERT_VALUE, vec![name.into(), value.into(), self.subject.into()]));
        }
        out
    }
}

/// Deletes the subject's salt and, with it (trigger), the clear personal values of its
/// entries: the erasure of a person from the log. The entries, their commitments and every
/// proof stay valid; without the salt nobody can test a guessed value against them.
pub fn forget_subject(subject: &str) -> Statement {
    Statement::new("DELETE FROM audit_salts WHERE subject = ?1", vec![subject.into()])
}

/// The subject whose salt an entry needs (it has personal values), if any.
fn salted<'a>(entry: &AuditEntry<'a>) -> Option<&'a str> {
    entry.subject.filter(|_| !entry.personal.is_empty())
}

fn salt_params(subject: &str, fresh: &[u8; 32], now: i64) -> Vec<SqlValue> {
    vec![subject.into(), fresh.to_vec().into(), now.into()]
}

/// The `audit_salts` row holding a database's origin key of the month of `now`:
/// `origin:YYYY-MM`. Client addresses are keyed, not plainly hashed: the IPv4 space (2^32) is
/// searched in seconds against an unkeyed SHA-256, never against a random 32-byte key that
/// only this database holds (exports carry no salts). The key is the database's, not the
/// person's: anonymous actions (a failed sign-in) have no person, and the same address stays
/// linkable across people within a month, which an investigation of an attack needs; a new
/// key each month makes addresses of different months unlinkable, and deleting an old
/// month's row (retention) makes its hashes unguessable for good.
pub fn origin_subject(now: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(now).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("origin:{:04}-{:02}", t.year(), u8::from(t.month()))
}

/// Whether an entry records a client address (its origin key must be read first).
fn with_origin(entries: &[AuditEntry<'_>]) -> bool {
    entries.iter().any(|e| e.origin.is_some())
}

fn salt_of(rows: Vec<crate::ports::Row>) -> Result<Vec<u8>> {
    rows.first().ok_or_else(|| crate::Error::internal("audit: no salt returned"))?.bytes(0)
}

/// Refuses entries with personal values or a client address on the lean paths ([`commit`],
/// [`commit_global`]): they go through [`commit_personal`] / [`commit_global_personal`], which
/// key them (so functions that record neither carry none of that code).
fn lean(statements: &mut Vec<Statement>, entries: &[AuditEntry<'_>], now: i64) -> Result<()> {
    for entry in entries {
        if salted(entry).is_some() || entry.origin.is_some() {
            return Err(crate::Error::internal("audit: an entry with personal values or an origin goes through audit::commit_personal"));
        }
        statements.push(entry.insert(now, &[], None, String::new()));
    }
    Ok(())
}

/// The region's origin key, read or created (one statement) when an entry records an origin.
async fn region_key<P: Platform>(ctx: &Ctx<'_, P>, sql: &crate::platform::RegionSql<P::Sql>, region: Region, entries: &[AuditEntry<'_>], now: i64) -> Result<Vec<u8>> {
    if !with_origin(entries) {
        return Ok(Vec::new());
    }
    let fresh: [u8; 32] = ctx.random_bytes()?;
    salt_of(sql.execute_returning(&region, SALT, &salt_params(&origin_subject(now), &fresh, now)).await?)
}

/// Writes an action's statements and the audit entries recording it in one atomic batch of
/// the region's database: both land, or neither does. The one way a function records what it
/// did; the entries share the batch's time (`ctx.now()`). Entries with personal values or a
/// client address: [`commit_personal`].
pub async fn commit<P: Platform>(
    ctx: &Ctx<'_, P>,
    region: Region,
    mut statements: Vec<Statement>,
    entries: &[AuditEntry<'_>],
) -> Result<()> {
    lean(&mut statements, entries, ctx.now().unix_timestamp())?;
    ctx.region(region).sql().await?.batch(&region, &statements).await
}

/// [`commit`] for entries carrying personal values (`subject` + `personal`) or a client
/// address (`origin`): each subject's salt and the region's origin key are read or created
/// first (one statement each), then the action, the entries with their commitments and the
/// clear values go in one batch.
pub async fn commit_personal<P: Platform>(
    ctx: &Ctx<'_, P>,
    region: Region,
    mut statements: Vec<Statement>,
    entries: &[AuditEntry<'_>],
) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let sql = ctx.region(region).sql().await?;
    let key = region_key(ctx, &sql, region, entries, now).await?;
    let fresh: [u8; 32] = ctx.random_bytes()?;
    for entry in entries {
        match salted(entry) {
            Some(s) => {
                let salt = salt_of(sql.execute_returning(&region, SALT, &salt_params(s, &fresh, now)).await?)?;
                statements.extend(entry.personal_statements(now, &key, &salt));
            }
            None => statements.push(entry.insert(now, &key, None, String::new())),
        }
    }
    sql.batch(&region, &statements).await
}

/// The message of a refusing guard (migration 0019's trigger), as every host reports it.
const GUARD_REFUSED: &str = "medportal guard: the state changed";

/// A statement that makes its batch fail unless `condition` (an SQL expression over the
/// `params`, e.g. `EXISTS (SELECT 1 FROM t WHERE id = ?1 AND state = 'open')`) holds when the
/// batch runs. A use case that read the state it acts on puts the rule that allowed the action
/// here, in the batch of the change and its audit entry ([`commit`]): the check and the change
/// are one transaction, so a change committed by another request after the read refuses the
/// whole batch (no change, no entry) instead of slipping through. [`refused`] tells the use
/// case, which answers with its conflict. A guard that holds writes nothing (`batch_guards`,
/// migration 0019, stays empty).
pub fn guard(condition: &str, params: Vec<SqlValue>) -> Statement {
    Statement::new(format!("INSERT INTO batch_guards (held) SELECT ({condition})"), params)
}

/// Whether `e` is a batch that a [`guard`] refused (the state changed after it was read).
pub fn refused(e: &crate::Error) -> bool {
    matches!(e, crate::Error::Platform(detail) if detail.contains(GUARD_REFUSED))
}

/// `e` as the conflict `code` when a [`guard`] refused the batch; any other error unchanged.
pub fn conflict_if_refused(e: crate::Error, code: &'static str) -> crate::Error {
    if refused(&e) { crate::Error::Conflict { code } } else { e }
}

/// [`commit`] for entries that may record a client address (`origin`) but carry no personal
/// values (identity's sign-ins): the region's origin key is read or created first when an entry
/// has an address (one statement), then the action and its entries go in one batch. Without
/// the salted-values code of [`commit_personal`], for functions that record addresses only.
pub async fn commit_keyed<P: Platform>(ctx: &Ctx<'_, P>, region: Region, mut statements: Vec<Statement>, entries: &[AuditEntry<'_>]) -> Result<()> {
    if entries.iter().any(|e| salted(e).is_some()) {
        return Err(crate::Error::internal("audit: an entry with personal values goes through audit::commit_personal"));
    }
    let now = ctx.now().unix_timestamp();
    let sql = ctx.region(region).sql().await?;
    let key = region_key(ctx, &sql, region, entries, now).await?;
    statements.extend(entries.iter().map(|e| e.insert(now, &key, None, String::new())));
    sql.batch(&region, &statements).await
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
    lean(&mut statements, entries, ctx.now().unix_timestamp())?;
    ctx.global_sql().await?.batch(&statements).await
}

/// [`commit_global`] for entries recording a client address: keyed with `db_global`'s own
/// origin key of the month. Personal values have no place in `db_global` and are refused.
pub async fn commit_global_personal<P: Platform>(ctx: &Ctx<'_, P>, mut statements: Vec<Statement>, entries: &[AuditEntry<'_>]) -> Result<()> {
    use crate::ports::SqlStore;
    if entries.iter().any(|e| salted(e).is_some()) {
        return Err(crate::Error::internal("audit: db_global holds no personal values"));
    }
    let now = ctx.now().unix_timestamp();
    let sql = ctx.global_sql().await?;
    let fresh: [u8; 32] = ctx.random_bytes()?;
    let key = salt_of(sql.query(SALT, &salt_params(&origin_subject(now), &fresh, now)).await?)?;
    statements.extend(entries.iter().map(|e| e.insert(now, &key, None, String::new())));
    sql.batch(&statements).await
}
