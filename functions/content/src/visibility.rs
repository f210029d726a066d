//! Who sees what on reader pages (home, library, item), one rule for all of them:
//! * a version is visible where it is published for the viewer's market or `INTL`, and not
//!   expired (`expires_on` after today, UTC, computed at read time);
//! * the viewer's market is the session's country (`ctry`) when signed in, otherwise the
//!   market an anonymous visitor chose (`?market=` or the `market` cookie), else `INTL`;
//! * summaries and bodies of HCP-only items reach only those who may read HCP content; their
//!   titles reach others only where the market's setting (`library_markets`) allows.
//!
//! Search applies the same audience and market rule to the documents content publishes to it.

use medportal_auth::Session;
use medportal_core::policy::Action;
use medportal_core::ports::SqlStore;
use medportal_core::web::{self, Request};
use medportal_core::{Ctx, Platform, Result};

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
        let hcp_titles = hcp || titles_public(&ctx.global_sql().await?, &market).await?;
        Ok(Viewer { hcp, market, hcp_titles, fixed })
    }

    /// SQL condition (on `i` = library_items, `v` = the published version) and its
    /// parameters from `?first` on: published for the viewer's market or INTL, not expired,
    /// and either readable or a title the market lets the public see.
    pub fn condition(&self, first: usize, today: &str) -> (String, Vec<medportal_core::ports::SqlValue>) {
        let (m, t, a) = (first, first + 1, first + 2);
        let sql = format!(
            "EXISTS (SELECT 1 FROM library_publications p WHERE p.item_id = i.id AND p.version_id = v.id AND p.market IN (?{m}, 'INTL')) \
             AND (v.expires_on IS NULL OR v.expires_on > ?{t}) AND (v.audience = 'public' OR ?{a} = 1) \
             AND NOT (NOT EXISTS (SELECT 1 FROM library_publications p WHERE p.item_id = i.id AND p.market = ?{m}) \
                 AND EXISTS (SELECT 1 FROM library_items j JOIN library_publications q ON q.item_id = j.id \
                     WHERE j.family_id = i.family_id AND j.language = i.language AND j.id <> i.id AND q.market = ?{m}))"
        );
        (sql, vec![self.market.as_str().into(), today.into(), i64::from(self.hcp_titles).into()])
    }

    /// Whether this viewer may read an item of `audience` (summary and body).
    pub fn may_read(&self, audience: &str) -> bool {
        self.hcp || audience == "public"
    }
}

/// The market's setting (no row: titles shown, as search's public view does).
async fn titles_public<S: SqlStore>(db: &S, market: &Market) -> Result<bool> {
    let rows = db.query("SELECT hcp_titles_public FROM library_markets WHERE market = ?1", &[market.as_str().into()]).await?;
    Ok(rows.first().map(|r| r.int(0)).transpose()?.is_none_or(|v| v != 0))
}
