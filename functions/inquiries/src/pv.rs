//! Pharmacovigilance cases (`pv_cases`, `pv_case_follow_ups`, written only here): opened by
//! the screening of a question or follow-up in the batch that stores it (day 0 = its
//! receipt), with the four minimum elements where known, the forward-to-PV due time (one
//! business day of the inquiry's market) and the 15-calendar-day expedited clock. A flagged
//! follow-up of an inquiry whose case is still open adds to that case (its receipt, reasons
//! and words; the case's clocks stay) instead of opening a second one. PV officers of the
//! region read them and mark them forwarded (audited). In the inquiry's home region only;
//! never deleted.

use medportal_core::audit::{AuditEntry, Outcome, commit, guard, refused};
use medportal_core::platform::RegionSql;
use medportal_core::ports::{Row, SqlStore, Statement};
use medportal_core::region::Region;
use medportal_core::{Ctx, Error, Platform, Result};
use time::{Duration, OffsetDateTime};

use crate::calendar;
use crate::screening::Screening;

/// Calendar days of the expedited reporting clock.
pub const EXPEDITED_DAYS: i64 = 15;
/// Business days (of the inquiry's market) to forward a case to PV.
pub const FORWARD_BUSINESS_DAYS: u32 = 1;

/// What a case is about (an adverse event outranks a complaint in the same message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AdverseEvent,
    ProductComplaint,
}

impl Kind {
    pub const fn code(self) -> &'static str {
        match self {
            Kind::AdverseEvent => "adverse_event",
            Kind::ProductComplaint => "product_complaint",
        }
    }
    fn stored(code: &str) -> Result<Kind> {
        [Kind::AdverseEvent, Kind::ProductComplaint].into_iter().find(|k| k.code() == code).ok_or_else(|| Error::internal("unknown stored case kind"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Forwarded,
}

impl Status {
    pub const fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Forwarded => "forwarded",
        }
    }
    fn stored(code: &str) -> Result<Status> {
        [Status::Open, Status::Forwarded].into_iter().find(|s| s.code() == code).ok_or_else(|| Error::internal("unknown stored case status"))
    }
}

/// A case as stored, with its inquiry's reference.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub reference: String,
    pub kind: Kind,
    pub status: Status,
    pub market: String,
    pub reporter: Option<String>,
    pub patient: Option<String>,
    pub product: Option<String>,
    pub event: Option<String>,
    pub reasons: Vec<String>,
    pub verbatim: String,
    pub received_at: i64,
    pub forward_due_at: i64,
    pub expedited_due_at: i64,
    pub forwarded_at: i64,
    pub forwarded_by: Option<String>,
}

const COLUMNS: &str = "c.id, i.reference, c.kind, c.status, c.market, c.reporter, c.patient, c.product, c.event, c.reasons, c.verbatim, \
                       c.received_at, c.forward_due_at, c.expedited_due_at, COALESCE(c.forwarded_at, 0), c.forwarded_by";

fn of_row(r: &Row) -> Result<Case> {
    Ok(Case {
        id: r.text(0)?,
        reference: r.text(1)?,
        kind: Kind::stored(&r.text(2)?)?,
        status: Status::stored(&r.text(3)?)?,
        market: r.text(4)?,
        reporter: r.opt_text(5)?,
        patient: r.opt_text(6)?,
        product: r.opt_text(7)?,
        event: r.opt_text(8)?,
        reasons: r.text(9)?.lines().map(str::to_owned).collect(),
        verbatim: r.text(10)?,
        received_at: r.int(11)?,
        forward_due_at: r.int(12)?,
        expedited_due_at: r.int(13)?,
        forwarded_at: r.int(14)?,
        forwarded_by: r.opt_text(15)?,
    })
}

async fn select<S: SqlStore>(db: &RegionSql<S>, filter: &str, value: &str) -> Result<Vec<Case>> {
    let sql = format!("SELECT {COLUMNS} FROM pv_cases c JOIN inquiries i ON i.id = c.inquiry_id WHERE {filter} ORDER BY c.status, c.forward_due_at LIMIT 500");
    let rows = db.query(&sql, &[value.into()]).await?;
    rows.iter().map(of_row).collect()
}

/// The region's cases: open ones first, the one due first first.
pub async fn queue<S: SqlStore>(db: &RegionSql<S>) -> Result<Vec<Case>> {
    select(db, "?1 = ?1", "").await
}

