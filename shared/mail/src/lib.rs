//! Outgoing mail with a safety net: each mail goes out through the configured transport
//! (`ctx.mailer`); one the transport does not take is kept in the recipient region's
//! `mail_queue` (this module is its only writer) and retried on later sends with a growing
//! pause, until delivered or expired, never dropped silently. Every send, deferral and expiry
//! is audited (target: the person or registration, never the address). Identity's links and
//! the inquiries function's notifications go through it; identity's cron retries the queue.
//!
//! What is stored: a queued mail's body holds its link in clear, so a row lives only while its
//! mail is undelivered and never past the link's own expiry; delivered or expired rows are
//! deleted. Mails that went out on the first try are never stored. A stored sign-in link alone
//! does not sign anyone in: it is bound to the asking browser's nonce (kept only hashed).

use medportal_core::audit::{self, AuditEntry, Outcome};
use medportal_core::ports::{KvStore, LogLevel, Mail, Mailer, SqlValue, Statement};
use medportal_core::{Ctx, Platform, Region, Result};

/// The actor of the mail audit entries.
pub const SYSTEM: &str = "system:mail";

/// Audit entries about `target` (the person or registration a mail is about).
mod events {
    use super::*;

    pub fn success<'a>(actor: &'a str, action: &'a str, target: &'a str, reason: Option<&'a str>) -> AuditEntry<'a> {
        AuditEntry { actor, action, target: Some(target), outcome: Outcome::Success, reason, ..Default::default() }
    }
    pub fn failure<'a>(actor: &'a str, action: &'a str, target: &'a str, reason: Option<&'a str>) -> AuditEntry<'a> {
        AuditEntry { actor, action, target: Some(target), outcome: Outcome::Failure, reason, ..Default::default() }
    }
    pub async fn commit<P: Platform>(ctx: &Ctx<'_, P>, region: Region, statements: Vec<Statement>, entries: &[AuditEntry<'_>]) -> Result<()> {
        audit::commit(ctx, region, statements, entries).await
    }
}

/// Seconds before retry number n (after n failed attempts); the last value repeats.
const BACKOFF_SECS: [i64; 4] = [5, 30, 120, 300];
/// Queued mails retried per send (each may take up to the outbound deadline).
const RETRIES_PER_SEND: i64 = 2;
/// The global marker of a failing transport (no personal data): while it is set, a link request
/// for an unknown address gets the same "could not send" answer as one whose mail failed.
const DOWN_KEY: &str = "mail/transport_down";
const DOWN_SECS: i64 = 120;

/// What became of a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Not taken by the transport: kept and retried; the person is told.
    Deferred,
}

fn backoff(attempts: i64) -> i64 {
    BACKOFF_SECS[(attempts.max(1) as usize - 1).min(BACKOFF_SECS.len() - 1)]
}

/// Sends `mail` (about the person or registration `about`) to a recipient in `region`; kept
/// for retry until `expires_at` (unix seconds) if the transport does not take it. Due queued
/// mails of the region are retried first.
pub async fn deliver<P: Platform>(ctx: &Ctx<'_, P>, region: Region, about: &str, mail: &Mail, expires_at: i64) -> Result<Delivery> {
    if let Err(e) = retry_due(ctx, region).await {
        ctx.log(LogLevel::Error, &format!("mail queue of {}: {e}", region.code()));
    }
    let id = ctx.random_id()?;
    let now = ctx.now().unix_timestamp();
    match ctx.mailer(region).send(&id, mail).await {
        Ok(()) => {
            transport_up(ctx).await;
            events::commit(ctx, region, Vec::new(), &[events::success(SYSTEM, "mail.sent", about, None)]).await?;
            Ok(Delivery::Sent)
        }
        Err(e) => {
            ctx.log(LogLevel::Error, &format!("mail {id} to a recipient in {} not sent: {e}", region.code()));
            transport_down(ctx, now).await;
            let keep = Statement::new(
                "INSERT INTO mail_queue (id, about, to_addr, subject, body_text, attempts, next_try_at, expires_at, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8)",
                vec![
                    id.as_str().into(),
                    about.into(),
                    mail.to.as_str().into(),
                    mail.subject.as_str().into(),
                    mail.text.as_str().into(),
                    (now + backoff(1)).into(),
                    expires_at.into(),
                    now.into(),
                ],
            );
            let entry = events::failure(SYSTEM, "mail.deferred", about, Some("transport_failed"));
            events::commit(ctx, region, vec![keep], &[entry]).await?;
            Ok(Delivery::Deferred)
        }
    }
}

