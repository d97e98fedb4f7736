//! The shift gate for two result files whose anchor was measured in some rounds only (issue 14:
//! `ab` and `branches` measure it every `--anchor-every` pairs, because their paired verdict
//! never uses it). A target sample then has no anchor of its own round to be divided by, so the
//! machine-speed correction is made between files instead of within rounds:
//!
//! - target shift: `shift_gate` over the raw log times of the two files (HL estimate d_t with its
//!   one-sided 95 % Mann-Whitney bounds l_t, u_t);
//! - anchor shift: the same over the two files' anchor log times (d_a, l_a, u_a);
//! - the estimate is d = d_t - d_a, the target's change with the machine's change removed; its
//!   bounds combine the two intervals by MOVER (method of variance estimates recovery, Zou and
//!   Donner 2008, "Construction of confidence limits about effect measures: a general approach",
//!   Statistics in Medicine 27(10)): lower = d - sqrt((d_t - l_t)^2 + (u_a - d_a)^2), upper =
//!   d + sqrt((u_t - d_t)^2 + (d_a - l_a)^2).
//!
//! MOVER assumes the two estimates independent. Target and anchor samples of one file share the
//! machine's state, so their errors correlate positively if at all, which makes the variance of
//! the difference smaller than the sum and the combined bounds conservative. The price of
//! measuring fewer anchors is a wider interval (the anchor's half of it shrinks with the anchor
//! count only), never a less honest one; `scripts/bench/compare.sh` measures both.
//!
//! The noise reported is the target's; the standard error for the minimum detectable effect is
//! sqrt(se_t^2 + se_a^2), each the two-sample HL standard error of `unpaired`.
use super::paired::{Estimate, GateParams};
use super::unpaired::{ShiftGate, shift_gate};
use super::{Samples, StatsError};
use std::f64::consts::PI;

/// Fewest anchor samples per file for the anchor shift: with m = n = 3 the most extreme order
/// statistic of the 9 differences has exact tail probability 1 / C(6, 3) = 0.05, so the bound can
/// reach one-sided 95 %; with fewer, the interval would claim more confidence than the data hold.
pub const MIN_ANCHORS: usize = 3;

/// Whether files with `m` and `n` anchor samples can be compared through them.
pub fn enough_anchors(m: usize, n: usize) -> bool {
    m.min(n) >= MIN_ANCHORS
}

/// Both shifts behind an anchor-shift verdict, for the record.
#[derive(Debug, Clone, PartialEq)]
pub struct AnchorShiftGate {
    pub target: ShiftGate,
    pub anchor: ShiftGate,
    pub estimate: Estimate,
}

