//! Consistency proofs between two signed checkpoints, in the form `/audit/consistency` serves:
//! the library check and `medportal-audit-verify --consistency` accept a true proof and
//! refuse a forged one, a swapped pair, a wrong size and an unknown key.

use medportal_audit_verify::{SeedSigner, block_on, check_consistency};
use medportal_transparency::merkle::{MemoryTree, consistency_proof};
use medportal_transparency::note::{NoteSigner, VerifierKey, sign};
use medportal_transparency::{Checkpoint, hex};

const ORIGIN: &str = "medportal.example/audit/db_eu";

/// A log of `n` leaves, the signed notes of its trees of `old` and `new` leaves and the proof
/// between them, as the route's JSON.
fn proof_json(signer: &SeedSigner, old: u64, new: u64) -> serde_json::Value {
    let mut tree = MemoryTree::new();
    let mut notes = Vec::new();
    for i in 0..new {
        tree.append(&medportal_transparency::merkle::leaf_hash(&i.to_be_bytes()));
        if tree.size() == old || tree.size() == new {
            let cp = Checkpoint { origin: ORIGIN.into(), size: tree.size(), root: tree.root(), time: None, extensions: vec![] };
            notes.push(block_on(sign(&cp.text().unwrap(), signer)).unwrap());
        }
    }
    let proof = consistency_proof(&tree, old, new).unwrap();
    serde_json::json!({
        "log": ORIGIN,
        "old": { "size": old, "checkpoint": notes[0] },
        "new": { "size": new, "checkpoint": notes[1] },
        "consistency_proof": proof.iter().map(|h| hex(h)).collect::<Vec<_>>(),
    })
}

#[test]
fn true_proofs_verify_and_forged_ones_fail() {
    let signer = SeedSigner::new(ORIGIN, [5; 32]);
    let keys = [VerifierKey::new(ORIGIN, signer.public_key()).unwrap()];
    for (old, new) in [(1, 2), (3, 7), (4, 8), (6, 13), (100, 1000), (999, 1000)] {
        let v = proof_json(&signer, old, new);
        let ok = check_consistency(&v.to_string(), &keys).unwrap_or_else(|e| panic!("{old}..{new}: {e}"));
        assert!(ok.contains(&format!("{new} entries extends the checkpoint of {old}")), "{ok}");
        // a changed proof hash
        let mut bad = v.clone();
        let h = bad["consistency_proof"][0].as_str().unwrap().to_string();
        let flipped = if h.starts_with('0') { format!("1{}", &h[1..]) } else { format!("0{}", &h[1..]) };
        bad["consistency_proof"][0] = flipped.into();
        assert!(check_consistency(&bad.to_string(), &keys).unwrap_err().contains("NOT consistent"));
        // the checkpoints swapped
        let mut swapped = v.clone();
        (swapped["old"], swapped["new"]) = (v["new"].clone(), v["old"].clone());
        assert!(check_consistency(&swapped.to_string(), &keys).is_err());
        // a size that is not the signed one
        let mut size = v.clone();
        size["old"]["size"] = (old + 1).into();
        assert!(check_consistency(&size.to_string(), &keys).is_err());
    }
    let other = [VerifierKey::new(ORIGIN, SeedSigner::new(ORIGIN, [6; 32]).public_key()).unwrap()];
    assert!(check_consistency(&proof_json(&signer, 3, 7).to_string(), &other).is_err());
}

#[test]
fn the_command_line_checks_a_proof_file() {
    let dir = std::env::temp_dir().join(format!("medportal-audit-consistency-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let signer = SeedSigner::new(ORIGIN, [5; 32]);
    let vkey = VerifierKey::new(ORIGIN, signer.public_key()).unwrap().to_vkey();
    let good = dir.join("good.json");
    let v = proof_json(&signer, 6, 13);
    std::fs::write(&good, v.to_string()).unwrap();
    let mut bad = v.clone();
    bad["consistency_proof"].as_array_mut().unwrap().pop();
    let badf = dir.join("bad.json");
    std::fs::write(&badf, bad.to_string()).unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_medportal-audit-verify")).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, out) = run(&["--key", &vkey, "--consistency", good.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("VERDICT: verified (0 export(s), 1 consistency proof(s))"), "{out}");
    let (code, out) = run(&["--key", &vkey, "--consistency", good.to_str().unwrap(), "--consistency", badf.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("NOT verified (1 of 2 failed)"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_tamper_campaign_detects_everything_on_a_demo_export() {
    let signer = SeedSigner::new(ORIGIN, [5; 32]);
    let keys = [VerifierKey::new(ORIGIN, signer.public_key()).unwrap()];
    let export = medportal_audit_verify::demo_export(ORIGIN, &signer, 60, 25, 3);
    let r = medportal_audit_verify::tamper(&export, &keys, 200, 30, 30, 1).unwrap();
    assert_eq!((r.edits, r.deletions, r.reorderings), (200, 30, 30));
    assert!(r.truncations > 100);
    assert!(r.undetected.is_empty(), "{:?}", r.undetected);
    // a campaign on an export that does not verify refuses to start
    assert!(medportal_audit_verify::tamper(&export.replacen("u_", "x_", 1), &keys, 1, 1, 1, 1).is_err());
}
