//! People in their home region's database: the repository of the `users` table. Every
//! statement that reads or changes `users` is written here (the verification queue's join
//! aside, see `verification`); statuses and roles are typed from here on.

use crate::model::VerificationStatus;
use medportal_core::ports::{Row, SqlValue, Statement};
use medportal_core::policy::Role;
use medportal_core::{Ctx, Error, Platform, Region, Result};

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub region: Region,
    pub email: String,
    pub name: String,
    pub country: String,
    pub profession: String,
    pub roles: Vec<Role>,
    pub status: VerificationStatus,
    pub active: bool,
    pub specialty: Option<String>,
    pub practice_setting: Option<String>,
    pub interests: Option<String>,
    /// When a positive verification lapses (unix seconds).
    pub verification_expires_at: Option<i64>,
    /// Confirmed TOTP secret (base32), staff second factor.
    pub totp_secret: Option<String>,
    /// Last accepted TOTP time step (a code is accepted once).
    pub totp_last_step: Option<i64>,
}

impl User {
    /// Staff accounts must sign in with a second factor.
    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| r.is_staff())
    }
    /// Role codes, in the stored order.
    pub fn role_codes(&self) -> Vec<String> {
        self.roles.iter().map(|r| r.code().to_owned()).collect()
    }
}

/// A person as the role administration sees them.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<Role>,
    /// The roles as stored (what an edit read: its lost-update guard compares it).
    pub stored_roles: String,
    pub active: bool,
    /// Has a confirmed second factor (TOTP secret).
    pub enrolled: bool,
}

/// A new registration (validated).
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub country: &'a str,
    pub profession: &'a str,
    /// Consent to communications.
    pub comms: bool,
}

/// A question of the progressive profile: the column its answer is stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileStep {
    Specialty,
    PracticeSetting,
    Interests,
}

impl ProfileStep {
    pub fn parse(code: &str) -> Option<ProfileStep> {
        match code {
            "specialty" => Some(ProfileStep::Specialty),
            "practice_setting" => Some(ProfileStep::PracticeSetting),
            "interests" => Some(ProfileStep::Interests),
            _ => None,
        }
    }
    const fn column(self) -> &'static str {
        match self {
            ProfileStep::Specialty => "specialty",
            ProfileStep::PracticeSetting => "practice_setting",
            ProfileStep::Interests => "interests",
        }
    }
}

const COLUMNS: &str = "id, email, display_name, country, profession, roles, verification_status, status, \
                       specialty, practice_setting, interests, verification_expires_at, totp_secret, totp_last_step";

fn from_row(region: Region, r: &Row) -> Result<User> {
    Ok(User {
        id: r.text(0)?,
        region,
        email: r.text(1)?,
        name: r.text(2)?,
        country: r.text(3)?,
        profession: r.text(4)?,
        roles: Role::parse_list(&r.text(5)?),
        status: VerificationStatus::parse(&r.text(6)?)?,
        active: r.text(7)? == "active",
        specialty: r.opt_text(8)?,
        practice_setting: r.opt_text(9)?,
        interests: r.opt_text(10)?,
        verification_expires_at: r.0.get(11).and_then(SqlValue::as_i64),
        totp_secret: r.opt_text(12)?,
        totp_last_step: r.0.get(13).and_then(SqlValue::as_i64),
    })
}

fn person_of(r: &Row) -> Result<Person> {
    Ok(Person {
        id: r.text(0)?,
        name: r.text(1)?,
        email: r.text(2)?,
        roles: Role::parse_list(&r.text(3)?),
        stored_roles: r.text(3)?,
        active: r.text(4)? == "active",
        enrolled: r.int(5)? != 0,
    })
}

/// Normalised email: trimmed, lowercase. `None` if it does not look like an address.
pub fn normalise_email(raw: &str) -> Option<String> {
    let e = raw.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && e.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control() || "<>(),;:\"[]\\".contains(c))
        && !domain.contains('@');
    ok.then_some(e)
}

// ---- reads ---------------------------------------------------------------------------------

/// Looks the address up in every region. Every region is always queried, so the time taken
/// does not tell where (or whether) the person is registered.
pub async fn find_by_email<P: Platform>(ctx: &Ctx<'_, P>, email: &str) -> Result<Option<User>> {
    let mut found = None;
    for region in Region::all() {
        let db = ctx.region(region).sql().await?;
        let rows = db.query(&format!("SELECT {COLUMNS} FROM users WHERE email = ?1"), &[email.into()]).await?;
        if let (None, Some(r)) = (&found, rows.first()) {
            found = Some(from_row(region, r)?);
        }
    }
    Ok(found)
}

pub async fn find<P: Platform>(ctx: &Ctx<'_, P>, region: Region, id: &str) -> Result<Option<User>> {
    let db = ctx.region(region).sql().await?;
    let rows = db.query(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), &[SqlValue::from(id)]).await?;
    rows.first().map(|r| from_row(region, r)).transpose()
}

