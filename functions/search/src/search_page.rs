//! The `/search` use case: what a results page shows for a typed query and a visitor. It owns
//! the rules: visibility (audience and market), the content language fallback, one search per
//! facet group (disjunctive counts), hit links with click attribution, did-you-mean and
//! expansions, the fallbacks (results hidden from non-HCPs, broader searches after zero
//! results) and the search signal. The handler (`query::page`) only authenticates,
//! parses, calls [`search_page`] and renders its outcome.

use medportal_templates::paths;
use medportal_auth::Session;
use medportal_core::ports::BlobStore;
use medportal_core::web;
use medportal_core::{Ctx, Platform, Result};
use medportal_search_index::{Audience, Document, FacetField, SearchResults};
use medportal_templates::pages::search::{FacetGroup, FacetOption, MarketChoice, SearchHit, SearchView};
use medportal_templates::{Locale, Msg, labels, pages, t};

use crate::engine::{self, Opened};
use crate::params::{FACETS, LangChoice, MAX_PAGE, PAGE_SIZE, Params, Prev, date_text};
use crate::plan::{Group, Plan};
use crate::signals;
use crate::store::IndexKey;
use crate::visibility::Visibility;

const SNIPPET_CHARS: usize = 240;

/// The outcome of a search: the results page's data (the handler renders it as is).
pub type SearchOutcome = SearchView;

/// Runs the search a results page shows for `session` (None: anonymous visitor) and records
/// its signal. `started_ms` times clicks of anonymous visitors; `client` (the address the
/// platform established) limits their signals.
pub async fn search_page<P: Platform>(ctx: &Ctx<'_, P>, l: Locale, session: Option<&Session>, params: &Params, started_ms: i64, client: Option<&str>) -> Result<SearchOutcome> {
    let vis = Visibility::of(session, params.market.as_deref());
    let blob = ctx.global_blob().await?;
    let (opened, registry) = engine::open_visible(ctx, &blob, &vis).await?;
    let mut view = base_view(params, session.is_some(), market_choice(session.is_some(), &vis, &registry), opened.is_none());
    let Some(opened) = opened else { return Ok(view) };
    let language = content_language(&params.language, &opened, l, &mut view);
    let run = Run { blob: &blob, opened: &opened, plan: Plan { params, vis: &vis, language }, l };
    let vocab = engine::vocab(ctx, &blob).await?;
    if !params.q.is_empty() {
        engine::prefetch_query(&blob, &opened, &params.q, &vocab).await?;
    }
    let offset = (params.page as usize - 1) * PAGE_SIZE;
    let res = engine::search(&blob, &opened, &run.plan.page_request(offset)).await?;
    view.facets = run.facet_groups(&res).await?;
    let docs: Vec<u32> = res.hits.iter().map(|h| h.doc).collect();
    engine::prefetch_docs(&blob, &opened, &docs).await?;
    let sid = search_id(ctx, session, params)?;
    // hits: snippets and metadata from the stored documents, links through the click signal
    let marked = match params.q.is_empty() || res.hits.is_empty() {
        true => None,
        false => Some(engine::snippet_terms(&blob, &opened, &params.q).await?),
    };
    for (i, h) in res.hits.iter().enumerate() {
        let doc = engine::document(&blob, &opened, h.doc).await?;
        let snip = marked.as_ref().map(|m| opened.searcher.snippet_of(&doc, m, SNIPPET_CHARS));
        let snippet = match &snip {
            Some(s) if !s.text.is_empty() => runs(&s.text, &s.highlights),
            _ => vec![(doc.summary.chars().take(SNIPPET_CHARS).collect(), false)],
        };
        let href = click_href(offset + i + 1, &doc.id, sid.as_deref(), started_ms);
        view.hits.push(search_hit(&doc, href, snippet));
    }
    links(&mut view, params, sid.as_deref(), &res);
    if !params.q.is_empty() {
        // results hidden from visitors who may not read HCP content
        if !vis.hcp {
            view.hidden_hcp = engine::search(&blob, &opened, &run.plan.hidden_hcp_request()).await?.total as u64;
        }
        // zero results: single words of the query that do have results
        let words: Vec<&str> = if res.total == 0 { params.q.split_whitespace().collect() } else { Vec::new() };
        for w in words.iter().take(4).filter(|_| words.len() > 1) {
            let mut r = run.plan.request(w, None);
            r.limit = 1;
            if engine::search(&blob, &opened, &r).await?.total > 0 {
                view.broader.push((w.to_string(), params.href(w, false, &params.language, &[])));
            }
        }
        let mut signal = signal(&run.plan, sid.as_deref(), res.total as u64, started_ms);
        signal.client = client;
        signals::record_search(ctx, session, &signal).await;
    }
    Ok(view)
}

