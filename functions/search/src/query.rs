//! The read side: `/search` (results page), `/search/suggest` (JSON) and what they share:
//! parameters, visibility, and running requests against the engine.

use std::rc::Rc;

use http::StatusCode;
use medportal_auth::Session;
use medportal_core::policy::Action;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_search_index::{FacetField, Filter, SearchRequest, SearchResults, Vocab};
use medportal_templates::pages::search::{FacetGroup, FacetOption, MarketChoice, SearchHit, SearchView};
use medportal_templates::{Locale, Msg, labels, pages, t};

use crate::engine::{self, Opened};
use crate::signals;
use crate::store::{self, IndexKey};

/// Longest accepted query, in characters.
pub const MAX_QUERY: usize = 200;
pub const PAGE_SIZE: usize = 10;
const MAX_PAGE: u32 = 100;
const SNIPPET_CHARS: usize = 240;
/// Path of the progressive-enhancement script (served by this function).
pub const SCRIPT_PATH: &str = "/search/suggest.js";

/// User-facing multi-select facets and their query parameters.
pub const FACETS: &[(FacetField, &str, Msg)] = &[
    (FacetField::TherapeuticArea, "area", Msg::SearchFacetArea),
    (FacetField::ContentType, "type", Msg::SearchFacetType),
    (FacetField::Product, "product", Msg::SearchFacetProduct),
    (FacetField::TrialPhase, "phase", Msg::SearchFacetPhase),
    (FacetField::Specialty, "specialty", Msg::SearchFacetSpecialty),
];

/// The content language asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LangChoice {
    /// Not chosen: the page language when content exists in it, else English.
    Default,
    All,
    Code(String),
}

/// Parsed and validated query parameters.
#[derive(Debug, Clone)]
pub struct Params {
    pub q: String,
    pub facets: Vec<(FacetField, Vec<String>)>,
    pub language: LangChoice,
    pub year: Option<u32>,
    pub from: Option<u32>,
    pub to: Option<u32>,
    pub page: u32,
    /// Market chosen by an anonymous visitor (ignored for signed-in people).
    pub market: Option<String>,
    /// The search this one follows (form field `prev`).
    pub prev: Option<String>,
    /// The search a results page belongs to (pagination keeps it for click attribution).
    pub sid: Option<String>,
}

fn invalid_filter() -> Error {
    Error::bad_request("invalid_filter", "A filter value is invalid.")
}

