//! Medical vocabulary: synonym expansion at query time.
//!
//! # File format (UTF-8, one rule per line, `#` comments)
//! * `a|b|c` — equivalence group: a query for any member also matches the others
//!   (brand ↔ generic drug names, lay ↔ clinical terms).
//! * `a>b|c` — one-way: a query for `a` also matches `b` and `c`, not vice versa (ambiguous
//!   abbreviations, e.g. `mi>myocardial infarction`).
//!
//! Members are analysed with the same analyzer as documents and queries (lowercase, stopwords,
//! stemming), so `Heart Attacks` matches the rule `heart attack|myocardial infarction`.
//! Phrases are at most [`MAX_PHRASE`] terms.
//!
//! # Used in place
//! A [`Vocab`] is the pre-analysed binary itself (see [`VOCAB_MAGIC`]): phrases are stored in
//! key order behind an offset table, so a lookup is a binary search over the stored bytes and
//! opening one ([`Vocab::open`]) reads a fixed header only — no maps, no strings built. Every
//! access is bounds-checked: corrupt bytes give missing entries, never a panic.
//! [`Vocab::decode`] additionally verifies the checksum and every record (uploads).
//!
//! # Split for per-request hosts
//! A host that starts fresh (a new isolate or Spin instance, or Spin run with one request per
//! instance) should not read the whole vocabulary for one query. [`Vocab::split`] cuts a checked vocabulary into parts, each itself a vocabulary in
//! the format above: [`SHARDS`] shards by the hash of a phrase's first term (a shard holds every
//! phrase starting with its terms, with their groups and one-way targets complete, so a
//! query's synonyms resolve inside the shards of its terms), one part with the single-term
//! keys (typo tolerance) and one with the display names (autocomplete). A small directory
//! ([`VOCAB_DIR_MAGIC`]) names the parts by content hash. [`Vocab::open_split`] opens the
//! directory with no part loaded; a lookup that needs an absent part answers as an empty
//! vocabulary would and records the part ([`Vocab::take_missing`]); the searcher reports it as
//! a missing chunk ([`crate::Error::MissingChunk`] with the part's id), the host loads it
//! ([`Vocab::load_part`]) and runs the lookup again.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;

use crate::analysis::Analyzer;
use crate::codec::get_varint;
use crate::error::{ChunkId, Error};
use crate::fuzzy::TermList;

pub const MAX_PHRASE: usize = 4;

/// One alternative phrase (analysed terms) with its weight and display text.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    pub terms: Vec<String>,
    pub display: String,
    pub weight: f32,
}

/// The vocabulary sources (text). Only the generator (`medportal-search-vocab`) and tests parse
/// them; hosts load the pre-analysed [`BUILTIN_BIN`] instead.
pub const BUILTIN_DRUGS: &str = include_str!("../data/synonyms.txt");
pub const BUILTIN_MEDICAL: &str = include_str!("../data/medical_terms.txt");
/// The shipped vocabulary, pre-analysed at build time (`data/vocab.bin`, see [`Vocab::encode`]),
/// used in place.
#[cfg(feature = "builtin-vocab")]
pub const BUILTIN_BIN: &[u8] = include_bytes!("../data/vocab.bin");

/// Pre-analysed vocabulary: `"MPSV" | version u16 LE | payload | xxh64(payload, 0) u64 LE`.
///
/// Payload (u32 = little-endian, var = LEB128):
/// * header u32×7: rules, phrases `n`, groups `g`, single-term count `s`, name count `m`,
///   record area length, group area length;
/// * `rec_off` u32×(n+1) and `grp_off` u32×(g+1): record boundaries in the two areas;
/// * `singles` u32×s: phrases (ids) whose key is one term and that have a rule, in key order
///   (typo tolerance on vocabulary words absent from the corpus), then u8×s: each one's
///   common prefix length with the previous one (capped at 255);
/// * `names` u32×m: phrases with a rule, one per distinct display text, in display order
///   (autocomplete);
/// * record area: per phrase, in key order (a phrase's id is its rank): key (analysed terms
///   joined by one space) as var length + bytes, display as var `0` (same as the key) or
///   `1 + length` + bytes, group count var + group ids var×, one-way target count var +
///   (target id var, weight f32)×;
/// * group area: per equivalence group, weight f32, member count var, member ids var×.
pub const VOCAB_MAGIC: [u8; 4] = *b"MPSV";
pub const VOCAB_VERSION: u16 = 2;

const HEAD: usize = 6;
const NHDR: usize = 7;

/// Section positions (absolute byte offsets into the stored bytes).
#[derive(Debug, Default, Clone, Copy)]
struct Layout {
    rules: usize,
    n: usize,
    g: usize,
    singles_n: usize,
    names_n: usize,
    rec_off: usize,
    grp_off: usize,
    singles: usize,
    names: usize,
    recs: usize,
    grps: usize,
    end: usize,
}

/// The vocabulary, read in place from its stored bytes (or, split, from its parts).
#[derive(Default)]
pub struct Vocab {
    bytes: Cow<'static, [u8]>,
    l: Layout,
    split: Option<Box<Split>>,
}

impl std::fmt::Debug for Vocab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.split {
            None => write!(f, "Vocab({} bytes, {} phrases)", self.bytes.len(), self.l.n),
            Some(s) => write!(f, "Vocab(split in {} parts, {} phrases)", s.ids.len(), s.phrases),
        }
    }
}

