//! `coldstart ab`: interleaved pairs of two environments, extended while unsettled, then the
//! verdict, two ordinary result files, a comparison file and the exit code of the gate.
use crate::cli::AbArgs;
use crate::commands::paired;
use crate::config::FileConfig;
use crate::error::Result;
use crate::exit::Exit;
use crate::render::report::emit;
use crate::settings;

pub fn execute(args: &AbArgs, file: &FileConfig) -> Result<Exit> {
    settings::refuse_runs("ab", &args.runs)?;
    if settings::metric(args.metric, file) == crate::model::choice::Metric::Instructions {
        return instructions(args, file);
    }
    let cwd = super::cwd()?;
    let output = super::output(&args.output, file, &cwd)?;
    let gate = settings::gate(&args.gate, file, settings::Threshold::Pairs)?;
    let baseline = settings::interpreter(Some(&args.baseline), &cwd);
    let candidate = settings::interpreter(Some(&args.candidate), &cwd);
    let values = settings::TargetValues::layered(&args.modules, &args.target, file);
    let measure = settings::measure(&values, baseline.clone(), &cwd, std::env::vars())?;
    let plan = settings::pair_plan(&args.pairs, Some(args.anchor_every), file, gate.options)?;
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
        gate.options.params.min_effect_ms,
    );
    crate::commands::artifacts::emit_svgs(output.svg.as_deref(), &charts, output.quiet)?;
    emit(&measured.comparison, &output, |k| std::env::var(k).ok())?;
    if !output.quiet {
        eprintln!("saved {}", path.display());
    }
    Ok(Exit::gate(measured.comparison.passed(), gate.report_only))
}

// --- issue 14: instruction counts ---
use crate::git::GitInfo;
use crate::measure::counts;
use crate::probe::{COUNT_HASH_SEED, PythonProbe, callgrind};
use crate::stats::instructions::CountParams;
use crate::verdict::instructions::{InstructionComparison, SideInfo, judge};
use std::path::{Path, PathBuf};

/// `--metric instructions` (issue 14): counts judged by the count gate, one comparison file.
fn instructions(args: &AbArgs, file: &FileConfig) -> Result<Exit> {
    let cwd = super::cwd()?;
    let output = super::output(&args.output, file, &cwd)?;
    let baseline = settings::interpreter(Some(&args.baseline), &cwd);
    let candidate = settings::interpreter(Some(&args.candidate), &cwd);
    let values = settings::TargetValues::layered(&args.modules, &args.target, file);
    let m = settings::measure(&values, baseline.clone(), &cwd, std::env::vars())?;
    let gate = settings::gate(&args.gate, file, settings::Threshold::Counts)?;
    let valgrind = counts::valgrind()?;
    output.check_writable()?;
    let git = crate::git::info(&cwd);
    let how = Counted {
        command: "ab",
        threshold: gate.options.params.threshold,
        warmup: settings::pair_warmup(&args.pairs, file),
        report_only: gate.report_only,
        git: (git.clone(), git),
    };
    count_pair(&how, &m, (&baseline, &candidate), &output, &valgrind)
}

/// What `ab` and `branches` pass to [`count_pair`].
pub struct Counted {
    pub command: &'static str,
    /// A fraction (0.01 is 1 %).
    pub threshold: f64,
    /// Native warm-up children per side (bytecode).
    pub warmup: usize,
    pub report_only: bool,
    /// The sides' git state, as in the time comparison (`branches`: the revisions).
    pub git: (Option<GitInfo>, Option<GitInfo>),
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
    let info = |p: &PythonProbe, git: &Option<GitInfo>| SideInfo {
        python: p.interpreter().executable.display().to_string(),
        version: p.interpreter().version.clone(),
        git: git.clone(),
    };
    let comparison = InstructionComparison {
        kind: "instruction-comparison",
        command: how.command.into(),
        metric: "instructions",
        counter: callgrind::COUNTER.to_string(),
        counter_version: version.clone(),
        hash_seed,
        created_at: created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        baseline: info(&a, &how.git.0),
        candidate: info(&b, &how.git.1),
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
