//! Text analysis shared by the index builder and the query engine:
//! Unicode-aware tokenizer, normalisation, stopwords and Snowball English (Porter2) stemming.
//!
//! Tokenizer rules (see tests at the bottom):
//! * a token is a run of alphanumeric characters; `-`, `/`, `.`, `'` join parts of one *word*
//!   only when they sit between two alphanumerics;
//! * text is lowercased, Latin accents folded (é→e, ß→ss) and Greek letters spelled out
//!   (α→alpha), so "TNF-α" and "TNF-alpha" index identically;
//! * a word with several parts emits each part, and additionally the concatenation of the parts
//!   when one of them contains a digit or is at most 3 characters long ("IL-6" → `il`, `6`,
//!   `il6`; "GLP-1" → `glp`, `1`, `glp1`; "COVID-19" → `covid`, `19`, `covid19`), so drug and
//!   gene names with digits/hyphens match whether or not the user types the hyphen;
//! * `.` between digits stays inside the number ("2.5"); a trailing possessive `'s` is dropped;
//! * parts with digits are not stemmed; other parts go through Snowball English.

use rust_stemmers::{Algorithm, Stemmer};

/// Maximum token length in bytes; longer runs (base64, sequences) are ignored.
pub const MAX_TOKEN_LEN: usize = 48;

/// English stopwords (Lucene's classic English set plus a few function words that carry no
/// retrieval signal in clinical text).
pub const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do",
    "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "may", "might", "must", "no", "not", "of", "on", "or", "our",
    "shall", "she", "should", "so", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "to", "was", "we", "were", "what", "when",
    "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
];

pub fn is_stopword(t: &str) -> bool {
    // STOPWORDS is sorted: binary search.
    STOPWORDS.binary_search(&t).is_ok()
}

fn fold_char(c: char, out: &mut String) {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => out.push('a'),
        'ç' | 'č' | 'ć' => out.push('c'),
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' => out.push('e'),
        'ì' | 'í' | 'î' | 'ï' | 'ī' => out.push('i'),
        'ñ' | 'ń' => out.push('n'),
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => out.push('o'),
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => out.push('u'),
        'ý' | 'ÿ' => out.push('y'),
        'š' | 'ś' => out.push('s'),
        'ž' | 'ź' | 'ż' => out.push('z'),
        'ł' => out.push('l'),
        'ß' => out.push_str("ss"),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'α' => out.push_str("alpha"),
        'β' => out.push_str("beta"),
        'γ' => out.push_str("gamma"),
        'δ' => out.push_str("delta"),
        'ε' => out.push_str("epsilon"),
        'κ' => out.push_str("kappa"),
        'λ' => out.push_str("lambda"),
        'ω' => out.push_str("omega"),
        _ => out.push(c),
    }
}

#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

#[inline]
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '/' | '.' | '\'' | '’' | '‐' | '‑' | '_')
}

/// One token produced by [`tokenize`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token<'a> {
    /// Normalised (lowercased, folded) text.
    pub text: &'a str,
    /// Byte range in the original input (for highlighting).
    pub start: usize,
    pub end: usize,
    /// Word position (parts of a hyphenated word get consecutive positions; the joined
    /// compound shares the position of its first part).
    pub pos: u32,
}

