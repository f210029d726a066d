//! The RFC 9162 §2.1 Merkle tree: hashes, roots, inclusion and consistency proofs, and the
//! incremental tree state an appender keeps.
//!
//! Proof generation reads subtree hashes through [`Nodes`], so the same code serves a slice of
//! leaf hashes (tests, the verifier) and a stored table of perfect-subtree hashes (an appender
//! that records the nodes [`TreeState::append`] completes answers a proof with O(log n)
//! look-ups instead of reading every leaf).

use sha2::{Digest, Sha256};

/// A SHA-256 value: leaf hash, node hash or root.
pub type Hash = [u8; 32];

/// The root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1).
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// `SHA-256(0x00 ‖ entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(entry);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two smaller than `n` (`n >= 2`): the RFC's split point `k`.
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// A source of perfect-subtree hashes: `perfect(level, index)` is the root of the subtree of
/// the `2^level` leaves starting at leaf `index << level` (level 0: the leaf hashes).
/// Proof generation only asks for subtrees that lie inside the tree it was given.
pub trait Nodes {
    fn perfect(&self, level: u32, index: u64) -> Hash;
}

/// Leaf hashes in order: every subtree hash is computed from them.
impl Nodes for [Hash] {
    fn perfect(&self, level: u32, index: u64) -> Hash {
        let start = (index << level) as usize;
        let leaves = &self[start..start + (1usize << level)];
        let mut state = TreeState::empty();
        for leaf in leaves {
            state.append(leaf);
        }
        state.root()
    }
}

/// MTH(D[start:end]) for a range the RFC recursion reaches: `start` is a multiple of the
/// largest power of two not above `end - start`, so its perfect parts are aligned.
fn subtree<N: Nodes + ?Sized>(nodes: &N, start: u64, end: u64) -> Hash {
    let n = end - start;
    if n.is_power_of_two() {
        let level = n.trailing_zeros();
        return nodes.perfect(level, start >> level);
    }
    let k = split(n);
    node_hash(
        &subtree(nodes, start, start + k),
        &subtree(nodes, start + k, end),
    )
}

/// The root of a tree of `size` leaves (MTH). `size == 0` gives [`EMPTY_ROOT`].
pub fn root<N: Nodes + ?Sized>(nodes: &N, size: u64) -> Hash {
    if size == 0 {
        EMPTY_ROOT
    } else {
        subtree(nodes, 0, size)
    }
}

/// Records which perfect subtrees a proof reads (their hashes do not matter for that).
struct Recorder(core::cell::RefCell<Vec<(u32, u64)>>);

impl Nodes for Recorder {
    fn perfect(&self, level: u32, index: u64) -> Hash {
        self.0.borrow_mut().push((level, index));
        [0; 32]
    }
}

/// The perfect subtrees `(level, index)` that [`inclusion_proof`] of `index` in `size` reads:
/// what a store fetches (one query) before it builds the proof from them. Empty when
/// `index >= size`.
pub fn inclusion_proof_nodes(index: u64, size: u64) -> Vec<(u32, u64)> {
    let recorder = Recorder(Default::default());
    let _ = inclusion_proof(&recorder, index, size);
    recorder.0.into_inner()
}

/// The perfect subtrees that [`consistency_proof`] between `old_size` and `new_size` reads.
pub fn consistency_proof_nodes(old_size: u64, new_size: u64) -> Vec<(u32, u64)> {
    let recorder = Recorder(Default::default());
    let _ = consistency_proof(&recorder, old_size, new_size);
    recorder.0.into_inner()
}

/// The inclusion proof (audit path, RFC 9162 §2.1.3.1) of leaf `index` in the tree of `size`
/// leaves; `None` when `index >= size`.
pub fn inclusion_proof<N: Nodes + ?Sized>(nodes: &N, index: u64, size: u64) -> Option<Vec<Hash>> {
    if index >= size {
        return None;
    }
    let mut proof = Vec::new();
    path(nodes, index, 0, size, &mut proof);
    Some(proof)
}

/// PATH(m, D[start:end]), appended leaf-side first.
fn path<N: Nodes + ?Sized>(nodes: &N, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) {
    let n = end - start;
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path(nodes, m, start, start + k, out);
        out.push(subtree(nodes, start + k, end));
    } else {
        path(nodes, m - k, start + k, end, out);
        out.push(subtree(nodes, start, start + k));
    }
}

