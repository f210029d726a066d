//! The export format an inspector verifies offline (`medportal-audit-verify EXPORT…`).
//!
//! # Format (`medportal-audit-export/1`)
//!
//! One UTF-8 file of JSON Lines, one log (database) per file. Each line is one JSON object
//! with exactly one key naming its kind, ends in LF, and the file ends with the LF of its
//! last line:
//!
//! ```text
//! {"header":{"format":"medportal-audit-export/1","origin":"medportal.example/audit/db_eu"}}
//! {"key":"medportal.example/audit/db_eu+1a2b3c4d+AbC…"}                    one or more
//! {"start":{"size":A,"frontier":["<hex>",…]}}                 only in a range export
//! {"entry":{"seq":0,"time":"2026-12-05T20:30:45Z","actor":"…","role":"…","action":"…",
//!   "object":null,"version":null,"outcome":"success","reason":null,"meaning":null,
//!   "origin":null,"subject":null,"personal":[],"leaf":"<hex>"}}             (one line)
//! {"checkpoint":"<signed note: checkpoint text, blank line, signature lines>"}
//! …entries and checkpoints…
//! {"end":{"entries":N,"checkpoints":K}}
//! ```
//!
//! - `header` first, then the `key` lines (the log's published verifier keys, `vkey` form),
//!   then the entries in sequence order from 0 with no gap, each checkpoint right after the
//!   entry that brings the tree to its size, then `end` with the counts (entry lines and
//!   checkpoint lines in the file).
//! - A range export (entries from `A` on) has a `start` line after the keys: `A` and the
//!   frontier of the log's first `A` entries (the perfect subtree hashes, largest first, as
//!   `merkle::frontier_nodes` lists them). Its entries begin at `A`, its checkpoints are of
//!   sizes from `A` on, and every root is computed from the frontier and the entries: a
//!   forged frontier gives roots no key signed.
//! - An entry's fields are those of the canonical encoding (module `entry`), hashes in
//!   lowercase hex, absent values as `null`; `leaf` is the leaf hash the log recorded when it
//!   appended the entry, so a changed field names its entry, not only its checkpoint. A
//!   `personal` item is `{"name","commitment","salt","value"}`: `salt` and `value` are `null`
//!   unless the export discloses the value, and then `SHA-256(salt ‖ value)` must equal the
//!   commitment.
//! - The last line before `end` is a checkpoint of the full size: every entry is covered by a
//!   signature, so none can change unseen.
//!
//! # Every byte is significant
//!
//! Each line must be exactly the canonical rendering of what it parses to (compact JSON,
//! fields in the order above, `null` for absent values, the escaping `serde_json` writes);
//! the verifier renders every parsed line again and refuses any difference. So an edit that
//! JSON would ignore (white space, an escape for a plain character, a reordered key, an
//! upper-case hex digit, a non-canonical base64 tail) is refused as "not canonical", and an
//! edit that changes meaning is refused by the check that covers that value: the leaf hash,
//! the sequence, the checkpoint signature (every signature line must be by a published key
//! and verify: no ignored lines), the tree root, the key list or the counts.
//!
//! What no export check can catch: an export cut after a checkpoint whose `end` line is
//! rewritten is a valid, shorter log. Compare the last checkpoint with the latest one the log
//! publishes (the verifier's `--latest` option).

use crate::checkpoint::Checkpoint;
use crate::encoding::{hex, parse_hash_hex};
use crate::entry::{Entry, EntryError, Outcome, Personal, commit_personal};
use crate::merkle::{Hash, MemoryTree, consistency_proof, verify_consistency};
use crate::note::{Ed25519Verify, VerifierKey, open};
use serde::{Deserialize, Serialize};

