//! Derives the product-name list the inquiry form recognises from search's vocabulary source
//! (`shared/search-index/data/synonyms.txt`, `generic|brand|brand…` lines): every name,
//! lowercased, sorted, deduplicated and front-coded (`[shared prefix length u8][rest]\n` per
//! name), which is ~60 KB gzip in the Worker instead of ~83 KB for the text.

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
    let mut out = Vec::new();
    let mut prev: &[u8] = b"";
    for n in &names {
        let n = n.as_bytes();
        let shared = prev.iter().zip(n).take(255).take_while(|(a, b)| a == b).count();
        out.push(shared as u8);
        out.extend_from_slice(&n[shared..]);
        out.push(b'\n');
        prev = n;
    }
    fs::write(PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("product_names.bin"), out).expect("write product names");
}
