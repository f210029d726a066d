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
use crate::format::{BLOCK, BlockSkip, DenseView, PostingsChunk};
use crate::plan::{RClause, TermInfo};

/// Fixed-point score scale (scores are `u64`, `1.0` = `SCALE`).
pub(crate) const SCALE: f32 = 65536.0;
/// Docnums per window (a multiple of 64, so windows are word-aligned in bitsets).
pub(crate) const WINDOW: usize = 2048;

/// Work counters of the last queries (feature `topk-stats`, for `medportal-search-bench
/// --slow`): blocks decoded, windows, windows skipped, essential clauses, candidates, probes,
/// candidates fully scored.
#[cfg(feature = "topk-stats")]
pub mod stats {
    thread_local! {
        pub static COUNTS: std::cell::Cell<[u64; 7]> = const { std::cell::Cell::new([0; 7]) };
    }
    pub fn add(i: usize, v: u64) {
        COUNTS.with(|s| {
            let mut a = s.get();
            a[i] += v;
            s.set(a);
        });
    }
    pub fn take() -> [u64; 7] {
        COUNTS.with(|s| s.replace([0; 7]))
    }
}

macro_rules! stat {
    ($i:expr, $v:expr) => {
        #[cfg(feature = "topk-stats")]
        stats::add($i, $v as u64);
    };
}

/// One segment's part of a term's posting list.
struct SegList<'a> {
    pc: &'a PostingsChunk,
    idx: usize,
    base: u32,
    /// One past the segment's last global docnum.
    end: u32,
    skips: &'a [BlockSkip],
    dense: Option<DenseView<'a>>,
}

/// A cursor over a term's postings across segments (global docnums, ascending), decoding one
/// 128-posting block at a time and skipping blocks by their skip entries (last docnum, largest
/// impact) without decoding them.
pub(crate) struct Cursor<'a> {
    /// (A boxed slice, not a Vec: indexing it stays inline at opt-level "z".)
    segs: Box<[SegList<'a>]>,
    tab: &'a [u64; 16],
    /// Current segment; blocks before `nb` are consumed (`nb - 1` may be in the buffer).
    si: usize,
    nb: usize,
    /// Decoded buffer: `docs[i..n]` are the postings not consumed yet.
    i: usize,
    n: usize,
    docs: Box<[u32; BLOCK]>,
    imps: Box<[u8; BLOCK]>,
    /// Window-bound scan position (segment, block): the first block that may overlap the
    /// current window.
    wsi: usize,
    wblock: usize,
}

