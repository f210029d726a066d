//! The Certificate Transparency / RFC 6962 Merkle test vectors (the data of the CT reference
//! implementation's tests, as kept in transparency-dev/merkle `testonly/constants.go` and
//! `proof/verify_test.go`): 8 leaves, the roots of sizes 0..8, the compact ranges, inclusion
//! and consistency proofs, and their corruptions.

use medportal_transparency::merkle::{
    EMPTY_ROOT, Hash, MemoryTree, TreeState, consistency_proof, inclusion_proof, leaf_hash, root,
    verify_consistency, verify_inclusion,
};
use medportal_transparency::parse_hash_hex;

fn h(s: &str) -> Hash {
    parse_hash_hex(s).expect("64 hex digits")
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

const LEAF_INPUTS: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

const LEAF_HASHES: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
];

const LEVEL1: [&str; 4] = [
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
];
const LEVEL2: [&str; 2] = [
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
];

/// Roots of the trees of sizes 0..=8.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, proof).
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, proof).
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

fn leaves() -> Vec<Hash> {
    LEAF_INPUTS.iter().map(|s| leaf_hash(&unhex(s))).collect()
}

fn proof(p: &[&str]) -> Vec<Hash> {
    p.iter().map(|s| h(s)).collect()
}

#[test]
fn leaf_hashes_match() {
    let leaves = leaves();
    for (i, want) in LEAF_HASHES.iter().enumerate() {
        assert_eq!(leaves[i], h(want), "leaf {i}");
    }
}

#[test]
fn roots_of_sizes_0_to_8_match() {
    let leaves = leaves();
    assert_eq!(EMPTY_ROOT, h(ROOTS[0]));
    for size in 0..=8usize {
        assert_eq!(
            root(&leaves[..], size as u64),
            h(ROOTS[size]),
            "recursive root of size {size}"
        );
        assert_eq!(
            TreeState::from_leaves(&leaves[..size]).root(),
            h(ROOTS[size]),
            "incremental root of size {size}"
        );
        assert_eq!(
            MemoryTree::from_leaves(&leaves[..size]).root(),
            h(ROOTS[size]),
            "memory tree root of size {size}"
        );
    }
}

#[test]
fn compact_ranges_match() {
    // The reference's CompactTrees: the frontier of each size.
    let nh = |level: usize, i: usize| match level {
        0 => h(LEAF_HASHES[i]),
        1 => h(LEVEL1[i]),
        2 => h(LEVEL2[i]),
        _ => h(ROOTS[8]),
    };
    let want: [Vec<Hash>; 9] = [
        vec![],
        vec![nh(0, 0)],
        vec![nh(1, 0)],
        vec![nh(1, 0), nh(0, 2)],
        vec![nh(2, 0)],
        vec![nh(2, 0), nh(0, 4)],
        vec![nh(2, 0), nh(1, 2)],
        vec![nh(2, 0), nh(1, 2), nh(0, 6)],
        vec![nh(3, 0)],
    ];
    let leaves = leaves();
    for (size, frontier) in want.iter().enumerate() {
        let state = TreeState::from_leaves(&leaves[..size]);
        assert_eq!(
            state.frontier(),
            frontier.as_slice(),
            "frontier of size {size}"
        );
        let back = TreeState::from_parts(size as u64, &state.frontier_bytes()).unwrap();
        assert_eq!(back, state);
    }
    assert!(
        TreeState::from_parts(3, &[0u8; 32]).is_err(),
        "size 3 needs two hashes"
    );
}

#[test]
fn completed_nodes_are_the_reference_node_hashes() {
    let mut state = TreeState::empty();
    let mut nodes = Vec::new();
    for leaf in leaves() {
        nodes.extend(state.append(&leaf));
    }
    let want: Vec<(u32, u64, Hash)> = vec![
        (1, 0, h(LEVEL1[0])),
        (1, 1, h(LEVEL1[1])),
        (2, 0, h(LEVEL2[0])),
        (1, 2, h(LEVEL1[2])),
        (1, 3, h(LEVEL1[3])),
        (2, 1, h(LEVEL2[1])),
        (3, 0, h(ROOTS[8])),
    ];
    assert_eq!(nodes, want);
}

