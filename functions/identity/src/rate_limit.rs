//! Rate limits: fixed-window counters in the global key-value store, keyed by a pseudonym of
//! the subject (no address in clear).

use medportal_auth::KeySet;
use medportal_core::ports::KvStore;
use medportal_core::web::{self, Request};
use medportal_core::{Ctx, Error, Platform, Result};

/// Requests per client address (registration and sign-in) in [`ADDRESS_WINDOW`] seconds.
const ADDRESS_LIMIT: u32 = 60;
const ADDRESS_WINDOW: i64 = 600;
/// Sign-in links per email address in [`EMAIL_WINDOW`] seconds.
const EMAIL_LIMIT: u32 = 5;
const EMAIL_WINDOW: i64 = 600;

/// Counts a hit for `subject` in a fixed window; `false` once `limit` is exceeded.
async fn within_limit<P: Platform>(ctx: &Ctx<'_, P>, scope: &str, subject: &str, limit: u32, window: i64) -> Result<bool> {
    let keys = KeySet::cached(ctx.config)?;
    let Some(id) = keys.pseudonym(scope, subject) else { return Ok(true) };
    let kv = ctx.global_kv().await?;
    let key = format!("rl/{scope}/{id}");
    let now = ctx.now().unix_timestamp();
    let (start, count) = match kv.get(&key).await? {
        Some(v) => {
            let s = String::from_utf8_lossy(&v).into_owned();
            let mut it = s.split(':').map(|p| p.parse::<i64>().unwrap_or(0));
            (it.next().unwrap_or(0), it.next().unwrap_or(0))
        }
        None => (now, 0),
    };
    let (start, count) = if now - start >= window { (now, 1) } else { (start, count + 1) };
    kv.put(&key, format!("{start}:{count}").as_bytes(), Some(start + window)).await?;
    Ok(count <= i64::from(limit))
}

/// The client's address as the platform adapter established it. Fails closed: with no
/// address there is no per-address limit to apply, so the request is refused rather than
/// counted in a bucket every visitor would share.
pub fn client_address(req: &Request) -> Result<String> {
    web::client_address(req)
        .map(str::to_owned)
        .ok_or_else(|| Error::internal("the client address is unknown: the platform adapter established none"))
}

/// Counts a request from `address`; `RateLimited` once there were too many.
pub async fn check_address<P: Platform>(ctx: &Ctx<'_, P>, address: &str) -> Result<()> {
    if within_limit(ctx, "ip", address, ADDRESS_LIMIT, ADDRESS_WINDOW).await? {
        Ok(())
    } else {
        Err(Error::RateLimited { retry_after_secs: ADDRESS_WINDOW as u64 })
    }
}

/// Counts a sign-in link for `email`; `false` once too many were sent.
pub async fn email_allowed<P: Platform>(ctx: &Ctx<'_, P>, email: &str) -> Result<bool> {
    within_limit(ctx, "email", email, EMAIL_LIMIT, EMAIL_WINDOW).await
}
