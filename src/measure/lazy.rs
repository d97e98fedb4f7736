//! `coldstart lazy` on real interpreters: the [`Lab`] of `lazy::plan` over probes and sessions.
//! Both sides of every pair run the experiment (`src/probe/lazy.py`), the normal side deferring
//! nothing, so the only difference between them is the deferral. Pairs are interleaved and
//! alternate their order like `ab`'s, and are extended 10 at a time up to `--max-pairs` until
//! the caller's `settled` says more pairs could not change the verdict.
use std::collections::BTreeSet;

use super::pairs::{Extension, extend_until_settled};
use super::session::{Job, Progress, Session};
use super::single::{effective_warmup, import_trees};
use crate::error::{Error, Result};
use crate::lazy::CHILD_EXPERIMENT;
use crate::lazy::plan::{self, Child, Lab, Options, Pairs, Spec};
use crate::lazy::records::Experiment;
use crate::lazy::report::LazyReport;
use crate::model::{Measure, Pyc, Target};
use crate::probe::report::{ChildReport, StatementOutcome};
use crate::probe::{Probe, PythonProbe, Request};
use crate::stats::paired::GateParams;
use crate::tree::ImportTree;

/// How many pairs to take, and when they are enough.
pub struct Pairing<'a> {
    pub pairs: usize,
    pub max_pairs: usize,
    pub warmup: usize,
    /// Whether the import times so far (normal, deferred; pair by pair) settle the verdict.
    pub settled: &'a dyn Fn(&[f64], &[f64]) -> bool,
}

/// The lab of one target: two probes (normal side, deferred side) on one interpreter.
struct PythonLab<'a> {
    m: &'a Measure,
    target: &'a Target,
    plan: &'a Pairing<'a>,
    normal: PythonProbe,
    deferred: PythonProbe,
    progress: &'a mut dyn FnMut(Progress),
}

fn child_of(report: &ChildReport) -> Result<Child> {
    let values = report.lazy.as_deref().ok_or_else(|| {
        Error::Usage(
            "the child returned no lazy-import records; is the interpreter CPython?".into(),
        )
    })?;
    let experiment = Experiment::from_values(values).map_err(Error::Usage)?;
    let error = match &report.outcome {
        StatementOutcome::Ok => None,
        StatementOutcome::Raised(e) => Some(e.clone()),
        StatementOutcome::Exited(code) => Some(format!("SystemExit: sys.exit({code})")),
        StatementOutcome::Syntax(e) => Some(e.clone()),
    };
    Ok(Child {
        experiment,
        modules: report.modules.iter().cloned().collect::<BTreeSet<_>>(),
        error,
    })
}

impl Lab for PythonLab<'_> {
    fn tree(&mut self) -> Result<ImportTree> {
        let mut single = self.m.clone();
        single.targets = vec![self.target.clone()];
        let mut probe = PythonProbe::new(
            &self.m.python,
            self.m.env.clone(),
            self.m.pyc,
            self.m.timeout,
        )?;
        let mut trees = import_trees(&mut probe, &single, &mut *self.progress)?;
        Ok(trees.remove(0).1)
    }

    fn once(&mut self, spec: &Spec) -> Result<Child> {
        self.deferred.set_experiment(CHILD_EXPERIMENT, spec.args());
        let sample = self.deferred.sample(&Request {
            target: &self.target.name,
            statement: &self.target.statement,
            check_bytecode: false,
        })?;
        child_of(&sample.report)
    }

    fn pairs(&mut self, normal: &Spec, deferred: &Spec) -> Result<Pairs> {
        self.normal.set_experiment(CHILD_EXPERIMENT, normal.args());
        self.deferred
            .set_experiment(CHILD_EXPERIMENT, deferred.args());
        let job = Job {
            name: self.target.name.clone(),
            statement: self.target.statement.clone(),
        };
        let warmup = effective_warmup(self.m.pyc, self.plan.warmup);
        let mut session = Session::new(
            vec![&mut self.normal, &mut self.deferred],
            vec![job],
            None,
            self.m.pyc != Pyc::Cold,
            &mut *self.progress,
        );
        session.warmup(warmup)?;
        session.measure(self.plan.pairs)?;
        let ext = Extension {
            max_pairs: self.plan.max_pairs,
            tree_runs: 0,
            // The fixed design with the reference bounds, as `settled` judges.
            looks: crate::stats::sequential::Design::reference(
                self.plan.pairs,
                super::pairs::EXTEND_BY,
                self.plan.max_pairs,
            ),
        };
        let settled = self.plan.settled;
        extend_until_settled(&mut session, ext, |s| {
            let ms = |side: usize| -> Vec<f64> {
                s.sides[side].targets[0]
                    .samples
                    .iter()
                    .map(|x| x.report.import_ns as f64 / 1e6)
                    .collect()
            };
            ((), settled(&ms(0), &ms(1)))
        })?;
        let sides = session.into_sides();
        let side = |k: usize| -> Result<(Vec<f64>, Child)> {
            let samples = &sides[k].targets[0].samples;
            let first = samples
                .first()
                .ok_or_else(|| Error::Usage("no pair was measured; raise --pairs".into()))?;
            let mut child = child_of(&first.report)?;
            // A sample that failed later (a target that fails only sometimes) is not a timing.
            if let Some(failed) = samples
                .iter()
                .find(|s| s.report.outcome != StatementOutcome::Ok)
            {
                child = child_of(&failed.report)?;
            }
            Ok((
                samples
                    .iter()
                    .map(|s| s.report.import_ns as f64 / 1e6)
                    .collect(),
                child,
            ))
        };
        let ((normal_ms, normal), (deferred_ms, deferred)) = (side(0)?, side(1)?);
        if let Some(e) = &normal.error {
            return Err(Error::ImportFailed {
                target: self.target.name.clone(),
                detail: e.clone(),
            });
        }
        Ok(Pairs {
            normal_ms,
            deferred_ms,
            normal,
            deferred,
        })
    }
}

/// The module a target imports, when it is `import MODULE`.
fn module_of(t: &Target) -> Option<&str> {
    t.statement.strip_prefix("import ").filter(|m| *m == t.name)
}

/// Runs the experiment for every target of `m`.
pub fn run(
    m: &Measure,
    plan: &Pairing,
    opts: &Options,
    gate: GateParams,
    progress: &mut dyn FnMut(Progress),
) -> Result<LazyReport> {
    let normal = PythonProbe::new(&m.python, m.env.clone(), m.pyc, m.timeout)?;
    let python = normal.interpreter().version.clone();
    let deferred = PythonProbe::new(&m.python, m.env.clone(), m.pyc, m.timeout)?;
    let mut lab = PythonLab {
        m,
        target: &m.targets[0],
        plan,
        normal,
        deferred,
        progress,
    };
    let mut report = LazyReport::new(python, "lazyloader");
    report.warnings = m.warnings.clone();
    for target in &m.targets {
        lab.target = target;
        let request = plan::Request {
            target: &target.name,
            statement: &target.statement,
            module: module_of(target),
            defer: &opts.defer,
            top: opts.top,
            workload: opts.workload.as_deref(),
            gate,
        };
        report.targets.push(plan::run(&mut lab, &request)?);
    }
    Ok(report)
}
