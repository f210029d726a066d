//! `medportal-audit-verify [--key VKEY]… [--keys FILE] [--trust-embedded-keys]
//! [--latest CHECKPOINT] [--consistency PROOF]… EXPORT…`: verifies audit log exports (and
//! consistency proofs between checkpoints) offline and prints a verdict; exit status 0 only
//! when everything verifies.

use base64::Engine;
use medportal_audit_verify::{Dalek, check_consistency, check_latest};
use medportal_transparency::export::{Trust, verify};
use medportal_transparency::hex;
use medportal_transparency::note::VerifierKey;
use std::process::ExitCode;

const USAGE: &str = "usage: medportal-audit-verify [--key VKEY]... [--keys FILE] [--trust-embedded-keys] [--latest CHECKPOINT_FILE] [--consistency PROOF_FILE]... [EXPORT...]

Verifies medportal audit log exports (format medportal-audit-export/1): every line canonical,
each entry's leaf hash and sequence, each checkpoint's signatures against the published keys,
its size and tree root, consistency between consecutive checkpoints, and that every entry is
covered by a checkpoint. Prints the first problem of each export; exits 0 only when all verify.

  --key VKEY              a published verifier key (name+id+base64), repeatable
  --keys FILE             published verifier keys, one per line (# comments allowed)
  --trust-embedded-keys   use the keys the export lists (only proves internal consistency)
  --latest FILE           a signed checkpoint published by the log: the export must contain
                          its tree (detects an export cut short after a checkpoint)
  --consistency FILE      a consistency proof between two signed checkpoints, as the log serves
                          it (/audit/consistency?db=eu&old=M&new=N): both signed by a published
                          key, and the newer tree extends the older one (RFC 9162 2.1.4);
                          compare its old checkpoint with the copy you kept";

struct Args {
    keys: Vec<VerifierKey>,
    embedded: bool,
    latest: Option<String>,
    consistency: Vec<String>,
    exports: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        keys: Vec::new(),
        embedded: false,
        latest: None,
        consistency: Vec::new(),
        exports: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--key" => {
                let v = it.next().ok_or("--key needs a value")?;
                args.keys
                    .push(VerifierKey::parse(&v).map_err(|e| format!("--key {v}: {e}"))?);
            }
            "--keys" => {
                let path = it.next().ok_or("--keys needs a file")?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                for line in text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                {
                    args.keys.push(
                        VerifierKey::parse(line).map_err(|e| format!("{path}: {line}: {e}"))?,
                    );
                }
            }
            "--trust-embedded-keys" => args.embedded = true,
            "--latest" => args.latest = Some(it.next().ok_or("--latest needs a file")?),
            "--consistency" => args
                .consistency
                .push(it.next().ok_or("--consistency needs a file")?),
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => args.exports.push(arg),
        }
    }
    if args.exports.is_empty() && args.consistency.is_empty() {
        return Err("no export given".into());
    }
    if !args.consistency.is_empty() && args.keys.is_empty() {
        return Err("--consistency needs the published keys (--key or --keys)".into());
    }
    if args.keys.is_empty() && !args.embedded {
        return Err("no published key given (--key or --keys; or --trust-embedded-keys)".into());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("medportal-audit-verify: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut failed = 0;
    for path in &args.consistency {
        match std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|json| check_consistency(&json, &args.keys))
        {
            Ok(summary) => println!("OK   {path}: {summary}"),
            Err(e) => {
                println!("FAIL {path}: {e}");
                failed += 1;
            }
        }
    }
    for path in &args.exports {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) => {
                println!("FAIL {path}: cannot read: {e}");
                failed += 1;
                continue;
            }
        };
        let trust = if args.keys.is_empty() {
            Trust::Embedded
        } else {
            Trust::Published(&args.keys)
        };
        match verify(&data, trust, &Dalek) {
            Err(f) => {
                println!("FAIL {path}: {f}");
                failed += 1;
            }
            Ok(v) => {
                let latest = match &args.latest {
                    Some(l) => std::fs::read_to_string(l)
                        .map_err(|e| format!("{l}: {e}"))
                        .and_then(|note| {
                            check_latest(
                                &note,
                                if args.keys.is_empty() {
                                    &v.signers
                                } else {
                                    &args.keys
                                },
                                &v,
                            )
                        }),
                    None => Ok(()),
                };
                if let Err(e) = latest {
                    println!("FAIL {path}: {e}");
                    failed += 1;
                    continue;
                }
                let signers: Vec<String> = v
                    .signers
                    .iter()
                    .map(|k| format!("{}+{:08x}", k.name, k.id))
                    .collect();
                println!(
                    "OK   {path}: log {}, {} entries{}, {} checkpoints, root {} (hex {}), signed by {}",
                    v.origin,
                    v.entries,
                    if v.start > 0 {
                        format!(" (from entry {})", v.start)
                    } else {
                        String::new()
                    },
                    v.checkpoints,
                    base64::engine::general_purpose::STANDARD.encode(v.root),
                    hex(&v.root),
                    signers.join(", ")
                );
                if args.keys.is_empty() {
                    println!(
                        "     note: keys taken from the export itself; compare them with the log's published keys"
                    );
                }
            }
        }
    }
    let total = args.exports.len() + args.consistency.len();
    if failed == 0 {
        println!("VERDICT: verified ({} export(s), {} consistency proof(s))", args.exports.len(), args.consistency.len());
        ExitCode::SUCCESS
    } else {
        println!("VERDICT: NOT verified ({failed} of {total} failed)");
        ExitCode::from(1)
    }
}
