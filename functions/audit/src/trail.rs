//! The audit viewer's use cases: list, entry detail with its inclusion proof, export. Each
//! read of the trail is itself recorded in the log it read (actor, role, filters or range,
//! the client's hashed address), in the same database.

use crate::log::{self, Db, Log};
use medportal_auth::Session;
use medportal_core::audit::{AuditEntry, commit_global_personal, commit_personal};
use medportal_core::ports::SqlValue;
use medportal_core::{Ctx, Platform, Result};
use medportal_templates::pages::audit::{AuditRow, AuditView, EntryView, PersonalValue};
use medportal_transparency::merkle::{self, Hash};
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
        Log::Global => commit_global_personal(ctx, Vec::new(), &[entry]).await,
        Log::Regional(r) => commit_personal(ctx, r, Vec::new(), &[entry]).await,
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
        view.rows.push(row(&log::entry(&r)?));
    }
    let t = log::tree(&db).await?;
    (view.size, view.signed) = (t.state.size(), t.signed_size);
    (view.person, view.object, view.action) = (f.person.clone(), f.object.clone(), f.action.clone());
    let what = format!("person={}; object={}; action={}; since={:?}; until={:?}; shown={}", f.person, f.object, f.action, f.since, f.until, view.rows.len());
    record(ctx, who, origin, log, "audit.viewed", &what).await?;
    Ok(view)
}

/// One entry with its inclusion proof against the latest signed checkpoint.
pub struct Detail {
    pub log: Log,
    pub entry: medportal_transparency::Entry,
    /// The clear personal values still held (name, value): erased ones are absent.
    pub values: Vec<(String, String)>,
    /// (checkpoint size, signed note, leaf, proof, whether it leads to the note's root).
    pub proof: Option<(u64, String, Hash, Vec<Hash>, bool)>,
}

/// One entry with its leaf and inclusion proof against the latest signed checkpoint (signed
/// first if the entry is not yet covered), audited as `audit.entry_viewed`. `None`: no such
/// entry.
pub async fn detail<P: Platform>(ctx: &Ctx<'_, P>, who: &Session, origin: Option<&str>, log: Log, seq: u64) -> Result<Option<Detail>> {
    log::checkpoint(ctx, log, true).await?;
    let db = Db::open(ctx, log).await?;
    let rows = db.query(&format!("SELECT {} FROM audit_entries WHERE seq = ?1", log::COLUMNS), &[(seq as i64).into()]).await?;
    let Some(row) = rows.first() else { return Ok(None) };
    let entry = log::entry(row)?;
    let values = db.query("SELECT name, value FROM audit_personal WHERE seq = ?1 ORDER BY name", &[(seq as i64).into()]).await?;
    let values = values.iter().map(|r| Ok((r.text(0)?, r.text(1)?))).collect::<Result<Vec<_>>>()?;
    let mut proof = None;
    if let Some((size, _, note)) = log::latest_checkpoint(&db).await? {
        if let Some((leaf, path)) = log::inclusion(&db, seq, size).await? {
            let text = note.split_once("\n\n").map(|(t, _)| format!("{t}\n")).unwrap_or_default();
            let ok = medportal_transparency::Checkpoint::parse(&text)
                .is_ok_and(|cp| cp.size == size && merkle::verify_inclusion(seq, size, &leaf, &path, &cp.root));
            proof = Some((size, note, leaf, path, ok));
        }
    }
    record(ctx, who, origin, log, "audit.entry_viewed", &format!("seq={seq}")).await?;
    Ok(Some(Detail { log, entry, values, proof }))
}

impl Detail {
    /// The JSON for tools: the canonical entry, leaf, proof and checkpoint.
    pub fn json<P: Platform>(&self, ctx: &Ctx<'_, P>) -> Result<serde_json::Value> {
        let line = medportal_transparency::export::entry_line(&self.entry, &[]).map_err(|p| medportal_core::Error::internal(p.to_string()))?;
        let entry: serde_json::Value = serde_json::from_str(&line).map_err(medportal_core::Error::internal)?;
        let p = self.proof.as_ref();
        Ok(serde_json::json!({
            "log": log::origin(ctx, self.log),
            "entry": entry["entry"],
            "leaf_index": self.entry.seq,
            "tree_size": p.map(|p| p.0),
            "leaf": p.map(|p| hex(&p.2)),
            "inclusion_proof": p.map(|p| p.3.iter().map(|h| hex(h)).collect::<Vec<_>>()),
            "checkpoint": p.map(|p| p.1.clone()),
        }))
    }

    /// The page's view.
    pub fn view(&self) -> EntryView {
        let e = &self.entry;
        let personal = e
            .personal
            .iter()
            .map(|p| PersonalValue { name: p.name.clone(), commitment: hex(&p.commitment), value: self.values.iter().find(|(n, _)| *n == p.name).map(|(_, v)| v.clone()) })
            .collect();
        EntryView {
            db: self.log.code().into(),
            row: row(e),
            version: e.version.clone().unwrap_or_default(),
            meaning: e.meaning.clone().unwrap_or_default(),
            origin: e.origin.map(|h| hex(&h)).unwrap_or_default(),
            subject: e.subject.clone().unwrap_or_default(),
            personal,
            proof: self.proof.as_ref().map(|(size, _, leaf, path, ok)| (hex(leaf), *size, path.iter().map(|h| hex(h)).collect(), *ok)),
            checkpoint: self.proof.as_ref().map(|p| p.1.clone()).unwrap_or_default(),
        }
    }
}

fn row(e: &medportal_transparency::Entry) -> AuditRow {
    let outcome = if e.outcome == medportal_transparency::Outcome::Success { "success" } else { "failure" };
    AuditRow {
        seq: e.seq,
        time: e.time.clone(),
        actor: e.actor.clone(),
        role: e.role.clone(),
        action: e.action.clone(),
        object: e.object.clone().unwrap_or_default(),
        outcome: outcome.into(),
        reason: e.reason.clone().unwrap_or_default(),
    }
}

/// The consistency proof (RFC 9162 §2.1.4) between the log's signed checkpoints of `old` and
/// `new` entries, with both signed notes: what a holder of the older checkpoint checks the
/// newer one against (`medportal-audit-verify --consistency`). Public like the checkpoints
/// (hashes only) and not recorded: it reads no entry. `None`: no checkpoint of either size.
pub async fn consistency<P: Platform>(ctx: &Ctx<'_, P>, log: Log, old: u64, new: u64) -> Result<Option<serde_json::Value>> {
    let db = Db::open(ctx, log).await?;
    let (Some(old_note), Some(new_note)) = (log::checkpoint_of(&db, old).await?, log::checkpoint_of(&db, new).await?) else { return Ok(None) };
    let Some(proof) = log::consistency(&db, old, new).await? else { return Ok(None) };
    Ok(Some(serde_json::json!({
        "log": log::origin(ctx, log),
        "old": { "size": old, "checkpoint": old_note },
        "new": { "size": new, "checkpoint": new_note },
        "consistency_proof": proof.iter().map(|h| hex(h)).collect::<Vec<_>>(),
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
