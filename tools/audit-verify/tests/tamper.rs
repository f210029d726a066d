//! The tamper test: an export of 1,200 entries with 12 checkpoints; 1,000 single-byte
//! edits at seeded random positions, 100 deletions of an entry, 100 swaps of two entries and
//! truncations are each detected; the unmodified export verifies.

use medportal_audit_verify::{SeedSigner, SplitMix, check_latest, demo_export};
use medportal_transparency::export::{Trust, end_line, verify};
use medportal_transparency::note::{Ed25519Verify, NoteSigner, VerifierKey};
use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};

/// (public key ‖ signature, message) → valid.
type Answers = HashMap<(Vec<u8>, Vec<u8>), bool>;

/// ed25519-dalek with its answers remembered: the mutated exports share most checkpoint
/// notes, and unoptimised curve arithmetic would dominate the test. The memo's key is the
/// whole input (key, message, signature), so the answers are the same.
#[derive(Default)]
struct Memo(Mutex<Answers>);

impl Ed25519Verify for Memo {
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        let key = (
            [public.as_slice(), signature.as_slice()].concat(),
            message.to_vec(),
        );
        if let Some(v) = self.0.lock().unwrap().get(&key) {
            return *v;
        }
        let v = medportal_audit_verify::Dalek.verify(public, message, signature);
        self.0.lock().unwrap().insert(key, v);
        v
    }
}

static DALEK: LazyLock<Memo> = LazyLock::new(Memo::default);

const ORIGIN: &str = "medportal.example/audit/db_eu";
const ENTRIES: u64 = 1200;

fn setup() -> (String, VerifierKey) {
    let signer = SeedSigner::new(ORIGIN, [9; 32]);
    let key = VerifierKey::new(ORIGIN, signer.public_key()).unwrap();
    (demo_export(ORIGIN, &signer, ENTRIES, 100, 16), key)
}

/// The kind of a failure, for the tally printed with `--nocapture`.
fn kind(problem: &str) -> String {
    problem
        .split([':', '('])
        .next()
        .unwrap_or(problem)
        .trim()
        .chars()
        .take(60)
        .collect()
}

#[test]
fn unmodified_export_verifies() {
    let (export, key) = setup();
    let v = verify(
        export.as_bytes(),
        Trust::Published(std::slice::from_ref(&key)),
        &*DALEK,
    )
    .expect("verifies");
    assert_eq!((v.entries, v.checkpoints), (ENTRIES, 12));
    assert_eq!(v.signers, vec![key]);
    let v =
        verify(export.as_bytes(), Trust::Embedded, &*DALEK).expect("verifies with its own keys");
    assert_eq!(v.entries, ENTRIES);
}

#[test]
fn every_single_byte_edit_is_detected() {
    let (export, key) = setup();
    let keys = [key];
    let data = export.as_bytes();
    let mut rng = SplitMix(0x5eed);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..1000 {
        let pos = rng.below(data.len() as u64) as usize;
        let mut bad = data.to_vec();
        // Half the edits put another printable ASCII character (they keep the line valid
        // UTF-8 and often valid JSON), half flip random bits.
        bad[pos] = if i % 2 == 0 {
            let c = b' ' + rng.below(95) as u8;
            if c == data[pos] {
                if c == b'~' { b' ' } else { c + 1 }
            } else {
                c
            }
        } else {
            data[pos] ^ (1 + rng.below(255) as u8)
        };
        match verify(&bad, Trust::Published(&keys), &*DALEK) {
            Ok(_) => panic!(
                "edit {i} at byte {pos} ({:#04x} -> {:#04x}) went undetected",
                data[pos], bad[pos]
            ),
            Err(f) => *kinds.entry(kind(&f.problem)).or_default() += 1,
        }
    }
    println!("1000 single-byte edits, detected by: {kinds:#?}");
}

fn entry_lines(export: &str) -> (Vec<&str>, Vec<usize>) {
    let lines: Vec<&str> = export.split_inclusive('\n').collect();
    let entries = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("{\"entry\""))
        .map(|(i, _)| i)
        .collect();
    (lines, entries)
}

