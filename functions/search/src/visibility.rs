//! What a visitor may see: HCP-only content (verified HCPs and staff allowed to read it) and
//! their market's content besides `global`; and which fields of an HCP-only item everyone
//! may search ([`public_fields`]).

use medportal_auth::Session;
use medportal_core::policy::Action;
use medportal_search_index::{Audience, Document, FacetField, Filter};

use crate::store::{self, IndexKey};

/// What of a document visitors who may not read HCP content search: a public item whole; of
/// an HCP-only item its title and its taxonomy (areas, products, content type, trial phase,
/// specialties), never its summary, body or references.
///
/// Why these: the title and the taxonomy are what the portal shows everyone about an HCP-only
/// item (result cards, the item page, the library's filters); the body is what verification
/// unlocks, and the summary and references may quote it. Anonymous and unverified visitors
/// search the *public views* built from this ([`crate::store`]), so their results page —
/// the "further results for verified healthcare professionals" count included, and
/// did-you-mean, typo corrections and term statistics with it — cannot tell whether a word
/// (or a near spelling of it) occurs in an HCP-only body. `/search/suggest` searches the same
/// views and still offers only completions with results the visitor may open.
pub fn public_fields(d: &Document) -> Document {
    match d.audience {
        Audience::Public => d.clone(),
        Audience::Hcp => Document { summary: String::new(), body: String::new(), references: String::new(), ..d.clone() },
    }
}

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

    /// The indexes this visitor searches: the indexes themselves for those who may read HCP
    /// content, their public views for everyone else.
    pub fn indexes(&self, keys: Vec<IndexKey>) -> Vec<IndexKey> {
        if self.hcp { keys } else { keys.iter().map(IndexKey::public_view).collect() }
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
