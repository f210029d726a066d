//! Derives the product-name list the inquiry form recognises from search's vocabulary source
//! (`shared/search-index/data/synonyms.txt`, `generic|brand|brand…` lines): every name,
//! lowercased, sorted, deduplicated and front-coded: the count (u32 LE), every name's length of
//! the prefix it shares with the previous one (u8), then every name's rest (`rest\n`). ~58 KB
//! gzip in the Worker instead of ~83 KB for the text.

use std::{env, fs, path::PathBuf};

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let source = manifest.join("../../shared/search-index/data/synonyms.txt");
    println!("cargo:rerun-if-changed={}", source.display());
    let text = fs::read_to_string(&source).expect("synonyms.txt");
    let mut names: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split('|'))
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    // Two streams (compress better apart): the shared-prefix lengths, then the rests.
    let mut lengths = Vec::new();
    let mut rests = Vec::new();
    let mut prev: &[u8] = b"";
    for n in &names {
        let n = n.as_bytes();
        let shared = prev.iter().zip(n).take(255).take_while(|(a, b)| a == b).count();
        lengths.push(shared as u8);
        rests.extend_from_slice(&n[shared..]);
        rests.push(b'\n');
        prev = n;
    }
    let mut out = u32::try_from(names.len()).expect("name count").to_le_bytes().to_vec();
    out.extend(lengths);
    out.extend(rests);
    fs::write(PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("product_names.bin"), out).expect("write product names");
}