/// What every results page shows of the query.
#[inline(always)]
fn base_view(params: &Params, signed_in: bool, market: MarketChoice, unavailable: bool) -> SearchView {
    SearchView {
        query: params.q.clone(),
        page: params.page,
        signed_in,
        market,
        date_from: params.from.map(date_text).unwrap_or_default(),
        date_to: params.to.map(date_text).unwrap_or_default(),
        unavailable,
        ..Default::default()
    }
}

/// The id of a signed-in person's search: kept across its pages, new for a new query.
#[inline(always)]
fn search_id<P: Platform>(ctx: &Ctx<'_, P>, session: Option<&Session>, params: &Params) -> Result<Option<String>> {
    Ok(match (session, &params.sid) {
        (Some(_), Some(s)) if params.page > 1 => Some(s.clone()),
        (Some(_), _) if !params.q.is_empty() => Some(ctx.random_id()?),
        _ => None,
    })
}

#[inline(always)]
fn signal<'a>(plan: &'a Plan<'a>, sid: Option<&'a str>, results: u64, at_ms: i64) -> signals::SearchSignal<'a> {
    let params = plan.params;
    signals::SearchSignal {
        client: None,
        sid,
        prev: params.prev.as_ref(),
        query: &params.q,
        market: plan.vis.market.as_deref().unwrap_or("global"),
        language: plan.language.as_deref().unwrap_or(""),
        filtered: params.filtered(),
        page: params.page,
        results,
        at_ms,
    }
}

/// Signed-in people search their country's market; anonymous visitors pick one of the markets
/// that have content.
#[inline(always)]
fn market_choice(signed_in: bool, vis: &Visibility, registry: &[IndexKey]) -> MarketChoice {
    match (signed_in, &vis.market) {
        (true, Some(m)) => MarketChoice::Session(m.clone()),
        (true, None) => MarketChoice::None,
        (false, chosen) => {
            let mut options: Vec<String> = registry.iter().map(|k| k.market.clone()).filter(|m| m != "global").collect();
            options.dedup();
            MarketChoice::Visitor { selected: chosen.clone(), options }
        }
    }
}

/// Content language: chosen, else the page's when content exists in it, else English (noted
/// in the view), else every language.
#[inline(always)]
fn content_language(choice: &LangChoice, opened: &Opened, l: Locale, view: &mut SearchView) -> Option<String> {
    match choice {
        LangChoice::All => None,
        LangChoice::Code(c) => Some(c.clone()),
        LangChoice::Default if engine::live_in(opened, l.code()) > 0 => Some(l.code().to_owned()),
        LangChoice::Default if engine::live_in(opened, "en") > 0 => {
            view.language_fallback = Some("en".into());
            Some("en".to_owned())
        }
        LangChoice::Default => None,
    }
}

/// One search over an opened index union.
struct Run<'a, B> {
    blob: &'a B,
    opened: &'a Opened,
    plan: Plan<'a>,
    l: Locale,
}