/// The corruptions of transparency-dev/merkle's `corruptInclusionProof`.
fn inclusion_probes(
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
    leaf: &Hash,
) -> Vec<(String, u64, u64, Hash, Hash, Vec<Hash>)> {
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    let mut out = vec![
        (
            "index - 1".into(),
            index.wrapping_sub(1),
            size,
            *root,
            *leaf,
            proof.to_vec(),
        ),
        (
            "index + 1".into(),
            index + 1,
            size,
            *root,
            *leaf,
            proof.to_vec(),
        ),
        (
            "index ^ 2".into(),
            index ^ 2,
            size,
            *root,
            *leaf,
            proof.to_vec(),
        ),
        (
            "size * 2".into(),
            index,
            size * 2,
            *root,
            *leaf,
            proof.to_vec(),
        ),
        (
            "size / 2".into(),
            index,
            size / 2,
            *root,
            *leaf,
            proof.to_vec(),
        ),
        (
            "wrong leaf".into(),
            index,
            size,
            *root,
            leaf_hash(b"WrongLeaf"),
            proof.to_vec(),
        ),
        (
            "empty root".into(),
            index,
            size,
            EMPTY_ROOT,
            *leaf,
            proof.to_vec(),
        ),
        (
            "random root".into(),
            index,
            size,
            some,
            *leaf,
            proof.to_vec(),
        ),
        (
            "trailing root".into(),
            index,
            size,
            *root,
            *leaf,
            [proof, &[*root]].concat(),
        ),
        (
            "preceding root".into(),
            index,
            size,
            *root,
            *leaf,
            [&[*root], proof].concat(),
        ),
    ];
    for i in 0..proof.len() {
        let mut p = proof.to_vec();
        p[i][0] ^= 8;
        out.push((format!("proof[{i}] bit 3"), index, size, *root, *leaf, p));
    }
    if !proof.is_empty() {
        out.push((
            "removed component".into(),
            index,
            size,
            *root,
            *leaf,
            proof[..proof.len() - 1].to_vec(),
        ));
    }
    if proof.len() > 1 {
        let p = [&[proof[0], some], &proof[1..]].concat();
        out.push(("inserted component".into(), index, size, *root, *leaf, p));
    }
    out
}

#[test]
fn inclusion_vectors_generate_and_verify_and_corruptions_fail() {
    let leaves = leaves();
    for (index, size, want) in INCLUSION {
        let want = proof(want);
        assert_eq!(
            inclusion_proof(&leaves[..], index, size).unwrap(),
            want,
            "generated proof {index} in {size}"
        );
        let tree = MemoryTree::from_leaves(&leaves[..size as usize]);
        assert_eq!(
            inclusion_proof(&tree, index, size).unwrap(),
            want,
            "proof from stored nodes {index} in {size}"
        );
        let root = h(ROOTS[size as usize]);
        let leaf = leaves[index as usize];
        assert!(
            verify_inclusion(index, size, &leaf, &want, &root),
            "verify {index} in {size}"
        );
        for (desc, i, s, r, l, p) in inclusion_probes(index, size, &want, &root, &leaf) {
            assert!(
                !verify_inclusion(i, s, &l, &p, &r),
                "corruption {desc} of {index} in {size} verified"
            );
        }
    }
    // Out of range and empty trees.
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    for (i, s) in [(0, 0), (1, 0), (2, 1), (1, 1)] {
        assert!(
            !verify_inclusion(i, s, &some, &[], &EMPTY_ROOT),
            "{i} in {s}"
        );
    }
    assert!(inclusion_proof(&leaves[..], 8, 8).is_none());
}

