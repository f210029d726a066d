//! The audit entry and its canonical encoding: the bytes whose leaf hash goes into the tree.
//!
//! # Canonical encoding (version 1)
//!
//! A length-prefixed binary record, fields in this fixed order:
//!
//! | field        | encoding                                                        |
//! |--------------|-----------------------------------------------------------------|
//! | format       | byte `0x01`                                                     |
//! | `seq`        | u64, 8 bytes big-endian (= the leaf index, from 0)              |
//! | `time`       | str: UTC, RFC 3339 with seconds, exactly `YYYY-MM-DDTHH:MM:SSZ` |
//! | `actor`      | str: user id, `anonymous` or `system:<component>`               |
//! | `role`       | str                                                             |
//! | `action`     | str: dotted action name, e.g. `session.login`                   |
//! | `object`     | opt str                                                         |
//! | `version`    | opt str: the object's version                                   |
//! | `outcome`    | byte: `0x00` success, `0x01` failure                            |
//! | `reason`     | opt str: why (never personal data in clear)                     |
//! | `meaning`    | opt str: the meaning of an electronic signature (Part 11)       |
//! | `origin`     | opt 32 bytes: hash of the request origin                        |
//! | `subject`    | opt str: the pseudonymous person whose salt commits `personal`  |
//! | `personal`   | u32 big-endian count, then per item: str name ‖ 32-byte commitment, names strictly ascending |
//!
//! `str` is a u32 big-endian byte length followed by that many bytes of UTF-8; `opt X` is the
//! byte `0x00` (absent) or `0x01` followed by `X`. Every field has a fixed place and an
//! explicit length, so one record has exactly one encoding and no two records share one;
//! there is nothing to canonicalise (no key order, number format, Unicode escape or
//! whitespace as in JSON), and an inspector re-implements it in a few lines of any language.
//! The JSON an export carries is a view of the same fields; the verifier re-encodes it.
//!
//! Personal fields are never in the record: only `SHA-256(salt ‖ value)` with the subject's
//! 32-byte salt ([`commit_personal`]). Erasing a person deletes the salt and the clear values;
//! the commitments, and so every leaf hash and proof, stay as they were, and without the salt
//! nobody can test a guessed value against them.

use crate::merkle::{Hash, leaf_hash};
use sha2::{Digest, Sha256};

/// The longest text field, in bytes.
pub const MAX_TEXT: usize = 16 * 1024;
/// The most personal fields one entry commits to.
pub const MAX_PERSONAL: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
}

/// A personal field committed through the subject's salt: `commitment = SHA-256(salt ‖ value)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Personal {
    pub name: String,
    pub commitment: Hash,
}

/// One audit entry: who did what to which object, when, with which outcome and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub object: Option<String>,
    pub version: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub meaning: Option<String>,
    pub origin: Option<Hash>,
    pub subject: Option<String>,
    pub personal: Vec<Personal>,
}

/// Why an entry cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryError {
    Time,
    TooLong(&'static str),
    Empty(&'static str),
    PersonalOrder,
    PersonalWithoutSubject,
    TooManyPersonal,
}

impl core::fmt::Display for EntryError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EntryError::Time => {
                f.write_str("time is not UTC RFC 3339 with seconds (YYYY-MM-DDTHH:MM:SSZ)")
            }
            EntryError::TooLong(field) => write!(f, "{field} is longer than {MAX_TEXT} bytes"),
            EntryError::Empty(field) => write!(f, "{field} is empty"),
            EntryError::PersonalOrder => {
                f.write_str("personal field names are not strictly ascending")
            }
            EntryError::PersonalWithoutSubject => f.write_str("personal fields without a subject"),
            EntryError::TooManyPersonal => write!(f, "more than {MAX_PERSONAL} personal fields"),
        }
    }
}

/// `SHA-256(salt ‖ value)`: how an entry commits to a personal value.
pub fn commit_personal(salt: &[u8; 32], value: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(value.as_bytes());
    h.finalize().into()
}

/// Whether `time` is exactly `YYYY-MM-DDTHH:MM:SSZ` and a real UTC date and time.
pub fn valid_time(time: &str) -> bool {
    let b = time.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return false;
    }
    let num = |r: core::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d) && h < 24 && mi < 60 && s < 60
}

impl Entry {
    /// Checks the rules the encoding relies on.
    pub fn validate(&self) -> Result<(), EntryError> {
        if !valid_time(&self.time) {
            return Err(EntryError::Time);
        }
        for (name, value) in [
            ("actor", &self.actor),
            ("role", &self.role),
            ("action", &self.action),
        ] {
            if value.is_empty() {
                return Err(EntryError::Empty(name));
            }
        }
        let texts = [
            ("actor", Some(&self.actor)),
            ("role", Some(&self.role)),
            ("action", Some(&self.action)),
            ("object", self.object.as_ref()),
            ("version", self.version.as_ref()),
            ("reason", self.reason.as_ref()),
            ("meaning", self.meaning.as_ref()),
            ("subject", self.subject.as_ref()),
        ];
        for (name, value) in texts {
            if value.is_some_and(|v| v.len() > MAX_TEXT) {
                return Err(EntryError::TooLong(name));
            }
        }
        if self.personal.len() > MAX_PERSONAL {
            return Err(EntryError::TooManyPersonal);
        }
        if !self.personal.is_empty() && self.subject.is_none() {
            return Err(EntryError::PersonalWithoutSubject);
        }
        for p in &self.personal {
            if p.name.is_empty() {
                return Err(EntryError::Empty("personal field name"));
            }
            if p.name.len() > MAX_TEXT {
                return Err(EntryError::TooLong("personal field name"));
            }
        }
        if self.personal.windows(2).any(|w| w[0].name >= w[1].name) {
            return Err(EntryError::PersonalOrder);
        }
        Ok(())
    }

    /// The canonical bytes (see the module documentation).
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, EntryError> {
        self.validate()?;
        let mut out = Vec::with_capacity(128);
        out.push(0x01);
        out.extend_from_slice(&self.seq.to_be_bytes());
        put_str(&mut out, &self.time);
        put_str(&mut out, &self.actor);
        put_str(&mut out, &self.role);
        put_str(&mut out, &self.action);
        put_opt_str(&mut out, self.object.as_deref());
        put_opt_str(&mut out, self.version.as_deref());
        out.push(match self.outcome {
            Outcome::Success => 0x00,
            Outcome::Failure => 0x01,
        });
        put_opt_str(&mut out, self.reason.as_deref());
        put_opt_str(&mut out, self.meaning.as_deref());
        match &self.origin {
            None => out.push(0x00),
            Some(h) => {
                out.push(0x01);
                out.extend_from_slice(h);
            }
        }
        put_opt_str(&mut out, self.subject.as_deref());
        out.extend_from_slice(&(self.personal.len() as u32).to_be_bytes());
        for p in &self.personal {
            put_str(&mut out, &p.name);
            out.extend_from_slice(&p.commitment);
        }
        Ok(out)
    }

    /// The entry's leaf hash: `SHA-256(0x00 ‖ canonical bytes)`.
    pub fn leaf_hash(&self) -> Result<Hash, EntryError> {
        Ok(leaf_hash(&self.canonical_bytes()?))
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0x00),
        Some(s) => {
            out.push(0x01);
            put_str(out, s);
        }
    }
}
