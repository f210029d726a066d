//! Native per-route timing: each function's health and page route served in-process on
//! seeded in-memory stores, single thread. Prints one line per route:
//! `native <function> <route> median_us=<..> p99_us=<..> n=<..>`, then the token check cost
//! (`native auth …`, see `medportal_auth::bench`): `token::verify`, `authenticate` on the
//! in-memory bench platform (the same code the wasm bench runs) and on the native platform's
//! SQLite key-value store, and `token::issue`.

use medportal_core::{App, Config};
use medportal_native::testing::{TestHost, request};
use std::time::Instant;

fn time_route<A: App>(host: &TestHost, function: &str, path: &str, n: usize) {
    for _ in 0..50 {
        let _ = host.send::<A>(request("GET", path, &[], Vec::new()));
    }
    let mut samples: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            let resp = host.send::<A>(request("GET", path, &[], Vec::new()));
            let us = t.elapsed().as_secs_f64() * 1e6;
            assert!(resp.status().is_success(), "{path}: {}", resp.status());
            us
        })
        .collect();
    samples.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!("native {function} {path} median_us={:.1} p99_us={:.1} n={n}", pct(0.5), pct(0.99));
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let host = TestHost::new().with_config(Config::dev());
    time_route::<medportal_identity::Identity>(&host, "identity", "/health/identity", n);
    time_route::<medportal_identity::Identity>(&host, "identity", "/dev/outbox", n);
    time_route::<medportal_content::Content>(&host, "content", "/health/content", n);
    time_route::<medportal_content::Content>(&host, "content", "/", n);
    time_route::<medportal_search::Search>(&host, "search", "/health/search", n);
    time_route::<medportal_search::Search>(&host, "search", "/search?q=metformin", n);
    time_route::<medportal_inquiries::Inquiries>(&host, "inquiries", "/health/inquiries", n);
    time_route::<medportal_inquiries::Inquiries>(&host, "inquiries", "/inquiries", n);
    time_route::<medportal_audit::Audit>(&host, "audit", "/health/audit", n);
    time_route::<medportal_audit::Audit>(&host, "audit", "/audit/about", n);
    if let Err(e) = auth(n) {
        eprintln!("medportal-bench: auth: {e}");
        std::process::exit(1);
    }
}

fn auth(n: usize) -> medportal_core::Result<()> {
    use medportal_auth::bench;
    for line in bench::run("native", n)? {
        println!("{line}");
    }
    let mut host = TestHost::new();
    host.platform.fixed_now = Some(bench::bench_now());
    let config = bench::bench_config()?;
    println!("{}", bench::authenticate_on(&host.platform, &config, n)?.line("native", "authenticate(sqlite kv)"));
    Ok(())
}
