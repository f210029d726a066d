//! The offline verifier's Ed25519 (ed25519-dalek) and its command line, as a library so the
//! tests and the benchmark share them.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use medportal_transparency::note::{Ed25519Verify, NoteSigner};

/// Ed25519 verification with ed25519-dalek (RFC 8032, as Go's `crypto/ed25519.Verify`).
pub struct Dalek;

impl Ed25519Verify for Dalek {
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        VerifyingKey::from_bytes(public)
            .is_ok_and(|k| k.verify(message, &Signature::from_bytes(signature)).is_ok())
    }
}

/// A note signer holding an Ed25519 seed (tests, benchmark, demo exports; the platform signs
/// through its signature port instead).
pub struct SeedSigner {
    pub name: String,
    key: SigningKey,
}

impl SeedSigner {
    pub fn new(name: &str, seed: [u8; 32]) -> Self {
        SeedSigner {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        }
    }
}

impl NoteSigner for SeedSigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }
    async fn sign(&self, message: &[u8]) -> Result<[u8; 64], String> {
        Ok(self.key.sign(message).to_bytes())
    }
}

/// Runs a future that never waits (the signers here compute synchronously).
pub fn block_on<F: core::future::Future>(future: F) -> F::Output {
    let mut future = core::pin::pin!(future);
    let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
    loop {
        if let core::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

use medportal_transparency::export::{
    Disclosure, Verified, checkpoint_line, end_line, entry_line, header_line, key_line,
};
use medportal_transparency::merkle::MemoryTree;
use medportal_transparency::merkle::root;
use medportal_transparency::note::{VerifierKey, open, sign};
use medportal_transparency::{Checkpoint, Entry, Outcome, Personal, commit_personal};

/// A deterministic PRNG (SplitMix64) for demo data and the tamper test.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// `secs` seconds after 2026-12-05T00:00:00Z, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn demo_time(secs: u64) -> String {
    // Days since 1970-01-01 to a civil date (the proleptic Gregorian algorithm of
    // H. Hinnant's `civil_from_days`).
    let total = 1_796_428_800 + secs; // 2026-12-05T00:00:00Z
    let (days, rem) = ((total / 86_400) as i64, total % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// A plausible entry number `seq` of a demo log (varied actions, optional fields, personal
/// commitments), its time `seq` seconds after 2026-12-05T00:00:00Z, and the disclosures of
/// its personal values.
pub fn demo_entry(seq: u64, rng: &mut SplitMix) -> (Entry, Vec<Disclosure>) {
    const ACTIONS: [&str; 6] = [
        "session.login",
        "content.publish",
        "content.approve",
        "inquiry.create",
        "account.verify",
        "audit.export",
    ];
    const ROLES: [&str; 4] = ["hcp", "editor", "reviewer", "compliance"];
    let time = demo_time(seq);
    let r = rng.next_u64();
    let with_person = r & 1 == 1;
    let salt = [(r >> 8) as u8; 32];
    let disclosures = if with_person {
        vec![
            Disclosure {
                name: "email".into(),
                salt,
                value: "dr.who@example.org".into(),
            },
            Disclosure {
                name: "name".into(),
                salt,
                value: "Dr Who".into(),
            },
        ]
    } else {
        Vec::new()
    };
    let entry = Entry {
        seq,
        time,
        actor: format!("u_{:08x}", r >> 32),
        role: ROLES[(r >> 4) as usize % ROLES.len()].to_string(),
        action: ACTIONS[(r >> 12) as usize % ACTIONS.len()].to_string(),
        object: (r & 2 == 2).then(|| format!("content:item-{}", r % 97)),
        version: (r & 4 == 4).then(|| format!("{}", r % 9 + 1)),
        outcome: if r & 8 == 8 {
            Outcome::Failure
        } else {
            Outcome::Success
        },
        reason: (r & 16 == 16).then(|| "Part 11: approved after medical review — «ok»".to_string()),
        meaning: (r & 32 == 32).then(|| "approval".to_string()),
        origin: (r & 64 == 64).then_some([(r >> 16) as u8; 32]),
        subject: with_person.then(|| format!("p_{:06x}", r >> 40)),
        personal: if with_person {
            vec![
                Personal {
                    name: "email".into(),
                    commitment: commit_personal(&salt, "dr.who@example.org"),
                },
                Personal {
                    name: "name".into(),
                    commitment: commit_personal(&salt, "Dr Who"),
                },
            ]
        } else {
            Vec::new()
        },
    };
    (entry, disclosures)
}

/// A demo export of `entries` entries with a checkpoint every `every` entries and one at the
/// end, signed by `signer` under the log `origin`.
pub fn demo_export(
    origin: &str,
    signer: &SeedSigner,
    entries: u64,
    every: u64,
    seed: u64,
) -> String {
    let mut rng = SplitMix(seed);
    let key = VerifierKey::new(&signer.name, signer.public_key()).expect("valid key name");
    let mut out = header_line(origin);
    out.push_str(&key_line(&key));
    let mut tree = MemoryTree::new();
    let mut checkpoints = 0;
    let mut checkpoint = |tree: &MemoryTree, out: &mut String| {
        let cp = Checkpoint {
            origin: origin.to_string(),
            size: tree.size(),
            root: tree.root(),
            time: Some(demo_time(tree.size())),
            extensions: Vec::new(),
        };
        let note = block_on(sign(&cp.text().expect("valid checkpoint"), signer)).expect("signs");
        out.push_str(&checkpoint_line(&note));
        checkpoints += 1;
    };
    for seq in 0..entries {
        let (entry, disclosures) = demo_entry(seq, &mut rng);
        tree.append(&entry.leaf_hash().expect("valid entry"));
        // Every tenth entry discloses its personal values (as an access request's export).
        let disclosed = if seq % 10 == 0 {
            disclosures.as_slice()
        } else {
            &[]
        };
        out.push_str(&entry_line(&entry, disclosed).expect("valid entry"));
        if (seq + 1) % every == 0 && seq + 1 != entries {
            checkpoint(&tree, &mut out);
        }
    }
    checkpoint(&tree, &mut out);
    out.push_str(&end_line(entries, checkpoints));
    out
}

/// Checks an export against a checkpoint the log published (`--latest`): same log, the export
/// holds at least its entries, and its first `size` entries hash to its root. Catches an export
/// cut short after a checkpoint, which the export alone cannot show.
pub fn check_latest(note: &str, keys: &[VerifierKey], v: &Verified) -> Result<(), String> {
    let (text, _) =
        open(note, keys, &Dalek, false).map_err(|e| format!("latest checkpoint: {e}"))?;
    let cp = Checkpoint::parse(&text).map_err(|e| format!("latest checkpoint: {e}"))?;
    if cp.origin != v.origin {
        return Err(format!(
            "latest checkpoint is of log {:?}, the export of {:?}",
            cp.origin, v.origin
        ));
    }
    let end = v.start + v.entries;
    if cp.size > end {
        return Err(format!(
            "export truncated: the log published a checkpoint of {} entries, the export ends at {end}",
            cp.size
        ));
    }
    if cp.size < v.start {
        return Err(format!(
            "the published checkpoint of {} entries precedes this range export (entries from {} on): compare it with an export that covers it",
            cp.size, v.start
        ));
    }
    if root(&v.tree, cp.size) != cp.root {
        return Err(format!(
            "the export's first {} entries do not hash to the published checkpoint's root",
            cp.size
        ));
    }
    Ok(())
}

/// Checks a consistency proof as `/audit/consistency` serves it (`{"log", "old": {"size",
/// "checkpoint"}, "new": {…}, "consistency_proof": [hex…]}`): both checkpoints signed by a
/// published key, of the named log and sizes, and the proof (RFC 9162 §2.1.4.2) showing the
/// newer tree extends the older one. Returns a one-line summary.
pub fn check_consistency(json: &str, keys: &[VerifierKey]) -> Result<String, String> {
    use medportal_transparency::merkle::verify_consistency;
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not a consistency proof: {e}"))?;
    let log = v["log"].as_str().ok_or("no log")?;
    let checkpoint = |which: &str| -> Result<Checkpoint, String> {
        let note = v[which]["checkpoint"]
            .as_str()
            .ok_or(format!("no {which} checkpoint"))?;
        let (text, _) =
            open(note, keys, &Dalek, false).map_err(|e| format!("{which} checkpoint: {e}"))?;
        let cp = Checkpoint::parse(&text).map_err(|e| format!("{which} checkpoint: {e}"))?;
        if cp.origin != log || Some(cp.size) != v[which]["size"].as_u64() {
            return Err(format!(
                "{which} checkpoint is of {:?} size {}, not the log and size named",
                cp.origin, cp.size
            ));
        }
        Ok(cp)
    };
    let (old, new) = (checkpoint("old")?, checkpoint("new")?);
    let proof = v["consistency_proof"]
        .as_array()
        .ok_or("no consistency_proof")?
        .iter()
        .map(|h| {
            h.as_str()
                .and_then(medportal_transparency::parse_hash_hex)
                .ok_or_else(|| "a proof hash is not 64 hex digits".to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !verify_consistency(old.size, new.size, &old.root, &new.root, &proof) {
        return Err(format!(
            "the checkpoint of {} entries is NOT consistent with the checkpoint of {} entries",
            new.size, old.size
        ));
    }
    Ok(format!(
        "log {log}: the checkpoint of {} entries extends the checkpoint of {} entries ({} proof hashes)",
        new.size,
        old.size,
        proof.len()
    ))
}

/// ed25519-dalek with its answers remembered: tampered copies of one export share most
/// checkpoint notes. The memo's key is the whole input (key, message, signature).
#[derive(Default)]
pub struct Memo(std::cell::RefCell<std::collections::HashMap<Vec<u8>, bool>>);

impl Ed25519Verify for Memo {
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        let key = [public.as_slice(), signature.as_slice(), message].concat();
        if let Some(v) = self.0.borrow().get(&key) {
            return *v;
        }
        let v = Dalek.verify(public, message, signature);
        self.0.borrow_mut().insert(key, v);
        v
    }
}

/// What [`tamper`] did and what went undetected.
#[derive(Debug, Default)]
pub struct TamperReport {
    pub edits: usize,
    pub deletions: usize,
    pub reorderings: usize,
    pub truncations: usize,
    pub undetected: Vec<String>,
}

/// The tamper test on any export (e.g. one a live host wrote): `edits` single-byte
/// edits at seeded random positions (half a printable character, half flipped bits),
/// `deletions` deletions of one entry, `swaps` swaps of two entries, and truncations at 100
/// random bytes and after every line but the last. Every change must make [`verify`] fail;
/// the unchanged export must verify. `Err`: the unchanged export does not.
pub fn tamper(
    export: &str,
    keys: &[VerifierKey],
    edits: usize,
    deletions: usize,
    swaps: usize,
    seed: u64,
) -> Result<TamperReport, String> {
    use medportal_transparency::export::{Trust, verify};
    let memo = Memo::default();
    let check = |data: &[u8]| verify(data, Trust::Published(keys), &memo).is_err();
    verify(export.as_bytes(), Trust::Published(keys), &memo)
        .map_err(|f| format!("the unmodified export does not verify: {f}"))?;
    let mut rng = SplitMix(seed);
    let mut r = TamperReport::default();
    let data = export.as_bytes();
    for i in 0..edits {
        let pos = rng.below(data.len() as u64) as usize;
        let mut bad = data.to_vec();
        bad[pos] = if i % 2 == 0 {
            let c = b' ' + rng.below(95) as u8;
            if c != data[pos] {
                c
            } else if c == b'~' {
                b' '
            } else {
                c + 1
            }
        } else {
            data[pos] ^ (1 + rng.below(255) as u8)
        };
        r.edits += 1;
        if !check(&bad) {
            r.undetected.push(format!("edit at byte {pos}: {:#04x} -> {:#04x}", data[pos], bad[pos]));
        }
    }
    let lines: Vec<&str> = export.split_inclusive('\n').collect();
    let entries: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].starts_with("{\"entry\""))
        .collect();
    if entries.len() >= 2 {
        for _ in 0..deletions {
            let k = entries[rng.below(entries.len() as u64) as usize];
            let mut bad = lines.clone();
            bad.remove(k);
            r.deletions += 1;
            if !check(bad.concat().as_bytes()) {
                r.undetected.push(format!("deletion of line {}", k + 1));
            }
        }
        for _ in 0..swaps {
            let a = rng.below(entries.len() as u64) as usize;
            let b = (a + 1 + rng.below(entries.len() as u64 - 1) as usize) % entries.len();
            let mut bad = lines.clone();
            bad.swap(entries[a], entries[b]);
            r.reorderings += 1;
            if !check(bad.concat().as_bytes()) {
                r.undetected.push(format!("swap of lines {} and {}", entries[a] + 1, entries[b] + 1));
            }
        }
    }
    let mut cuts: Vec<usize> = (0..100).map(|_| rng.below(data.len() as u64) as usize).collect();
    let mut at = 0;
    for line in &lines[..lines.len().saturating_sub(1)] {
        at += line.len();
        cuts.push(at);
    }
    for cut in cuts {
        r.truncations += 1;
        if !check(&data[..cut]) {
            r.undetected.push(format!("truncation at byte {cut}"));
        }
    }
    Ok(r)
}
