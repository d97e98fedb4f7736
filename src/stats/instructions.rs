//! The gate for instruction counts (`--metric instructions`): exact counts need no confidence
//! interval, only a check that they are exact.
//!
//! A side *agrees* when its spread, (max - min) / min over its samples, is at most the tolerance
//! (default a tenth of the threshold). Then the relative change is the ratio of the two sides'
//! medians, and the verdict is: regression when it exceeds 1 + threshold, improvement when it is
//! below 1 / (1 + threshold) (the time gate's mirror, in log space), unchanged otherwise; a
//! change of exactly the threshold is not one.
//!
//! When a side does not agree (threads, hash randomisation, an import that depends on random
//! numbers or the clock), the medians are not trusted. The only verdict left is complete
//! separation: every candidate count beyond every baseline count by more than the threshold,
//! i.e. the smallest pairwise ratio min(c) / max(b) above 1 + threshold (or the largest below
//! 1 / (1 + threshold)). Under exchangeable sides (no change) all m candidate counts exceed all n
//! baseline counts with probability 1 / C(m + n, n) (a permutation argument), so separation is
//! only accepted once that is at most 1 % (5 samples on each side: 1/252); otherwise the verdict
//! is inconclusive, "instruction counts vary by X % between samples", with the likely cause
//! ([`Evidence::likely_cause`]). [`CountGate::wants_more`] says when more samples could change
//! that: counts that agree settle at the first look (3 samples per side by default).
use serde::{Deserialize, Serialize};

use super::StatsError;
use super::paired::Verdict;

/// Samples per side at the first look: enough to see whether counts repeat.
pub const DEFAULT_SAMPLES: usize = 3;
/// Samples per side at most, taken while counts disagree (see [`CountGate::wants_more`]).
pub const DEFAULT_MAX_SAMPLES: usize = 9;
/// Default threshold of this metric: 1 %.
pub const DEFAULT_THRESHOLD: f64 = 0.01;
/// Largest chance of complete separation by luck accepted when counts vary (see the module docs).
const SEPARATION_ALPHA: f64 = 0.01;

/// Gate thresholds for counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CountParams {
    /// Relative threshold: 0.01 means 1 %; compared in log space as ln(1 + threshold).
    pub threshold: f64,
    /// Largest spread, (max - min) / min, for which a side's counts count as agreeing.
    pub tolerance: f64,
}

impl CountParams {
    /// `threshold` with the default tolerance, a tenth of it: counts that vary by less than that
    /// cannot move a median ratio across the threshold by themselves.
    pub fn with_threshold(threshold: f64) -> CountParams {
        CountParams {
            threshold,
            tolerance: threshold / 10.0,
        }
    }

    fn check(&self) -> Result<(), StatsError> {
        if !(self.threshold.is_finite() && self.threshold > 0.0) {
            return Err(StatsError::BadThreshold(self.threshold));
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return Err(StatsError::BadTolerance(self.tolerance));
        }
        Ok(())
    }
}

impl Default for CountParams {
    fn default() -> Self {
        CountParams::with_threshold(DEFAULT_THRESHOLD)
    }
}

/// One side's instruction counts, summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountSummary {
    pub n: usize,
    /// Lower median: always one of the counts.
    pub median: u64,
    pub min: u64,
    pub max: u64,
    /// (max - min) / min: 0 when every count is the same.
    pub spread: f64,
}

impl CountSummary {
    /// `None` when `counts` is empty.
    pub fn new(counts: &[u64]) -> Option<CountSummary> {
        let median = super::lower_median(counts)?;
        let min = *counts.iter().min()?;
        let max = *counts.iter().max()?;
        Some(CountSummary {
            n: counts.len(),
            median,
            min,
            max,
            spread: if min == 0 {
                if max == 0 { 0.0 } else { f64::INFINITY }
            } else {
                (max - min) as f64 / min as f64
            },
        })
    }
}

