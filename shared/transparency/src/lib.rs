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
//! state    = TreeState::from_parts(size, &frontier)?       // the log's stored state
//! appended = append(&state, &mut entries)?                 // numbers the entries
//! one batch: the action's statements, the entries (seq, fields, leaf), the completed nodes,
//!            and the new (size, frontier, root) guarded by the old size
//! ```
//! A checkpoint is `Checkpoint { origin, size, root, time }.text()`, signed with
//! [`note::sign`] when [`checkpoint_due`] says so.
//!
//! # Storage per database (a proposal for the audit store)
//!
//! ```text
//! audit_log          one row: size INTEGER, frontier BLOB (32 × popcount(size) bytes),
//!                    root BLOB(32), signed_size INTEGER, signed_at INTEGER
//! audit_entries      seq INTEGER PRIMARY KEY, the entry's fields (personal: name and
//!                    commitment only), leaf BLOB(32)
//! audit_nodes        level INTEGER, idx INTEGER, hash BLOB(32), PRIMARY KEY (level, idx):
//!                    the `nodes` of each append (about one per entry)
//! audit_checkpoints  size INTEGER PRIMARY KEY, at INTEGER, note TEXT (the signed note)
//! audit_salts        subject TEXT PRIMARY KEY, salt BLOB(32)   (deleted on erasure)
//! ```
//! Concurrent writers: each append reads `audit_log`, numbers its entries from `size` and
//! writes them with the new state in the action's batch (`UPDATE audit_log … WHERE size =
//! old`). Two writers that read the same size insert the same `seq`: the primary key fails
//! the second batch, action included, and it retries from a fresh read, so the log stays
//! gap-free. Triggers refuse UPDATE and DELETE on the entries, nodes and checkpoints.
//!
//! Proofs: [`merkle::inclusion_proof_nodes`] and [`merkle::consistency_proof_nodes`] list the
//! `(level, idx)` rows a proof needs (O(log n)); fetched into a map implementing
//! [`merkle::Nodes`] (level 0 = the entries' `leaf`), [`merkle::inclusion_proof`] and
//! [`merkle::consistency_proof`] build it.

#![allow(async_fn_in_trait)]

pub mod checkpoint;
pub mod encoding;
pub mod entry;
pub mod export;
pub mod merkle;
pub mod note;

pub use checkpoint::Checkpoint;
pub use encoding::{hex, parse_hash_hex};
pub use entry::{Entry, EntryError, Outcome, Personal, commit_personal};
pub use merkle::{Hash, TreeState};

/// Sign a checkpoint at least this often while entries arrive...
pub const CHECKPOINT_SECONDS: i64 = 60;
/// ...and at least after this many entries, whichever comes first.
pub const CHECKPOINT_ENTRIES: u64 = 1000;

/// What appending a batch of entries gives the store to write, in the same batch as the
/// entries and the action they record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The new state (write its size, frontier bytes and root, on the condition that the
    /// stored size is still the one it was computed from).
    pub state: TreeState,
    /// Each entry's leaf hash, in order (`seq` = the old size + position).
    pub leaves: Vec<Hash>,
    /// The perfect subtrees the batch completed, `(level, index, hash)`, level ≥ 1: stored,
    /// they answer proofs in O(log n) reads.
    pub nodes: Vec<(u32, u64, Hash)>,
    pub root: Hash,
}

/// Numbers `entries` from the state's size on (setting each `seq`) and appends their leaf
/// hashes to a copy of `state`. Fails, changing nothing stored, on an entry that cannot be
/// encoded.
pub fn append(state: &TreeState, entries: &mut [Entry]) -> Result<Appended, EntryError> {
    let mut next = state.clone();
    let mut leaves = Vec::with_capacity(entries.len());
    let mut nodes = Vec::new();
    for entry in entries.iter_mut() {
        entry.seq = next.size();
        let leaf = entry.leaf_hash()?;
        nodes.extend(next.append(&leaf));
        leaves.push(leaf);
    }
    let root = next.root();
    Ok(Appended {
        state: next,
        leaves,
        nodes,
        root,
    })
}

/// Whether a new checkpoint is due: entries arrived since the last one (`size` against
/// `signed_size`) and either [`CHECKPOINT_ENTRIES`] of them or [`CHECKPOINT_SECONDS`] since it
/// was signed (`now` and `signed_at` in unix seconds). A log with nothing new needs none.
pub fn checkpoint_due(size: u64, signed_size: u64, signed_at: i64, now: i64) -> bool {
    let new = size.saturating_sub(signed_size);
    new > 0 && (new >= CHECKPOINT_ENTRIES || now.saturating_sub(signed_at) >= CHECKPOINT_SECONDS)
}
