//! Validates command-line arguments into the domain types the core uses (core modules never see clap).
mod lazy;
mod pairs;
pub use pairs::{PairPlan, pair_plan, refuse_runs};
pub mod revisions;

use crate::cli::{
    BudgetArgs, ColorArg, EffectSizeArg, FormatArg, GateArgs, OutputArgs, PycArg, ReportArgs,
    StatisticArg, TargetArgs, TextFormatArg, TextOutputArgs,
};
use crate::error::{Error, Result};
use crate::model::names::{absolute, is_module_name, packages_of_statement, top_level};
use crate::model::{ChildEnv, Format, Measure, Output, Pyc, Target};
use crate::stats::paired::{EffectSize, GateParams};
use crate::stats::summary::Statistic;
use crate::verdict::budget::{self, Budgets};
use crate::verdict::compare::GateOptions;
pub use lazy::lazy;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where result files go without `--output-dir` (`branches` has its own default, see
/// [`revisions::branches_results_dir`]).
pub const DEFAULT_OUTPUT_DIR: &str = "benchmark_results";

/// The interpreter to use: `--python`, else the default rule of `default_python`. A path
/// with a slash is made absolute (children run elsewhere) but not resolved: a venv's symlink
/// location is what selects the venv.
pub fn python(given: Option<&Path>, cwd: &Path) -> PathBuf {
    match given {
        Some(p) if p.components().count() > 1 || p.is_absolute() => absolute(cwd, p),
        Some(p) => p.to_path_buf(),
        None => crate::default_python::default_python(cwd),
    }
}

/// The environment cache: `--cache-dir` made absolute, else the default location.
pub fn cache_dir(given: Option<&Path>, cwd: &Path) -> Result<PathBuf> {
    match given {
        Some(dir) => Ok(crate::model::absolute(cwd, dir)),
        None => Ok(crate::env::cache::default_dir()?),
    }
}

/// Validates the target flags. `caller_env` is the environment we were started with.
pub fn measure(
    modules: &[String],
    args: &TargetArgs,
    python: PathBuf,
    cwd: &Path,
    caller_env: impl IntoIterator<Item = (String, String)>,
) -> Result<Measure> {
    let usage = |m: String| Error::Usage(m);
    let mut targets = Vec::new();
    for module in modules {
        if crate::model::names::is_keyword(module) {
            return Err(usage(format!(
                "'{module}' is a Python keyword, not a module name; to time a statement pass it with --stmt"
            )));
        }
        if !is_module_name(module) {
            return Err(Error::NotModuleName {
                flag: None,
                name: module.clone(),
                hint: "; pass a statement with --stmt instead",
            });
        }
        targets.push(Target {
            name: module.clone(),
            statement: format!("import {module}"),
            packages: vec![top_level(module).to_string()],
        });
    }
    for stmt in &args.stmts {
        if stmt.trim().is_empty() {
            return Err(usage("--stmt needs a non-empty Python statement".into()));
        }
        targets.push(Target {
            name: stmt.clone(),
            statement: stmt.clone(),
            packages: packages_of_statement(stmt),
        });
    }
    if targets.is_empty() {
        return Err(usage(
            "nothing to measure; name a MODULE (e.g. `coldstart run json`) or pass --stmt".into(),
        ));
    }
    for (i, t) in targets.iter().enumerate() {
        if targets[..i].iter().any(|u| u.name == t.name) {
            return Err(usage(format!("target '{}' is given twice", t.name)));
        }
    }
    for prefix in args.packages.iter().chain(&args.forbid) {
        if !is_module_name(prefix) {
            return Err(usage(format!(
                "'{prefix}' is not a dotted module name (check --package and --forbid)"
            )));
        }
    }
    if !args.packages.is_empty() {
        for t in &mut targets {
            t.packages = args.packages.clone();
        }
    }
    if !(args.timeout > 0.0 && args.timeout <= MAX_TIMEOUT_S) {
        return Err(usage(format!(
            // `{:?}` writes 1e300 as `1e300`, not as 301 digits.
            "--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT_S} (a week), not {:?}",
            args.timeout
        )));
    }
    let anchor = if args.no_anchor {
        None
    } else if args.anchor.trim().is_empty() {
        return Err(usage(
            "--anchor needs a statement; use --no-anchor to skip it".into(),
        ));
    } else {
        Some(args.anchor.clone())
    };

    let mut overrides = BTreeMap::new();
    for pair in &args.env {
        match pair.split_once('=') {
            Some((key, value)) if key.contains('\0') || value.contains('\0') => {
                return Err(usage(format!(
                    "--env (or the configuration's env) {:?} contains a NUL byte, which no environment variable can hold; remove it",
                    pair
                )));
            }
            Some((key, value)) if !key.is_empty() => {
                overrides.insert(key.to_string(), value.to_string());
            }
            _ => {
                return Err(usage(format!(
                    "--env '{pair}' is not KEY=VALUE (e.g. --env MYPKG_LAZY=1)"
                )));
            }
        }
    }
    let mut paths = Vec::new();
    for dir in &args.path {
        let dir = absolute(cwd, dir);
        if !dir.is_dir() {
            return Err(usage(format!(
                "--path '{}' is not a directory",
                dir.display()
            )));
        }
        paths.push(dir);
    }

    let mut warnings = Vec::new();
    let mut vars = BTreeMap::new();
    let mut dropped = Vec::new();
    let mut caller_python = BTreeMap::new();
    for (key, value) in caller_env {
        if key.starts_with("PYTHON") {
            dropped.push(key.clone());
            caller_python.insert(key, value);
        } else {
            vars.insert(key, value);
        }
    }
    dropped.sort();
    if caller_python.contains_key("PYTHONPATH") && paths.is_empty() {
        warnings.push(
            "PYTHONPATH from your environment is not passed to the measured interpreter; pass --path DIR (or --env PYTHONPATH=...) to include it".to_string(),
        );
    }
    if args.pyc == PycArg::AsIs {
        // "Your environment's bytecode settings": passed on, so not listed as dropped.
        for key in ["PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"] {
            if let Some(value) = caller_python.get(key) {
                vars.insert(key.to_string(), value.clone());
                dropped.retain(|d| d != key);
            }
        }
    }
    for (key, value) in &overrides {
        vars.insert(key.clone(), value.clone());
    }
    if !paths.is_empty() {
        let mut entries: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        if let Some(extra) = overrides.get("PYTHONPATH") {
            entries.push(extra.clone());
        }
        vars.insert("PYTHONPATH".into(), entries.join(":"));
    }
    let pyc = match args.pyc {
        PycArg::Warm => Pyc::Warm,
        PycArg::Cold => Pyc::Cold,
        PycArg::AsIs => Pyc::AsIs,
    };
    if pyc == Pyc::Warm && overrides.contains_key("PYTHONDONTWRITEBYTECODE") {
        return Err(usage(
            "--env PYTHONDONTWRITEBYTECODE conflicts with --pyc warm; use --pyc as-is to measure without writing bytecode".into(),
        ));
    }
    if pyc == Pyc::Cold && overrides.contains_key("PYTHONPYCACHEPREFIX") {
        return Err(usage(
            "--env PYTHONPYCACHEPREFIX conflicts with --pyc cold, which sets a fresh one per sample; use --pyc as-is".into(),
        ));
    }
    Ok(Measure {
        python,
        targets,
        anchor,
        forbid: args.forbid.clone(),
        pyc,
        env: ChildEnv { vars },
        env_overrides: overrides,
        paths,
        dropped_env: dropped,
        timeout: Duration::from_secs_f64(args.timeout),
        tree_runs: args.tree_runs,
        warnings,
    })
}

/// Longest accepted `--timeout` in seconds (a week): beyond it a "timeout" is a typo, and a
/// `Duration` cannot hold much more.
pub const MAX_TIMEOUT_S: f64 = 7.0 * 86_400.0;

/// Output settings of commands that only report (no result files, no progress bar).
pub fn report_output(
    args: &ReportArgs,
    cwd: &Path,
    stdout_tty: bool,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Output> {
    let color = color(args.color, stdout_tty, &env);
    Ok(Output {
        dir: cwd.to_path_buf(),
        label: None,
        format: format(args.format),
        file: args.output.as_ref().map(|p| absolute(cwd, p)),
        color,
        progress: false,
        quiet: args.quiet,
        top: 5,
        svg: None,
    })
}

/// Output settings of `tree`, `why`, `config` and `cache`; the progress bar only on a terminal
/// stderr and not `--quiet`.
pub fn text_output(
    args: &TextOutputArgs,
    cwd: &Path,
    (stdout_tty, stderr_tty): (bool, bool),
    env: impl Fn(&str) -> Option<String>,
) -> Result<Output> {
    Ok(Output {
        dir: cwd.to_path_buf(),
        label: None,
        format: match args.format {
            TextFormatArg::Terminal => Format::Terminal,
            TextFormatArg::Json => Format::Json,
        },
        file: args.output.as_ref().map(|p| absolute(cwd, p)),
        color: color(args.color, stdout_tty, &env),
        progress: stderr_tty && !args.quiet,
        quiet: args.quiet,
        top: 5,
        svg: None,
    })
}

fn format(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Terminal => Format::Terminal,
        FormatArg::Json => Format::Json,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Junit => Format::Junit,
    }
}

/// `--color`, with `auto` meaning: stdout is a terminal, `NO_COLOR` is empty or unset, `TERM` is
/// not `dumb`.
fn color(arg: ColorArg, stdout_tty: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = env("TERM").is_some_and(|t| t == "dumb");
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => stdout_tty && !no_color && !dumb,
    }
}

