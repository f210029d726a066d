//! Tamper-evident audit log primitives for medportal, with no I/O, clock or runtime of their
//! own (they ship in every function's wasm):
//!
//! - [`merkle`]: the RFC 9162 §2.1 Merkle tree (leaf `SHA-256(0x00‖entry)`, node
//!   `SHA-256(0x01‖left‖right)`), inclusion and consistency proofs and their verification, and
//!   [`merkle::TreeState`], the incremental state (compact range) an appender stores per log.
//! - [`entry`]: the audit entry and its canonical byte encoding (the leaf).
//! - [`checkpoint`] and [`note`]: signed tree heads in the C2SP `tlog-checkpoint` and
//!   `signed-note` formats, which Go's `golang.org/x/mod/sumdb/note` verifies.
//! - [`export`]: the export file an inspector verifies offline with `medportal-audit-verify`.
//!
//! # Appending
//!
//! ```text
//! state  = TreeState::from_parts(size, frontier)      // as stored for the database
//! for e in entries: e.seq = state.size(); leaf = e.leaf_hash()?; state.append(&leaf)
//! store the entries (seq, fields, leaf) and the new (size, frontier, root) in one batch
//! ```
//! A checkpoint is `Checkpoint { origin, size, root, time }.text()`, signed with
//! [`note::sign`].

#![allow(async_fn_in_trait)]

pub mod checkpoint;
pub mod entry;
pub mod export;
pub mod merkle;
pub mod note;

pub use checkpoint::Checkpoint;
pub use entry::{Entry, Outcome, Personal, commit_personal};
pub use merkle::{Hash, TreeState};

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// A 32-byte value from exactly 64 lowercase hex digits.
pub fn parse_hash_hex(s: &str) -> Option<Hash> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, pair) in b.chunks_exact(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}