/// Random ids (`Ctx::random_id`): 26 lowercase base32 characters.
pub fn valid_sid(s: &str) -> bool {
    s.len() == 26 && s.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// The query text: trimmed, control characters replaced, at most [`MAX_QUERY`] characters.
pub fn clean_query(q: &str) -> Result<String> {
    if q.chars().count() > MAX_QUERY {
        return Err(Error::bad_request("query_too_long", "Search queries are at most 200 characters."));
    }
    Ok(q.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned())
}

impl Params {
    pub fn parse(query: &str) -> Result<Params> {
        let pairs = web::parse_urlencoded(query)?;
        let mut p = Params {
            q: String::new(),
            facets: Vec::new(),
            language: LangChoice::Default,
            year: None,
            from: None,
            to: None,
            page: 1,
            market: None,
            prev: None,
            sid: None,
        };
        for (k, v) in &pairs {
            let v = v.trim();
            match k.as_str() {
                "q" => p.q = clean_query(v)?,
                "language" if v.is_empty() => {}
                "language" if v == "all" => p.language = LangChoice::All,
                "language" => p.language = LangChoice::Code(store::language_code(v).ok_or_else(invalid_filter)?),
                "year" if !v.is_empty() => {
                    p.year = Some(v.parse().ok().filter(|y| (1900..=2100).contains(y)).ok_or_else(invalid_filter)?)
                }
                "from" | "to" if !v.is_empty() => {
                    let d = crate::index::parse_date(v)
                        .ok_or_else(|| Error::bad_request("invalid_date", "Dates are YYYY-MM-DD."))?;
                    if k == "from" { p.from = Some(d) } else { p.to = Some(d) }
                }
                "page" => {
                    p.page = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_PAGE).contains(n))
                        .ok_or_else(|| Error::bad_request("invalid_page", "The page number is invalid."))?
                }
                "market" if v.is_empty() || v == "global" => {}
                "market" => {
                    let m = store::market_code(v)
                        .ok_or_else(|| Error::bad_request("invalid_market", "The country is invalid."))?;
                    p.market = Some(m);
                }
                "prev" if valid_sid(v) || v == "a" => p.prev = Some(v.to_owned()),
                "s" if valid_sid(v) => p.sid = Some(v.to_owned()),
                name => {
                    if let Some((field, _, _)) = FACETS.iter().find(|(_, n, _)| *n == name) {
                        if v.is_empty() {
                            continue;
                        }
                        if v.len() > 80 || v.chars().any(char::is_control) {
                            return Err(invalid_filter());
                        }
                        match p.facets.iter_mut().find(|(f, _)| f == field) {
                            Some((_, vals)) if vals.len() >= 10 => return Err(invalid_filter()),
                            Some((_, vals)) => {
                                if !vals.iter().any(|x| x == v) {
                                    vals.push(v.to_owned())
                                }
                            }
                            None => p.facets.push((*field, vec![v.to_owned()])),
                        }
                    }
                    // other parameters (lang, …) are not search parameters
                }
            }
        }
        if let (Some(a), Some(b)) = (p.from, p.to) {
            if a > b {
                return Err(Error::bad_request("invalid_date", "The start date is after the end date."));
            }
        }
        Ok(p)
    }

    fn filtered(&self) -> bool {
        !self.facets.is_empty() || self.year.is_some() || self.from.is_some() || self.to.is_some()
    }

    /// The query string of this search (without page), for links.
    pub fn href(&self, q: &str, with_filters: bool, lang: &LangChoice, extra: &[(&str, &str)]) -> String {
        let mut s = format!("/search?q={}", web::url_encode(q));
        let mut push = |k: &str, v: &str| {
            s.push('&');
            s.push_str(k);
            s.push('=');
            s.push_str(&web::url_encode(v));
        };
        if let Some(m) = &self.market {
            push("market", m);
        }
        match lang {
            LangChoice::Default => {}
            LangChoice::All => push("language", "all"),
            LangChoice::Code(c) => push("language", c),
        }
        if with_filters {
            for (field, vals) in &self.facets {
                let name = FACETS.iter().find(|(f, _, _)| f == field).map_or("", |x| x.1);
                for v in vals {
                    push(name, v);
                }
            }
            if let Some(y) = self.year {
                push("year", &y.to_string());
            }
            for (k, d) in [("from", self.from), ("to", self.to)] {
                if let Some(d) = d {
                    push(k, &date_text(d));
                }
            }
        }
        for (k, v) in extra {
            push(k, v);
        }
        s
    }
}

fn date_text(d: u32) -> String {
    format!("{:04}-{:02}-{:02}", d / 10_000, (d / 100) % 100, d % 100)
}

/// What a visitor may see.
pub struct Visibility {
    pub session: Option<Session>,
    /// Verified HCPs and staff allowed to read HCP content.
    pub hcp: bool,
    /// Market: the session's country, or the anonymous visitor's choice.
    pub market: Option<String>,
}

impl Visibility {
    pub async fn of<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, chosen: Option<&str>) -> Result<Visibility> {
        let session = medportal_auth::authenticate(ctx, req).await?;
        let hcp = session.as_ref().is_some_and(|s| s.may(Action::ReadHcpContent));
        let market = match &session {
            Some(s) => store::market_code(s.country()).filter(|m| m != "global"),
            None => chosen.map(str::to_owned),
        };
        Ok(Visibility { session, hcp, market })
    }

    /// Filters every request carries: audience and market (defence in depth: the union
    /// already holds only the visitor's market and `global`).
    fn filters(&self) -> Vec<Filter> {
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

/// A group of filters whose counts are computed without its own filter (disjunctive facets).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Facet(FacetField),
    Language,
    Year,
}

struct Plan<'a> {
    params: &'a Params,
    vis: &'a Visibility,
    language: Option<String>,
}

impl Plan<'_> {
    fn request(&self, q: &str, skip: Option<Group>) -> SearchRequest {
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
}

