//! The comparison of two result files: per-target timing verdicts (paired when the samples were
//! interleaved by `ab`, anchor-normalised when the files were taken apart), the exact module-set
//! diff, forbidden-module transitions, and the gate failures. Pure: files in, report out.
use crate::git::GitInfo;
use crate::probe::Interpreter;
use crate::results::{AnchorSample, ResultFile, TargetResult};
use crate::stats::paired::{GateParams, Verdict, paired_gate};
use crate::stats::unpaired::{log_values, shift_gate};
use crate::stats::{Samples, median};
use crate::sys::host::Noise;
use crate::tree::{Link, TreeDiff};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped on any incompatible change of the comparison report.
pub const COMPARISON_FORMAT_VERSION: u32 = 1;

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

/// Gate options beyond the timing thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GateOptions {
    #[serde(flatten)]
    pub params: GateParams,
    /// Fail when the candidate loads modules the baseline did not.
    pub fail_on_new_modules: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub format_version: u32,
    /// The command that made it: `ab`, `compare` or `branches`.
    pub command: String,
    pub created_at: String,
    pub method: Method,
    pub gate: GateOptions,
    pub baseline: Side,
    pub candidate: Side,
    /// Interpreter, CPU, OS or architecture differences between the two sides.
    pub environment_differences: Vec<String>,
    pub targets: Vec<TargetComparison>,
    pub only_in_baseline: Vec<String>,
    pub only_in_candidate: Vec<String>,
    pub warnings: Vec<String>,
    /// One line per failed gate; empty when the comparison passes.
    pub failures: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub label: Option<String>,
    /// The result file, when it was read from or written to disk.
    pub file: Option<String>,
    pub created_at: String,
    pub python: Interpreter,
    pub git: Option<GitInfo>,
    pub noise: Option<Noise>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetComparison {
    pub name: String,
    /// The gated metric.
    pub import: Timing,
    pub wall: Timing,
    pub cpu: Timing,
    pub modules: ModuleDiff,
    pub forbidden: Vec<ForbiddenChange>,
    /// Import-tree diff, when both sides have a tree.
    pub tree: Option<TreeDiff>,
    /// How the candidate loads each newly eager forbidden module and each new subtree.
    pub chains: Vec<Chain>,
}

/// The import chain that loads `module` on the candidate side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chain {
    pub module: String,
    pub links: Vec<Link>,
}

