//! What a person's data is, table by table, and what erasure does with it: one list of
//! per-table rules (the person's rows, the columns exported, and delete / pseudonymise / keep
//! with the legal reason). Export (Art. 15/20) reads every rule's rows; erasure (Art. 17)
//! applies every rule in the decision's one atomic batch of the home region's database (the
//! decision guarded: decided once), then revokes the person's sessions and deletes their
//! objects and key-value records (recorded steps, each audited, taken again after a failure),
//! and says what was removed and what was kept and why. Erasure is the one writer outside a table's own module, by design: the list is the
//! single place that knows every table holding personal data (a new personal table adds its
//! rule here, e.g. pharmacovigilance cases: kept under a legal duty).

use medportal_core::audit::{self, AuditEntry, Outcome};
use medportal_core::ports::{SqlValue, Statement};
use medportal_core::{Ctx, Platform, Region, Result};
use serde_json::{Map, Value, json};

use crate::requests::{self, Request, Status};

/// What erasure does with a table's rows of the person.
pub enum Erase {
    Delete,
    /// Kept under a legal duty (the reason code is shown and recorded).
    Keep(&'static str),
    /// The statement of the table's owner that removes the person from its rows.
    Owner(fn(&str) -> Statement, &'static str),
}

/// Rows under the pharmacovigilance duty: those of an inquiry that opened a case
/// (`pv_cases`). Adverse-event reports are records under a legal duty (GVP), whatever the
/// request, so such an inquiry is kept with its thread and the case.
#[derive(Clone, Copy)]
pub enum PvDuty {
    /// The table holds nothing of an inquiry.
    None,
    /// Only the rows of inquiries with a case (the rule that keeps them); the column names
    /// the row's inquiry.
    Only(&'static str),
    /// All but the rows of inquiries with a case (a rule that erases); the column names the
    /// row's inquiry.
    Except(&'static str),
}

/// The inquiries that opened a pharmacovigilance case.
const PV_CASE_INQUIRIES: &str = "SELECT inquiry_id FROM pv_cases";

pub struct Rule {
    pub table: &'static str,
    /// The person's rows: `?1` is their id, `?2` their email.
    pub rows: &'static str,
    /// What the export carries (never secrets such as the authenticator seed).
    pub columns: &'static str,
    pub erase: Erase,
    /// Which of `rows` this rule covers under the pharmacovigilance duty.
    pub pv: PvDuty,
}

impl Rule {
    /// The SQL condition of the rule's rows (`rows` narrowed by its pharmacovigilance duty).
    fn filter(&self) -> String {
        match self.pv {
            PvDuty::None => self.rows.to_owned(),
            PvDuty::Only(inquiry) => format!("({}) AND {inquiry} IN ({PV_CASE_INQUIRIES})", self.rows),
            PvDuty::Except(inquiry) => format!("({}) AND {inquiry} NOT IN ({PV_CASE_INQUIRIES})", self.rows),
        }
    }
}

/// In deletion order (children before the rows they reference).
pub static RULES: &[Rule] = &[
    Rule { table: "users", rows: "id = ?1", columns: "id, email, display_name, country, profession, specialty, practice_setting, language, interests, npi, roles, status, verification_status, verified_at, verification_expires_at, terms_accepted_at, comms_consent_at, created_at", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "pending_registrations", rows: "email = ?2", columns: "email, display_name, country, profession, created_at", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "verifications", rows: "user_id = ?1", columns: "method, status, reference, reason, evidence_type, evidence_name, note, created_at, decided_at, expires_at", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "second_factor_steps", rows: "user_id = ?1", columns: "attempts, expires_at", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "enrolment_codes", rows: "user_id = ?1", columns: "created_at, expires_at", erase: Erase::Delete, pv: PvDuty::None },
    // An inquiry that opened a pharmacovigilance case is kept with its thread and the case
    // (`PvDuty`): the inquiry rules below erase all but those.
    Rule { table: "pv_cases", rows: "reporter = ?1", columns: "id, inquiry_id, kind, status, market, received_at, forward_due_at, expedited_due_at", erase: Erase::Keep("legal_duty_pharmacovigilance"), pv: PvDuty::None },
    Rule { table: "pv_case_follow_ups", rows: "reporter = ?1", columns: "id, case_id, received_at", erase: Erase::Keep("legal_duty_pharmacovigilance"), pv: PvDuty::None },
    Rule { table: "inquiries", rows: "user_id = ?1", columns: "id, reference, market, language, product, category, urgency, channel, patient_context, status, received_at, due_at, answered_at, rating", erase: Erase::Keep("legal_duty_pharmacovigilance"), pv: PvDuty::Only("id") },
    Rule { table: "inquiry_messages", rows: "inquiry_id IN (SELECT id FROM inquiries WHERE user_id = ?1)", columns: "inquiry_id, kind, body, citations, created_at", erase: Erase::Delete, pv: PvDuty::Except("inquiry_id") },
    Rule { table: "inquiry_off_label", rows: "inquiry_id IN (SELECT id FROM inquiries WHERE user_id = ?1)", columns: "inquiry_id, use_asked, marked_at", erase: Erase::Delete, pv: PvDuty::Except("inquiry_id") },
    Rule { table: "inquiry_off_label_undone", rows: "inquiry_id IN (SELECT id FROM inquiries WHERE user_id = ?1)", columns: "inquiry_id, use_asked, marked_at, undone_at, reason", erase: Erase::Delete, pv: PvDuty::Except("inquiry_id") },
    Rule { table: "inquiry_form_keys", rows: "user_id = ?1", columns: "inquiry_id, created_at", erase: Erase::Delete, pv: PvDuty::Except("inquiry_id") },
    Rule { table: "inquiries", rows: "user_id = ?1", columns: "id, reference, market, language, product, category, urgency, channel, patient_context, status, received_at, due_at, answered_at, rating", erase: Erase::Delete, pv: PvDuty::Except("id") },
    Rule { table: "search_clicks", rows: "search_id IN (SELECT id FROM search_events WHERE user_id = ?1)", columns: "search_id, at, rank, target", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "search_events", rows: "user_id = ?1", columns: "id, at, query, market, language, page, result_count, previous_query", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "funnel_events", rows: "user_id = ?1", columns: "at, event", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "reader_visits", rows: "user_id = ?1", columns: "visit_mark, since, last_seen", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "reader_views", rows: "user_id = ?1", columns: "item_id, viewed_at", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "reader_saved", rows: "user_id = ?1", columns: "item_id, saved_at", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "reader_progress", rows: "user_id = ?1", columns: "series_id, item_id, completed_at", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "mail_queue", rows: "about = ?1 OR to_addr = ?2", columns: "subject, created_at", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "mail_outbox", rows: "to_addr = ?2", columns: "subject, created_at", erase: Erase::Delete, pv: PvDuty::None },
    Rule { table: "data_requests", rows: "user_id = ?1", columns: "id, kind, details, status, received_at, due_at, decided_at, reason", erase: Erase::Owner(requests::pseudonymise, "pseudonymised_proof_of_handling"), pv: PvDuty::None },
    Rule { table: "audit_salts", rows: "subject = ?1", columns: "created_at", erase: Erase::Owner(audit::forget_subject, "deleted"), pv: PvDuty::None },
    Rule { table: "audit_entries", rows: "actor = ?1 OR object = ?1 OR subject = ?1", columns: "seq, at, actor, role, action, object, outcome", erase: Erase::Keep("legal_duty_audit_trail"), pv: PvDuty::None },
];

/// Key-value records of a person: sign-in links and verification-provider state carry their
/// id in the JSON value (`uid`).
const KV_PREFIXES: &[&str] = &["login/", "oidc/"];
/// Every key of a prefix: the person's records may sort after any number of other people's.
const LIST_LIMIT: usize = medportal_core::ports::EVERY_KEY;

fn evidence_prefix(user_id: &str) -> String {
    format!("evidence/{user_id}/")
}

/// The parameters a rule's `rows` uses (SQLite refuses unused ones).
fn params(rule: &Rule, user_id: &str, email: &str) -> Vec<SqlValue> {
    let mut p: Vec<SqlValue> = vec![user_id.into()];
    if rule.rows.contains("?2") {
        p.push(email.into());
    }
    p
}

fn value(v: &SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => json!(i),
        SqlValue::Real(f) => v.as_i64().map_or_else(|| json!(f), |i| json!(i)),
        SqlValue::Text(s) => json!(s),
        SqlValue::Blob(_) => json!("(binary)"),
    }
}

async fn email_of<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str) -> Result<String> {
    let rows = ctx.region(region).sql().await?.query("SELECT email FROM users WHERE id = ?1", &[user_id.into()]).await?;
    // no account (already erased): matches no email
    Ok(rows.first().map(|r| r.text(0)).transpose()?.unwrap_or_default())
}

/// The person's key-value record keys (value `uid` = the person).
async fn kv_records<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str) -> Result<Vec<String>> {
    let kv = ctx.region(region).kv().await?;
    let mut out = Vec::new();
    for prefix in KV_PREFIXES {
        for key in kv.list(prefix, LIST_LIMIT).await? {
            let Some(raw) = kv.get(&key).await? else { continue };
            let uid = serde_json::from_slice::<Value>(&raw).ok().and_then(|v| v.get("uid")?.as_str().map(str::to_owned));
            if uid.as_deref() == Some(user_id) {
                out.push(key);
            }
        }
    }
    Ok(out)
}

/// The machine-readable archive of everything the region holds about the person.
pub async fn export<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str) -> Result<Value> {
    let sql = ctx.region(region).sql().await?;
    let email = email_of(ctx, region, user_id).await?;
    let mut tables = Map::new();
    for rule in RULES {
        // Access covers everything held, kept under a duty or not: a table's first rule
        // exports all of the person's rows (`rows`, not narrowed by the duty), once.
        if tables.contains_key(rule.table) {
            continue;
        }
        let cols: Vec<&str> = rule.columns.split(", ").collect();
        let rows = sql.query(&format!("SELECT {} FROM {} WHERE {}", rule.columns, rule.table, rule.rows), &params(rule, user_id, &email)).await?;
        let rows: Vec<Value> = rows.iter().map(|r| Value::Object(cols.iter().zip(&r.0).map(|(c, v)| ((*c).to_owned(), value(v))).collect())).collect();
        tables.insert(rule.table.to_owned(), Value::Array(rows));
    }
    let evidence = ctx.region(region).blob().await?.list(&evidence_prefix(user_id), LIST_LIMIT).await?;
    let sign_in = kv_records(ctx, region, user_id).await?.len();
    Ok(json!({
        "format": "medportal-personal-data/1",
        "region": region.code(),
        "subject": user_id,
        "generated_at": ctx.now().unix_timestamp(),
        "tables": tables,
        "verification_evidence": evidence,
        "sessions": {
            "note": "Sessions are signed tokens held by the browser only; the server keeps pending sign-in links and revocations.",
            "pending_sign_in_records": sign_in,
        },
    }))
}

