//! The development mail outbox (`/dev/outbox`): what the portal would have mailed.

use http::StatusCode;
use medportal_core::web::{RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::pages::{self, OutboxMail};
use time::OffsetDateTime;

/// Dev only: every mail the portal would have sent, newest first, from every region.
pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo) -> Result<Response> {
    if !ctx.config.dev_mode {
        return Err(Error::NotFound);
    }
    let mut mails = Vec::new();
    for region in Region::all() {
        let db = ctx.region(region).sql().await?;
        let rows = db
            .query(
                "SELECT to_addr, subject, body_text, created_at FROM mail_outbox ORDER BY created_at DESC LIMIT 100",
                &[],
            )
            .await?;
        for row in rows {
            mails.push(OutboxMail {
                region: region.code().to_owned(),
                to: row.text(0)?,
                subject: row.text(1)?,
                text: row.text(2)?,
                sent_at: OffsetDateTime::from_unix_timestamp(row.int(3)?).map_err(Error::internal)?,
            });
        }
    }
    mails.sort_by(|a, b| b.sent_at.cmp(&a.sent_at));
    let page = medportal_web::page_context(ctx, info, "", None);
    Ok(medportal_web::html(StatusCode::OK, pages::outbox(&page, &mails)))
}
