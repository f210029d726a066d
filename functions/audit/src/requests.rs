//! Data-subject requests (`data_requests`): the only writer of the table. A person asks
//! (access and portability, rectification, erasure); a compliance officer of their region
//! completes or refuses it within one month (Art. 12(3) GDPR), authorised by a fresh second
//! factor (a step-up assertion, which decides once).

use medportal_core::audit::guard;
use medportal_core::platform::RegionSql;
use medportal_core::ports::{Row, SqlStore, Statement};
use medportal_core::{Error, Result};

/// One month (Art. 12(3) GDPR), counted as 30 days.
pub const DUE_SECS: i64 = 30 * 86_400;
/// What a person may write about a request (rectification: what is wrong).
pub const DETAILS_MAX: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Access,
    Rectification,
    Erasure,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Access => "access",
            Kind::Rectification => "rectification",
            Kind::Erasure => "erasure",
        }
    }
    pub fn parse(code: &str) -> Option<Kind> {
        [Kind::Access, Kind::Rectification, Kind::Erasure].into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Completed,
    Refused,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Completed => "completed",
            Status::Refused => "refused",
        }
    }
    fn parse(code: &str) -> Result<Status> {
        [Status::Open, Status::Completed, Status::Refused].into_iter().find(|s| s.code() == code).ok_or_else(|| Error::internal("unknown request status"))
    }
}

/// What the officer decides (the step-up purpose names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Access or rectification done.
    Complete,
    /// Erasure carried out.
    Erase,
    Refuse,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::Complete => "complete",
            Decision::Erase => "erase",
            Decision::Refuse => "refuse",
        }
    }
    /// The decisions open to a request of `kind`.
    pub fn for_kind(kind: Kind) -> &'static [Decision] {
        match kind {
            Kind::Erasure => &[Decision::Erase, Decision::Refuse],
            _ => &[Decision::Complete, Decision::Refuse],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    pub id: String,
    pub user_id: String,
    pub kind: Kind,
    pub details: Option<String>,
    pub status: Status,
    pub received_at: i64,
    pub due_at: i64,
    pub reason: Option<String>,
    pub outcome: Option<String>,
}

const COLUMNS: &str = "id, user_id, kind, details, status, received_at, due_at, decided_at, reason, outcome";

fn parse(row: &Row) -> Result<Request> {
    Ok(Request {
        id: row.text(0)?,
        user_id: row.text(1)?,
        kind: Kind::parse(&row.text(2)?).ok_or_else(|| Error::internal("unknown request kind"))?,
        details: row.opt_text(3)?,
        status: Status::parse(&row.text(4)?)?,
        received_at: row.int(5)?,
        due_at: row.int(6)?,
        reason: row.opt_text(8)?,
        outcome: row.opt_text(9)?,
    })
}

/// A new request (status open, due in one month).
pub fn create(id: &str, user_id: &str, kind: Kind, details: Option<&str>, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO data_requests (id, user_id, kind, details, status, received_at, due_at) VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6)",
        vec![id.into(), user_id.into(), kind.code().into(), details.into(), now.into(), (now + DUE_SECS).into()],
    )
}

/// Closes an open request; the assertion id is unique, so an assertion decides once. The
/// statements for the decision's batch: a guard (the request is still open when the batch
/// runs: a decision committed meanwhile by another officer refuses the whole batch, its audit
/// entry included, which the caller answers as the conflict `request_decided`), then the
/// update.
pub fn decide(r: &Request, status: Status, officer: &str, assertion_id: &str, reason: Option<&str>, outcome: Option<&str>, now: i64) -> [Statement; 2] {
    let open = guard("EXISTS (SELECT 1 FROM data_requests WHERE id = ?1 AND status = 'open')", vec![r.id.as_str().into()]);
    [open, Statement::new(
        "UPDATE data_requests SET status = ?2, decided_at = ?3, decided_by = ?4, assertion_id = ?5, reason = ?6, outcome = ?7 WHERE id = ?1 AND status = 'open'",
        vec![r.id.as_str().into(), status.code().into(), now.into(), officer.into(), assertion_id.into(), reason.into(), outcome.into()],
    )]
}

/// A decided erasure's outcome once its steps outside the database are done.
pub fn record_outcome(id: &str, outcome: &str) -> Statement {
    Statement::new("UPDATE data_requests SET outcome = ?2 WHERE id = ?1 AND status = 'completed'", vec![id.into(), outcome.into()])
}

/// After an erasure: every request of the person keeps its dates, kind and outcome (proof
/// the request was handled) but no longer names the person nor what they wrote.
pub fn pseudonymise(user_id: &str) -> Statement {
    Statement::new("UPDATE data_requests SET user_id = 'erased', details = NULL WHERE user_id = ?1", vec![user_id.into()])
}

pub async fn of_person<S: SqlStore>(sql: &RegionSql<S>, user_id: &str) -> Result<Vec<Request>> {
    let rows = sql.query(&format!("SELECT {COLUMNS} FROM data_requests WHERE user_id = ?1 ORDER BY received_at DESC"), &[user_id.into()]).await?;
    rows.iter().map(parse).collect()
}

/// Open requests first (due first), then the 50 latest decided.
pub async fn queue<S: SqlStore>(sql: &RegionSql<S>) -> Result<Vec<Request>> {
    let open = sql.query(&format!("SELECT {COLUMNS} FROM data_requests WHERE status = 'open' ORDER BY due_at LIMIT 200"), &[]).await?;
    let done = sql.query(&format!("SELECT {COLUMNS} FROM data_requests WHERE status <> 'open' ORDER BY decided_at DESC LIMIT 50"), &[]).await?;
    open.iter().chain(done.iter()).map(parse).collect()
}

pub async fn find<S: SqlStore>(sql: &RegionSql<S>, id: &str) -> Result<Option<Request>> {
    let rows = sql.query(&format!("SELECT {COLUMNS} FROM data_requests WHERE id = ?1"), &[id.into()]).await?;
    rows.first().map(parse).transpose()
}

/// Whether the person already has an open request of `kind` (one at a time).
pub async fn has_open<S: SqlStore>(sql: &RegionSql<S>, user_id: &str, kind: Kind) -> Result<bool> {
    let rows = sql.query("SELECT 1 FROM data_requests WHERE user_id = ?1 AND kind = ?2 AND status = 'open'", &[user_id.into(), kind.code().into()]).await?;
    Ok(!rows.is_empty())
}
