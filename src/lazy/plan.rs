//! The experiment of `coldstart lazy` for one target, over the [`Lab`] boundary that runs
//! children (the command implements it on the measurement layer; a scripted fake in the tests):
//!
//! 1. the import tree (normal import, `-X importtime`);
//! 2. a survey child: how each module is loaded, every import statement executed;
//! 3. a control child (nothing deferred) with the workload, which must succeed;
//! 4. the candidates (the `--defer` names, checked, or the heaviest deferrable subtrees);
//! 5. per candidate a trial child (a target failing with it deferred is a finding, not pairs),
//!    then interleaved pairs normal/deferred judged by the paired gate;
//! 6. the candidates neither defeated nor failing, all deferred at once.
use std::collections::{BTreeMap, BTreeSet};

use super::candidates::{self, Candidate};
use super::records::Experiment;
use super::report::{self, Measured, Skipped, TargetReport};
use super::sites;
use crate::error::{Error, Result};
use crate::stats::Samples;
use crate::stats::paired::{GateParams, paired_gate};
use crate::tree::ImportTree;

/// What the child's experiment does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Defer `names` (none: the control side).
    Defer,
    /// Record loaders and import statements; defer nothing.
    Survey,
}

impl Mode {
    /// The word `src/probe/lazy.py`'s `setup()` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Defer => "defer",
            Mode::Survey => "survey",
        }
    }
}

/// The experiment one child runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub mode: Mode,
    /// Validated dotted module names (never contain a comma).
    pub names: Vec<String>,
    pub workload: Option<String>,
}

impl Spec {
    pub fn defer(names: &[&str], workload: Option<&str>) -> Spec {
        Spec {
            mode: Mode::Defer,
            names: names.iter().map(|s| s.to_string()).collect(),
            workload: workload.map(str::to_owned),
        }
    }

    /// The child's arguments after the experiment code: mode, comma-joined names, workload.
    pub fn args(&self) -> [String; 3] {
        [
            self.mode.as_str().to_owned(),
            self.names.join(","),
            self.workload.clone().unwrap_or_default(),
        ]
    }
}

/// One child's account: its experiment records, the modules after the statement, and the
/// statement's error (`Type: message`) when it raised or exited.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Child {
    pub experiment: Experiment,
    pub modules: BTreeSet<String>,
    pub error: Option<String>,
}

/// Interleaved pairs of two experiments: import times (ms) per side, pair by pair, and the first
/// child of each side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairs {
    pub normal_ms: Vec<f64>,
    pub deferred_ms: Vec<f64>,
    pub normal: Child,
    pub deferred: Child,
}

/// Where the experiment meets real interpreters.
pub trait Lab {
    /// The aggregated import tree of a normal import.
    fn tree(&mut self) -> Result<ImportTree>;
    /// One child running `spec`.
    fn once(&mut self, spec: &Spec) -> Result<Child>;
    /// Interleaved pairs `normal` / `deferred`, extended while the gate is unsettled.
    fn pairs(&mut self, normal: &Spec, deferred: &Spec) -> Result<Pairs>;
}

/// The validated `lazy` flags (see `settings::lazy`).
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// `--defer` names, dotted module names.
    pub defer: Vec<String>,
    pub workload: Option<String>,
    /// Candidates picked from the tree without `--defer`, at least 1.
    pub top: usize,
}

/// What to try for one target.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub target: &'a str,
    pub statement: &'a str,
    /// The module the target imports (for `--stmt` targets: none).
    pub module: Option<&'a str>,
    pub defer: &'a [String],
    pub top: usize,
    pub workload: Option<&'a str>,
    pub gate: GateParams,
}

fn measure(
    lab: &mut dyn Lab,
    names: &[&str],
    req: &Request,
    gate: &GateParams,
) -> Result<Measured> {
    let trial = lab.once(&Spec::defer(names, req.workload))?;
    if trial.error.is_some() || trial.experiment.failure.is_some() {
        let mut experiment = trial.experiment;
        if experiment.failure.is_none() {
            experiment.failure = Some(super::records::Failure {
                phase: "import".into(),
                error: trial.error.unwrap_or_default(),
                at: None,
            });
        }
        return Ok(Measured {
            experiment,
            ..Measured::default()
        });
    }
    let p = lab.pairs(
        &Spec::defer(&[], req.workload),
        &Spec::defer(names, req.workload),
    )?;
    let samples = |v: &[f64], side: &str| {
        Samples::new(v.to_vec())
            .ok_or_else(|| Error::Usage(format!("no {side} sample was measured; raise --pairs")))
    };
    let (a, b) = (
        samples(&p.normal_ms, "normal")?,
        samples(&p.deferred_ms, "deferred")?,
    );
    let gate = paired_gate(&a, &b, gate).map_err(|e| Error::Usage(e.to_string()))?;
    Ok(Measured {
        gate: Some(gate),
        normal_median_ms: crate::stats::median(&p.normal_ms),
        normal_modules: p.normal.modules,
        deferred_modules: p.deferred.modules,
        experiment: p.deferred.experiment,
    })
}

