//! The `coldstart lazy` report: per candidate the measured saving, the modules avoided, what
//! became of the deferred module, and where it is imported eagerly; ranked by saving. Built from
//! the paired gate over (normal, deferred) import times and the experiment's records. The JSON
//! form is documented in docs/results-format.md ("Lazy-import report").
use std::collections::BTreeSet;

use serde::Serialize;

use super::records::{DeferStatus, Experiment, Failure, Touch};
use super::sites::Site;
use crate::stats::paired::{PairedGate, Verdict};

/// Version of the JSON document; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// What deferring a candidate does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The import got measurably faster and the module stayed unloaded.
    Saves,
    /// Something touched the module during the import: it ran anyway.
    DefeatedAtImport,
    /// It stays unloaded at import, but the workload touches it: the cost moves to the first use.
    UsedByWorkload,
    /// No change the gate can tell from noise.
    NoMeasurableSaving,
    /// The target (or the workload) raises when it is deferred.
    FailsWhenDeferred,
}

/// A saving in ms and % of the normal import, with its interval (one-sided 95 % bounds of the
/// paired gate, so together a 90 % interval).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Saving {
    /// Serialized as the report's `saving_ms` / `saving_pct`.
    #[serde(skip)]
    pub ms: Interval,
    #[serde(skip)]
    pub pct: Interval,
    /// Pairs measured.
    pub pairs: usize,
    /// The gate's verdict on deferred vs normal (`improvement` = a saving).
    pub verdict: Verdict,
    /// Spread of the pair ratios, %.
    pub noise_pct: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

impl Saving {
    /// Normal = the gate's baseline, deferred = its candidate; a saving is a ratio below 1.
    pub fn from_gate(gate: &PairedGate, normal_median_ms: f64) -> Saving {
        let e = &gate.estimate;
        let frac = |log_ratio: f64| -log_ratio.exp_m1();
        let pct = Interval {
            estimate: 100.0 * frac(e.hl_log_ratio),
            low: 100.0 * frac(e.upper_log_ratio),
            high: 100.0 * frac(e.lower_log_ratio),
        };
        Saving {
            ms: Interval {
                estimate: pct.estimate / 100.0 * normal_median_ms,
                low: pct.low / 100.0 * normal_median_ms,
                high: pct.high / 100.0 * normal_median_ms,
            },
            pct,
            pairs: gate.n,
            verdict: e.verdict,
            noise_pct: 100.0 * e.noise_log_ratio.exp_m1(),
        }
    }
}

/// What was measured for one candidate (or the combination).
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// `None` when the deferred side failed, so nothing could be paired.
    pub gate: Option<PairedGate>,
    pub normal_median_ms: f64,
    pub normal_modules: BTreeSet<String>,
    pub deferred_modules: BTreeSet<String>,
    /// The records of a deferred child.
    pub experiment: Experiment,
}

/// One candidate's line of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateReport {
    pub name: String,
    pub status: Status,
    /// The status in words, naming who defeated or used it.
    pub summary: String,
    /// Cumulative import time of its subtree in the normal import tree (median, ms).
    pub tree_ms: f64,
    /// `null` when the target failed with the candidate deferred.
    pub saving_ms: Option<Interval>,
    pub saving_pct: Option<Interval>,
    /// Pairs, verdict and noise of the paired gate behind the saving.
    #[serde(rename = "gate")]
    pub saving: Option<Saving>,
    /// Modules loaded normally but not with the candidate deferred (the candidate itself counts
    /// when it stayed unexecuted).
    pub modules_avoided: Vec<String>,
    pub touched_at_import: Option<Touch>,
    pub used_by_workload: Option<Touch>,
    pub failure: Option<Failure>,
    /// Its eager import statements and the change to make at each.
    pub importers: Vec<Site>,
}

