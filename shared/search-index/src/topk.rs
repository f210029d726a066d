//! Top-k retrieval by windowed block-max MaxScore, and match sets for exact totals and facets.
//!
//! Documents are processed in windows of [`WINDOW`] consecutive docnums. Per window, each
//! clause gets an upper bound from the block maxima of its posting lists (the largest impact of
//! every 128-posting block overlapping the window, through the clause's score table). Clauses
//! are split MaxScore-style against the current k-th best score θ: the *non-essential* ones are
//! the longest prefix (in increasing bound order) whose bounds sum to at most θ — a document
//! matching only those cannot enter the top k — and the rest are *essential*:
//!
//! * when every clause is non-essential the window is skipped without decoding anything;
//! * essential clauses are scored term-at-a-time into a window-sized accumulator (small,
//!   cache-resident, no per-document merging);
//! * each candidate (a document of an essential list, allowed by the filters) then probes the
//!   non-essential clauses in decreasing bound order, stopping as soon as its score plus the
//!   remaining bounds (refined by the block maximum at that document, known without decoding)
//!   cannot beat θ.
//!
//! Scores are fixed-point integers (see [`SCALE`]), so the sum of a document's clause scores
//! does not depend on the order in which they are added: the pruned ranking equals the
//! exhaustive one exactly (ties are broken by docnum, as everywhere in the engine).

use crate::bitset::Bitset;
use crate::cache::Decoded;
use crate::format::{BLOCK, BlockSkip, PostingsChunk};
use crate::search::{RClause, TermInfo};

/// Fixed-point score scale (scores are `u64`, `1.0` = `SCALE`).
pub(crate) const SCALE: f32 = 65536.0;
/// Docnums per window (a multiple of 64, so windows are word-aligned in bitsets).
pub(crate) const WINDOW: usize = 2048;
const END: u32 = u32::MAX;

/// One segment's part of a term's posting list.
struct SegList<'a> {
    pc: &'a PostingsChunk,
    idx: usize,
    base: u32,
    skips: &'a [BlockSkip],
}

