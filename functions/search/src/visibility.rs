//! What a visitor may see: HCP-only content (verified HCPs and staff allowed to read it) and
//! their market's content besides `global`.

use medportal_auth::Session;
use medportal_core::policy::Action;
use medportal_search_index::{FacetField, Filter};

use crate::store;

/// What a visitor may see.
pub struct Visibility {
    /// Verified HCPs and staff allowed to read HCP content.
    pub hcp: bool,
    /// Market: the session's country, or the anonymous visitor's choice.
    pub market: Option<String>,
}

impl Visibility {
    /// For a signed-in person (their country) or an anonymous visitor (`chosen` market).
    pub fn of(session: Option<&Session>, chosen: Option<&str>) -> Visibility {
        let hcp = session.is_some_and(|s| s.may(Action::ReadHcpContent));
        let market = match session {
            Some(s) => store::market_code(s.country()).filter(|m| m != "global"),
            None => chosen.map(str::to_owned),
        };
        Visibility { hcp, market }
    }

    /// Filters every request carries: audience and market (defence in depth: the union
    /// already holds only the visitor's market and `global`).
    #[inline(always)]
    pub fn filters(&self) -> Vec<Filter> {
        let mut markets = vec!["global"];
        if let Some(m) = &self.market {
            markets.push(m);
        }
        let mut f = vec![Filter::new(FacetField::Market, &markets)];
        if !self.hcp {
            f.push(Filter::new(FacetField::Audience, &["public"]));
        }
        f
    }
}