#[test]
fn every_deleted_entry_is_detected_and_named() {
    let (export, key) = setup();
    let keys = [key];
    let (lines, entries) = entry_lines(&export);
    let mut rng = SplitMix(0xde1e7e);
    for _ in 0..100 {
        let k = rng.below(entries.len() as u64) as usize;
        let mut bad = lines.clone();
        bad.remove(entries[k]);
        let f = verify(bad.concat().as_bytes(), Trust::Published(&keys), &*DALEK)
            .expect_err("deletion detected");
        // The entry numbered k is the one missing: the verifier names it (or, for the last
        // entry before a checkpoint, the checkpoint over the entries ending there).
        assert!(f.seq.is_some(), "{f}");
        if !f.problem.starts_with("checkpoint of size") {
            assert_eq!(f.seq, Some(k as u64), "{f}");
        }
    }
}

#[test]
fn every_swap_of_two_entries_is_detected() {
    let (export, key) = setup();
    let keys = [key];
    let (lines, entries) = entry_lines(&export);
    let mut rng = SplitMix(0x5a4b);
    for _ in 0..100 {
        let a = rng.below(entries.len() as u64) as usize;
        let mut b = rng.below(entries.len() as u64) as usize;
        if a == b {
            b = (b + 1) % entries.len();
        }
        let mut bad = lines.clone();
        bad.swap(entries[a], entries[b]);
        let f = verify(bad.concat().as_bytes(), Trust::Published(&keys), &*DALEK)
            .expect_err("swap detected");
        assert_eq!(f.seq, Some(a.min(b) as u64), "{f}");
    }
}

#[test]
fn truncation_is_detected() {
    let (export, key) = setup();
    let keys = [key.clone()];
    let data = export.as_bytes();
    let mut rng = SplitMix(0x7a11);
    // Cut at 100 random byte positions, after 100 random lines, and after every checkpoint
    // (where the rest is a valid shorter log but for the end line).
    let mut cuts: Vec<usize> = (0..100)
        .map(|_| rng.below(data.len() as u64) as usize)
        .collect();
    let ends: Vec<usize> = data
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect();
    cuts.extend((0..100).map(|_| ends[rng.below(ends.len() as u64 - 1) as usize]));
    let lines: Vec<&str> = export.split_inclusive('\n').collect();
    let mut at = 0;
    for line in &lines[..lines.len() - 1] {
        at += line.len();
        if line.starts_with("{\"checkpoint\"") {
            cuts.push(at);
        }
    }
    for cut in cuts {
        assert!(
            verify(&data[..cut], Trust::Published(&keys), &*DALEK).is_err(),
            "cut at {cut} undetected"
        );
    }
}