/// Shards of a split vocabulary (by the hash of a phrase's first term).
pub const SHARDS: usize = 128;
/// Part index of the single-term keys (typo tolerance) in a split vocabulary.
const SINGLES: usize = SHARDS;
/// Part index of the display names (autocomplete).
const NAMES: usize = SHARDS + 1;
const PARTS: usize = SHARDS + 2;

/// Directory of a split vocabulary: `"MPSD" | version u16 | rules u32 | phrases u32 |
/// part count u32 | part ids u64×count | xxh64(everything before, 0) u64`, all little-endian.
/// Parts are in shard order, then the single-term part, then the names part.
pub const VOCAB_DIR_MAGIC: [u8; 4] = *b"MPSD";
pub const VOCAB_DIR_VERSION: u16 = 1;

/// A split vocabulary's directory and the parts loaded so far.
struct Split {
    rules: usize,
    phrases: usize,
    ids: Vec<ChunkId>,
    parts: Vec<OnceCell<Vocab>>,
    /// The last part a lookup needed and did not have.
    missing: Cell<Option<usize>>,
}

/// A vocabulary cut into parts ([`Vocab::split`]): the directory and the parts by id.
pub struct VocabParts {
    pub dir: Vec<u8>,
    pub parts: Vec<(ChunkId, Vec<u8>)>,
}

/// The shard of a phrase key or term (by its first term).
pub fn shard_of(key: &str) -> usize {
    let first = key.split(' ').next().unwrap_or("");
    (crate::codec::xxh64(first.as_bytes(), 0) % SHARDS as u64) as usize
}

/// One phrase record, as stored.
struct Rec<'a> {
    key: &'a [u8],
    display: Option<&'a [u8]>,
    /// group count var + ids, then the one-way targets
    rest: &'a [u8],
}

impl Vocab {
    pub fn empty() -> Self {
        Self::default()
    }

    /// The shipped vocabulary: derived FDA brand↔generic names (weight 1.0) and the curated
    /// medical abbreviations / lay terms (weight 0.9), used in place from the embedded
    /// `data/vocab.bin` (a test checks it equals [`Vocab::from_sources`]).
    #[cfg(feature = "builtin-vocab")]
    pub fn builtin() -> Self {
        // The embedded bytes are checked by tests; a corrupt build falls back to the sources
        // (out of line: a fresh wasm isolate compiles only the functions it calls, and the
        // fallback never runs)
        #[cold]
        #[inline(never)]
        fn fallback(_: Error) -> Vocab {
            Vocab::from_sources()
        }
        Self::open(Cow::Borrowed(BUILTIN_BIN)).unwrap_or_else(fallback)
    }

    /// Analyse the text sources (slow: ~0.1–0.4 s; the generator and tests use it).
    pub fn from_sources() -> Self {
        let a = Analyzer::new();
        let mut b = Build::default();
        b.add_text(&a, BUILTIN_DRUGS, 1.0);
        b.add_text(&a, BUILTIN_MEDICAL, 0.9);
        b.finish()
    }

    /// Parse one vocabulary text with a weight for its expansions.
    pub fn parse(text: &str, weight: f32) -> Self {
        let mut b = Build::default();
        b.add_text(&Analyzer::new(), text, weight);
        b.finish()
    }

    /// The stored form (see [`VOCAB_MAGIC`]).
    pub fn encode(&self) -> Vec<u8> {
        if self.bytes.is_empty() { Build::default().encode() } else { self.bytes.to_vec() }
    }