/// The consistency proof (RFC 9162 §2.1.4.1) between the trees of `old_size` and `new_size`
/// leaves; empty when `old_size` is 0 or equals `new_size`; `None` when `old_size > new_size`.
pub fn consistency_proof<N: Nodes + ?Sized>(
    nodes: &N,
    old_size: u64,
    new_size: u64,
) -> Option<Vec<Hash>> {
    if old_size > new_size {
        return None;
    }
    let mut proof = Vec::new();
    if old_size > 0 && old_size < new_size {
        subproof(nodes, old_size, 0, new_size, true, &mut proof);
    }
    Some(proof)
}

/// SUBPROOF(m, D[start:end], b).
fn subproof<N: Nodes + ?Sized>(
    nodes: &N,
    m: u64,
    start: u64,
    end: u64,
    complete: bool,
    out: &mut Vec<Hash>,
) {
    let n = end - start;
    if m == n {
        if !complete {
            out.push(subtree(nodes, start, end));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(nodes, m, start, start + k, complete, out);
        out.push(subtree(nodes, start + k, end));
    } else {
        subproof(nodes, m - k, start + k, end, false, out);
        out.push(subtree(nodes, start, start + k));
    }
}

/// RFC 9162 §2.1.3.2: whether `proof` shows `leaf` at `index` in the tree of `size` leaves
/// whose root is `root`.
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && r == *root
}

/// RFC 9162 §2.1.4.2: whether `proof` shows the tree of `new_size` leaves with root `new_root`
/// extends the tree of `old_size` leaves with root `old_root`. The trivial cases the RFC
/// leaves out: equal sizes need equal roots and an empty proof; an empty old tree is
/// consistent with every tree (empty proof); a larger old tree never is.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if old_size == 0 {
        return proof.is_empty();
    }
    if proof.is_empty() {
        return false;
    }
    // Step 2: an old tree of a power-of-two size is itself a node of the new tree.
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let (mut f_n, mut s_n) = (old_size - 1, new_size - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut f_r, mut s_r) = (path[0], path[0]);
    for c in &path[1..] {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            s_r = node_hash(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    f_r == *old_root && s_r == *new_root && s_n == 0
}

/// The incremental state of a tree (its compact range, or frontier): the roots of the perfect
/// subtrees that make up the tree, largest (leftmost) first: one per set bit of `size`, so at
/// most 64 hashes. Appending a leaf and computing the root need only this state, never the
/// earlier leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeState {
    size: u64,
    frontier: Vec<Hash>,
}

/// The error for a stored state that does not fit its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadState;

impl core::fmt::Display for BadState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("tree state: frontier length does not match the tree size")
    }
}

impl TreeState {
    pub fn empty() -> Self {
        TreeState {
            size: 0,
            frontier: Vec::new(),
        }
    }

    /// A state read back from storage: `size` and the bytes of [`TreeState::frontier_bytes`].
    pub fn from_parts(size: u64, frontier: &[u8]) -> Result<Self, BadState> {
        if frontier.len() != size.count_ones() as usize * 32 {
            return Err(BadState);
        }
        let frontier = frontier
            .chunks_exact(32)
            .map(|c| c.try_into().expect("32-byte chunk"))
            .collect();
        Ok(TreeState { size, frontier })
    }

