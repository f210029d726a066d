//! Electronic signatures (`library_signatures`, append-only, written only here), as 21 CFR
//! Part 11 asks: the signer's id, printed name and role, the UTC time and the meaning, bound
//! to the SHA-256 of the exact version signed. A signature is accepted only for the item's
//! head version while it is in review and only when the hash the signer re-authenticated for
//! is that version's hash (so it cannot be moved to another version or survive an edit);
//! each re-authentication (its assertion id, unique) signs once.

use medportal_core::audit::{AuditEntry, commit_global, conflict_if_refused};
use medportal_core::ports::{Row, SqlStore};
use medportal_core::ports::Statement;
use medportal_core::{Ctx, Error, Platform, Result};

use crate::item::{self, Item};
use crate::model::{Decision, Discipline, Meaning, State};
use crate::version::Version;
use crate::workflow;

/// A stored signature.
#[derive(Debug, Clone)]
pub struct Signature {
    pub version_id: String,
    pub sha256: String,
    pub discipline: Discipline,
    pub meaning: Meaning,
    pub printed_name: String,
    pub role: String,
    pub at: i64,
}

fn of_row(r: &Row) -> Result<Signature> {
    Ok(Signature {
        version_id: r.text(0)?,
        sha256: r.text(1)?,
        discipline: Discipline::stored(&r.text(2)?)?,
        meaning: Meaning::stored(&r.text(3)?)?,
        printed_name: r.text(4)?,
        role: r.text(5)?,
        at: r.int(6)?,
    })
}

/// The signatures of an item's versions, oldest first.
pub async fn of_item<S: SqlStore>(db: &S, item_id: &str) -> Result<Vec<Signature>> {
    let rows = db
        .query(
            "SELECT s.version_id, s.sha256, s.discipline, s.meaning, s.printed_name, s.role, s.at FROM library_signatures s \
             JOIN library_versions v ON v.id = s.version_id WHERE v.item_id = ?1 ORDER BY s.at, s.discipline",
            &[item_id.into()],
        )
        .await?;
    rows.iter().map(of_row).collect()
}

/// Who signs, as the re-authentication established it.
#[derive(Debug, Clone)]
pub struct Signer<'a> {
    pub user_id: &'a str,
    pub printed_name: &'a str,
    pub role: &'a str,
    /// The re-authentication's id (single use).
    pub assertion_id: &'a str,
    /// The version hash the signer re-authenticated for.
    pub sha256: &'a str,
    pub meaning: Meaning,
}

/// Signs the head version of `it` for `discipline` (an approval), audited in the same batch;
/// the item is approved by the same batch once all three disciplines have signed.
pub async fn sign<P: Platform>(ctx: &Ctx<'_, P>, it: &Item, head: &Version, discipline: Discipline, signer: &Signer<'_>, comment: &str) -> Result<()> {
    if it.state != State::InReview || it.head_version.as_deref() != Some(head.id.as_str()) {
        return Err(Error::Conflict { code: "not_in_review" });
    }
    if !medportal_core::security::ct_eq(signer.sha256.as_bytes(), head.sha256.as_bytes()) || signer.meaning != Meaning::Approval {
        return Err(Error::Forbidden { code: "signature_not_for_this_version" });
    }
    let db = ctx.global_sql().await?;
    let taken = db
        .query(
            "SELECT 1 FROM library_signatures WHERE assertion_id = ?1 OR (version_id = ?2 AND (discipline = ?3 OR signer = ?4))",
            &[signer.assertion_id.into(), head.id.as_str().into(), discipline.code().into(), signer.user_id.into()],
        )
        .await?;
    if !taken.is_empty() {
        return Err(Error::Conflict { code: "already_signed" });
    }
    let now = ctx.now().unix_timestamp();
    let stmts = vec![
        // sent back or edited since `it` was read: refused (no signature on a version that
        // is no longer the one in review)
        item::still_in_review(&it.id, &head.id),
        Statement::new(
            "INSERT INTO library_signatures (id, version_id, sha256, discipline, meaning, signer, printed_name, role, at, assertion_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            vec![
                ctx.random_id()?.into(),
                head.id.as_str().into(),
                head.sha256.as_str().into(),
                discipline.code().into(),
                signer.meaning.code().into(),
                signer.user_id.into(),
                signer.printed_name.into(),
                signer.role.into(),
                now.into(),
                signer.assertion_id.into(),
            ],
        ),
        workflow::record(ctx.random_id()?, &head.id, discipline, Decision::Approve, signer.user_id, comment.trim(), now),
        item::approve_when_signed(&it.id, &head.id, now),
    ];
    let why = format!("sha256={}; meaning={}; discipline={}; role={}", head.sha256, signer.meaning.code(), discipline.code(), signer.role);
    let meaning = signer.meaning.code();
    let entry = AuditEntry {
        actor: signer.user_id,
        action: "content.signed",
        target: Some(&it.id),
        reason: Some(&why),
        role: Some(signer.role),
        version: Some(&head.id),
        meaning: Some(meaning),
        ..Default::default()
    };
    // A concurrent signature of the same discipline or with the same assertion fails the
    // whole batch on the unique constraints: nothing of it lands.
    commit_global(ctx, stmts, &[entry]).await.map_err(|e| conflict_if_refused(e, "not_in_review"))
}

/// What a step-up purpose names: `sign:<sha256>:<meaning>:<discipline>`.
pub fn purpose(sha256: &str, meaning: Meaning, discipline: Discipline) -> String {
    format!("sign:{sha256}:{}:{}", meaning.code(), discipline.code())
}

/// Signs the head version with a step-up assertion from identity: it must verify with the
/// session public keys, be unexpired, name the signed-in person and exactly this version's
/// hash (an assertion for another version, or made before an edit, is refused); its id is
/// stored with the signature under a unique constraint, so it signs once.
pub async fn sign_with_assertion<P: Platform>(ctx: &Ctx<'_, P>, session: &medportal_auth::Session, it: &Item, head: &Version, token: &str, comment: &str) -> Result<()> {
    let keys = medportal_auth::KeySet::cached(ctx.config)?;
    let now = ctx.now().unix_timestamp();
    let a = medportal_auth::step_up::verify(ctx.signatures(), &keys, token.trim(), now).await.ok_or(Error::Forbidden { code: "step_up_required" })?;
    if a.sub != session.user_id() {
        return Err(Error::Forbidden { code: "step_up_required" });
    }
    let mut parts = a.purpose.split(':');
    let (kind, sha, meaning, discipline) = (parts.next(), parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (Some("sign"), Some(meaning), Some(discipline), None) = (kind, Meaning::parse(meaning), Discipline::parse(discipline), parts.next()) else {
        return Err(Error::Forbidden { code: "step_up_required" });
    };
    let signer = Signer { user_id: &a.sub, printed_name: &a.name, role: "mlr_reviewer", assertion_id: &a.id, sha256: sha, meaning };
    sign(ctx, it, head, discipline, &signer, comment).await
}
