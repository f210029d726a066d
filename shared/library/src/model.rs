//! The library's typed vocabulary: content types, workflow states, markets, review
//! disciplines, decisions and signature meanings, each parsed at the repository boundary
//! (an unknown stored code is an internal error, an unknown submitted code a 400).

use medportal_core::{Error, Result};

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }
        // Every code type gets the same accessors; not every one uses each of them.
        #[allow(dead_code)]
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            #[inline]
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            #[inline]
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
            /// A stored code (an unknown one is a corrupt row).
            #[inline]
            pub fn stored(s: &str) -> Result<$name> {
                $name::parse(s).ok_or_else(|| Error::internal(format!(concat!("bad stored ", stringify!($name), " {:?}"), s)))
            }
            /// A submitted code (an unknown one is the client's error).
            #[inline]
            pub fn submitted(s: &str) -> Result<$name> {
                $name::parse(s.trim()).ok_or_else(|| Error::bad_request(concat!("invalid_", stringify!($name)), "Unknown value."))
            }
        }
    };
}

code_enum!(
    /// What an item is.
    ContentType {
        TrialSummary = "trial_summary",
        Publication = "publication",
        SafetyCommunication = "safety_communication",
        PrescribingInformation = "prescribing_information",
        FaqAnswer = "faq_answer",
        GuidelineSummary = "guideline_summary",
        EducationalModule = "educational_module",
    }
);

code_enum!(
    /// Where an item is in the MLR workflow.
    State {
        Draft = "draft",
        InReview = "in_review",
        Approved = "approved",
        Published = "published",
        Expired = "expired",
        Withdrawn = "withdrawn",
    }
);

code_enum!(
    /// Who may read an item's summary and body.
    Audience { Public = "public", Hcp = "hcp" }
);

code_enum!(
    /// The three MLR review disciplines; an item is approved when each has signed its version.
    Discipline { Medical = "medical", Legal = "legal", Regulatory = "regulatory" }
);

code_enum!(
    /// A reviewer's decision on a version.
    Decision { Approve = "approve", Reject = "reject", RequestChanges = "request_changes" }
);

code_enum!(
    /// What a signature means (21 CFR Part 11 §11.50(a)(3)).
    Meaning { Review = "review", Approval = "approval", Responsibility = "responsibility" }
);

/// A market: an ISO 3166-1 alpha-2 country (upper case) or `INTL`, the international version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Market(String);

impl Market {
    pub const INTL: &'static str = "INTL";

    #[inline]
    pub fn intl() -> Market {
        Market(Self::INTL.into())
    }
    /// `INTL` (also `global`, search's name for it) or two ASCII letters.
    #[inline]
    pub fn parse(s: &str) -> Option<Market> {
        let s = s.trim();
        if s.eq_ignore_ascii_case(Self::INTL) || s.eq_ignore_ascii_case("global") {
            return Some(Market::intl());
        }
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())).then(|| Market(s.to_ascii_uppercase()))
    }
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }
    #[inline]
    pub fn is_intl(&self) -> bool {
        self.0 == Self::INTL
    }
    /// The market's name in search's index keys (`global` for the international version).
    #[inline]
    pub fn search_code(&self) -> &str {
        if self.is_intl() { "global" } else { &self.0 }
    }
}

/// A comma-separated market list as stored (`US,DE`); invalid entries are refused.
#[inline]
pub fn parse_markets(list: &str) -> Option<Vec<Market>> {
    let mut out: Vec<Market> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(Market::parse).collect::<Option<_>>()?;
    out.sort();
    out.dedup();
    (!out.is_empty()).then_some(out)
}

#[inline]
pub fn join_markets(markets: &[Market]) -> String {
    markets.iter().map(Market::as_str).collect::<Vec<_>>().join(",")
}

/// An item's URL slug: lower-case ASCII letters, digits and hyphens, 3–120 characters.
#[inline]
pub fn valid_slug(s: &str) -> bool {
    (3..=120).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') && !s.starts_with('-')
}

/// A content language: two ASCII letters, lower case.
#[inline]
pub fn valid_language(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_lowercase())
}

/// A calendar date `YYYY-MM-DD` (a real day), read by hand: the ISO 8601 parser also took
/// ten-character week dates (`2026-W01-1`), which do not compare as dates do, and its code
/// weighed on the Worker.
#[inline]
pub fn parse_date(s: &str) -> Option<time::Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |from: usize, to: usize| b[from..to].iter().try_fold(0u16, |n, &c| c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0')));
    let month = time::Month::try_from(u8::try_from(num(5, 7)?).ok()?).ok()?;
    time::Date::from_calendar_date(i32::from(num(0, 4)?), month, u8::try_from(num(8, 10)?).ok()?).ok()
}

/// A calendar date `YYYY-MM-DD`.
#[inline]
pub fn valid_date(s: &str) -> bool {
    parse_date(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for t in ContentType::ALL {
            assert_eq!(ContentType::parse(t.code()), Some(*t));
        }
        for s in State::ALL {
            assert_eq!(State::stored(s.code()).unwrap(), *s);
        }
        assert!(State::stored("published ").is_err());
        assert!(Discipline::submitted("finance").is_err());
        assert_eq!(Market::parse("de").unwrap().as_str(), "DE");
        assert!(Market::parse("global").unwrap().is_intl());
        assert_eq!(Market::intl().search_code(), "global");
        assert!(Market::parse("DEU").is_none() && Market::parse("D1").is_none());
        assert_eq!(join_markets(&parse_markets("us, DE,US").unwrap()), "DE,US");
        assert!(parse_markets("").is_none() && parse_markets("US,Germany").is_none());
        assert!(valid_slug("apixaban-af") && !valid_slug("Apixaban") && !valid_slug("a/b") && !valid_slug("-x-"));
        assert!(valid_date("2027-09-14") && !valid_date("2027-9-14") && !valid_date("tomorrow"));
        assert!(valid_date("2028-02-29") && !valid_date("2027-02-29") && !valid_date("2027-13-01") && !valid_date("2027-00-10"));
        assert!(!valid_date("2026-W01-1") && !valid_date("2027-09-1x") && !valid_date("+027-09-14") && !valid_date("2027/09/14"));
        assert_eq!(parse_date("2027-09-14"), time::Date::from_calendar_date(2027, time::Month::September, 14).ok());
    }
}
