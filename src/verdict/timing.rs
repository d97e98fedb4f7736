//! One metric's timing verdict: paired (interleaved samples) or shift (files taken apart, anchored
//! when both have anchors), as a serialisable [`Timing`].
use crate::results::{AnchorSample, ResultFile, TargetResult};
use crate::stats::anchor_shift::anchor_shift_gate;
use crate::stats::paired::{GateParams, PairedGate, Verdict, paired_gate};
use crate::stats::sequential::Design;
use crate::stats::unpaired::{log_values, shift_gate};
use crate::stats::{Samples, StatsError, median};
use serde::{Deserialize, Serialize};

/// How the timing verdict was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Interleaved pairs (a_i, b_i): Hodges-Lehmann on ln(b_i/a_i) with a signed-rank bound.
    Paired,
    /// Files taken apart: ln(target/anchor of the same round) compared with the two-sample HL shift.
    Anchored,
    /// Files whose anchor was measured in some rounds only (`ab`, `branches`: issue 14): the
    /// target's shift minus the anchor's shift, the bounds combined (`stats::anchor_shift`).
    #[serde(rename = "anchor-shift")]
    AnchorShift,
    /// Files whose anchor was measured every few rounds (`ab`, `branches`): each anchored round
    /// starts a block of the rounds up to the next one; the block's value is ln(median target /
    /// its anchor), and the two files' block values are compared with the two-sample HL shift
    /// (`anchor_blocks`).
    #[serde(rename = "block-anchored")]
    BlockAnchored,
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
    /// Issue 14: one-sided confidence of `ratio_low`/`ratio_high` when it is not 95 % (an early
    /// look of the sequential design, or its 96 % looks from `--pairs` on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

