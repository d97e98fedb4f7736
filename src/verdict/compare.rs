//! The comparison of two result files: per-target timing verdicts (paired when the samples were
//! interleaved by `ab`, anchor-normalised when the files were taken apart), the exact module-set
//! diff, forbidden-module transitions, and the gate failures. Pure: files in, report out.
use crate::git::GitInfo;
use crate::probe::Interpreter;
use crate::results::{AnchorSample, ResultFile, TargetResult};
use crate::stats::paired::Verdict;
use crate::sys::host::Noise;
use crate::tree::TreeDiff;
use serde::{Deserialize, Serialize};

pub use super::distributions::DistributionDiff;
use super::distributions::distribution_diff;
pub use super::gate::GateOptions;
use super::gate::could_change_at;
pub use super::modules::{Chain, ForbiddenChange, ModuleDiff, Transition, module_diff};
use super::modules::{chains, forbidden_changes, module_failures};
pub use super::timing::{Method, Timing};
use super::timing::{all_anchors, anchor_blocks, matched_anchors, paired_timing, timing};
use crate::stats::anchor_shift::{MIN_ANCHORS, enough_anchors};
use crate::stats::sequential::Design;

/// Bumped on any incompatible change of the comparison report.
pub const COMPARISON_FORMAT_VERSION: u32 = 1;

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
    /// Installed distributions that differ (name, versions); `None` when a side did not record
    /// them (a format version 1 file, or a listing that failed).
    #[serde(default)]
    pub distributions: Option<DistributionDiff>,
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

impl Comparison {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
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
    out.extend(startup_difference(a, b));
    out
}

/// The start-up sets of the two sides (the same for every target of one file), when both were
/// recorded (format version 2) and differ: names added/removed and the likely cause.
fn startup_difference(a: &ResultFile, b: &ResultFile) -> Option<String> {
    use std::collections::BTreeSet;
    let set = |r: &ResultFile| -> Option<BTreeSet<String>> {
        let t = r.targets.first()?;
        (!t.modules.startup_loaded.is_empty())
            .then(|| t.modules.startup_loaded.iter().cloned().collect())
    };
    let (sa, sb) = (set(a)?, set(b)?);
    if sa == sb {
        return None;
    }
    let list = |names: Vec<&String>| {
        let shown: Vec<&str> = names.iter().take(5).map(|s| s.as_str()).collect();
        let more = names.len().saturating_sub(shown.len());
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!("{}{tail}", shown.join(", "))
    };
    let added: Vec<&String> = sb.difference(&sa).collect();
    let removed: Vec<&String> = sa.difference(&sb).collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("+ {}", list(added.clone())));
    }
    if !removed.is_empty() {
        parts.push(format!("- {}", list(removed.clone())));
    }
    Some(format!(
        "start-up modules differ: {} vs {} ({}); {}",
        sa.len(),
        sb.len(),
        parts.join("; "),
        startup_cause(added.iter().chain(&removed).map(|s| s.as_str()))
    ))
}

/// The likely cause of a start-up difference, from the names that differ.
fn startup_cause<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    let has = |n: &str| {
        names
            .iter()
            .any(|m| *m == n || m.starts_with(&format!("{n}.")))
    };
    if has("sitecustomize") || has("usercustomize") {
        "likely a sitecustomize/usercustomize module on one side's path".into()
    } else if has("_distutils_hack") {
        "likely setuptools' distutils-precedence.pth in one side's site-packages".into()
    } else {
        "likely a .pth file in one side's site-packages (python -c \"import site; print(site.getsitepackages())\" lists where to look)".into()
    }
}

