//! medportal HTML templates.
//!
//! Pure functions from plain view models to [`maud::Markup`]: no I/O, no
//! JavaScript, no inline styles or scripts (the CSP forbids `unsafe-inline`).
//!
//! * [`Locale`], [`Msg`], [`t`], [`tf`]: message catalogs generated at build
//!   time from `messages/*.txt`; the build fails if a locale is incomplete.
//! * [`format`]: locale-aware dates and numbers.
//! * [`layout::page`]: the HTML document frame shared by every page.
//! * [`components`]: accessible form fields, notices, tables, etc.
//! * [`pages`]: complete documents (error, home, library, content item,
//!   search, legal pages, Medical Information, data protection, dev outbox).
//! * [`labels`]: display labels for content-type and therapeutic-area codes.
//! * [`CSS`] / [`CSS_PATH`]: the one stylesheet and its content-hashed URL.

pub mod components;
pub mod format;
pub mod labels;
pub mod layout;
pub mod pages;
pub mod routes;

pub use layout::{MedicalContact, PageContext, UserInfo};
pub use maud::{Markup, PreEscaped, html};
/// Re-exported so callers build view models with the same `time` version.
pub use time;

include!(concat!(env!("OUT_DIR"), "/messages.rs"));
include!(concat!(env!("OUT_DIR"), "/css_path.rs"));

/// The stylesheet. Serve it at [`CSS_PATH`] with `Content-Type: text/css`
/// and a long, immutable cache lifetime.
pub const CSS: &str = include_str!("../static/medportal.css");

/// A supported UI language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    En,
    De,
}

impl Locale {
    /// All supported locales, default first.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::De];

    /// BCP 47 language code, as used in `<html lang>` and `?lang=`.
    pub const fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
        }
    }

    /// The language's own name ("English", "Deutsch").
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => t(Locale::En, Msg::LangEn),
            Locale::De => t(Locale::De, Msg::LangDe),
        }
    }

    /// Maps a language tag (`de`, `DE`, `de-AT`, `de_CH`, `en-GB`) to a
    /// supported locale by its primary subtag. `None` for anything else,
    /// including malformed tags.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let tag = tag.trim();
        let mut subtags = tag.split(['-', '_']);
        let primary = subtags.next()?;
        if !(1..=8).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        if !subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return None;
        }
        Locale::ALL
            .into_iter()
            .find(|l| primary.eq_ignore_ascii_case(l.code()))
    }

    /// Picks the UI language: an explicit, supported `user_choice` (from a
    /// `?lang=` parameter or a preference cookie) wins; otherwise the best
    /// supported language of the `Accept-Language` header by q-value (ties go
    /// to the earlier entry, `*` stands for any language not listed, `q=0`
    /// excludes); otherwise English. Malformed input is ignored, never an
    /// error.
    pub fn negotiate(user_choice: Option<&str>, accept_language: Option<&str>) -> Locale {
        if let Some(locale) = user_choice.and_then(Locale::from_tag) {
            return locale;
        }
        accept_language
            .and_then(negotiate_accept_language)
            .unwrap_or_default()
    }
}

/// Upper bound on the number of Accept-Language entries looked at.
const MAX_ACCEPT_ENTRIES: usize = 32;

/// Parses a q-value (`0`, `0.5`, `1.000`) into thousandths.
fn parse_q(s: &str) -> Option<u16> {
    let s = s.trim();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = 0;
    for (i, b) in frac.bytes().enumerate() {
        thousandths += u16::from(b - b'0') * [100, 10, 1][i];
    }
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

fn negotiate_accept_language(header: &str) -> Option<Locale> {
    // (q in thousandths, position) of the best explicit match per locale.
    let mut explicit: [Option<(u16, usize)>; 2] = [None; 2];
    let mut wildcard: Option<(u16, usize)> = None;
    for (pos, item) in header.split(',').take(MAX_ACCEPT_ENTRIES).enumerate() {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or("").trim();
        if range.is_empty() {
            continue;
        }
        let mut q = Some(1000);
        for param in parts {
            let param = param.trim();
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("q")
            {
                q = parse_q(value);
            }
        }
        let Some(q) = q else { continue }; // malformed q: ignore the entry
        let slot = if range == "*" {
            &mut wildcard
        } else if let Some(locale) = Locale::from_tag(range) {
            &mut explicit[locale as usize]
        } else {
            continue;
        };
        match slot {
            Some((best, _)) if *best >= q => {}
            _ => *slot = Some((q, pos)),
        }
    }
    let mut best: Option<(u16, usize, Locale)> = None;
    for locale in Locale::ALL {
        let Some((q, pos)) = explicit[locale as usize].or(wildcard) else {
            continue;
        };
        if q == 0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
        };
        if better {
            best = Some((q, pos, locale));
        }
    }
    best.map(|(_, _, l)| l)
}

/// A user-facing message: one constant per catalog key (`Msg::NavHome` for `nav.home`),
/// generated by build.rs. Each constant carries its texts in every locale.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Msg(&'static MsgDef);

#[doc(hidden)]
#[derive(PartialEq, Eq, Hash)]
pub struct MsgDef {
    // Keys and placeholder lists are for the catalog tests only: shipping them would add
    // every key string to every function's wasm.
    #[cfg(test)]
    key: &'static str,
    #[cfg(test)]
    placeholders: &'static [&'static str],
    text: [&'static str; LOCALE_COUNT],
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Msg({:?})", self.0.text[0])
    }
}

#[cfg(test)]
impl Msg {
    /// The catalog key, e.g. `"nav.home"`.
    pub fn key(self) -> &'static str {
        self.0.key
    }

    /// Placeholder names used by this message (same in every locale).
    pub fn placeholders(self) -> &'static [&'static str] {
        self.0.placeholders
    }
}

const _: () = assert!(Msg::ALL.len() == MSG_COUNT && Locale::ALL.len() == LOCALE_COUNT);

/// The text of `msg` in `locale`. Plain text: maud escapes it on render.
pub fn t(locale: Locale, msg: Msg) -> &'static str {
    msg.0.text[locale as usize]
}

/// The text of `msg` with `{name}` placeholders replaced from `args`.
/// Unknown placeholders are left visible (`{name}`) so a missing argument is
/// noticed, not silently dropped. Argument values are inserted verbatim and
/// never re-scanned for placeholders; escaping is left to maud.
pub fn tf(locale: Locale, msg: Msg, args: &[(&str, &str)]) -> String {
    let template = t(locale, msg);
    let extra: usize = args.iter().map(|(_, v)| v.len()).sum();
    let mut out = String::with_capacity(template.len() + extra);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[path = "../build_support/catalog.rs"]
#[allow(dead_code)]
mod catalog;

#[cfg(test)]
mod tests;
