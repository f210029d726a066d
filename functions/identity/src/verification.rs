//! HCP verification: the rules (validity period, re-verification window, lapse), the requests
//! of every method (NPI, external provider, evidence) and their decisions, and the verifiers'
//! queue. The only place the `verifications` table is written.

use crate::events::{self, SYSTEM};
use crate::evidence;
use crate::model::{Method, VerificationStatus};
use crate::npi;
use crate::rate_limit;
use crate::support::time_of;
use crate::users::{self, User};
use medportal_core::audit::{self, AuditEntry};
use crate::mailer;
use medportal_core::ports::{Blob, Mail, Row, Statement};
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::pages::identity::{self as views, PendingRequest, QueueItem};
use medportal_templates::{Locale, Msg, t, tf};

/// A positive verification is valid this long; then the person verifies again.
pub const VERIFIED_FOR_SECS: i64 = 365 * 86_400;
/// Re-verification is offered (and reminded) this long before the validity ends.
pub const REVERIFY_WINDOW_SECS: i64 = 30 * 86_400;
const MAX_REASON: usize = 300;

// ---- rules ---------------------------------------------------------------------------------

/// Lapses a verification whose validity has ended: the person is unverified again (HCP-only
/// content closes) and is asked to verify again. Recorded once, by whichever request sees it.
pub async fn expire_if_due<P: Platform>(ctx: &Ctx<'_, P>, user: &mut User) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let due = user.status == VerificationStatus::Verified && user.verification_expires_at.is_some_and(|e| e <= now);
    if !due {
        return Ok(());
    }
    // Still due when the batch runs: another request that recorded the lapse (or a new
    // verification) committed first refuses this batch (no second entry); the person is then
    // as that request left them.
    let still_due = audit::guard(
        "EXISTS (SELECT 1 FROM users WHERE id = ?1 AND verification_status = ?2 AND verification_expires_at <= ?3)",
        vec![user.id.as_str().into(), VerificationStatus::Verified.code().into(), now.into()],
    );
    let stmts = vec![still_due, users::lapse_verification(&user.id, now), events::funnel(ctx, &user.id, "verification_expired")?];
    match events::commit(ctx, user.region, stmts, &[events::success(SYSTEM, "verification.expired", &user.id, None)]).await {
        Ok(()) => user.status = VerificationStatus::Unverified,
        Err(e) if audit::refused(&e) => *user = users::find(ctx, user.region, &user.id).await?.ok_or(Error::Unauthenticated)?,
        Err(e) => return Err(e),
    }
    Ok(())
}

/// How the person's verification stands in time, for the account and verification pages.
pub fn expiry_of(user: &User, now: i64) -> Option<views::Expiry> {
    let at = user.verification_expires_at?;
    let date = time::OffsetDateTime::from_unix_timestamp(at).ok()?;
    Some(if user.status == VerificationStatus::Verified {
        if at - now <= REVERIFY_WINDOW_SECS { views::Expiry::DueSoon(date) } else { views::Expiry::Valid(date) }
    } else if at <= now {
        views::Expiry::Lapsed(date)
    } else {
        return None;
    })
}

/// Whether the person may (re-)verify now: not verified, or within the re-verification window.
pub fn may_verify(user: &User, now: i64) -> bool {
    user.status != VerificationStatus::Verified || user.verification_expires_at.is_some_and(|e| e - now <= REVERIFY_WINDOW_SECS)
}

/// Why a verifier's decision cannot be recorded as given.
pub fn decision_problem(own: bool, approve: bool, reason: &str) -> Option<Msg> {
    if own {
        Some(Msg::IdentityReviewOwn)
    } else if !approve && reason.is_empty() {
        Some(Msg::IdentityReviewReasonMissing)
    } else if reason.chars().count() > MAX_REASON || reason.chars().any(char::is_control) {
        Some(Msg::IdentityReviewReasonTooLong)
    } else {
        None
    }
}

// ---- statements ----------------------------------------------------------------------------

/// A new request: one row of `verifications`.
struct Request<'a> {
    id: String,
    user_id: &'a str,
    method: Method,
    status: VerificationStatus,
    reference: &'a str,
    reason: Option<&'a str>,
    /// Manual requests: the evidence's media type, shown name and the person's note.
    evidence: Option<(&'a str, &'a str, &'a str)>,
}

