//! `medportal-auth-bench [n]`: token check cost (see `medportal_auth::bench`). Built natively
//! and for wasm32-wasip1 (run with `node scripts/wasi-run.mjs`); the label says which.

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let label = if cfg!(target_family = "wasm") { "wasm" } else { "native" };
    match medportal_auth::bench::run(label, n) {
        Ok(lines) => lines.iter().for_each(|l| println!("{l}")),
        Err(e) => {
            eprintln!("medportal-auth-bench: {e}");
            std::process::exit(1);
        }
    }
}