/// The active person behind a session; `Unauthenticated` if they are gone or disabled.
pub async fn find_active<P: Platform>(ctx: &Ctx<'_, P>, region: Region, id: &str) -> Result<User> {
    find(ctx, region, id).await?.filter(|u| u.active).ok_or(Error::Unauthenticated)
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_pattern(q: &str) -> String {
    let mut out = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// People of the region whose name or email contains `q` (all if empty), by email, at most `limit`.
pub async fn search<P: Platform>(ctx: &Ctx<'_, P>, region: Region, q: &str, limit: usize) -> Result<Vec<Person>> {
    let db = ctx.region(region).sql().await?;
    let rows = db
        .query(
            &format!(
                "SELECT id, display_name, email, roles, status, totp_secret IS NOT NULL FROM users \
                 WHERE ?1 = '' OR lower(email) LIKE ?2 ESCAPE '\\' OR lower(display_name) LIKE ?2 ESCAPE '\\' \
                 ORDER BY email LIMIT {limit}"
            ),
            &[q.into(), like_pattern(&q.to_lowercase()).into()],
        )
        .await?;
    rows.iter().map(person_of).collect()
}

/// One person of the region; `NotFound` if there is none.
pub async fn person<P: Platform>(ctx: &Ctx<'_, P>, region: Region, id: &str) -> Result<Person> {
    let db = ctx.region(region).sql().await?;
    let rows = db.query("SELECT id, display_name, email, roles, status, totp_secret IS NOT NULL FROM users WHERE id = ?1", &[id.into()]).await?;
    rows.first().map(person_of).transpose()?.ok_or(Error::NotFound)
}

// ---- changes (statements for the caller's batch) -------------------------------------------

/// A new HCP account, unverified, terms accepted now.
pub fn insert(id: &str, new: &NewUser<'_>, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO users (id, email, display_name, country, profession, roles, verification_status, created_at, \
         terms_accepted_at, comms_consent_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
        vec![
            id.into(),
            new.email.into(),
            new.name.into(),
            new.country.into(),
            new.profession.into(),
            Role::Hcp.code().into(),
            VerificationStatus::Unverified.code().into(),
            now.into(),
            new.comms.then_some(now).into(),
        ],
    )
}

/// The answer to one profile question (empty: skipped, not asked again).
pub fn set_profile_answer(id: &str, step: ProfileStep, value: &str) -> Statement {
    Statement::new(format!("UPDATE users SET {} = ?1 WHERE id = ?2", step.column()), vec![value.into(), id.into()])
}

/// The NPI the person verifies with.
pub fn set_npi(id: &str, npi: &str) -> Statement {
    Statement::new("UPDATE users SET npi = ?1 WHERE id = ?2", vec![npi.into(), id.into()])
}

/// A confirmed second-factor code: the accepted time step (never moved back), and the secret
/// when newly enrolled. The step itself was claimed first ([`claim_totp_step`]).
pub fn confirm_second_factor(id: &str, enrolled: Option<&str>, step: i64) -> Statement {
    Statement::new(
        "UPDATE users SET totp_secret = COALESCE(?1, totp_secret), totp_last_step = MAX(COALESCE(totp_last_step, ?2), ?2) WHERE id = ?3",
        vec![enrolled.into(), step.into(), id.into()],
    )
}

/// Claims a TOTP time step for the person: one atomic conditional update, so of two requests
/// presenting codes of the same (or an earlier) step only one ever wins. A code is accepted
/// once, whatever runs concurrently.
pub async fn claim_totp_step<P: Platform>(ctx: &Ctx<'_, P>, region: Region, id: &str, step: i64) -> Result<bool> {
    let db = ctx.region(region).sql().await?;
    let won = db
        .execute_returning(
            &region,
            "UPDATE users SET totp_last_step = ?1 WHERE id = ?2 AND (totp_last_step IS NULL OR totp_last_step < ?1) RETURNING id",
            &[step.into(), id.into()],
        )
        .await?;
    Ok(!won.is_empty())
}

/// The person's roles (stored as a comma-separated list of codes).
pub fn set_roles(id: &str, roles: &[Role]) -> Statement {
    let list = roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",");
    Statement::new("UPDATE users SET roles = ?1 WHERE id = ?2", vec![list.into(), id.into()])
}

/// A guard for a role change's batch: the person's roles are still `seen` (as stored), so a
/// change another administrator committed since refuses the whole batch.
pub fn roles_still(id: &str, seen: &str) -> Statement {
    medportal_core::audit::guard("EXISTS (SELECT 1 FROM users WHERE id = ?1 AND roles = ?2)", vec![id.into(), seen.into()])
}

/// Verified now, until `until`.
pub fn mark_verified(id: &str, now: i64, until: i64) -> Statement {
    Statement::new(
        "UPDATE users SET verification_status = ?4, verified_at = ?2, verification_expires_at = ?3 WHERE id = ?1",
        vec![id.into(), now.into(), until.into(), VerificationStatus::Verified.code().into()],
    )
}

/// Pending (a request waits) or rejected (a negative decision), unless still validly
/// verified: neither downgrades a verification that has not lapsed.
pub fn mark_unless_verified(id: &str, status: VerificationStatus) -> Statement {
    Statement::new(
        "UPDATE users SET verification_status = ?2 WHERE id = ?1 AND verification_status <> ?3",
        vec![id.into(), status.code().into(), VerificationStatus::Verified.code().into()],
    )
}

/// Unverified again once a verification's validity has ended (guarded: recorded once).
pub fn lapse_verification(id: &str, now: i64) -> Statement {
    Statement::new(
        "UPDATE users SET verification_status = ?3 \
         WHERE id = ?1 AND verification_status = ?4 AND verification_expires_at <= ?2",
        vec![id.into(), now.into(), VerificationStatus::Unverified.code().into(), VerificationStatus::Verified.code().into()],
    )
}