/// One line of what erasure did.
#[derive(serde::Serialize)]
pub struct Done {
    pub store: String,
    pub table: String,
    pub records: i64,
    /// deleted | pseudonymised | kept
    pub action: &'static str,
    pub reason: &'static str,
}

/// The decision to erase the person of request `r` from every store of `region`, then its
/// steps outside the database. One guarded batch first: the request decided (still open: a
/// decision another officer committed meanwhile refuses the whole batch, so nothing of the
/// person is touched), every table rule, the steps still to take (`erasure_steps`) and the
/// audit entry `privacy.erasure` with the officer's signature. Then [`finish`] takes the
/// steps; a failure there is logged and leaves them recorded and shown pending, to be taken
/// again (the officers' queue, the cron), never decided twice: once the decision committed,
/// this is success (the lines done, none when left pending).
pub async fn decide<P: Platform>(ctx: &Ctx<'_, P>, region: Region, r: &Request, officer: &str, assertion_id: &str, reason: Option<&str>) -> Result<()> {
    let uid = r.user_id.as_str();
    let email = email_of(ctx, region, uid).await?;
    let sql = ctx.region(region).sql().await?;
    let db = format!("db_{}", region.code());
    let mut done = Vec::new();
    let mut statements = vec![Statement::new("INSERT OR IGNORE INTO erasure_grants (subject) VALUES (?1)", vec![uid.into()])];
    for rule in RULES {
        let params = params(rule, uid, &email);
        let filter = rule.filter();
        let count = sql.query(&format!("SELECT COUNT(*) FROM {} WHERE {filter}", rule.table), &params).await?;
        let records = count.first().map(|c| c.int(0)).transpose()?.unwrap_or(0);
        let (action, why) = match rule.erase {
            Erase::Delete => {
                statements.push(Statement::new(format!("DELETE FROM {} WHERE {filter}", rule.table), params));
                ("deleted", "")
            }
            Erase::Owner(statement, what) => {
                statements.push(statement(uid));
                (if what == "deleted" { "deleted" } else { "pseudonymised" }, if what == "deleted" { "" } else { what })
            }
            Erase::Keep(why) => ("kept", why),
        };
        done.push(Done { store: db.clone(), table: rule.table.into(), records, action, reason: why });
    }
    statements.push(Statement::new("DELETE FROM erasure_grants WHERE subject = ?1", vec![uid.into()]));
    let now = ctx.now().unix_timestamp();
    statements.push(Statement::new(
        "INSERT INTO erasure_steps (request_id, user_id, decided_by, decided_at) VALUES (?1, ?2, ?3, ?4)",
        vec![r.id.as_str().into(), uid.into(), officer.into(), now.into()],
    ));
    // Until the steps are taken, the outcome lists them as pending.
    let mut shown: Vec<Done> = store_lines(region, None);
    shown.splice(0..0, done);
    let outcome = serde_json::to_string(&shown).map_err(medportal_core::Error::internal)?;
    let mut batch: Vec<Statement> = requests::decide(r, Status::Completed, officer, assertion_id, reason, Some(&outcome), now).into();
    batch.extend(statements);
    let entry = AuditEntry { actor: officer, action: "privacy.erasure", target: Some(&r.id), outcome: Outcome::Success, reason: Some("decided"), ..Default::default() };
    audit::commit(ctx, region, batch, &[entry]).await
}

