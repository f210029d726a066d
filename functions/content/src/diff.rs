//! A readable diff between two versions: line based (each body line, and one line per
//! field), by longest common subsequence. Rendered on the server (the templates' diff view).

use medportal_templates::pages::content::{DiffLine, DiffOp};

/// Lines beyond this (per side) are compared as one changed block (bounds the O(n·m) table).
const MAX_LINES: usize = 1500;

/// The lines of `old` and `new` as kept (both), removed (old only) and added (new only).
pub fn lines(old: &[String], new: &[String]) -> Vec<DiffLine> {
    if old.len() > MAX_LINES || new.len() > MAX_LINES {
        let mut out: Vec<DiffLine> = old.iter().map(|t| DiffLine { op: DiffOp::Removed, text: t.clone() }).collect();
        out.extend(new.iter().map(|t| DiffLine { op: DiffOp::Added, text: t.clone() }));
        return out;
    }
    let (n, m) = (old.len(), new.len());
    // lcs[i][j]: common subsequence length of old[i..] and new[j..]
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(n.max(m)));
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            out.push(DiffLine { op: DiffOp::Same, text: old[i].clone() });
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(DiffLine { op: DiffOp::Added, text: new[j].clone() });
            j += 1;
        } else {
            out.push(DiffLine { op: DiffOp::Removed, text: old[i].clone() });
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.lines().map(str::to_owned).collect()
    }

    #[test]
    fn keeps_common_lines_and_marks_changes() {
        let d = lines(&v("a\nb\nc"), &v("a\nB\nc\nd"));
        let ops: Vec<(DiffOp, &str)> = d.iter().map(|l| (l.op, l.text.as_str())).collect();
        assert_eq!(ops, vec![(DiffOp::Same, "a"), (DiffOp::Added, "B"), (DiffOp::Removed, "b"), (DiffOp::Same, "c"), (DiffOp::Added, "d")]);
        assert!(lines(&v("x"), &v("x")).iter().all(|l| l.op == DiffOp::Same));
        assert_eq!(lines(&[], &v("n")).len(), 1);
    }
}
