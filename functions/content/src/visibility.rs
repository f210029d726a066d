//! Who sees what on reader pages (home, library, item), one rule for all of them:
//! * a version is visible where it is published for the viewer's market or `INTL`, and not
//!   expired (`expires_on` after today, UTC, computed at read time);
//! * the viewer's market is the session's country (`ctry`) when signed in, otherwise the
//!   market an anonymous visitor chose (`?market=` or the `market` cookie), else `INTL`;
//! * summaries and bodies of HCP-only items reach only those who may read HCP content; their
//!   titles reach others only where the market's setting (`library_markets`) allows.
//!
//! Search applies the same audience and market rule to the documents content publishes to it.
//! The rule runs in memory on the live table (the live module's per-isolate cache, checked
//! against the library's generation on every request).

use std::rc::Rc;

use medportal_auth::Session;
use medportal_core::policy::Action;
use medportal_core::web::{self, Request};
use medportal_core::{Ctx, Platform, Result};

use crate::live::{self, Entry, Snapshot};
use crate::model::Market;

/// The anonymous visitor's market choice (a cookie; the form on the library page sets it).
pub const MARKET_COOKIE: &str = "market";
pub const MARKET_PARAM: &str = "market";

/// What a visitor may see.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Verified HCPs and staff allowed to read HCP content.
    pub hcp: bool,
    pub market: Market,
    /// Whether the market allows the public to see the titles of HCP-only items.
    pub hcp_titles: bool,
    /// The market came from a session (it cannot be changed by the visitor).
    pub fixed: bool,
    /// What is live, as of this request.
    pub live: Rc<Snapshot>,
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today<P: Platform>(ctx: &Ctx<'_, P>) -> String {
    let d = ctx.now().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The anonymous visitor's chosen market, if any (query parameter first, then cookie).
pub fn chosen_market(req: &Request) -> Option<Market> {
    web::query_param(req, MARKET_PARAM).and_then(|m| Market::parse(&m)).or_else(|| web::cookie(req, MARKET_COOKIE).and_then(|c| Market::parse(&c)))
}

impl Viewer {
    pub async fn of<P: Platform>(ctx: &Ctx<'_, P>, session: Option<&Session>, req: &Request) -> Result<Viewer> {
        let hcp = session.is_some_and(|s| s.may(Action::ReadHcpContent));
        let (market, fixed) = match session.and_then(|s| Market::parse(s.country())) {
            Some(m) => (m, true),
            None => (chosen_market(req).unwrap_or_else(Market::intl), false),
        };
        let live = live::current(ctx).await?;
        let hcp_titles = hcp || live.titles_public(market.as_str());
        Ok(Viewer { hcp, market, hcp_titles, fixed, live })
    }

    /// Whether `e` is visible to this viewer on `today` (`YYYY-MM-DD`, UTC): published for the
    /// viewer's market or INTL, not expired, readable or a title the market lets the public
    /// see, and not the international stand-in where a sibling is published for the market.
    pub fn sees(&self, e: &Entry, today: &str) -> bool {
        let m = self.market.as_str();
        e.markets.iter().any(|p| p == m || p == "INTL")
            && e.expires_on.as_deref().is_none_or(|x| x > today)
            && (e.audience == "public" || self.hcp_titles)
            && !(!e.any_markets.iter().any(|p| p == m) && self.live.sibling_in(e, m))
    }

    /// Whether this viewer may read an item of `audience` (summary and body).
    pub fn may_read(&self, audience: &str) -> bool {
        self.hcp || audience == "public"
    }
}
