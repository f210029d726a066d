//! Proofs by enumeration: every leaf of every tree of 1..=64 leaves, every pair of sizes; each
//! generated proof verifies, and any single flipped bit (of a proof hash, the leaf, a root)
//! or a wrong index or size makes it fail.

use medportal_transparency::merkle::{
    Hash, MemoryTree, TreeState, consistency_proof, inclusion_proof, leaf_hash, root,
    verify_consistency, verify_inclusion,
};

const MAX: u64 = 64;

fn leaves() -> Vec<Hash> {
    (0..MAX)
        .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
        .collect()
}

fn flipped(h: &Hash, bit: usize) -> Hash {
    let mut h = *h;
    h[bit / 8] ^= 1 << (bit % 8);
    h
}

/// The bits tried per hash: all 256 for trees up to 8 leaves, a spread of 8 (every byte position class and bit) for larger ones (the
/// verification is the same arithmetic; the full sweep for every size would only be slower).
fn bits(size: u64) -> Vec<usize> {
    if size <= 8 {
        (0..256).collect()
    } else {
        (0..8).map(|i| i * 32 + i % 8).collect()
    }
}

#[test]
fn roots_agree_recursive_incremental_and_stored() {
    let leaves = leaves();
    let mut state = TreeState::empty();
    let mut tree = MemoryTree::new();
    for n in 1..=MAX {
        state.append(&leaves[n as usize - 1]);
        tree.append(&leaves[n as usize - 1]);
        let want = root(&leaves[..], n);
        assert_eq!(state.root(), want, "size {n}");
        assert_eq!(tree.root(), want, "size {n}");
        assert_eq!(root(&tree, n), want, "size {n} from stored nodes");
        let back = TreeState::from_parts(n, &state.frontier_bytes()).unwrap();
        assert_eq!(back.root(), want);
    }
}

#[test]
fn every_inclusion_proof_verifies_and_every_bit_flip_fails() {
    let leaves = leaves();
    let tree = MemoryTree::from_leaves(&leaves);
    for n in 1..=MAX {
        let r = root(&leaves[..], n);
        for i in 0..n {
            let p = inclusion_proof(&tree, i, n).unwrap();
            if n <= 16 {
                assert_eq!(
                    inclusion_proof(&leaves[..], i, n).unwrap(),
                    p,
                    "leaves and stored nodes agree"
                );
            }
            let leaf = leaves[i as usize];
            assert!(verify_inclusion(i, n, &leaf, &p, &r), "{i} in {n}");
            for bit in bits(n) {
                assert!(!verify_inclusion(i, n, &flipped(&leaf, bit), &p, &r));
                assert!(!verify_inclusion(i, n, &leaf, &p, &flipped(&r, bit)));
                for k in 0..p.len() {
                    let mut q = p.clone();
                    q[k] = flipped(&q[k], bit);
                    assert!(
                        !verify_inclusion(i, n, &leaf, &q, &r),
                        "{i} in {n}, proof[{k}] bit {bit}"
                    );
                }
            }
            for j in 0..n {
                if j != i {
                    assert!(
                        !verify_inclusion(j, n, &leaf, &p, &r),
                        "{i} in {n} claimed at {j}"
                    );
                }
            }
            // (A root does not commit to its size: a proof of leaf 0 in 6 leaves also passes as
            // one in 7, whose leftmost path has the same shape; the signed checkpoint binds the
            // size. A tree one level taller needs one more hash.)
            assert!(
                !verify_inclusion(i, n * 2, &leaf, &p, &r),
                "{i} in {n} claimed in {}",
                n * 2
            );
            if !p.is_empty() {
                assert!(!verify_inclusion(i, n, &leaf, &p[..p.len() - 1], &r));
            }
            assert!(!verify_inclusion(
                i,
                n,
                &leaf,
                &[p.as_slice(), &[r]].concat(),
                &r
            ));
        }
    }
}