/// The index union a visitor searches, opened (None before any index exists).
async fn open_for<P: Platform>(ctx: &Ctx<'_, P>, blob: &P::Blob, vis: &Visibility) -> Result<(Option<Rc<Opened>>, Vec<IndexKey>)> {
    let registry = store::registry(blob).await?;
    let keys = engine::visible_indexes(&registry, vis.market.as_deref());
    let opened = if keys.is_empty() { None } else { engine::open(ctx, blob, &keys).await? };
    Ok((opened, registry))
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

/// `/search`.
pub async fn page<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let started_ms = ctx.now_ms();
    let raw_query = req.uri().query().unwrap_or("");
    let params = Params::parse(raw_query)?;
    let l = info.locale;
    let vis = Visibility::of(ctx, req, params.market.as_deref()).await?;
    let mut pc = medportal_auth::page_context(ctx, info, raw_query, vis.session.as_ref());
    pc.script = Some(SCRIPT_PATH.to_owned());
    let blob = ctx.global_blob().await?;
    let (opened, registry) = open_for(ctx, &blob, &vis).await?;
    let mut view = SearchView {
        query: params.q.clone(),
        page: params.page,
        signed_in: vis.session.is_some(),
        market: match (&vis.session, &vis.market) {
            (Some(_), Some(m)) => MarketChoice::Session(m.clone()),
            (Some(_), None) => MarketChoice::None,
            (None, chosen) => {
                let mut options: Vec<String> = registry.iter().map(|k| k.market.clone()).filter(|m| m != "global").collect();
                options.dedup();
                MarketChoice::Visitor { selected: chosen.clone(), options }
            }
        },
        date_from: params.from.map(date_text).unwrap_or_default(),
        date_to: params.to.map(date_text).unwrap_or_default(),
        unavailable: opened.is_none(),
        ..Default::default()
    };
    let Some(opened) = opened else {
        return Ok(web::html(StatusCode::OK, pages::search(&pc, &view)));
    };
    // content language: chosen, else the page's when content exists in it, else English
    let language = match &params.language {
        LangChoice::All => None,
        LangChoice::Code(c) => Some(c.clone()),
        LangChoice::Default if engine::live_in(&opened, l.code()) > 0 => Some(l.code().to_owned()),
        LangChoice::Default if engine::live_in(&opened, "en") > 0 => {
            view.language_fallback = Some("en".into());
            Some("en".to_owned())
        }
        LangChoice::Default => None,
    };
    let plan = Plan { params: &params, vis: &vis, language: language.clone() };
    let vocab: Rc<Vocab> = engine::vocab(ctx, &blob).await?;
    if !params.q.is_empty() {
        engine::prefetch_query(&blob, &opened, &params.q, &vocab).await?;
    }
    let offset = (params.page as usize - 1) * PAGE_SIZE;
    let mut main_req = plan.request(&params.q, None);
    main_req.offset = offset;
    main_req.limit = PAGE_SIZE;
    main_req.facets = true;
    let res = engine::search(&blob, &opened, &main_req).await?;

    // facet counts: per group, over the search without that group's own filter
    let mut groups: Vec<FacetGroup> = Vec::new();
    for (field, param, legend) in FACETS {
        let selected: Vec<String> = params.facets.iter().find(|(f, _)| f == field).map(|x| x.1.clone()).unwrap_or_default();
        let source;
        let values = if selected.is_empty() {
            counts(&res, field.name())
        } else {
            let mut r = plan.request(&params.q, Some(Group::Facet(*field)));
            r.limit = 0;
            r.facets = true;
            source = engine::search(&blob, &opened, &r).await?;
            counts(&source, field.name())
        };
        let mut options: Vec<FacetOption> = values
            .iter()
            .take(30)
            .map(|(v, n)| FacetOption { label: facet_label(l, *field, v), value: v.clone(), count: *n, selected: selected.contains(v) })
            .collect();
        for s in &selected {
            if !options.iter().any(|o| &o.value == s) {
                options.push(FacetOption { label: facet_label(l, *field, s), value: s.clone(), count: 0, selected: true });
            }
        }
        groups.push(FacetGroup { param, legend: *legend, multi: true, options });
    }
    // language (single choice, counted without the language filter)
    {
        let mut r = plan.request(&params.q, Some(Group::Language));
        r.limit = 0;
        r.facets = true;
        let all = engine::search(&blob, &opened, &r).await?;
        let mut options = vec![FacetOption {
            value: "all".into(),
            label: t(l, Msg::SearchLanguageAll).to_owned(),
            count: all.total as u32,
            selected: language.is_none(),
        }];
        for (v, n) in counts(&all, "language") {
            options.push(FacetOption { label: facet_label(l, FacetField::Language, v), value: v.clone(), count: *n, selected: language.as_deref() == Some(v) });
        }
        if options.len() > 2 || language.is_none() {
            groups.push(FacetGroup { param: "language", legend: Msg::SearchFacetLanguage, multi: false, options });
        }
    }
    // year (single choice)
    {
        let year_counts = if params.year.is_some() {
            let mut r = plan.request(&params.q, Some(Group::Year));
            r.limit = 0;
            r.facets = true;
            engine::search(&blob, &opened, &r).await?.facets.into_iter().find(|f| f.field == "year").map(|f| f.values).unwrap_or_default()
        } else {
            counts(&res, "year").to_vec()
        };
        let options = year_counts
            .iter()
            .take(15)
            .map(|(v, n)| FacetOption { label: v.clone(), value: v.clone(), count: *n, selected: params.year.map(|y| y.to_string()).as_deref() == Some(v) })
            .collect();
        groups.push(FacetGroup { param: "year", legend: Msg::SearchFacetYear, multi: false, options });
    }
    view.facets = groups;

    // hits: snippets and metadata from the stored documents
    let docs: Vec<u32> = res.hits.iter().map(|h| h.doc).collect();
    engine::prefetch_docs(&blob, &opened, &docs).await?;
    let sid = match (&vis.session, &params.sid) {
        (Some(_), Some(s)) if params.page > 1 => Some(s.clone()),
        (Some(_), _) if !params.q.is_empty() => Some(ctx.random_id()?),
        _ => None,
    };
    for (i, h) in res.hits.iter().enumerate() {
        let doc = engine::document(&blob, &opened, h.doc).await?;
        let snip = if params.q.is_empty() {
            None
        } else {
            Some(engine::snippet(&blob, &opened, h.doc, &params.q, SNIPPET_CHARS).await?)
        };
        let snippet = match &snip {
            Some(s) if !s.text.is_empty() => runs(&s.text, &s.highlights),
            _ => vec![(doc.summary.chars().take(SNIPPET_CHARS).collect(), false)],
        };
        let rank = (offset + i + 1).to_string();
        let target = format!("/content/{}", doc.id);
        let mut extra: Vec<(&str, String)> = vec![("to", target), ("r", rank)];
        match &sid {
            Some(s) => extra.push(("s", s.clone())),
            None => extra.push(("t", started_ms.to_string())),
        }
        let href = format!(
            "{}?{}",
            pages::search::CLICK,
            extra.iter().map(|(k, v)| format!("{k}={}", web::url_encode(v))).collect::<Vec<_>>().join("&")
        );
        let published = (doc.date > 0)
            .then(|| {
                let m = time::Month::try_from(((doc.date / 100) % 100) as u8).ok()?;
                time::Date::from_calendar_date((doc.date / 10_000) as i32, m, (doc.date % 100) as u8).ok()
            })
            .flatten();
        view.hits.push(SearchHit {
            title: doc.title.clone(),
            href,
            snippet,
            content_type: doc.content_type.clone(),
            therapeutic_area: doc.therapeutic_areas.first().cloned(),
            product: doc.products.first().cloned(),
            published,
            hcp_only: doc.audience == medportal_search_index::Audience::Hcp,
            language: doc.language.clone(),
        });
    }
    view.total = res.total as u64;
    view.total_pages = (res.total.div_ceil(PAGE_SIZE) as u32).clamp(1, MAX_PAGE);
    let sid_extra: Vec<(&str, &str)> = sid.as_deref().map(|s| vec![("s", s)]).unwrap_or_default();
    view.base_href = params.href(&params.q, true, &params.language, &sid_extra);
    if params.filtered() {
        view.clear_filters_href = Some(params.href(&params.q, false, &params.language, &[]));
    }
    view.prev = match &sid {
        Some(s) => Some(s.clone()),
        None if !params.q.is_empty() => Some("a".into()),
        None => None,
    };
    if let Some(dym) = &res.did_you_mean {
        view.did_you_mean = Some((dym.clone(), params.href(dym, true, &params.language, &[])));
    }
    let mut exp: Vec<String> = Vec::new();
    for (_, e) in &res.expansions {
        if !exp.iter().any(|x| x.eq_ignore_ascii_case(e)) && !params.q.to_lowercase().contains(&e.to_lowercase()) {
            exp.push(e.clone());
        }
    }
    exp.truncate(6);
    view.expansions = exp;

    if !params.q.is_empty() {
        // results hidden from visitors who may not read HCP content
        if !vis.hcp {
            let mut r = plan.request(&params.q, None);
            r.filters.retain(|f| f.field != FacetField::Audience);
            r.filters.push(Filter::new(FacetField::Audience, &["hcp"]));
            r.limit = 0;
            r.exact_total = true;
            view.hidden_hcp = engine::search(&blob, &opened, &r).await?.total as u64;
        }
        // zero results: single words of the query that do have results
        if res.total == 0 {
            let words: Vec<&str> = params.q.split_whitespace().collect();
            if words.len() > 1 {
                for w in words.iter().take(4) {
                    let mut r = plan.request(w, None);
                    r.limit = 1;
                    if engine::search(&blob, &opened, &r).await?.total > 0 {
                        view.broader.push((w.to_string(), params.href(w, false, &params.language, &[])));
                    }
                }
            }
        }
    }

    if !params.q.is_empty() {
        let signal = signals::SearchSignal {
            sid: sid.as_deref(),
            prev: params.prev.as_deref(),
            query: &params.q,
            market: vis.market.as_deref().unwrap_or("global"),
            language: language.as_deref().unwrap_or(""),
            filtered: params.filtered(),
            page: params.page,
            results: res.total as u64,
            at_ms: started_ms,
        };
        signals::record_search(ctx, vis.session.as_ref(), &signal).await;
    }
    Ok(web::html(StatusCode::OK, pages::search(&pc, &view)))
}

