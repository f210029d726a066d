//! `medportal-audit-store-bench [ENTRIES]`: the audit log through the real store (SQLite files
//! laid out as on Spin and the native host, migrations applied): append throughput of
//! `audit::commit` (one entry per batch, numbered in SQL, as every function appends), the same
//! from 8 threads at once (two "functions"), and the checkpointer's cost (tree extension over
//! the new entries + one Ed25519-signed checkpoint).

use medportal_audit::log::{self, Log};
use medportal_core::audit::{self, AuditEntry};
use medportal_core::{Config, Ctx, Function, Region};
use medportal_native::{NativePlatform, NativeStores, prepare_databases};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5_000);
    let dir = std::env::temp_dir().join(format!("medportal-audit-bench-{}", std::process::id()));
    let stores = NativeStores::at(&dir).expect("state dir");
    let infra = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra");
    prepare_databases(&stores, &infra, false).expect("migrations");
    let config = Config::dev();
    let eu = Region::from_code("eu").expect("eu");
    let platform = NativePlatform::new(stores.clone());

    let append = |platform: &NativePlatform, f: Function, count: usize, tag: &str| {
        let ctx = Ctx::new(platform, &config, f);
        for i in 0..count {
            let object = format!("{tag}-{i}");
            let e = AuditEntry { actor: "eu-u-bench", action: "bench.append", target: Some(&object), reason: Some("bench"), ..Default::default() };
            pollster::block_on(audit::commit(&ctx, eu, Vec::new(), &[e])).expect("append");
        }
    };

    let t = Instant::now();
    append(&platform, Function::Identity, n, "single");
    let dt = t.elapsed().as_secs_f64();
    println!("append through the store (audit::commit, 1 entry/batch, SQLite file): {:.0} entries/s ({n} entries, {dt:.3} s)", n as f64 / dt);

    let ctx = Ctx::new(&platform, &config, Function::Audit);
    let t = Instant::now();
    pollster::block_on(log::checkpoint(&ctx, Log::Regional(eu), true)).expect("checkpoint");
    let dt = t.elapsed().as_secs_f64();
    println!("checkpoint over {n} new entries (hash + tree nodes + signed note): {:.1} ms ({:.1} µs/entry)", dt * 1e3, dt * 1e6 / n as f64);

    let per = n / 8;
    let t = Instant::now();
    std::thread::scope(|s| {
        for w in 0..8 {
            let stores = stores.clone();
            let append = &append;
            s.spawn(move || {
                let p = NativePlatform::new(Arc::clone(&stores));
                let f = if w % 2 == 0 { Function::Identity } else { Function::Inquiries };
                append(&p, f, per, &format!("w{w}"));
            });
        }
    });
    let dt = t.elapsed().as_secs_f64();
    println!("append from 8 concurrent writers (two functions): {:.0} entries/s ({} entries, {dt:.3} s)", (per * 8) as f64 / dt, per * 8);

    let t = Instant::now();
    let tree = pollster::block_on(log::checkpoint(&ctx, Log::Regional(eu), true)).expect("checkpoint");
    let dt = t.elapsed().as_secs_f64();
    println!("checkpoint over {} new entries: {:.1} ms ({:.1} µs/entry)", per * 8, dt * 1e3, dt * 1e6 / (per * 8) as f64);
    assert_eq!(tree.state.size() as usize, n + per * 8, "every entry in the tree, no gap");

    for batch in [1usize, 1000] {
        append(&platform, Function::Identity, batch, &format!("steady-{batch}"));
        let t = Instant::now();
        pollster::block_on(log::checkpoint(&ctx, Log::Regional(eu), true)).expect("checkpoint");
        println!("checkpoint of {batch} new entr{} (the per-minute / per-1,000 case): {:.2} ms", if batch == 1 { "y" } else { "ies" }, t.elapsed().as_secs_f64() * 1e3);
    }
    let t = Instant::now();
    let text = pollster::block_on(log::export(&ctx, Log::Regional(eu), 0)).expect("export").expect("signed");
    println!("export of {} entries: {:.1} ms, {} KB", tree.state.size(), t.elapsed().as_secs_f64() * 1e3, text.len() / 1024);
    let _ = std::fs::remove_dir_all(&dir);
}