/// The format name in the header line.
pub const FORMAT: &str = "medportal-audit-export/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Line {
    Header(Header),
    Key(String),
    Start(Start),
    Entry(Box<EntryJson>),
    Checkpoint(String),
    End(End),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    pub size: u64,
    pub frontier: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct End {
    pub entries: u64,
    pub checkpoints: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonalJson {
    pub name: String,
    pub commitment: String,
    pub salt: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryJson {
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
    pub origin: Option<String>,
    pub subject: Option<String>,
    pub personal: Vec<PersonalJson>,
    pub leaf: String,
}

/// A disclosed personal value (export with clear values, e.g. for a data-subject access).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    pub name: String,
    pub salt: [u8; 32],
    pub value: String,
}

fn render(line: &Line) -> String {
    let mut s = serde_json::to_string(line).expect("export lines always serialise");
    s.push('\n');
    s
}

pub fn header_line(origin: &str) -> String {
    render(&Line::Header(Header {
        format: FORMAT.to_string(),
        origin: origin.to_string(),
    }))
}

pub fn key_line(key: &VerifierKey) -> String {
    render(&Line::Key(key.to_vkey()))
}

/// The line beginning a range export at entry `size`: `frontier` is the log's state there
/// (`TreeState::frontier`, or the stored nodes `merkle::frontier_nodes` names).
pub fn start_line(size: u64, frontier: &[Hash]) -> String {
    render(&Line::Start(Start {
        size,
        frontier: frontier.iter().map(|h| hex(h)).collect(),
    }))
}

/// The line of `entry`, with the values in `disclosures` in clear.
pub fn entry_line(entry: &Entry, disclosures: &[Disclosure]) -> Result<String, EntryError> {
    let leaf = entry.leaf_hash()?;
    let personal = entry
        .personal
        .iter()
        .map(|p| {
            let d = disclosures.iter().find(|d| d.name == p.name);
            PersonalJson {
                name: p.name.clone(),
                commitment: hex(&p.commitment),
                salt: d.map(|d| hex(&d.salt)),
                value: d.map(|d| d.value.clone()),
            }
        })
        .collect();
    Ok(render(&Line::Entry(Box::new(EntryJson {
        seq: entry.seq,
        time: entry.time.clone(),
        actor: entry.actor.clone(),
        role: entry.role.clone(),
        action: entry.action.clone(),
        object: entry.object.clone(),
        version: entry.version.clone(),
        outcome: entry.outcome,
        reason: entry.reason.clone(),
        meaning: entry.meaning.clone(),
        origin: entry.origin.map(|h| hex(&h)),
        subject: entry.subject.clone(),
        personal,
        leaf: hex(&leaf),
    }))))
}

/// The line of a signed checkpoint note.
pub fn checkpoint_line(signed_note: &str) -> String {
    render(&Line::Checkpoint(signed_note.to_string()))
}

pub fn end_line(entries: u64, checkpoints: u64) -> String {
    render(&Line::End(End {
        entries,
        checkpoints,
    }))
}

impl EntryJson {
    /// The entry these fields describe, and the leaf hash the export claims for it.
    pub fn to_entry(&self) -> Result<(Entry, Hash), String> {
        let origin = match &self.origin {
            None => None,
            Some(h) => {
                Some(parse_hash_hex(h).ok_or("origin is not a 64-digit lowercase hex hash")?)
            }
        };
        let mut personal = Vec::with_capacity(self.personal.len());
        for p in &self.personal {
            let commitment = parse_hash_hex(&p.commitment)
                .ok_or_else(|| format!("personal field {:?}: commitment is not hex", p.name))?;
            match (&p.salt, &p.value) {
                (None, None) => {}
                (Some(salt), Some(value)) => {
                    let salt = parse_hash_hex(salt)
                        .ok_or_else(|| format!("personal field {:?}: salt is not hex", p.name))?;
                    if commit_personal(&salt, value) != commitment {
                        return Err(format!(
                            "personal field {:?}: disclosed value does not match its commitment",
                            p.name
                        ));
                    }
                }
                _ => {
                    return Err(format!(
                        "personal field {:?}: salt and value must be disclosed together",
                        p.name
                    ));
                }
            }
            personal.push(Personal {
                name: p.name.clone(),
                commitment,
            });
        }
        let leaf = parse_hash_hex(&self.leaf).ok_or("leaf is not a 64-digit lowercase hex hash")?;
        let entry = Entry {
            seq: self.seq,
            time: self.time.clone(),
            actor: self.actor.clone(),
            role: self.role.clone(),
            action: self.action.clone(),
            object: self.object.clone(),
            version: self.version.clone(),
            outcome: self.outcome,
            reason: self.reason.clone(),
            meaning: self.meaning.clone(),
            origin,
            subject: self.subject.clone(),
            personal,
        };
        Ok((entry, leaf))
    }
}

/// What a verified export holds.
#[derive(Debug, Clone)]
pub struct Verified {
    pub origin: String,
    /// The first entry's sequence number (0, or a range export's start).
    pub start: u64,
    /// The number of entries in the export.
    pub entries: u64,
    pub checkpoints: u64,
    pub root: Hash,
    /// The last checkpoint (the one covering every entry).
    pub last_checkpoint: Checkpoint,
    /// The keys that signed at least one checkpoint.
    pub signers: Vec<VerifierKey>,
    /// The tree (from `start` on), for proofs against other checkpoints.
    pub tree: MemoryTree,
}

/// Where and why an export fails: the 1-based line, the entry's sequence number (or the
/// range of entries a failed checkpoint covers) and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub line: usize,
    pub seq: Option<u64>,
    pub problem: String,
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.seq {
            Some(seq) => write!(f, "line {}, entry seq {}: {}", self.line, seq, self.problem),
            None => write!(f, "line {}: {}", self.line, self.problem),
        }
    }
}

