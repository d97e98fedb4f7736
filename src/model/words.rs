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

/// `x` with an explicit sign and `decimals` places. A value that rounds to zero reads `+0.00`
/// whichever side of zero it was (Rust's own `{:+.2}` writes `-0.00` for -0.001 and for -0.0),
/// so a change too small to show never looks like an improvement.
pub fn signed(x: f64, decimals: usize) -> String {
    let text = format!("{x:+.decimals$}");
    match text.strip_prefix('-') {
        Some(digits) if digits.chars().all(|c| c == '0' || c == '.') => format!("+{digits}"),
        _ => text,
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
        format!("{} %", signed((ratio - 1.0) * 100.0, 1))
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
    fn values_that_round_to_zero_are_plus_zero() {
        assert_eq!(signed(-0.001, 2), "+0.00");
        assert_eq!(signed(-0.0, 2), "+0.00");
        assert_eq!(signed(0.0, 1), "+0.0");
        assert_eq!(signed(-0.4, 0), "+0");
        assert_eq!(signed(-0.005, 2), "-0.01");
        assert_eq!(signed(-12.345, 1), "-12.3");
        assert_eq!(signed(0.004, 2), "+0.00");
        assert_eq!(signed(f64::NAN, 2), "NaN");
        assert_eq!(ratio_change(0.99999), "+0.0 %");
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
