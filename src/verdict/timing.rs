//! One metric's timing verdict: paired (interleaved samples) or shift (files taken apart, anchored
//! when both have anchors), as a serialisable [`Timing`].
use crate::results::{AnchorSample, ResultFile, TargetResult};
use crate::stats::paired::{GateParams, Verdict, paired_gate};
use crate::stats::unpaired::{log_values, shift_gate};
use crate::stats::{Samples, median};
use serde::{Deserialize, Serialize};

/// How the timing verdict was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Interleaved pairs (a_i, b_i): Hodges-Lehmann on ln(b_i/a_i) with a signed-rank bound.
    Paired,
    /// Files taken apart: ln(target/anchor of the same round) compared with the two-sample HL shift.
    Anchored,
    /// Files without anchors: raw ln(target) compared with the two-sample HL shift (weaker).
    Raw,
}

/// One metric's change. Ratios are candidate/baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub baseline_median_ms: f64,
    pub candidate_median_ms: f64,
    /// The change in ms the minimum-effect rule used: the ratio estimate applied to the baseline
    /// median, (ratio - 1) * baseline_median_ms (see `stats::paired::EffectSize`).
    pub delta_ms: f64,
    /// Hodges-Lehmann estimate of the ratio.
    pub ratio: f64,
    /// One-sided 95 % bounds of the ratio (together a 90 % two-sided interval).
    pub ratio_low: f64,
    pub ratio_high: f64,
    /// Robust spread (1.4826 MAD) of the log ratios (paired) or log values (unpaired).
    pub noise: f64,
    /// Smallest ratio this run would detect with 80 % power.
    pub mde_ratio: f64,
    /// Pairs needed to detect twice the threshold (paired method only).
    pub pairs_needed: Option<usize>,
    pub n_baseline: usize,
    pub n_candidate: usize,
    pub verdict: Verdict,
}

/// A timing verdict for one metric. `paired` requires equal sample counts (ab's interleaved pairs);
/// otherwise the anchors of each file normalise machine speed when both files have them.
pub fn timing(
    a: &[f64],
    b: &[f64],
    anchors: Option<(Vec<f64>, Vec<f64>)>,
    method: Method,
    params: &GateParams,
) -> Option<Timing> {
    let (sa, sb) = (Samples::new(a.to_vec())?, Samples::new(b.to_vec())?);
    let (ma, mb) = (median(a), median(b));
    let (e, pairs_needed) = match method {
        Method::Paired => {
            let g = paired_gate(&sa, &sb, params).ok()?;
            (g.estimate, Some(g.pairs_needed))
        }
        Method::Anchored | Method::Raw => {
            let (xa, xb) = match anchors {
                Some((aa, ab)) => (
                    log_values(&sa, Samples::new(aa).as_ref()).ok()?,
                    log_values(&sb, Samples::new(ab).as_ref()).ok()?,
                ),
                None => (log_values(&sa, None).ok()?, log_values(&sb, None).ok()?),
            };
            (shift_gate(&xa, &xb, (ma, mb), params).ok()?.estimate, None)
        }
    };
    Some(Timing {
        baseline_median_ms: ma,
        candidate_median_ms: mb,
        delta_ms: e.effect_ms,
        ratio: e.ratio,
        ratio_low: e.lower_log_ratio.exp(),
        ratio_high: e.upper_log_ratio.exp(),
        noise: e.noise_log_ratio,
        mde_ratio: e.mde_ratio,
        pairs_needed,
        n_baseline: a.len(),
        n_candidate: b.len(),
        verdict: e.verdict,
    })
}

/// Anchor import times matched to each target sample, if every sample has one.
pub fn matched_anchors(
    r: &ResultFile,
    t: &TargetResult,
    f: fn(&AnchorSample) -> f64,
) -> Option<Vec<f64>> {
    let anchor = r.anchor.as_ref()?;
    t.samples
        .iter()
        .map(|s| s.anchor_index.and_then(|i| anchor.samples.get(i)).map(f))
        .collect()
}