    /// The state of the tree over `leaves`.
    pub fn from_leaves(leaves: &[Hash]) -> Self {
        let mut state = TreeState::empty();
        for leaf in leaves {
            state.append(leaf);
        }
        state
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The frontier hashes concatenated (32 × popcount(size) bytes): what to store.
    pub fn frontier_bytes(&self) -> Vec<u8> {
        self.frontier.concat()
    }

    pub fn frontier(&self) -> &[Hash] {
        &self.frontier
    }

    /// Appends one leaf hash; returns the perfect subtrees this completed, as
    /// `(level, index, hash)` from level 1 up (level 0, the leaf itself, is not repeated).
    /// A store that keeps them can answer [`Nodes::perfect`] for any subtree.
    pub fn append(&mut self, leaf: &Hash) -> Vec<(u32, u64, Hash)> {
        let mut completed = Vec::new();
        let mut hash = *leaf;
        let mut size = self.size;
        let mut level = 0u32;
        while size & 1 == 1 {
            let left = self
                .frontier
                .pop()
                .expect("a set bit has its frontier hash");
            hash = node_hash(&left, &hash);
            size >>= 1;
            level += 1;
            completed.push((level, self.size >> level, hash));
        }
        self.frontier.push(hash);
        self.size += 1;
        completed
    }

    /// The tree's root (MTH over all leaves appended so far).
    pub fn root(&self) -> Hash {
        let mut hashes = self.frontier.iter().rev();
        let Some(last) = hashes.next() else {
            return EMPTY_ROOT;
        };
        hashes.fold(*last, |acc, left| node_hash(left, &acc))
    }
}

/// The perfect subtrees `(level, index)` that make up the first `size` leaves, largest first:
/// the frontier of a tree of `size` leaves, as a store fetches it to begin a range export.
pub fn frontier_nodes(size: u64) -> Vec<(u32, u64)> {
    (0..64u32)
        .rev()
        .filter(|b| size >> b & 1 == 1)
        .map(|b| (b, (size >> b) - 1))
        .collect()
}

/// A tree in memory: the leaves and every completed perfect subtree, level by level, so
/// proofs cost O(log n) look-ups. What the verifier builds while it reads an export; a
/// database keeps the same nodes as rows. A tree begun from a frontier (a range export) holds
/// the frontier's subtrees and what was appended after them: enough for the roots and the
/// proofs of every size from its start on.
#[derive(Debug, Clone)]
pub struct MemoryTree {
    /// Per level, the index of its first stored node and the nodes from there on.
    levels: Vec<(u64, Vec<Hash>)>,
    start: u64,
    state: TreeState,
}

impl Default for MemoryTree {
    fn default() -> Self {
        MemoryTree::new()
    }
}

impl MemoryTree {
    pub fn new() -> Self {
        MemoryTree {
            levels: vec![(0, Vec::new())],
            start: 0,
            state: TreeState::empty(),
        }
    }

    pub fn from_leaves(leaves: &[Hash]) -> Self {
        let mut tree = MemoryTree::new();
        for leaf in leaves {
            tree.append(leaf);
        }
        tree
    }

    /// A tree of `size` leaves known only by its frontier (see [`frontier_nodes`]).
    pub fn from_frontier(size: u64, frontier: &[Hash]) -> Result<Self, BadState> {
        let state = TreeState::from_parts(size, &frontier.concat())?;
        // Level l's first node: the frontier's subtree at that level if there is one, else
        // the first one appending can complete.
        let mut levels: Vec<(u64, Vec<Hash>)> = (0..64u32)
            .map(|l| ((size >> l) - (size >> l & 1), Vec::new()))
            .collect();
        for ((level, _), hash) in frontier_nodes(size).into_iter().zip(frontier) {
            levels[level as usize].1.push(*hash);
        }
        Ok(MemoryTree {
            levels,
            start: size,
            state,
        })
    }

    pub fn append(&mut self, leaf: &Hash) {
        self.levels[0].1.push(*leaf);
        for (level, index, hash) in self.state.append(leaf) {
            let level = level as usize;
            while self.levels.len() <= level {
                let l = self.levels.len() as u32;
                self.levels.push((self.start >> l, Vec::new()));
            }
            debug_assert_eq!(
                self.levels[level].0 + self.levels[level].1.len() as u64,
                index
            );
            self.levels[level].1.push(hash);
        }
    }

    pub fn size(&self) -> u64 {
        self.state.size()
    }

    /// The size the tree began at (0, or a range export's start).
    pub fn start(&self) -> u64 {
        self.start
    }

    pub fn root(&self) -> Hash {
        self.state.root()
    }

    pub fn state(&self) -> TreeState {
        self.state.clone()
    }

    /// A stored node, if this tree holds it.
    pub fn get(&self, level: u32, index: u64) -> Option<Hash> {
        let (first, nodes) = self.levels.get(level as usize)?;
        nodes
            .get(usize::try_from(index.checked_sub(*first)?).ok()?)
            .copied()
    }
}

/// Panics for a node the tree does not hold: proofs and roots of sizes from the tree's start
/// on only read nodes it holds.
impl Nodes for MemoryTree {
    fn perfect(&self, level: u32, index: u64) -> Hash {
        self.get(level, index).expect("a node of the tree's range")
    }
}
