//! Statistics shared by reports and gates: the validated `Samples` type, the one median, MAD and
//! quantile (Hyndman-Fan type 7, numpy's default) implementations, normal quantiles via `statrs`,
//! and `StatsError`. Methods: README "How the verdict is reached".
pub mod anchor_shift;
pub mod instructions;
pub mod paired;
pub mod sequential;
pub mod signed_rank;
pub mod simulate;
pub mod summary;
pub mod unpaired;

use statrs::distribution::{ContinuousCDF, Normal};
use thiserror::Error;

/// Why a comparison could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    #[error(
        "{first} has {first_len} samples but {second} has {second_len}; they must be matched one to one"
    )]
    LengthMismatch {
        first: &'static str,
        first_len: usize,
        second: &'static str,
        second_len: usize,
    },
    #[error("{what} run {} is {value} ms; times must be positive", .index + 1)]
    NonPositive {
        what: &'static str,
        /// 0-based; the message counts from 1.
        index: usize,
        value: f64,
    },
    #[error("threshold {0} must be a positive fraction (0.05 means 5 %)")]
    BadThreshold(f64),
    #[error("minimum effect {0} ms must be zero or positive")]
    BadMinEffect(f64),
    // Instruction counts (instructions.rs).
    #[error("tolerance {0} must be a fraction of zero or more (0.001 means 0.1 %)")]
    BadTolerance(f64),
    #[error("the {0} has no instruction counts")]
    NoCounts(&'static str),
    #[error("{what} sample {} counted 0 instructions; counts must be positive", .index + 1)]
    ZeroCount {
        what: &'static str,
        /// 0-based; the message counts from 1.
        index: usize,
    },
    /// Issue 14: no exact signed-rank bound reaches the look's level with this few pairs.
    #[error(
        "{n} pairs cannot give a one-sided bound at level {alpha:.4} (the exact signed-rank test needs at least {min} pairs); take more pairs"
    )]
    TooFewPairs { n: usize, alpha: f64, min: usize },
}

/// A non-empty sample of finite values (statrs and the order statistics here are undefined on
/// empty data or NaN).
#[derive(Debug, Clone, PartialEq)]
pub struct Samples(Vec<f64>);

impl Samples {
    /// `None` when `values` is empty or holds a NaN or infinity.
    pub fn new(values: Vec<f64>) -> Option<Samples> {
        (!values.is_empty() && values.iter().all(|x| x.is_finite())).then_some(Samples(values))
    }

    pub fn as_slice(&self) -> &[f64] {
        &self.0
    }

    /// Number of values; never 0.
    #[allow(clippy::len_without_is_empty)] // non-empty by construction
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Median of `xs` (mean of the two middle values when the length is even); NaN when empty.
pub fn median(xs: &[f64]) -> f64 {
    median_of_sorted(&sorted(xs))
}

/// Lower median of `xs`: the smaller of the two middle values when the length is even, so the
/// result is always one of the values (counts stay whole numbers); `None` when empty.
pub fn lower_median<T: Ord + Copy>(xs: &[T]) -> Option<T> {
    let mut v = xs.to_vec();
    v.sort_unstable();
    v.get(v.len().saturating_sub(1) / 2).copied()
}

/// Raw median absolute deviation from the median, unscaled (multiply by 1.4826 to estimate a
/// normal standard deviation); NaN when empty.
pub fn mad(xs: &[f64]) -> f64 {
    let m = median(xs);
    median(&xs.iter().map(|x| (x - m).abs()).collect::<Vec<_>>())
}

/// Scale factor turning a MAD into a consistent estimate of a normal standard deviation.
const MAD_TO_SD: f64 = 1.4826;

/// One-sided 95 % quantile of the standard normal (1.6448536269514722).
fn z95() -> f64 {
    Normal::standard().inverse_cdf(0.95)
}

/// z_0.95 + z_0.80: a one-sided 5 % test has 80 % power against a shift this many standard
/// errors beyond its threshold.
fn z95_plus_z80() -> f64 {
    z95() + Normal::standard().inverse_cdf(0.80)
}

/// Minimum detectable effect as a ratio: `exp(ln(1 + threshold) + (z_0.95 + z_0.80) * se)`,
/// where `se` is the standard error of the log-ratio estimate.
fn mde_ratio(threshold: f64, se: f64) -> f64 {
    (threshold.ln_1p() + z95_plus_z80() * se).exp()
}

fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    v
}

