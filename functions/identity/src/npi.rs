//! US NPI verification: the NPPES NPI Registry API (`version=2.1`, lookup by `number`) through
//! core's outbound HTTP port. The registry's answer decides; when it cannot be asked, nothing
//! is decided (fail closed: the request stays pending).

use medportal_core::{Ctx, Platform, ports::LogLevel};

/// What the registry says about an NPI for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Active registration in this person's name.
    Match,
    /// The number is not registered.
    NotFound,
    /// Registered, but not active.
    Inactive,
    /// Registered to someone else's name.
    NameMismatch,
    /// The registry could not be asked or gave no usable answer.
    Unavailable,
    /// A registry match, but the NPI already verifies another account: a verifier decides.
    InUse,
}

impl Outcome {
    /// Stable reason code for audit and the verification record.
    pub fn reason(self) -> &'static str {
        match self {
            Outcome::Match => "registry_match",
            Outcome::NotFound => "npi_not_found",
            Outcome::Inactive => "npi_inactive",
            Outcome::NameMismatch => "name_mismatch",
            Outcome::Unavailable => "registry_unreachable",
            Outcome::InUse => "npi_in_use",
        }
    }
}

#[derive(serde::Deserialize)]
struct Answer {
    result_count: Option<u64>,
    #[serde(default)]
    results: Vec<Entry>,
}

#[derive(serde::Deserialize)]
struct Entry {
    basic: Basic,
}

#[derive(serde::Deserialize)]
struct Basic {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    status: String,
}

/// Looks `npi` (already check-digit valid) up and compares it with `name`.
pub async fn lookup<P: Platform>(ctx: &Ctx<'_, P>, npi: &str, name: &str) -> Outcome {
    let url = format!("{}/api/?version=2.1&number={npi}", ctx.config.npi_registry_url);
    let req = match http::Request::get(url).header(http::header::ACCEPT, "application/json").body(Vec::new()) {
        Ok(r) => r,
        Err(_) => return Outcome::Unavailable,
    };
    let resp = match ctx.http_send(req).await {
        Ok(r) => r,
        Err(e) => {
            ctx.log(LogLevel::Warn, &format!("npi registry unreachable: {e}"));
            return Outcome::Unavailable;
        }
    };
    if !resp.status().is_success() {
        ctx.log(LogLevel::Warn, &format!("npi registry answered {}", resp.status().as_u16()));
        return Outcome::Unavailable;
    }
    decide(resp.body(), name).unwrap_or_else(|| {
        ctx.log(LogLevel::Warn, "npi registry: unexpected answer");
        Outcome::Unavailable
    })
}

/// The decision for a registry answer; `None` if the answer is not one (e.g. `Errors`).
pub fn decide(body: &[u8], name: &str) -> Option<Outcome> {
    let answer: Answer = serde_json::from_slice(body).ok()?;
    let count = answer.result_count?;
    let Some(entry) = answer.results.first() else {
        return (count == 0).then_some(Outcome::NotFound);
    };
    let b = &entry.basic;
    if !names_match(name, &b.first_name, &b.last_name) {
        Some(Outcome::NameMismatch)
    } else if b.status != "A" {
        Some(Outcome::Inactive)
    } else {
        Some(Outcome::Match)
    }
}

/// Leading titles and trailing credentials that are not part of a name.
const TITLES: &[&str] = &["dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "mx"];
const CREDENTIALS: &[&str] = &["md", "do", "phd", "dds", "dmd", "pharmd", "rn", "np", "pa", "aprn", "mph", "facp"];

/// The person's name is the registry's name: after leading titles and trailing credentials,
/// it begins with the registry's first name and ends with its last name (middle names may lie
/// between), word for word, compared without case, diacritics or punctuation ("Dr. José
/// Ünal-Smith" is JOSE / UNAL-SMITH; "Jane Doe-Smith" is not JANE / DOE; a name that merely
/// contains the registry's words somewhere is not a match).
pub fn names_match(name: &str, first: &str, last: &str) -> bool {
    let mut have = words(name);
    while have.len() > 1 && TITLES.contains(&have[0].as_str()) {
        have.remove(0);
    }
    while have.len() > 1 && have.last().is_some_and(|w| CREDENTIALS.contains(&w.as_str())) {
        have.pop();
    }
    let (first, last) = (words(first), words(last));
    !first.is_empty() && !last.is_empty() && have.len() >= first.len() + last.len() && have.starts_with(&first) && have.ends_with(&last)
}

fn words(s: &str) -> Vec<String> {
    let mut folded = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match fold(c) {
            Some(f) => folded.push_str(f),
            None if c.is_alphanumeric() => folded.push(c),
            None => folded.push(' '),
        }
    }
    folded.split_whitespace().map(str::to_owned).collect()
}

/// Latin letters with diacritics → their base letters (lowercase input).
fn fold(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"),
        ("ĥħ", "h"), ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"),
        ("òóôõöøōŏő", "o"), ("ŕŗř", "r"), ("śŝşšș", "s"), ("ţťŧț", "t"), ("ùúûüũūŭůűų", "u"),
        ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"), ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("þ", "th"),
        ("'’`", ""),
    ];
    TABLE.iter().find(|(set, _)| set.contains(c)).map(|(_, base)| *base)
}

/// NPI check digit: Luhn over the 10 digits with the `80840` prefix (i.e. +24).
pub fn valid(npi: &str) -> bool {
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut sum = 24;
    for (i, b) in npi.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}