/// [`decide`], then [`finish`]: see there.
pub async fn erase<P: Platform>(ctx: &Ctx<'_, P>, region: Region, r: &Request, officer: &str, assertion_id: &str, reason: Option<&str>) -> Result<Vec<Done>> {
    decide(ctx, region, r, officer, assertion_id, reason).await?;
    match finish(ctx, region, &r.id, officer).await {
        Ok(lines) => Ok(lines),
        Err(e) => {
            ctx.log(medportal_core::ports::LogLevel::Error, &format!("erasure {}: a step failed, left pending: {e}", r.id));
            Ok(Vec::new())
        }
    }
}

/// The erasure's lines for the stores outside the database: what was done (`counts`:
/// objects, records), or pending.
fn store_lines(region: Region, counts: Option<(usize, usize)>) -> Vec<Done> {
    let (objects, records, action) = match counts {
        Some((o, r)) => (o as i64, r as i64, "deleted"),
        None => (0, 0, "pending"),
    };
    let kv = format!("kv_{}", region.code());
    vec![
        Done { store: kv.clone(), table: "deny/u/".into(), records: 1, action: if counts.is_some() { "kept" } else { "pending" }, reason: "session_revocation_until_expiry" },
        Done { store: format!("blob_{}", region.code()), table: "evidence/".into(), records: objects, action, reason: "" },
        Done { store: kv, table: "login/, oidc/".into(), records, action, reason: "" },
    ]
}

