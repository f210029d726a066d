//! `medportal-search-vocab OUT` — analyses the vocabulary sources (`data/synonyms.txt`,
//! `data/medical_terms.txt`) with the production analyzer and writes the pre-analysed binary
//! that `Vocab::builtin()` embeds (`data/vocab.bin`) or that hosts load from object storage.

fn main() {
    let out = std::env::args().nth(1).expect("usage: medportal-search-vocab OUT");
    let v = medportal_search_index::Vocab::from_sources();
    let bytes = v.encode();
    std::fs::write(&out, &bytes).expect("write vocab");
    eprintln!("{} rules, {} phrases -> {out} ({} bytes)", v.rules(), v.phrases(), bytes.len());
}