/// Tokenize `text`, calling `f` for every token. No allocation per token beyond one reused
/// scratch buffer.
#[inline]
pub fn tokenize(text: &str, mut f: impl FnMut(Token<'_>)) {
    tokenize_dyn(text, &mut f)
}

/// [`tokenize`] without a copy of the tokenizer per caller (size of the Workers).
fn tokenize_dyn(text: &str, f: &mut dyn FnMut(Token<'_>)) {
    tokenize_with::<true>(text, f)
}

/// The tokenizer. With `ASCII_FAST` an ASCII letter or digit inside a word is taken without
/// decoding, lowercasing and folding it as a `char` (most of the library's text is ASCII);
/// `false` (tests only) decodes every character, which the fast path must match exactly.
fn tokenize_with<const ASCII_FAST: bool>(text: &str, f: &mut dyn FnMut(Token<'_>)) {
    let bytes = text.as_bytes();
    let mut pos: u32 = 0;
    // parts of the current word: (norm_start, norm_end, src_start, src_end, has_digit)
    let mut parts: Vec<(usize, usize, usize, usize, bool)> = Vec::with_capacity(8);
    let mut norm = String::with_capacity(64);
    let mut compound = String::with_capacity(64);
    let mut i = 0usize;
    let n = bytes.len();
    while i < n {
        // skip to next word char
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        if !is_word_char(c) {
            i += c.len_utf8();
            continue;
        }
        // collect one word (parts joined by joiners)
        parts.clear();
        norm.clear();
        let mut j = i;
        let mut part_start_src = i;
        let mut part_start_norm = 0usize;
        let mut has_digit = false;
        let mut prev_digit = false;
        loop {
            // an ASCII letter or digit: what the general path below does for it (a word char,
            // numeric only if a digit, lowercased, nothing to fold), without decoding it
            if ASCII_FAST
                && let Some(&b) = bytes.get(j)
                && b.is_ascii_alphanumeric()
            {
                prev_digit = b.is_ascii_digit();
                has_digit |= prev_digit;
                norm.push(b.to_ascii_lowercase() as char);
                j += 1;
                continue;
            }
            let c = match text[j..].chars().next() {
                Some(c) => c,
                None => break,
            };
            if is_word_char(c) {
                if c.is_numeric() {
                    has_digit = true;
                    prev_digit = true;
                } else {
                    prev_digit = false;
                }
                for lc in c.to_lowercase() {
                    fold_char(lc, &mut norm);
                }
                j += c.len_utf8();
                continue;
            }
            if is_joiner(c) {
                let next = text[j + c.len_utf8()..].chars().next();
                if let Some(nc) = next
                    && is_word_char(nc) {
                        if c == '.' && prev_digit && nc.is_numeric() {
                            // decimal number: keep the dot inside the part
                            norm.push('.');
                            j += 1;
                            continue;
                        }
                        parts.push((part_start_norm, norm.len(), part_start_src, j, has_digit));
                        j += c.len_utf8();
                        part_start_src = j;
                        part_start_norm = norm.len();
                        has_digit = false;
                        prev_digit = false;
                        if c == '\'' || c == '’' {
                            // possessive / contraction: drop a following lone "s"
                            let rest = &text[j..];
                            let mut it = rest.chars();
                            if matches!(it.next(), Some('s' | 'S'))
                                && !it.next().is_some_and(is_word_char)
                            {
                                j += 1;
                                part_start_src = j;
                                break;
                            }
                        }
                        continue;
                    }
            }
            break;
        }
        if part_start_src < j {
            parts.push((part_start_norm, norm.len(), part_start_src, j, has_digit));
        }
        i = j.max(i + 1);
        let word_start = parts.first().map(|p| p.2).unwrap_or(0);
        let word_end = parts.last().map(|p| p.3).unwrap_or(0);
        let first_pos = pos;
        for &(ns, ne, ss, se, _) in &parts {
            if ne > ns && ne - ns <= MAX_TOKEN_LEN {
                f(Token { text: &norm[ns..ne], start: ss, end: se, pos });
            }
            pos += 1;
        }
        if parts.len() >= 2 && parts.len() <= 4 {
            let want = parts.iter().any(|&(ns, ne, _, _, d)| d || ne - ns <= 3);
            if want {
                compound.clear();
                for &(ns, ne, ..) in &parts {
                    compound.push_str(&norm[ns..ne]);
                }
                if compound.len() <= MAX_TOKEN_LEN {
                    f(Token { text: &compound, start: word_start, end: word_end, pos: first_pos });
                }
            }
        }
    }
}

/// What every token that [`Analyzer::stem`] turns into `term` starts with: the term without
/// its last two characters, and at least its first. Snowball English never changes a word's
/// first letter, and of what it keeps it rewrites at most the last two characters: "bility"
/// becomes "ble" (later "bl"), "ational" "ate", a final "y" "i", "dying" "die", an "e" is
/// added after "at"/"bl"/"iz" or a short syllable; everything else it removes. A token with a
/// digit, or of two bytes at most, is its own term. (Checked on every distinct token of the
/// SciFact corpus, 52,130: the most rewritten is two characters, "dying".)
pub fn stem_prefix(term: &str) -> &str {
    let n = term.chars().count().saturating_sub(2).max(1);
    term.char_indices().nth(n).map_or(term, |(i, _)| &term[..i])
}

/// Calls `f` for the tokens of `text` that [`tokenize`] yields and whose text starts with one
/// of `prefixes` (in order, with the same offsets; `pos` counts from the token's run of
/// non-whitespace), tokenizing only the runs that may hold one: a run of ASCII text is skipped
/// unless a prefix occurs in it, ignoring case and joiners (as a token's text is built); a run
/// with any other character is tokenized. A token never spans ASCII whitespace, and the
/// tokenizer never looks back, so a run tokenizes as it does within the whole text.
/// For snippets: their text is long, the terms they mark few.
pub fn tokens_starting_with(text: &str, prefixes: &[&str], mut f: impl FnMut(Token<'_>)) {
    let bytes = text.as_bytes();
    // the bytes worth a closer look: a prefix's first (either case) and any non-ASCII
    let mut look = [false; 256];
    look[0x80..].fill(true);
    for p in prefixes {
        match p.as_bytes().first() {
            Some(&b) => (look[b.to_ascii_lowercase() as usize], look[b.to_ascii_uppercase() as usize]) = (true, true),
            None => look.fill(true),
        }
    }
    let mut i = 0;
    while let Some(k) = bytes[i..].iter().position(|&b| look[b as usize]) {
        i += k;
        if bytes[i] < 0x80 && !prefixes.iter().any(|p| may_start_at(bytes, i, p.as_bytes())) {
            i += 1;
            continue;
        }
        let start = bytes[..i].iter().rposition(u8::is_ascii_whitespace).map_or(0, |w| w + 1);
        let end = bytes[i..].iter().position(u8::is_ascii_whitespace).map_or(bytes.len(), |w| i + w);
        tokenize_dyn(&text[start..end], &mut |t| {
            if prefixes.iter().any(|p| t.text.starts_with(p)) {
                f(Token { start: start + t.start, end: start + t.end, ..t });
            }
        });
        i = end;
    }
}

/// Whether a token's text starting with `prefix` may be read from `bytes` at `i`: ASCII
/// compared without case, ASCII joiners skipped after the first character; any other
/// character may fold into anything, so it answers yes.
fn may_start_at(bytes: &[u8], i: usize, prefix: &[u8]) -> bool {
    let Some((&first, rest)) = prefix.split_first() else { return true };
    if bytes[i].to_ascii_lowercase() != first {
        return false;
    }
    let mut j = i + 1;
    for &c in rest {
        loop {
            match bytes.get(j) {
                Some(&b) if b.to_ascii_lowercase() == c => break,
                Some(&b) if b >= 0x80 => return true,
                Some(b'-' | b'/' | b'.' | b'\'' | b'_') => j += 1,
                _ => return false,
            }
        }
        j += 1;
    }
    true
}

/// Analyzer = tokenizer + stopwords + stemmer. Create one and reuse it.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Analyzer {
    pub fn new() -> Self {
        Self { stemmer: Stemmer::create(Algorithm::English) }
    }

    /// Stem one normalised token (tokens containing digits are returned unchanged).
    pub fn stem<'a>(&self, tok: &'a str) -> std::borrow::Cow<'a, str> {
        if tok.bytes().any(|b| b.is_ascii_digit()) || tok.len() <= 2 {
            std::borrow::Cow::Borrowed(tok)
        } else {
            self.stemmer.stem(tok)
        }
    }

    /// Analyse text into index terms. `f(term, surface_token)`.
    #[inline]
    pub fn analyze(&self, text: &str, mut f: impl FnMut(&str, &Token<'_>)) {
        self.analyze_dyn(text, &mut f)
    }

    fn analyze_dyn(&self, text: &str, f: &mut dyn FnMut(&str, &Token<'_>)) {
        tokenize_dyn(text, &mut |t| {
            if is_stopword(t.text) {
                return;
            }
            let s = self.stem(t.text);
            f(&s, &t);
        });
    }

    /// Convenience: analysed terms as owned strings.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut v = Vec::new();
        self.analyze(text, |t, _| v.push(t.to_string()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn toks(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        tokenize(s, |t| v.push(t.text.to_string()));
        v
    }
    #[test]
    fn stopwords_sorted() {
        let mut s = STOPWORDS.to_vec();
        s.sort();
        assert_eq!(s, STOPWORDS);
    }
    #[test]
    fn tokenizer_rules() {
        assert_eq!(toks("IL-6 levels"), ["il", "6", "il6", "levels"]);
        assert_eq!(toks("COVID-19"), ["covid", "19", "covid19"]);
        assert_eq!(toks("anti-inflammatory"), ["anti", "inflammatory"]);
        assert_eq!(toks("TNF-α"), ["tnf", "alpha", "tnfalpha"]);
        assert_eq!(toks("dose 2.5 mg."), ["dose", "2.5", "mg"]);
        assert_eq!(toks("Alzheimer's disease"), ["alzheimer", "disease"]);
        assert_eq!(toks("Pégylated ÉLAN"), ["pegylated", "elan"]);
        assert_eq!(toks("HbA1c"), ["hba1c"]);
        assert_eq!(toks("  --  "), Vec::<String>::new());
    }
    /// The ASCII fast path tokenizes exactly as decoding every character does: tokens, offsets and
    /// positions over random mixes of ASCII, accented and Greek letters, digits, joiners,
    /// apostrophes and punctuation.
    #[test]
    fn ascii_fast_path_tokenizes_as_the_general_path() {
        let parts = ["a", "Z", "q", "7", "0", " ", "-", ".", "/", "'", "’", "_", ",", "(", "é", "É", "ß", "α", "‐", "s", "S", "İ", "２", "\n"];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(x % 24) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push_str(parts[(x % parts.len() as u64) as usize]);
            }
            x = x.wrapping_add(1);
            let collect = |fast: bool| {
                let mut out = Vec::new();
                let mut f = |t: Token<'_>| out.push((t.text.to_owned(), t.start, t.end, t.pos));
                if fast { tokenize_with::<true>(&text, &mut f) } else { tokenize_with::<false>(&text, &mut f) }
                out
            };
            assert_eq!(collect(true), collect(false), "{text:?}");
        }
    }
    /// Only the runs that may hold a wanted token are tokenized, and they yield exactly what
    /// tokenizing the whole text and keeping the tokens with a wanted prefix yields: random mixes
    /// of cases, digits, joiners, whitespace, folded and non-Latin letters, random prefixes.
    #[test]
    fn tokens_starting_with_matches_the_whole_text() {
        let parts = ["a", "B", "d", "I", "e", "t", "7", "1", " ", " ", "\n", "-", ".", "/", "'", "’", "_", ",", "é", "É", "ß", "α", "‐", "s", "S", "İ", "µ", "ia", "Dia", "bet"];
        let prefixes = ["d", "dia", "be", "ss", "alpha", "1.7", "s", "e7", "ia", "iab", "7"];
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(next() % 30) {
                text.push_str(parts[(next() % parts.len() as u64) as usize]);
            }
            let wanted: Vec<&str> = (0..1 + next() % 3).map(|_| prefixes[(next() % prefixes.len() as u64) as usize]).collect();
            let mut all = Vec::new();
            tokenize(&text, |t| {
                if wanted.iter().any(|p| t.text.starts_with(p)) {
                    all.push((t.text.to_owned(), t.start, t.end));
                }
            });
            let mut some = Vec::new();
            tokens_starting_with(&text, &wanted, |t| some.push((t.text.to_owned(), t.start, t.end)));
            assert_eq!(some, all, "{text:?} {wanted:?}");
        }
    }
    /// A word starts with the stem prefix of its stem, for words through each of Snowball
    /// English's rewriting rules and exceptions.
    #[test]
    fn words_start_with_the_stem_prefix_of_their_stem() {
        let a = Analyzer::new();
        let words = [
            "possibility", "capability", "sensibility", "ability", "relational", "rational", "conditional", "valency",
            "hesitancy", "reasonably", "notably", "organization", "generalization", "hopping", "hoping", "conflated",
            "troubled", "sized", "happy", "cry", "skies", "skis", "dying", "lying", "tying", "idly", "gently", "ugly",
            "early", "only", "singly", "ties", "cries", "duplicating", "effectiveness", "hopefulness", "callousness",
            "formality", "analogies", "dependency", "agreed", "feed", "proceeding", "exceeding", "diabetes", "diabetic",
            "ups", "gaps", "kiwis", "news", "yelling", "sayings", "operator", "activation", "sensitivity", "realism",
            "fully", "carelessly", "famously", "radically", "electricity", "hopeful", "goodness", "formative",
            "generously", "inning", "studies", "studying", "mg", "il6", "2.5", "covid19", "hba1c",
        ];
        for w in words {
            let stem = a.stem(w);
            assert!(w.starts_with(stem_prefix(&stem)), "{w} -> {stem}");
        }
        assert_eq!(stem_prefix("diabet"), "diab");
        assert_eq!(stem_prefix("up"), "u");
        assert_eq!(stem_prefix("a"), "a");
        assert_eq!(stem_prefix("αβγδ"), "αβ");
    }
    #[test]
    fn offsets_point_into_source() {
        let s = "Metformin (Glucophage®) 500-mg";
        tokenize(s, |t| {
            let src = s[t.start..t.end].to_lowercase();
            assert!(src.contains(&t.text[..1]), "{src} {t:?}");
        });
    }
    #[test]
    fn stemming() {
        let a = Analyzer::new();
        assert_eq!(a.terms("The patients were treated"), ["patient", "treat"]);
        assert_eq!(a.terms("metformin"), ["metformin"]);
    }
}