#[test]
fn a_cut_with_a_forged_end_line_needs_the_published_checkpoint() {
    // Cut right after the checkpoint of 600 entries and write a matching end line: a valid,
    // shorter log (the documented limit of any export check). The log's latest published
    // checkpoint (`--latest`) shows it.
    let (export, key) = setup();
    let keys = [key.clone()];
    let lines: Vec<&str> = export.split_inclusive('\n').collect();
    let cp600 = lines
        .iter()
        .position(|l| l.starts_with("{\"checkpoint\"") && l.contains("\\n600\\n"))
        .unwrap();
    let mut cut = lines[..=cp600].concat();
    cut.push_str(&end_line(600, 6));
    let short =
        verify(cut.as_bytes(), Trust::Published(&keys), &*DALEK).expect("a prefix is a valid log");
    let full = verify(export.as_bytes(), Trust::Published(&keys), &*DALEK).unwrap();
    let latest =
        serde_json::from_str::<serde_json::Value>(lines[lines.len() - 2]).unwrap()["checkpoint"]
            .as_str()
            .unwrap()
            .to_string();
    assert!(check_latest(&latest, &keys, &full).is_ok());
    let err = check_latest(&latest, &keys, &short).unwrap_err();
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn an_altered_entry_is_named() {
    let (export, key) = setup();
    let keys = [key];
    let (lines, entries) = entry_lines(&export);
    // Change the actor of entry 537, leaving its recorded leaf hash: named by the leaf check.
    let line = lines[entries[537]];
    let altered = line.replacen("\"actor\":\"u_", "\"actor\":\"x_", 1);
    let mut bad = lines.clone();
    bad[entries[537]] = &altered;
    let f = verify(bad.concat().as_bytes(), Trust::Published(&keys), &*DALEK).unwrap_err();
    assert_eq!(f.seq, Some(537));
    assert!(f.problem.contains("leaf hash"), "{f}");
    // A wrong key is refused before any entry.
    let other = VerifierKey::new(ORIGIN, SeedSigner::new(ORIGIN, [8; 32]).public_key()).unwrap();
    let f = verify(export.as_bytes(), Trust::Published(&[other]), &*DALEK).unwrap_err();
    assert!(f.problem.contains("not among the published keys"), "{f}");
}

#[test]
fn json_insignificant_edits_are_refused() {
    // A reason with a control character is written as \u001f; \u001F means the same JSON
    // string, so only the canonical-form check can refuse this one-byte edit.
    use medportal_transparency::export::{checkpoint_line, entry_line, header_line, key_line};
    use medportal_transparency::merkle::MemoryTree;
    use medportal_transparency::note::sign;
    use medportal_transparency::{Checkpoint, Entry, Outcome};
    let signer = SeedSigner::new(ORIGIN, [9; 32]);
    let key = VerifierKey::new(ORIGIN, signer.public_key()).unwrap();
    let entry = Entry {
        seq: 0,
        time: "2026-12-05T20:30:45Z".into(),
        actor: "u_1".into(),
        role: "hcp".into(),
        action: "session.login".into(),
        object: None,
        version: None,
        outcome: Outcome::Success,
        reason: Some("unit\u{1f}separator".into()),
        meaning: None,
        origin: None,
        subject: None,
        personal: vec![],
    };
    let mut tree = MemoryTree::new();
    tree.append(&entry.leaf_hash().unwrap());
    let cp = Checkpoint {
        origin: ORIGIN.into(),
        size: 1,
        root: tree.root(),
        time: None,
        extensions: vec![],
    };
    let note = medportal_audit_verify::block_on(sign(&cp.text().unwrap(), &signer)).unwrap();
    let export = [
        header_line(ORIGIN),
        key_line(&key),
        entry_line(&entry, &[]).unwrap(),
        checkpoint_line(&note),
        end_line(1, 1),
    ]
    .concat();
    let keys = [key];
    verify(export.as_bytes(), Trust::Published(&keys), &*DALEK).expect("the original verifies");
    assert!(export.contains("\\u001f"));
    let edited = export.replacen("\\u001f", "\\u001F", 1);
    let f = verify(edited.as_bytes(), Trust::Published(&keys), &*DALEK).unwrap_err();
    assert_eq!(f.seq, Some(0));
    assert!(f.problem.contains("canonical"), "{f}");
}

#[test]
fn erasing_disclosed_values_keeps_every_proof() {
    // Every tenth demo entry discloses its personal values (salt and value). Erasure removes
    // them: the entries keep only their commitments, and the same checkpoints still verify.
    use medportal_transparency::export::Line;
    let (export, key) = setup();
    let keys = [key];
    let before = verify(export.as_bytes(), Trust::Published(&keys), &*DALEK).unwrap();
    let mut disclosed = 0;
    let erased: String = export
        .split_inclusive('\n')
        .map(|l| {
            let mut line: Line = serde_json::from_str(l).unwrap();
            if let Line::Entry(e) = &mut line {
                for p in &mut e.personal {
                    if p.value.take().is_some() {
                        disclosed += 1;
                    }
                    p.salt = None;
                }
            }
            serde_json::to_string(&line).unwrap() + "\n"
        })
        .collect();
    assert!(disclosed > 20, "the demo discloses values ({disclosed})");
    assert!(!erased.contains("dr.who@example.org") && export.contains("dr.who@example.org"));
    let after =
        verify(erased.as_bytes(), Trust::Published(&keys), &*DALEK).expect("still verifies");
    assert_eq!(
        (after.root, after.checkpoints),
        (before.root, before.checkpoints)
    );
    // A disclosed value that does not match its commitment is refused.
    let forged = export.replacen(
        "\"value\":\"dr.who@example.org\"",
        "\"value\":\"dr.no@example.org\"",
        1,
    );
    let f = verify(forged.as_bytes(), Trust::Published(&keys), &*DALEK).unwrap_err();
    assert!(f.problem.contains("does not match its commitment"), "{f}");
}

/// The demo export from entry `a` on, as the log would write a range export.
fn range_export(export: &str, a: u64) -> String {
    use medportal_transparency::export::{Line, start_line};
    use medportal_transparency::merkle::TreeState;
    let mut leaves = Vec::new();
    let mut out = String::new();
    let (mut entries, mut checkpoints) = (0, 0);
    for l in export.split_inclusive('\n') {
        match serde_json::from_str::<Line>(l).unwrap() {
            Line::Header(_) => out.push_str(l),
            Line::Key(_) => out.push_str(l),
            Line::Entry(e) => {
                let leaf = medportal_transparency::parse_hash_hex(&e.leaf).unwrap();
                if e.seq == a {
                    let state = TreeState::from_leaves(&leaves);
                    out.push_str(&start_line(a, state.frontier()));
                }
                leaves.push(leaf);
                if e.seq >= a {
                    out.push_str(l);
                    entries += 1;
                }
            }
            Line::Checkpoint(_) => {
                if leaves.len() as u64 > a {
                    out.push_str(l);
                    checkpoints += 1;
                }
            }
            Line::End(_) => out.push_str(&end_line(entries, checkpoints)),
            Line::Start(_) => unreachable!(),
        }
    }
    out
}

#[test]
fn range_exports_verify_and_their_tampering_is_detected() {
    let (export, key) = setup();
    let keys = [key];
    let full = verify(export.as_bytes(), Trust::Published(&keys), &*DALEK).unwrap();
    for a in [1, 99, 100, 333, 1024, 1199] {
        let range = range_export(&export, a);
        let v = verify(range.as_bytes(), Trust::Published(&keys), &*DALEK)
            .unwrap_or_else(|f| panic!("range from {a}: {f}"));
        assert_eq!(
            (v.start, v.entries, v.root),
            (a, ENTRIES - a, full.root),
            "range from {a}"
        );
        assert!(check_latest(&latest_note(&export), &keys, &v).is_ok());
    }
    // Byte edits of the range export (the start line's frontier included) are all detected.
    let range = range_export(&export, 333);
    let data = range.as_bytes();
    let start_at = range.find("{\"start\"").unwrap();
    let start_len = range[start_at..].find('\n').unwrap();
    let mut rng = SplitMix(0xa11);
    for i in 0..200 {
        // Every other edit inside the start line.
        let pos = if i % 2 == 0 {
            start_at + rng.below(start_len as u64) as usize
        } else {
            rng.below(data.len() as u64) as usize
        };
        let mut bad = data.to_vec();
        bad[pos] ^= 1 + rng.below(255) as u8;
        assert!(
            verify(&bad, Trust::Published(&keys), &*DALEK).is_err(),
            "edit at {pos} undetected"
        );
    }
    // A range export misplacing or dropping the start line fails.
    let without_start: String = range
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("{\"start\""))
        .collect();
    assert!(verify(without_start.as_bytes(), Trust::Published(&keys), &*DALEK).is_err());
}

fn latest_note(export: &str) -> String {
    let lines: Vec<&str> = export.lines().collect();
    serde_json::from_str::<serde_json::Value>(lines[lines.len() - 2]).unwrap()["checkpoint"]
        .as_str()
        .unwrap()
        .to_string()
}