/// First block at or after `from` whose last docnum is ≥ `local` (galloping: near blocks are
/// the common case).
#[inline]
fn find_block(skips: &[BlockSkip], from: usize, local: u32) -> usize {
    let len = skips.len();
    if from >= len || skips[from].last >= local {
        return from.min(len);
    }
    let mut step = 1;
    let mut lo = from + 1;
    loop {
        let probe = from + step;
        if probe >= len {
            return lo + lower_bound_last(&skips[lo..], local);
        }
        if skips[probe].last >= local {
            return lo + lower_bound_last(&skips[lo..probe], local);
        }
        lo = probe + 1;
        step *= 2;
    }
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(ti: &'a TermInfo, tab: &'a [u64; 16]) -> Self {
        let segs = ti
            .locs
            .iter()
            .filter_map(|l| match &*l.chunk {
                Decoded::Postings(pc) => Some(SegList {
                    pc,
                    idx: l.idx,
                    base: l.base,
                    end: l.end,
                    skips: pc.skips(l.idx),
                    dense: pc.dense_view(l.idx),
                }),
                _ => None,
            })
            .collect::<Vec<_>>()
            .into_boxed_slice();
        Self {
            segs,
            tab,
            si: 0,
            nb: 0,
            i: 0,
            n: 0,
            docs: Box::new([0; BLOCK]),
            imps: Box::new([0; BLOCK]),
            wsi: 0,
            wblock: 0,
        }
    }

    /// Decodes block `b` of the current segment into the buffer.
    #[inline(always)]
    fn load(&mut self, b: usize) {
        let s = &self.segs[self.si];
        let n = s.pc.decode_block(s.idx, b, &mut self.docs, Some(&mut self.imps));
        stat!(0, 1);
        if s.base != 0 {
            for k in 0..n.min(BLOCK) {
                self.docs[k] += s.base;
            }
        }
        self.nb = b + 1;
        self.i = 0;
        self.n = n;
    }

    fn next_seg(&mut self) {
        self.si += 1;
        self.nb = 0;
        self.i = 0;
        self.n = 0;
    }

    /// The score of document `d` if this term can contribute more than `need` there, else 0
    /// (decides from the skip entries without decoding when the block cannot). Calls must not
    /// go backwards.
    #[inline(always)]
    fn probe(&mut self, d: u32, need: i64) -> u64 {
        if !(self.i < self.n && self.docs[self.n - 1] >= d) {
            // the buffer does not reach d: find d's block among the skip entries
            self.i = self.n;
            loop {
                let Some(s) = self.segs.get(self.si) else { return 0 };
                if d >= s.end {
                    self.next_seg();
                    continue;
                }
                if d < s.base {
                    return 0;
                }
                let local = d - s.base;
                if let Some(v) = &s.dense {
                    // dense list: a bit test and a rank, no block lookup or decoding
                    return self.tab[v.impact(local) as usize & 15];
                }
                let b = find_block(s.skips, self.nb, local);
                let Some(k) = s.skips.get(b) else {
                    self.next_seg();
                    continue;
                };
                // blocks before b end before d: consumed
                self.nb = b;
                let first = if b == 0 { 0 } else { k.base + 1 };
                if local < first || (self.tab[k.max_imp as usize & 15] as i64) <= need {
                    return 0;
                }
                self.load(b);
                if self.n == 0 {
                    self.next_seg();
                    continue;
                }
                break;
            }
        }
        if self.docs[self.i] < d {
            self.i = gallop(&self.docs, self.i, self.n, d);
        }
        if self.docs[self.i] == d { self.tab[self.imps[self.i] as usize & 15] } else { 0 }
    }

    /// Upper bound of the score of any document in `[lo, hi)` (block maxima). Windows must not
    /// go backwards.
    fn window_bound(&mut self, lo: u32, hi: u32) -> u64 {
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

    /// Calls `f(docnum, score)` for every posting in `[lo, hi)` with an impact ≥ `min_imp`,
    /// skipping undecoded blocks whose largest impact is below it; leaves the cursor so that
    /// the next window continues after `hi`. Returns whether postings were left out.
    #[inline(always)]
    fn for_window(&mut self, lo: u32, hi: u32, min_imp: u8, mut f: impl FnMut(u32, u64)) -> bool {
        let mut skipped = false;
        loop {
            if self.i < self.n {
                let n = self.n;
                if self.docs[self.i] < lo {
                    self.i = lower_bound(&self.docs, self.i, n, lo);
                }
                let end = if self.docs[n - 1] < hi { n } else { lower_bound(&self.docs, self.i, n, hi) };
                let tab = self.tab;
                let (docs, imps) = (&*self.docs, &*self.imps);
                for k in self.i..end {
                    let q = imps[k];
                    if q >= min_imp {
                        f(docs[k], tab[q as usize & 15]);
                    } else {
                        skipped = true;
                    }
                }
                self.i = end;
                if end < n {
                    return skipped;
                }
            }
            let Some(s) = self.segs.get(self.si) else { return skipped };
            if s.base >= hi {
                return skipped;
            }
            let b = find_block(s.skips, self.nb, lo.saturating_sub(s.base));
            let Some(k) = s.skips.get(b) else {
                self.next_seg();
                continue;
            };
            let local_hi = hi - s.base;
            if b > 0 && k.base + 1 >= local_hi {
                self.nb = b;
                return skipped; // the block starts after the window
            }
            if k.max_imp < min_imp {
                skipped = true;
                if k.last < local_hi {
                    self.nb = b + 1; // wholly inside the window: consumed
                    continue;
                }
                self.nb = b; // reaches into the next window: keep it
                return skipped;
            }
            self.load(b);
            if self.n == 0 {
                self.next_seg();
            }
        }
    }
}

/// Sets the bit of every document of a term's postings (docs only, no impacts).
pub(crate) fn or_postings(ti: &TermInfo, out: &mut Bitset) {
    let mut docs = [0u32; BLOCK];
    let words = out.words_mut();
    for l in &ti.locs {
        let Decoded::Postings(pc) = &*l.chunk else { continue };
        if let Some(src) = pc.dense_words(l.idx) {
            // word-wise OR, shifted to the segment's first docnum
            let (w0, sh) = ((l.base >> 6) as usize, l.base & 63);
            for (k, &x) in src.iter().enumerate() {
                if let Some(w) = words.get_mut(w0 + k) {
                    *w |= x << sh;
                }
                if sh != 0
                    && let Some(w) = words.get_mut(w0 + k + 1)
                {
                    *w |= x >> (64 - sh);
                }
            }
            continue;
        }
        for b in 0..pc.block_count(l.idx) {
            let n = pc.decode_block(l.idx, b, &mut docs, None);
            for &d in &docs[..n] {
                let g = (l.base + d) as usize;
                if let Some(w) = words.get_mut(g >> 6) {
                    *w |= 1 << (g & 63);
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
    terms: Box<[Cursor<'a>]>,
    need: u8,
}

/// A clause during top-k: its alternatives' cursors and this window's bound.
struct ClauseCur<'a> {
    alts: Box<[AltCur<'a>]>,
    simple: bool,
    wbound: u64,
}

impl<'a> ClauseCur<'a> {
    fn new(c: &'a RClause) -> Self {
        let alts = c
            .alts
            .iter()
            .map(|a| AltCur { terms: a.terms.iter().map(|(ti, tab)| Cursor::new(ti, tab)).collect(), need: a.need })
            .collect::<Vec<_>>()
            .into_boxed_slice();
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

    /// The clause score of `d` — the best alternative having `need` of its terms — if it can
    /// exceed `need_score` (pass -1 for the exact score), else possibly less (0).
    #[inline(always)]
    fn probe(&mut self, d: u32, need_score: i64) -> u64 {
        if self.simple {
            return self.alts[0].terms[0].probe(d, need_score);
        }
        let mut best = 0;
        for a in &mut self.alts {
            let mut sum = 0;
            let mut cnt = 0u8;
            for t in &mut a.terms {
                // a term of a multi-term alternative must be read exactly
                let s = t.probe(d, -1);
                sum += s;
                cnt += u8::from(s > 0);
            }
            if cnt >= a.need && cnt > 0 {
                best = best.max(sum);
            }
        }
        best
    }
}

/// Window-sized scratch arrays, reused across queries (fixed-size arrays: indexing them
/// compiles to plain loads even at opt-level "z").
pub(crate) struct WindowScratch {
    acc: Box<[u64; WINDOW]>,
    bits: Box<[u64; WINDOW / 64]>,
    alt: Box<[u64; WINDOW]>,
    cnt: Box<[u8; WINDOW]>,
    alt_bits: Box<[u64; WINDOW / 64]>,
    clause: Box<[u64; WINDOW]>,
    clause_bits: Box<[u64; WINDOW / 64]>,
}

impl Default for WindowScratch {
    fn default() -> Self {
        Self {
            acc: Box::new([0; WINDOW]),
            bits: Box::new([0; WINDOW / 64]),
            alt: Box::new([0; WINDOW]),
            cnt: Box::new([0; WINDOW]),
            alt_bits: Box::new([0; WINDOW / 64]),
            clause: Box::new([0; WINDOW]),
            clause_bits: Box::new([0; WINDOW / 64]),
        }
    }
}

/// Index of the first of `v[lo..hi]` (sorted, `hi` ≤ [`BLOCK`]) that is ≥ `x`, or `hi`: a
/// binary search on indices into the block buffer (at opt-level "z" a sub-slice of an array
/// stays a call).
#[inline(always)]
fn lower_bound(v: &[u32; BLOCK], mut lo: usize, mut hi: usize, x: u32) -> usize {
    while lo < hi {
        let mid = (lo + hi) / 2;
        if v[mid] < x {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// [`lower_bound`] searched from `lo` by doubling steps: a probe's next document is usually a
/// few postings on, where a binary search of the rest of the block would take several steps.
#[inline(always)]
fn gallop(v: &[u32; BLOCK], mut lo: usize, hi: usize, x: u32) -> usize {
    let mut step = 1;
    while lo + step < hi && v[lo + step] < x {
        lo += step + 1;
        step *= 2;
    }
    lower_bound(v, lo, (lo + step).min(hi), x)
}

/// Index of the first skip entry of `v` whose last docnum is ≥ `x`.
#[inline(always)]
fn lower_bound_last(v: &[BlockSkip], x: u32) -> usize {
    let (mut lo, mut hi) = (0usize, v.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if v[mid].last < x {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Bounded min-heap of the best `k` `(score, docnum)` (higher score first, then lower docnum).
/// (Indexed as a slice, swapped by hand, θ kept up to date on push: at opt-level "z" a `Vec`
/// index or `swap` stays a call, once per candidate.)
struct TopK {
    k: usize,
    heap: Vec<(u64, u32)>,
    theta: Option<u64>,
}

impl TopK {
    fn new(k: usize) -> Self {
        Self { k, heap: Vec::with_capacity(k.min(4096)), theta: None }
    }
    /// `a` ranks below `b`.
    #[inline]
    fn worse(a: (u64, u32), b: (u64, u32)) -> bool {
        a.0 < b.0 || (a.0 == b.0 && a.1 > b.1)
    }
    /// The score a new document (with a larger docnum than any seen) must exceed; None while
    /// the heap is not full.
    #[inline(always)]
    fn theta(&self) -> Option<u64> {
        self.theta
    }
    fn push(&mut self, x: (u64, u32)) {
        if self.heap.len() < self.k {
            self.heap.push(x);
            let h = self.heap.as_mut_slice();
            let mut i = h.len() - 1;
            while i > 0 {
                let p = (i - 1) / 2;
                if !Self::worse(h[i], h[p]) {
                    break;
                }
                (h[i], h[p]) = (h[p], h[i]);
                i = p;
            }
        } else {
            let h = self.heap.as_mut_slice();
            let n = h.len();
            if n == 0 || !Self::worse(h[0], x) {
                return;
            }
            h[0] = x;
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
                (h[i], h[m]) = (h[m], h[i]);
                i = m;
            }
        }
        if self.heap.len() >= self.k {
            self.theta = self.heap.first().map(|e| e.0);
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
    let mut cs_vec: Vec<ClauseCur<'_>> = clauses.iter().map(ClauseCur::new).collect();
    let cs: &mut [ClauseCur<'_>] = &mut cs_vec;
    let m = cs.len();
    let mut heap = TopK::new(k);
    let mut order_vec: Vec<usize> = (0..m).collect();
    let order: &mut [usize] = &mut order_vec;
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
        stat!(1, 1);
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
            stat!(2, 1);
            lo = hi;
            continue;
        }
        stat!(3, m - e);
        // essential clauses, term-at-a-time into the window accumulator. A posting whose
        // score plus the bounds of everything else cannot beat θ is left out (its document
        // cannot enter the top k), and so are whole blocks of them, undecoded.
        let ess_sum: u64 = order[e..].iter().map(|&i| cs[i].wbound).sum();
        for &ci in &order[e..] {
            let others = pre + ess_sum - cs[ci].wbound;
            exact &= !accumulate(&mut cs[ci], lo, hi, theta.map(|t| t as i64 - others as i64), ws);
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
            let mut bits = raw & if w0 + w < aw.len() { aw[w0 + w] } else { 0 };
            seen += bits.count_ones() as usize;
            stat!(4, bits.count_ones());
            // reset accumulators of filtered-out documents
            let mut drop = raw & !bits;
            while drop != 0 {
                ws.acc[(w * 64 + drop.trailing_zeros() as usize) & (WINDOW - 1)] = 0;
                drop &= drop - 1;
            }
            while bits != 0 {
                let j = (w * 64 + bits.trailing_zeros() as usize) & (WINDOW - 1);
                bits &= bits - 1;
                let d = lo + j as u32;
                let mut s = ws.acc[j];
                ws.acc[j] = 0;
                let th = heap.theta();
                let mut rem = pre;
                let mut ok = true;
                for t in (0..e).rev() {
                    let c = &mut cs[order[t]];
                    rem -= c.wbound;
                    match th {
                        Some(th) => {
                            // the clause must add more than `need` for d to beat θ
                            let need = th as i64 - (s + rem) as i64;
                            if need >= c.wbound as i64 {
                                ok = false;
                                break;
                            }
                            stat!(5, 1);
                            let x = c.probe(d, need);
                            if (x as i64) <= need {
                                ok = false;
                                break;
                            }
                            s += x;
                        }
                        None => s += c.probe(d, -1),
                    }
                }
                if ok && th.is_none_or(|th| s > th) {
                    stat!(6, 1);
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
/// With `need = Some(x)`, postings scoring at most `x` may be left out (their documents cannot
/// make the top k); returns whether any was.
fn accumulate(c: &mut ClauseCur<'_>, lo: u32, hi: u32, need: Option<i64>, ws: &mut WindowScratch) -> bool {
    if c.simple {
        let cur = &mut c.alts[0].terms[0];
        let min_imp = min_impact(cur.tab, need);
        let (acc, bits) = (&mut ws.acc, &mut ws.bits);
        return cur.for_window(lo, hi, min_imp, |d, score| {
            let j = (d - lo) as usize & (WINDOW - 1);
            acc[j] += score;
            bits[j >> 6] |= 1 << (j & 63);
        });
    }
    // The clause scores the best of its alternatives, so a document beats θ only through an
    // alternative scoring more than `need` alone: a one-term alternative's postings scoring at
    // most that are left out like a simple clause's (a brand name's synonyms are such
    // alternatives). A multi-term alternative's postings are all read: its score is a sum.
    let mut skipped = false;
    for a in &mut c.alts {
        let (cnt_need, single) = (a.need, a.terms.len() == 1);
        for cur in &mut a.terms {
            let min_imp = if single { min_impact(cur.tab, need) } else { 1 };
            let (alt, cnt, ab) = (&mut ws.alt, &mut ws.cnt, &mut ws.alt_bits);
            skipped |= cur.for_window(lo, hi, min_imp, |d, score| {
                let j = (d - lo) as usize & (WINDOW - 1);
                alt[j] += score;
                cnt[j] = cnt[j].saturating_add(1);
                ab[j >> 6] |= 1 << (j & 63);
            });
        }
        for w in 0..WINDOW / 64 {
            let mut bits = ws.alt_bits[w];
            ws.alt_bits[w] = 0;
            while bits != 0 {
                let j = (w * 64 + bits.trailing_zeros() as usize) & (WINDOW - 1);
                bits &= bits - 1;
                if ws.cnt[j] >= cnt_need {
                    ws.clause[j] = ws.clause[j].max(ws.alt[j]);
                    ws.clause_bits[w] |= 1 << (j & 63);
                }
                ws.alt[j] = 0;
                ws.cnt[j] = 0;
            }
        }
    }
    for w in 0..WINDOW / 64 {
        let mut bits = ws.clause_bits[w];
        ws.clause_bits[w] = 0;
        ws.bits[w] |= bits;
        while bits != 0 {
            let j = (w * 64 + bits.trailing_zeros() as usize) & (WINDOW - 1);
            bits &= bits - 1;
            ws.acc[j] += ws.clause[j];
            ws.clause[j] = 0;
        }
    }
    skipped
}

/// The smallest impact whose score exceeds `need` (1 without a bound; 16 when none does):
/// score tables increase with the impact.
#[inline(always)]
fn min_impact(tab: &[u64; 16], need: Option<i64>) -> u8 {
    match need {
        Some(x) => (1..16u8).find(|&q| tab[q as usize] as i64 > x).unwrap_or(16),
        None => 1,
    }
}
