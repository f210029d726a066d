//! Embeds the search engine's start-up warm-up index (`medportal_search_index::warmup`) for
//! the query Worker, written here by the same builder that writes real indexes, so it always
//! has the format the engine in this build reads.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let blob = medportal_search_index::warmup::build().expect("the warm-up index builds");
    std::fs::write(out.join("warmup.bin"), blob).expect("write the warm-up index");
}
