//! Engine requests of one search: the visitor's visibility, the chosen filters and content
//! language, optionally without one group of filters (disjunctive facet counts).

use medportal_search_index::{Counts, FacetField, Filter, SearchRequest};

use crate::params::{PAGE_SIZE, Params};
use crate::visibility::Visibility;

/// A group of filters whose counts are computed without its own filter (disjunctive facets).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Facet(FacetField),
    Language,
    Year,
}

pub struct Plan<'a> {
    pub params: &'a Params,
    pub vis: &'a Visibility,
    pub language: Option<String>,
}

impl Plan<'_> {
    pub fn request(&self, q: &str, skip: Option<Group>) -> SearchRequest {
        let p = self.params;
        let mut r = SearchRequest::new(q);
        r.filters = self.vis.filters();
        for (field, vals) in &p.facets {
            if skip != Some(Group::Facet(*field)) {
                r.filters.push(Filter { field: *field, values: vals.clone() });
            }
        }
        if let Some(l) = &self.language {
            if skip != Some(Group::Language) {
                r.filters.push(Filter::new(FacetField::Language, &[l]));
            }
        }
        r.date_from = p.from;
        r.date_to = p.to;
        if let Some(y) = p.year.filter(|_| skip != Some(Group::Year)) {
            r.date_from = Some(r.date_from.map_or(y * 10_000 + 101, |d| d.max(y * 10_000 + 101)));
            r.date_to = Some(r.date_to.map_or(y * 10_000 + 1231, |d| d.min(y * 10_000 + 1231)));
        }
        r
    }

    /// The results page: [`PAGE_SIZE`] hits from `offset`, and facet counts.
    #[inline(always)]
    pub fn page_request(&self, offset: usize) -> SearchRequest {
        let mut r = self.request(&self.params.q, None);
        r.offset = offset;
        r.limit = PAGE_SIZE;
        r.facets = true;
        r
    }

    /// Only the total of the results an HCP would see beyond a non-HCP's (exact).
    #[inline(always)]
    pub fn hidden_hcp_request(&self) -> SearchRequest {
        let mut r = self.request(&self.params.q, None);
        r.filters.retain(|f| f.field != FacetField::Audience);
        r.filters.push(Filter::new(FacetField::Audience, &["hcp"]));
        r.limit = 0;
        r.exact_total = true;
        r
    }

    /// The counts of `group`'s own values only (no hits, no other field's counts) over the
    /// search without `group`'s filter.
    pub fn counts_request(&self, group: Group) -> SearchRequest {
        let mut r = self.request(&self.params.q, Some(group));
        r.limit = 0;
        r.facets = true;
        r.counts = match group {
            Group::Facet(f) => Counts::Field(f),
            Group::Language => Counts::Field(FacetField::Language),
            Group::Year => Counts::Years,
        };
        r
    }
}
