//! The audit viewer's use cases: list, entry detail with its inclusion proof, export. Each
//! read of the trail is itself recorded in the log it read (actor, role, filters or range,
//! the client's hashed address), in the same database.

use crate::log::{self, Db, Log};
use medportal_auth::Session;
use medportal_core::audit::{AuditEntry, commit, commit_global};
use medportal_core::ports::SqlValue;
use medportal_core::{Ctx, Platform, Result};
use medportal_templates::pages::audit::{AuditRow, AuditView};
use medportal_transparency::hex;

/// The viewer's filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub log: Option<Log>,
    pub person: String,
    pub object: String,
    pub action: String,
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// Records a read of `log` by the session's person.
async fn record<P: Platform>(ctx: &Ctx<'_, P>, who: &Session, origin: Option<&str>, log: Log, action: &str, what: &str) -> Result<()> {
    let object = format!("db_{}", log.code());
    let entry = AuditEntry { actor: &who.claims.sub, action, target: Some(&object), reason: Some(what), role: Some("compliance_officer"), origin, ..Default::default() };
    match log {
        Log::Global => commit_global(ctx, Vec::new(), &[entry]).await,
        Log::Regional(r) => commit(ctx, r, Vec::new(), &[entry]).await,
    }
}

/// The entries the filter selects (newest first, at most 100), audited as `audit.viewed`.
pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, who: &Session, origin: Option<&str>, f: &Filter) -> Result<AuditView> {
    let log = f.log.unwrap_or(Log::Regional(who.region));
    let mut view = AuditView { db: log.code().into(), dbs: Log::all().iter().map(|l| l.code().to_string()).collect(), ..Default::default() };
    let db = Db::open(ctx, log).await?;
    let mut sql = format!("SELECT {} FROM audit_entries WHERE 1 = 1", log::COLUMNS);
    let mut params: Vec<SqlValue> = Vec::new();
    if !f.person.is_empty() {
        params.push(f.person.as_str().into());
        sql.push_str(&format!(" AND (actor = ?{0} OR subject = ?{0} OR object = ?{0})", params.len()));
    }
    for (col, value) in [("object", &f.object), ("action", &f.action)] {
        if !value.is_empty() {
            params.push(value.as_str().into());
            sql.push_str(&format!(" AND {col} = ?{}", params.len()));
        }
    }
    for (op, value) in [(">=", f.since), ("<=", f.until)] {
        if let Some(v) = value {
            params.push(v.into());
            sql.push_str(&format!(" AND at {op} ?{}", params.len()));
        }
    }
    sql.push_str(" ORDER BY seq DESC LIMIT 100");
    for r in db.query(&sql, &params).await? {
        let e = log::entry(&r)?;
        let outcome = if e.outcome == medportal_transparency::Outcome::Success { "success" } else { "failure" };
        view.rows.push(AuditRow { seq: e.seq, time: e.time, actor: e.actor, role: e.role, action: e.action, object: e.object.unwrap_or_default(), outcome: outcome.into(), reason: e.reason.unwrap_or_default() });
    }
    let t = log::tree(&db).await?;
    (view.size, view.signed) = (t.state.size(), t.signed_size);
    (view.person, view.object, view.action) = (f.person.clone(), f.object.clone(), f.action.clone());
    let what = format!("person={}; object={}; action={}; since={:?}; until={:?}; shown={}", f.person, f.object, f.action, f.since, f.until, view.rows.len());
    record(ctx, who, origin, log, "audit.viewed", &what).await?;
    Ok(view)
}

/// One entry with its leaf and inclusion proof against the latest signed checkpoint (JSON),
/// audited as `audit.entry_viewed`. `None`: no such entry.
pub async fn detail<P: Platform>(ctx: &Ctx<'_, P>, who: &Session, origin: Option<&str>, log: Log, seq: u64) -> Result<Option<serde_json::Value>> {
    log::checkpoint(ctx, log, true).await?;
    let db = Db::open(ctx, log).await?;
    let rows = db.query(&format!("SELECT {} FROM audit_entries WHERE seq = ?1", log::COLUMNS), &[(seq as i64).into()]).await?;
    let Some(row) = rows.first() else { return Ok(None) };
    let e = log::entry(row)?;
    let Some((size, _, note)) = log::latest_checkpoint(&db).await? else { return Ok(None) };
    let proof = log::inclusion(&db, seq, size).await?;
    let line = medportal_transparency::export::entry_line(&e, &[]).map_err(|p| medportal_core::Error::internal(p.to_string()))?;
    let entry: serde_json::Value = serde_json::from_str(&line).map_err(medportal_core::Error::internal)?;
    record(ctx, who, origin, log, "audit.entry_viewed", &format!("seq={seq}")).await?;
    Ok(Some(serde_json::json!({
        "log": log::origin(ctx, log),
        "entry": entry["entry"],
        "leaf_index": seq,
        "tree_size": size,
        "leaf": proof.as_ref().map(|(leaf, _)| hex(leaf)),
        "inclusion_proof": proof.map(|(_, p)| p.iter().map(|h| hex(h)).collect::<Vec<_>>()),
        "checkpoint": note,
    })))
}

/// The export of `log` from entry `from` (after signing a checkpoint of everything appended
/// so far), audited as `audit.exported`. `None`: nothing to export.
pub async fn export<P: Platform>(ctx: &Ctx<'_, P>, who: &Session, origin: Option<&str>, log: Log, from: u64) -> Result<Option<String>> {
    log::checkpoint(ctx, log, true).await?;
    let out = log::export(ctx, log, from).await?;
    if out.is_some() {
        record(ctx, who, origin, log, "audit.exported", &format!("from={from}")).await?;
    }
    Ok(out)
}

/// `YYYY-MM-DD` (start of the day, or its end when `end`) or `YYYY-MM-DDTHH:MM:SSZ` as unix
/// seconds; `None` for anything else.
pub fn parse_time(s: &str, end: bool) -> Option<i64> {
    let full = if s.len() == 10 { format!("{s}T{}Z", if end { "23:59:59" } else { "00:00:00" }) } else { s.to_string() };
    if !medportal_transparency::entry::valid_time(&full) {
        return None;
    }
    let n = |r: core::ops::Range<usize>| full[r].parse::<i64>().ok();
    let (y, mo, d, h, mi, se) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?, n(17..19)?);
    let date = time::Date::from_calendar_date(y as i32, time::Month::try_from(mo as u8).ok()?, d as u8).ok()?;
    let t = time::Time::from_hms(h as u8, mi as u8, se as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, t).assume_utc().unix_timestamp())
}