/// The keys an export is checked against.
pub enum Trust<'a> {
    /// The published keys the inspector obtained independently: every key line of the export
    /// must be one of them.
    Published(&'a [VerifierKey]),
    /// The key lines of the export itself (weaker: says only that the export is internally
    /// consistent and signed by the keys it names).
    Embedded,
}

struct Reader<'a, V> {
    trust: Trust<'a>,
    verifier: &'a V,
    origin: Option<String>,
    keys: Vec<VerifierKey>,
    tree: MemoryTree,
    checkpoints: u64,
    last: Option<Checkpoint>,
    signers: Vec<VerifierKey>,
    ended: bool,
}

/// Verifies an export (see the module documentation): every line canonical, the header, the
/// keys, every entry's leaf hash and sequence, every checkpoint's signatures, size and root,
/// the consistency of each checkpoint with the one before, full coverage and the end counts.
/// Stops at the first failure.
pub fn verify<V: Ed25519Verify>(
    data: &[u8],
    trust: Trust<'_>,
    verifier: &V,
) -> Result<Verified, Failure> {
    let mut r = Reader {
        trust,
        verifier,
        origin: None,
        keys: Vec::new(),
        tree: MemoryTree::new(),
        checkpoints: 0,
        last: None,
        signers: Vec::new(),
        ended: false,
    };
    let fail = |line: usize, seq: Option<u64>, problem: String| Failure { line, seq, problem };
    if data.is_empty() {
        return Err(fail(1, None, "empty export".into()));
    }
    let lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
    // `split` yields an empty last piece exactly when the data ends with a newline.
    let (last, body) = lines.split_last().expect("split yields at least one piece");
    if !last.is_empty() {
        return Err(fail(
            lines.len(),
            None,
            "export does not end with a newline: truncated".into(),
        ));
    }
    for (i, raw) in body.iter().enumerate() {
        let n = i + 1;
        if r.ended {
            return Err(fail(n, None, "data after the end line".into()));
        }
        let text = core::str::from_utf8(raw)
            .map_err(|_| fail(n, r.next_seq(), "line is not UTF-8".into()))?;
        let line: Line = serde_json::from_str(text)
            .map_err(|e| fail(n, r.next_seq(), format!("line is not an export line: {e}")))?;
        if render(&line).as_bytes().strip_suffix(b"\n") != Some(*raw) {
            return Err(fail(
                n,
                r.next_seq(),
                "line is not in canonical form".into(),
            ));
        }
        r.line(line)
            .map_err(|(seq, problem)| fail(n, seq, problem))?;
    }
    if !r.ended {
        return Err(fail(
            body.len() + 1,
            None,
            "no end line: export truncated".into(),
        ));
    }
    Ok(Verified {
        origin: r.origin.unwrap_or_default(),
        start: r.tree.start(),
        entries: r.tree.size() - r.tree.start(),
        checkpoints: r.checkpoints,
        root: r.tree.root(),
        last_checkpoint: r.last.expect("an ended export has a checkpoint"),
        signers: r.signers,
        tree: r.tree,
    })
}

type Problem = (Option<u64>, String);