/// A cursor over a term's postings across segments (global docnums, ascending), decoding one
/// 128-posting block at a time.
pub(crate) struct Cursor<'a> {
    segs: Vec<SegList<'a>>,
    tab: &'a [u64; 16],
    /// Current segment and decoded block (`usize::MAX` = none yet).
    si: usize,
    block: usize,
    i: usize,
    n: usize,
    docs: Box<[u32; BLOCK]>,
    imps: Box<[u8; BLOCK]>,
    /// Window-bound scan position (segment, block): the first block that may overlap the
    /// current window.
    wsi: usize,
    wblock: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(ti: &'a TermInfo, tab: &'a [u64; 16]) -> Self {
        let segs = ti
            .locs
            .iter()
            .filter_map(|l| match &*l.chunk {
                Decoded::Postings(pc) => Some(SegList { pc, idx: l.idx, base: l.base, skips: pc.skips(l.idx) }),
                _ => None,
            })
            .collect();
        Self {
            segs,
            tab,
            si: 0,
            block: usize::MAX,
            i: 0,
            n: 0,
            docs: Box::new([0; BLOCK]),
            imps: Box::new([0; BLOCK]),
            wsi: 0,
            wblock: 0,
        }
    }

    fn load(&mut self, b: usize) {
        let s = &self.segs[self.si];
        let n = s.pc.decode_block(s.idx, b, &mut self.docs, Some(&mut self.imps));
        let base = s.base;
        if base != 0 {
            for d in &mut self.docs[..n] {
                *d += base;
            }
        }
        self.block = b;
        self.i = 0;
        self.n = n;
    }

    /// Moves to the first posting with docnum ≥ `target` and returns its docnum (END when
    /// exhausted). Targets must not decrease.
    #[inline]
    pub(crate) fn advance(&mut self, target: u32) -> u32 {
        loop {
            if self.i < self.n {
                if self.docs[self.n - 1] >= target {
                    if self.docs[self.i] < target {
                        self.i += self.docs[self.i..self.n].partition_point(|&d| d < target);
                    }
                    return self.docs[self.i];
                }
                self.i = self.n;
            }
            let Some(s) = self.segs.get(self.si) else { return END };
            let local = target.saturating_sub(s.base);
            let from = if self.block == usize::MAX { 0 } else { self.block + 1 };
            let rest = &s.skips[from.min(s.skips.len())..];
            // sequential access is the common case: check the next block before searching
            let b = if rest.first().is_some_and(|k| k.last >= local) {
                from
            } else {
                from + rest.partition_point(|k| k.last < local)
            };
            if b < s.skips.len() {
                self.load(b);
                if self.n == 0 {
                    // corrupt block: give up on this segment
                    self.next_seg();
                }
            } else {
                self.next_seg();
            }
        }
    }

    fn next_seg(&mut self) {
        self.si += 1;
        self.block = usize::MAX;
        self.i = 0;
        self.n = 0;
    }

    /// Score of document `d` (0 if absent). Calls must not go backwards.
    #[inline]
    pub(crate) fn score_at(&mut self, d: u32) -> (u64, bool) {
        if self.advance(d) == d { (self.tab[self.imps[self.i] as usize & 15], true) } else { (0, false) }
    }

    /// Upper bound of the score at `d` from the block maxima, without decoding: 0 when no
    /// block can hold `d`. Does not move the cursor.
    #[inline]
    pub(crate) fn block_bound(&self, d: u32) -> u64 {
        if self.i < self.n && self.docs[self.i] <= d && self.docs[self.n - 1] >= d {
            let s = &self.segs[self.si].skips[self.block];
            return self.tab[s.max_imp as usize & 15];
        }
        let mut si = self.si;
        while let Some(s) = self.segs.get(si) {
            if d < s.base {
                return 0;
            }
            let local = d - s.base;
            let from = if si == self.si && self.block != usize::MAX { self.block } else { 0 };
            let rest = &s.skips[from.min(s.skips.len())..];
            let b = rest.partition_point(|k| k.last < local);
            if let Some(k) = rest.get(b) {
                let first_possible = if from + b == 0 { 0 } else { k.base + 1 };
                return if local >= first_possible { self.tab[k.max_imp as usize & 15] } else { 0 };
            }
            si += 1;
        }
        0
    }

    /// Upper bound of the score of any document in `[lo, hi)` (block maxima). Windows must not
    /// go backwards.
    pub(crate) fn window_bound(&mut self, lo: u32, hi: u32) -> u64 {
        let mut m = 0u8;
        while let Some(s) = self.segs.get(self.wsi) {
            if lo >= s.base {
                let local = lo - s.base;
                while self.wblock < s.skips.len() && s.skips[self.wblock].last < local {
                    self.wblock += 1;
                }
            }
            if self.wblock < s.skips.len() {
                break;
            }
            self.wsi += 1;
            self.wblock = 0;
        }
        let (mut si, mut b) = (self.wsi, self.wblock);
        while let Some(s) = self.segs.get(si) {
            if s.base >= hi {
                break;
            }
            let lim = hi - s.base;
            while let Some(k) = s.skips.get(b) {
                // the block's first docnum is > k.base (≥ 0 for the list's first block)
                if b > 0 && k.base + 1 >= lim {
                    return self.tab[m as usize & 15];
                }
                m = m.max(k.max_imp);
                if k.last >= lim {
                    return self.tab[m as usize & 15];
                }
                b += 1;
            }
            si += 1;
            b = 0;
        }
        if m == 0 { 0 } else { self.tab[m as usize & 15] }
    }

    /// Calls `f(docnum, impact)` for every posting in `[lo, hi)`; leaves the cursor at the first
    /// posting ≥ `hi`.
    #[inline]
    pub(crate) fn for_window(&mut self, lo: u32, hi: u32, mut f: impl FnMut(u32, u8)) {
        let mut d = self.advance(lo);
        while d < hi {
            let n = self.n;
            let end = if self.docs[n - 1] < hi { n } else { self.i + self.docs[self.i..n].partition_point(|&x| x < hi) };
            for k in self.i..end {
                f(self.docs[k], self.imps[k]);
            }
            self.i = end;
            if end < n {
                return;
            }
            d = self.advance(self.docs[n - 1].saturating_add(1));
        }
    }
}