/// `/search/suggest?q=`: completions as JSON. Only suggestions that lead to results the
/// visitor may see are returned (terms of HCP-only items are not revealed to others).
pub async fn suggest<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let params = Params::parse(req.uri().query().unwrap_or(""))?;
    if params.q.is_empty() {
        return Err(Error::bad_request("missing_query", "Give the start of a search term in q."));
    }
    let vis = Visibility::of(ctx, req, params.market.as_deref()).await?;
    let blob = ctx.global_blob().await?;
    let (opened, _) = open_for(ctx, &blob, &vis).await?;
    let mut out: Vec<String> = Vec::new();
    if let Some(opened) = opened {
        let candidates = engine::suggest(&blob, &opened, &params.q, 12).await?;
        let plan = Plan { params: &params, vis: &vis, language: None };
        for c in candidates {
            if out.len() >= 8 {
                break;
            }
            let mut r = plan.request(&c, None);
            r.limit = 1;
            r.options.typo_tolerance = false;
            let vocab = engine::vocab(ctx, &blob).await?;
            engine::prefetch_query(&blob, &opened, &c, &vocab).await?;
            if engine::search(&blob, &opened, &r).await?.total > 0 {
                out.push(c);
            }
        }
    }
    #[derive(serde::Serialize)]
    struct Suggestions<'a> {
        query: &'a str,
        suggestions: Vec<String>,
    }
    let mut resp = web::json(StatusCode::OK, &Suggestions { query: &params.q, suggestions: out });
    resp.headers_mut().insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static("private, max-age=60"));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_validated() {
        let p = Params::parse("q=+Lipitor++&area=cardiology&area=oncology&area=cardiology&year=2026&page=2&language=all").unwrap();
        assert_eq!(p.q, "Lipitor");
        assert_eq!(p.facets, vec![(FacetField::TherapeuticArea, vec!["cardiology".to_owned(), "oncology".to_owned()])]);
        assert_eq!((p.year, p.page, p.language.clone()), (Some(2026), 2, LangChoice::All));
        for (bad, code) in [
            ("page=0", "invalid_page"),
            ("page=x", "invalid_page"),
            ("year=99", "invalid_filter"),
            ("from=2026-02-30", "invalid_date"),
            ("from=2026-03-01&to=2026-01-01", "invalid_date"),
            ("language=d3", "invalid_filter"),
            ("market=Germany", "invalid_market"),
            ("q=%ZZ", "invalid_encoding"),
        ] {
            assert_eq!(Params::parse(bad).unwrap_err().code(), code, "{bad}");
        }
        let long = format!("q={}", "a".repeat(201));
        assert_eq!(Params::parse(&long).unwrap_err().code(), "query_too_long");
        let many: String = (0..11).map(|i| format!("area=a{i}&")).collect();
        assert_eq!(Params::parse(&many).unwrap_err().code(), "invalid_filter");
        // junk session ids are ignored, not errors
        let p = Params::parse("q=x&s=../../etc&prev=%3Cscript%3E").unwrap();
        assert_eq!((p.sid, p.prev), (None, None));
    }

    #[test]
    fn links_keep_the_search_and_encode_values() {
        let p = Params::parse("q=heart+attack&type=faq&market=de&from=2026-01-01").unwrap();
        assert_eq!(p.href(&p.q, true, &LangChoice::Code("de".into()), &[]), "/search?q=heart%20attack&market=DE&language=de&type=faq&from=2026-01-01");
        assert_eq!(p.href("a&b", false, &LangChoice::Default, &[]), "/search?q=a%26b&market=DE");
    }

    #[test]
    fn highlight_runs_cover_the_text() {
        let r = runs("Apixaban versus warfarin.", &[(0, 8), (16, 24), (30, 40)]);
        assert_eq!(r, vec![("Apixaban".into(), true), (" versus ".into(), false), ("warfarin".into(), true), (".".into(), false)]);
        assert_eq!(runs("é", &[(0, 1)]), vec![("é".to_owned(), false)]);
    }
}
