//! Counts in words: "1 file", "3 files".

/// `n` and the noun in the number that fits it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn one_is_singular_and_every_other_number_plural() {
        assert_eq!(count(0, "file", "files"), "0 files");
        assert_eq!(count(1, "change", "changes"), "1 change");
        assert_eq!(count(12, "file", "files"), "12 files");
    }
}