impl<B: BlobStore> Run<'_, B> {
    /// Facet counts: per group, over the search without that group's own filter (only the
    /// searches are here; the groups are built by [`facet_group`], [`language_group`] and
    /// [`year_group`]).
    async fn facet_groups(&self, res: &SearchResults) -> Result<Vec<FacetGroup>> {
        let params = self.plan.params;
        let mut groups: Vec<FacetGroup> = Vec::new();
        for (field, param, legend) in FACETS {
            let selected: Vec<String> = params.facets.iter().find(|(f, _)| f == field).map(|x| x.1.clone()).unwrap_or_default();
            let source = if selected.is_empty() {
                None
            } else {
                Some(engine::search(self.blob, self.opened, &self.plan.counts_request(Group::Facet(*field))).await?)
            };
            let values = counts(source.as_ref().unwrap_or(res), field.name());
            groups.push(facet_group(self.l, *field, param, *legend, values, &selected));
        }
        let all = engine::search(self.blob, self.opened, &self.plan.counts_request(Group::Language)).await?;
        groups.extend(language_group(self.l, &all, &self.plan.language));
        let year_counts = if params.year.is_some() {
            let r = self.plan.counts_request(Group::Year);
            engine::search(self.blob, self.opened, &r).await?.facets.into_iter().find(|f| f.field == "year").map(|f| f.values).unwrap_or_default()
        } else {
            counts(res, "year").to_vec()
        };
        groups.push(year_group(params.year, &year_counts));
        Ok(groups)
    }
}

/// A multi-select facet; selected values stay listed even without results.
#[inline(always)]
fn facet_group(l: Locale, field: FacetField, param: &'static str, legend: Msg, values: &[(String, u32)], selected: &[String]) -> FacetGroup {
    let mut options: Vec<FacetOption> = values
        .iter()
        .take(30)
        .map(|(v, n)| FacetOption { label: facet_label(l, field, v), value: v.clone(), count: *n, selected: selected.contains(v) })
        .collect();
    for s in selected {
        if !options.iter().any(|o| &o.value == s) {
            options.push(FacetOption { label: facet_label(l, field, s), value: s.clone(), count: 0, selected: true });
        }
    }
    FacetGroup { param, legend, multi: true, options }
}

/// Language: a single choice, counted without the language filter (`all`); shown when there
/// is a choice to make.
#[inline(always)]
fn language_group(l: Locale, all: &SearchResults, language: &Option<String>) -> Option<FacetGroup> {
    let mut options = vec![FacetOption {
        value: "all".into(),
        label: t(l, Msg::SearchLanguageAll).to_owned(),
        count: all.total as u32,
        selected: language.is_none(),
    }];
    for (v, n) in counts(all, "language") {
        options.push(FacetOption { label: facet_label(l, FacetField::Language, v), value: v.clone(), count: *n, selected: language.as_deref() == Some(v) });
    }
    (options.len() > 2 || language.is_none())
        .then_some(FacetGroup { param: "language", legend: Msg::SearchFacetLanguage, multi: false, options })
}

/// Publication year: a single choice.
#[inline(always)]
fn year_group(year: Option<u32>, year_counts: &[(String, u32)]) -> FacetGroup {
    let options = year_counts
        .iter()
        .take(15)
        .map(|(v, n)| FacetOption { label: v.clone(), value: v.clone(), count: *n, selected: year.map(|y| y.to_string()).as_deref() == Some(v) })
        .collect();
    FacetGroup { param: "year", legend: Msg::SearchFacetYear, multi: false, options }
}

/// `/search/click?to=/content/<id>&r=<rank>&s=<search id>` (signed in) or `…&t=<search ms>`.
#[inline(always)]
fn click_href(rank: usize, id: &str, sid: Option<&str>, started_ms: i64) -> String {
    let (click, to) = (pages::search::CLICK, web::url_encode(&paths::content::item(id)));
    match sid {
        Some(s) => format!("{click}?to={to}&r={rank}&s={}", web::url_encode(s)),
        None => format!("{click}?to={to}&r={rank}&t={started_ms}"),
    }
}

