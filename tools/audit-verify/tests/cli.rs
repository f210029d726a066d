//! The command line: exit status and verdict on a good export, a tampered one, and misuse.

use medportal_audit_verify::{SeedSigner, demo_export};
use medportal_transparency::note::{NoteSigner, VerifierKey};
use std::process::Command;

const ORIGIN: &str = "medportal.example/audit/db_us";

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_medportal-audit-verify"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn demo_time_is_a_calendar() {
    use medportal_audit_verify::demo_time;
    assert_eq!(demo_time(0), "2026-12-05T00:00:00Z");
    assert_eq!(demo_time(86_399), "2026-12-05T23:59:59Z");
    assert_eq!(demo_time(27 * 86_400), "2027-01-01T00:00:00Z");
    assert_eq!(demo_time((27 + 31 + 28) * 86_400), "2027-03-01T00:00:00Z");
}

#[test]
fn verdicts_and_exit_status() {
    let dir = std::env::temp_dir().join(format!("medportal-audit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let signer = SeedSigner::new(ORIGIN, [3; 32]);
    let vkey = VerifierKey::new(ORIGIN, signer.public_key())
        .unwrap()
        .to_vkey();
    let export = demo_export(ORIGIN, &signer, 50, 20, 7);
    let good = dir.join("good.jsonl");
    std::fs::write(&good, &export).unwrap();
    let good = good.to_str().unwrap();

    let (code, out) = run(&["--key", &vkey, good]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("50 entries, 3 checkpoints") && out.contains("VERDICT: verified"),
        "{out}"
    );

    // Keys from a file, the latest published checkpoint.
    let keys = dir.join("keys.txt");
    std::fs::write(&keys, format!("# {ORIGIN}\n{vkey}\n")).unwrap();
    let latest_line = export.lines().rev().nth(1).unwrap();
    let latest: serde_json::Value = serde_json::from_str(latest_line).unwrap();
    let latest_file = dir.join("latest.note");
    std::fs::write(&latest_file, latest["checkpoint"].as_str().unwrap()).unwrap();
    let (code, out) = run(&[
        "--keys",
        keys.to_str().unwrap(),
        "--latest",
        latest_file.to_str().unwrap(),
        good,
    ]);
    assert_eq!(code, 0, "{out}");

    // Entry 17's action changed.
    let lines: Vec<&str> = export.split_inclusive('\n').collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with("{\"entry\":{\"seq\":17,"))
        .unwrap();
    let altered = lines[i].replacen("\"action\":\"", "\"action\":\"x", 1);
    let mut bad_lines = lines.clone();
    bad_lines[i] = &altered;
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, bad_lines.concat()).unwrap();
    let (code, out) = run(&["--key", &vkey, good, bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("entry seq 17")
            && out.contains("leaf hash")
            && out.contains("VERDICT: NOT verified (1 of 2"),
        "{out}"
    );

    // Another key: refused; no key at all: usage error; embedded keys: verified with a note.
    let other = VerifierKey::new(ORIGIN, SeedSigner::new(ORIGIN, [4; 32]).public_key())
        .unwrap()
        .to_vkey();
    assert_eq!(run(&["--key", &other, good]).0, 1);
    assert_eq!(run(&[good]).0, 2);
    let (code, out) = run(&["--trust-embedded-keys", good]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("keys taken from the export itself"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}