/// Sets the bit of every document of a term's postings (docs only, no impacts).
pub(crate) fn or_postings(ti: &TermInfo, out: &mut Bitset) {
    let mut docs = [0u32; BLOCK];
    for l in &ti.locs {
        let Decoded::Postings(pc) = &*l.chunk else { continue };
        for b in 0..pc.block_count(l.idx) {
            let n = pc.decode_block(l.idx, b, &mut docs, None);
            for &d in &docs[..n] {
                let g = l.base + d;
                if g < l.end {
                    out.set(g);
                }
            }
        }
    }
}

/// The documents matching any clause (an alternative matches when it has `need` of its
/// terms): the match set of the exhaustive ranking, for exact totals and facet counts.
pub(crate) fn match_set(clauses: &[RClause], n_docs: u32) -> Bitset {
    let mut m = Bitset::new(n_docs as usize);
    for c in clauses {
        for a in &c.alts {
            if a.need <= 1 || a.terms.len() == 1 {
                for (ti, _) in &a.terms {
                    or_postings(ti, &mut m);
                }
            } else {
                let mut all: Option<Bitset> = None;
                for (ti, _) in &a.terms {
                    let mut t = Bitset::new(n_docs as usize);
                    or_postings(ti, &mut t);
                    match &mut all {
                        Some(x) => x.and_with(&t),
                        None => all = Some(t),
                    }
                }
                if let Some(x) = all {
                    m.or_with(&x);
                }
            }
        }
    }
    m
}

struct AltCur<'a> {
    terms: Vec<Cursor<'a>>,
    need: u8,
}

/// A clause during top-k: its alternatives' cursors and this window's bound.
struct ClauseCur<'a> {
    alts: Vec<AltCur<'a>>,
    simple: bool,
    wbound: u64,
}

impl<'a> ClauseCur<'a> {
    fn new(c: &'a RClause) -> Self {
        let alts = c
            .alts
            .iter()
            .map(|a| AltCur { terms: a.terms.iter().map(|(ti, tab)| Cursor::new(ti, tab)).collect(), need: a.need })
            .collect();
        Self { alts, simple: c.simple, wbound: 0 }
    }

    fn window_bound(&mut self, lo: u32, hi: u32) -> u64 {
        let mut best = 0;
        for a in &mut self.alts {
            let mut sum = 0;
            let mut present = 0u8;
            for t in &mut a.terms {
                let b = t.window_bound(lo, hi);
                sum += b;
                present += u8::from(b > 0);
            }
            if present >= a.need.max(1) {
                best = best.max(sum);
            }
        }
        best
    }

    fn block_bound(&self, d: u32) -> u64 {
        if self.simple {
            return self.alts[0].terms[0].block_bound(d);
        }
        let mut best = 0;
        for a in &self.alts {
            let mut sum = 0;
            let mut present = 0u8;
            for t in &a.terms {
                let b = t.block_bound(d);
                sum += b;
                present += u8::from(b > 0);
            }
            if present >= a.need.max(1) {
                best = best.max(sum);
            }
        }
        best
    }

    /// The clause score of `d`: the best alternative having `need` of its terms.
    fn score_at(&mut self, d: u32) -> u64 {
        if self.simple {
            return self.alts[0].terms[0].score_at(d).0;
        }
        let mut best = 0;
        for a in &mut self.alts {
            let mut sum = 0;
            let mut cnt = 0u8;
            for t in &mut a.terms {
                let (s, hit) = t.score_at(d);
                sum += s;
                cnt += u8::from(hit);
            }
            if cnt >= a.need && cnt > 0 {
                best = best.max(sum);
            }
        }
        best
    }
}