#[test]
fn consistency_vectors_generate_and_verify_and_corruptions_fail() {
    let leaves = leaves();
    let roots: Vec<Hash> = ROOTS.iter().map(|s| h(s)).collect();
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    for (m, n, want) in CONSISTENCY {
        let want = proof(want);
        assert_eq!(
            consistency_proof(&leaves[..], m, n).unwrap(),
            want,
            "generated proof {m} -> {n}"
        );
        let (r1, r2) = (roots[m as usize], roots[n as usize]);
        assert!(
            verify_consistency(m, n, &r1, &r2, &want),
            "verify {m} -> {n}"
        );
        if want.is_empty() {
            continue;
        }
        // The corruptions of transparency-dev/merkle's `corruptConsistencyProof`.
        let mut probes: Vec<(String, u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            ("m - 1".into(), m - 1, n, r1, r2, want.clone()),
            ("m + 1".into(), m + 1, n, r1, r2, want.clone()),
            ("m ^ 2".into(), m ^ 2, n, r1, r2, want.clone()),
            ("n * 2".into(), m, n * 2, r1, r2, want.clone()),
            ("n / 2".into(), m, n / 2, r1, r2, want.clone()),
            ("wrong root1".into(), m, n, some, r2, want.clone()),
            ("wrong root2".into(), m, n, r1, some, want.clone()),
            ("swapped roots".into(), m, n, r2, r1, want.clone()),
            ("empty proof".into(), m, n, r1, r2, vec![]),
            (
                "trailing root1".into(),
                m,
                n,
                r1,
                r2,
                [&want[..], &[r1]].concat(),
            ),
            (
                "trailing root2".into(),
                m,
                n,
                r1,
                r2,
                [&want[..], &[r2]].concat(),
            ),
            (
                "preceding root1".into(),
                m,
                n,
                r1,
                r2,
                [&[r1], &want[..]].concat(),
            ),
            (
                "preceding root2".into(),
                m,
                n,
                r1,
                r2,
                [&[r2], &want[..]].concat(),
            ),
            (
                "preceding proof[0]".into(),
                m,
                n,
                r1,
                r2,
                [&[want[0]], &want[..]].concat(),
            ),
            (
                "truncated".into(),
                m,
                n,
                r1,
                r2,
                want[..want.len() - 1].to_vec(),
            ),
        ];
        for i in 0..want.len() {
            let mut p = want.clone();
            p[i][0] ^= 16;
            probes.push((format!("proof[{i}] bit 4"), m, n, r1, r2, p));
        }
        for (desc, m2, n2, a, b, p) in probes {
            assert!(
                !verify_consistency(m2, n2, &a, &b, &p),
                "corruption {desc} of {m} -> {n} verified"
            );
        }
    }
}

#[test]
fn consistency_trivial_cases() {
    let (r1, r2) = (leaf_hash(b"don't care 1"), leaf_hash(b"don't care 2"));
    let nonempty = [EMPTY_ROOT];
    type Case<'a> = (u64, u64, Hash, Hash, &'a [Hash], bool);
    let cases: [Case; 13] = [
        (0, 0, r1, r2, &[], false),
        (1, 1, r1, r2, &[], false),
        (0, 0, r1, r1, &[], true),
        (0, 1, r1, r2, &[], true),
        (1, 1, r2, r2, &[], true),
        (1, 0, r1, r2, &[], false),
        (2, 1, r1, r2, &[], false),
        (1, 2, r1, r2, &[], false),
        (0, 0, EMPTY_ROOT, r2, &[], false),
        (1, 1, EMPTY_ROOT, r2, &[], false),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, &nonempty, false),
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, &nonempty, false),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, &nonempty, false),
    ];
    for (m, n, a, b, p, ok) in cases {
        assert_eq!(verify_consistency(m, n, &a, &b, p), ok, "{m} -> {n}");
    }
}