/// Compares two files' target log times (`target`: base, candidate) through their anchors' log
/// times (`anchor`: base, candidate), see the module docs. `medians_ms` are the target medians.
pub fn anchor_shift_gate(
    target: (&Samples, &Samples),
    anchor: (&Samples, &Samples),
    medians_ms: (f64, f64),
    params: &GateParams,
) -> Result<AnchorShiftGate, StatsError> {
    let t = shift_gate(target.0, target.1, medians_ms, params)?;
    let a = shift_gate(anchor.0, anchor.1, (1.0, 1.0), params)?;
    let (te, ae) = (&t.estimate, &a.estimate);
    let d = te.hl_log_ratio - ae.hl_log_ratio;
    let lower =
        d - (te.hl_log_ratio - te.lower_log_ratio).hypot(ae.upper_log_ratio - ae.hl_log_ratio);
    let upper =
        d + (te.upper_log_ratio - te.hl_log_ratio).hypot(ae.hl_log_ratio - ae.lower_log_ratio);
    let se = |g: &ShiftGate| {
        g.estimate.noise_log_ratio
            * (PI / 3.0 * (1.0 / g.n_base as f64 + 1.0 / g.n_cand as f64)).sqrt()
    };
    let estimate = Estimate::new(
        d,
        (lower, upper),
        medians_ms,
        te.noise_log_ratio,
        se(&t).hypot(se(&a)),
        params,
    );
    Ok(AnchorShiftGate {
        target: t,
        anchor: a,
        estimate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::paired::Verdict;
    use crate::stats::unpaired::log_values;

    fn logs(t: &[f64]) -> Samples {
        log_values(&Samples::new(t.to_vec()).expect("finite"), None).expect("positive")
    }

    /// Deterministic +-2 % wobble around `level` ms.
    fn times(level: f64, n: usize, phase: f64) -> Vec<f64> {
        (0..n)
            .map(|i| level * (1.0 + 0.02 * (i as f64 * 1.7 + phase).sin()))
            .collect()
    }

    fn gate(t: (&[f64], &[f64]), a: (&[f64], &[f64])) -> AnchorShiftGate {
        let m = (crate::stats::median(t.0), crate::stats::median(t.1));
        anchor_shift_gate(
            (&logs(t.0), &logs(t.1)),
            (&logs(a.0), &logs(a.1)),
            m,
            &GateParams {
                threshold: 0.10,
                ..GateParams::default()
            },
        )
        .expect("valid")
    }

    #[test]
    fn a_uniformly_slower_machine_cancels_with_a_tenth_of_the_anchors() {
        let (t, a) = (times(80.0, 30, 0.0), times(40.0, 10, 1.0));
        let slow = |v: &[f64]| v.iter().map(|x| x * 1.3).collect::<Vec<_>>();
        let g = gate((&t, &slow(&t)), (&a, &slow(&a)));
        assert!(g.estimate.hl_log_ratio.abs() < 1e-12, "{:?}", g.estimate);
        assert_eq!(g.estimate.verdict, Verdict::Unchanged);
        assert!(g.estimate.lower_log_ratio < 0.0 && g.estimate.upper_log_ratio > 0.0);
        // A real +30 % on the same machine is a regression of that size.
        let g = gate((&t, &slow(&t)), (&a, &a));
        assert!((g.estimate.ratio - 1.3).abs() < 0.01, "{:?}", g.estimate);
        assert_eq!(g.estimate.verdict, Verdict::Regression);
    }

    #[test]
    fn the_bounds_are_the_two_half_widths_in_quadrature() {
        let (t, a) = (times(80.0, 30, 0.0), times(40.0, 6, 1.0));
        let t2: Vec<f64> = times(80.0, 30, 2.0).iter().map(|x| x * 1.2).collect();
        let a2: Vec<f64> = times(40.0, 6, 3.0).iter().map(|x| x * 1.05).collect();
        let g = gate((&t, &t2), (&a, &a2));
        let (te, ae) = (&g.target.estimate, &g.anchor.estimate);
        let d = te.hl_log_ratio - ae.hl_log_ratio;
        assert!((g.estimate.hl_log_ratio - d).abs() < 1e-12);
        let low = ((te.hl_log_ratio - te.lower_log_ratio).powi(2)
            + (ae.upper_log_ratio - ae.hl_log_ratio).powi(2))
        .sqrt();
        assert!((d - g.estimate.lower_log_ratio - low).abs() < 1e-12);
        // Wider than the target's own interval: the anchor's uncertainty is counted.
        assert!(g.estimate.lower_log_ratio < te.lower_log_ratio - ae.hl_log_ratio);
        assert!(g.estimate.upper_log_ratio > te.upper_log_ratio - ae.hl_log_ratio);
        assert!(g.estimate.mde_ratio > g.target.estimate.mde_ratio);
    }

    #[test]
    fn three_anchors_per_file_are_the_fewest_that_reach_95_percent() {
        assert!(enough_anchors(3, 3));
        assert!(enough_anchors(20, 3));
        assert!(!enough_anchors(2, 30));
        assert!(!enough_anchors(0, 10));
    }
}