/// Window-sized scratch arrays, reused across queries.
#[derive(Default)]
pub(crate) struct WindowScratch {
    acc: Vec<u64>,
    bits: Vec<u64>,
    alt: Vec<u64>,
    cnt: Vec<u8>,
    alt_bits: Vec<u64>,
    clause: Vec<u64>,
    clause_bits: Vec<u64>,
}

impl WindowScratch {
    fn ensure(&mut self) {
        if self.acc.len() != WINDOW {
            self.acc = vec![0; WINDOW];
            self.bits = vec![0; WINDOW / 64];
            self.alt = vec![0; WINDOW];
            self.cnt = vec![0; WINDOW];
            self.alt_bits = vec![0; WINDOW / 64];
            self.clause = vec![0; WINDOW];
            self.clause_bits = vec![0; WINDOW / 64];
        }
    }
}

/// Bounded min-heap of the best `k` `(score, docnum)` (higher score first, then lower docnum).
struct TopK {
    k: usize,
    heap: Vec<(u64, u32)>,
}

impl TopK {
    fn new(k: usize) -> Self {
        Self { k, heap: Vec::with_capacity(k.min(4096)) }
    }
    /// `a` ranks below `b`.
    #[inline]
    fn worse(a: (u64, u32), b: (u64, u32)) -> bool {
        a.0 < b.0 || (a.0 == b.0 && a.1 > b.1)
    }
    /// The score a new document (with a larger docnum than any seen) must exceed; None while
    /// the heap is not full.
    #[inline]
    fn theta(&self) -> Option<u64> {
        (self.heap.len() >= self.k).then(|| self.heap[0].0)
    }
    fn push(&mut self, x: (u64, u32)) {
        let h = &mut self.heap;
        if h.len() < self.k {
            h.push(x);
            let mut i = h.len() - 1;
            while i > 0 {
                let p = (i - 1) / 2;
                if Self::worse(h[i], h[p]) {
                    h.swap(i, p);
                    i = p;
                } else {
                    break;
                }
            }
        } else if Self::worse(h[0], x) {
            h[0] = x;
            let n = h.len();
            let mut i = 0;
            loop {
                let (l, r) = (2 * i + 1, 2 * i + 2);
                let mut m = i;
                if l < n && Self::worse(h[l], h[m]) {
                    m = l;
                }
                if r < n && Self::worse(h[r], h[m]) {
                    m = r;
                }
                if m == i {
                    break;
                }
                h.swap(i, m);
                i = m;
            }
        }
    }
}

/// Result of [`top_k`].
pub(crate) struct TopKResult {
    /// `(score, docnum)`, best first.
    pub hits: Vec<(u64, u32)>,
    /// Allowed documents seen in essential lists (all matches when `exact`).
    pub seen: usize,
    /// No document was skipped unseen (then `seen` is the exact number of matches).
    pub exact: bool,
}

