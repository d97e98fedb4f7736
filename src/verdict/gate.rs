//! Gate options and the question ab's extension loop asks: which verdicts could more pairs change.
use super::timing::Timing;
use crate::stats::paired::{GateParams, Verdict};
use serde::{Deserialize, Serialize};

/// Gate options beyond the timing thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GateOptions {
    #[serde(flatten)]
    pub params: GateParams,
    /// Fail when the candidate loads modules the baseline did not.
    pub fail_on_new_modules: bool,
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
