//! Message-catalog parsing, validation and code generation.
//!
//! Shared by `build.rs` (which fails the build on any error) and by the
//! crate's unit tests (which check that broken catalogs are rejected).
//! std only, no dependencies.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// One `key = value` line of a catalog.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// Sorted, de-duplicated placeholder names.
    pub placeholders: BTreeSet<String>,
    pub line: usize,
}

/// A parsed catalog for one locale.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub locale: String,
    pub entries: Vec<Entry>,
}

fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some('a'..='z'))
        && key
            .chars()
            .all(|c| matches!(c, 'a'..='z' | '0'..='9' | '.' | '_'))
        && !key.ends_with('.')
        && !key.contains("..")
}

fn valid_placeholder(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Extracts `{name}` placeholders; rejects stray or unbalanced braces.
pub fn placeholders(value: &str) -> Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    let mut rest = value;
    while let Some(pos) = rest.find(['{', '}']) {
        if rest.as_bytes()[pos] == b'}' {
            return Err("stray '}'".into());
        }
        let after = &rest[pos + 1..];
        let end = after
            .find(['{', '}'])
            .filter(|&e| after.as_bytes()[e] == b'}')
            .ok_or_else(|| "unclosed '{'".to_string())?;
        let name = &after[..end];
        if !valid_placeholder(name) {
            return Err(format!("invalid placeholder name {{{name}}}"));
        }
        out.insert(name.to_string());
        rest = &after[end + 1..];
    }
    Ok(out)
}

/// Parses one catalog. Collects every error instead of stopping at the first.
pub fn parse(locale: &str, src: &str) -> Result<Catalog, Vec<String>> {
    let mut errors = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (idx, raw) in src.lines().enumerate() {
        let line = idx + 1;
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let Some((key, value)) = text.split_once('=') else {
            errors.push(format!("{locale}:{line}: expected `key = value`"));
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if !valid_key(key) {
            errors.push(format!(
                "{locale}:{line}: invalid key `{key}` (use lowercase a-z, 0-9, '.', '_')"
            ));
            continue;
        }
        if value.is_empty() {
            errors.push(format!("{locale}:{line}: empty value for `{key}`"));
            continue;
        }
        if let Some(prev) = seen.get(key) {
            errors.push(format!(
                "{locale}:{line}: duplicate key `{key}` (first defined on line {prev})"
            ));
            continue;
        }
        match placeholders(value) {
            Ok(placeholders) => {
                seen.insert(key.to_string(), line);
                entries.push(Entry {
                    key: key.to_string(),
                    value: value.to_string(),
                    placeholders,
                    line,
                });
            }
            Err(e) => errors.push(format!("{locale}:{line}: `{key}`: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(Catalog {
            locale: locale.to_string(),
            entries,
        })
    } else {
        Err(errors)
    }
}

/// `error.title.404` -> `ErrorTitle404`, `month.01` -> `Month01`.
/// Splits an area file into its locales' texts, in the order of `locales`: a line `[xx]`
/// starts locale `xx`'s section; lines before the first section may only be comments or
/// blank. Every locale must have exactly one section.
pub fn split_locales(src: &str, locales: &[&str]) -> Result<Vec<String>, String> {
    let mut parts: Vec<Option<String>> = vec![None; locales.len()];
    let mut current: Option<usize> = None;
    for (n, line) in src.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(tag) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            let i = locales.iter().position(|l| *l == tag).ok_or_else(|| format!("line {}: unknown locale [{tag}]", n + 1))?;
            if parts[i].is_some() {
                return Err(format!("line {}: a second [{tag}] section", n + 1));
            }
            // Blank lines in place of what came before keep the file's line numbers.
            parts[i] = Some("\n".repeat(n + 1));
            current = Some(i);
            continue;
        }
        match current {
            Some(i) => {
                let part = parts[i].get_or_insert_with(String::new);
                part.push_str(line);
                part.push('\n');
            }
            None if trimmed.is_empty() || trimmed.starts_with('#') => {}
            None => return Err(format!("line {}: text before the first [locale] section", n + 1)),
        }
    }
    parts
        .into_iter()
        .zip(locales)
        .map(|(p, l)| p.ok_or_else(|| format!("no [{l}] section")))
        .collect()
}

