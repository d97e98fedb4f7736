//! The unpaired shift gate for two result files measured at different times (no interleaving):
//! two-sample Hodges-Lehmann shift of per-run log values with a one-sided 95 % distribution-free
//! bound from the Mann-Whitney U distribution (normal approximation), and the paired gate's
//! verdict rules.
//!
//! Inputs are per-run log values. With an anchor workload measured in the same round as the
//! target, x_i = ln(t_i / a_i): a machine that is uniformly slower or faster when one file was
//! recorded scales t_i and a_i alike and the ratio cancels it, which is the point of the anchor
//! (README, "How the verdict is reached"). Without an anchor, x_i = ln(t_i).
//!
//! Convention (0-indexed), base x (m values), candidate y (n values): D = sorted y_j - x_i over
//! all m n pairs; HL = median(D); k = max(0, floor(mn/2 - z_0.95 sqrt(mn(m+n+1)/12)));
//! lower = D[k], upper = D[mn-1-k]; noise = 1.4826 median(|x_i - median x| and |y_j - median y|
//! pooled), the per-run spread of the log values. Power: the two-sample Hodges-Lehmann estimator
//! has asymptotic standard error se = noise sqrt(pi/3 (1/m + 1/n)) (normal data), and
//! `mde_ratio = exp(ln(1+t) + (z_0.95 + z_0.80) se)`.
use serde::{Deserialize, Serialize};

use super::paired::{Estimate, GateParams};
use super::{MAD_TO_SD, Samples, StatsError, log_ratios, logs, median, median_of_sorted, sorted};

/// Result of `shift_gate`; its noise is the 1.4826 pooled MAD of the log values around each
/// side's median.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftGate {
    pub n_base: usize,
    pub n_cand: usize,
    /// 0-based rank of the confidence bound in the sorted pairwise differences.
    pub k: usize,
    #[serde(flatten)]
    pub estimate: Estimate,
}

/// Per-run log values of one file: ln(target_i / anchor_i) when an anchor was measured in the
/// same rounds, else ln(target_i). Times must be positive and matched by index.
pub fn log_values(target: &Samples, anchor: Option<&Samples>) -> Result<Samples, StatsError> {
    match anchor {
        Some(anchor) => log_ratios((target, "target"), (anchor, "anchor")),
        None => logs(target, "target").map(Samples),
    }
}

