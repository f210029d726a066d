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
    time_route_from::<A>(host, function, path, n, "", || {});
}

/// As `time_route`, with `fresh` run before each request (outside the timing), and `label`
/// after the route in the printed line.
fn time_route_from<A: App>(host: &TestHost, function: &str, path: &str, n: usize, label: &str, fresh: fn()) {
    if !wanted(function) {
        return;
    }
    for _ in 0..50 {
        fresh();
        let _ = host.send::<A>(request("GET", path, &[], Vec::new()));
    }
    let mut samples: Vec<f64> = (0..n)
        .map(|_| {
            fresh();
            let t = Instant::now();
            let resp = host.send::<A>(request("GET", path, &[], Vec::new()));
            let us = t.elapsed().as_secs_f64() * 1e6;
            assert!(resp.status().is_success(), "{path}: {}", resp.status());
            us
        })
        .collect();
    samples.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!("native {function} {path}{label} median_us={:.1} p99_us={:.1} n={n}", pct(0.5), pct(0.99));
}

/// Whether `BENCH_FUNCTIONS` (comma-separated, as for `scripts/bench.mjs`; unset = all) names
/// this function (`auth` for the token check figures).
fn wanted(function: &str) -> bool {
    std::env::var("BENCH_FUNCTIONS").map_or(true, |only| only.split(',').any(|f| f == function))
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let host = TestHost::new().with_config(Config::dev());
    time_route::<medportal_identity::Identity>(&host, "identity", "/health/identity", n);
    time_route::<medportal_identity::Identity>(&host, "identity", "/dev/outbox", n);
    time_route::<medportal_content::Content>(&host, "content", "/health/content", n);
    time_route::<medportal_content::Content>(&host, "content", "/", n);
    // on an indexed library: warm, and as a new isolate or Spin instance serves its first
    // request, with nothing kept from the last one
    if wanted("search") {
        let searched = search_host();
        let fresh = medportal_search::engine::forget_isolate;
        for path in ["/health/search", "/search?q=metformin", "/search?q=diabetes"] {
            time_route::<medportal_search::Search>(&searched, "search", path, n);
        }
        for path in ["/health/search", "/search?q=metformin", "/search?q=diabetes"] {
            time_route_from::<medportal_search::Search>(&searched, "search", path, n, " (fresh isolate)", fresh);
        }
    }
    time_route::<medportal_inquiries::Inquiries>(&host, "inquiries", "/health/inquiries", n);
    time_route::<medportal_inquiries::Inquiries>(&host, "inquiries", "/inquiries", n);
    time_route::<medportal_audit::Audit>(&host, "audit", "/health/audit", n);
    time_route::<medportal_audit::Audit>(&host, "audit", "/audit/about", n);
    if wanted("auth")
        && let Err(e) = auth(n)
    {
        eprintln!("medportal-bench: auth: {e}");
        std::process::exit(1);
    }
}

/// A search host with the medical vocabulary and a small library indexed through the admin
/// entry point, shaped like the demo's: "diabetes" finds public items (documents read,
/// snippets made), "metformin" only HCP-only ones (the page says they are hidden).
fn search_host() -> TestHost {
    const TOKEN: &str = "bench-search-index-token-0123456789";
    let config = Config::from_lookup(|k| match k {
        "dev_mode" => Some("true".into()),
        "search_index_token" => Some(TOKEN.into()),
        _ => None,
    })
    .expect("bench config");
    let host = TestHost::new().with_config(config);
    let auth = format!("Bearer {TOKEN}");
    let admin = |method: &str, path: &str, body: Vec<u8>| {
        let resp = host.send::<medportal_search::SearchAdmin>(request(method, path, &[("authorization", &auth), ("content-type", "application/json")], body));
        assert!(resp.status().is_success(), "{path}: {} {}", resp.status(), TestHost::text(&resp));
    };
    admin("PUT", "/admin/search/vocab", medportal_search_index::vocab::BUILTIN_BIN.to_vec());
    let para = "Glycaemic control in type 2 diabetes: HbA1c targets are individualised, lifestyle measures come first, and treatment is intensified when targets are missed. ";
    let docs: Vec<serde_json::Value> = (0..12)
        .map(|i| {
            let (topic, audience) = match i {
                0..6 => ("Diabetes", "public"),
                6..8 => ("Metformin", "hcp"),
                _ => ("Hypertension", "public"),
            };
            serde_json::json!({
                "id": format!("bench-{i}"), "title": format!("{topic} item {i}: what the evidence shows"),
                "summary": format!("{topic} summary {i}. {}", &para[..90]), "body": para.repeat(8),
                "audience": audience, "therapeutic_areas": ["diabetes_endocrinology"], "products": [topic],
                "content_type": "clinical_summary", "published": "2026-05-04"
            })
        })
        .collect();
    let body = serde_json::json!({"market": "global", "language": "en", "upsert": docs});
    admin("POST", "/admin/search/index", body.to_string().into_bytes());
    host
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