/// Validates the gate flags; `default_threshold` is the command's own (percent).
pub fn gate(args: &GateArgs, default_threshold: f64) -> Result<GateOptions> {
    let threshold = args.threshold.unwrap_or(default_threshold);
    if !(threshold > 0.0 && threshold < 1000.0) {
        return Err(Error::Usage(
            "--threshold is a percentage above 0, e.g. --threshold 5".into(),
        ));
    }
    if !(args.min_effect >= 0.0 && args.min_effect.is_finite()) {
        return Err(Error::Usage(
            "--min-effect is a non-negative number of milliseconds".into(),
        ));
    }
    Ok(GateOptions {
        params: GateParams {
            threshold: threshold / 100.0,
            min_effect_ms: args.min_effect,
            effect: match args.effect_size {
                EffectSizeArg::Estimate => EffectSize::Estimate,
                EffectSizeArg::MedianDifference => EffectSize::MedianDifference,
            },
        },
        fail_on_new_modules: args.fail_on_new_modules,
        report_only: args.report_only,
    })
}

/// Validates budget flags; `forbid` are the modules that must not be loaded.
pub fn budgets(args: &BudgetArgs, forbid: &[String]) -> Result<Budgets> {
    let limits = |flag: &str, specs: &[String]| -> Result<Vec<budget::Limit<f64>>> {
        specs
            .iter()
            .map(|s| {
                let limit = budget::parse_limit::<f64>(flag, s)?;
                // NaN, infinite, zero or negative budgets can never be met (or always are).
                if limit.value > 0.0 && limit.value.is_finite() {
                    Ok(limit)
                } else {
                    Err(Error::Usage(format!(
                        "{flag} '{s}' must be a positive, finite number (e.g. {flag} 300)"
                    )))
                }
            })
            .collect()
    };
    for m in forbid {
        if !is_module_name(m) {
            return Err(Error::NotModuleName {
                flag: Some("--forbid"),
                name: m.clone(),
                hint: "",
            });
        }
    }
    Ok(Budgets {
        max_import_ms: limits("--max-import-ms", &args.max_import_ms)?,
        max_wall_ms: limits("--max-wall-ms", &args.max_wall_ms)?,
        max_modules: args
            .max_modules
            .iter()
            .map(|s| budget::parse_limit("--max-modules", s))
            .collect::<Result<_>>()?,
        max_total_modules: args
            .max_total_modules
            .iter()
            .map(|s| budget::parse_limit("--max-total-modules", s))
            .collect::<Result<_>>()?,
        max_package_modules: args
            .max_package_modules
            .iter()
            .map(|s| budget::parse_package_limit(s))
            .collect::<Result<_>>()?,
        forbid: forbid.to_vec(),
        max_peak_rss_mib: limits("--max-peak-rss-mib", &args.max_peak_rss_mib)?,
        max_instructions: args
            .max_instructions
            .iter()
            .map(|s| {
                let limit = budget::parse_limit::<u64>("--max-instructions", s)?;
                if limit.value == 0 {
                    return Err(Error::Usage(format!(
                        "--max-instructions '{s}' must be a positive count (e.g. --max-instructions 50000000)"
                    )));
                }
                Ok(limit)
            })
            .collect::<Result<_>>()?,
        statistic: args.statistic.map(|s| match s {
            StatisticArg::Median => Statistic::Median,
            StatisticArg::Mean => Statistic::Mean,
            StatisticArg::P95 => Statistic::P95,
            StatisticArg::Max => Statistic::Max,
        }),
    })
}