#[test]
fn every_consistency_proof_verifies_and_every_bit_flip_fails() {
    let leaves = leaves();
    let tree = MemoryTree::from_leaves(&leaves);
    let roots: Vec<Hash> = (0..=MAX).map(|n| root(&leaves[..], n)).collect();
    for n in 1..=MAX {
        for m in 0..=n {
            let p = consistency_proof(&tree, m, n).unwrap();
            if n <= 16 {
                assert_eq!(
                    consistency_proof(&leaves[..], m, n).unwrap(),
                    p,
                    "leaves and stored nodes agree"
                );
            }
            let (r1, r2) = (roots[m as usize], roots[n as usize]);
            assert!(verify_consistency(m, n, &r1, &r2, &p), "{m} -> {n}");
            if m == 0 {
                continue; // an empty tree is consistent with anything: nothing to flip
            }
            for bit in bits(n) {
                assert!(
                    !verify_consistency(m, n, &flipped(&r1, bit), &r2, &p),
                    "{m} -> {n} old root bit {bit}"
                );
                assert!(
                    !verify_consistency(m, n, &r1, &flipped(&r2, bit), &p),
                    "{m} -> {n} new root bit {bit}"
                );
                for k in 0..p.len() {
                    let mut q = p.clone();
                    q[k] = flipped(&q[k], bit);
                    // A power-of-two old tree's proof may carry a hash the check does not read
                    // only if the algorithm ignored it; RFC 9162 reads every element.
                    assert!(
                        !verify_consistency(m, n, &r1, &r2, &q),
                        "{m} -> {n} proof[{k}] bit {bit}"
                    );
                }
            }
            for m2 in 1..=n {
                if m2 != m && roots[m2 as usize] != r1 {
                    assert!(
                        !verify_consistency(m2, n, &r1, &r2, &p),
                        "{m} -> {n} claimed as {m2} -> {n}"
                    );
                }
            }
            if m < n {
                assert!(
                    !verify_consistency(m, n, &r1, &r2, &p[..p.len() - 1]),
                    "{m} -> {n} truncated"
                );
                assert!(
                    !verify_consistency(m, n, &r2, &r1, &p),
                    "{m} -> {n} swapped roots"
                );
            }
        }
    }
}

#[test]
fn a_tree_begun_from_a_frontier_gives_every_root_and_proof_from_its_start_on() {
    use medportal_transparency::merkle::{
        consistency_proof_nodes, frontier_nodes, inclusion_proof_nodes,
    };
    let leaves = leaves();
    let full = MemoryTree::from_leaves(&leaves);
    for a in 0..=MAX {
        let frontier: Vec<Hash> = frontier_nodes(a)
            .iter()
            .map(|&(l, i)| full.get(l, i).unwrap())
            .collect();
        assert_eq!(
            frontier,
            TreeState::from_leaves(&leaves[..a as usize]).frontier(),
            "frontier of {a}"
        );
        let mut tree = MemoryTree::from_frontier(a, &frontier).unwrap();
        assert_eq!(tree.root(), root(&leaves[..], a));
        for n in a + 1..=MAX {
            tree.append(&leaves[n as usize - 1]);
            assert_eq!(tree.root(), root(&leaves[..], n), "{a}: root of {n}");
            for m in a..=n {
                for (l, i) in consistency_proof_nodes(m, n) {
                    assert!(
                        tree.get(l, i).is_some(),
                        "begun at {a}: {m} -> {n} needs node ({l}, {i})"
                    );
                }
                assert_eq!(
                    consistency_proof(&tree, m, n),
                    consistency_proof(&full, m, n)
                );
                assert_eq!(root(&tree, m), root(&full, m));
            }
            for i in a..n {
                for (l, j) in inclusion_proof_nodes(i, n) {
                    assert!(
                        tree.get(l, j).is_some(),
                        "begun at {a}: leaf {i} in {n} needs node ({l}, {j})"
                    );
                }
                assert_eq!(inclusion_proof(&tree, i, n), inclusion_proof(&full, i, n));
            }
        }
    }
}