impl<V: Ed25519Verify> Reader<'_, V> {
    fn next_seq(&self) -> Option<u64> {
        (self.origin.is_some() && !self.keys.is_empty()).then(|| self.tree.size())
    }

    fn line(&mut self, line: Line) -> Result<(), Problem> {
        match line {
            Line::Header(h) => self.header(h),
            Line::Key(k) => self.key(&k),
            Line::Start(s) => self.start(&s),
            Line::Entry(e) => self.entry(&e),
            Line::Checkpoint(c) => self.checkpoint(&c),
            Line::End(e) => self.end(&e),
        }
    }

    fn header(&mut self, h: Header) -> Result<(), Problem> {
        if self.origin.is_some() {
            return Err((None, "a second header".into()));
        }
        if h.format != FORMAT {
            return Err((
                None,
                format!(
                    "unknown format {:?} (this verifier reads {FORMAT})",
                    h.format
                ),
            ));
        }
        self.origin = Some(h.origin);
        Ok(())
    }

    fn key(&mut self, vkey: &str) -> Result<(), Problem> {
        if self.origin.is_none() {
            return Err((None, "a key before the header".into()));
        }
        if self.tree.size() > 0 || self.checkpoints > 0 {
            return Err((None, "a key after the entries began".into()));
        }
        let key = VerifierKey::parse(vkey).map_err(|e| (None, e.to_string()))?;
        if let Trust::Published(published) = self.trust
            && !published.contains(&key)
        {
            return Err((
                None,
                format!(
                    "key {}+{:08x} is not among the published keys",
                    key.name, key.id
                ),
            ));
        }
        if self.keys.contains(&key) {
            return Err((None, "a key listed twice".into()));
        }
        self.keys.push(key);
        Ok(())
    }

    fn start(&mut self, s: &Start) -> Result<(), Problem> {
        if self.keys.is_empty()
            || self.tree.size() > 0
            || self.checkpoints > 0
            || self.tree.start() > 0
        {
            return Err((
                None,
                "a start line out of place (after the keys, before any entry)".into(),
            ));
        }
        if s.size == 0 {
            return Err((None, "a start line at 0 (a full export has none)".into()));
        }
        let frontier: Option<Vec<Hash>> = s.frontier.iter().map(|h| parse_hash_hex(h)).collect();
        let frontier = frontier.ok_or((
            None,
            "start frontier: not 64-digit lowercase hex hashes".to_string(),
        ))?;
        self.tree = MemoryTree::from_frontier(s.size, &frontier).map_err(|_| {
            (
                None,
                format!(
                    "start frontier: {} hashes do not fit size {}",
                    frontier.len(),
                    s.size
                ),
            )
        })?;
        Ok(())
    }

    fn entry(&mut self, e: &EntryJson) -> Result<(), Problem> {
        let expected = self.tree.size();
        if self.origin.is_none() || self.keys.is_empty() {
            return Err((Some(e.seq), "an entry before the header and keys".into()));
        }
        if e.seq != expected {
            return Err((
                Some(expected),
                format!(
                    "sequence broken: expected entry {expected}, found entry {} (deleted, reordered or inserted)",
                    e.seq
                ),
            ));
        }
        let (entry, claimed) = e.to_entry().map_err(|p| (Some(expected), p))?;
        let leaf = entry
            .leaf_hash()
            .map_err(|p| (Some(expected), format!("entry cannot be encoded: {p}")))?;
        if leaf != claimed {
            return Err((
                Some(expected),
                "fields do not hash to the recorded leaf hash (entry altered)".into(),
            ));
        }
        self.tree.append(&leaf);
        Ok(())
    }

    fn checkpoint(&mut self, note: &str) -> Result<(), Problem> {
        let size = self.tree.size();
        let prev = self.last.as_ref().map_or(self.tree.start(), |c| c.size);
        let range = (size > prev).then_some(prev);
        if self.origin.is_none() || self.keys.is_empty() {
            return Err((None, "a checkpoint before the header and keys".into()));
        }
        let (text, signers) = open(note, &self.keys, self.verifier, true)
            .map_err(|e| (range, format!("checkpoint signature check failed: {e}")))?;
        let cp = Checkpoint::parse(&text).map_err(|e| (range, e.to_string()))?;
        if Some(&cp.origin) != self.origin.as_ref() {
            return Err((
                range,
                format!("checkpoint of another log ({:?})", cp.origin),
            ));
        }
        if cp.size != size {
            return Err((
                range,
                format!(
                    "checkpoint of size {} where {size} entries precede it",
                    cp.size
                ),
            ));
        }
        if cp.root != self.tree.root() {
            return Err((
                range,
                format!(
                    "entries {prev}..{} do not hash to the root this checkpoint signed (entry or leaf hash altered)",
                    size.saturating_sub(1)
                ),
            ));
        }
        if let Some(last) = &self.last {
            let proof = consistency_proof(&self.tree, last.size, cp.size).unwrap_or_default();
            if !verify_consistency(last.size, cp.size, &last.root, &cp.root, &proof) {
                return Err((
                    range,
                    format!(
                        "checkpoint {} is not consistent with checkpoint {}",
                        cp.size, last.size
                    ),
                ));
            }
            if let (Some(a), Some(b)) = (&last.time, &cp.time)
                && b < a
            {
                return Err((range, "checkpoint time goes backwards".into()));
            }
        }
        for key in signers {
            if !self.signers.contains(&key) {
                self.signers.push(key);
            }
        }
        self.checkpoints += 1;
        self.last = Some(cp);
        Ok(())
    }

    fn end(&mut self, e: &End) -> Result<(), Problem> {
        let size = self.tree.size();
        let covered = self.last.as_ref().map(|c| c.size);
        if covered != Some(size) {
            let first = covered.unwrap_or(self.tree.start());
            return Err((
                Some(first),
                format!(
                    "entries {first}..{} are not covered by a signed checkpoint",
                    size.saturating_sub(1)
                ),
            ));
        }
        let entries = size - self.tree.start();
        if e.entries != entries || e.checkpoints != self.checkpoints {
            return Err((
                None,
                format!(
                    "end line counts {} entries and {} checkpoints; the export holds {entries} and {}",
                    e.entries, e.checkpoints, self.checkpoints
                ),
            ));
        }
        self.ended = true;
        Ok(())
    }
}
