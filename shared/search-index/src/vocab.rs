//! Medical vocabulary: synonym expansion at query time.
//!
//! # File format (UTF-8, one rule per line, `#` comments)
//! * `a|b|c` — equivalence group: a query for any member also matches the others
//!   (brand ↔ generic drug names, lay ↔ clinical terms).
//! * `a>b|c` — one-way: a query for `a` also matches `b` and `c`, not vice versa (ambiguous
//!   abbreviations, e.g. `mi>myocardial infarction`).
//!
//! Members are analysed with the same analyzer as documents and queries (lowercase, stopwords,
//! stemming), so `Heart Attacks` matches the rule `heart attack|myocardial infarction`.
//! Phrases are at most [`MAX_PHRASE`] terms.

use std::collections::HashMap;

use crate::analysis::Analyzer;
use crate::fuzzy::SortedTerms;

pub const MAX_PHRASE: usize = 4;

/// One alternative phrase (analysed terms) with its weight and display text.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    pub terms: Vec<String>,
    pub display: String,
    pub weight: f32,
}

#[derive(Debug, Default)]
pub struct Vocab {
    /// key (analysed terms joined by ' ') -> phrase id
    phrase_ids: HashMap<String, u32>,
    /// phrase id -> (analysed terms, display text)
    phrases: Vec<(Vec<String>, String)>,
    /// phrase id -> equivalence groups it belongs to `(group, weight)`
    member_of: HashMap<u32, Vec<(u32, f32)>>,
    groups: Vec<Vec<u32>>,
    /// one-way rules: phrase id -> (target phrase, weight)
    oneway: HashMap<u32, Vec<(u32, f32)>>,
    /// single-term keys, for typo tolerance on vocabulary words absent from the corpus
    pub single_terms: SortedTerms,
    /// lowercased display names, sorted, for autocomplete
    pub names: Vec<String>,
    rules: usize,
}

/// The vocabulary sources (text). Only the generator (`medportal-search-vocab`) and tests parse
/// them; hosts load the pre-analysed [`BUILTIN_BIN`] instead.
pub const BUILTIN_DRUGS: &str = include_str!("../data/synonyms.txt");
pub const BUILTIN_MEDICAL: &str = include_str!("../data/medical_terms.txt");
/// The shipped vocabulary, pre-analysed at build time (`data/vocab.bin`, see [`Vocab::encode`]):
/// decoding it costs a few milliseconds instead of analysing ~19k phrases at isolate start.
#[cfg(feature = "builtin-vocab")]
pub const BUILTIN_BIN: &[u8] = include_bytes!("../data/vocab.bin");

/// Pre-analysed vocabulary frame: `"MPSV" | version u16 LE | payload | xxh64(payload, 0) u64 LE`.
/// Payload: rules var; phrases (count var, per phrase: term count var, terms str×n, display as
/// prefix length shared with the terms joined by spaces var + suffix str); groups (count var, per group: weight
/// f32, member count var, member ids var); one-way rules (count var, per source in increasing
/// id: source var, target count var, per target: id var, weight f32).
pub const VOCAB_MAGIC: [u8; 4] = *b"MPSV";
pub const VOCAB_VERSION: u16 = 1;

impl Vocab {
    pub fn empty() -> Self {
        Self::default()
    }

    /// The shipped vocabulary: derived FDA brand↔generic names (weight 1.0) and the curated
    /// medical abbreviations / lay terms (weight 0.9), decoded from the pre-analysed
    /// `data/vocab.bin` (a test checks it equals [`Vocab::from_sources`]).
    #[cfg(feature = "builtin-vocab")]
    pub fn builtin() -> Self {
        // The embedded bytes are checked by tests; a corrupt build falls back to the sources.
        Self::decode(BUILTIN_BIN).unwrap_or_else(|_| Self::from_sources())
    }