impl Request<'_> {
    /// The insert; a request decided on arrival (automatic methods) carries its decision.
    fn insert(&self, now: i64) -> Statement {
        let decided = self.status != VerificationStatus::Pending;
        let (kind, name, note) = match self.evidence {
            Some((k, n, t)) => (Some(k), Some(n), Some(t)),
            None => (None, None, None),
        };
        Statement::new(
            "INSERT INTO verifications (id, user_id, method, status, reference, reason, decided_by, created_at, decided_at, \
             expires_at, evidence_type, evidence_name, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            vec![
                self.id.as_str().into(),
                self.user_id.into(),
                self.method.code().into(),
                self.status.code().into(),
                self.reference.into(),
                self.reason.into(),
                self.method.system_actor().filter(|_| decided).into(),
                now.into(),
                decided.then_some(now).into(),
                (self.status == VerificationStatus::Verified).then_some(now + VERIFIED_FOR_SECS).into(),
                kind.into(),
                name.into(),
                note.into(),
            ],
        )
    }
}

/// The audit entry of a person's own request.
fn submitted(user: &User, method: Method) -> AuditEntry<'_> {
    events::success(&user.id, "verification.submitted", &user.id, Some(method.code()))
}

/// A decision on a person's verification (any method).
struct Decision<'a> {
    user_id: &'a str,
    verified: bool,
    actor: &'a str,
    reason: &'a str,
}

impl<'a> Decision<'a> {
    /// The person's status (a positive decision starts a new validity period; a negative one
    /// never downgrades a still-valid verification) and the funnel event.
    fn statements<P: Platform>(&self, ctx: &Ctx<'_, P>, now: i64) -> Result<Vec<Statement>> {
        let update = if self.verified {
            users::mark_verified(self.user_id, now, now + VERIFIED_FOR_SECS)
        } else {
            users::mark_unless_verified(self.user_id, VerificationStatus::Rejected)
        };
        Ok(vec![update, events::funnel(ctx, self.user_id, "verification_decided")?])
    }

    fn entry(&self) -> AuditEntry<'a> {
        events::entry(self.verified, self.actor, "verification.decided", self.user_id, Some(self.reason))
    }
}

// ---- use cases -----------------------------------------------------------------------------

/// Records a request of an automatic method with the answer it got: decided (verified or
/// rejected by `system:<method>`), or pending when the source could not be asked.
async fn submit_checked<P: Platform>(
    ctx: &Ctx<'_, P>,
    user: &User,
    method: Method,
    status: VerificationStatus,
    reference: &str,
    reason: &str,
    mut stmts: Vec<Statement>,
) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let actor = method.system_actor().ok_or(Error::Internal("automatic method".into()))?;
    let request = Request { id: ctx.random_id()?, user_id: &user.id, method, status, reference, reason: Some(reason), evidence: None };
    stmts.insert(0, request.insert(now));
    stmts.push(events::funnel(ctx, &user.id, "verification_submitted")?);
    if status == VerificationStatus::Pending {
        stmts.push(users::mark_unless_verified(&user.id, VerificationStatus::Pending));
        let lookup = events::failure(actor, "verification.lookup", &user.id, Some(reason));
        return events::commit(ctx, user.region, stmts, &[submitted(user, method), lookup]).await;
    }
    let decision = Decision { user_id: &user.id, verified: status == VerificationStatus::Verified, actor, reason };
    stmts.extend(decision.statements(ctx, now)?);
    events::commit(ctx, user.region, stmts, &[submitted(user, method), decision.entry()]).await
}

/// What became of an NPI submission.
pub enum NpiSubmission {
    /// The registry's outcome, recorded.
    Checked(npi::Outcome),
    /// Too many submissions (by the person or from their address): the seconds to wait.
    Limited(u64),
}

/// NPI verification (check digit already valid), from `address`: limited per person and per
/// address; then the NPPES registry decides. An active registration in the person's name
/// verifies them, unless the NPI already verifies another account: then the request waits
/// for a verifier, with that reason. Any other answer rejects with a reason; no answer leaves
/// the request pending (fail closed).
pub async fn submit_npi<P: Platform>(ctx: &Ctx<'_, P>, user: &User, npi_number: &str, address: &str) -> Result<NpiSubmission> {
    let limits = [(&rate_limit::NPI_PER_PERSON, user.id.as_str()), (&rate_limit::NPI_PER_ADDRESS, address)];
    if let Some(wait) = rate_limit::first_exceeded(ctx, &limits).await? {
        let entry = events::failure(&user.id, "verification.submitted", &user.id, Some("rate_limited"));
        events::commit(ctx, user.region, Vec::new(), &[entry]).await?;
        return Ok(NpiSubmission::Limited(wait));
    }
    let mut outcome = npi::lookup(ctx, npi_number, &user.name).await;
    if outcome == npi::Outcome::Match && subject_in_use(ctx, user, Method::Npi, npi_number).await? {
        outcome = npi::Outcome::InUse;
    }
    let status = match outcome {
        npi::Outcome::Match => VerificationStatus::Verified,
        npi::Outcome::Unavailable | npi::Outcome::InUse => VerificationStatus::Pending,
        _ => VerificationStatus::Rejected,
    };
    // The person's NPI is remembered when it verifies them (one verified account per NPI is
    // also a unique index: a concurrent second verification fails rather than succeeds).
    let remember = if outcome == npi::Outcome::Match { vec![users::set_npi(&user.id, npi_number)] } else { Vec::new() };
    submit_checked(ctx, user, Method::Npi, status, npi_number, outcome.reason(), remember).await?;
    Ok(NpiSubmission::Checked(outcome))
}

