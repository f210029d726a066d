//! Typo tolerance: bounded Damerau (optimal string alignment) edit distance over a *sorted*
//! term list, reusing DP rows across terms that share a prefix (an implicit trie walk). A term
//! whose prefix already exceeds the bound is skipped in O(1) together with every following
//! term that shares that prefix, so a lookup touches each lexicon entry at most once and most
//! of them only for a byte comparison.
//!
//! Policy ([`max_edits`]): no typo tolerance below 5 characters, 1 edit for 5–8, 2 for ≥ 9.

/// A sorted list of terms with the longest-common-prefix (bytes) to the previous term.
pub trait TermList {
    fn len(&self) -> usize;
    fn term_bytes(&self, i: usize) -> &[u8];
    /// LCP with term i-1 (0 for i = 0), capped at 255.
    fn lcp(&self, i: usize) -> usize;
}

impl TermList for crate::format::Lexicon {
    fn len(&self) -> usize {
        crate::format::Lexicon::len(self)
    }
    fn term_bytes(&self, i: usize) -> &[u8] {
        crate::format::Lexicon::term_bytes(self, i)
    }
    fn lcp(&self, i: usize) -> usize {
        self.lcp[i] as usize
    }
}

/// Simple owned sorted term list.
#[derive(Debug, Default, Clone)]
pub struct SortedTerms {
    pub terms: Vec<String>,
    lcp: Vec<u8>,
}

impl SortedTerms {
    pub fn new(mut terms: Vec<String>) -> Self {
        terms.sort_unstable();
        terms.dedup();
        let mut lcp = Vec::with_capacity(terms.len());
        for i in 0..terms.len() {
            let l = if i == 0 { 0 } else { crate::format::common_prefix(&terms[i - 1], &terms[i]) };
            lcp.push(l.min(255) as u8);
        }
        Self { terms, lcp }
    }
}

impl TermList for SortedTerms {
    fn len(&self) -> usize {
        self.terms.len()
    }
    fn term_bytes(&self, i: usize) -> &[u8] {
        self.terms[i].as_bytes()
    }
    fn lcp(&self, i: usize) -> usize {
        self.lcp[i] as usize
    }
}

/// Allowed edits for a query token of `chars` characters.
pub fn max_edits(chars: usize) -> u32 {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Call `f(index, distance)` for every term within `max_d` edits of `query`
/// (excluding exact matches when `skip_exact`).
pub fn search<L: TermList + ?Sized>(list: &L, query: &[u8], max_d: u32, mut f: impl FnMut(usize, u32)) {
    let m = query.len();
    if m == 0 || max_d == 0 {
        return;
    }
    const MAXD: usize = 64;
    let width = m + 1;
    let mut rows = vec![0u32; (MAXD + 1) * width];
    for j in 0..=m {
        rows[j] = j as u32;
    }
    let mut valid = 0usize; // rows[0..=valid] are computed for the previous term's prefix
    let mut dead = usize::MAX; // depth at which the previous term's prefix exceeded max_d
    let mut prev_bytes: &[u8] = &[];
    for i in 0..list.len() {
        let t = list.term_bytes(i);
        let l = if i == 0 { 0 } else { list.lcp(i) };
        if dead <= l {
            // shares a prefix that is already too far
            valid = valid.min(l);
            continue;
        }
        dead = usize::MAX;
        let _ = prev_bytes;
        prev_bytes = t;
        if t.len() > MAXD {
            valid = 0;
            continue;
        }
        let mut depth = valid.min(l);
        let mut ok = true;
        while depth < t.len() {
            let d = depth + 1;
            let c = t[d - 1];
            let (before, cur) = rows.split_at_mut(d * width);
            let prev = &before[(d - 1) * width..d * width];
            let cur = &mut cur[..width];
            cur[0] = d as u32;
            let mut row_min = cur[0];
            for j in 1..=m {
                let cost = (query[j - 1] != c) as u32;
                let mut v = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
                if d >= 2 && j >= 2 && c == query[j - 2] && t[d - 2] == query[j - 1] {
                    v = v.min(before[(d - 2) * width + j - 2] + 1);
                }
                cur[j] = v;
                row_min = row_min.min(v);
            }
            depth = d;
            if row_min > max_d {
                dead = d;
                ok = false;
                break;
            }
        }
        valid = depth;
        if ok {
            let dist = rows[t.len() * width + m];
            if dist <= max_d {
                f(i, dist);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn find(terms: &[&str], q: &str, d: u32) -> Vec<(String, u32)> {
        let st = SortedTerms::new(terms.iter().map(|s| s.to_string()).collect());
        let mut out = Vec::new();
        search(&st, q.as_bytes(), d, |i, dist| out.push((st.terms[i].clone(), dist)));
        out
    }
    fn brute(a: &str, b: &str) -> u32 {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        let mut d = vec![vec![0u32; b.len() + 1]; a.len() + 1];
        for i in 0..=a.len() {
            d[i][0] = i as u32;
        }
        for j in 0..=b.len() {
            d[0][j] = j as u32;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let c = (a[i - 1] != b[j - 1]) as u32;
                d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + c);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }
    #[test]
    fn finds_typos() {
        let terms = ["metformin", "metoprolol", "atorvastatin", "atorvastatins", "rosuvastatin", "met"];
        assert_eq!(find(&terms, "metformn", 1), [("metformin".to_string(), 1)]);
        assert_eq!(find(&terms, "metfromin", 1), [("metformin".to_string(), 1)]);
        let r = find(&terms, "atorvastatn", 2);
        assert!(r.contains(&("atorvastatin".to_string(), 1)));
    }
    #[test]
    fn matches_bruteforce() {
        let words: Vec<String> = "a ab abc abd abcd abce b bc bcd insulin insuline insulins insular glargine glargin lispro aspart degludec detemir"
            .split(' ')
            .map(String::from)
            .collect();
        let st = SortedTerms::new(words.clone());
        for q in ["insulin", "abc", "glargne", "degludek", "lisrpo", "bcd", "x"] {
            for d in 1..=2 {
                let mut got = Vec::new();
                search(&st, q.as_bytes(), d, |i, dist| got.push((st.terms[i].clone(), dist)));
                let mut want: Vec<(String, u32)> = st
                    .terms
                    .iter()
                    .map(|w| (w.clone(), brute(w, q)))
                    .filter(|(_, x)| *x <= d)
                    .collect();
                want.sort();
                got.sort();
                assert_eq!(got, want, "q={q} d={d}");
            }
        }
    }
    #[test]
    fn policy() {
        assert_eq!(max_edits(4), 0);
        assert_eq!(max_edits(5), 1);
        assert_eq!(max_edits(8), 1);
        assert_eq!(max_edits(9), 2);
    }
}
