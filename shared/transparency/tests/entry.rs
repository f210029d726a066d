//! The canonical entry encoding, pinned byte for byte, and its rules.

use medportal_transparency::entry::{EntryError, valid_time};
use medportal_transparency::merkle::leaf_hash;
use medportal_transparency::{Entry, Outcome, Personal, commit_personal, hex};

fn entry() -> Entry {
    Entry {
        seq: 258,
        time: "2026-12-05T20:30:45Z".into(),
        actor: "u1".into(),
        role: "hcp".into(),
        action: "a.b".into(),
        object: Some("o".into()),
        version: None,
        outcome: Outcome::Failure,
        reason: None,
        meaning: Some("m".into()),
        origin: Some([0xab; 32]),
        subject: Some("p".into()),
        personal: vec![Personal {
            name: "email".into(),
            commitment: [0xcd; 32],
        }],
    }
}

#[test]
fn canonical_bytes_are_pinned() {
    let want = [
        "01",
        "0000000000000102",
        "00000014",
        &hex(b"2026-12-05T20:30:45Z"),
        "00000002",
        &hex(b"u1"),
        "00000003",
        &hex(b"hcp"),
        "00000003",
        &hex(b"a.b"),
        "01",
        "00000001",
        &hex(b"o"),
        "00",
        "01",
        "00",
        "01",
        "00000001",
        &hex(b"m"),
        "01",
        &"ab".repeat(32),
        "01",
        "00000001",
        &hex(b"p"),
        "00000001",
        "00000005",
        &hex(b"email"),
        &"cd".repeat(32),
    ]
    .concat();
    let bytes = entry().canonical_bytes().unwrap();
    assert_eq!(hex(&bytes), want);
    assert_eq!(entry().leaf_hash().unwrap(), leaf_hash(&bytes));
}

#[test]
fn every_field_changes_the_leaf() {
    let base = entry().leaf_hash().unwrap();
    let mut variants: Vec<Entry> = Vec::new();
    let mut e = entry();
    e.seq += 1;
    variants.push(e);
    let mut e = entry();
    e.time = "2026-12-05T20:30:46Z".into();
    variants.push(e);
    let mut e = entry();
    e.actor = "u2".into();
    variants.push(e);
    let mut e = entry();
    e.role = "hcq".into();
    variants.push(e);
    let mut e = entry();
    e.action = "a.c".into();
    variants.push(e);
    let mut e = entry();
    e.object = None;
    variants.push(e);
    let mut e = entry();
    e.version = Some(String::new());
    variants.push(e);
    let mut e = entry();
    e.outcome = Outcome::Success;
    variants.push(e);
    let mut e = entry();
    e.reason = Some("m".into());
    e.meaning = None;
    variants.push(e);
    let mut e = entry();
    e.origin = None;
    variants.push(e);
    let mut e = entry();
    e.personal[0].commitment[31] ^= 1;
    variants.push(e);
    let mut e = entry();
    e.personal[0].name = "mail".into();
    variants.push(e);
    for (i, v) in variants.iter().enumerate() {
        assert_ne!(v.leaf_hash().unwrap(), base, "variant {i}");
    }
}

#[test]
fn rules_are_enforced() {
    let mut e = entry();
    e.time = "2026-12-05T20:30:45+00:00".into();
    assert_eq!(e.canonical_bytes(), Err(EntryError::Time));
    let mut e = entry();
    e.personal.push(Personal {
        name: "aaa".into(),
        commitment: [0; 32],
    });
    assert_eq!(e.canonical_bytes(), Err(EntryError::PersonalOrder));
    let mut e = entry();
    e.subject = None;
    assert_eq!(e.canonical_bytes(), Err(EntryError::PersonalWithoutSubject));
    let mut e = entry();
    e.actor.clear();
    assert_eq!(e.canonical_bytes(), Err(EntryError::Empty("actor")));
    for t in [
        "2026-02-29T00:00:00Z",
        "2026-12-05T24:00:00Z",
        "2026-12-05t20:30:45Z",
        "2026-12-05T20:30:45.1Z",
        "2026-04-31T00:00:00Z",
    ] {
        assert!(!valid_time(t), "{t}");
    }
    for t in [
        "2028-02-29T00:00:00Z",
        "2026-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
    ] {
        assert!(valid_time(t), "{t}");
    }
}

#[test]
fn erasing_the_salt_keeps_the_commitment() {
    // The commitment is all the entry holds: it verifies with salt and value, and nobody can
    // test a guess without the salt.
    let salt = [42u8; 32];
    let c = commit_personal(&salt, "dr.who@example.org");
    assert_eq!(c, commit_personal(&salt, "dr.who@example.org"));
    assert_ne!(c, commit_personal(&[43u8; 32], "dr.who@example.org"));
    assert_ne!(c, commit_personal(&salt, "dr.who@example.com"));
}