/// Why one metric could not be judged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TimingError {
    #[error("the {0} has no finite samples")]
    NoSamples(&'static str),
    #[error(transparent)]
    Stats(#[from] StatsError),
}

/// A timing verdict for one metric. `paired` requires equal sample counts (ab's interleaved pairs);
/// otherwise the anchors of each file normalise machine speed when both files have them: matched
/// to the target samples one to one (`Anchored`) or all of each file's (`AnchorShift`).
pub fn timing(
    a: &[f64],
    b: &[f64],
    anchors: Option<(Vec<f64>, Vec<f64>)>,
    method: Method,
    params: &GateParams,
) -> Result<Timing, TimingError> {
    let samples = |v: &[f64], side| Samples::new(v.to_vec()).ok_or(TimingError::NoSamples(side));
    let (sa, sb) = (samples(a, "baseline")?, samples(b, "candidate")?);
    let (ma, mb) = (median(a), median(b));
    let (e, pairs_needed) = match method {
        Method::Paired => {
            let g = paired_gate(&sa, &sb, params)?;
            return Ok(paired(g, (ma, mb), None));
        }
        Method::AnchorShift => {
            let (aa, ab) = anchors.unwrap_or_default();
            let (aa, ab) = (
                samples(&aa, "baseline anchor")?,
                samples(&ab, "candidate anchor")?,
            );
            let g = anchor_shift_gate(
                (&log_values(&sa, None)?, &log_values(&sb, None)?),
                (&log_values(&aa, None)?, &log_values(&ab, None)?),
                (ma, mb),
                params,
            )?;
            (g.estimate, None)
        }
        Method::BlockAnchored => {
            // `anchors` holds the block values of both files (`anchor_blocks`), already logs.
            let (xa, xb) = anchors.unwrap_or_default();
            let (xa, xb) = (samples(&xa, "baseline")?, samples(&xb, "candidate")?);
            (shift_gate(&xa, &xb, (ma, mb), params)?.estimate, None)
        }
        Method::Anchored | Method::Raw => {
            let (xa, xb) = match anchors {
                Some((aa, ab)) => (
                    log_values(&sa, Samples::new(aa).as_ref())?,
                    log_values(&sb, Samples::new(ab).as_ref())?,
                ),
                None => (log_values(&sa, None)?, log_values(&sb, None)?),
            };
            (shift_gate(&xa, &xb, (ma, mb), params)?.estimate, None)
        }
    };
    Ok(Timing {
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
        confidence: None,
    })
}

/// The paired timing verdict at the look of `design` that `a.len()` pairs make (issue 14: exact
/// bounds at that look's level).
pub fn paired_timing(
    a: &[f64],
    b: &[f64],
    design: &Design,
    params: &GateParams,
) -> Result<Timing, TimingError> {
    let samples = |v: &[f64], side| Samples::new(v.to_vec()).ok_or(TimingError::NoSamples(side));
    let (sa, sb) = (samples(a, "baseline")?, samples(b, "candidate")?);
    let g = design.gate(&sa, &sb, params)?;
    let level = 1.0 - design.alpha_at(a.len());
    let confidence = (design.exact && (level - 0.95).abs() > 1e-9).then_some(level);
    Ok(paired(g, (median(a), median(b)), confidence))
}

fn paired(g: PairedGate, (ma, mb): (f64, f64), confidence: Option<f64>) -> Timing {
    let e = g.estimate;
    Timing {
        baseline_median_ms: ma,
        candidate_median_ms: mb,
        delta_ms: e.effect_ms,
        ratio: e.ratio,
        ratio_low: e.lower_log_ratio.exp(),
        ratio_high: e.upper_log_ratio.exp(),
        noise: e.noise_log_ratio,
        mde_ratio: e.mde_ratio,
        pairs_needed: Some(g.pairs_needed),
        n_baseline: g.n,
        n_candidate: g.n,
        verdict: e.verdict,
        confidence,
    }
}

/// Every anchor sample of `r` (metric `f`), for `Method::AnchorShift`.
pub fn all_anchors(r: &ResultFile, f: fn(&AnchorSample) -> f64) -> Vec<f64> {
    r.anchor
        .as_ref()
        .map(|a| a.samples.iter().map(f).collect())
        .unwrap_or_default()
}

/// Issue 14, `--anchor-every N`: the block values of target `t` of `r` (metric `f` of the
/// samples, `g` of the anchor). Each sample with an anchor of its own round starts a block that
/// runs to the next one (samples before the first join the first block); a block's value is
/// ln(median of its target samples) - ln(its anchor). One value per block, so the values stay
/// independent (samples of a block share one anchor) while the anchor still removes the machine
/// speed of the rounds around it. `None` when no sample has an anchor or a time is not positive.
pub fn anchor_blocks(
    r: &ResultFile,
    t: &TargetResult,
    f: fn(&crate::results::Sample) -> f64,
    g: fn(&AnchorSample) -> f64,
) -> Option<Vec<f64>> {
    let anchor = r.anchor.as_ref()?;
    let rounds: Vec<(f64, Option<f64>)> = t
        .samples
        .iter()
        .map(|s| {
            (
                f(s),
                s.anchor_index.and_then(|i| anchor.samples.get(i)).map(g),
            )
        })
        .collect();
    block_values(&rounds)
}

/// [`anchor_blocks`] over (target value, anchor of the same round) in round order.
fn block_values(rounds: &[(f64, Option<f64>)]) -> Option<Vec<f64>> {
    let mut blocks: Vec<(f64, Vec<f64>)> = Vec::new();
    let mut before_first = Vec::new();
    for &(x, a) in rounds {
        match (a, blocks.last_mut()) {
            (Some(a), _) => blocks.push((a, vec![x])),
            (None, Some((_, xs))) => xs.push(x),
            (None, None) => before_first.push(x),
        }
    }
    blocks.first_mut()?.1.extend(before_first);
    blocks
        .into_iter()
        .map(|(a, xs)| {
            let m = median(&xs);
            (a > 0.0 && m > 0.0 && a.is_finite() && m.is_finite()).then(|| m.ln() - a.ln())
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> GateParams {
        GateParams {
            threshold: 0.05,
            min_effect_ms: 1.0,
            effect: crate::stats::paired::EffectSize::Estimate,
        }
    }

    #[test]
    fn twenty_percent_slower_pairs_are_a_regression_of_exactly_that() {
        let a: Vec<f64> = (0..10).map(|i| 10.0 + f64::from(i) * 0.1).collect();
        let b: Vec<f64> = a.iter().map(|x| x * 1.2).collect();
        let t = timing(&a, &b, None, Method::Paired, &params()).unwrap();
        assert_eq!(t.verdict, Verdict::Regression);
        assert!((t.ratio - 1.2).abs() < 1e-12, "{t:?}");
        assert!((t.ratio_low - 1.2).abs() < 1e-12 && (t.ratio_high - 1.2).abs() < 1e-12);
        assert!((t.baseline_median_ms - 10.45).abs() < 1e-12);
        // (ratio - 1) * baseline median.
        assert!((t.delta_ms - 2.09).abs() < 1e-9, "{t:?}");
        assert_eq!((t.n_baseline, t.n_candidate), (10, 10));
    }

    #[test]
    fn the_reason_a_metric_cannot_be_judged_is_kept() {
        let p = params();
        let e = timing(&[1.0, 2.0], &[1.0], None, Method::Paired, &p).unwrap_err();
        assert!(matches!(
            e,
            TimingError::Stats(StatsError::LengthMismatch { .. })
        ));
        assert!(e.to_string().contains("matched one to one"), "{e}");
        let e = timing(&[1.0, 0.0], &[1.0, 1.0], None, Method::Raw, &p).unwrap_err();
        assert!(
            matches!(
                e,
                TimingError::Stats(StatsError::NonPositive { index: 1, .. })
            ),
            "{e:?}"
        );
        let e = timing(&[], &[1.0], None, Method::Raw, &p).unwrap_err();
        assert_eq!(e, TimingError::NoSamples("baseline"));
    }

    #[test]
    fn blocks_run_from_one_anchored_round_to_the_next() {
        // Rounds 0..7, anchors in rounds 1, 4 and 7 (round 0 joins the first block).
        let rounds = [
            (11.0, None),
            (10.0, Some(5.0)),
            (30.0, None),
            (12.0, None),
            (20.0, Some(4.0)),
            (22.0, None),
            (21.0, None),
            (8.0, Some(2.0)),
        ];
        let v = block_values(&rounds).expect("blocks");
        // Medians 11.5 (of 10, 30, 12, 11), 21 and 8 over anchors 5, 4 and 2.
        let want = [
            (11.5f64 / 5.0).ln(),
            (21.0f64 / 4.0).ln(),
            (8.0f64 / 2.0).ln(),
        ];
        assert_eq!(v.len(), 3);
        for (got, want) in v.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!(block_values(&[(1.0, None), (2.0, None)]), None);
        assert_eq!(block_values(&[(1.0, Some(0.0))]), None);
        assert_eq!(block_values(&[]), None);
    }
}