    /// Use stored bytes in place: checks the magic, the version and that the sections fit
    /// (constant time; no checksum, no per-record work). For bytes checked with
    /// [`Vocab::decode`] before they were stored, or embedded at build time.
    pub fn open(bytes: Cow<'static, [u8]>) -> Result<Self, Error> {
        if bytes.len() < HEAD + 4 * NHDR + 8 || bytes[..4] != VOCAB_MAGIC {
            return Err(Error::BadMagic);
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != VOCAB_VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        let h = |i: usize| u32_le(&bytes, HEAD + 4 * i) as usize;
        let (n, g, s, m) = (h(1), h(2), h(3), h(4));
        let rec_off = HEAD + 4 * NHDR;
        let grp_off = rec_off + 4 * (n + 1);
        let singles = grp_off + 4 * (g + 1);
        let names = singles + 5 * s;
        let recs = names + 4 * m;
        let grps = recs + h(5);
        let end = grps + h(6);
        if end + 8 != bytes.len() {
            return Err(Error::Corrupt("vocab layout"));
        }
        let l = Layout { rules: h(0), n, g, singles_n: s, names_n: m, rec_off, grp_off, singles, names, recs, grps, end };
        Ok(Self { bytes, l, split: None })
    }

    /// Check stored bytes completely (checksum, every record and reference) and use them.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() < HEAD + 8 || bytes[..4] != VOCAB_MAGIC {
            return Err(Error::BadMagic);
        }
        let payload = &bytes[HEAD..bytes.len() - 8];
        let sum = u64::from_le_bytes(bytes[bytes.len() - 8..].try_into().map_err(|_| Error::Checksum)?);
        if crate::codec::xxh64(payload, 0) != sum {
            return Err(Error::Checksum);
        }
        let v = Self::open(Cow::Owned(bytes.to_vec()))?;
        v.validate()?;
        Ok(v)
    }

    fn validate(&self) -> Result<(), Error> {
        let l = self.l;
        let bad = Error::Corrupt;
        let offsets_ok = |at: usize, k: usize, area: usize| {
            (0..k).all(|i| u32_le(&self.bytes, at + 4 * i) <= u32_le(&self.bytes, at + 4 * (i + 1)))
                && u32_le(&self.bytes, at) == 0
                && u32_le(&self.bytes, at + 4 * k) as usize == area
        };
        if !offsets_ok(l.rec_off, l.n, l.grps - l.recs) || !offsets_ok(l.grp_off, l.g, l.end - l.grps) {
            return Err(bad("vocab offsets"));
        }
        let mut prev: Option<&[u8]> = None;
        for i in 0..l.n {
            let r = self.rec(i).ok_or(bad("vocab record"))?;
            let key = std::str::from_utf8(r.key).map_err(|_| bad("vocab key"))?;
            if key.is_empty() || key.split(' ').count() > MAX_PHRASE || prev.is_some_and(|p| p >= r.key) {
                return Err(bad("vocab key order"));
            }
            prev = Some(r.key);
            std::str::from_utf8(r.display.unwrap_or(b"")).map_err(|_| bad("vocab display"))?;
            let mut pos = 0;
            let groups = var(r.rest, &mut pos).ok_or(bad("vocab record"))?;
            for _ in 0..groups {
                if var(r.rest, &mut pos).is_none_or(|x| x >= l.g) {
                    return Err(bad("vocab group id"));
                }
            }
            let targets = var(r.rest, &mut pos).ok_or(bad("vocab record"))?;
            for _ in 0..targets {
                if var(r.rest, &mut pos).is_none_or(|x| x >= l.n) || r.rest.get(pos..pos + 4).is_none() {
                    return Err(bad("vocab target"));
                }
                pos += 4;
            }
            if pos != r.rest.len() {
                return Err(bad("vocab record length"));
            }
        }
        for g in 0..l.g {
            let rec = self.group(g).ok_or(bad("vocab group"))?;
            let mut pos = 4;
            let k = var(rec, &mut pos).ok_or(bad("vocab group"))?;
            for _ in 0..k {
                if var(rec, &mut pos).is_none_or(|x| x >= l.n) {
                    return Err(bad("vocab member"));
                }
            }
            if pos != rec.len() {
                return Err(bad("vocab group length"));
            }
        }
        let ids_ok = |at: usize, k: usize| (0..k).all(|i| (u32_le(&self.bytes, at + 4 * i) as usize) < l.n);
        let st = self.single_terms();
        if (0..l.singles_n).any(|i| {
            let want = if i == 0 { 0 } else { crate::format::common_prefix(st.term(i - 1), st.term(i)).min(255) };
            st.lcp(i) != want
        }) {
            return Err(bad("vocab single-term prefixes"));
        }
        if !ids_ok(l.singles, l.singles_n) || !ids_ok(l.names, l.names_n) {
            return Err(bad("vocab list"));
        }
        Ok(())
    }

    /// Number of rules (lines) loaded.
    pub fn rules(&self) -> usize {
        self.split.as_ref().map_or(self.l.rules, |s| s.rules)
    }
    /// Number of distinct phrases.
    pub fn phrases(&self) -> usize {
        self.split.as_ref().map_or(self.l.n, |s| s.phrases)
    }

    /// The vocabulary that answers for part `part`: itself when whole; when split, the part if
    /// loaded, else itself (a split vocabulary's own bytes are empty, so it answers as an
    /// empty one) with the part recorded as missing.
    fn route(&self, part: usize) -> &Vocab {
        let Some(s) = &self.split else { return self };
        match s.parts.get(part).and_then(OnceCell::get) {
            Some(v) => v,
            None => {
                s.missing.set(Some(part));
                self
            }
        }
    }

    /// The id of the part a lookup last needed and did not have (and forgets it).
    pub fn take_missing(&self) -> Option<ChunkId> {
        let s = self.split.as_ref()?;
        s.missing.take().and_then(|p| s.ids.get(p).copied())
    }

    /// The ids of a split vocabulary's parts (empty for a whole one).
    pub fn part_ids(&self) -> Vec<ChunkId> {
        self.split.as_ref().map_or_else(Vec::new, |s| s.ids.clone())
    }

    /// Whether `id` is one of this split vocabulary's parts.
    pub fn has_part(&self, id: ChunkId) -> bool {
        self.split.as_ref().is_some_and(|s| s.ids.contains(&id))
    }

    /// The parts not loaded yet that lookups of these analysed terms (phrases starting with
    /// them, their synonyms) need. Empty for a whole vocabulary.
    pub fn parts_for(&self, terms: &[&str]) -> Vec<ChunkId> {
        let Some(s) = &self.split else { return Vec::new() };
        let mut out: Vec<ChunkId> = Vec::new();
        for t in terms {
            let p = shard_of(t);
            if s.parts[p].get().is_none() && !out.contains(&s.ids[p]) {
                out.push(s.ids[p]);
            }
        }
        out
    }

    /// Opens a split vocabulary's directory (checksum and layout checked); no part is loaded.
    pub fn open_split(dir: &[u8]) -> Result<Self, Error> {
        if dir.len() < 4 + 2 + 12 + 8 || dir[..4] != VOCAB_DIR_MAGIC {
            return Err(Error::BadMagic);
        }
        let version = u16::from_le_bytes([dir[4], dir[5]]);
        if version != VOCAB_DIR_VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        let body = &dir[..dir.len() - 8];
        if crate::codec::xxh64(body, 0).to_le_bytes() != dir[dir.len() - 8..] {
            return Err(Error::Checksum);
        }
        let (rules, phrases, count) = (u32_le(dir, 6) as usize, u32_le(dir, 10) as usize, u32_le(dir, 14) as usize);
        if count != PARTS || body.len() != 18 + 8 * count {
            return Err(Error::Corrupt("vocab directory"));
        }
        let ids = (0..count).map(|i| ChunkId(u64::from_le_bytes(body[18 + 8 * i..26 + 8 * i].try_into().unwrap_or_default()))).collect();
        let split = Split { rules, phrases, ids, parts: (0..count).map(|_| OnceCell::new()).collect(), missing: Cell::new(None) };
        Ok(Self { split: Some(Box::new(split)), ..Self::default() })
    }

    /// Loads part `id` of a split vocabulary from its stored bytes (their hash must be `id`).
    /// Loading a part twice, or a part of a whole vocabulary, changes nothing.
    pub fn load_part(&self, id: ChunkId, bytes: Vec<u8>) -> Result<(), Error> {
        let Some(s) = &self.split else { return Ok(()) };
        if !s.ids.contains(&id) {
            return Err(Error::Corrupt("not a part of this vocabulary"));
        }
        if ChunkId::of(&bytes) != id {
            return Err(Error::Checksum);
        }
        // Parts with equal bytes (the empty shards of a small vocabulary) share an id: one
        // load fills every one of them.
        for (p, _) in s.ids.iter().enumerate().filter(|(_, x)| **x == id) {
            if s.parts[p].get().is_none() {
                let _ = s.parts[p].set(Self::open(Cow::Owned(bytes.clone()))?);
            }
        }
        Ok(())
    }

    /// Cuts this (whole, checked) vocabulary into a directory and its parts (see the module
    /// documentation). Every lookup answers on the loaded parts as on the whole.
    pub fn split(&self) -> VocabParts {
        let l = self.l;
        let key_str = |i: usize| std::str::from_utf8(self.key(i)).unwrap_or("");
        // each phrase's groups and one-way targets, as stored
        let mut groups_of: Vec<Vec<usize>> = vec![Vec::new(); l.n];
        let mut targets_of: Vec<Vec<(usize, f32)>> = vec![Vec::new(); l.n];
        for (i, (gs, ts)) in groups_of.iter_mut().zip(targets_of.iter_mut()).enumerate() {
            let Some(r) = self.rec(i) else { continue };
            let mut pos = 0;
            for _ in 0..var(r.rest, &mut pos).unwrap_or(0) {
                gs.extend(var(r.rest, &mut pos));
            }
            for _ in 0..var(r.rest, &mut pos).unwrap_or(0) {
                let Some(t) = var(r.rest, &mut pos) else { break };
                ts.push((t, f32_le(r.rest, pos)));
                pos += 4;
            }
        }
        let group = |g: usize| -> (f32, Vec<usize>) {
            let rec = self.group(g).unwrap_or(&[]);
            let mut pos = 4;
            let members = (0..var(rec, &mut pos).unwrap_or(0)).filter_map(|_| var(rec, &mut pos)).collect();
            (f32_le(rec, 0), members)
        };
        let phrase = |b: &mut Build, i: usize| -> u32 {
            let key = key_str(i).to_owned();
            if let Some(&id) = b.phrase_ids.get(&key) {
                return id;
            }
            let id = b.phrases.len() as u32;
            b.phrase_ids.insert(key.clone(), id);
            b.phrases.push((key, self.display_of(i).to_owned()));
            id
        };
        let mut builds: Vec<Build> = (0..PARTS)
            .map(|p| Build { no_singles: p != SINGLES, no_names: p != NAMES, ..Build::default() })
            .collect();
        let mut shard_groups: Vec<Vec<usize>> = vec![Vec::new(); SHARDS];
        for i in 0..l.n {
            let sh = shard_of(key_str(i));
            let b = &mut builds[sh];
            let id = phrase(b, i);
            if !targets_of[i].is_empty() {
                let targets: Vec<(u32, f32)> = targets_of[i].iter().map(|&(t, w)| (phrase(b, t), w)).collect();
                b.oneway.insert(id, targets);
            }
            shard_groups[sh].extend(groups_of[i].iter().copied());
        }
        // groups in their stored order, so every phrase lists its groups as the whole does
        for (sh, gs) in shard_groups.iter_mut().enumerate() {
            crate::sort::sort_dedup(gs);
            let b = &mut builds[sh];
            for &g in gs.iter() {
                let (w, members) = group(g);
                let ids: Vec<u32> = members.iter().map(|&m| phrase(b, m)).collect();
                let gid = b.groups.len() as u32;
                for &m in &ids {
                    b.member_of.entry(m).or_default().push(gid);
                }
                b.groups.push((w, ids));
            }
        }
        // single-term keys (keys only) and display names, marked as having a rule
        let st = self.single_terms();
        for k in 0..st.len() {
            let b = &mut builds[SINGLES];
            let key = st.term(k).to_owned();
            let id = b.phrases.len() as u32;
            b.phrase_ids.insert(key.clone(), id);
            b.phrases.push((key.clone(), key));
            b.oneway.insert(id, Vec::new());
        }
        for k in 0..l.names_n {
            let b = &mut builds[NAMES];
            let i = self.at(l.names, k);
            let id = phrase(b, i);
            b.oneway.entry(id).or_default();
        }
        let parts: Vec<(ChunkId, Vec<u8>)> = builds
            .iter()
            .map(|b| {
                let bytes = b.encode();
                (ChunkId::of(&bytes), bytes)
            })
            .collect();
        let mut dir = Vec::with_capacity(26 + 8 * PARTS);
        dir.extend_from_slice(&VOCAB_DIR_MAGIC);
        dir.extend_from_slice(&VOCAB_DIR_VERSION.to_le_bytes());
        for v in [l.rules, l.n, PARTS] {
            dir.extend_from_slice(&(v as u32).to_le_bytes());
        }
        for (id, _) in &parts {
            dir.extend_from_slice(&id.0.to_le_bytes());
        }
        let sum = crate::codec::xxh64(&dir, 0);
        dir.extend_from_slice(&sum.to_le_bytes());
        VocabParts { dir, parts }
    }

    #[inline]
    fn at(&self, base: usize, i: usize) -> usize {
        u32_le(&self.bytes, base + 4 * i) as usize
    }

    fn rec(&self, i: usize) -> Option<Rec<'_>> {
        if i >= self.l.n {
            return None;
        }
        let (a, b) = (self.l.recs + self.at(self.l.rec_off, i), self.l.recs + self.at(self.l.rec_off, i + 1));
        let r = self.bytes.get(a..b.min(self.l.grps))?;
        let mut pos = 0;
        let k = var(r, &mut pos)?;
        let key = r.get(pos..pos.checked_add(k)?)?;
        pos += k;
        let d = var(r, &mut pos)?;
        let display = if d == 0 {
            None
        } else {
            let s = r.get(pos..pos.checked_add(d - 1)?)?;
            pos += d - 1;
            Some(s)
        };
        Some(Rec { key, display, rest: &r[pos..] })
    }

    fn group(&self, g: usize) -> Option<&[u8]> {
        if g >= self.l.g {
            return None;
        }
        let (a, b) = (self.l.grps + self.at(self.l.grp_off, g), self.l.grps + self.at(self.l.grp_off, g + 1));
        self.bytes.get(a..b.min(self.l.end))
    }

    fn key(&self, i: usize) -> &[u8] {
        self.rec(i).map_or(&[][..], |r| r.key)
    }

    fn display_of(&self, i: usize) -> &str {
        self.rec(i).and_then(|r| std::str::from_utf8(r.display.unwrap_or(r.key)).ok()).unwrap_or("")
    }

    /// Phrase id of a key (binary search over the stored keys).
    fn find(&self, key: &[u8]) -> Option<usize> {
        let (mut lo, mut hi) = (0usize, self.l.n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.key(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Alternatives for an analysed phrase (terms), excluding itself.
    pub fn alternatives(&self, terms: &[&str]) -> Vec<Alternative> {
        self.alternatives_key(&terms.join(" "))
    }

    pub fn alternatives_key(&self, key: &str) -> Vec<Alternative> {
        self.route(shard_of(key)).alternatives_here(key)
    }

    fn alternatives_here(&self, key: &str) -> Vec<Alternative> {
        let Some(id) = self.find(key.as_bytes()) else { return Vec::new() };
        let Some(r) = self.rec(id) else { return Vec::new() };
        let mut out: Vec<(usize, f32)> = Vec::new();
        let mut add = |p: usize, w: f32| {
            if p == id || p >= self.l.n {
                return;
            }
            match out.iter_mut().find(|x| x.0 == p) {
                Some(x) => x.1 = x.1.max(w),
                None => out.push((p, w)),
            }
        };
        let mut pos = 0;
        for _ in 0..var(r.rest, &mut pos).unwrap_or(0) {
            let Some(g) = var(r.rest, &mut pos).and_then(|g| self.group(g)) else { break };
            let w = f32_le(g, 0);
            let mut gp = 4;
            for _ in 0..var(g, &mut gp).unwrap_or(0) {
                let Some(p) = var(g, &mut gp) else { break };
                add(p, w);
            }
        }
        for _ in 0..var(r.rest, &mut pos).unwrap_or(0) {
            let Some(p) = var(r.rest, &mut pos) else { break };
            add(p, f32_le(r.rest, pos));
            pos += 4;
        }
        out.into_iter()
            .map(|(p, w)| {
                let terms = std::str::from_utf8(self.key(p)).unwrap_or("").split(' ').map(str::to_string).collect();
                Alternative { terms, display: self.display_of(p).to_string(), weight: w }
            })
            .collect()
    }

    fn is_key(&self, key: &str) -> bool {
        let v = self.route(shard_of(key));
        v.find(key.as_bytes()).and_then(|i| v.rec(i)).is_some_and(|r| has_rule(r.rest))
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.is_key(key)
    }

    /// Display text of a phrase key, if known.
    pub fn display(&self, key: &str) -> Option<&str> {
        let v = self.route(shard_of(key));
        v.find(key.as_bytes()).map(|i| v.display_of(i))
    }

    /// Single-term keys with a rule, sorted: typo tolerance on vocabulary words absent from the
    /// corpus.
    pub fn single_terms(&self) -> SingleTerms<'_> {
        SingleTerms(self.route(SINGLES))
    }

    /// Lowercased display names with a rule, sorted and distinct, from the first one that is
    /// not below `prefix` (autocomplete).
    pub fn names_from<'a>(&'a self, prefix: &str) -> impl Iterator<Item = &'a str> + 'a {
        self.route(NAMES).names_here(prefix)
    }

    fn names_here<'a>(&'a self, prefix: &str) -> impl Iterator<Item = &'a str> + 'a {
        let name = |i: usize| self.display_of(self.at(self.l.names, i));
        let (mut lo, mut hi) = (0usize, self.l.names_n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if name(mid) < prefix {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo..self.l.names_n).map(name)
    }

    /// Greedy longest-match of vocabulary phrases over analysed query terms.
    /// Returns `(start, len)` spans.
    pub fn match_spans(&self, terms: &[&str]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        let mut key = String::new();
        if self.phrases() == 0 {
            return out;
        }
        while i < terms.len() {
            let mut matched = 0;
            for len in (1..=MAX_PHRASE.min(terms.len() - i)).rev() {
                key.clear();
                for (k, t) in terms[i..i + len].iter().enumerate() {
                    if k > 0 {
                        key.push(' ');
                    }
                    key.push_str(t);
                }
                if self.is_key(&key) {
                    matched = len;
                    break;
                }
            }
            if matched > 0 {
                out.push((i, matched));
                i += matched;
            } else {
                i += 1;
            }
        }
        out
    }
}

