//! Inquiries (`inquiries`, `inquiry_counters`, written only here): the intake (validated,
//! exactly once, with its question and audit entry in one batch and a reference unique in
//! its region), the owner's and the queue's reads, and every status change of the HCP and
//! the specialist, each audited in its batch.

use medportal_core::audit::{AuditEntry, Outcome, commit, conflict_if_refused, guard, refused};
use medportal_core::platform::RegionSql;
use medportal_core::ports::{Row, SqlStore, Statement};
use medportal_core::region::Region;
use medportal_core::{Ctx, Error, Platform, Result};
use time::OffsetDateTime;

use crate::calendar;
use crate::form_keys;
use crate::model::{Category, Channel, Status, Urgency};
use crate::products;
use crate::pv;
use crate::screening;
use crate::thread::{self, Citation, Kind, MAX_BODY};

/// An inquiry as stored.
#[derive(Debug, Clone)]
pub struct Inquiry {
    pub id: String,
    pub reference: String,
    pub user_id: String,
    pub market: String,
    /// The language the HCP wrote in (the screening's rules).
    pub language: String,
    pub product: String,
    pub category: Category,
    pub urgency: Urgency,
    pub channel: Channel,
    pub patient_context: Option<String>,
    pub status: Status,
    pub assignee: Option<String>,
    pub received_at: i64,
    pub due_at: i64,
    pub answered_at: i64,
    pub rating: i64,
}

const COLUMNS: &str = "id, reference, user_id, market, product, category, urgency, channel, patient_context, status, \
                       assignee, received_at, due_at, COALESCE(answered_at, 0), COALESCE(rating, 0), language";

fn of_row(r: &Row) -> Result<Inquiry> {
    Ok(Inquiry {
        id: r.text(0)?,
        reference: r.text(1)?,
        user_id: r.text(2)?,
        market: r.text(3)?,
        product: r.text(4)?,
        category: Category::stored(&r.text(5)?)?,
        urgency: Urgency::stored(&r.text(6)?)?,
        channel: Channel::stored(&r.text(7)?)?,
        patient_context: r.opt_text(8)?,
        status: Status::stored(&r.text(9)?)?,
        assignee: r.opt_text(10)?,
        received_at: r.int(11)?,
        due_at: r.int(12)?,
        answered_at: r.int(13)?,
        rating: r.int(14)?,
        language: r.text(15)?,
    })
}

async fn one<S: SqlStore>(db: &RegionSql<S>, filter: &str, value: &str) -> Result<Option<Inquiry>> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM inquiries WHERE {filter} = ?1"), &[value.into()]).await?;
    rows.first().map(of_row).transpose()
}

/// A reference as it may appear in a path (`MI-2026-EU-000123`).
pub fn valid_reference(r: &str) -> bool {
    (8..=32).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

pub async fn by_reference<S: SqlStore>(db: &RegionSql<S>, reference: &str) -> Result<Option<Inquiry>> {
    if !valid_reference(reference) {
        return Ok(None);
    }
    one(db, "reference", reference).await
}

/// The owner's inquiries, newest first.
pub async fn of_owner<S: SqlStore>(db: &RegionSql<S>, user_id: &str) -> Result<Vec<Inquiry>> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM inquiries WHERE user_id = ?1 ORDER BY received_at DESC LIMIT 200"), &[user_id.into()]).await?;
    rows.iter().map(of_row).collect()
}

/// The open inquiries of a region, the one due first first.
pub async fn queue<S: SqlStore>(db: &RegionSql<S>) -> Result<Vec<Inquiry>> {
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM inquiries WHERE status IN ('received', 'triaged', 'in_progress') ORDER BY due_at, received_at LIMIT 500"),
            &[],
        )
        .await?;
    rows.iter().map(of_row).collect()
}

/// The region's figures for the metrics page.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    pub total: i64,
    pub open: i64,
    pub answered: i64,
    /// Answered by their due time.
    pub on_time: i64,
    /// Mean seconds from receipt to the first answer.
    pub first_response: i64,
    pub products: Vec<(String, i64)>,
    pub categories: Vec<(String, i64)>,
}

