//! Descriptive summary of one sample (min, max, mean, median, sample stddev, raw MAD, type-7 p95),
//! outlier flagging by the Iglewicz-Hoaglin modified z-score, and the `Statistic` a budget names.
use serde::{Deserialize, Serialize};

use super::{Samples, mad, median_of_sorted, quantile_of_sorted, sorted};

/// Summary of a sample of times in ms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: usize,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub median: f64,
    /// Sample standard deviation (divisor n - 1); 0 when n = 1.
    pub stddev: f64,
    /// Raw median absolute deviation from the median, unscaled (1.4826 * mad estimates the
    /// standard deviation of normal data).
    pub mad: f64,
    /// 95th percentile, linear between closest ranks (type 7, numpy's default).
    pub p95: f64,
}

/// Which statistic of a `Summary` a budget applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Statistic {
    Median,
    Mean,
    P95,
    Max,
}

impl Statistic {
    pub fn as_str(self) -> &'static str {
        match self {
            Statistic::Median => "median",
            Statistic::Mean => "mean",
            Statistic::P95 => "p95",
            Statistic::Max => "max",
        }
    }
}

/// Modified z-score above which a value is an outlier (Iglewicz & Hoaglin 1993).
const OUTLIER_Z: f64 = 3.5;
/// Deviations of at most this fraction of the median are never outliers.
const OUTLIER_MIN_FRACTION: f64 = 0.01;

impl Summary {
    pub fn of(samples: &Samples) -> Summary {
        let xs = samples.as_slice();
        let s = sorted(xs);
        let n = s.len();
        let mean = s.iter().sum::<f64>() / n as f64;
        let stddev = if n > 1 {
            (s.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        Summary {
            n,
            min: s[0],
            max: s[n - 1],
            mean,
            median: median_of_sorted(&s),
            stddev,
            mad: mad(xs),
            p95: quantile_of_sorted(&s, 0.95),
        }
    }

    /// Coefficient of variation, stddev / mean; 0 when the mean is 0.
    pub fn cv(&self) -> f64 {
        if self.mean == 0.0 {
            0.0
        } else {
            self.stddev / self.mean
        }
    }

    /// Iglewicz-Hoaglin: `|0.6745 (x - median) / mad| > 3.5`, and additionally the deviation must
    /// exceed 1 % of the median. The second condition keeps zero or quantised spread (mad = 0 or
    /// tiny) from flagging trivial differences; with mad = 0 a value is an outlier exactly when it
    /// differs from the median by more than 1 % of it.
    pub fn is_outlier(&self, x: f64) -> bool {
        let dev = (x - self.median).abs();
        dev > OUTLIER_MIN_FRACTION * self.median.abs() && 0.6745 * dev > OUTLIER_Z * self.mad
    }

    pub fn get(&self, stat: Statistic) -> f64 {
        match stat {
            Statistic::Median => self.median,
            Statistic::Mean => self.mean,
            Statistic::P95 => self.p95,
            Statistic::Max => self.max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(xs: &[f64]) -> Summary {
        Summary::of(&Samples::new(xs.to_vec()).expect("finite test data"))
    }

    #[test]
    fn of_hand_computed() {
        let s = summary(&[4.0, 1.0, 100.0, 3.0, 2.0]);
        assert_eq!(s.n, 5);
        assert_eq!((s.min, s.max, s.mean, s.median), (1.0, 100.0, 22.0, 3.0));
        // squared deviations 441 + 400 + 361 + 324 + 6084 = 7610, / (n - 1)
        assert!((s.stddev - (7610.0_f64 / 4.0).sqrt()).abs() < 1e-12);
        assert_eq!(s.mad, 1.0);
        // h = 4 * 0.95 = 3.8 -> 4 + 0.8 * (100 - 4)
        assert!((s.p95 - 80.8).abs() < 1e-12);
    }

    #[test]
    fn single_sample() {
        let s = summary(&[12.5]);
        assert_eq!(
            (s.n, s.stddev, s.mad, s.p95, s.median),
            (1, 0.0, 0.0, 12.5, 12.5)
        );
        assert_eq!(s.cv(), 0.0);
    }

    #[test]
    fn cv_and_zero_mean() {
        let s = summary(&[9.0, 11.0]);
        assert!((s.cv() - 2.0_f64.sqrt() / 10.0).abs() < 1e-12);
        assert_eq!(summary(&[-1.0, 1.0]).cv(), 0.0);
    }

    #[test]
    fn outliers_by_modified_z() {
        let s = summary(&[1.0, 2.0, 3.0, 4.0, 100.0]);
        assert!(s.is_outlier(100.0));
        assert!(!s.is_outlier(4.0));
        // 0.6745 * |x - 3| / 1 > 3.5  <=>  |x - 3| > 5.189
        assert!(!s.is_outlier(8.1));
        assert!(s.is_outlier(8.2));
        assert!(s.is_outlier(-2.2));
    }

    #[test]
    fn zero_spread_flags_only_beyond_one_percent() {
        let s = summary(&[50.0; 10]);
        assert_eq!(s.mad, 0.0);
        assert!(!s.is_outlier(50.0));
        assert!(!s.is_outlier(50.4));
        assert!(s.is_outlier(50.6));
        assert!(s.is_outlier(49.4));
    }

    #[test]
    fn statistic_get_and_serde() {
        let s = summary(&[1.0, 2.0, 3.0, 4.0, 100.0]);
        assert_eq!(s.get(Statistic::Median), 3.0);
        assert_eq!(s.get(Statistic::Mean), 22.0);
        assert_eq!(s.get(Statistic::P95), s.p95);
        assert_eq!(s.get(Statistic::Max), 100.0);
        for stat in [
            Statistic::Median,
            Statistic::Mean,
            Statistic::P95,
            Statistic::Max,
        ] {
            let json = serde_json::to_string(&stat).expect("serialize");
            assert_eq!(json, format!("\"{}\"", stat.as_str()));
            assert_eq!(serde_json::from_str::<Statistic>(&json).ok(), Some(stat));
        }
        let back: Summary =
            serde_json::from_str(&serde_json::to_string(&s).expect("serialize")).expect("parse");
        assert_eq!(back, s);
    }
}
