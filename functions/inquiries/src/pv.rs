//! Pharmacovigilance cases (`pv_cases`, written only here): opened by the screening of a
//! question or follow-up in the batch that stores it (day 0 = its receipt), with the four
//! minimum elements where known, the forward-to-PV due time (one business day of the
//! inquiry's market) and the 15-calendar-day expedited clock; PV officers of the region read
//! them and mark them forwarded (audited). In the inquiry's home region only; never deleted.

use medportal_core::audit::{AuditEntry, Outcome, commit};
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

/// The cases an inquiry opened.
pub async fn of_inquiry<S: SqlStore>(db: &RegionSql<S>, inquiry_id: &str) -> Result<Vec<Case>> {
    select(db, "c.inquiry_id = ?1", inquiry_id).await
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

/// A PV officer has forwarded the case to the safety database (guarded: once).
pub async fn forward<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, case: &Case) -> Result<()> {
    if case.status != Status::Open {
        return Err(Error::Conflict { code: "case_already_forwarded" });
    }
    let now = ctx.now().unix_timestamp();
    let stmt = Statement::new(
        "UPDATE pv_cases SET status = 'forwarded', forwarded_at = ?1, forwarded_by = ?2 WHERE id = ?3 AND status = 'open'",
        vec![now.into(), actor.into(), case.id.as_str().into()],
    );
    let late = if now > case.forward_due_at { "late" } else { "on_time" };
    let entry = AuditEntry { actor, action: "pv.case_forwarded", target: Some(&case.id), outcome: Outcome::Success, reason: Some(late), ..Default::default() };
    commit(ctx, region, vec![stmt], &[entry]).await
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
