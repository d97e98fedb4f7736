//! The only reader of both the command line (`cli`) and the configuration file (`config`): each
//! value is the flag's, else the file's, else the built-in default (`config::defaults`), then
//! validated into the domain types the core uses (core modules never see clap or the file). Only
//! `commands` use this module.
mod gate;
mod lazy;
mod output;
mod pairs;
pub mod revisions;
mod targets;

pub use gate::{Threshold, budgets, gate};
pub use lazy::lazy;
pub use output::{output, report_output, text_output};
pub use pairs::{PairPlan, pair_plan, refuse_runs};
pub use targets::{TargetValues, measure};

use crate::cli::{CheckArgs, Command, EnvArgs, HistoryArgs, PythonArgs, RunArgs, TreeArgs};
use crate::config::FileConfig;
use crate::config::defaults as d;
use crate::error::{Error, Result};
use crate::model::choice::Metric;
use crate::model::names::absolute;
use crate::verdict::budget::Budgets;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// A repeatable flag over the file: the flag's values when given (an empty list is never given).
fn list<T: Clone>(cli: &[T], file: &Option<Vec<T>>) -> Vec<T> {
    if cli.is_empty() {
        file.clone().unwrap_or_default()
    } else {
        cli.to_vec()
    }
}

/// A switch over the file: on when given, else the file's value, else off.
fn switch(cli: bool, file: Option<bool>) -> bool {
    cli || file.unwrap_or(false)
}

/// The interpreter to use: `given`, else the default rule of `default_python`. A path with a
/// slash is made absolute (children run elsewhere) but not resolved: a venv's symlink location
/// is what selects the venv.
pub fn interpreter(given: Option<&Path>, cwd: &Path) -> PathBuf {
    match given {
        Some(p) if p.components().count() > 1 || p.is_absolute() => absolute(cwd, p),
        Some(p) => p.to_path_buf(),
        None => crate::default_python::default_python(cwd),
    }
}

/// `--python` over the file's `python`.
pub fn python(args: &PythonArgs, file: &FileConfig, cwd: &Path) -> PathBuf {
    interpreter(args.python.as_deref().or(file.python.as_deref()), cwd)
}

/// The environment cache: `--cache-dir` (else the file's) made absolute, else the default.
pub fn cache_dir(given: Option<&Path>, file: &FileConfig, cwd: &Path) -> Result<PathBuf> {
    match given.or(file.cache_dir.as_deref()) {
        Some(dir) => Ok(absolute(cwd, dir)),
        None => Ok(crate::env::cache::default_dir()?),
    }
}

/// Where the revisions' environments come from (`branches`, `bisect`, `history`).
#[derive(Debug, Clone)]
pub struct RevisionEnv {
    pub python: PathBuf,
    pub setup: Option<String>,
    pub cache_dir: PathBuf,
}

pub fn revision_env(args: &EnvArgs, file: &FileConfig, cwd: &Path) -> Result<RevisionEnv> {
    Ok(RevisionEnv {
        python: interpreter(args.python.as_deref().or(file.python.as_deref()), cwd),
        setup: args.setup.clone().or_else(|| file.setup.clone()),
        cache_dir: cache_dir(args.cache_dir.as_deref(), file, cwd)?,
    })
}

/// `run`'s measured and warm-up samples per target.
pub fn run_samples(args: &RunArgs, file: &FileConfig) -> Result<(usize, usize)> {
    let runs = args.runs.or(file.runs).unwrap_or(d::RUNS);
    if runs == 0 {
        return Err(Error::TooSmall {
            flag: "--runs",
            bound: "1",
        });
    }
    Ok((runs, args.warmup.or(file.warmup).unwrap_or(d::WARMUP)))
}

/// `run`'s budgets: the flags', and the file's only with `--check` (budget flags imply it);
/// `None` when nothing is to be checked. `forbid` are the measured forbidden modules.
pub fn run_budgets(
    args: &RunArgs,
    file: &FileConfig,
    forbid: &[String],
) -> Result<Option<Budgets>> {
    let from_file = if args.check {
        file.budgets.as_ref()
    } else {
        None
    };
    let forbid: &[String] = if args.check { forbid } else { &[] };
    let budgets = budgets(&args.budgets, from_file, forbid)?;
    if !args.check && budgets.is_empty() {
        return Ok(None);
    }
    if budgets.is_empty() {
        // A gate that checked nothing must not pass.
        return Err(Error::Usage(
            "--check has no budgets to check; pass e.g. --max-import-ms 300, --max-modules 600 or --forbid MODULE (or set them in [tool.coldstart.budgets])".into(),
        ));
    }
    Ok(Some(budgets))
}

/// `check`'s budgets: its flags over the file's `forbid` and `[budgets]`.
pub fn check_budgets(args: &CheckArgs, file: &FileConfig) -> Result<Budgets> {
    let forbid = list(&args.forbid, &file.forbid);
    let budgets = budgets(&args.budgets, file.budgets.as_ref(), &forbid)?;
    if budgets.is_empty() {
        return Err(Error::NoBudgets);
    }
    Ok(budgets)
}