/// Whether the transport failed recently (see `DOWN_KEY`).
pub async fn transport_failing<P: Platform>(ctx: &Ctx<'_, P>) -> Result<bool> {
    let kv = ctx.global_kv().await?;
    let Some(raw) = kv.get(DOWN_KEY).await? else { return Ok(false) };
    let until = std::str::from_utf8(&raw).ok().and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    Ok(until > ctx.now().unix_timestamp())
}

async fn transport_down<P: Platform>(ctx: &Ctx<'_, P>, now: i64) {
    let until = now + DOWN_SECS;
    let put = async { ctx.global_kv().await?.put(DOWN_KEY, until.to_string().as_bytes(), Some(until)).await };
    if let Err(e) = put.await {
        ctx.log(LogLevel::Warn, &format!("mail transport marker: {e}"));
    }
}

async fn transport_up<P: Platform>(ctx: &Ctx<'_, P>) {
    let clear = async {
        let kv = ctx.global_kv().await?;
        if kv.get(DOWN_KEY).await?.is_some() {
            kv.delete(DOWN_KEY).await?;
        }
        Ok::<(), medportal_core::Error>(())
    };
    if let Err(e) = clear.await {
        ctx.log(LogLevel::Warn, &format!("mail transport marker: {e}"));
    }
}

/// Drops the region's expired queued mails (audited: `mail.abandoned`), then retries the ones
/// that are due. A retry is claimed first (attempts and next try move on), so two requests
/// never send one mail at once; a delivered mail's row is deleted.
pub async fn retry_due<P: Platform>(ctx: &Ctx<'_, P>, region: Region) -> Result<()> {
    let now = ctx.now().unix_timestamp();
    let sql = ctx.region(region).sql().await?;
    let expired = sql.query("SELECT id, about FROM mail_queue WHERE expires_at < ?1 LIMIT 20", &[now.into()]).await?;
    if !expired.is_empty() {
        // each deletion and its audit entry in one batch
        let rows = expired.iter().map(|r| Ok((r.text(0)?, r.text(1)?))).collect::<Result<Vec<_>>>()?;
        let gone = rows.iter().map(|(id, _)| Statement::new("DELETE FROM mail_queue WHERE id = ?1", vec![id.as_str().into()])).collect();
        let entries: Vec<_> = rows.iter().map(|(_, about)| events::failure(SYSTEM, "mail.abandoned", about, Some("expired_undelivered"))).collect();
        events::commit(ctx, region, gone, &entries).await?;
    }
    let due = sql
        .query(
            "SELECT id, about, to_addr, subject, body_text, attempts FROM mail_queue WHERE next_try_at <= ?1 ORDER BY next_try_at LIMIT ?2",
            &[now.into(), RETRIES_PER_SEND.into()],
        )
        .await?;
    for row in due {
        let (id, about, attempts) = (row.text(0)?, row.text(1)?, row.int(5)?);
        let mail = Mail { to: row.text(2)?, subject: row.text(3)?, text: row.text(4)? };
        let claim: [SqlValue; 4] = [(attempts + 1).into(), (now + backoff(attempts + 1)).into(), id.as_str().into(), attempts.into()];
        let claimed = sql
            .execute(&region, "UPDATE mail_queue SET attempts = ?1, next_try_at = ?2 WHERE id = ?3 AND attempts = ?4", &claim)
            .await?;
        if claimed == 0 {
            continue;
        }
        match ctx.mailer(region).send(&id, &mail).await {
            Ok(()) => {
                let done = Statement::new("DELETE FROM mail_queue WHERE id = ?1", vec![id.as_str().into()]);
                let entry = events::success(SYSTEM, "mail.sent", &about, Some("retried"));
                events::commit(ctx, region, vec![done], &[entry]).await?;
                transport_up(ctx).await;
            }
            Err(e) => {
                ctx.log(LogLevel::Error, &format!("mail {id} retry {} failed: {e}", attempts + 1));
                let entry = events::failure(SYSTEM, "mail.deferred", &about, Some("retry_failed"));
                events::commit(ctx, region, Vec::new(), &[entry]).await?;
                // once the transport fails, the rest can wait for their own turn
                return Ok(());
            }
        }
    }
    Ok(())
}
