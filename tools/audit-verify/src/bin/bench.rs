//! `medportal-audit-bench [ENTRIES]`: native cost of the audit log's hot paths: appending
//! (canonical encoding + leaf hash + incremental tree state, with the state's storage form
//! read and written per batch as the database helper will), signing a checkpoint, producing
//! proofs from stored nodes, and verifying an export.

use medportal_audit_verify::{Dalek, SeedSigner, SplitMix, block_on, demo_entry, demo_export};
use medportal_transparency::Checkpoint;
use medportal_transparency::export::{Trust, verify};
use medportal_transparency::merkle::{MemoryTree, TreeState, consistency_proof, inclusion_proof};
use medportal_transparency::note::{NoteSigner, VerifierKey, sign};
use std::time::Instant;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let mut rng = SplitMix(1);
    let entries: Vec<_> = (0..n).map(|s| demo_entry(s, &mut rng).0).collect();

    // Append one entry per batch: read the stored state, append, write it back.
    let mut size = 0u64;
    let mut frontier = Vec::new();
    let t = Instant::now();
    for e in &entries {
        let mut state = TreeState::from_parts(size, &frontier).expect("stored state");
        state.append(&e.leaf_hash().expect("valid"));
        let _root = state.root();
        size = state.size();
        frontier = state.frontier_bytes();
    }
    let dt = t.elapsed().as_secs_f64();
    println!(
        "append (1 entry/batch, state read+written, root computed): {:.0} entries/s ({n} entries, {:.3} s)",
        n as f64 / dt,
        dt
    );

    // Appends of 10 per batch.
    let t = Instant::now();
    let mut state = TreeState::empty();
    for chunk in entries.chunks(10) {
        let mut s =
            TreeState::from_parts(state.size(), &state.frontier_bytes()).expect("stored state");
        for e in chunk {
            s.append(&e.leaf_hash().expect("valid"));
        }
        let _root = s.root();
        state = s;
    }
    let dt = t.elapsed().as_secs_f64();
    println!("append (10 entries/batch): {:.0} entries/s", n as f64 / dt);

    // Checkpoint: text + Ed25519 signature (ed25519-dalek; Workers sign with WebCrypto).
    let signer = SeedSigner::new("medportal.example/audit/db_eu", [5; 32]);
    let cp = Checkpoint {
        origin: signer.name.clone(),
        size: state.size(),
        root: state.root(),
        time: Some("2026-12-05T20:30:45Z".into()),
        extensions: vec![],
    };
    let rounds = 2000;
    let t = Instant::now();
    for _ in 0..rounds {
        let _note = block_on(sign(&cp.text().expect("valid"), &signer)).expect("signs");
    }
    let dt = t.elapsed().as_secs_f64();
    println!(
        "checkpoint (text + sign): {:.1} µs each ({rounds} rounds)",
        dt / rounds as f64 * 1e6
    );

    // Proofs from stored nodes.
    let tree = MemoryTree::from_leaves(
        &entries
            .iter()
            .map(|e| e.leaf_hash().unwrap())
            .collect::<Vec<_>>(),
    );
    let t = Instant::now();
    let mut total = 0;
    for i in 0..10_000u64 {
        total += inclusion_proof(&tree, (i * 7919) % n, n).unwrap().len();
        total += consistency_proof(&tree, 1 + (i * 104_729) % n, n)
            .unwrap()
            .len();
    }
    let dt = t.elapsed().as_secs_f64();
    println!(
        "inclusion + consistency proof from stored nodes: {:.1} µs per pair ({} hashes on average)",
        dt / 10_000.0 * 1e6,
        total / 10_000
    );

    // Verifying an export.
    let m = n.min(100_000);
    let export = demo_export(&signer.name, &signer, m, 1000, 2);
    let key = VerifierKey::new(&signer.name, signer.public_key()).expect("key");
    let t = Instant::now();
    let v = verify(export.as_bytes(), Trust::Published(&[key]), &Dalek).expect("verifies");
    let dt = t.elapsed().as_secs_f64();
    println!(
        "verify export: {} entries, {} checkpoints, {:.1} MB in {:.3} s ({:.0} entries/s)",
        v.entries,
        v.checkpoints,
        export.len() as f64 / 1e6,
        dt,
        v.entries as f64 / dt
    );
}