/// Whether a provider identity (`subject`) already verifies another account.
pub async fn subject_in_use<P: Platform>(ctx: &Ctx<'_, P>, user: &User, method: Method, subject: &str) -> Result<bool> {
    let db = ctx.region(user.region).sql().await?;
    let rows = db
        .query(
            "SELECT 1 FROM verifications WHERE method = ?3 AND reference = ?1 AND status = ?4 AND user_id <> ?2 LIMIT 1",
            &[subject.into(), user.id.as_str().into(), method.code().into(), VerificationStatus::Verified.code().into()],
        )
        .await?;
    Ok(!rows.is_empty())
}

/// An external provider's answer about the person (`subject`: their identity there),
/// decided with `reason`.
pub async fn submit_provider_answer<P: Platform>(ctx: &Ctx<'_, P>, user: &User, subject: &str, verified: bool, reason: &str) -> Result<()> {
    let status = if verified { VerificationStatus::Verified } else { VerificationStatus::Rejected };
    submit_checked(ctx, user, Method::Oidc, status, subject, reason, Vec::new()).await
}

/// An evidence file (already accepted by [`evidence::problem`]) and the person's note.
pub struct Upload<'a> {
    pub data: &'a [u8],
    pub file_name: &'a str,
    pub note: &'a str,
}

/// Stores the evidence in the home region and opens a pending request in the verifiers' queue.
pub async fn submit_evidence<P: Platform>(ctx: &Ctx<'_, P>, user: &User, upload: &Upload<'_>) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let sniffed = medportal_core::upload::sniff(upload.data).ok_or(Error::Internal("sniffed".into()))?;
    let (content_type, ext) = (sniffed.media_type, sniffed.extension);
    let id = ctx.random_id()?;
    let object = format!("evidence/{}/{id}.{ext}", user.id);
    let name = medportal_core::upload::clean_name(upload.file_name, evidence::FALLBACK_NAME);
    // The object first: a request never points at evidence that is not stored.
    ctx.region(user.region).blob().await?.put(&user.region, &object, upload.data, content_type).await?;
    let (method, status) = (Method::Manual, VerificationStatus::Pending);
    let evidence = Some((content_type, name.as_str(), upload.note));
    let request = Request { id, user_id: &user.id, method, status, reference: &object, reason: None, evidence };
    let stmts = vec![
        request.insert(now),
        users::mark_unless_verified(&user.id, VerificationStatus::Pending),
        events::funnel(ctx, &user.id, "verification_submitted")?,
    ];
    events::commit(ctx, user.region, stmts, &[submitted(user, method)]).await
}

/// A verifier's decision on a pending request: approve, or reject with a reason (`Some`: why
/// it cannot be recorded, nothing changed). The person is told by email.
pub async fn decide<P: Platform>(
    ctx: &Ctx<'_, P>,
    region: Region,
    item: &QueueItem,
    verifier: &str,
    approve: bool,
    reason: &str,
    locale: Locale,
) -> Result<Option<Msg>> {
    if let Some(problem) = decision_problem(item.user_id == verifier, approve, reason) {
        return Ok(Some(problem));
    }
    let now = ctx.now().unix_timestamp();
    let status = if approve { VerificationStatus::Verified } else { VerificationStatus::Rejected };
    let code = if approve { "evidence_accepted" } else { "evidence_rejected" };
    // Guarded in the batch: a request another verifier decided since it was read refuses the
    // whole batch (not the person's status, not the entry, no mail) as a conflict. The UPDATE's
    // own condition alone would change nothing but let the rest land.
    let pending = audit::guard("EXISTS (SELECT 1 FROM verifications WHERE id = ?1 AND status = ?2)", vec![item.id.as_str().into(), VerificationStatus::Pending.code().into()]);
    let mut stmts = vec![pending, Statement::new(
        "UPDATE verifications SET status = ?2, reason = ?3, decided_by = ?4, decided_at = ?5, expires_at = ?6 \
         WHERE id = ?1 AND status = ?7",
        vec![
            item.id.as_str().into(),
            status.code().into(),
            (if reason.is_empty() { code } else { reason }).into(),
            verifier.into(),
            now.into(),
            approve.then_some(now + VERIFIED_FOR_SECS).into(),
            VerificationStatus::Pending.code().into(),
        ],
    )];
    let decision = Decision { user_id: &item.user_id, verified: approve, actor: verifier, reason: code };
    stmts.extend(decision.statements(ctx, now)?);
    events::commit(ctx, region, stmts, &[decision.entry()]).await.map_err(|e| audit::conflict_if_refused(e, "verification_decided"))?;
    notify(ctx, region, &item.user_id, approve, reason, locale).await?;
    Ok(None)
}