/// A decided erasure's steps outside the database, each audited (`privacy.erasure.<step>`,
/// by `actor`: the officer, or `system:erasure` when taken again later), then its completion
/// in one guarded batch: the outcome with the steps done, the steps' row deleted and the entry
/// `privacy.erasure.completed`. Every step is idempotent (a revocation written again, what is
/// left deleted), so a failure half way is simply taken again; nothing to do (no recorded
/// steps, or another run completed them first) is success.
pub async fn finish<P: Platform>(ctx: &Ctx<'_, P>, region: Region, request_id: &str, actor: &str) -> Result<Vec<Done>> {
    let sql = ctx.region(region).sql().await?;
    let rows = sql.query("SELECT user_id FROM erasure_steps WHERE request_id = ?1", &[request_id.into()]).await?;
    let Some(uid) = rows.first().map(|r| r.text(0)).transpose()? else { return Ok(Vec::new()) };
    let step = |action: &'static str| AuditEntry { actor, action, target: Some(request_id), outcome: Outcome::Success, reason: None, ..Default::default() };
    medportal_auth::revoke_user_until_expiry(ctx, region, &uid).await?;
    audit::commit(ctx, region, Vec::new(), &[step("privacy.erasure.sessions_revoked")]).await?;
    let blob = ctx.region(region).blob().await?;
    let objects = blob.list(&evidence_prefix(&uid), LIST_LIMIT).await?;
    for key in &objects {
        blob.delete(&region, key).await?;
    }
    audit::commit(ctx, region, Vec::new(), &[step("privacy.erasure.objects_deleted")]).await?;
    let kv = ctx.region(region).kv().await?;
    let records = kv_records(ctx, region, &uid).await?;
    for key in &records {
        kv.delete(&region, key).await?;
    }
    audit::commit(ctx, region, Vec::new(), &[step("privacy.erasure.records_deleted")]).await?;
    // The outcome: the database lines of the decision, the stores' lines now done. (A run taken
    // again counts what was left, not what an earlier, failed run deleted.)
    let r = requests::find(&sql, request_id).await?.ok_or(medportal_core::Error::NotFound)?;
    let mut lines: Vec<Value> = r.outcome.as_deref().and_then(|o| serde_json::from_str(o).ok()).unwrap_or_default();
    lines.retain(|l| l["action"] != "pending");
    let stores = store_lines(region, Some((objects.len(), records.len())));
    lines.extend(stores.iter().map(|d| json!(d)));
    let outcome = serde_json::to_string(&lines).map_err(medportal_core::Error::internal)?;
    let statements = vec![
        audit::guard("EXISTS (SELECT 1 FROM erasure_steps WHERE request_id = ?1)", vec![request_id.into()]),
        requests::record_outcome(request_id, &outcome),
        Statement::new("DELETE FROM erasure_steps WHERE request_id = ?1", vec![request_id.into()]),
    ];
    match audit::commit(ctx, region, statements, &[step("privacy.erasure.completed")]).await {
        Err(e) if audit::refused(&e) => Ok(Vec::new()),
        Err(e) => Err(e),
        Ok(()) => Ok(stores),
    }
}

