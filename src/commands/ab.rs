//! `coldstart ab`: interleaved pairs of two environments, extended while unsettled, then the
//! verdict, two ordinary result files, a comparison file and the exit code of the gate.
use crate::cli::AbArgs;
use crate::error::Result;
use crate::git::GitInfo;
use crate::measure::single::{effective_warmup, start_session};
use crate::model::{Measure, Output};
use crate::probe::PythonProbe;
use crate::render::progress::Bar;
use crate::render::report::emit;
use crate::results::{ResultFile, build, store};
use crate::settings::{self, PairPlan};
use crate::sys::host::{self, Host, ProcHost};
use crate::verdict::compare::{self, Comparison};
use std::path::Path;

/// Default `--threshold` (percent) for interleaved pairs.
pub const DEFAULT_THRESHOLD: f64 = 5.0;

/// Pairs added per extension while a verdict is unsettled (`compare::unsettled`).
const EXTEND_BY: usize = 10;

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
        plan.pairs,
        &mut on_progress,
    )?;
    let created_at = chrono::Utc::now();
    let mut trees_taken = m.tree_runs == 0;
    loop {
        let noise = before
            .zip(hostp.counters())
            .map(|(x, y)| host::noise(&x, &y));
        let ctx = |interpreter, git| build::Context {
            measure: m,
            runs: session.rounds_done(),
            warmup,
            label: output.label.clone(),
            interpreter,
            host: info.clone(),
            git,
            noise,
            created_at,
        };
        let baseline = build::build(&ctx(ia.clone(), git.0.clone()), &session.sides[0]);
        let candidate = build::build(&ctx(ib.clone(), git.1.clone()), &session.sides[1]);
        let stamp = created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let comparison = compare::compare(
            command,
            &baseline,
            &candidate,
            (None, None),
            true,
            plan.gate,
            stamp,
        );
        let more = plan
            .max_pairs
            .saturating_sub(session.rounds_done())
            .min(EXTEND_BY);
        let settled = compare::unsettled(&comparison).is_empty() || more == 0;
        match (settled, trees_taken) {
            (true, true) => {
                return Ok(Measured {
                    baseline,
                    candidate,
                    comparison,
                });
            }
            (true, false) => {
                session.trees(m.tree_runs)?;
                trees_taken = true;
            }
            (false, _) => session.measure(more)?,
        }
    }
}

/// Saves both sides and the comparison; fills in the file names.
pub fn save_all(dir: &Path, measured: &mut Measured) -> Result<std::path::PathBuf> {
    let a = store::save(dir, &measured.baseline, Some("baseline"))?;
    let b = store::save(dir, &measured.candidate, Some("candidate"))?;
    // `latest` is the candidate, the newer state of the code.
    measured.comparison.baseline.file = Some(a.display().to_string());
    measured.comparison.candidate.file = Some(b.display().to_string());
    let path = store::unused_path(
        dir,
        &store::file_name(&measured.candidate, Some("comparison")),
    );
    let text = serde_json::to_string_pretty(&measured.comparison)
        .expect("comparisons always serialize")
        + "\n";
    store::write_atomic(&path, &text)?;
    Ok(path)
}

/// 1 when a gate failed (unless report-only), else 0.
pub fn gate_exit(c: &Comparison, report_only: bool) -> u8 {
    u8::from(!c.passed() && !report_only)
}

pub fn execute(args: &AbArgs) -> Result<u8> {
    let cwd = super::cwd()?;
    let output = super::output(&args.output, &cwd)?;
    let gate = settings::gate(&args.gate, DEFAULT_THRESHOLD)?;
    let baseline = settings::python(Some(&args.baseline), &cwd);
    let candidate = settings::python(Some(&args.candidate), &cwd);
    let measure = settings::measure(
        &args.modules,
        &args.target,
        baseline.clone(),
        &cwd,
        std::env::vars(),
    )?;
    let plan = settings::pair_plan(&args.pairs, gate)?;
    output.check_writable()?;
    let git = crate::git::info(&cwd);
    let mut measured = measure_pairs(
        "ab",
        &measure,
        (&baseline, &candidate),
        plan,
        &output,
        (git.clone(), git),
    )?;
    let path = save_all(&output.dir, &mut measured)?;
    let charts = crate::commands::artifacts::diff_charts(
        &measured.baseline,
        &measured.candidate,
        gate.params.min_effect_ms,
    );
    crate::commands::artifacts::emit_svgs(output.svg.as_deref(), &charts, output.quiet)?;
    emit(&measured.comparison, &output, |k| std::env::var(k).ok())?;
    if !output.quiet {
        eprintln!("saved {}", path.display());
    }
    Ok(gate_exit(&measured.comparison, args.gate.report_only))
}