/// Mails the person the decision on their evidence.
async fn notify<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str, approve: bool, reason: &str, l: Locale) -> Result<()> {
    let Some(user) = users::find(ctx, region, user_id).await? else { return Ok(()) };
    let text = if approve {
        tf(l, Msg::IdentityMailDecisionApproved, &[("name", &user.name)])
    } else {
        tf(l, Msg::IdentityMailDecisionRejected, &[("name", &user.name), ("reason", reason)])
    };
    let mail = Mail { to: user.email.clone(), subject: t(l, Msg::IdentityMailDecisionSubject).to_owned(), text };
    // No link inside: kept for retry up to a week if the transport does not take it.
    mailer::deliver(ctx, region, &user.id, &mail, ctx.now().unix_timestamp() + 7 * 86_400).await.map(|_| ())
}

// ---- reads ---------------------------------------------------------------------------------

/// The person's open (pending) request and latest rejection reason, for the verification page.
pub async fn open_state<P: Platform>(ctx: &Ctx<'_, P>, user: &User) -> Result<(Option<PendingRequest>, Option<String>)> {
    let db = ctx.region(user.region).sql().await?;
    let rows = db
        .query(
            "SELECT method, status, reason, created_at FROM verifications WHERE user_id = ?1 ORDER BY created_at DESC LIMIT 1",
            &[user.id.as_str().into()],
        )
        .await?;
    let Some(row) = rows.first() else { return Ok((None, None)) };
    let (method, status) = (Method::parse(&row.text(0)?)?, VerificationStatus::parse(&row.text(1)?)?);
    match status {
        VerificationStatus::Pending => {
            Ok((Some(PendingRequest { method: method.code().to_owned(), submitted: time_of(row.int(3)?)? }), None))
        }
        VerificationStatus::Rejected if user.status != VerificationStatus::Verified => Ok((None, row.opt_text(2)?)),
        _ => Ok((None, None)),
    }
}

const QUEUE_SQL: &str = "SELECT v.id, v.user_id, v.method, v.created_at, v.reference, v.evidence_type, v.evidence_name, v.note, \
     u.display_name, u.email, u.country, u.profession, v.reason \
     FROM verifications v JOIN users u ON u.id = v.user_id";

fn item_of(r: &Row) -> Result<QueueItem> {
    Ok(QueueItem {
        id: r.text(0)?,
        user_id: r.text(1)?,
        method: Method::parse(&r.text(2)?)?.code().to_owned(),
        submitted: time_of(r.int(3)?)?,
        reference: r.opt_text(4)?,
        evidence_type: r.opt_text(5)?,
        evidence_name: r.opt_text(6)?,
        note: r.opt_text(7)?,
        name: r.text(8)?,
        email: r.text(9)?,
        country: r.text(10)?,
        profession: r.text(11)?,
        reason: r.opt_text(12)?,
    })
}

/// Pending requests of the region, oldest first.
pub async fn queue<P: Platform>(ctx: &Ctx<'_, P>, region: Region) -> Result<Vec<QueueItem>> {
    let db = ctx.region(region).sql().await?;
    let sql = format!("{QUEUE_SQL} WHERE v.status = ?1 ORDER BY v.created_at LIMIT 200");
    let rows = db.query(&sql, &[VerificationStatus::Pending.code().into()]).await?;
    rows.iter().map(item_of).collect()
}

/// One pending request of the region; `NotFound` if there is none (or it is decided).
pub async fn pending_request<P: Platform>(ctx: &Ctx<'_, P>, region: Region, id: &str) -> Result<QueueItem> {
    let db = ctx.region(region).sql().await?;
    let sql = format!("{QUEUE_SQL} WHERE v.id = ?1 AND v.status = ?2");
    let rows = db.query(&sql, &[id.into(), VerificationStatus::Pending.code().into()]).await?;
    rows.first().map(item_of).transpose()?.ok_or(Error::NotFound)
}

/// A pending request's evidence file, for the verifier `viewer` (audited).
pub async fn open_evidence<P: Platform>(ctx: &Ctx<'_, P>, region: Region, viewer: &str, id: &str) -> Result<(QueueItem, Blob)> {
    let item = pending_request(ctx, region, id).await?;
    let object = item.reference.as_deref().filter(|r| r.starts_with("evidence/")).ok_or(Error::NotFound)?;
    let blob = ctx.region(region).blob().await?.get(object).await?.ok_or(Error::NotFound)?;
    events::commit(ctx, region, Vec::new(), &[events::success(viewer, "verification.evidence_viewed", &item.id, None)]).await?;
    Ok((item, blob))
}