/// Who touched a module, in words: `pkg line 7 (reads heavy_attr.VALUE)`.
pub fn touch_text(name: &str, touch: &Touch) -> String {
    let how = match touch.attr.as_str() {
        "__spec__" => "imports it again".to_owned(),
        "__path__" => "imports from it or a submodule of it".to_owned(),
        attr => format!("reads {name}.{attr}"),
    };
    let module = match touch.place.module.as_str() {
        "__coldstart__" => "the measured statement",
        m => m,
    };
    format!("{module} line {} ({how})", touch.place.line)
}

fn failure_text(f: &Failure) -> String {
    match &f.at {
        Some(at) => format!("{} ({} line {})", f.error, at.module, at.line),
        None => f.error.clone(),
    }
}

/// Modules avoided by deferring `names`.
fn avoided(m: &Measured, names: &[&str]) -> Vec<String> {
    let mut out: BTreeSet<String> = m
        .normal_modules
        .difference(&m.deferred_modules)
        .cloned()
        .collect();
    for d in &m.experiment.deferred {
        if names.contains(&d.name.as_str()) && d.lazy_after_import {
            out.insert(d.name.clone());
        }
    }
    out.into_iter().collect()
}

/// Status and summary of deferring `names` (one candidate, or the combination).
fn judge(m: &Measured, names: &[&str], saving: Option<&Saving>) -> (Status, String, Touches) {
    let mut touches = Touches::default();
    for d in m
        .experiment
        .deferred
        .iter()
        .filter(|d| names.contains(&d.name.as_str()))
    {
        if let Some(t) = &d.touched {
            let slot = if t.phase == "import" {
                &mut touches.import
            } else {
                &mut touches.workload
            };
            slot.get_or_insert_with(|| (d.name.clone(), t.clone()));
        }
    }
    let e = &m.experiment;
    if let Some(f) = e.failure.as_ref().or(e.workload_failure.as_ref()) {
        let when = if f.phase == "import" {
            ""
        } else {
            " (in the workload)"
        };
        return (
            Status::FailsWhenDeferred,
            format!("fails when deferred{when}: {}", failure_text(f)),
            touches,
        );
    }
    if let Some((name, t)) = &touches.import {
        return (
            Status::DefeatedAtImport,
            format!("defeated at import by {}", touch_text(name, t)),
            touches,
        );
    }
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| {
            e.deferred(n)
                .is_none_or(|d| d.status != DeferStatus::Deferred)
        })
        .collect();
    let saves = saving.is_some_and(|s| s.verdict == Verdict::Improvement);
    if let (true, Some((name, t))) = (saves, &touches.workload) {
        return (
            Status::UsedByWorkload,
            format!(
                "used by the workload via {}: the saving moves to its first use",
                touch_text(name, t)
            ),
            touches,
        );
    }
    if saves {
        return (Status::Saves, "saves".to_owned(), touches);
    }
    let why = if missing.is_empty() {
        "no measurable saving".to_owned()
    } else {
        format!(
            "no measurable saving ({} not deferred in the run)",
            missing.join(", ")
        )
    };
    (Status::NoMeasurableSaving, why, touches)
}

#[derive(Default)]
struct Touches {
    import: Option<(String, Touch)>,
    workload: Option<(String, Touch)>,
}

/// The report line of one candidate.
pub fn candidate(
    name: &str,
    tree_ms: f64,
    m: &Measured,
    mut importers: Vec<Site>,
) -> CandidateReport {
    let saving = m
        .gate
        .as_ref()
        .map(|g| Saving::from_gate(g, m.normal_median_ms));
    let (status, summary, touches) = judge(m, &[name], saving.as_ref());
    if let Some((_, t)) = &touches.import {
        // A lazy import alone would be defeated the same way: say which use must move too.
        for site in &mut importers {
            site.change += &format!(
                "; then also move the use at import time ({}), or it stays eager",
                touch_text(name, t)
            );
        }
    }
    CandidateReport {
        name: name.to_owned(),
        status,
        summary,
        tree_ms,
        saving_ms: saving.as_ref().map(|s| s.ms),
        saving_pct: saving.as_ref().map(|s| s.pct),
        saving,
        modules_avoided: avoided(m, &[name]),
        touched_at_import: touches.import.map(|(_, t)| t),
        used_by_workload: touches.workload.map(|(_, t)| t),
        failure: m
            .experiment
            .failure
            .clone()
            .or(m.experiment.workload_failure.clone()),
        importers,
    }
}

