//! `coldstart history REVISIONS [MODULE]...`: import time, module count, forbidden modules and new
//! top-level packages per commit, each commit in its own environment from the cache, its samples
//! interleaved with the anchor and stored per commit (a second run measures only new commits);
//! `--metric instructions` adds each target's instruction counts under callgrind.
use super::revision::{self, CommitEnvs, classify};
use crate::bisect::driver::Failure;
use crate::cli::HistoryArgs;
use crate::config::FileConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::git::{Commit, Repo, evenly_spaced};
use crate::history::driver::{self, HistoryProbe, Measurement, Plan};
use crate::history::{Store, StoredTarget};
use crate::measure::counts::count_side;
use crate::model::Measure;
use crate::model::choice::Metric;
use crate::model::words::count;
use crate::probe::{COUNT_HASH_SEED, PythonProbe, callgrind};
use crate::render::history_svg::render_history_svg;
use crate::render::report::emit;
use crate::settings;
use crate::stats::instructions::CountParams;
use crate::sys::host::{Host, ProcHost};
use std::path::PathBuf;

struct Live<'a> {
    envs: CommitEnvs<'a>,
    measure: Measure,
    runs: usize,
    warmup: usize,
    /// `--metric instructions`: valgrind, counted after the timed samples (which warmed the
    /// bytecode) with the code path of `run --metric instructions`.
    valgrind: Option<PathBuf>,
}

impl HistoryProbe for Live<'_> {
    type Error = Error;

    fn measure(&mut self, commit: &Commit) -> Result<Measurement, Failure<Error>> {
        let (python, environment) = self.envs.python(commit)?;
        let r = revision::measure(&self.measure, &python, self.runs, self.warmup, 0)
            .map_err(classify)?;
        let mut counts = Vec::new();
        if let Some(valgrind) = &self.valgrind {
            let m = &self.measure;
            let mut probe =
                PythonProbe::new(&python, m.env.clone(), m.pyc, m.timeout).map_err(classify)?;
            let tolerance = CountParams::default().tolerance;
            for t in &m.targets {
                let side = count_side(&mut probe, valgrind, t, tolerance, 0).map_err(classify)?;
                counts.push(side.counts);
            }
        }
        let anchors: Vec<f64> = r
            .anchor
            .as_ref()
            .map(|a| a.samples.iter().map(|s| s.import_ms).collect())
            .unwrap_or_default();
        let targets = r
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let matched: Option<Vec<f64>> = t
                    .samples
                    .iter()
                    .map(|s| s.anchor_index.and_then(|i| anchors.get(i).copied()))
                    .collect();
                StoredTarget {
                    name: t.name.clone(),
                    import_ms: t.samples.iter().map(|s| s.import_ms).collect(),
                    anchor_ms: matched.unwrap_or_default(),
                    modules: t.modules.total,
                    loaded: t.modules.loaded.clone(),
                    forbidden: t
                        .forbidden
                        .iter()
                        .filter(|(_, loaded)| **loaded)
                        .map(|(m, _)| m.clone())
                        .collect(),
                    instructions: counts.get(i).cloned().unwrap_or_default(),
                }
            })
            .collect();
        Ok(Measurement {
            targets,
            environment,
        })
    }
}

/// Splits the positionals: revisions (ranges, or names that resolve) first, then modules.
fn split(repo: &Repo, rest: &[String]) -> (Vec<String>, Vec<String>) {
    let first_module = rest
        .iter()
        .position(|s| !s.contains("..") && repo.resolve(s).is_err())
        .unwrap_or(rest.len());
    (rest[..first_module].to_vec(), rest[first_module..].to_vec())
}

/// What changes a sample, for the store key. `counter` (`--metric instructions`) is added only
/// when counting, so time-only keys stay those of earlier versions and their entries are found.
fn recipe(m: &Measure, runs: usize, setup: Option<&str>, counter: Option<&str>) -> String {
    let statements: Vec<&str> = m.targets.iter().map(|t| t.statement.as_str()).collect();
    let mut text = format!(
        "targets {}\nanchor {}\npyc {}\nenv {:?}\nforbid {:?}\nruns {}\nsetup {}\n",
        statements.join("; "),
        m.anchor.as_deref().unwrap_or("-"),
        m.pyc.as_str(),
        m.env_overrides,
        m.forbid,
        runs,
        setup.unwrap_or("-")
    );
    if let Some(counter) = counter {
        text.push_str(&format!("instructions {counter}\n"));
    }
    text
}

