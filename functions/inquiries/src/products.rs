//! Recognising the medicine an inquiry is about through search's vocabulary source (the
//! brand ↔ generic lines of `synonyms.txt`, `generic|brand|brand…`): only that text is
//! linked in, never the search engine.

use medportal_search_index::vocab::BUILTIN_DRUGS;

/// A recognised medicine: the name as the HCP wrote it (normalised) and its generic name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub name: String,
    pub generic: String,
}

fn normal(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The medicine named `input` (a brand or a generic name, any case), if the vocabulary knows
/// it.
pub fn recognise(input: &str) -> Option<Product> {
    recognise_in(BUILTIN_DRUGS, input)
}

fn recognise_in(vocabulary: &str, input: &str) -> Option<Product> {
    let wanted = normal(input);
    if wanted.len() < 3 || wanted.len() > 100 {
        return None;
    }
    vocabulary.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let mut names = line.split('|');
        let generic = names.next()?.trim();
        (generic == wanted || names.any(|n| n.trim() == wanted)).then(|| Product { name: wanted.clone(), generic: generic.to_owned() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_and_generics_are_recognised() {
        assert_eq!(recognise("Eliquis").unwrap().generic, "apixaban");
        assert_eq!(recognise("  apixaban ").unwrap(), Product { name: "apixaban".into(), generic: "apixaban".into() });
        assert_eq!(recognise("XARELTO").unwrap().generic, "rivaroxaban");
        assert_eq!(recognise("eliq"), None);
        assert_eq!(recognise("ab"), None);
        assert_eq!(recognise(""), None);
        assert_eq!(recognise_in("# c\nfoo|bar baz\n", "Bar  Baz").unwrap().generic, "foo");
    }
}