pub async fn metrics<S: SqlStore>(db: &RegionSql<S>) -> Result<Metrics> {
    let rows = db
        .query(
            "SELECT COUNT(*), COALESCE(SUM(status IN ('received', 'triaged', 'in_progress')), 0), COUNT(answered_at), \
             COALESCE(SUM(answered_at <= due_at), 0), COALESCE(CAST(AVG(answered_at - received_at) AS INTEGER), 0) FROM inquiries",
            &[],
        )
        .await?;
    let r = rows.first().ok_or_else(|| Error::internal("no metrics row"))?;
    let top = |column: &str| format!("SELECT {column}, COUNT(*) AS n FROM inquiries GROUP BY {column} ORDER BY n DESC, {column} LIMIT 5");
    let pairs = |rows: Vec<Row>| rows.iter().map(|r| Ok((r.text(0)?, r.int(1)?))).collect::<Result<Vec<_>>>();
    Ok(Metrics {
        total: r.int(0)?,
        open: r.int(1)?,
        answered: r.int(2)?,
        on_time: r.int(3)?,
        first_response: r.int(4)?,
        products: pairs(db.query(&top("product"), &[]).await?)?,
        categories: pairs(db.query(&top("category"), &[]).await?)?,
    })
}

/// What the form sent, as typed (re-shown on error).
#[derive(Debug, Clone, Default)]
pub struct Submitted {
    pub question: String,
    pub product: String,
    pub category: String,
    pub urgency: String,
    pub channel: String,
    pub patient_context: String,
    pub acknowledged: bool,
}

/// A valid inquiry.
#[derive(Debug, Clone)]
pub struct Draft {
    pub question: String,
    /// The vocabulary's name of the medicine.
    pub product: String,
    pub category: Category,
    pub urgency: Urgency,
    pub channel: Channel,
    pub patient_context: Option<String>,
    /// The vocabulary's names among the candidates of the question and patient context (the
    /// screening's).
    pub names: Vec<String>,
}

/// What the screening reads of a submission: the question, then the patient context.
fn screened_text(question: &str, patient_context: &str) -> String {
    format!("{question}\n{patient_context}")
}

/// Checks a submission: the draft, or every problem as (field, code). One query on the
/// vocabulary: the product field's name and every candidate name of the question and
/// patient context.
pub async fn validate<P: Platform>(ctx: &Ctx<'_, P>, s: &Submitted) -> Result<std::result::Result<Draft, Vec<(&'static str, &'static str)>>> {
    let mut candidates = vec![products::normal(&s.product)];
    candidates.extend(screening::candidates(&screened_text(s.question.trim(), s.patient_context.trim())));
    Ok(check(s, products::known(ctx, &candidates).await?))
}

/// Checks a submission given the vocabulary's names `known` among its candidates.
fn check(s: &Submitted, known: Vec<String>) -> std::result::Result<Draft, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let question = s.question.trim();
    if question.is_empty() {
        errors.push(("question", "question_missing"));
    } else if question.len() > MAX_BODY {
        errors.push(("question", "question_too_long"));
    }
    let product = products::recognise(&s.product, &known);
    if s.product.trim().is_empty() {
        errors.push(("product", "product_missing"));
    } else if product.is_none() {
        errors.push(("product", "product_unknown"));
    }
    let category = Category::parse(&s.category);
    if category.is_none() {
        errors.push(("category", "category_missing"));
    }
    let urgency = Urgency::parse(&s.urgency);
    if urgency.is_none() {
        errors.push(("urgency", "urgency_missing"));
    }
    let channel = Channel::parse(&s.channel);
    if channel.is_none() {
        errors.push(("channel", "channel_missing"));
    }
    let patient = s.patient_context.trim();
    if patient.len() > 2000 {
        errors.push(("patient_context", "patient_too_long"));
    }
    if !s.acknowledged {
        errors.push(("acknowledged", "acknowledgement_missing"));
    }
    match (product, category, urgency, channel) {
        (Some(product), Some(category), Some(urgency), Some(channel)) if errors.is_empty() => Ok(Draft {
            question: question.to_owned(),
            product,
            category,
            urgency,
            channel,
            patient_context: Some(patient.to_owned()).filter(|p| !p.is_empty()),
            names: known,
        }),
        _ => Err(errors),
    }
}

/// Who submits: the HCP's id, home region, market (country of practice) and language.
pub struct Asker<'a> {
    pub user_id: &'a str,
    pub region: Region,
    pub market: &'a str,
    pub language: &'a str,
    /// The receipt time (day 0 of a PV case the question opens).
    pub at: OffsetDateTime,
}