    /// Analyse the text sources (slow: ~0.1–0.4 s; the generator and tests use it).
    pub fn from_sources() -> Self {
        let a = Analyzer::new();
        let mut v = Self::default();
        v.add_text(&a, BUILTIN_DRUGS, 1.0);
        v.add_text(&a, BUILTIN_MEDICAL, 0.9);
        v.finish();
        v
    }

    /// Serialise the analysed vocabulary (see [`VOCAB_MAGIC`] for the layout).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = crate::codec::Writer::new();
        w.var(self.rules as u64);
        w.var(self.phrases.len() as u64);
        for (terms, display) in &self.phrases {
            w.var(terms.len() as u64);
            for t in terms {
                w.str(t);
            }
            let key = terms.join(" ");
            let p = crate::format::common_prefix(&key, display);
            w.var(p as u64);
            w.str(&display[p..]);
        }
        // group weights: every member records the same weight for a group
        let mut gw = vec![1.0f32; self.groups.len()];
        for list in self.member_of.values() {
            for &(g, wt) in list {
                gw[g as usize] = wt;
            }
        }
        w.var(self.groups.len() as u64);
        for (g, members) in self.groups.iter().enumerate() {
            w.f32(gw[g]);
            w.var(members.len() as u64);
            for &m in members {
                w.var(m as u64);
            }
        }
        let mut srcs: Vec<&u32> = self.oneway.keys().collect();
        srcs.sort_unstable();
        w.var(srcs.len() as u64);
        for src in srcs {
            let targets = &self.oneway[src];
            w.var(*src as u64);
            w.var(targets.len() as u64);
            for &(t, wt) in targets {
                w.var(t as u64);
                w.f32(wt);
            }
        }
        let mut out = Vec::with_capacity(w.buf.len() + 14);
        out.extend_from_slice(&VOCAB_MAGIC);
        out.extend_from_slice(&VOCAB_VERSION.to_le_bytes());
        out.extend_from_slice(&w.buf);
        out.extend_from_slice(&crate::codec::xxh64(&w.buf, 0).to_le_bytes());
        out
    }

    /// Load a vocabulary written by [`Vocab::encode`] (checks magic, version and checksum).
    pub fn decode(bytes: &[u8]) -> Result<Self, crate::error::Error> {
        use crate::error::Error;
        if bytes.len() < 14 || bytes[..4] != VOCAB_MAGIC {
            return Err(Error::BadMagic);
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != VOCAB_VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        let payload = &bytes[6..bytes.len() - 8];
        let sum = u64::from_le_bytes(bytes[bytes.len() - 8..].try_into().map_err(|_| Error::Checksum)?);
        if crate::codec::xxh64(payload, 0) != sum {
            return Err(Error::Checksum);
        }
        let mut r = crate::codec::Reader::new(payload);
        let mut v = Self { rules: r.var()? as usize, ..Self::default() };
        let n = r.var()? as usize;
        if n > payload.len() {
            return Err(Error::Corrupt("vocab phrase count"));
        }
        v.phrases.reserve(n);
        v.phrase_ids.reserve(n);
        for id in 0..n {
            let k = r.var()? as usize;
            if k == 0 || k > MAX_PHRASE {
                return Err(Error::Corrupt("vocab phrase length"));
            }
            let terms: Vec<String> = (0..k).map(|_| r.str().map(str::to_string)).collect::<Result<_, _>>()?;
            let key = terms.join(" ");
            let p = r.var()? as usize;
            let suffix = r.str()?;
            let head = key.get(..p).ok_or(Error::Corrupt("vocab display prefix"))?;
            let display = format!("{head}{suffix}");
            v.phrase_ids.insert(key, id as u32);
            v.phrases.push((terms, display));
        }
        let check = |id: u64| if (id as usize) < n { Ok(id as u32) } else { Err(Error::Corrupt("vocab phrase id")) };
        let groups = r.var()? as usize;
        for g in 0..groups.min(payload.len()) {
            let wt = r.f32()?;
            let m = r.var()? as usize;
            let members: Vec<u32> = (0..m.min(payload.len())).map(|_| check(r.var()?)).collect::<Result<_, _>>()?;
            for &p in &members {
                v.member_of.entry(p).or_default().push((g as u32, wt));
            }
            v.groups.push(members);
        }
        let sources = r.var()? as usize;
        for _ in 0..sources.min(payload.len()) {
            let src = check(r.var()?)?;
            let m = r.var()? as usize;
            let mut targets = Vec::with_capacity(m.min(64));
            for _ in 0..m.min(payload.len()) {
                targets.push((check(r.var()?)?, r.f32()?));
            }
            v.oneway.insert(src, targets);
        }
        if !r.done() {
            return Err(Error::Corrupt("trailing bytes in vocab"));
        }
        v.finish();
        Ok(v)
    }

    /// Parse one vocabulary text with a weight for its expansions.
    pub fn parse(text: &str, weight: f32) -> Self {
        let a = Analyzer::new();
        let mut v = Self::default();
        v.add_text(&a, text, weight);
        v.finish();
        v
    }

    /// Number of rules (lines) loaded.
    pub fn rules(&self) -> usize {
        self.rules
    }
    /// Number of distinct phrases.
    pub fn phrases(&self) -> usize {
        self.phrases.len()
    }

    fn phrase(&mut self, a: &Analyzer, text: &str) -> Option<u32> {
        let terms = a.terms(text);
        if terms.is_empty() || terms.len() > MAX_PHRASE {
            return None;
        }
        let key = terms.join(" ");
        if let Some(&id) = self.phrase_ids.get(&key) {
            return Some(id);
        }
        let id = self.phrases.len() as u32;
        self.phrase_ids.insert(key, id);
        self.phrases.push((terms, text.trim().to_lowercase()));
        Some(id)
    }

    pub fn add_text(&mut self, a: &Analyzer, text: &str, weight: f32) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if let Some((lhs, rhs)) = line.split_once('>') {
                let Some(src) = self.phrase(a, lhs) else { continue };
                let targets: Vec<u32> = rhs.split('|').filter_map(|t| self.phrase(a, t)).collect();
                let e = self.oneway.entry(src).or_default();
                for t in targets {
                    if t != src && !e.iter().any(|x| x.0 == t) {
                        e.push((t, weight));
                    }
                }
                self.rules += 1;
            } else {
                let mut members: Vec<u32> = line.split('|').filter_map(|t| self.phrase(a, t)).collect();
                members.sort_unstable();
                members.dedup();
                if members.len() < 2 {
                    continue;
                }
                let g = self.groups.len() as u32;
                for &m in &members {
                    self.member_of.entry(m).or_default().push((g, weight));
                }
                self.groups.push(members);
                self.rules += 1;
            }
        }
    }

    pub fn finish(&mut self) {
        let mut singles = Vec::new();
        let mut names = Vec::new();
        for (key, &id) in &self.phrase_ids {
            if self.member_of.contains_key(&id) || self.oneway.contains_key(&id) {
                if !key.contains(' ') {
                    singles.push(key.clone());
                }
                names.push(self.phrases[id as usize].1.clone());
            }
        }
        self.single_terms = SortedTerms::new(singles);
        names.sort_unstable();
        names.dedup();
        self.names = names;
    }

    /// Alternatives for an analysed phrase (terms), excluding itself.
    pub fn alternatives(&self, terms: &[&str]) -> Vec<Alternative> {
        self.alternatives_key(&terms.join(" "))
    }

    pub fn alternatives_key(&self, key: &str) -> Vec<Alternative> {
        let Some(&id) = self.phrase_ids.get(key) else { return Vec::new() };
        let mut out: Vec<(u32, f32)> = Vec::new();
        let mut add = |p: u32, w: f32| {
            if p == id {
                return;
            }
            match out.iter_mut().find(|x| x.0 == p) {
                Some(x) => x.1 = x.1.max(w),
                None => out.push((p, w)),
            }
        };
        if let Some(gs) = self.member_of.get(&id) {
            for &(g, w) in gs {
                for &p in &self.groups[g as usize] {
                    add(p, w);
                }
            }
        }
        if let Some(t) = self.oneway.get(&id) {
            for &(p, w) in t {
                add(p, w);
            }
        }
        out.into_iter()
            .map(|(p, w)| {
                let (t, d) = &self.phrases[p as usize];
                Alternative { terms: t.clone(), display: d.clone(), weight: w }
            })
            .collect()
    }

    fn is_key(&self, key: &str) -> bool {
        self.phrase_ids
            .get(key)
            .is_some_and(|id| self.member_of.contains_key(id) || self.oneway.contains_key(id))
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.is_key(key)
    }

    /// Display text of a phrase key, if known.
    pub fn display(&self, key: &str) -> Option<&str> {
        self.phrase_ids.get(key).map(|&p| self.phrases[p as usize].1.as_str())
    }

    /// Greedy longest-match of vocabulary phrases over analysed query terms.
    /// Returns `(start, len)` spans.
    pub fn match_spans(&self, terms: &[&str]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        let mut key = String::new();
        while i < terms.len() {
            let mut matched = 0;
            for len in (1..=MAX_PHRASE.min(terms.len() - i)).rev() {
                key.clear();
                for (k, t) in terms[i..i + len].iter().enumerate() {
                    if k > 0 {
                        key.push(' ');
                    }
                    key.push_str(t);
                }
                if self.is_key(&key) {
                    matched = len;
                    break;
                }
            }
            if matched > 0 {
                out.push((i, matched));
                i += matched;
            } else {
                i += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn groups_and_one_way() {
        let v = Vocab::parse("metformin|glucophage\nheart attack|myocardial infarction\nmi>myocardial infarction\n", 1.0);
        let a = Analyzer::new();
        let g = a.terms("Glucophage");
        let alts = v.alternatives(&g.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(alts[0].terms, ["metformin"]);
        let mi = v.alternatives(&["mi"]);
        assert_eq!(mi.len(), 1);
        let back = v.alternatives_key(&a.terms("myocardial infarction").join(" "));
        assert!(back.iter().all(|x| x.terms != ["mi"]), "one-way rule must not reverse");
        assert!(back.iter().any(|x| x.display == "heart attack"));
        let q = a.terms("treatment after heart attacks");
        let spans = v.match_spans(&q.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(spans, [(2, 2)]);
    }
    /// `data/vocab.bin` must be regenerated whenever the sources or the analyzer change:
    /// `cargo run -p medportal-search-index --bin medportal-search-vocab -- data/vocab.bin`.
    #[cfg(feature = "builtin-vocab")]
    #[test]
    fn embedded_vocab_is_the_analysed_sources() {
        let fresh = Vocab::from_sources();
        assert!(BUILTIN_BIN == fresh.encode().as_slice(), "data/vocab.bin is stale: regenerate it");
        let v = Vocab::decode(BUILTIN_BIN).unwrap();
        assert_eq!(v.encode(), fresh.encode());
        assert_eq!((v.rules(), v.phrases()), (fresh.rules(), fresh.phrases()));
        assert_eq!(v.names, fresh.names);
        let a = Analyzer::new();
        for q in ["lipitor", "heart attack", "mi", "metformin"] {
            let k = a.terms(q).join(" ");
            assert_eq!(v.alternatives_key(&k), fresh.alternatives_key(&k), "{q}");
        }
        let mut bad = BUILTIN_BIN.to_vec();
        bad[20] ^= 1;
        assert!(Vocab::decode(&bad).is_err());
    }

    #[cfg(feature = "builtin-vocab")]
    #[test]
    fn builtin_loads() {
        let v = Vocab::builtin();
        assert!(v.rules() > 100);
        let a = Analyzer::new();
        let k = a.terms("Lipitor").join(" ");
        assert!(v.alternatives_key(&k).iter().any(|x| x.display == "atorvastatin"));
    }
}
