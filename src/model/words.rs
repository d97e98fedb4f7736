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

/// A ratio (candidate / baseline) as a signed percentage, or as a factor from ×10 on: `+15093.6 %`
/// reads better as `×152`, and fits a table column.
pub fn ratio_change(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("×{ratio:.0}")
    } else if ratio >= 10.0 {
        format!("×{ratio:.1}")
    } else {
        format!("{:+.1} %", (ratio - 1.0) * 100.0)
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

    #[test]
    fn large_ratios_read_as_factors() {
        assert_eq!(ratio_change(1.3), "+30.0 %");
        assert_eq!(ratio_change(0.4), "-60.0 %");
        assert_eq!(ratio_change(9.99), "+899.0 %");
        assert_eq!(ratio_change(12.34), "×12.3");
        assert_eq!(ratio_change(151.936), "×152");
    }
}
