//! `coldstart ab`: interleaved pairs of two environments, extended while unsettled, then the
//! verdict, two ordinary result files, a comparison file and the exit code of the gate.
use crate::cli::AbArgs;
use crate::commands::paired;
use crate::error::Result;
use crate::exit::Exit;
use crate::render::report::emit;
use crate::settings;

pub fn execute(args: &AbArgs) -> Result<Exit> {
    settings::refuse_runs("ab", &args.runs)?;
    if args.metric == crate::cli::MetricArg::Instructions {
        return instructions(args);
    }
    let cwd = super::cwd()?;
    let output = super::output(&args.output, &cwd)?;
    let gate = settings::gate(&args.gate, paired::DEFAULT_THRESHOLD)?;
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
    let mut measured = paired::measure_pairs(
        "ab",
        &measure,
        (&baseline, &candidate),
        plan,
        &output,
        (git.clone(), git),
    )?;
    let path = paired::save_all(&output.dir, &mut measured)?;
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
    Ok(Exit::gate(
        measured.comparison.passed(),
        args.gate.report_only,
    ))
}

// --- issue 14: instruction counts ---
use crate::measure::counts;
use crate::probe::{COUNT_HASH_SEED, PythonProbe, callgrind};
use crate::stats::instructions::{self, CountParams};
use crate::verdict::instructions::{InstructionComparison, SideInfo, judge};
use std::path::{Path, PathBuf};

/// `--metric instructions` (issue 14): counts judged by the count gate, one comparison file.
fn instructions(args: &AbArgs) -> Result<Exit> {
    let cwd = super::cwd()?;
    let output = super::output(&args.output, &cwd)?;
    let baseline = settings::python(Some(&args.baseline), &cwd);
    let candidate = settings::python(Some(&args.candidate), &cwd);
    let m = settings::measure(
        &args.modules,
        &args.target,
        baseline.clone(),
        &cwd,
        std::env::vars(),
    )?;
    let threshold = threshold(&args.gate)?;
    let valgrind = counts::valgrind()?;
    output.check_writable()?;
    let how = Counted {
        command: "ab",
        threshold,
        warmup: args.pairs.warmup,
        report_only: args.gate.report_only,
    };
    count_pair(&how, &m, (&baseline, &candidate), &output, &valgrind)
}

/// The count gate's threshold (a fraction) from the gate flags, 1 % by default.
pub fn threshold(gate: &crate::cli::GateArgs) -> Result<f64> {
    Ok(
        settings::gate(gate, instructions::DEFAULT_THRESHOLD * 100.0)?
            .params
            .threshold,
    )
}

/// What `ab` and `branches` pass to [`count_pair`].
pub struct Counted {
    pub command: &'static str,
    /// A fraction (0.01 is 1 %).
    pub threshold: f64,
    /// Native warm-up children per side (bytecode).
    pub warmup: usize,
    pub report_only: bool,
}

/// Counts every target of `m` under both interpreters, judges, saves the comparison file and
/// reports; `valgrind` is [`counts::valgrind`]'s answer, asked before anything slow.
pub fn count_pair(
    how: &Counted,
    m: &crate::model::Measure,
    (baseline, candidate): (&Path, &Path),
    output: &crate::model::Output,
    (valgrind, version): &(PathBuf, String),
) -> Result<Exit> {
    let params = CountParams::with_threshold(how.threshold);
    crate::sys::interrupt::install();
    let mut a = PythonProbe::new(baseline, m.env.clone(), m.pyc, m.timeout)?;
    let mut b = PythonProbe::new(candidate, m.env.clone(), m.pyc, m.timeout)?;
    let installed = (a.installed()?, b.installed()?);
    let hash_seed = m
        .env
        .vars
        .get("PYTHONHASHSEED")
        .cloned()
        .unwrap_or_else(|| COUNT_HASH_SEED.to_string());
    let created_at = chrono::Utc::now();
    let mut targets = Vec::new();
    for t in &m.targets {
        if !output.quiet {
            eprintln!("counting the instructions of {} under callgrind...", t.name);
        }
        let (sa, sb) = counts::count_target(m, (&mut a, &mut b), valgrind, t, &params, how.warmup)?;
        targets.extend(judge(
            &t.name,
            &t.statement,
            (&sa, &sb),
            &params,
            &hash_seed,
        ));
    }
    let info = |p: &PythonProbe| SideInfo {
        python: p.interpreter().executable.display().to_string(),
        version: p.interpreter().version.clone(),
    };
    let comparison = InstructionComparison {
        kind: "instruction-comparison",
        command: how.command.into(),
        metric: "instructions",
        counter: callgrind::COUNTER.to_string(),
        counter_version: version.clone(),
        hash_seed,
        created_at: created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        baseline: info(&a),
        candidate: info(&b),
        distributions: crate::verdict::distributions::between(
            installed.0.distributions.as_deref(),
            installed.1.distributions.as_deref(),
        ),
        threshold_percent: params.threshold * 100.0,
        tolerance_percent: params.tolerance * 100.0,
        targets,
        caveat: crate::verdict::instructions::CAVEAT,
        files: None,
        differences: Vec::new(),
    };
    let path = save(&output.dir, &comparison, output.label.as_deref())?;
    emit(&comparison, output, |k| std::env::var(k).ok())?;
    if !output.quiet {
        eprintln!("saved {}", path.display());
    }
    Ok(Exit::gate(comparison.passed(), how.report_only))
}

/// Writes the comparison atomically as `cold_start_<stamp>[_<label>]_instructions.json`.
fn save(dir: &Path, c: &InstructionComparison, label: Option<&str>) -> Result<PathBuf> {
    let stamp = c.created_at.replace([':', '-'], "");
    let name = match label {
        Some(l) => format!("cold_start_{stamp}_{l}_instructions.json"),
        None => format!("cold_start_{stamp}_instructions.json"),
    };
    let text = serde_json::to_string_pretty(c).expect("comparisons always serialize") + "\n";
    crate::results::store::save_new(dir, &name, &text)
}
