//! The interleaved-pairs pipeline `ab` and `branches` share (not a subcommand): two probes, one
//! session extended while the verdict is unsettled, both results, the comparison, the files.
use crate::error::Result;
use crate::git::GitInfo;
use crate::measure::pairs::{Extension, extend_until_settled};
use crate::measure::single::{effective_warmup, start_session};
use crate::model::{Measure, Output};
use crate::probe::PythonProbe;
use crate::render::progress::Bar;
use crate::results::{ResultFile, build, store};
use crate::settings::PairPlan;
use crate::sys::host::{self, Host, ProcHost};
use crate::verdict::compare::{self, Comparison};
use std::path::Path;

/// The two sides measured in one interleaved session.
pub struct Measured {
    pub baseline: ResultFile,
    pub candidate: ResultFile,
    pub comparison: Comparison,
}

/// Measures `m` under two interpreters in interleaved pairs, extending while unsettled, then
/// takes the import-tree pass. `command` names the comparison (`ab`, `branches`).
pub fn measure_pairs(
    command: &str,
    m: &Measure,
    pythons: (&Path, &Path),
    plan: PairPlan,
    output: &Output,
    git: (Option<GitInfo>, Option<GitInfo>),
) -> Result<Measured> {
    crate::sys::interrupt::install();
    let mut a = PythonProbe::new(pythons.0, m.env.clone(), m.pyc, m.timeout)?;
    let mut b = PythonProbe::new(pythons.1, m.env.clone(), m.pyc, m.timeout)?;
    let (ia, ib) = (a.interpreter().clone(), b.interpreter().clone());
    let installed = (a.installed()?, b.installed()?);
    let hostp = ProcHost;
    let info = hostp.info();
    let warmup = effective_warmup(m.pyc, plan.warmup);
    let mut bar = Bar::new(output.progress);
    let mut on_progress = |p| bar.update(p);
    let before = hostp.counters();
    let mut session = start_session(
        vec![&mut a, &mut b],
        m,
        warmup,
        plan.design.first_look(),
        plan.anchor_every,
        &mut on_progress,
    )?;
    let created_at = chrono::Utc::now();
    let ext = Extension {
        max_pairs: plan.max_pairs,
        tree_runs: m.tree_runs,
        looks: plan.design,
    };
    extend_until_settled(&mut session, ext, |session| {
        let noise = before
            .zip(hostp.counters())
            .map(|(x, y)| host::noise(&x, &y));
        let ctx = |interpreter, installed, git| build::Context {
            measure: m,
            runs: session.rounds_done(),
            warmup,
            label: output.label.clone(),
            interpreter,
            installed,
            host: info.clone(),
            git,
            noise,
            created_at,
        };
        let baseline = build::build(
            &ctx(ia.clone(), installed.0.clone(), git.0.clone()),
            &session.sides[0],
        );
        let candidate = build::build(
            &ctx(ib.clone(), installed.1.clone(), git.1.clone()),
            &session.sides[1],
        );
        let stamp = created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let comparison = compare::compare(
            command,
            &baseline,
            &candidate,
            (None, None),
            Some(&plan.design),
            plan.gate,
            stamp,
        );
        let settled =
            compare::unsettled(&comparison, session.rounds_done(), &plan.design).is_empty();
        let measured = Measured {
            baseline,
            candidate,
            comparison,
        };
        (measured, settled)
    })
}

/// Saves both sides and the comparison; fills in the file names.
pub fn save_all(dir: &Path, measured: &mut Measured) -> Result<std::path::PathBuf> {
    let a = store::save(dir, &measured.baseline, Some("baseline"))?;
    let b = store::save(dir, &measured.candidate, Some("candidate"))?;
    // `latest` is the candidate, the newer state of the code.
    measured.comparison.baseline.file = Some(a.display().to_string());
    measured.comparison.candidate.file = Some(b.display().to_string());
    let text = serde_json::to_string_pretty(&measured.comparison)
        .expect("comparisons always serialize")
        + "\n";
    let name = store::file_name(&measured.candidate, Some("comparison"));
    store::save_new(dir, &name, &text)
}
