//! One sorting routine for the engine's cold paths (facet lists, suggestions, synonym and
//! feedback terms, the index registry). Every `sort_unstable_by` call site is a copy of the
//! sort algorithm in the query Worker (2–3 KB of wasm each); these sort a permutation of
//! `u32` indexes through a `dyn` comparator instead, so the Worker carries one copy.
//! Not for hot paths: the candidate ranking keeps its own typed sorts.

use std::cmp::Ordering;

/// Sorts `v` by `cmp` (unstable: give `cmp` a final tie-break when equal elements differ).
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut idx: Vec<u32> = (0..v.len() as u32).collect();
    sort_indexes(&mut idx, &|a, b| cmp(&v[a as usize], &v[b as usize]));
    // the permutation applied by swaps, worked out without `T` (one copy in the Worker)
    for (a, b) in swaps(&idx) {
        v.swap(a as usize, b as usize);
    }
}

/// Swaps that move the element at `idx[i]` to `i` for every `i`, in order (at most one per
/// position).
#[inline(never)]
fn swaps(idx: &[u32]) -> Vec<(u32, u32)> {
    // pos[k]: where the element first at k is now; at[p]: which element is now at p
    let mut pos: Vec<u32> = (0..idx.len() as u32).collect();
    let mut at = pos.clone();
    let mut out = Vec::new();
    for (i, &k) in idx.iter().enumerate() {
        let i = i as u32;
        let p = pos[k as usize];
        if p != i {
            out.push((i, p));
            let e = at[i as usize];
            at[p as usize] = e;
            pos[e as usize] = p;
            at[i as usize] = k;
            pos[k as usize] = i;
        }
    }
    out
}

/// Sorts `v` ascending and removes duplicates.
pub fn sort_dedup<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
    v.dedup();
}

#[inline(never)]
fn sort_indexes(idx: &mut [u32], cmp: &dyn Fn(u32, u32) -> Ordering) {
    idx.sort_unstable_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library() {
        let mut seed = 7u32;
        for len in [0usize, 1, 2, 3, 17, 200] {
            let v: Vec<(u32, String)> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (seed % 13, format!("t{}", seed % 29))
                })
                .collect();
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut std = v.clone();
            std.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            assert_eq!(ours, std);
            let mut ours = v.clone();
            sort_dedup(&mut ours);
            let mut std = v;
            std.sort();
            std.dedup();
            assert_eq!(ours, std);
        }
    }
}
