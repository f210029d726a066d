//! Exactly-once form submission (`inquiry_form_keys`, written only here): every rendered form
//! carries a fresh, unguessable key; what the form creates is written in one batch with the
//! key's row (primary key), so a retried, double-clicked or resubmitted POST finds the key and
//! gets the first submission's result instead of a second inquiry or message.

use medportal_core::platform::RegionSql;
use medportal_core::ports::{SqlStore, Statement};
use medportal_core::{Ctx, Error, Platform, Result};

/// A fresh key for a form (128 random bits).
pub fn fresh<P: Platform>(ctx: &Ctx<'_, P>) -> Result<String> {
    ctx.random_id()
}

/// A submitted key: lowercase letters and digits, 16–64 of them.
pub fn parse(key: &str) -> Result<&str> {
    let ok = (16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok { Ok(key) } else { Err(Error::bad_request("invalid_form_key", "This form is out of date: reload it and send it again.")) }
}

/// What the key created before (the inquiry's id), when this user already sent it; a key
/// another user sent is refused.
pub async fn used<S: SqlStore>(db: &RegionSql<S>, key: &str, user_id: &str) -> Result<Option<String>> {
    let rows = db.query("SELECT user_id, inquiry_id FROM inquiry_form_keys WHERE key = ?1", &[key.into()]).await?;
    let Some(r) = rows.first() else { return Ok(None) };
    if r.text(0)? != user_id {
        return Err(Error::Conflict { code: "form_key_taken" });
    }
    Ok(Some(r.text(1)?))
}

/// The key's row, for the batch of what the form creates.
pub fn record(key: &str, user_id: &str, inquiry_id: &str, now: i64) -> Statement {
    Statement::new(
        "INSERT INTO inquiry_form_keys (key, user_id, inquiry_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        vec![key.into(), user_id.into(), inquiry_id.into(), now.into()],
    )
}