/// Stores the inquiry with its question, its form key and its audit entry in one batch of
/// the asker's home region, exactly once per form key: a repeated key returns the first
/// submission. The question and patient context are screened for adverse events and product
/// complaints; a flag opens a PV case in the same batch. Returns the inquiry.
pub async fn submit<P: Platform>(ctx: &Ctx<'_, P>, who: &Asker<'_>, key: &str, d: &Draft) -> Result<Inquiry> {
    let key = form_keys::parse(key)?;
    let db = ctx.region(who.region).sql().await?;
    if let Some(id) = form_keys::used(&db, key, who.user_id).await? {
        return one(&db, "id", &id).await?.ok_or_else(|| Error::internal("form key without inquiry"));
    }
    let now = who.at;
    let at = now.unix_timestamp();
    let due = calendar::due(who.market, now, d.urgency.business_days()).unix_timestamp();
    let id = ctx.random_id()?;
    let question_id = ctx.random_id()?;
    let counter = format!("{}-{}", who.region.code(), now.year());
    let prefix = format!("MI-{}-{}-", now.year(), who.region.code().to_ascii_uppercase());
    let mut stmts = vec![
        Statement::new(
            "INSERT INTO inquiry_counters (key, last) VALUES (?1, 1) ON CONFLICT (key) DO UPDATE SET last = last + 1",
            vec![counter.as_str().into()],
        ),
        Statement::new(
            "INSERT INTO inquiries (id, reference, user_id, market, language, product, category, urgency, channel, \
             patient_context, status, received_at, due_at, updated_at) \
             SELECT ?1, ?2 || substr('000000' || last, -max(6, length(last))), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'received', ?11, ?12, ?11 \
             FROM inquiry_counters WHERE key = ?13",
            vec![
                id.as_str().into(),
                prefix.into(),
                who.user_id.into(),
                who.market.into(),
                who.language.into(),
                d.product.as_str().into(),
                d.category.code().into(),
                d.urgency.code().into(),
                d.channel.code().into(),
                d.patient_context.as_deref().into(),
                at.into(),
                due.into(),
                counter.as_str().into(),
            ],
        ),
        thread::append(question_id.clone(), &id, Kind::Question, who.user_id, &d.question, &[], at)?,
        form_keys::record(key, who.user_id, &id, at),
    ];
    let why = format!("category={}; urgency={}", d.category.code(), d.urgency.code());
    let mut entries = vec![AuditEntry { actor: who.user_id, action: "inquiry.submitted", target: Some(&id), outcome: Outcome::Success, reason: Some(&why), ..Default::default() }];
    let text = screened_text(&d.question, d.patient_context.as_deref().unwrap_or(""));
    let found = screening::screen(&text, who.language, &d.product, &d.names);
    let case_id = ctx.random_id()?;
    if found.flagged() {
        let from = pv::Source { inquiry_id: &id, message_id: &question_id, market: who.market, language: who.language, reporter: who.user_id, received: now };
        stmts.push(pv::open(&case_id, &from, &found));
        entries.push(pv::opened(&case_id, &found));
    }
    if let Err(e) = commit(ctx, who.region, stmts, &entries).await {
        // A concurrent twin with the same key won the race: its inquiry is the answer.
        return match form_keys::used(&db, key, who.user_id).await? {
            Some(first) => one(&db, "id", &first).await?.ok_or(e),
            None => Err(e),
        };
    }
    one(&db, "id", &id).await?.ok_or_else(|| Error::internal("inquiry vanished"))
}

/// What a change needs of the inquiry's status, read before and checked again inside the
/// batch (a guard): a status change committed by another request in between refuses the whole
/// batch (no change, no message, no audit entry) with a conflict.
#[derive(Debug, Clone, Copy)]
enum Move {
    /// The inquiry becomes this status: it must still be in one it may come from (409
    /// `status_not_allowed`).
    To(Status),
    /// No status change, but the inquiry must still be open (409 `inquiry_not_open`).
    StayOpen,
    /// No status change and no rule on the status (notes, ratings).
    Any,
}

impl Move {
    fn to(self) -> Option<Status> {
        match self {
            Move::To(to) => Some(to),
            _ => None,
        }
    }
    /// The statuses the inquiry may be in when the batch runs (`None`: any).
    fn allowed(self) -> Option<Vec<Status>> {
        match self {
            Move::To(to) => Some(Status::sources(to)),
            Move::StayOpen => Some(Status::ALL.iter().copied().filter(|s| s.open()).collect()),
            Move::Any => None,
        }
    }
    fn code(self) -> &'static str {
        match self {
            Move::To(_) => "status_not_allowed",
            _ => "inquiry_not_open",
        }
    }
    fn allows(self, status: Status) -> bool {
        self.allowed().is_none_or(|all| all.contains(&status))
    }
}