/// Validates output flags; `stdout_tty`/`stderr_tty` and `env` are passed in so this stays pure.
pub fn output(
    args: &OutputArgs,
    cwd: &Path,
    stdout_tty: bool,
    stderr_tty: bool,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Output> {
    if let Some(label) = &args.label {
        let ok = !label.is_empty()
            && label.len() <= 64
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !ok {
            return Err(Error::Usage(format!(
                "--label '{label}' must be 1-64 characters of letters, digits, '.', '_' or '-'"
            )));
        }
    }
    let dumb = env("TERM").is_some_and(|t| t == "dumb");
    let mut out = report_output(&args.report, cwd, stdout_tty, env)?;
    let dir = args.output_dir.as_deref();
    out.dir = absolute(cwd, dir.unwrap_or(Path::new(DEFAULT_OUTPUT_DIR)));
    out.label = args.label.clone();
    out.progress = stderr_tty && !args.report.quiet && !dumb;
    out.top = args.top;
    out.svg = args.svg.as_ref().map(|p| absolute(cwd, p));
    Ok(out)
}

impl Output {
    /// Checks, before measuring, that every file this output will write can be written.
    pub fn check_writable(&self) -> Result<()> {
        crate::results::store::check_writable(&self.dir)?;
        crate::results::store::check_file_writable(self.file.as_deref())?;
        crate::results::store::check_file_writable(self.svg.as_deref())
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
pub(crate) mod tests {
    use super::*;
    use clap::Parser;

    fn target_args(argv: &[&str]) -> (Vec<String>, TargetArgs) {
        #[derive(Parser)]
        struct T {
            modules: Vec<String>,
            #[command(flatten)]
            t: TargetArgs,
        }
        let mut full = vec!["t"];
        full.extend_from_slice(argv);
        let parsed = T::parse_from(full);
        (parsed.modules, parsed.t)
    }

    pub fn measure_of(argv: &[&str], env: &[(&str, &str)]) -> Result<Measure> {
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let (modules, args) = target_args(argv);
        measure(&modules, &args, "python3".into(), Path::new("/tmp"), env)
    }

    #[test]
    fn module_names_are_validated() {
        assert!(is_module_name("json"));
        assert!(is_module_name("a.b_c.d1"));
        assert!(is_module_name("_private"));
        for bad in [
            "",
            "1abc",
            "a..b",
            "a.",
            "os; import sys",
            "a-b",
            "a b",
            "__import__('os')",
        ] {
            assert!(!is_module_name(bad), "{bad}");
        }
        let err = measure_of(&["os;x"], &[]).unwrap_err().to_string();
        assert!(err.contains("not a dotted module name"), "{err}");
    }

    #[test]
    fn package_flags_replace_the_default_prefixes() {
        let m = measure_of(&["a.b", "c"], &[]).unwrap();
        assert_eq!(m.targets[0].packages, vec!["a"]);
        assert_eq!(m.targets[1].statement, "import c");
        let m = measure_of(&["a.b", "--package", "z"], &[]).unwrap();
        assert_eq!(m.targets[0].packages, vec!["z"]);
    }

    #[test]
    fn caller_python_variables_are_dropped_and_overrides_kept() {
        let m = measure_of(
            &["json", "--env", "A=1", "--env", "PYTHONHASHSEED=0"],
            &[
                ("PATH", "/bin"),
                ("PYTHONDONTWRITEBYTECODE", "1"),
                ("PYTHONPATH", "/x"),
            ],
        )
        .unwrap();
        assert_eq!(m.env.vars.get("PATH").map(String::as_str), Some("/bin"));
        assert_eq!(m.env.vars.get("A").map(String::as_str), Some("1"));
        assert_eq!(
            m.env.vars.get("PYTHONHASHSEED").map(String::as_str),
            Some("0")
        );
        assert!(!m.env.vars.contains_key("PYTHONDONTWRITEBYTECODE"));
        assert_eq!(m.dropped_env, vec!["PYTHONDONTWRITEBYTECODE", "PYTHONPATH"]);
        assert!(m.warnings[0].contains("--path"));
    }

    #[test]
    fn as_is_keeps_the_callers_bytecode_settings() {
        let m = measure_of(
            &["json", "--pyc", "as-is"],
            &[("PYTHONDONTWRITEBYTECODE", "1")],
        )
        .unwrap();
        assert_eq!(
            m.env
                .vars
                .get("PYTHONDONTWRITEBYTECODE")
                .map(String::as_str),
            Some("1")
        );
        assert!(m.dropped_env.is_empty(), "{:?}", m.dropped_env);
        let err = measure_of(&["json", "--env", "PYTHONDONTWRITEBYTECODE=1"], &[]).unwrap_err();
        assert!(err.to_string().contains("--pyc as-is"));
    }

    #[test]
    fn bad_inputs_name_their_flag() {
        for (argv, needle) in [
            (vec![], "nothing to measure"),
            (vec!["json", "json"], "given twice"),
            (vec!["json", "--env", "NOEQUALS"], "--env"),
            (vec!["json", "--timeout", "0"], "--timeout"),
            (vec!["json", "--forbid", "a b"], "--forbid"),
            (vec!["json", "--path", "/nonexistent/dir"], "--path"),
        ] {
            let err = measure_of(&argv, &[]).unwrap_err().to_string();
            assert!(err.contains(needle), "{argv:?}: {err}");
        }
    }

    #[test]
    fn python_default_and_relative_paths() {
        let cwd = Path::new("/work/proj");
        assert_eq!(
            python(Some(Path::new("python3.11")), cwd),
            PathBuf::from("python3.11")
        );
        assert_eq!(
            python(Some(Path::new(".venv/bin/python")), cwd),
            PathBuf::from("/work/proj/.venv/bin/python")
        );
        assert_eq!(
            python(None, Path::new("/nonexistent")),
            PathBuf::from("python3")
        );
    }

    #[test]
    fn colour_honours_no_color_and_dumb_terminals() {
        #[derive(Parser)]
        struct O {
            #[command(flatten)]
            o: OutputArgs,
        }
        let args = O::parse_from(["o"]).o;
        let cwd = Path::new("/");
        assert!(output(&args, cwd, true, true, |_| None).unwrap().color);
        assert!(!output(&args, cwd, false, true, |_| None).unwrap().color);
        assert!(
            !output(&args, cwd, true, true, |k| (k == "NO_COLOR")
                .then(|| "1".into()))
            .unwrap()
            .color
        );
        assert!(
            !output(&args, cwd, true, true, |k| (k == "TERM")
                .then(|| "dumb".into()))
            .unwrap()
            .color
        );
        let bad = O::parse_from(["o", "--label", "a/b"]).o;
        assert!(output(&bad, cwd, true, true, |_| None).is_err());
    }
}
