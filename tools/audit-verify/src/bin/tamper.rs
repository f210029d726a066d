//! `medportal-audit-tamper KEYS_FILE EXPORT [SEED]`: the tamper test on a real export
//! (the contract suite runs it on each host's): 1,000 single-byte edits, 100 deletions of an
//! entry, 100 swaps of two entries and truncations at 100 random bytes and after every line,
//! each of which the verifier must refuse, while the unchanged export verifies. Prints the
//! counts and every undetected change; exits 0 only when all were detected.

use medportal_audit_verify::tamper;
use medportal_transparency::note::VerifierKey;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(keys), Some(export)) = (args.first(), args.get(1)) else {
        eprintln!("usage: medportal-audit-tamper KEYS_FILE EXPORT [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0x5eed);
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"));
    let run = || -> Result<_, String> {
        let keys = read(keys)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| VerifierKey::parse(l).map_err(|e| format!("{l}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        tamper(&read(export)?, &keys, 1000, 100, 100, seed)
    };
    match run() {
        Err(e) => {
            println!("FAIL {e}");
            ExitCode::from(1)
        }
        Ok(r) => {
            for u in &r.undetected {
                println!("UNDETECTED {u}");
            }
            println!(
                "tampered {} single-byte edits, {} deletions, {} reorderings, {} truncations: {} undetected",
                r.edits,
                r.deletions,
                r.reorderings,
                r.truncations,
                r.undetected.len()
            );
            if r.undetected.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
    }
}
