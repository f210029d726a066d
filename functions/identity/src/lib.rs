//! Identity function: sign-up, HCP verification, sessions and roles (the identity issue).
//! The foundation ships its health routes and the dev mail outbox.

mod entry;

use http::StatusCode;
use medportal_core::common::{self, Common};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{App, Ctx, Error, Function, Platform, Region, Result, render, route_table};
use medportal_templates::pages::{self, OutboxMail};
use time::OffsetDateTime;

pub struct Identity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Common(Common),
    Outbox,
}

impl App for Identity {
    type Route = Route;
    const FUNCTION: Function = Function::Identity;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            let b = RoutesBuilder::new().get("/dev/outbox", Route::Outbox);
            common::routes(b, Function::Identity, Route::Common).build()
        })
    }

    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: Route,
        params: Params,
        req: Request,
    ) -> Result<Response> {
        match route {
            Route::Common(c) => common::dispatch(ctx, c, params, req).await,
            Route::Outbox => outbox(ctx, info).await,
        }
    }
}

/// Dev only: every mail the portal would have sent, newest first, from every region.
async fn outbox<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo) -> Result<Response> {
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
    let page = render::page_context(ctx.config, info, "");
    Ok(web::html(StatusCode::OK, pages::outbox(&page, &mails)))
}

#[cfg(test)]
mod tests;