/// The names to try and the heavy modules passed over.
fn choose(
    req: &Request,
    tree: &ImportTree,
    loaders: &BTreeMap<String, String>,
) -> Result<(Vec<Candidate>, Vec<Skipped>)> {
    if req.defer.is_empty() {
        let (chosen, skipped) =
            candidates::select(tree, loaders, req.module, req.top, req.gate.min_effect_ms);
        let skipped = skipped
            .into_iter()
            .map(|(name, why)| Skipped {
                reason: why.to_string(),
                name,
            })
            .collect();
        return Ok((chosen, skipped));
    }
    let chosen = req
        .defer
        .iter()
        .map(|name| {
            candidates::check(tree, loaders, req.module, name)
                .map_err(|why| rejected(name, &why, req))
        })
        .collect::<Result<_>>()?;
    Ok((chosen, Vec::new()))
}

/// The error for a `--defer` name that is no candidate: the reason and the fix.
fn rejected(name: &str, why: &candidates::Rejection, req: &Request) -> Error {
    use candidates::Rejection;
    Error::Usage(match why {
        Rejection::NotInTree => format!(
            "--defer {name}: {name} is not imported by `{}` (or it is loaded at interpreter \
             start-up); name a module that `coldstart tree {}` lists",
            req.statement, req.target
        ),
        Rejection::Target => format!(
            "--defer {name}: {name} is the target or a package above it, deferring it defers \
             nothing; name a module the target imports"
        ),
        Rejection::NotDeferrable(_) => {
            format!("--defer {name}: {name} {why}; name a module written in Python")
        }
    })
}

/// Runs the whole experiment for one target.
pub fn run(lab: &mut dyn Lab, req: &Request) -> Result<TargetReport> {
    let tree = lab.tree()?;
    let survey = lab.once(&Spec {
        mode: Mode::Survey,
        names: Vec::new(),
        workload: None,
    })?;
    if let Some(error) = &survey.error {
        return Err(Error::ImportFailed {
            target: req.target.to_owned(),
            detail: error.clone(),
        });
    }
    let control = lab.once(&Spec::defer(&[], req.workload))?;
    if let Some(f) = &control.experiment.workload_failure {
        return Err(Error::Usage(format!(
            "--workload fails without any deferral: {}; fix the statement (it runs after `{}` \
             in the same interpreter)",
            f.error, req.statement
        )));
    }
    let loaders: BTreeMap<String, String> = survey.experiment.loaders.iter().cloned().collect();
    let (chosen, skipped) = choose(req, &tree, &loaders)?;
    let mut out = TargetReport {
        target: req.target.to_owned(),
        statement: req.statement.to_owned(),
        workload: req.workload.map(str::to_owned),
        import_ms: 0.0,
        modules: tree.modules.len(),
        candidates: Vec::new(),
        combination: None,
        skipped,
    };
    let mut normal_medians = Vec::new();
    for c in &chosen {
        let m = measure(lab, &[c.name.as_str()], req, &req.gate)?;
        if m.gate.is_some() {
            normal_medians.push(m.normal_median_ms);
        }
        let importers = sites::locate(&survey.experiment.imports, &c.name, sites::read_source_line);
        out.candidates
            .push(report::candidate(&c.name, c.cumulative_ms, &m, importers));
    }
    out.rank();
    let names = report::combinable(&out.candidates);
    if !names.is_empty() {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let m = measure(lab, &refs, req, &req.gate)?;
        out.combination = Some(report::combination(&out.candidates, &names, &m));
    }
    out.import_ms = if normal_medians.is_empty() {
        tree.total_ms()
    } else {
        crate::stats::median(&normal_medians)
    };
    Ok(out)
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
