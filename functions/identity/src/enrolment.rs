//! One-time enrolment codes for a staff member's first authenticator: an administrator who
//! grants a staff role sees the code once and hands it over out of band; the first TOTP
//! enrolment needs it, so holding the mailbox alone cannot enrol an authenticator. Stored only
//! as SHA-256 in the person's home region, single use, expiring. The only place
//! `enrolment_codes` is written.

use crate::events;
use crate::support::hash_b64;
use medportal_core::ports::Statement;
use medportal_core::{Ctx, Platform, Region, Result, platform};
use time::OffsetDateTime;

/// An enrolment code is valid this long.
pub const CODE_SECS: i64 = 7 * 86_400;

/// The code as typed: spaces and dashes ignored, any case.
fn canonical(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect()
}

/// Issues a new code for `user_id` (replacing any earlier one), by `admin` (audited). The
/// code, grouped for reading out, and when it expires.
pub async fn issue<P: Platform>(ctx: &Ctx<'_, P>, region: Region, admin: &str, user_id: &str) -> Result<(String, OffsetDateTime)> {
    let code = platform::base32(&ctx.random_bytes::<10>()?);
    let now = ctx.now().unix_timestamp();
    let until = now + CODE_SECS;
    let stmt = Statement::new(
        "INSERT INTO enrolment_codes (user_id, code_hash, issued_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, issued_by = excluded.issued_by, \
         created_at = excluded.created_at, expires_at = excluded.expires_at",
        vec![user_id.into(), hash_b64(code.as_bytes()).into(), admin.into(), now.into(), until.into()],
    );
    let entry = events::success(admin, "mfa.enrolment_code_issued", user_id, None);
    events::commit(ctx, region, vec![stmt], &[entry]).await?;
    let grouped = code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-");
    Ok((grouped, crate::support::time_of(until)?))
}

/// Whether `code` is the person's valid enrolment code (not used up by this check).
pub async fn valid<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str, code: &str) -> Result<bool> {
    let db = ctx.region(region).sql().await?;
    let rows = db
        .query(
            "SELECT 1 FROM enrolment_codes WHERE user_id = ?1 AND code_hash = ?2 AND expires_at >= ?3",
            &[user_id.into(), hash_b64(canonical(code).as_bytes()).into(), ctx.now().unix_timestamp().into()],
        )
        .await?;
    Ok(!rows.is_empty())
}

/// Uses the code up (atomically: of two concurrent uses, one wins); whether it was still there.
pub async fn take<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str, code: &str) -> Result<bool> {
    let db = ctx.region(region).sql().await?;
    let rows = db
        .execute_returning(
            &region,
            "DELETE FROM enrolment_codes WHERE user_id = ?1 AND code_hash = ?2 AND expires_at >= ?3 RETURNING user_id",
            &[user_id.into(), hash_b64(canonical(code).as_bytes()).into(), ctx.now().unix_timestamp().into()],
        )
        .await?;
    Ok(!rows.is_empty())
}
