//! Line diffs between two versions of a function.

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// Above this many cells the middle of the diff is shown as a whole replacement rather than
/// spending memory on the longest-common-subsequence table.
const MAX_TABLE_CELLS: usize = 4_000_000;

/// A minimal line diff: common prefix and suffix are kept, the middle is aligned by the longest
/// common subsequence of lines.
pub fn diff<'a>(old: &'a str, new: &'a str) -> Vec<DiffLine<'a>> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);

    let mut out: Vec<DiffLine<'a>> = a[..prefix].iter().map(|l| DiffLine::Same(l)).collect();
    if a_mid.len().saturating_mul(b_mid.len()) > MAX_TABLE_CELLS {
        out.extend(a_mid.iter().map(|l| DiffLine::Removed(l)));
        out.extend(b_mid.iter().map(|l| DiffLine::Added(l)));
    } else {
        out.extend(lcs_diff(a_mid, b_mid));
    }
    out.extend(a[a.len() - suffix..].iter().map(|l| DiffLine::Same(l)));
    out
}

fn lcs_diff<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<DiffLine<'a>> {
    let width = b.len() + 1;
    // lengths[i * width + j]: LCS length of a[i..] and b[j..].
    let mut lengths = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lengths[i * width + j] = if a[i] == b[j] {
                lengths[(i + 1) * width + j + 1] + 1
            } else {
                lengths[(i + 1) * width + j].max(lengths[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len() + b.len()));
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(DiffLine::Same(a[i]));
            i += 1;
            j += 1;
        } else if lengths[(i + 1) * width + j] >= lengths[i * width + j + 1] {
            out.push(DiffLine::Removed(a[i]));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| DiffLine::Removed(l)));
    out.extend(b[j..].iter().map(|l| DiffLine::Added(l)));
    out
}

#[cfg(test)]
mod tests {
    use super::DiffLine::*;
    use super::*;

    #[test]
    fn a_changed_line_is_removed_then_added() {
        let d = diff("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(d, vec![Same("a"), Removed("b"), Added("B"), Same("c")]);
    }

    #[test]
    fn insertions_and_deletions_align() {
        let d = diff("one\ntwo\nthree", "zero\none\nthree\nfour");
        assert_eq!(
            d,
            vec![
                Added("zero"),
                Same("one"),
                Removed("two"),
                Same("three"),
                Added("four")
            ]
        );
    }

    #[test]
    fn identical_and_empty_inputs() {
        assert!(diff("x\ny", "x\ny").iter().all(|l| matches!(l, Same(_))));
        assert_eq!(diff("", "a"), vec![Added("a")]);
        assert_eq!(diff("a", ""), vec![Removed("a")]);
    }

    #[test]
    fn huge_middles_fall_back_to_replacement() {
        let old: String = (0..3000).map(|i| format!("a{i}\n")).collect();
        let new: String = (0..3000).map(|i| format!("b{i}\n")).collect();
        let d = diff(&old, &new);
        assert_eq!(d.len(), 6000);
        assert!(matches!(d[0], Removed(_)) && matches!(d[5999], Added(_)));
    }
}