/// Takes the steps of every decided erasure of `region` left unfinished (a failure half way);
/// each failure is logged and left for the next run.
pub async fn finish_pending<P: Platform>(ctx: &Ctx<'_, P>, region: Region) -> Result<()> {
    let sql = ctx.region(region).sql().await?;
    for row in sql.query("SELECT request_id FROM erasure_steps ORDER BY decided_at LIMIT 20", &[]).await? {
        let id = row.text(0)?;
        if let Err(e) = finish(ctx, region, &id, "system:erasure").await {
            ctx.log(medportal_core::ports::LogLevel::Error, &format!("erasure {id} in db_{}: {e}", region.code()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use medportal_core::Function;
    use medportal_native::testing::TestHost;

    /// Two inquiries of one person, the first with a pharmacovigilance case: the rules that
    /// keep select only its rows, the rules that erase only the other's.
    #[test]
    fn the_pharmacovigilance_duty_keeps_an_inquiry_with_a_case_and_erases_the_others() {
        let host = TestHost::new();
        let ctx = Ctx::new(&host.platform, &host.config, Function::Audit);
        let eu = Region::from_code("eu").unwrap();
        let uid = "eu-u-pv-test";
        let mut batch = Vec::new();
        for (id, case) in [("inq-case", true), ("inq-plain", false)] {
            batch.push(Statement::new(
                "INSERT INTO inquiries (id, reference, user_id, market, language, product, category, urgency, channel, status, received_at, due_at, updated_at) \
                 VALUES (?1, ?1, ?2, 'DE', 'en', 'eliquis', 'safety', 'routine', 'portal', 'received', 0, 0, 0)",
                vec![id.into(), uid.into()],
            ));
            batch.push(Statement::new("INSERT INTO inquiry_messages (id, inquiry_id, kind, author, body, created_at) VALUES (?1 || '-m', ?1, 'question', ?2, 'q', 0)", vec![id.into(), uid.into()]));
            batch.push(Statement::new("INSERT INTO inquiry_form_keys (key, user_id, inquiry_id, created_at) VALUES (?1 || '-k', ?2, ?1, 0)", vec![id.into(), uid.into()]));
            batch.push(Statement::new("INSERT INTO inquiry_off_label (inquiry_id, use_asked, unsolicited, marked_by, marked_at) VALUES (?1, 'use', 1, 'eu-s-mi', 0)", vec![id.into()]));
            batch.push(Statement::new("INSERT INTO inquiry_off_label_undone (id, inquiry_id, use_asked, marked_by, marked_at, undone_by, undone_at, reason) VALUES (?1 || '-u', ?1, 'use', 'eu-s-mi', 0, 'eu-s-mi', 0, 'r')", vec![id.into()]));
            if case {
                batch.push(Statement::new(
                    "INSERT INTO pv_cases (id, inquiry_id, message_id, kind, status, market, language, reporter, reasons, verbatim, received_at, forward_due_at, expedited_due_at) \
                     VALUES ('case-1', ?1, ?1 || '-m', 'adverse_event', 'open', 'DE', 'en', ?2, 'r', 'v', 0, 0, 0)",
                    vec![id.into(), uid.into()],
                ));
            }
        }
        let sql = pollster::block_on(ctx.region(eu).sql()).unwrap();
        pollster::block_on(sql.batch(&eu, &batch)).unwrap();
        let selected = |rule: &Rule| -> Vec<String> {
            let q = format!("SELECT {} FROM {} WHERE {} ORDER BY 1", rule.columns.split(", ").next().unwrap(), rule.table, rule.filter());
            pollster::block_on(sql.query(&q, &params(rule, uid, ""))).unwrap().iter().map(|r| r.text(0).unwrap()).collect()
        };
        let rules: Vec<(&str, &str, Vec<String>)> = RULES
            .iter()
            .filter(|r| r.table.starts_with("inquir") || r.table == "pv_cases")
            .map(|r| (r.table, if matches!(r.erase, Erase::Keep(_)) { "kept" } else { "erased" }, selected(r)))
            .collect();
        let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            rules,
            [
                ("pv_cases", "kept", ids(&["case-1"])),
                ("inquiries", "kept", ids(&["inq-case"])),
                ("inquiry_messages", "erased", ids(&["inq-plain"])),
                ("inquiry_off_label", "erased", ids(&["inq-plain"])),
                ("inquiry_off_label_undone", "erased", ids(&["inq-plain"])),
                ("inquiry_form_keys", "erased", ids(&["inq-plain"])),
                ("inquiries", "erased", ids(&["inq-plain"])),
            ]
        );
        // The person's access export holds both inquiries and both threads, kept or not.
        let archive = pollster::block_on(export(&ctx, eu, uid)).unwrap();
        let listed = |table: &str, col: &str| -> Vec<&str> {
            let mut v: Vec<&str> = archive["tables"][table].as_array().unwrap().iter().map(|r| r[col].as_str().unwrap()).collect();
            v.sort();
            v
        };
        assert_eq!(listed("inquiries", "id"), ["inq-case", "inq-plain"]);
        assert_eq!(listed("inquiry_messages", "inquiry_id"), ["inq-case", "inq-plain"]);
        assert_eq!(archive["tables"]["inquiries"][0]["market"], "DE");
    }
}
