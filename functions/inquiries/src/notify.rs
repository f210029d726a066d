//! Mail to the HCP when their inquiry is answered or changes status: a link to the thread
//! only, never the question, the answer or patient details. Best effort: the change is
//! already stored, so a mail that cannot be sent (no transport outside dev mode yet) is
//! logged, not an error (not yet kept for retry like identity's mail queue).

use medportal_core::ports::LogLevel;
use medportal_core::ports::{Mail, Mailer};
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

/// Tells the owner that `inq` has news, with a link to it.
pub async fn owner<P: Platform>(ctx: &Ctx<'_, P>, region: Region, inq: &Inquiry) {
    let Some(to) = email_of(ctx, region, &inq.user_id).await else { return };
    let link = format!("{}{}", ctx.config.public_origin.trim_end_matches('/'), paths::thread(&inq.reference));
    let mail = Mail {
        to,
        subject: format!("Your medical information request {}", inq.reference),
        text: format!("There is an update on your medical information request {}.\n\nSign in to read it: {link}\n", inq.reference),
    };
    let Ok(id) = ctx.random_id() else { return };
    if ctx.mailer(region).send(&id, &mail).await.is_err() {
        ctx.log(LogLevel::Warn, "inquiries: notification not sent");
    }
}