/// The statuses `all` as an SQL list (`'received', 'triaged'`).
fn sql_list(all: &[Status]) -> String {
    all.iter().map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ")
}

/// A change of `inq` (a status move, a message, an extra statement), guarded: nothing changes
/// unless the inquiry is still in a status the move allows when the batch runs (`Move`), and
/// then the change, its message and its audit entry land together.
async fn change<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry, mv: Move, message: Option<(Kind, &str, &[Citation])>, extra: Option<Statement>) -> Result<()> {
    if !mv.allows(inq.status) {
        return Err(Error::Conflict { code: mv.code() });
    }
    let to = mv.to();
    let received = ctx.now();
    let now = received.unix_timestamp();
    let mut stmts = Vec::new();
    if let Some(allowed) = mv.allowed() {
        let list = sql_list(&allowed);
        stmts.push(guard(&format!("EXISTS (SELECT 1 FROM inquiries WHERE id = ?1 AND status IN ({list}))"), vec![inq.id.as_str().into()]));
    }
    if let Some(to) = to {
        let from = sql_list(&Status::sources(to));
        // answered_at keeps the first response (time to first response)
        let answered = if to == Status::Answered { ", answered_at = COALESCE(answered_at, ?2)" } else { "" };
        stmts.push(Statement::new(
            format!("UPDATE inquiries SET status = ?1, updated_at = ?2{answered} WHERE id = ?3 AND status IN ({from})"),
            vec![to.code().into(), now.into(), inq.id.as_str().into()],
        ));
    }
    let mut flagged = None;
    if let Some((kind, body, citations)) = message {
        let body = body.trim();
        if body.is_empty() || body.len() > MAX_BODY {
            return Err(Error::bad_request("message_required", "Write the message (at most 8000 characters)."));
        }
        let message_id = ctx.random_id()?;
        stmts.push(thread::append(message_id.clone(), &inq.id, kind, actor, body, citations, now)?);
        // What the HCP writes is screened like the question; a flag adds to the inquiry's
        // open case or opens one.
        if kind == Kind::FollowUp {
            let known = products::known(ctx, &screening::candidates(body)).await?;
            let s = screening::screen(body, &inq.language, &inq.product, &known);
            if s.flagged() {
                flagged = Some((message_id, s));
            }
        }
    }
    stmts.extend(extra);
    let action = match (to, message.map(|m| m.0)) {
        (Some(Status::Answered), _) => "inquiry.answered",
        (_, Some(Kind::FollowUp)) => "inquiry.follow_up",
        (_, Some(Kind::Note)) => "inquiry.note",
        (Some(_), _) => "inquiry.status",
        _ => "inquiry.updated",
    };
    let why = to.map(|t| format!("status={}", t.code()));
    let entry = AuditEntry { actor, action, target: Some(&inq.id), outcome: Outcome::Success, reason: why.as_deref(), ..Default::default() };
    let Some((message_id, s)) = flagged else {
        return commit(ctx, region, stmts, &[entry]).await.map_err(|e| conflict_if_refused(e, mv.code()));
    };
    // The flag joins the inquiry's open case or opens one, as read just before the batch and
    // guarded in it: when another request forwarded that case or opened one meanwhile, the
    // batch is refused whole and the case is read again (the message is never lost: it lands
    // with its flag, or the HCP is told to send it again).
    let from = pv::Source { inquiry_id: &inq.id, message_id: &message_id, market: &inq.market, language: &inq.language, reporter: actor, received };
    let db = ctx.region(region).sql().await?;
    let mut attempt = 1;
    loop {
        let flag = pv::flag(&db, ctx.random_id()?, &from, &s).await?;
        let mut all = stmts.clone();
        all.extend(flag.statements.iter().cloned());
        match commit(ctx, region, all, &[entry.clone(), flag.entry(&s)]).await {
            // the inquiry's status moved on: no retry can help
            Err(e) if refused(&e) && !still_allows(&db, &inq.id, mv).await? => return Err(Error::Conflict { code: mv.code() }),
            Err(e) if refused(&e) && attempt < FLAG_ATTEMPTS => attempt += 1,
            done => return done.map_err(|e| conflict_if_refused(e, "pv_case_changed")),
        }
    }
}

/// Whether inquiry `id` is (now) in a status `mv` allows (after a refused batch: was it the
/// status that changed?).
async fn still_allows<S: SqlStore>(db: &RegionSql<S>, id: &str, mv: Move) -> Result<bool> {
    Ok(one(db, "id", id).await?.is_some_and(|now| mv.allows(now.status)))
}