/// Why a count gate said "inconclusive".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Unsettled {
    /// A side's counts vary by more than the tolerance, and do not separate.
    Varying {
        /// The larger of the two sides' spreads.
        spread: f64,
    },
}

/// Result of [`count_gate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountGate {
    pub baseline: CountSummary,
    pub candidate: CountSummary,
    /// median(candidate) / median(baseline).
    pub ratio: f64,
    /// min(candidate) / max(baseline): the smallest ratio any pair of samples shows.
    pub lower_ratio: f64,
    /// max(candidate) / min(baseline): the largest.
    pub upper_ratio: f64,
    /// Both sides' spreads are within the tolerance.
    pub agree: bool,
    pub verdict: Verdict,
    /// Set when the verdict is inconclusive.
    pub unsettled: Option<Unsettled>,
    pub params: CountParams,
}

/// Compares two sides' instruction counts (see the module docs for the rules).
pub fn count_gate(
    baseline: &[u64],
    candidate: &[u64],
    params: &CountParams,
) -> Result<CountGate, StatsError> {
    params.check()?;
    let side = |counts: &[u64], what: &'static str| {
        let s = CountSummary::new(counts).ok_or(StatsError::NoCounts(what))?;
        if s.min == 0 {
            let index = counts.iter().position(|&c| c == 0).unwrap_or(0);
            return Err(StatsError::ZeroCount { what, index });
        }
        Ok(s)
    };
    let b = side(baseline, "baseline")?;
    let c = side(candidate, "candidate")?;
    let ratio = c.median as f64 / b.median as f64;
    let lower_ratio = c.min as f64 / b.max as f64;
    let upper_ratio = c.max as f64 / b.min as f64;
    // Compared as ratios (1 + threshold and its reciprocal, the log-space mirror of the time
    // gate) so that a change of exactly the threshold is not one by rounding.
    let (up, down) = (1.0 + params.threshold, 1.0 / (1.0 + params.threshold));
    let agree = b.spread <= params.tolerance && c.spread <= params.tolerance;
    let (verdict, unsettled) = if agree {
        let verdict = if ratio > up {
            Verdict::Regression
        } else if ratio < down {
            Verdict::Improvement
        } else {
            Verdict::Unchanged
        };
        (verdict, None)
    } else if separation_chance(b.n, c.n) <= SEPARATION_ALPHA && lower_ratio > up {
        (Verdict::Regression, None)
    } else if separation_chance(b.n, c.n) <= SEPARATION_ALPHA && upper_ratio < down {
        (Verdict::Improvement, None)
    } else {
        let spread = b.spread.max(c.spread);
        (Verdict::Inconclusive, Some(Unsettled::Varying { spread }))
    };
    Ok(CountGate {
        baseline: b,
        candidate: c,
        ratio,
        lower_ratio,
        upper_ratio,
        agree,
        verdict,
        unsettled,
        params: *params,
    })
}

/// 1 / C(m + n, n): the chance that all of one side's samples exceed all of the other's when
/// both come from one distribution (ties aside).
fn separation_chance(n: usize, m: usize) -> f64 {
    // C(m + n, n) as a product of n ratios, each (m + i) / i, in floating point (no overflow).
    let c: f64 = (1..=n).map(|i| (m + i) as f64 / i as f64).product();
    1.0 / c
}

impl CountGate {
    /// Whether another round of samples could settle the verdict: the counts disagree, no
    /// verdict was reached, and each side has fewer than `max_samples`.
    pub fn wants_more(&self, max_samples: usize) -> bool {
        self.verdict == Verdict::Inconclusive && self.baseline.n.min(self.candidate.n) < max_samples
    }

    /// The relative change of the medians, in percent.
    pub fn change_percent(&self) -> f64 {
        (self.ratio - 1.0) * 100.0
    }
}