/// The single-term keys of a [`Vocab`], in place (see [`Vocab::single_terms`]).
#[derive(Clone, Copy)]
pub struct SingleTerms<'a>(&'a Vocab);

impl SingleTerms<'_> {
    pub fn term(&self, i: usize) -> &str {
        std::str::from_utf8(self.term_bytes(i)).unwrap_or("")
    }
}

impl TermList for SingleTerms<'_> {
    fn len(&self) -> usize {
        self.0.l.singles_n
    }
    fn term_bytes(&self, i: usize) -> &[u8] {
        if i >= self.0.l.singles_n {
            return &[];
        }
        self.0.key(self.0.at(self.0.l.singles, i))
    }
    fn lcp(&self, i: usize) -> usize {
        let l = &self.0.l;
        if i >= l.singles_n { 0 } else { self.0.bytes.get(l.singles + 4 * l.singles_n + i).copied().unwrap_or(0) as usize }
    }
}

#[inline]
fn u32_le(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
#[inline]
fn f32_le(b: &[u8], at: usize) -> f32 {
    f32::from_bits(u32_le(b, at))
}
#[inline]
fn var(b: &[u8], pos: &mut usize) -> Option<usize> {
    get_varint(b, pos).and_then(|v| usize::try_from(v).ok())
}
/// Whether a record's tail (groups, one-way targets) holds any rule.
fn has_rule(rest: &[u8]) -> bool {
    rest.first().is_some_and(|&g| g != 0) || rest.get(1).is_some_and(|&t| t != 0)
}

/// Parsed rules while a vocabulary is being built from text (generator and tests).
#[derive(Default)]
struct Build {
    /// key (analysed terms joined by ' ') -> phrase id
    phrase_ids: HashMap<String, u32>,
    /// phrase id -> (key, display text)
    phrases: Vec<(String, String)>,
    /// phrase id -> equivalence groups it belongs to
    member_of: HashMap<u32, Vec<u32>>,
    /// per group: (weight, members sorted by id)
    groups: Vec<(f32, Vec<u32>)>,
    /// one-way rules: phrase id -> (target phrase, weight)
    oneway: HashMap<u32, Vec<(u32, f32)>>,
    rules: usize,
    /// Leave the single-term list out (parts of a split vocabulary other than its own).
    no_singles: bool,
    /// Leave the names list out (likewise).
    no_names: bool,
}

impl Build {
    fn phrase(&mut self, a: &Analyzer, text: &str) -> Option<u32> {
        let terms = a.terms(text);
        if terms.is_empty() || terms.len() > MAX_PHRASE {
            return None;
        }
        let key = terms.join(" ");
        if let Some(&id) = self.phrase_ids.get(&key) {
            return Some(id);
        }
        let id = self.phrases.len() as u32;
        self.phrase_ids.insert(key.clone(), id);
        self.phrases.push((key, text.trim().to_lowercase()));
        Some(id)
    }

    fn add_text(&mut self, a: &Analyzer, text: &str, weight: f32) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if let Some((lhs, rhs)) = line.split_once('>') {
                let Some(src) = self.phrase(a, lhs) else { continue };
                let targets: Vec<u32> = rhs.split('|').filter_map(|t| self.phrase(a, t)).collect();
                let e = self.oneway.entry(src).or_default();
                for t in targets {
                    if t != src && !e.iter().any(|x| x.0 == t) {
                        e.push((t, weight));
                    }
                }
                self.rules += 1;
            } else {
                let mut members: Vec<u32> = line.split('|').filter_map(|t| self.phrase(a, t)).collect();
                members.sort_unstable();
                members.dedup();
                if members.len() < 2 {
                    continue;
                }
                let g = self.groups.len() as u32;
                for &m in &members {
                    self.member_of.entry(m).or_default().push(g);
                }
                self.groups.push((weight, members));
                self.rules += 1;
            }
        }
    }

    fn finish(self) -> Vocab {
        Vocab::open(Cow::Owned(self.encode())).unwrap_or_default()
    }

    /// Lay the phrases out in key order (a phrase's id becomes its rank); group members and
    /// one-way targets keep their order, so expansions come out as they were written.
    fn encode(&self) -> Vec<u8> {
        let n = self.phrases.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by(|&a, &b| self.phrases[a as usize].0.cmp(&self.phrases[b as usize].0));
        let mut rank = vec![0u32; n];
        for (k, &old) in order.iter().enumerate() {
            rank[old as usize] = k as u32;
        }
        let active = |old: u32| self.member_of.contains_key(&old) || self.oneway.contains_key(&old);
        let mut recs = crate::codec::Writer::new();
        let mut rec_off = vec![0u32];
        let mut singles = Vec::new();
        for (k, &old) in order.iter().enumerate() {
            let (key, display) = &self.phrases[old as usize];
            recs.str(key);
            if display == key {
                recs.var(0);
            } else {
                recs.var(display.len() as u64 + 1);
                recs.raw(display.as_bytes());
            }
            let groups = self.member_of.get(&old).map_or(&[][..], Vec::as_slice);
            recs.var(groups.len() as u64);
            for &g in groups {
                recs.var(g as u64);
            }
            let targets = self.oneway.get(&old).map_or(&[][..], Vec::as_slice);
            recs.var(targets.len() as u64);
            for &(t, w) in targets {
                recs.var(rank[t as usize] as u64);
                recs.f32(w);
            }
            rec_off.push(recs.buf.len() as u32);
            if active(old) && !key.contains(' ') && !self.no_singles {
                singles.push(k as u32);
            }
        }
        let mut grps = crate::codec::Writer::new();
        let mut grp_off = vec![0u32];
        for (w, members) in &self.groups {
            grps.f32(*w);
            grps.var(members.len() as u64);
            for &m in members {
                grps.var(rank[m as usize] as u64);
            }
            grp_off.push(grps.buf.len() as u32);
        }
        let mut names: Vec<(&str, u32)> =
            (0..n as u32).filter(|&old| active(old) && !self.no_names).map(|old| (self.phrases[old as usize].1.as_str(), rank[old as usize])).collect();
        names.sort_unstable();
        names.dedup_by(|a, b| a.0 == b.0);
        let mut w = crate::codec::Writer::new();
        for v in [self.rules, n, self.groups.len(), singles.len(), names.len(), recs.buf.len(), grps.buf.len()] {
            w.u32(v as u32);
        }
        for v in rec_off.iter().chain(&grp_off).chain(&singles) {
            w.u32(*v);
        }
        // as the fuzzy matcher's sorted lists count it: bytes, backed off to a char boundary
        let key = |k: u32| self.phrases[order[k as usize] as usize].0.as_str();
        for (i, &k) in singles.iter().enumerate() {
            let l = if i == 0 { 0 } else { crate::format::common_prefix(key(singles[i - 1]), key(k)) };
            w.u8(l.min(255) as u8);
        }
        for (_, id) in &names {
            w.u32(*id);
        }
        w.raw(&recs.buf);
        w.raw(&grps.buf);
        let mut out = Vec::with_capacity(w.buf.len() + 14);
        out.extend_from_slice(&VOCAB_MAGIC);
        out.extend_from_slice(&VOCAB_VERSION.to_le_bytes());
        out.extend_from_slice(&w.buf);
        out.extend_from_slice(&crate::codec::xxh64(&w.buf, 0).to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn groups_and_one_way() {
        let v = Vocab::parse("metformin|glucophage\nheart attack|myocardial infarction\nmi>myocardial infarction\n", 1.0);
        let a = Analyzer::new();
        let g = a.terms("Glucophage");
        let alts = v.alternatives(&g.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(alts[0].terms, ["metformin"]);
        let mi = v.alternatives(&["mi"]);
        assert_eq!(mi.len(), 1);
        let back = v.alternatives_key(&a.terms("myocardial infarction").join(" "));
        assert!(back.iter().all(|x| x.terms != ["mi"]), "one-way rule must not reverse");
        assert!(back.iter().any(|x| x.display == "heart attack"));
        let q = a.terms("treatment after heart attacks");
        let spans = v.match_spans(&q.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(spans, [(2, 2)]);
    }
    /// `data/vocab.bin` must be regenerated whenever the sources or the analyzer change:
    /// `cargo run -p medportal-search-index --bin medportal-search-vocab -- data/vocab.bin`.
    #[cfg(feature = "builtin-vocab")]
    #[test]
    fn embedded_vocab_is_the_analysed_sources() {
        let fresh = Vocab::from_sources();
        assert!(BUILTIN_BIN == fresh.encode().as_slice(), "data/vocab.bin is stale: regenerate it");
        let v = Vocab::decode(BUILTIN_BIN).unwrap();
        assert_eq!(v.encode(), fresh.encode());
        assert_eq!((v.rules(), v.phrases()), (fresh.rules(), fresh.phrases()));
        assert_eq!(v.names_from("").collect::<Vec<_>>(), fresh.names_from("").collect::<Vec<_>>());
        assert!(v.names_from("atorv").next().is_some_and(|n| n.starts_with("atorv")));
        let a = Analyzer::new();
        for q in ["lipitor", "heart attack", "mi", "metformin"] {
            let k = a.terms(q).join(" ");
            assert_eq!(v.alternatives_key(&k), fresh.alternatives_key(&k), "{q}");
        }
        let mut bad = BUILTIN_BIN.to_vec();
        bad[20] ^= 1;
        assert!(Vocab::decode(&bad).is_err());
    }

    /// Opening reads only the header, so every lookup must survive corrupt bytes.
    #[cfg(feature = "builtin-vocab")]
    #[test]
    fn corrupt_bytes_in_place_never_panic() {
        let a = Analyzer::new();
        let keys: Vec<String> = ["lipitor", "heart attack", "mi", "metformin"].iter().map(|q| a.terms(q).join(" ")).collect();
        let mut opened = 0;
        for step in [1usize, 7, 97, 1009, 4099] {
            for pos in (0..BUILTIN_BIN.len()).step_by(step * 61).take(40) {
                let mut bad = BUILTIN_BIN.to_vec();
                bad[pos] ^= 0x5a ^ (step as u8);
                assert!(Vocab::decode(&bad).is_err(), "decode must reject a flipped byte at {pos}");
                let Ok(v) = Vocab::open(Cow::Owned(bad)) else { continue };
                opened += 1;
                for k in &keys {
                    let _ = v.alternatives_key(k);
                    let _ = v.display(k);
                    let _ = v.match_spans(&k.split(' ').collect::<Vec<_>>());
                }
                let _ = v.names_from("ator").take(5).count();
                crate::fuzzy::search(&v.single_terms(), b"atorvastatn", 2, |_, _| {});
            }
        }
        assert!(opened > 40, "most flips leave the header intact and must still open");
        assert!(Vocab::open(Cow::Borrowed(&BUILTIN_BIN[..BUILTIN_BIN.len() - 1])).is_err());
    }

    /// A split vocabulary with every part loaded answers every lookup as the whole one; with
    /// parts missing it answers as an empty one and names the part it needed.
    #[cfg(feature = "builtin-vocab")]
    #[test]
    fn split_vocab_answers_as_the_whole() {
        let whole = Vocab::open(Cow::Borrowed(BUILTIN_BIN)).unwrap();
        let VocabParts { dir, parts } = whole.split();
        assert_eq!(parts.len(), SHARDS + 2);
        let shard_max = parts[..SHARDS].iter().map(|p| p.1.len()).max().unwrap();
        assert!(shard_max * 16 < BUILTIN_BIN.len(), "a shard is a sixteenth of the whole at most ({shard_max} bytes)");
        let split = Vocab::open_split(&dir).unwrap();
        assert_eq!((split.rules(), split.phrases()), (whole.rules(), whole.phrases()));
        // nothing loaded: empty answers, and the part that was needed
        let a = Analyzer::new();
        let lipitor = a.terms("Lipitor").join(" ");
        assert!(split.alternatives_key(&lipitor).is_empty());
        let needed = split.take_missing().expect("a missing part is named");
        assert_eq!(split.parts_for(&[lipitor.as_str()]), vec![needed]);
        assert_eq!(split.take_missing(), None, "taken once");
        let (id, bytes) = parts.iter().find(|p| p.0 == needed).unwrap();
        assert!(split.load_part(*id, bytes[1..].to_vec()).is_err(), "bytes must match the id");
        split.load_part(*id, bytes.clone()).unwrap();
        assert!(split.alternatives_key(&lipitor).iter().any(|x| x.display == "atorvastatin"));
        assert!(split.parts_for(&[lipitor.as_str()]).is_empty());
        assert!(split.single_terms().len() == 0 && split.take_missing().is_some());
        for (id, bytes) in &parts {
            split.load_part(*id, bytes.clone()).unwrap();
        }
        for i in 0..whole.phrases() {
            let key = std::str::from_utf8(whole.key(i)).unwrap();
            assert_eq!(split.alternatives_key(key), whole.alternatives_key(key), "{key}");
            assert_eq!(split.display(key), whole.display(key), "{key}");
            assert_eq!(split.contains_key(key), whole.contains_key(key), "{key}");
        }
        assert_eq!(split.names_from("").collect::<Vec<_>>(), whole.names_from("").collect::<Vec<_>>());
        let (st, wt) = (split.single_terms(), whole.single_terms());
        assert_eq!(st.len(), wt.len());
        assert!((0..wt.len()).all(|i| st.term(i) == wt.term(i) && st.lcp(i) == wt.lcp(i)));
        for q in ["treatment after heart attacks and mi", "lipitor or atorvastatin", "high blood pressure in type 2 diabetes"] {
            let t = a.terms(q);
            let t: Vec<&str> = t.iter().map(String::as_str).collect();
            assert_eq!(split.match_spans(&t), whole.match_spans(&t), "{q}");
        }
        assert_eq!(split.take_missing(), None);
        let mut bad = dir.clone();
        bad[20] ^= 1;
        assert!(Vocab::open_split(&bad).is_err());
        assert!(Vocab::open_split(BUILTIN_BIN).is_err());
    }

    /// A small vocabulary has empty shards with equal bytes, hence one id for many parts:
    /// loading that id once must fill all of them (it filled the first only, and a lookup in
    /// any other empty shard reported the part missing for ever).
    #[test]
    fn a_small_vocabularys_shared_empty_parts_load_at_once() {
        let whole = Vocab::parse("olmesartan|benicar\n", 1.0);
        let VocabParts { dir, parts } = whole.split();
        let split = Vocab::open_split(&dir).unwrap();
        let ids = split.part_ids();
        assert!(ids.len() > parts.iter().map(|p| p.0).collect::<std::collections::HashSet<_>>().len(), "shared ids");
        let a = Analyzer::new();
        for w in ["benicar", "metformin", "aspirin", "dosing", "renal", "hypertension"] {
            let key = a.terms(w).join(" ");
            for _ in 0..3 {
                let _ = split.alternatives_key(&key);
                match split.take_missing() {
                    Some(id) => split.load_part(id, parts.iter().find(|p| p.0 == id).unwrap().1.clone()).unwrap(),
                    None => break,
                }
            }
            assert_eq!(split.alternatives_key(&key), whole.alternatives_key(&key), "{w}");
            assert_eq!(split.take_missing(), None, "{w}: one load is enough");
        }
    }

    #[cfg(feature = "builtin-vocab")]
    #[test]
    fn builtin_loads() {
        let v = Vocab::builtin();
        assert!(v.rules() > 100);
        let a = Analyzer::new();
        let k = a.terms("Lipitor").join(" ");
        assert!(v.alternatives_key(&k).iter().any(|x| x.display == "atorvastatin"));
    }
}
