//! The UI languages and their negotiation (`?lang=`, cookie, `Accept-Language`). A plain
//! core type: the templates crate keeps the message catalogs for each of them.

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