/// What the samples of a side showed, for naming the likely cause of varying counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The `PYTHONHASHSEED` the children ran with; `None` or `random` means randomised hashes.
    pub hash_seed: Option<String>,
    /// Most threads alive in a child after the statement (1 = only the main thread).
    pub max_threads: u32,
    /// Children of one side loaded different module sets.
    pub modules_differ: bool,
    /// Modules that draw random numbers (`random`, `secrets`, `uuid`, `tempfile`) were loaded.
    pub random_loaded: bool,
}

/// The likely reason counts vary, most specific first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Cause {
    /// String hashes are randomised: set orders, dict probes and so the work change per run.
    HashRandomisation,
    /// The statement left threads running: their interleaving with the import varies.
    Threads { threads: u32 },
    /// The statement did not load the same modules every time.
    ModulesDiffer,
    /// The import draws random numbers.
    Randomness,
    /// Nothing seen: something depends on the clock, the environment or the file system.
    Unknown,
}

impl Evidence {
    /// Merges two sides' evidence (for a message about both).
    pub fn merge(&self, other: &Evidence) -> Evidence {
        Evidence {
            hash_seed: self.hash_seed.clone().or_else(|| other.hash_seed.clone()),
            max_threads: self.max_threads.max(other.max_threads),
            modules_differ: self.modules_differ || other.modules_differ,
            random_loaded: self.random_loaded || other.random_loaded,
        }
    }

    pub fn likely_cause(&self) -> Cause {
        let fixed_seed = matches!(self.hash_seed.as_deref(), Some(s) if s != "random");
        if !fixed_seed {
            Cause::HashRandomisation
        } else if self.max_threads > 1 {
            Cause::Threads {
                threads: self.max_threads,
            }
        } else if self.modules_differ {
            Cause::ModulesDiffer
        } else if self.random_loaded {
            Cause::Randomness
        } else {
            Cause::Unknown
        }
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cause::HashRandomisation => write!(
                f,
                "hash randomisation is on (PYTHONHASHSEED is unset or random); leave it to coldstart, which fixes it"
            ),
            Cause::Threads { threads } => write!(
                f,
                "the import starts threads ({threads} alive after it), whose interleaving varies; use --metric time"
            ),
            Cause::ModulesDiffer => write!(
                f,
                "the import does not load the same modules every time (it depends on the clock, the environment or random numbers)"
            ),
            Cause::Randomness => write!(
                f,
                "the import draws random numbers (random, secrets, uuid or tempfile is loaded)"
            ),
            Cause::Unknown => write!(
                f,
                "something in the import depends on the clock, the environment or the file system"
            ),
        }
    }
}

/// The one-line explanation of an inconclusive count gate, e.g. "inconclusive: instruction
/// counts vary by 0.43 % between samples; likely cause: ..."; `None` for a settled gate.
pub fn explain(gate: &CountGate, cause: &Cause) -> Option<String> {
    let Unsettled::Varying { spread } = gate.unsettled?;
    Some(format!(
        "inconclusive: instruction counts vary by {} between samples (tolerance {}); likely cause: {cause}",
        percent(spread),
        percent(gate.params.tolerance)
    ))
}

