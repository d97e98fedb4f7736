//! The interval drawn around each commit's median: a distribution-free confidence interval for the
//! median from order statistics. With n samples, the number below the true median is
//! Binomial(n, ½); the interval `[x(k), x(n−k+1)]` (1-based order statistics) covers the median
//! with probability `1 − 2·P(X < k)`, and k is the largest rank keeping that at least 95 %
//! (Conover, *Practical Nonparametric Statistics*, §3.2). Binomial probabilities come from statrs.
use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, DiscreteCDF};

use crate::stats::median;

/// A median with its two-sided 95 % interval (`low ≤ median ≤ high`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// The same interval multiplied by `factor` (a ratio turned into milliseconds).
    pub fn scaled(self, factor: f64) -> Interval {
        Interval {
            median: self.median * factor,
            low: self.low * factor,
            high: self.high * factor,
        }
    }
}

/// The median of `xs` with its 95 % order-statistics interval; `None` for no finite values. Below
/// 6 samples no rank reaches 95 %: the interval is then the whole range (min..max).
pub fn median_interval(xs: &[f64]) -> Option<Interval> {
    let mut sorted: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let k = rank(n);
    Some(Interval {
        median: median(&sorted),
        low: sorted[k - 1],
        high: sorted[n - k],
    })
}

/// The largest k ≥ 1 with `2·P(X ≤ k−1) ≤ 0.05` for X ~ Binomial(n, ½), else 1.
fn rank(n: usize) -> usize {
    let Ok(binomial) = Binomial::new(0.5, n as u64) else {
        return 1;
    };
    let mut k = 1;
    while k < n.div_ceil(2) && 2.0 * binomial.cdf(k as u64) <= 0.05 {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_match_the_binomial_table() {
        // Conover's table A3 (two-sided 95 %): n = 6 → 1, 10 → 2, 20 → 6, 30 → 10, 50 → 18.
        assert_eq!(rank(5), 1);
        assert_eq!(rank(6), 1);
        assert_eq!(rank(10), 2);
        assert_eq!(rank(20), 6);
        assert_eq!(rank(30), 10);
        assert_eq!(rank(50), 18);
    }

    #[test]
    fn interval_brackets_the_median() {
        let xs: Vec<f64> = (1..=20).map(f64::from).collect();
        let i = median_interval(&xs).unwrap();
        assert_eq!((i.low, i.median, i.high), (6.0, 10.5, 15.0));
        let one = median_interval(&[3.0]).unwrap();
        assert_eq!((one.low, one.median, one.high), (3.0, 3.0, 3.0));
        assert!(median_interval(&[f64::NAN]).is_none());
        assert_eq!(i.scaled(2.0).high, 30.0);
    }
}
