//! Gate options and the question ab's extension loop asks: which verdicts could more pairs change.
use super::timing::Timing;
use crate::stats::paired::{GateParams, Verdict};
use crate::stats::sequential::Design;
use serde::{Deserialize, Serialize};

/// Gate options beyond the timing thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GateOptions {
    #[serde(flatten)]
    pub params: GateParams,
    /// Fail when the candidate loads modules the baseline did not.
    pub fail_on_new_modules: bool,
    /// `--report-only`: a failed gate is reported but the exit code stays 0 (older comparison
    /// documents lack the field: false).
    #[serde(default)]
    pub report_only: bool,
}

/// Whether more pairs could still change a verdict: inconclusive, or unchanged while the interval
/// still reaches past the threshold in a direction where the change would also clear
/// `--min-effect`. "Unchanged" should mean the data rule the change out, not that there were too
/// few pairs to tell: in the gate study (scripts/bench/gate.sh) 2 of 30 noisy +10 % runs stopped
/// at 30 pairs as "unchanged" with an upper bound far above the threshold.
pub fn could_change(t: &Timing, p: &GateParams) -> bool {
    let reaches = |t: &Timing| {
        let base = t.baseline_median_ms;
        let up = t.ratio_high > 1.0 + p.threshold && (t.ratio_high - 1.0) * base > p.min_effect_ms;
        let down =
            t.ratio_low * (1.0 + p.threshold) < 1.0 && (1.0 - t.ratio_low) * base > p.min_effect_ms;
        up || down
    };
    match t.verdict {
        Verdict::Inconclusive => true,
        Verdict::Unchanged => reaches(t),
        Verdict::Regression | Verdict::Improvement => false,
    }
}

/// [`could_change`] at a look at `pairs` pairs of `design`: from `design.unchanged_max` pairs on,
/// "unchanged" is final and only an inconclusive verdict takes more pairs.
pub fn could_change_at(t: &Timing, p: &GateParams, pairs: usize, design: &Design) -> bool {
    could_change(t, p) && !(pairs >= design.unchanged_max && t.verdict == Verdict::Unchanged)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A timing with the given verdict and ratio interval around a 100 ms baseline.
    fn timing(verdict: Verdict, low: f64, high: f64, base_ms: f64) -> Timing {
        Timing {
            baseline_median_ms: base_ms,
            candidate_median_ms: base_ms,
            delta_ms: 0.0,
            ratio: 1.0,
            ratio_low: low,
            ratio_high: high,
            noise: 0.01,
            mde_ratio: 1.02,
            pairs_needed: Some(10),
            n_baseline: 30,
            n_candidate: 30,
            verdict,
            confidence: None,
        }
    }

    const P: GateParams = GateParams {
        threshold: 0.05,
        min_effect_ms: 1.0,
        effect: crate::stats::paired::EffectSize::Estimate,
    };

    #[test]
    fn inconclusive_always_could_change_and_decided_verdicts_never() {
        assert!(could_change(
            &timing(Verdict::Inconclusive, 0.99, 1.01, 100.0),
            &P
        ));
        assert!(!could_change(
            &timing(Verdict::Regression, 1.2, 1.5, 100.0),
            &P
        ));
        assert!(!could_change(
            &timing(Verdict::Improvement, 0.5, 0.8, 100.0),
            &P
        ));
    }

    #[test]
    fn unchanged_could_change_while_the_interval_reaches_past_threshold_and_min_effect() {
        let unchanged =
            |low, high, base| could_change(&timing(Verdict::Unchanged, low, high, base), &P);
        // Inside 1 +- 5 %: settled.
        assert!(!unchanged(0.97, 1.04, 100.0));
        // Upper bound 1.08 on 100 ms: an 8 ms change is still possible.
        assert!(unchanged(0.97, 1.08, 100.0));
        // The same bound on 10 ms is 0.8 ms, under --min-effect 1: settled.
        assert!(!unchanged(0.97, 1.08, 10.0));
        // Lower bound 0.9: 0.9 * 1.05 = 0.945 < 1 and 10 ms > 1 ms.
        assert!(unchanged(0.9, 1.01, 100.0));
        // Lower bound 0.96: 0.96 * 1.05 = 1.008, not below 1: settled.
        assert!(!unchanged(0.96, 1.01, 100.0));
    }

    #[test]
    fn past_twice_the_pairs_only_an_inconclusive_verdict_could_change() {
        let d = Design::sequential(30, 10, 120).stretched();
        let wide = timing(Verdict::Unchanged, 0.97, 1.08, 100.0);
        let open = timing(Verdict::Inconclusive, 1.01, 1.2, 100.0);
        assert!(could_change_at(&wide, &P, 50, &d));
        assert!(!could_change_at(&wide, &P, 60, &d));
        assert!(could_change_at(&open, &P, 60, &d));
        assert!(could_change_at(&open, &P, 110, &d));
        // Without the stretch, unchanged goes on to the cap as before.
        assert!(could_change_at(
            &wide,
            &P,
            110,
            &Design::sequential(30, 10, 120)
        ));
    }
}