/// The cases an inquiry opened, each with the reasons of the follow-ups added to it.
pub async fn of_inquiry<S: SqlStore>(db: &RegionSql<S>, inquiry_id: &str) -> Result<Vec<Case>> {
    let mut cases = select(db, "c.inquiry_id = ?1", inquiry_id).await?;
    for c in &mut cases {
        for r in follow_ups(db, &c.id).await?.into_iter().flat_map(|f| f.reasons) {
            if !c.reasons.contains(&r) {
                c.reasons.push(r);
            }
        }
    }
    Ok(cases)
}

pub async fn by_id<S: SqlStore>(db: &RegionSql<S>, id: &str) -> Result<Option<Case>> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(None);
    }
    Ok(select(db, "c.id = ?1", id).await?.into_iter().next())
}

/// Where a flagged message came from.
pub struct Source<'a> {
    pub inquiry_id: &'a str,
    pub message_id: &'a str,
    pub market: &'a str,
    pub language: &'a str,
    /// The reporting HCP (an identifiable reporter).
    pub reporter: &'a str,
    /// The receipt of the message: day 0.
    pub received: OffsetDateTime,
}

/// The forward-to-PV and expedited due times of a case received at `day0` in `market`.
pub fn due_times(market: &str, day0: OffsetDateTime) -> (OffsetDateTime, OffsetDateTime) {
    (calendar::due(market, day0, FORWARD_BUSINESS_DAYS), day0 + Duration::days(EXPEDITED_DAYS))
}

fn joined(parts: &[String]) -> Option<String> {
    Some(parts.join(", ")).filter(|s| !s.is_empty())
}

/// A later flagged message added to an open case.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub reasons: Vec<String>,
    pub verbatim: String,
    pub received_at: i64,
}

/// The follow-ups of a case, oldest first.
pub async fn follow_ups<S: SqlStore>(db: &RegionSql<S>, case_id: &str) -> Result<Vec<FollowUp>> {
    let rows = db
        .query("SELECT reasons, verbatim, received_at FROM pv_case_follow_ups WHERE case_id = ?1 ORDER BY received_at, rowid LIMIT 500", &[case_id.into()])
        .await?;
    rows.iter().map(|r| Ok(FollowUp { reasons: r.text(0)?.lines().map(str::to_owned).collect(), verbatim: r.text(1)?, received_at: r.int(2)? })).collect()
}

/// What a flagged message adds to the batch that stores it: a new case, or a follow-up on
/// the inquiry's open case.
pub struct Flag {
    pub case_id: String,
    pub follow_up: bool,
    pub statements: Vec<Statement>,
}

impl Flag {
    /// Its audit entry (the screening acts on the reporter's message).
    pub fn entry(&self, s: &Screening) -> AuditEntry<'_> {
        let mut e = opened(&self.case_id, s);
        if self.follow_up {
            e.action = "pv.case_follow_up";
        }
        e
    }
}

/// The case a flagged follow-up belongs to: the inquiry's open case (the oldest, should there
/// be more) gets it as a follow-up; without one, `new_id` opens a case as for a question.
/// What was read is guarded in the statements: the case is still open (not forwarded
/// meanwhile), or still none is (no concurrent follow-up opened one); otherwise the batch
/// fails as refused (`audit::refused`) and the caller reads again ([`flag`] anew).
pub async fn flag<S: SqlStore>(db: &RegionSql<S>, new_id: String, from: &Source<'_>, s: &Screening) -> Result<Flag> {
    let rows = db
        .query("SELECT id FROM pv_cases WHERE inquiry_id = ?1 AND status = 'open' ORDER BY received_at, rowid LIMIT 1", &[from.inquiry_id.into()])
        .await?;
    let Some(case_id) = rows.first().map(|r| r.text(0)).transpose()? else {
        // Still none when the batch runs: a concurrent flagged follow-up opened no case first.
        let none_open = guard("NOT EXISTS (SELECT 1 FROM pv_cases WHERE inquiry_id = ?1 AND status = 'open')", vec![from.inquiry_id.into()]);
        return Ok(Flag { statements: vec![none_open, open(&new_id, from, s)], case_id: new_id, follow_up: false });
    };
    let kind = if s.adverse_event { Kind::AdverseEvent } else { Kind::ProductComplaint };
    let statements = vec![
        // Still open when the batch runs: a follow-up never joins a case already forwarded.
        guard("EXISTS (SELECT 1 FROM pv_cases WHERE id = ?1 AND status = 'open')", vec![case_id.as_str().into()]),
        Statement::new(
            "INSERT INTO pv_case_follow_ups (id, case_id, message_id, reporter, reasons, verbatim, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            vec![
                new_id.as_str().into(),
                case_id.as_str().into(),
                from.message_id.into(),
                from.reporter.into(),
                s.reasons.join("\n").into(),
                s.verbatim.join("\n").into(),
                from.received.unix_timestamp().into(),
            ],
        ),
        // An adverse event outranks a complaint; a minimum element learnt later fills a gap
        // (what the case knew stays). The clocks are the first receipt's.
        Statement::new(
            "UPDATE pv_cases SET kind = CASE WHEN ?2 = 'adverse_event' THEN ?2 ELSE kind END, patient = COALESCE(patient, ?3), \
             product = COALESCE(product, ?4), event = COALESCE(event, ?5) WHERE id = ?1",
            vec![case_id.as_str().into(), kind.code().into(), joined(&s.patients).into(), joined(&s.products).into(), joined(&s.events).into()],
        ),
    ];
    Ok(Flag { case_id, follow_up: true, statements })
}