/// All candidates deferred at once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Combination {
    pub names: Vec<String>,
    pub status: Status,
    pub summary: String,
    pub saving_ms: Option<Interval>,
    pub saving_pct: Option<Interval>,
    /// Pairs, verdict and noise of the paired gate behind the saving.
    #[serde(rename = "gate")]
    pub saving: Option<Saving>,
    /// The candidates' savings added up: more than the combination's saving when they share
    /// dependencies.
    pub sum_of_savings_ms: f64,
    pub modules_avoided: Vec<String>,
    pub failure: Option<Failure>,
}

/// The candidates worth combining: all but the defeated and the failing ones, when there are
/// at least two.
pub fn combinable(candidates: &[CandidateReport]) -> Vec<String> {
    let names: Vec<String> = candidates
        .iter()
        .filter(|c| {
            !matches!(
                c.status,
                Status::DefeatedAtImport | Status::FailsWhenDeferred
            )
        })
        .map(|c| c.name.clone())
        .collect();
    if names.len() >= 2 { names } else { Vec::new() }
}

pub fn combination(candidates: &[CandidateReport], names: &[String], m: &Measured) -> Combination {
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let saving = m
        .gate
        .as_ref()
        .map(|g| Saving::from_gate(g, m.normal_median_ms));
    let (status, summary, _) = judge(m, &refs, saving.as_ref());
    Combination {
        names: names.to_vec(),
        status,
        summary,
        saving_ms: saving.as_ref().map(|s| s.ms),
        saving_pct: saving.as_ref().map(|s| s.pct),
        saving,
        sum_of_savings_ms: candidates
            .iter()
            .filter(|c| names.contains(&c.name))
            .filter_map(|c| c.saving_ms.map(|s| s.estimate))
            .sum(),
        modules_avoided: avoided(m, &refs),
        failure: m
            .experiment
            .failure
            .clone()
            .or(m.experiment.workload_failure.clone()),
    }
}

/// A module considered and passed over, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub name: String,
    pub reason: String,
}

/// The report of one target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetReport {
    pub target: String,
    pub statement: String,
    pub workload: Option<String>,
    /// Median import time without deferral (over the normal side of all pairs), ms.
    pub import_ms: f64,
    /// Modules a normal import loads fresh (its import tree, start-up excluded).
    pub modules: usize,
    /// Ranked by estimated saving, largest first; failing candidates last.
    pub candidates: Vec<CandidateReport>,
    pub combination: Option<Combination>,
    pub skipped: Vec<Skipped>,
}

impl TargetReport {
    /// Orders the candidates by saving (largest first, unmeasured last, then by name).
    pub fn rank(&mut self) {
        let key = |c: &CandidateReport| c.saving_ms.map_or(f64::NEG_INFINITY, |s| s.estimate);
        self.candidates
            .sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| a.name.cmp(&b.name)));
    }
}

/// The whole document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LazyReport {
    pub format_version: u32,
    pub kind: &'static str,
    pub python: String,
    /// `lazyloader` (importlib.util.LazyLoader, every version) or `pep810` (3.15+).
    pub mechanism: String,
    pub targets: Vec<TargetReport>,
    pub warnings: Vec<String>,
}

impl LazyReport {
    pub fn new(python: String, mechanism: &str) -> LazyReport {
        LazyReport {
            format_version: FORMAT_VERSION,
            kind: "coldstart-lazy",
            python,
            mechanism: mechanism.to_owned(),
            targets: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