fn median_of_sorted(s: &[f64]) -> f64 {
    let n = s.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => s[n / 2],
        _ => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// Quantile `p` in [0, 1] of sorted data, linear between closest ranks (type 7): position
/// h = (n - 1) p, value s[floor h] + frac(h) (s[floor h + 1] - s[floor h]). NaN when empty.
fn quantile_of_sorted(s: &[f64], p: f64) -> f64 {
    let Some(&last) = s.last() else {
        return f64::NAN;
    };
    let h = (s.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    match (s.get(lo), s.get(lo + 1)) {
        (Some(&a), Some(&b)) => a + (h - lo as f64) * (b - a),
        _ => last,
    }
}

/// ln(num_i / den_i) for matched positive samples, computed as ln num_i - ln den_i (the same
/// value, but it cannot overflow).
fn log_ratios(
    (num, num_name): (&Samples, &'static str),
    (den, den_name): (&Samples, &'static str),
) -> Result<Samples, StatsError> {
    if num.len() != den.len() {
        return Err(StatsError::LengthMismatch {
            first: den_name,
            first_len: den.len(),
            second: num_name,
            second_len: num.len(),
        });
    }
    let num = logs(num, num_name)?;
    let den = logs(den, den_name)?;
    Ok(Samples(num.iter().zip(&den).map(|(n, d)| n - d).collect()))
}

/// ln of each value, refusing values <= 0.
fn logs(s: &Samples, what: &'static str) -> Result<Vec<f64>, StatsError> {
    s.0.iter()
        .enumerate()
        .map(|(index, &value)| {
            if value > 0.0 {
                Ok(value.ln())
            } else {
                Err(StatsError::NonPositive { what, index, value })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_reject_empty_and_non_finite() {
        assert!(Samples::new(vec![]).is_none());
        assert!(Samples::new(vec![1.0, f64::NAN]).is_none());
        assert!(Samples::new(vec![f64::INFINITY]).is_none());
        let s = Samples::new(vec![2.0, -1.0]).expect("finite values");
        assert_eq!(s.len(), 2);
        assert_eq!(s.as_slice(), &[2.0, -1.0]);
    }

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
        assert_eq!(lower_median(&[3, 1, 2]), Some(2));
        assert_eq!(lower_median(&[4, 1, 3, 2]), Some(2));
        assert_eq!(lower_median::<usize>(&[]), None);
    }

    #[test]
    fn mad_is_raw_median_absolute_deviation() {
        // |x - 3| = 2, 1, 0, 1, 97 -> median 1
        assert_eq!(mad(&[1.0, 2.0, 3.0, 4.0, 100.0]), 1.0);
    }

    #[test]
    fn quantile_type7() {
        let s: Vec<f64> = (1..=20).map(f64::from).collect();
        // h = 19 * 0.95 = 18.05 -> 19 + 0.05 * (20 - 19)
        assert!((quantile_of_sorted(&s, 0.95) - 19.05).abs() < 1e-12);
        assert_eq!(quantile_of_sorted(&s, 0.0), 1.0);
        assert_eq!(quantile_of_sorted(&s, 1.0), 20.0);
        assert_eq!(quantile_of_sorted(&[7.0], 0.95), 7.0);
        assert!(quantile_of_sorted(&[], 0.5).is_nan());
    }

    #[test]
    fn z_matches_reference_constant() {
        assert!((z95() - 1.6448536269514722).abs() < 1e-12);
        assert!((z95_plus_z80() - (1.6448536269514722 + 0.8416212335729143)).abs() < 1e-12);
    }

    #[test]
    fn log_ratios_check_lengths_and_signs() {
        let a = Samples::new(vec![1.0; 30]).expect("finite");
        let b = Samples::new(vec![1.0; 29]).expect("finite");
        let err = log_ratios((&b, "candidate"), (&a, "baseline")).expect_err("mismatch");
        assert_eq!(
            err.to_string(),
            "baseline has 30 samples but candidate has 29; they must be matched one to one"
        );
        let z = Samples::new(vec![1.0, 0.0]).expect("finite");
        let one = Samples::new(vec![1.0, 1.0]).expect("finite");
        let err = log_ratios((&z, "candidate"), (&one, "baseline")).expect_err("zero");
        assert_eq!(
            err,
            StatsError::NonPositive {
                what: "candidate",
                index: 1,
                value: 0.0
            }
        );
        let r = log_ratios((&one, "b"), (&one, "a")).expect("valid");
        assert_eq!(r.as_slice(), &[0.0, 0.0]);
    }
}