/// 1234567 -> "1,234,567".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A fraction as a percentage with enough digits to show small spreads (0.0004 %).
pub fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    if !p.is_finite() {
        "an unbounded amount".to_string()
    } else if p == 0.0 {
        "0 %".to_string()
    } else if p.abs() >= 1.0 {
        format!("{p:.2} %")
    } else {
        // Two significant digits.
        let digits = (1 - p.abs().log10().floor() as i32).max(2) as usize;
        format!("{p:.digits$} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(b: &[u64], c: &[u64]) -> CountGate {
        count_gate(b, c, &CountParams::default()).expect("valid counts")
    }

    #[test]
    fn exact_counts_decide_at_the_first_look() {
        let base = [100_000_000; 3];
        let aa = gate(&base, &base);
        assert_eq!(aa.verdict, Verdict::Unchanged);
        assert!(aa.agree && !aa.wants_more(DEFAULT_MAX_SAMPLES));
        let plus2 = gate(&base, &[102_000_000; 3]);
        assert_eq!(plus2.verdict, Verdict::Regression);
        assert!((plus2.change_percent() - 2.0).abs() < 1e-9);
        assert!(!plus2.wants_more(DEFAULT_MAX_SAMPLES));
        assert_eq!(gate(&base, &[100_500_000; 3]).verdict, Verdict::Unchanged);
        assert_eq!(gate(&base, &[98_000_000; 3]).verdict, Verdict::Improvement);
        // The mirror of +1 % in log space is 1 / 1.01 = -0.990 %: -0.98 % is unchanged.
        assert_eq!(gate(&base, &[99_020_000; 3]).verdict, Verdict::Unchanged);
        assert_eq!(gate(&base, &[98_990_000; 3]).verdict, Verdict::Improvement);
    }

    #[test]
    fn the_threshold_is_strict() {
        let base = [1_000_000; 3];
        assert_eq!(gate(&base, &[1_010_000; 3]).verdict, Verdict::Unchanged);
        assert_eq!(gate(&base, &[1_010_001; 3]).verdict, Verdict::Regression);
    }

    #[test]
    fn small_differences_between_samples_are_tolerated() {
        // 0.05 % spread on one side: within the 0.1 % tolerance; the medians decide.
        let g = gate(&[100_000_000, 100_050_000, 100_000_000], &[102_000_000; 3]);
        assert!(g.agree);
        assert_eq!(g.verdict, Verdict::Regression);
        assert_eq!(g.baseline.median, 100_000_000);
        assert!((g.baseline.spread - 0.0005).abs() < 1e-12);
    }

    #[test]
    fn varying_counts_are_inconclusive_and_ask_for_more() {
        // 0.5 % spread: a median ratio of +2 % is not trusted with 3 samples.
        let base = [100_000_000, 100_500_000, 100_200_000];
        let cand = [102_000_000, 102_500_000, 101_900_000];
        let g = gate(&base, &cand);
        assert!(!g.agree);
        assert_eq!(g.verdict, Verdict::Inconclusive);
        // The larger spread: the candidate's, 0.6 / 101.9.
        assert_eq!(
            g.unsettled,
            Some(Unsettled::Varying {
                spread: 600_000.0 / 101_900_000.0
            })
        );
        assert!(g.wants_more(DEFAULT_MAX_SAMPLES));
        assert!(!g.wants_more(3));
        // A/A with varying counts: inconclusive, never a regression.
        let aa = gate(&base, &[100_400_000, 100_000_000, 100_100_000]);
        assert_eq!(aa.verdict, Verdict::Inconclusive);
    }

    #[test]
    fn complete_separation_decides_varying_counts_with_five_samples_a_side() {
        let base = [
            100_000_000,
            100_500_000,
            100_200_000,
            100_300_000,
            100_100_000,
        ];
        let cand = [
            110_000_000,
            110_500_000,
            110_200_000,
            110_300_000,
            110_100_000,
        ];
        assert_eq!(gate(&base, &cand).verdict, Verdict::Regression);
        assert_eq!(gate(&cand, &base).verdict, Verdict::Improvement);
        // Four a side: 1/70 > 1 %, not enough.
        assert_eq!(gate(&base[..4], &cand[..4]).verdict, Verdict::Inconclusive);
        // Separated, but not by more than the threshold: still inconclusive.
        let near = [
            100_900_000,
            101_000_000,
            101_200_000,
            101_300_000,
            101_400_000,
        ];
        assert_eq!(gate(&base, &near).verdict, Verdict::Inconclusive);
    }

    #[test]
    fn separation_chance_is_one_over_the_binomial() {
        assert!((separation_chance(3, 3) - 1.0 / 20.0).abs() < 1e-12);
        assert!((separation_chance(5, 5) - 1.0 / 252.0).abs() < 1e-12);
        assert!((separation_chance(4, 5) - 1.0 / 126.0).abs() < 1e-12);
        assert!((separation_chance(1, 9) - 0.1).abs() < 1e-12);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let p = CountParams::default();
        assert_eq!(
            count_gate(&[], &[1], &p).expect_err("empty"),
            StatsError::NoCounts("baseline")
        );
        assert_eq!(
            count_gate(&[1], &[5, 0], &p).expect_err("zero"),
            StatsError::ZeroCount {
                what: "candidate",
                index: 1
            }
        );
        let bad = CountParams {
            threshold: 0.0,
            tolerance: 0.0,
        };
        assert_eq!(
            count_gate(&[1], &[1], &bad).expect_err("threshold"),
            StatsError::BadThreshold(0.0)
        );
        let bad = CountParams {
            threshold: 0.01,
            tolerance: f64::NAN,
        };
        assert!(matches!(
            count_gate(&[1], &[1], &bad),
            Err(StatsError::BadTolerance(_))
        ));
        // u64::MAX does not overflow the spread or the ratios.
        let g = count_gate(&[u64::MAX, 1], &[u64::MAX], &p).expect("valid");
        assert_eq!(g.verdict, Verdict::Inconclusive);
    }

    #[test]
    fn summary_of_one_side() {
        let s = CountSummary::new(&[5, 3, 4, 4]).expect("non-empty");
        assert_eq!((s.n, s.median, s.min, s.max), (4, 4, 3, 5));
        assert!((s.spread - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(CountSummary::new(&[]), None);
        assert_eq!(CountSummary::new(&[0, 0]).expect("zeros").spread, 0.0);
        assert!(
            CountSummary::new(&[0, 1])
                .expect("zero")
                .spread
                .is_infinite()
        );
    }

    #[test]
    fn the_likely_cause_is_the_most_specific_evidence() {
        let fixed = Evidence {
            hash_seed: Some("0".into()),
            max_threads: 1,
            ..Evidence::default()
        };
        assert_eq!(fixed.likely_cause(), Cause::Unknown);
        assert_eq!(Evidence::default().likely_cause(), Cause::HashRandomisation);
        let random_seed = Evidence {
            hash_seed: Some("random".into()),
            ..fixed.clone()
        };
        assert_eq!(random_seed.likely_cause(), Cause::HashRandomisation);
        let threads = Evidence {
            max_threads: 3,
            random_loaded: true,
            ..fixed.clone()
        };
        assert_eq!(threads.likely_cause(), Cause::Threads { threads: 3 });
        let modules = Evidence {
            modules_differ: true,
            random_loaded: true,
            ..fixed.clone()
        };
        assert_eq!(modules.likely_cause(), Cause::ModulesDiffer);
        let random = Evidence {
            random_loaded: true,
            ..fixed.clone()
        };
        assert_eq!(random.likely_cause(), Cause::Randomness);
        assert_eq!(
            fixed.merge(&threads).likely_cause(),
            Cause::Threads { threads: 3 }
        );
    }

    #[test]
    fn explanation_names_the_spread_and_the_cause() {
        let g = gate(&[100_000_000, 100_430_000, 100_200_000], &[100_000_000; 3]);
        let text = explain(&g, &Cause::Threads { threads: 2 }).expect("inconclusive");
        assert_eq!(
            text,
            "inconclusive: instruction counts vary by 0.43 % between samples (tolerance 0.10 %); likely cause: the import starts threads (2 alive after it), whose interleaving varies; use --metric time"
        );
        let settled = gate(&[100; 3], &[100; 3]);
        assert_eq!(explain(&settled, &Cause::Unknown), None);
    }

    #[test]
    fn percentages_keep_small_spreads_visible() {
        assert_eq!(percent(0.0), "0 %");
        assert_eq!(percent(0.0123), "1.23 %");
        assert_eq!(percent(0.001), "0.10 %");
        assert_eq!(percent(0.0000043), "0.00043 %");
        assert_eq!(percent(f64::INFINITY), "an unbounded amount");
    }
}
