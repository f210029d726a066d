//! Recognising the medicine an inquiry is about through search's vocabulary source: every
//! brand and generic name of `synonyms.txt`, front-coded at build time (see build.rs). Only
//! that list is linked in, never the search engine; the brand ↔ generic grouping is left out
//! to keep the Worker small (it would cost ~25 KB gzip more).

/// Sorted names: their count (u32 LE), each one's length of the prefix shared with the
/// previous name (u8), then each one's rest and `\n` (see build.rs).
const NAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/product_names.bin"));

/// The name as the vocabulary writes it: lowercase, single spaces.
fn normal(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The vocabulary's name of the medicine `input` (a brand or a generic name, any case), if
/// the vocabulary knows it.
pub fn recognise(input: &str) -> Option<String> {
    let wanted = normal(input);
    if wanted.len() < 3 || wanted.len() > 100 {
        return None;
    }
    recognise_in(NAMES, &wanted).then_some(wanted)
}

/// The vocabulary's names among `words` (lowercase; single words and pairs): one pass over
/// the list, comparing only names whose first byte some candidate starts with (no sorting
/// or hashing code linked in).
pub fn mentioned(words: &[&str]) -> Vec<String> {
    let mut wanted: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    wanted.extend(words.windows(2).map(|p| format!("{} {}", p[0], p[1])));
    wanted.retain(|w| (3..=100).contains(&w.len()));
    let mut first = [false; 256];
    for w in &wanted {
        first[usize::from(w.as_bytes()[0])] = true;
    }
    let mut out: Vec<String> = Vec::new();
    each_name(NAMES, |name| {
        let hit = name.first().is_some_and(|b| first[usize::from(*b)]) && wanted.iter().any(|w| w.as_bytes() == name);
        if hit && !out.iter().any(|o| o.as_bytes() == name) {
            out.push(String::from_utf8_lossy(name).into_owned());
        }
        true
    });
    out
}

/// Calls `f` with every name of a front-coded list, in order, until it returns false.
fn each_name(list: &[u8], mut f: impl FnMut(&[u8]) -> bool) {
    let Some((count, tail)) = list.split_first_chunk::<4>() else { return };
    let count = usize::try_from(u32::from_le_bytes(*count)).unwrap_or(0).min(tail.len());
    let (lengths, mut rest) = tail.split_at(count);
    let mut name: Vec<u8> = Vec::with_capacity(128);
    for &shared in lengths {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        name.truncate(usize::from(shared));
        name.extend_from_slice(&rest[..end]);
        if !f(&name) {
            return;
        }
        rest = rest.get(end + 1..).unwrap_or(&[]);
    }
}

fn recognise_in(list: &[u8], wanted: &str) -> bool {
    let mut hit = false;
    each_name(list, |name| match name.cmp(wanted.as_bytes()) {
        std::cmp::Ordering::Equal => {
            hit = true;
            false
        }
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Less => true,
    });
    hit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_and_generics_are_recognised() {
        assert_eq!(recognise("Eliquis").as_deref(), Some("eliquis"));
        assert_eq!(recognise("  apixaban ").as_deref(), Some("apixaban"));
        assert_eq!(recognise("XARELTO").as_deref(), Some("xarelto"));
        assert_eq!(recognise("rivaroxaban").as_deref(), Some("rivaroxaban"));
        assert_eq!(recognise("eliq"), None);
        assert_eq!(recognise("zzzzzz"), None);
        assert_eq!(recognise("ab"), None);
        assert_eq!(recognise(""), None);
    }

    #[test]
    fn every_name_of_the_source_is_in_the_list() {
        let source = include_str!("../../../shared/search-index/data/synonyms.txt");
        let names: Vec<&str> = source.lines().filter(|l| !l.starts_with('#')).flat_map(|l| l.split('|')).collect();
        assert!(names.len() > 15_000);
        for n in names.iter().step_by(97) {
            let n = normal(n);
            assert!(recognise_in(NAMES, &n), "{n}");
        }
        // front coding: two names, "abc", then "ab" + "d"
        let list = b"\x02\x00\x00\x00\x00\x02abc\nd\n";
        assert!(recognise_in(list, "abc") && recognise_in(list, "abd"));
        assert!(!recognise_in(list, "ab") && !recognise_in(list, "abe") && !recognise_in(list, "a"));
        assert_eq!(mentioned(&["my", "patient", "on", "eliquis", "and", "novo", "nordisk"]), ["eliquis"]);
    }
}