/// New subtrees whose chain is reported.
const MAX_CHAINS: usize = 5;

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleDiff {
    pub baseline_total: usize,
    pub candidate_total: usize,
    /// Modules only the candidate loads, grouped by top-level package.
    pub added: BTreeMap<String, Vec<String>>,
    /// Modules only the baseline loads, grouped by top-level package.
    pub removed: BTreeMap<String, Vec<String>>,
    /// Package prefix -> [baseline count, candidate count].
    pub by_package: BTreeMap<String, [usize; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transition {
    NowEager,
    NowLazy,
    StillLoaded,
    NotLoaded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForbiddenChange {
    pub module: String,
    pub baseline: bool,
    pub candidate: bool,
    pub transition: Transition,
}

impl Comparison {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

impl ModuleDiff {
    pub fn added_count(&self) -> usize {
        self.added.values().map(Vec::len).sum()
    }
    pub fn removed_count(&self) -> usize {
        self.removed.values().map(Vec::len).sum()
    }
}

fn side(r: &ResultFile, file: Option<String>) -> Side {
    Side {
        label: r.label.clone(),
        file,
        created_at: r.created_at.clone(),
        python: r.environment.python.clone(),
        git: r.environment.git.clone(),
        noise: r.noise,
    }
}

/// Differences that make timings of two files incomparable.
pub fn environment_differences(a: &ResultFile, b: &ResultFile) -> Vec<String> {
    let (pa, pb) = (&a.environment.python, &b.environment.python);
    let (ha, hb) = (&a.environment.host, &b.environment.host);
    let mut out = Vec::new();
    let mut check = |what: &str, x: String, y: String| {
        if x != y {
            out.push(format!("{what} differs: {x} vs {y}"));
        }
    };
    check("Python version", pa.version.clone(), pb.version.clone());
    check(
        "Python implementation",
        pa.implementation.clone(),
        pb.implementation.clone(),
    );
    check(
        "CPU model",
        ha.cpu_model.clone().unwrap_or_default(),
        hb.cpu_model.clone().unwrap_or_default(),
    );
    check("CPU count", ha.cpus.to_string(), hb.cpus.to_string());
    check("OS", ha.os.clone(), hb.os.clone());
    check("architecture", ha.arch.clone(), hb.arch.clone());
    out
}

fn grouped(names: impl Iterator<Item = String>) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in names {
        map.entry(crate::model::top_level(&n).to_string())
            .or_default()
            .push(n);
    }
    map
}

/// The exact, noise-free module-set change.
pub fn module_diff(a: &TargetResult, b: &TargetResult) -> ModuleDiff {
    use std::collections::BTreeSet;
    let sa: BTreeSet<&String> = a.modules.loaded.iter().collect();
    let sb: BTreeSet<&String> = b.modules.loaded.iter().collect();
    let mut by_package = BTreeMap::new();
    for p in a
        .modules
        .by_package
        .keys()
        .chain(b.modules.by_package.keys())
    {
        let count = |t: &TargetResult| crate::model::names::count_package(&t.modules.loaded, p);
        by_package.insert(p.clone(), [count(a), count(b)]);
    }
    ModuleDiff {
        baseline_total: a.modules.total,
        candidate_total: b.modules.total,
        added: grouped(sb.difference(&sa).map(|s| s.to_string())),
        removed: grouped(sa.difference(&sb).map(|s| s.to_string())),
        by_package,
    }
}

fn forbidden_changes(a: &TargetResult, b: &TargetResult) -> Vec<ForbiddenChange> {
    let mut names: Vec<&String> = a.forbidden.keys().chain(b.forbidden.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|m| {
            let loaded = |t: &TargetResult| {
                t.forbidden
                    .get(m)
                    .copied()
                    .unwrap_or_else(|| t.modules.loaded.contains(m))
            };
            let (x, y) = (loaded(a), loaded(b));
            ForbiddenChange {
                module: m.clone(),
                baseline: x,
                candidate: y,
                transition: match (x, y) {
                    (false, true) => Transition::NowEager,
                    (true, false) => Transition::NowLazy,
                    (true, true) => Transition::StillLoaded,
                    (false, false) => Transition::NotLoaded,
                },
            }
        })
        .collect()
}

/// A timing verdict for one metric. `paired` requires equal sample counts (ab's interleaved pairs);
/// otherwise the anchors of each file normalise machine speed when both files have them.
fn timing(
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
fn matched_anchors(
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

/// The exact, noise-free gates of one target: forbidden modules now loaded, and new modules when
/// `--fail-on-new-modules` asks.
fn module_failures(
    name: &str,
    modules: &ModuleDiff,
    forbidden: &[ForbiddenChange],
    gate: &GateOptions,
) -> Vec<String> {
    let mut out: Vec<String> = forbidden
        .iter()
        .filter(|f| f.transition == Transition::NowEager)
        .map(|f| {
            format!(
                "{name}: forbidden module {} is now loaded (NOW EAGER)",
                f.module
            )
        })
        .collect();
    if gate.fail_on_new_modules && modules.added_count() > 0 {
        out.push(format!(
            "{name}: {} new modules loaded (--fail-on-new-modules), e.g. {}",
            modules.added_count(),
            modules
                .added
                .values()
                .flatten()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

/// Compares two result files. `paired` says the samples were interleaved pairs (from `ab`).
pub fn compare(
    command: &str,
    base: &ResultFile,
    cand: &ResultFile,
    files: (Option<String>, Option<String>),
    paired: bool,
    gate: GateOptions,
    created_at: String,
) -> Comparison {
    let mut warnings = Vec::new();
    let anchored = base.anchor.is_some() && cand.anchor.is_some();
    let method = if paired {
        Method::Paired
    } else if anchored {
        Method::Anchored
    } else {
        warnings.push(
            "a result file has no anchor samples, so machine-speed drift between the files cannot be removed: the verdict compares raw times and is weaker; measure with the anchor enabled (the default)".into(),
        );
        Method::Raw
    };
    let mut targets = Vec::new();
    let mut failures = Vec::new();
    for a in &base.targets {
        let Some(b) = cand.targets.iter().find(|t| t.name == a.name) else {
            continue;
        };
        let col = |t: &TargetResult, f: fn(&crate::results::Sample) -> f64| -> Vec<f64> {
            t.samples.iter().map(f).collect()
        };
        // Each metric is divided by the anchor's matching one: in-child import time by the
        // anchor's, wall and child CPU (both include interpreter start-up) by the anchor's wall.
        let metric = |f: fn(&crate::results::Sample) -> f64, g: fn(&AnchorSample) -> f64| {
            let anchors = if method == Method::Anchored {
                matched_anchors(base, a, g).zip(matched_anchors(cand, b, g))
            } else {
                None
            };
            let m = if method == Method::Anchored && anchors.is_none() {
                Method::Raw
            } else {
                method
            };
            timing(&col(a, f), &col(b, f), anchors, m, &gate.params)
        };
        let timings = (
            metric(|s| s.import_ms, |x| x.import_ms),
            metric(|s| s.wall_ms, |x| x.wall_ms),
            metric(|s| s.cpu_ms, |x| x.wall_ms),
        );
        let modules = module_diff(a, b);
        let forbidden = forbidden_changes(a, b);
        let (Some(import), Some(wall), Some(cpu)) = timings else {
            // A gate that cannot judge the timing does not pass it.
            failures.push(format!(
                "{}: the samples cannot be compared (unequal pair counts or non-positive times); measure both sides again",
                a.name
            ));
            failures.extend(module_failures(&a.name, &modules, &forbidden, &gate));
            continue;
        };
        if import.verdict == Verdict::Regression {
            failures.push(format!(
                "{}: import time regressed {:+.1} % ({:+.1} ms, ratio interval {:.3}..{:.3})",
                a.name,
                (import.ratio - 1.0) * 100.0,
                import.delta_ms,
                import.ratio_low,
                import.ratio_high
            ));
        }
        failures.extend(module_failures(&a.name, &modules, &forbidden, &gate));
        if import.pairs_needed.is_some_and(|n| n > import.n_baseline) {
            warnings.push(format!(
                "{}: at this noise ({:.1} %) a {:.0} % change is not reliably detectable with {} pairs; use --pairs {} or a larger --threshold",
                a.name,
                import.noise * 100.0,
                gate.params.threshold * 100.0,
                import.n_baseline,
                import.pairs_needed.unwrap_or_default()
            ));
        }
        let tree = a
            .import_tree
            .as_ref()
            .zip(b.import_tree.as_ref())
            .map(|(x, y)| crate::tree::diff(x, y));
        let chains = chains(b, &forbidden, tree.as_ref());
        targets.push(TargetComparison {
            name: a.name.clone(),
            import,
            wall,
            cpu,
            modules,
            forbidden,
            tree,
            chains,
        });
    }
    let names = |r: &ResultFile, other: &ResultFile| -> Vec<String> {
        r.targets
            .iter()
            .filter(|t| !other.targets.iter().any(|o| o.name == t.name))
            .map(|t| t.name.clone())
            .collect()
    };
    for w in base.warnings.iter().chain(&cand.warnings) {
        if !warnings.contains(w) {
            warnings.push(w.clone());
        }
    }
    Comparison {
        format_version: COMPARISON_FORMAT_VERSION,
        command: command.to_string(),
        created_at,
        method,
        gate,
        baseline: side(base, files.0),
        candidate: side(cand, files.1),
        environment_differences: environment_differences(base, cand),
        only_in_baseline: names(base, cand),
        only_in_candidate: names(cand, base),
        targets,
        warnings,
        failures,
    }
}

fn chains(
    cand: &TargetResult,
    forbidden: &[ForbiddenChange],
    tree: Option<&TreeDiff>,
) -> Vec<Chain> {
    let Some(t) = &cand.import_tree else {
        return Vec::new();
    };
    let eager = forbidden
        .iter()
        .filter(|f| f.transition == Transition::NowEager)
        .map(|f| f.module.as_str());
    let appeared = tree.into_iter().flat_map(|d| {
        d.appeared
            .iter()
            .take(MAX_CHAINS)
            .map(|s| s.module.as_str())
    });
    let mut out: Vec<Chain> = Vec::new();
    for module in eager.chain(appeared) {
        if out.iter().any(|c| c.module == module) {
            continue;
        }
        if let Some(links) = t.why(module) {
            out.push(Chain {
                module: module.to_string(),
                links,
            });
        }
    }
    out
}

/// Targets whose verdict more pairs could still change (ab takes more pairs for these): the
/// inconclusive ones, and the unchanged ones whose interval still reaches past the threshold in a
/// direction where the change would also clear `--min-effect`. "Unchanged" should mean the data
/// rule the change out, not that there were too few pairs to tell: in the gate study
/// (scripts/bench/gate.sh) 2 of 30 noisy +10 % runs stopped at 30 pairs as "unchanged" with an
/// upper bound far above the threshold.
pub fn unsettled(c: &Comparison) -> Vec<&str> {
    let p = &c.gate.params;
    let reaches = |t: &Timing| {
        let base = t.baseline_median_ms;
        let up = t.ratio_high > 1.0 + p.threshold && (t.ratio_high - 1.0) * base > p.min_effect_ms;
        let down =
            t.ratio_low * (1.0 + p.threshold) < 1.0 && (1.0 - t.ratio_low) * base > p.min_effect_ms;
        up || down
    };
    c.targets
        .iter()
        .filter(|t| match t.import.verdict {
            Verdict::Inconclusive => true,
            Verdict::Unchanged => reaches(&t.import),
            Verdict::Regression | Verdict::Improvement => false,
        })
        .map(|t| t.name.as_str())
        .collect()
}
