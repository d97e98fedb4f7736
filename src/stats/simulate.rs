//! Seeded Monte-Carlo of a pair-taking design (`sequential::Design`): how often it calls a
//! regression, an improvement, "unchanged" or "inconclusive" for a known true change and noise
//! model, and how many pairs it takes. Every design in one `simulate` call sees the same
//! simulated pairs, so their differences are not sampling noise between designs.
//!
//! Noise models, in log space, per sample (a pair's ln(b/a) is the difference of two):
//! - `Normal(sd)`: N(0, sd / sqrt 2) per sample, so a pair's log ratio has standard deviation sd.
//! - `StudentT3(scale)`: Student's t with 3 degrees of freedom (infinite kurtosis) per pair,
//!   split evenly over the two samples.
//! - `Spikes(sd)`: the machine's shape: N(0, sd / sqrt 2) per sample plus, with probability 0.15,
//!   an exponential slow-down of mean 2 sd (a scheduler stall or a cache flush hits one sample of
//!   a pair; the pair ratios get heavy tails on both sides).
use super::paired::{GateParams, Verdict};
use super::sequential::{Design, run_on};

/// How a sample's log time scatters around its true value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Noise {
    Normal(f64),
    StudentT3(f64),
    Spikes(f64),
}

/// One simulated situation: `pairs` of a `base_ms` baseline and a candidate `ratio` times slower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scenario {
    pub ratio: f64,
    pub noise: Noise,
    pub base_ms: f64,
}

/// What one design did over all replications.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub runs: usize,
    pub regression: usize,
    pub improvement: usize,
    pub unchanged: usize,
    pub inconclusive: usize,
    /// Pairs used per run.
    pub pairs: Vec<usize>,
}

impl Tally {
    fn add(&mut self, verdict: Verdict, pairs: usize) {
        self.runs += 1;
        self.pairs.push(pairs);
        match verdict {
            Verdict::Regression => self.regression += 1,
            Verdict::Improvement => self.improvement += 1,
            Verdict::Unchanged => self.unchanged += 1,
            Verdict::Inconclusive => self.inconclusive += 1,
        }
    }

    /// Fraction of runs that stopped with at most `n` pairs.
    pub fn within(&self, n: usize) -> f64 {
        self.pairs.iter().filter(|&&p| p <= n).count() as f64 / self.runs.max(1) as f64
    }

    pub fn mean_pairs(&self) -> f64 {
        self.pairs.iter().sum::<usize>() as f64 / self.runs.max(1) as f64
    }
}

fn normal(rng: &mut fastrand::Rng) -> f64 {
    // Box-Muller; 1 - f64() is in (0, 1], so the logarithm is finite.
    let u = 1.0 - rng.f64();
    let v = rng.f64();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// (baseline, candidate) log-time deviations of one pair.
fn pair_noise(noise: Noise, rng: &mut fastrand::Rng) -> (f64, f64) {
    let half = std::f64::consts::FRAC_1_SQRT_2;
    match noise {
        Noise::Normal(sd) => (sd * half * normal(rng), sd * half * normal(rng)),
        Noise::StudentT3(scale) => {
            let chi2: f64 = (0..3).map(|_| normal(rng).powi(2)).sum();
            let t = normal(rng) / (chi2 / 3.0).sqrt();
            (0.0, scale * t)
        }
        Noise::Spikes(sd) => {
            let mut one = || {
                let spike = if rng.f64() < 0.15 {
                    -2.0 * sd * (1.0 - rng.f64()).ln()
                } else {
                    0.0
                };
                sd * half * normal(rng) + spike
            };
            (one(), one())
        }
    }
}

/// `reps` replications of `scenario`, each with `max_pairs` simulated pairs judged by every
/// design in `designs` (on the same pairs); one tally per design, in order.
pub fn simulate(
    designs: &[Design],
    scenario: Scenario,
    params: &GateParams,
    reps: usize,
    seed: u64,
) -> Vec<Tally> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let max = designs.iter().map(|d| d.max_pairs).max().unwrap_or(0);
    let mut tallies = vec![Tally::default(); designs.len()];
    let shift = scenario.ratio.ln();
    for _ in 0..reps {
        let (base, cand): (Vec<f64>, Vec<f64>) = (0..max)
            .map(|_| {
                let (ea, eb) = pair_noise(scenario.noise, &mut rng);
                (
                    scenario.base_ms * ea.exp(),
                    scenario.base_ms * (shift + eb).exp(),
                )
            })
            .unzip();
        for (d, t) in designs.iter().zip(&mut tallies) {
            // Simulated times are positive and finite, and the params were checked by the caller.
            if let Ok(Some(stop)) = run_on(d, &base, &cand, params) {
                t.add(stop.gate.estimate.verdict, stop.pairs);
            }
        }
    }
    tallies
}

#[cfg(test)]
mod tests {
    use super::*;

    fn designs() -> [Design; 2] {
        [
            Design::reference(30, 10, 60),
            Design::sequential(30, 10, 60),
        ]
    }

    fn at(ratio: f64, noise: Noise) -> Scenario {
        Scenario {
            ratio,
            noise,
            base_ms: 100.0,
        }
    }

    /// The worst case for false regressions is a true change exactly at the threshold: every
    /// look's lower bound is then above it with probability up to its level. On the same
    /// simulated pairs, the sequential design calls no more of them regressions than the fixed
    /// one, on normal and on heavy-tailed noise.
    #[test]
    fn sequential_false_regressions_stay_at_or_below_the_fixed_design() {
        let p = GateParams::default();
        let reps = 300;
        for (i, noise) in [
            Noise::Normal(0.08),
            Noise::Spikes(0.06),
            Noise::StudentT3(0.05),
        ]
        .into_iter()
        .enumerate()
        {
            let t = simulate(&designs(), at(1.05, noise), &p, reps, 7 + i as u64);
            let (fixed, seq) = (&t[0], &t[1]);
            assert_eq!((fixed.runs, seq.runs), (reps, reps));
            assert!(
                seq.regression <= fixed.regression,
                "{noise:?}: {} vs {}",
                seq.regression,
                fixed.regression
            );
        }
    }

    #[test]
    fn identical_sides_never_regress_and_big_changes_stop_at_the_first_look() {
        let p = GateParams::default();
        let t = simulate(&designs(), at(1.0, Noise::Spikes(0.1)), &p, 200, 3);
        assert_eq!((t[0].regression, t[1].regression), (0, 0));
        for noise in [Noise::Normal(0.2), Noise::Spikes(0.15)] {
            let t = simulate(&designs(), at(2.0, noise), &p, 200, 4);
            assert_eq!(t[1].regression, 200);
            assert!(t[1].within(10) >= 0.9, "{noise:?}: {}", t[1].within(10));
        }
        assert!(t[0].pairs.iter().all(|&n| n >= 30));
        let t = simulate(&designs(), at(0.5, Noise::Normal(0.2)), &p, 50, 5);
        assert_eq!(t[1].improvement, 50);
    }

    #[test]
    fn seeded_runs_repeat_exactly() {
        let p = GateParams::default();
        let a = simulate(&designs(), at(1.1, Noise::StudentT3(0.05)), &p, 20, 11);
        let b = simulate(&designs(), at(1.1, Noise::StudentT3(0.05)), &p, 20, 11);
        assert_eq!(a, b);
        assert!(a[1].mean_pairs() >= 8.0);
    }
}