/// Exact top `k` of the clauses over the `allowed` documents.
pub(crate) fn top_k(clauses: &[RClause], n_docs: u32, allowed: &Bitset, k: usize, ws: &mut WindowScratch) -> TopKResult {
    ws.ensure();
    let mut cs: Vec<ClauseCur<'_>> = clauses.iter().map(ClauseCur::new).collect();
    let m = cs.len();
    let mut heap = TopK::new(k);
    let mut order: Vec<usize> = (0..m).collect();
    let mut seen = 0usize;
    let mut exact = true;
    let aw = allowed.words();
    let mut lo = 0u32;
    if k == 0 {
        return TopKResult { hits: Vec::new(), seen: 0, exact: false };
    }
    while lo < n_docs {
        let hi = lo.saturating_add(WINDOW as u32).min(n_docs);
        let mut any = false;
        for c in cs.iter_mut() {
            c.wbound = c.window_bound(lo, hi);
            any |= c.wbound > 0;
        }
        if !any {
            lo = hi;
            continue;
        }
        let theta = heap.theta();
        order.sort_unstable_by_key(|&i| cs[i].wbound);
        // non-essential prefix: bounds summing to at most θ
        let mut e = 0;
        let mut pre = 0u64;
        if let Some(t) = theta {
            while e < m && pre + cs[order[e]].wbound <= t {
                pre += cs[order[e]].wbound;
                e += 1;
            }
        }
        if pre > 0 {
            exact = false;
        }
        if e == m {
            lo = hi;
            continue;
        }
        // essential clauses, term-at-a-time into the window accumulator
        for &ci in &order[e..] {
            accumulate(&mut cs[ci], lo, hi, ws);
        }
        // candidates
        let w0 = (lo / 64) as usize;
        let nw = ((hi - lo) as usize).div_ceil(64);
        for w in 0..nw {
            let raw = ws.bits[w];
            if raw == 0 {
                continue;
            }
            ws.bits[w] = 0;
            let mut bits = raw & aw.get(w0 + w).copied().unwrap_or(0);
            seen += bits.count_ones() as usize;
            // reset accumulators of filtered-out documents
            let mut drop = raw & !bits;
            while drop != 0 {
                ws.acc[w * 64 + drop.trailing_zeros() as usize] = 0;
                drop &= drop - 1;
            }
            while bits != 0 {
                let j = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let d = lo + j as u32;
                let mut s = ws.acc[j];
                ws.acc[j] = 0;
                let th = heap.theta();
                let mut rem = pre;
                let mut ok = true;
                for t in (0..e).rev() {
                    let c = &mut cs[order[t]];
                    if let Some(th) = th {
                        if s + rem <= th {
                            ok = false;
                            break;
                        }
                        rem -= c.wbound;
                        let bb = c.block_bound(d);
                        if bb == 0 {
                            continue;
                        }
                        if s + rem + bb <= th {
                            ok = false;
                            break;
                        }
                    } else {
                        rem -= c.wbound;
                    }
                    s += c.score_at(d);
                }
                if ok && th.is_none_or(|th| s > th) {
                    heap.push((s, d));
                }
            }
        }
        lo = hi;
    }
    let mut hits = heap.heap;
    hits.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    TopKResult { hits, seen, exact }
}

/// Adds an essential clause's scores of the window's documents to `ws.acc` and marks them.
fn accumulate(c: &mut ClauseCur<'_>, lo: u32, hi: u32, ws: &mut WindowScratch) {
    if c.simple {
        let cur = &mut c.alts[0].terms[0];
        let tab = cur.tab;
        let (acc, bits) = (&mut ws.acc, &mut ws.bits);
        cur.for_window(lo, hi, |d, imp| {
            let j = (d - lo) as usize;
            acc[j] += tab[imp as usize & 15];
            bits[j >> 6] |= 1 << (j & 63);
        });
        return;
    }
    for a in &mut c.alts {
        let need = a.need;
        for cur in &mut a.terms {
            let tab = cur.tab;
            let (alt, cnt, ab) = (&mut ws.alt, &mut ws.cnt, &mut ws.alt_bits);
            cur.for_window(lo, hi, |d, imp| {
                let j = (d - lo) as usize;
                alt[j] += tab[imp as usize & 15];
                cnt[j] = cnt[j].saturating_add(1);
                ab[j >> 6] |= 1 << (j & 63);
            });
        }
        for w in 0..ws.alt_bits.len() {
            let mut bits = ws.alt_bits[w];
            ws.alt_bits[w] = 0;
            while bits != 0 {
                let j = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if ws.cnt[j] >= need {
                    ws.clause[j] = ws.clause[j].max(ws.alt[j]);
                    ws.clause_bits[w] |= 1 << (j & 63);
                }
                ws.alt[j] = 0;
                ws.cnt[j] = 0;
            }
        }
    }
    for w in 0..ws.clause_bits.len() {
        let mut bits = ws.clause_bits[w];
        ws.clause_bits[w] = 0;
        ws.bits[w] |= bits;
        while bits != 0 {
            let j = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            ws.acc[j] += ws.clause[j];
            ws.clause[j] = 0;
        }
    }
}
