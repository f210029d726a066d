//! The appender's helper: numbering, leaf hashes, completed nodes and the state it stores.

use medportal_transparency::merkle::{
    MemoryTree, Nodes, consistency_proof, consistency_proof_nodes, inclusion_proof,
    inclusion_proof_nodes, root, verify_inclusion,
};
use medportal_transparency::{Entry, Hash, Outcome, TreeState, append, checkpoint_due};
use std::collections::HashMap;

fn entry(i: u64) -> Entry {
    Entry {
        seq: 999, // overwritten by append
        time: "2026-12-05T20:30:45Z".into(),
        actor: format!("u_{i}"),
        role: "editor".into(),
        action: "content.publish".into(),
        object: Some(format!("content:{i}")),
        version: Some("1".into()),
        outcome: Outcome::Success,
        reason: None,
        meaning: None,
        origin: None,
        subject: None,
        personal: vec![],
    }
}

/// The node table a database keeps: leaves and completed nodes by (level, index).
struct Table(HashMap<(u32, u64), Hash>);

impl Nodes for Table {
    fn perfect(&self, level: u32, index: u64) -> Hash {
        self.0[&(level, index)]
    }
}

#[test]
fn batches_number_entries_and_store_what_proofs_need() {
    // Batches of 1..=7 entries, the state stored as bytes between them.
    let mut stored = (0u64, Vec::<u8>::new());
    let mut table = Table(HashMap::new());
    let mut all = Vec::new();
    let mut i = 0;
    for batch in 1..=7u64 {
        let state = TreeState::from_parts(stored.0, &stored.1).unwrap();
        let mut entries: Vec<Entry> = (0..batch).map(|k| entry(i + k)).collect();
        let appended = append(&state, &mut entries).unwrap();
        for (k, e) in entries.iter().enumerate() {
            assert_eq!(e.seq, state.size() + k as u64);
            assert_eq!(e.leaf_hash().unwrap(), appended.leaves[k]);
            table.0.insert((0, e.seq), appended.leaves[k]);
        }
        for (level, index, hash) in &appended.nodes {
            assert!(
                table.0.insert((*level, *index), *hash).is_none(),
                "each node completes once"
            );
        }
        all.extend(appended.leaves.iter().copied());
        assert_eq!(appended.root, root(&all[..], all.len() as u64));
        stored = (appended.state.size(), appended.state.frontier_bytes());
        i += batch;
    }
    let n = all.len() as u64;
    assert_eq!(n, 28);
    assert_eq!(
        table.0.len(),
        28 + (28 - 3),
        "n leaves and n - popcount(n) completed nodes"
    );
    let r = MemoryTree::from_leaves(&all).root();
    for k in 0..n {
        // A store fetches exactly the listed nodes, then builds the proof from them.
        let wanted = inclusion_proof_nodes(k, n);
        assert!(wanted.len() <= 2 * 64, "O(log n) nodes");
        let fetched = Table(wanted.iter().map(|key| (*key, table.0[key])).collect());
        assert_eq!(
            inclusion_proof(&fetched, k, n),
            inclusion_proof(&table, k, n)
        );
        for m in 0..=n {
            let fetched = Table(
                consistency_proof_nodes(m, n)
                    .iter()
                    .map(|key| (*key, table.0[key]))
                    .collect(),
            );
            assert_eq!(
                consistency_proof(&fetched, m, n),
                consistency_proof(&all[..], m, n),
                "{m} -> {n}"
            );
        }
        let p = inclusion_proof(&table, k, n).unwrap();
        assert_eq!(p, inclusion_proof(&all[..], k, n).unwrap());
        assert!(verify_inclusion(k, n, &all[k as usize], &p, &r));
    }
}

#[test]
fn an_invalid_entry_appends_nothing() {
    let state = TreeState::empty();
    let mut entries = vec![
        entry(0),
        Entry {
            time: "yesterday".into(),
            ..entry(1)
        },
    ];
    assert!(append(&state, &mut entries).is_err());
    assert_eq!(state.size(), 0);
}

#[test]
fn checkpoint_cadence() {
    assert!(!checkpoint_due(10, 10, 0, 1_000), "nothing new");
    assert!(!checkpoint_due(11, 10, 0, 59));
    assert!(checkpoint_due(11, 10, 0, 60), "a minute passed");
    assert!(checkpoint_due(1010, 10, 0, 1), "1,000 entries");
    assert!(!checkpoint_due(1009, 10, 0, 1));
}
