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

#[cfg(feature = "builtin-vocab")]
pub const BUILTIN_DRUGS: &str = include_str!("../data/synonyms.txt");
#[cfg(feature = "builtin-vocab")]
pub const BUILTIN_MEDICAL: &str = include_str!("../data/medical_terms.txt");

impl Vocab {
    pub fn empty() -> Self {
        Self::default()
    }

    /// The shipped vocabulary: derived FDA brand↔generic names (weight 1.0) and the curated
    /// medical abbreviations / lay terms (weight 0.9).
    #[cfg(feature = "builtin-vocab")]
    pub fn builtin() -> Self {
        let a = Analyzer::new();
        let mut v = Self::default();
        v.add_text(&a, BUILTIN_DRUGS, 1.0);
        v.add_text(&a, BUILTIN_MEDICAL, 0.9);
        v.finish();
        v
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