pub fn execute(args: &HistoryArgs, file: &FileConfig) -> Result<Exit> {
    crate::sys::interrupt::install();
    let cwd = super::cwd()?;
    let output = super::output(&args.output, file, &cwd)?;
    let runs = settings::history_runs(args, file);
    if !settings::TargetValues::layered(&[], &args.target, file)
        .path
        .is_empty()
    {
        return Err(Error::Usage(
            "--path does not apply to history: each commit is installed into its own environment (use --setup to install it your way)".into(),
        ));
    }
    if runs == 0 || args.max_count == Some(0) {
        return Err(Error::Usage(
            "--runs and --max-count must be at least 1".into(),
        ));
    }
    // --metric instructions (issue 14): valgrind is checked before any checkout or build.
    let valgrind = match settings::metric(args.metric, file) {
        Metric::Time => None,
        Metric::Instructions => Some(crate::measure::counts::valgrind()?),
    };
    let repo = Repo::discover(&cwd)?;
    let (revisions, modules) = split(&repo, &args.rest);
    if revisions.is_empty() {
        // Resolve the first one again for its message (unknown revision, did you mean ...).
        repo.resolve(&args.rest[0])?;
    }
    // Which positionals are modules is known only now: the file's targets apply when none are.
    let values = settings::TargetValues::layered(&modules, &args.target, file);
    let env = settings::revision_env(&args.env.env, file, &cwd)?;
    let base_python = env.python.clone();
    let measure = settings::measure(&values, base_python.clone(), &cwd, std::env::vars())?;
    if measure.targets.is_empty() {
        return Err(Error::Usage(
            "history needs a module to import after the revisions: coldstart history v1.0..main MODULE".into(),
        ));
    }
    let measure = Measure {
        tree_runs: 0,
        ..measure
    };
    // No result files: only the report (--output) and the chart (--svg) are written.
    crate::results::store::check_file_writable(output.file.as_deref())?;
    crate::results::store::check_file_writable(output.svg.as_deref())?;
    let (walk, walk_name) = settings::revisions::walk(args.env.all_parents);
    let mut commits = repo.select(&revisions, walk)?;
    if let Some(n) = args.max_count {
        commits = evenly_spaced(&commits, n);
    }
    let store = Store::new(match args.store.as_deref() {
        Some(dir) => crate::model::absolute(&cwd, dir),
        None => env.cache_dir.join("history"),
    });
    let base = PythonProbe::new(
        &base_python,
        measure.env.clone(),
        measure.pyc,
        measure.timeout,
    )?;
    let interpreter = format!(
        "{} {}",
        base.interpreter().executable.display(),
        base.interpreter().version
    );
    let host = ProcHost.info();
    let machine = format!(
        "{} {} {} x{}",
        host.os,
        host.arch,
        host.cpu_model.as_deref().unwrap_or("unknown-cpu"),
        host.cpus
    );
    if !output.quiet {
        eprintln!(
            "history of {} ({walk_name}), results stored in {}",
            count(commits.len(), "commit"),
            store.dir().display()
        );
    }
    let counter = valgrind.as_ref().map(|(_, version)| {
        let seed = measure.env.vars.get("PYTHONHASHSEED").map(String::as_str);
        format!(
            "{} {version}, PYTHONHASHSEED={}",
            callgrind::COUNTER,
            seed.unwrap_or(COUNT_HASH_SEED)
        )
    });
    let plan = Plan {
        interpreter,
        machine,
        recipe: recipe(&measure, runs, env.setup.as_deref(), counter.as_deref()),
        remeasure: args.remeasure,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        targets: measure.targets.iter().map(|t| t.name.clone()).collect(),
        forbid: measure.forbid.clone(),
        walk: walk_name.into(),
        counter,
    };
    let mut live = Live {
        envs: CommitEnvs::new(&repo, base_python, env.cache_dir, env.setup, output.quiet),
        measure,
        runs,
        warmup: args.warmup,
        valgrind: valgrind.map(|(path, _)| path),
    };
    let now = || chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let report = driver::run(&mut live, &store, &commits, plan, now)?;
    let charts: Vec<(String, String)> = report
        .targets
        .iter()
        .enumerate()
        .map(|(i, name)| (name.clone(), render_history_svg(&report, i)))
        .collect();
    super::artifacts::emit_svgs(output.svg.as_deref(), &charts, output.quiet)?;
    emit(&report, &output, |k| std::env::var(k).ok())?;
    Ok(Exit::Ok)
}