/// Compares two result files. `paired` says the samples were interleaved pairs (from `ab`) and
/// which pair design judges them (issue 14).
pub fn compare(
    command: &str,
    base: &ResultFile,
    cand: &ResultFile,
    files: (Option<String>, Option<String>),
    paired: Option<&Design>,
    gate: GateOptions,
    created_at: String,
) -> Comparison {
    let mut warnings = Vec::new();
    let anchors = |r: &ResultFile| r.anchor.as_ref().map_or(0, |x| x.samples.len());
    let matched = |r: &ResultFile| {
        r.targets
            .iter()
            .all(|t| matched_anchors(r, t, |x| x.import_ms).is_some())
    };
    // Enough blocks for the shift gate's bound (`MIN_ANCHORS`) in every target.
    let blocked = |r: &ResultFile| {
        r.targets.iter().all(|t| {
            anchor_blocks(r, t, |s| s.import_ms, |x| x.import_ms)
                .is_some_and(|b| b.len() >= MIN_ANCHORS)
        })
    };
    let (na, nb) = (anchors(base), anchors(cand));
    let method = if paired.is_some() {
        Method::Paired
    } else if na > 0 && nb > 0 && matched(base) && matched(cand) {
        Method::Anchored
    } else if blocked(base) && blocked(cand) {
        // Issue 14: `ab` and `branches` measure the anchor every few pairs only.
        Method::BlockAnchored
    } else if enough_anchors(na, nb) {
        Method::AnchorShift
    } else if na > 0 && nb > 0 {
        warnings.push(format!(
            "the result files hold {na} and {nb} anchor samples, too few to remove machine-speed drift (at least {MIN_ANCHORS} each): the verdict compares raw times and is weaker; measure with more pairs or a smaller --anchor-every"
        ));
        Method::Raw
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
            let anchors = match method {
                Method::Anchored => matched_anchors(base, a, g).zip(matched_anchors(cand, b, g)),
                Method::BlockAnchored => {
                    anchor_blocks(base, a, f, g).zip(anchor_blocks(cand, b, f, g))
                }
                Method::AnchorShift => Some((all_anchors(base, g), all_anchors(cand, g))),
                Method::Paired | Method::Raw => None,
            };
            let m = if matches!(method, Method::Anchored | Method::BlockAnchored)
                && anchors.is_none()
            {
                Method::Raw
            } else {
                method
            };
            match paired {
                Some(design) => paired_timing(&col(a, f), &col(b, f), design, &gate.params),
                None => timing(&col(a, f), &col(b, f), anchors, m, &gate.params),
            }
        };
        let timings = (
            metric(|s| s.import_ms, |x| x.import_ms),
            metric(|s| s.wall_ms, |x| x.wall_ms),
            metric(|s| s.cpu_ms, |x| x.wall_ms),
        );
        let modules = module_diff(a, b);
        let forbidden = forbidden_changes(a, b);
        let (import, wall, cpu) = match timings {
            (Ok(import), Ok(wall), Ok(cpu)) => (import, wall, cpu),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                // A gate that cannot judge the timing does not pass it.
                failures.push(format!(
                    "{}: the samples cannot be compared ({e}); measure both sides again",
                    a.name
                ));
                failures.extend(module_failures(&a.name, &modules, &forbidden, &gate));
                continue;
            }
        };
        if import.verdict == Verdict::Regression {
            failures.push(format!(
                "{}: import time regressed {} ({:+.1} ms, ratio interval {:.3}..{:.3})",
                a.name,
                crate::model::words::ratio_change(import.ratio),
                import.delta_ms,
                import.ratio_low,
                import.ratio_high
            ));
        }
        failures.extend(module_failures(&a.name, &modules, &forbidden, &gate));
        // A regression or an improvement was detected: "not detectable" would contradict it.
        let decided = matches!(import.verdict, Verdict::Regression | Verdict::Improvement);
        if !decided && import.pairs_needed.is_some_and(|n| n > import.n_baseline) {
            warnings.push(format!(
                "{}: at this noise ({:.1} %) a {:.0} % change is not reliably detectable with {}; use --pairs {} or a larger --threshold",
                a.name,
                import.noise * 100.0,
                gate.params.threshold * 100.0,
                crate::model::words::count(import.n_baseline, "pair"),
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
        distributions: distribution_diff(base, cand),
        only_in_baseline: names(base, cand),
        only_in_candidate: names(cand, base),
        targets,
        warnings,
        failures,
    }
}

/// Targets whose verdict more pairs could still change at a look at `pairs` pairs of `design`
/// (ab takes more pairs for these; see [`could_change_at`]).
pub fn unsettled<'c>(c: &'c Comparison, pairs: usize, design: &Design) -> Vec<&'c str> {
    c.targets
        .iter()
        .filter(|t| could_change_at(&t.import, &c.gate.params, pairs, design))
        .map(|t| t.name.as_str())
        .collect()
}