/// Compare two files' per-run log values (see `log_values`); `medians_ms` are the (base,
/// candidate) target medians in ms, for the minimum-effect rule.
pub fn shift_gate(
    base_log: &Samples,
    cand_log: &Samples,
    medians_ms: (f64, f64),
    params: &GateParams,
) -> Result<ShiftGate, StatsError> {
    params.check()?;
    let (x, y) = (base_log.as_slice(), cand_log.as_slice());
    let diffs = sorted(
        &y.iter()
            .flat_map(|yj| x.iter().map(move |xi| yj - xi))
            .collect::<Vec<_>>(),
    );
    let (m, n) = (x.len() as f64, y.len() as f64);
    let k_real = m * n / 2.0 - super::z95() * (m * n * (m + n + 1.0) / 12.0).sqrt();
    // k < mn / 2 always (the subtracted term is >= 0.5 z), so both indices are in range.
    let k = k_real.floor().max(0.0) as usize;
    let hl = median_of_sorted(&diffs);
    let (lower, upper) = (diffs[k], diffs[diffs.len() - 1 - k]);
    let (mx, my) = (median(x), median(y));
    let residuals: Vec<f64> = x
        .iter()
        .map(|v| (v - mx).abs())
        .chain(y.iter().map(|v| (v - my).abs()))
        .collect();
    let noise = MAD_TO_SD * median(&residuals);
    let se = noise * (std::f64::consts::PI / 3.0 * (1.0 / m + 1.0 / n)).sqrt();
    Ok(ShiftGate {
        n_base: x.len(),
        n_cand: y.len(),
        k,
        estimate: Estimate::new(hl, (lower, upper), medians_ms, noise, se, params),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::paired::Verdict;

    fn samples(xs: Vec<f64>) -> Samples {
        Samples::new(xs).expect("finite test data")
    }

    /// Deterministic +-1 % wobble around `level` ms.
    fn times(level: f64, n: usize, phase: f64) -> Vec<f64> {
        (0..n)
            .map(|i| level * (1.0 + 0.01 * (i as f64 * 1.7 + phase).sin()))
            .collect()
    }

    fn raw_logs(t: &[f64]) -> Samples {
        log_values(&samples(t.to_vec()), None).expect("positive")
    }

    #[test]
    fn hand_computed_small_case() {
        // D = y_j - x_i sorted: -1 0 0 1 1 2 2 2 | 3 3 4 5 5 6 7 8
        // k = floor(16/2 - 1.6449 sqrt(16 * 9 / 12)) = floor(8 - 5.698) = 2
        let x = samples(vec![0.0, 1.0, 2.0, 3.0]);
        let y = samples(vec![2.0, 3.0, 5.0, 8.0]);
        let g = shift_gate(&x, &y, (100.0, 110.0), &GateParams::default()).expect("valid");
        assert_eq!((g.n_base, g.n_cand, g.k), (4, 4, 2));
        assert_eq!(g.estimate.hl_log_ratio, 2.5);
        assert_eq!(
            (g.estimate.lower_log_ratio, g.estimate.upper_log_ratio),
            (0.0, 6.0)
        );
        // |residuals| 1.5 .5 .5 1.5 and 2 1 1 4 -> median 1.25
        assert!((g.estimate.noise_log_ratio - 1.4826 * 1.25).abs() < 1e-12);
        let se = g.estimate.noise_log_ratio * (std::f64::consts::PI / 3.0 * 0.5).sqrt();
        let zz = 1.6448536269514722 + 0.8416212335729143;
        assert!((g.estimate.mde_ratio - (1.05_f64.ln() + zz * se).exp()).abs() < 1e-9);
        assert_eq!(g.estimate.verdict, Verdict::Inconclusive);
    }

    #[test]
    fn identical_data_is_unchanged() {
        let x = raw_logs(&times(80.0, 20, 0.0));
        let g = shift_gate(&x, &x, (80.0, 80.0), &GateParams::default()).expect("valid");
        assert_eq!((g.estimate.hl_log_ratio, g.estimate.ratio), (0.0, 1.0));
        assert!(g.estimate.lower_log_ratio < 0.0 && g.estimate.upper_log_ratio > 0.0);
        assert_eq!(g.estimate.verdict, Verdict::Unchanged);
    }

    #[test]
    fn scaled_candidate_is_regression_and_inverse_is_improvement() {
        let p = GateParams::default();
        let base = times(80.0, 20, 0.0);
        let slower: Vec<f64> = times(80.0, 25, 2.0).iter().map(|t| t * 1.3).collect();
        let d = (median(&base), median(&slower));
        let g = shift_gate(&raw_logs(&base), &raw_logs(&slower), d, &p).expect("valid");
        assert_eq!(g.estimate.verdict, Verdict::Regression);
        assert!(
            (g.estimate.ratio - 1.3).abs() < 0.01,
            "ratio {}",
            g.estimate.ratio
        );
        assert!(g.estimate.lower_log_ratio > 1.05_f64.ln());
        let g = shift_gate(&raw_logs(&slower), &raw_logs(&base), (d.1, d.0), &p).expect("valid");
        assert_eq!(g.estimate.verdict, Verdict::Improvement);
        assert!(
            (g.estimate.ratio - 1.0 / 1.3).abs() < 0.01,
            "ratio {}",
            g.estimate.ratio
        );
    }

    #[test]
    fn anchor_cancels_a_uniformly_slower_machine() {
        let p = GateParams::default();
        let (t, a) = (times(80.0, 20, 0.0), times(40.0, 20, 1.0));
        // Same code, but the candidate file was recorded on a machine 1.3x slower.
        let t_slow: Vec<f64> = t.iter().map(|v| v * 1.3).collect();
        let a_slow: Vec<f64> = a.iter().map(|v| v * 1.3).collect();
        let base = log_values(&samples(t.clone()), Some(&samples(a))).expect("valid");
        let cand = log_values(&samples(t_slow.clone()), Some(&samples(a_slow))).expect("valid");
        for (b, c) in base.as_slice().iter().zip(cand.as_slice()) {
            assert!((b - c).abs() < 1e-12);
        }
        let d = (median(&t), median(&t_slow));
        let g = shift_gate(&base, &cand, d, &p).expect("valid");
        assert!(g.estimate.hl_log_ratio.abs() < 1e-12);
        assert_eq!(g.estimate.verdict, Verdict::Unchanged);
        // Without the anchor the machine change looks like a regression.
        let g = shift_gate(&raw_logs(&t), &raw_logs(&t_slow), d, &p).expect("valid");
        assert_eq!(g.estimate.verdict, Verdict::Regression);
    }

    #[test]
    fn log_values_validate_input() {
        let t = samples(vec![10.0, 20.0]);
        let err = log_values(&t, Some(&samples(vec![1.0; 3]))).expect_err("length");
        assert_eq!(
            err.to_string(),
            "anchor has 3 samples but target has 2; they must be matched one to one"
        );
        let err = log_values(&samples(vec![10.0, 0.0]), None).expect_err("zero");
        assert_eq!(
            err.to_string(),
            "target run 2 is 0 ms; times must be positive"
        );
        let x = log_values(&t, Some(&samples(vec![10.0, 10.0]))).expect("valid");
        assert!((x.as_slice()[1] - 2.0_f64.ln()).abs() < 1e-15);
    }
}
