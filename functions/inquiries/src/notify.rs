//! Mail to the HCP when their inquiry is answered or changes status: a link to the thread
//! only, never the question, the answer or patient details. Through the platform's mail
//! path (`medportal-mail`, as identity's links): the configured transport, and what it does
//! not take kept in the region's mail queue and retried (identity's cron retries it too),
//! every send or deferral audited. The change is already stored, so a failure here is logged,
//! not an error.

use medportal_core::ports::LogLevel;
use medportal_core::ports::Mail;
use medportal_core::region::Region;
use medportal_core::{Ctx, Platform};
use medportal_templates::paths::inquiries as paths;

use crate::inquiry::Inquiry;

/// The owner's email address (identity's `users` table of the region, read only).
async fn email_of<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str) -> Option<String> {
    let db = ctx.region(region).sql().await.ok()?;
    let rows = db.query("SELECT email FROM users WHERE id = ?1", &[user_id.into()]).await.ok()?;
    rows.first()?.text(0).ok()
}

/// How long a notification not taken by the transport is retried (seconds).
const RETRY_SECS: i64 = 7 * 86_400;

/// The notification of news on `reference`: its subject and text hold the reference and the
/// link, nothing else.
pub fn mail(to: String, origin: &str, reference: &str) -> Mail {
    let link = format!("{}{}", origin.trim_end_matches('/'), paths::thread(reference));
    Mail {
        to,
        subject: format!("Your medical information request {reference}"),
        text: format!("There is an update on your medical information request {reference}.\n\nSign in to read it: {link}\n"),
    }
}

/// Tells the owner that `inq` has news, with a link to it.
pub async fn owner<P: Platform>(ctx: &Ctx<'_, P>, region: Region, inq: &Inquiry) {
    let Some(to) = email_of(ctx, region, &inq.user_id).await else { return };
    let mail = mail(to, &ctx.config.public_origin, &inq.reference);
    let expires = ctx.now().unix_timestamp() + RETRY_SECS;
    if let Err(e) = medportal_mail::deliver(ctx, region, &inq.user_id, &mail, expires).await {
        ctx.log(LogLevel::Warn, &format!("inquiries: notification not sent: {e}"));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_notification_is_a_link_and_the_reference_only() {
        let m = super::mail("a@example.org".into(), "https://portal.example.com/", "MI-2026-EU-000001");
        assert_eq!(m.subject, "Your medical information request MI-2026-EU-000001");
        assert_eq!(
            m.text,
            "There is an update on your medical information request MI-2026-EU-000001.\n\nSign in to read it: https://portal.example.com/inquiries/MI-2026-EU-000001\n"
        );
    }
}
