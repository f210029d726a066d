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
    /// key (analysed terms joined by ' ') -> phrase ids of alternatives (with weights)
    map: HashMap<String, Vec<(u32, f32)>>,
    phrases: Vec<(Vec<String>, String)>,
    phrase_ids: HashMap<String, u32>,
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

    pub fn rules(&self) -> usize {
        self.rules
    }
    pub fn keys(&self) -> usize {
        self.map.len()
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

    fn link(&mut self, from: u32, to: u32, w: f32) {
        if from == to {
            return;
        }
        let key = self.phrases[from as usize].0.join(" ");
        let e = self.map.entry(key).or_default();
        if let Some(x) = e.iter_mut().find(|(p, _)| *p == to) {
            x.1 = x.1.max(w);
        } else {
            e.push((to, w));
        }
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
                for t in targets {
                    self.link(src, t, weight);
                }
                self.rules += 1;
            } else {
                let members: Vec<u32> = line.split('|').filter_map(|t| self.phrase(a, t)).collect();
                if members.len() < 2 {
                    continue;
                }
                for &x in &members {
                    for &y in &members {
                        self.link(x, y, weight);
                    }
                }
                self.rules += 1;
            }
        }
    }

    pub fn finish(&mut self) {
        let singles: Vec<String> = self
            .map
            .keys()
            .filter(|k| !k.contains(' '))
            .cloned()
            .collect();
        self.single_terms = SortedTerms::new(singles);
        let mut names: Vec<String> = self
            .map
            .keys()
            .filter_map(|k| self.phrase_ids.get(k).map(|&p| self.phrases[p as usize].1.clone()))
            .collect();
        names.sort_unstable();
        names.dedup();
        self.names = names;
    }

    /// Alternatives for an analysed phrase (terms), excluding itself.
    pub fn alternatives(&self, terms: &[&str]) -> Vec<Alternative> {
        let key = terms.join(" ");
        self.alternatives_key(&key)
    }

    pub fn alternatives_key(&self, key: &str) -> Vec<Alternative> {
        match self.map.get(key) {
            None => Vec::new(),
            Some(v) => v
                .iter()
                .map(|&(p, w)| {
                    let (t, d) = &self.phrases[p as usize];
                    Alternative { terms: t.clone(), display: d.clone(), weight: w }
                })
                .collect(),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.map.contains_key(key)
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
                if self.map.contains_key(&key) {
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
