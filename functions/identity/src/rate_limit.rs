//! Rate limits: fixed-window counters in the global SQL database (`rate_limits`, the only
//! place that table is written), keyed by a keyed pseudonym of the subject (no address or
//! email in clear) and counted with one atomic upsert, so concurrent requests cannot all see
//! the same count. Rows are deleted once their window has passed.
//!
//! Why global: a limit is checked before it is known (or revealed) whether and where the
//! person has an account, and per-address limits belong to no region; the table holds only
//! HMAC pseudonyms (keyed with a secret derived from the signing key, one key per scope) for
//! at most one window.

use medportal_auth::KeySet;
use medportal_core::ports::SqlStore;
use medportal_core::web::{self, Request};
use medportal_core::{Ctx, Error, Platform, Result};

/// One limit: at most `limit` hits per subject in a fixed window of `window` seconds.
pub struct Limit {
    scope: &'static str,
    limit: i64,
    window: i64,
}

/// Mailed links (sign-in and registration) requested from one client address.
pub const LINKS_PER_ADDRESS: Limit = Limit { scope: "ip", limit: 60, window: 600 };
/// Mailed links for one email address from one client address: the person's own quota, which
/// requests from other addresses do not use up.
pub const LINKS_PER_EMAIL_AND_ADDRESS: Limit = Limit { scope: "email-ip", limit: 5, window: 600 };
/// Mailed links for one email address from anywhere: the cap on mail to one mailbox.
pub const LINKS_PER_EMAIL: Limit = Limit { scope: "email", limit: 20, window: 3600 };
/// NPI submissions of one person.
pub const NPI_PER_PERSON: Limit = Limit { scope: "npi-user", limit: 5, window: 3600 };
/// Step-up codes (re-authentication to sign) of one person.
pub const STEP_UP: Limit = Limit { scope: "step-up", limit: 5, window: 300 };
/// NPI submissions from one client address.
pub const NPI_PER_ADDRESS: Limit = Limit { scope: "npi-ip", limit: 20, window: 3600 };

/// Counts a hit for `subject`; `Some(seconds until the window ends)` once `limit` is exceeded.
async fn hit<P: Platform>(ctx: &Ctx<'_, P>, limit: &Limit, subject: &str) -> Result<Option<u64>> {
    let keys = KeySet::cached(ctx.config)?;
    // Fail closed: without a key there is no pseudonym, and counting in clear is not an option.
    let id = keys.pseudonym(limit.scope, subject).ok_or_else(|| Error::internal("no key for rate-limit pseudonyms"))?;
    let now = ctx.now().unix_timestamp();
    let start = now - now.rem_euclid(limit.window);
    let end = start + limit.window;
    let db = ctx.global_sql().await?;
    let rows = db
        .query(
            "INSERT INTO rate_limits (key, hits, expires_at) VALUES (?1, 1, ?2) \
             ON CONFLICT (key) DO UPDATE SET hits = hits + 1 RETURNING hits",
            &[format!("{}/{id}/{start}", limit.scope).into(), end.into()],
        )
        .await?;
    let hits = rows.first().ok_or_else(|| Error::internal("rate-limit upsert returned no row"))?.int(0)?;
    if hits == 1 {
        // A new window: drop the windows that have passed.
        db.execute("DELETE FROM rate_limits WHERE expires_at <= ?1", &[now.into()]).await?;
    }
    Ok((hits > limit.limit).then(|| (end - now).max(1) as u64))
}

/// Counts a hit against each limit in turn and stops at the first one exceeded (later
/// limits are not counted then): `Some(seconds to wait)` if one was.
pub async fn first_exceeded<P: Platform>(ctx: &Ctx<'_, P>, checks: &[(&Limit, &str)]) -> Result<Option<u64>> {
    for (limit, subject) in checks {
        if let Some(wait) = hit(ctx, limit, subject).await? {
            return Ok(Some(wait));
        }
    }
    Ok(None)
}

/// Counts a mailed link for `email` (normalised) asked for from `address`: per address, per
/// (email, address) and per email. Unknown addresses are counted the same way.
pub async fn link_limited<P: Platform>(ctx: &Ctx<'_, P>, email: &str, address: &str) -> Result<Option<u64>> {
    let pair = format!("{email}\n{address}");
    first_exceeded(ctx, &[(&LINKS_PER_ADDRESS, address), (&LINKS_PER_EMAIL_AND_ADDRESS, &pair), (&LINKS_PER_EMAIL, email)]).await
}

/// The client's address as the platform adapter established it. Fails closed: with no
/// address there is no per-address limit to apply, so the request is refused rather than
/// counted in a bucket every visitor would share.
pub fn client_address(req: &Request) -> Result<String> {
    web::client_address(req)
        .map(str::to_owned)
        .ok_or_else(|| Error::internal("the client address is unknown: the platform adapter established none"))
}