pub fn variant_name(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for segment in key.split(['.', '_']).filter(|s| !s.is_empty()) {
        let mut chars = segment.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// Cross-checks catalogs: the first one is the reference; every other must
/// have exactly the same keys with the same placeholder sets. Also rejects
/// keys that would map to the same enum variant.
pub fn check(catalogs: &[Catalog]) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(reference) = catalogs.first() else {
        return vec!["no catalogs".into()];
    };
    let mut variants: HashMap<String, &str> = HashMap::new();
    for e in &reference.entries {
        let v = variant_name(&e.key);
        if let Some(other) = variants.insert(v.clone(), &e.key) {
            errors.push(format!(
                "keys `{other}` and `{}` both map to variant `{v}`",
                e.key
            ));
        }
    }
    for cat in &catalogs[1..] {
        let by_key: HashMap<&str, &Entry> =
            cat.entries.iter().map(|e| (e.key.as_str(), e)).collect();
        for r in &reference.entries {
            match by_key.get(r.key.as_str()) {
                None => errors.push(format!(
                    "{}.txt: missing key `{}` (defined in {}.txt:{})",
                    cat.locale, r.key, reference.locale, r.line
                )),
                Some(e) if e.placeholders != r.placeholders => errors.push(format!(
                    "{}.txt:{}: placeholders of `{}` are {:?} but {}.txt:{} has {:?}",
                    cat.locale,
                    e.line,
                    r.key,
                    e.placeholders,
                    reference.locale,
                    r.line,
                    r.placeholders
                )),
                Some(_) => {}
            }
        }
        let ref_keys: BTreeSet<&str> = reference.entries.iter().map(|e| e.key.as_str()).collect();
        for e in &cat.entries {
            if !ref_keys.contains(e.key.as_str()) {
                errors.push(format!(
                    "{}.txt:{}: key `{}` does not exist in {}.txt",
                    cat.locale, e.line, e.key, reference.locale
                ));
            }
        }
    }
    errors
}

/// Generates the `Msg` enum and one lookup table per locale, in the order of
/// `catalogs` (which must match the order of the `Locale` enum). Call only
/// after `check` returned no errors.
pub fn generate(catalogs: &[Catalog]) -> String {
    let reference = &catalogs[0];
    let n = reference.entries.len();
    let by_locale: Vec<HashMap<&str, &str>> = catalogs
        .iter()
        .map(|cat| cat.entries.iter().map(|e| (e.key.as_str(), e.value.as_str())).collect())
        .collect();
    let mut s = String::new();
    s.push_str("// @generated by build.rs from messages/*.txt — do not edit.\n\n");
    // Each message is its own constant pointing at its own static texts, so a function's
    // wasm links only the messages it renders (a single table would link them all).
    s.push_str("#[allow(non_upper_case_globals)]\nimpl Msg {\n");
    for e in &reference.entries {
        let doc = format!("`{}`: {}", e.key, e.value);
        let _ = write!(
            s,
            "    #[doc = {doc:?}]\n    pub const {}: Msg = Msg(&MsgDef {{ #[cfg(test)] key: {:?}, #[cfg(test)] placeholders: &[",
            variant_name(&e.key),
            e.key
        );
        for p in &e.placeholders {
            let _ = write!(s, "{p:?}, ");
        }
        s.push_str("], text: [");
        for texts in &by_locale {
            let _ = write!(s, "{:?}, ", texts[e.key.as_str()]);
        }
        s.push_str("] });\n");
    }
    s.push_str("}\n\n");
    let _ = writeln!(s, "const MSG_COUNT: usize = {n};");
    let _ = writeln!(s, "const LOCALE_COUNT: usize = {};\n", catalogs.len());
    s.push_str("impl Msg {\n    /// Every message, in catalog order (tests and tooling; links every text).\n");
    let _ = write!(s, "    pub const ALL: [Msg; {n}] = [");
    for e in &reference.entries {
        let _ = write!(s, "Msg::{}, ", variant_name(&e.key));
    }
    s.push_str("];\n}\n");
    s
}

/// FNV-1a, 64 bit. Stable across platforms and Rust versions.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
