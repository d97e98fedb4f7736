//! Words in reports: the one rule for counted nouns (`1 module`, `2 modules`).

/// `n` and `noun`, plural unless `n` is 1: `count(1, "module")` is `1 module`, `count(3,
/// "pass")` is `3 passes`. Every report counts through this, so none prints `1 modules`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {}", noun_for(n, noun))
}

/// `noun` in the number `n` takes, without the number (`module` or `modules`).
pub fn noun_for(n: usize, noun: &str) -> String {
    if n == 1 {
        noun.to_owned()
    } else if ["s", "x", "ch", "sh"].iter().any(|end| noun.ends_with(end)) {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "module"), "1 module");
        assert_eq!(count(0, "module"), "0 modules");
        assert_eq!(count(2, "budget"), "2 budgets");
        assert_eq!(count(3, "pass"), "3 passes");
        assert_eq!(noun_for(1, "run"), "run");
        assert_eq!(noun_for(5, "run"), "runs");
    }
}