/// How often a flagged message's batch is tried when the inquiry's PV case changed between
/// the read and the batch (each retry reads it again).
const FLAG_ATTEMPTS: u32 = 3;

/// The HCP asks again in the thread; an answered inquiry goes back to work.
pub async fn follow_up<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry, body: &str) -> Result<()> {
    if matches!(inq.status, Status::Closed | Status::Referred) {
        return Err(Error::Conflict { code: "inquiry_closed" });
    }
    let answered = inq.status == Status::Answered;
    // An answered inquiry goes back to work; any other must still be open when the batch runs.
    let mv = if answered { Move::To(Status::InProgress) } else { Move::StayOpen };
    // A reopened inquiry gets a new response time from now.
    let due = answered.then(|| {
        let due = calendar::due(&inq.market, ctx.now(), inq.urgency.business_days()).unix_timestamp();
        Statement::new("UPDATE inquiries SET due_at = ?1 WHERE id = ?2 AND status = 'in_progress'", vec![due.into(), inq.id.as_str().into()])
    });
    change(ctx, region, actor, inq, mv, Some((Kind::FollowUp, body, &[])), due).await
}

/// The HCP rates the answer (1–5).
pub async fn rate<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry, rating: &str) -> Result<()> {
    let rating: i64 = rating.parse().ok().filter(|r| (1..=5).contains(r)).ok_or_else(|| Error::bad_request("invalid_rating", "Choose 1 to 5."))?;
    if inq.answered_at == 0 {
        return Err(Error::Conflict { code: "not_answered" });
    }
    let stmt = Statement::new("UPDATE inquiries SET rating = ?1 WHERE id = ?2", vec![rating.into(), inq.id.as_str().into()]);
    change(ctx, region, actor, inq, Move::Any, None, Some(stmt)).await
}

/// A status change without a message (triage, start, refer, close).
pub async fn set_status<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry, to: Status) -> Result<()> {
    change(ctx, region, actor, inq, Move::To(to), None, None).await
}

/// A specialist takes the inquiry (received ones are triaged by it).
pub async fn assign<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry) -> Result<()> {
    if !inq.status.open() {
        return Err(Error::Conflict { code: "inquiry_not_open" });
    }
    let stmt = Statement::new("UPDATE inquiries SET assignee = ?1 WHERE id = ?2", vec![actor.into(), inq.id.as_str().into()]);
    let mv = if inq.status == Status::Received { Move::To(Status::Triaged) } else { Move::StayOpen };
    change(ctx, region, actor, inq, mv, None, Some(stmt)).await
}

/// An internal note (never shown to the HCP).
pub async fn note<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry, body: &str) -> Result<()> {
    change(ctx, region, actor, inq, Move::Any, Some((Kind::Note, body, &[])), None).await
}

/// The answer, citing approved library versions: the inquiry is answered.
pub async fn answer<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry, body: &str, citations: &[Citation]) -> Result<()> {
    change(ctx, region, actor, inq, Move::To(Status::Answered), Some((Kind::Answer, body, citations)), None).await
}

/// The expected response time as a date-time.
pub fn due_at(inq: &Inquiry) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(inq.due_at).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Submitted {
        Submitted {
            question: "Dose in renal impairment?".into(),
            product: "Eliquis".into(),
            category: "dosing".into(),
            urgency: "routine".into(),
            channel: "portal".into(),
            patient_context: String::new(),
            acknowledged: true,
        }
    }

    #[test]
    fn validation_names_every_problem() {
        let known = || vec!["eliquis".to_owned()];
        let d = check(&good(), known()).unwrap();
        assert_eq!(d.product, "eliquis");
        assert_eq!(d.patient_context, None);
        assert_eq!(check(&good(), Vec::new()).unwrap_err(), [("product", "product_unknown")], "only a name the vocabulary knows");
        let errs = check(&Submitted::default(), known()).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.0).collect();
        assert_eq!(fields, ["question", "product", "category", "urgency", "channel", "acknowledged"]);
        let errs = check(&Submitted { product: "notadrug".into(), category: "gossip".into(), ..good() }, known()).unwrap_err();
        assert_eq!(errs, [("product", "product_unknown"), ("category", "category_missing")]);
        assert!(valid_reference("MI-2026-EU-000001") && !valid_reference("mi-2026") && !valid_reference("MI-2026-EU-0000<1"));
    }
}