#[inline(always)]
fn search_hit(doc: &Document, href: String, snippet: Vec<(String, bool)>) -> SearchHit {
    let published = (doc.date > 0)
        .then(|| {
            let m = time::Month::try_from(((doc.date / 100) % 100) as u8).ok()?;
            time::Date::from_calendar_date((doc.date / 10_000) as i32, m, (doc.date % 100) as u8).ok()
        })
        .flatten();
    SearchHit {
        title: doc.title.clone(),
        href,
        snippet,
        content_type: doc.content_type.clone(),
        therapeutic_area: doc.therapeutic_areas.first().cloned(),
        product: doc.products.first().cloned(),
        published,
        hcp_only: doc.audience == Audience::Hcp,
        language: doc.language.clone(),
    }
}

/// Totals, pagination, clear-filters, `prev` (what the next search follows), did-you-mean and the
/// expansions the engine applied.
#[inline(always)]
fn links(view: &mut SearchView, params: &Params, sid: Option<&str>, res: &SearchResults) {
    view.total = res.total as u64;
    view.total_pages = (res.total.div_ceil(PAGE_SIZE) as u32).clamp(1, MAX_PAGE);
    let sid_extra: Vec<(&str, &str)> = sid.map(|s| vec![("s", s)]).unwrap_or_default();
    view.base_href = params.href(&params.q, true, &params.language, &sid_extra);
    if params.filtered() {
        view.clear_filters_href = Some(params.href(&params.q, false, &params.language, &[]));
    }
    view.prev = match sid {
        Some(s) => Some(s.to_owned()),
        None if !params.q.is_empty() => Some(Prev::Anonymous.as_str().to_owned()),
        None => None,
    };
    if let Some(dym) = &res.did_you_mean {
        view.did_you_mean = Some((dym.clone(), params.href(dym, true, &params.language, &[])));
    }
    // lower case by character: the same on both sides, without str::to_lowercase's word-final
    // sigma rule (~4 KB of the query Worker for this one comparison)
    let lower = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
    let q = lower(&params.q);
    let mut exp: Vec<String> = Vec::new();
    for (_, e) in &res.expansions {
        if !exp.iter().any(|x| x.eq_ignore_ascii_case(e)) && !q.contains(&lower(e)) {
            exp.push(e.clone());
        }
    }
    exp.truncate(6);
    view.expansions = exp;
}

/// Turns a snippet's byte ranges into runs of (text, highlighted).
fn runs(text: &str, highlights: &[(usize, usize)]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(s, e) in highlights {
        if s < at || e > text.len() || s >= e || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        if s > at {
            out.push((text[at..s].to_owned(), false));
        }
        out.push((text[s..e].to_owned(), true));
        at = e;
    }
    if at < text.len() {
        out.push((text[at..].to_owned(), false));
    }
    out
}

fn facet_label(l: Locale, field: FacetField, value: &str) -> String {
    match field {
        FacetField::TherapeuticArea => labels::area(l, value).to_owned(),
        FacetField::ContentType => labels::content_type(l, value).to_owned(),
        FacetField::Language => labels::language_name(l, value).map_or_else(|| value.to_owned(), str::to_owned),
        _ => value.to_owned(),
    }
}

fn counts<'r>(res: &'r SearchResults, name: &str) -> &'r [(String, u32)] {
    res.facets.iter().find(|f| f.field == name).map_or(&[], |f| f.values.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_runs_cover_the_text() {
        let r = runs("Apixaban versus warfarin.", &[(0, 8), (16, 24), (30, 40)]);
        assert_eq!(r, vec![("Apixaban".into(), true), (" versus ".into(), false), ("warfarin".into(), true), (".".into(), false)]);
        assert_eq!(runs("é", &[(0, 1)]), vec![("é".to_owned(), false)]);
    }

    #[test]
    fn click_links_carry_rank_and_search_id_or_time() {
        assert_eq!(click_href(3, "a-b", Some("s1"), 5), format!("{}?to=%2Fcontent%2Fa-b&r=3&s=s1", pages::search::CLICK));
        assert_eq!(click_href(1, "x", None, 1234), format!("{}?to=%2Fcontent%2Fx&r=1&t=1234", pages::search::CLICK));
    }
}