/// `--metric` of run, ab, branches, compare, bisect and history (issue 14).
pub fn metric(given: Option<Metric>, file: &FileConfig) -> Metric {
    given.or(file.metric).unwrap_or(d::METRIC)
}

/// Discarded warm-up pairs (or counted samples) per target.
pub fn pair_warmup(args: &crate::cli::PairArgs, file: &FileConfig) -> usize {
    args.warmup.or(file.warmup).unwrap_or(d::WARMUP)
}

/// `history`'s measured samples per commit.
pub fn history_runs(args: &HistoryArgs, file: &FileConfig) -> usize {
    args.runs.or(file.runs).unwrap_or(d::HISTORY_RUNS)
}

/// `tree --min-ms`.
pub fn min_ms(args: &TreeArgs, file: &FileConfig) -> Result<f64> {
    let min_ms = args.min_ms.or(file.min_ms).unwrap_or(d::MIN_MS);
    if !(min_ms >= 0.0 && min_ms.is_finite()) {
        return Err(Error::Usage(format!(
            "--min-ms must be a non-negative number of milliseconds (e.g. --min-ms 1), not {min_ms}"
        )));
    }
    Ok(min_ms)
}

/// `compare --strict`.
pub fn strict(given: bool, file: &FileConfig) -> bool {
    switch(given, file.strict)
}

/// Whether `command` keeps stderr free of notes (`--quiet`, or `quiet` in the file where the
/// file sets its output).
pub fn quiet(command: &Command, file: &FileConfig) -> bool {
    let report = |r: &crate::cli::ReportArgs| switch(r.quiet, file.quiet);
    match command {
        Command::Run(a) => report(&a.output.report),
        Command::Ab(a) => report(&a.output.report),
        Command::Branches(a) => report(&a.output.report),
        Command::Bisect(a) => report(&a.output.report),
        Command::History(a) => report(&a.output.report),
        Command::Compare(a) => report(&a.output),
        Command::Check(a) => report(&a.output),
        Command::Lazy(a) => report(&a.report),
        Command::Tree(a) => switch(a.output.quiet, file.quiet),
        Command::Why(a) => switch(a.output.quiet, file.quiet),
        Command::Config(a) => switch(a.output.quiet, file.quiet),
        Command::Cache(a) => match &a.action {
            crate::cli::CacheAction::List { output, .. }
            | crate::cli::CacheAction::Clean { output, .. } => switch(output.quiet, file.quiet),
        },
        Command::Completions(_) | Command::Man(_) => true,
    }
}

/// Whether stdout and stderr are terminals.
pub fn ttys() -> (bool, bool) {
    (
        std::io::stdout().is_terminal(),
        std::io::stderr().is_terminal(),
    )
}

#[cfg(test)]
pub(crate) use targets::tests;

#[cfg(test)]
mod layering_tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    #[test]
    fn python_default_and_relative_paths() {
        let cwd = Path::new("/work/proj");
        assert_eq!(
            interpreter(Some(Path::new("python3.11")), cwd),
            PathBuf::from("python3.11")
        );
        assert_eq!(
            interpreter(Some(Path::new(".venv/bin/python")), cwd),
            PathBuf::from("/work/proj/.venv/bin/python")
        );
        assert_eq!(
            interpreter(None, Path::new("/nonexistent")),
            PathBuf::from("python3")
        );
    }

    fn run_args(argv: &[&str]) -> RunArgs {
        let mut full = vec!["coldstart", "run"];
        full.extend_from_slice(argv);
        match Cli::parse_from(full).command {
            Command::Run(a) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file: FileConfig =
            toml::from_str("runs = 4\nwarmup = 0\npython = 'py3'\n[budgets]\nmax_modules = 9\n")
                .unwrap();
        assert_eq!(run_samples(&run_args(&[]), &file).unwrap(), (4, 0));
        assert_eq!(
            run_samples(&run_args(&["--runs", "7"]), &file).unwrap(),
            (7, 0)
        );
        assert_eq!(
            run_samples(&run_args(&[]), &FileConfig::default()).unwrap(),
            (20, 2)
        );
        let cwd = Path::new("/");
        assert_eq!(
            python(&run_args(&[]).python, &file, cwd),
            PathBuf::from("py3")
        );
        let given = run_args(&["--python", "/x/python"]);
        assert_eq!(
            python(&given.python, &file, cwd),
            PathBuf::from("/x/python")
        );
        // The file's budgets gate `run` only with --check.
        assert!(run_budgets(&run_args(&[]), &file, &[]).unwrap().is_none());
        let b = run_budgets(&run_args(&["--check"]), &file, &[])
            .unwrap()
            .unwrap();
        assert_eq!(b.max_modules[0].value, 9);
        let b = run_budgets(&run_args(&["--max-modules", "3"]), &file, &[])
            .unwrap()
            .unwrap();
        assert_eq!(b.max_modules[0].value, 3);
    }
}
