//! The typed query of `/search` and `/search/suggest`: parameters parsed and validated, and
//! the links that carry them.

use medportal_core::web;
use medportal_core::{Error, Result};
use medportal_search_index::FacetField;
use medportal_templates::Msg;

use crate::store;

/// Longest accepted query, in characters.
pub const MAX_QUERY: usize = 200;
pub const PAGE_SIZE: usize = 10;
/// Last results page a visitor can ask for.
pub const MAX_PAGE: u32 = 100;

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
    pub prev: Option<Prev>,
    /// The search a results page belongs to (pagination keeps it for click attribution).
    pub sid: Option<String>,
}

/// What a results page says it follows (form field `prev`), for reformulation signals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prev {
    /// `a`: an anonymous visitor's results page (no search id).
    Anonymous,
    /// The id of a signed-in person's previous search.
    Search(String),
}

impl Prev {
    /// The form value.
    pub fn as_str(&self) -> &str {
        match self {
            Prev::Anonymous => "a",
            Prev::Search(sid) => sid,
        }
    }
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
            p.set(k, v.trim())?;
        }
        if let (Some(a), Some(b)) = (p.from, p.to) {
            if a > b {
                return Err(Error::bad_request("invalid_date", "The start date is after the end date."));
            }
        }
        Ok(p)
    }

    /// One query parameter (`v` trimmed).
    fn set(&mut self, k: &str, v: &str) -> Result<()> {
        match k {
            "q" => self.q = clean_query(v)?,
            "language" if v.is_empty() => {}
            "language" if v == "all" => self.language = LangChoice::All,
            "language" => self.language = LangChoice::Code(store::language_code(v).ok_or_else(invalid_filter)?),
            "year" if !v.is_empty() => {
                self.year = Some(v.parse().ok().filter(|y| (1900..=2100).contains(y)).ok_or_else(invalid_filter)?)
            }
            "from" | "to" if !v.is_empty() => {
                let d = crate::index::parse_date(v)
                    .ok_or_else(|| Error::bad_request("invalid_date", "Dates are YYYY-MM-DD."))?;
                if k == "from" { self.from = Some(d) } else { self.to = Some(d) }
            }
            "page" => {
                self.page = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE).contains(n))
                    .ok_or_else(|| Error::bad_request("invalid_page", "The page number is invalid."))?
            }
            "market" if v.is_empty() || v == "global" => {}
            "market" => {
                let m = store::market_code(v)
                    .ok_or_else(|| Error::bad_request("invalid_market", "The country is invalid."))?;
                self.market = Some(m);
            }
            "prev" if v == "a" => self.prev = Some(Prev::Anonymous),
            "prev" if valid_sid(v) => self.prev = Some(Prev::Search(v.to_owned())),
            "s" if valid_sid(v) => self.sid = Some(v.to_owned()),
            name => {
                if let Some((field, _, _)) = FACETS.iter().find(|(_, n, _)| *n == name) {
                    self.add_facet(*field, v)?;
                }
                // other parameters (lang, …) are not search parameters
            }
        }
        Ok(())
    }

    /// A value of a multi-select facet (empty: ignored; repeated: kept once; at most 10).
    fn add_facet(&mut self, field: FacetField, v: &str) -> Result<()> {
        if v.is_empty() {
            return Ok(());
        }
        if v.len() > 80 || v.chars().any(char::is_control) {
            return Err(invalid_filter());
        }
        match self.facets.iter_mut().find(|(f, _)| *f == field) {
            Some((_, vals)) if vals.len() >= 10 => return Err(invalid_filter()),
            Some((_, vals)) => {
                if !vals.iter().any(|x| x == v) {
                    vals.push(v.to_owned())
                }
            }
            None => self.facets.push((field, vec![v.to_owned()])),
        }
        Ok(())
    }

    pub fn filtered(&self) -> bool {
        !self.facets.is_empty() || self.year.is_some() || self.from.is_some() || self.to.is_some()
    }

    /// The query string of this search (without page), for links.
    pub fn href(&self, q: &str, with_filters: bool, lang: &LangChoice, extra: &[(&str, &str)]) -> String {
        let mut s = format!("{}?q={}", medportal_templates::paths::search::SEARCH, web::url_encode(q));
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

/// yyyymmdd → `YYYY-MM-DD`.
pub fn date_text(d: u32) -> String {
    format!("{:04}-{:02}-{:02}", d / 10_000, (d / 100) % 100, d % 100)
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
    fn prev_is_an_anonymous_page_or_a_search_id() {
        let sid = "0123456789abcdefghijklmnop";
        assert_eq!(Params::parse("prev=a").unwrap().prev, Some(Prev::Anonymous));
        assert_eq!(Params::parse(&format!("prev={sid}")).unwrap().prev, Some(Prev::Search(sid.to_owned())));
        assert_eq!(Prev::Search(sid.to_owned()).as_str(), sid);
        assert_eq!(Prev::Anonymous.as_str(), "a");
    }

    #[test]
    fn links_keep_the_search_and_encode_values() {
        let p = Params::parse("q=heart+attack&type=faq&market=de&from=2026-01-01").unwrap();
        assert_eq!(p.href(&p.q, true, &LangChoice::Code("de".into()), &[]), "/search?q=heart%20attack&market=DE&language=de&type=faq&from=2026-01-01");
        assert_eq!(p.href("a&b", false, &LangChoice::Default, &[]), "/search?q=a%26b&market=DE");
    }
}