/// The insert of the case a flagged screening opens, for the batch that stores the message.
pub fn open(id: &str, from: &Source<'_>, s: &Screening) -> Statement {
    let kind = if s.adverse_event { Kind::AdverseEvent } else { Kind::ProductComplaint };
    let (forward, expedited) = due_times(from.market, from.received);
    Statement::new(
        "INSERT INTO pv_cases (id, inquiry_id, message_id, kind, status, market, language, reporter, patient, product, event, reasons, \
         verbatim, received_at, forward_due_at, expedited_due_at) VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        vec![
            id.into(),
            from.inquiry_id.into(),
            from.message_id.into(),
            kind.code().into(),
            from.market.into(),
            from.language.into(),
            from.reporter.into(),
            joined(&s.patients).into(),
            joined(&s.products).into(),
            joined(&s.events).into(),
            s.reasons.join("\n").into(),
            s.verbatim.join("\n").into(),
            from.received.unix_timestamp().into(),
            forward.unix_timestamp().into(),
            expedited.unix_timestamp().into(),
        ],
    )
}

/// The audit entry of an opened case (the screening opens it on the reporter's submission).
pub fn opened<'a>(case_id: &'a str, s: &Screening) -> AuditEntry<'a> {
    let reason = if s.adverse_event { "kind=adverse_event" } else { "kind=product_complaint" };
    AuditEntry { actor: "system:screening", action: "pv.case_opened", target: Some(case_id), outcome: Outcome::Success, reason: Some(reason), ..Default::default() }
}

/// A PV officer has forwarded the case to the safety database, as they saw it: `seen` is the
/// number of follow-ups their page showed. Guarded in the batch: once (a second forwarding is
/// `case_already_forwarded`), and only the case they saw (a follow-up added since is
/// `case_changed`: they read it and forward again), with no change and no audit entry.
pub async fn forward<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, case: &Case, seen: i64) -> Result<()> {
    if case.status != Status::Open {
        return Err(Error::Conflict { code: "case_already_forwarded" });
    }
    let now = ctx.now().unix_timestamp();
    let id = case.id.as_str();
    let stmts = vec![
        guard(
            "EXISTS (SELECT 1 FROM pv_cases WHERE id = ?1 AND status = 'open') AND (SELECT COUNT(*) FROM pv_case_follow_ups WHERE case_id = ?1) = ?2",
            vec![id.into(), seen.into()],
        ),
        Statement::new("UPDATE pv_cases SET status = 'forwarded', forwarded_at = ?1, forwarded_by = ?2 WHERE id = ?3", vec![now.into(), actor.into(), id.into()]),
    ];
    let late = if now > case.forward_due_at { "late" } else { "on_time" };
    let entry = AuditEntry { actor, action: "pv.case_forwarded", target: Some(id), outcome: Outcome::Success, reason: Some(late), ..Default::default() };
    match commit(ctx, region, stmts, &[entry]).await {
        Err(e) if refused(&e) => {
            let now_open = by_id(&ctx.region(region).sql().await?, id).await?.is_some_and(|c| c.status == Status::Open);
            Err(Error::Conflict { code: if now_open { "case_changed" } else { "case_already_forwarded" } })
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn due_times_count_business_days_of_the_market_and_fifteen_calendar_days() {
        // Thursday 24 Dec 2026 in DE: 25th and 26th holidays, then the weekend → Monday 28th
        let (forward, expedited) = due_times("DE", datetime!(2026-12-24 10:00 UTC));
        assert_eq!(forward, datetime!(2026-12-28 10:00 UTC));
        assert_eq!(expedited, datetime!(2027-01-08 10:00 UTC));
        // Friday in the US → Monday; the US has no holiday on the 28th
        assert_eq!(due_times("US", datetime!(2026-12-04 09:00 UTC)).0, datetime!(2026-12-07 09:00 UTC));
    }
}
