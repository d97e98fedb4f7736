//! The configuration file: `coldstart.toml`, else `[tool.coldstart]` in `pyproject.toml` (or
//! `--config FILE`). Values fill in every flag the command line did not give (command-line flags
//! win; clap's `value_source` tells which were given). Unknown keys are errors naming the key.
use crate::cli::{
    AbArgs, BranchesArgs, BudgetArgs, CheckArgs, ColorArg, Command, CompareArgs, EffectSizeArg,
    FormatArg, GateArgs, OutputArgs, PairArgs, PycArg, ReportArgs, RunArgs, TargetArgs, TreeArgs,
    WhyArgs,
};
use crate::error::{Error, Result};
use clap::parser::ValueSource;
use clap::{ArgMatches, ValueEnum};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every key the file may hold (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Modules to import when none are named on the command line.
    pub targets: Option<Vec<String>>,
    /// Statements to time when none are given on the command line.
    pub stmts: Option<Vec<String>>,
    pub python: Option<PathBuf>,
    pub runs: Option<usize>,
    pub warmup: Option<usize>,
    pub pairs: Option<usize>,
    pub max_pairs: Option<usize>,
    pub packages: Option<Vec<String>>,
    pub forbid: Option<Vec<String>>,
    pub pyc: Option<String>,
    pub env: Option<BTreeMap<String, String>>,
    pub path: Option<Vec<PathBuf>>,
    pub timeout: Option<f64>,
    /// A statement, or `false` for no anchor.
    pub anchor: Option<AnchorSetting>,
    pub tree_runs: Option<usize>,
    /// Percent, for `ab` and `branches`.
    pub threshold: Option<f64>,
    /// Percent, for `compare`.
    pub compare_threshold: Option<f64>,
    pub min_effect: Option<f64>,
    /// `estimate` or `median-difference`.
    pub effect_size: Option<String>,
    pub fail_on_new_modules: Option<bool>,
    pub output_dir: Option<PathBuf>,
    /// `terminal`, `json`, `markdown` or `junit`.
    pub format: Option<String>,
    /// `auto`, `always` or `never`.
    pub color: Option<String>,
    pub quiet: Option<bool>,
    pub top: Option<usize>,
    pub report_only: Option<bool>,
    /// For `compare`.
    pub strict: Option<bool>,
    /// For `tree`.
    pub min_ms: Option<f64>,
    pub setup: Option<String>,
    pub cache_dir: Option<PathBuf>,
    pub budgets: Option<BudgetConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnchorSetting {
    Statement(String),
    Enabled(bool),
}

/// `[tool.coldstart.budgets]`: each limit is a number for every target or a table per target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetConfig {
    pub max_import_ms: Option<PerTarget<f64>>,
    pub max_wall_ms: Option<PerTarget<f64>>,
    pub max_modules: Option<PerTarget<usize>>,
    pub max_package_modules: Option<BTreeMap<String, usize>>,
    pub max_peak_rss_mib: Option<PerTarget<f64>>,
    pub statistic: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PerTarget<T> {
    All(T),
    Each(BTreeMap<String, T>),
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub file: PathBuf,
    /// `coldstart.toml` or `pyproject.toml [tool.coldstart]`.
    pub origin: String,
    pub values: FileConfig,
}

fn parse_error(file: &Path, e: impl std::fmt::Display) -> Error {
    let text = e.to_string();
    let first = text
        .lines()
        .find(|l| l.contains("unknown field") || l.contains("invalid"))
        .unwrap_or_else(|| text.lines().last().unwrap_or(""));
    Error::Usage(format!(
        "{}: {}; fix the key or remove it (see `coldstart config --help`)",
        file.display(),
        first.trim()
    ))
}

/// Reads `explicit`, else `coldstart.toml`, else `pyproject.toml`'s `[tool.coldstart]` in `dir`.
pub fn load(dir: &Path, explicit: Option<&Path>) -> Result<Option<Config>> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| {
            Error::Usage(format!(
                "cannot read config file {}: {e}; check the file, or pass --config FILE",
                p.display()
            ))
        })
    };
    let (file, table, origin) = match explicit {
        Some(p) => {
            let path = crate::settings::absolute(dir, p);
            let text = read(&path)?;
            let value: toml::Table = toml::from_str(&text).map_err(|e| parse_error(&path, e))?;
            let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
            let table = if is_pyproject {
                tool_table(&value)
            } else {
                Some(value)
            };
            (path.clone(), table, path.display().to_string())
        }
        None => {
            let own = dir.join("coldstart.toml");
            let pyproject = dir.join("pyproject.toml");
            if own.is_file() {
                let value: toml::Table =
                    toml::from_str(&read(&own)?).map_err(|e| parse_error(&own, e))?;
                (own, Some(value), "coldstart.toml".to_string())
            } else if pyproject.is_file() {
                let value: toml::Table =
                    toml::from_str(&read(&pyproject)?).map_err(|e| parse_error(&pyproject, e))?;
                (
                    pyproject,
                    tool_table(&value),
                    "pyproject.toml [tool.coldstart]".to_string(),
                )
            } else {
                return Ok(None);
            }
        }
    };
    let Some(table) = table else { return Ok(None) };
    let mut values: FileConfig = toml::Value::Table(table)
        .try_into()
        .map_err(|e| parse_error(&file, e))?;
    let base = file.parent().unwrap_or(dir).to_path_buf();
    let anchor_to = |p: &mut PathBuf| {
        if p.components().count() > 1 && !p.is_absolute() {
            *p = base.join(&*p);
        }
    };
    if let Some(p) = values.python.as_mut() {
        anchor_to(p);
    }
    for p in values
        .output_dir
        .iter_mut()
        .chain(values.cache_dir.iter_mut())
    {
        *p = base.join(&*p);
    }
    for p in values.path.iter_mut().flatten() {
        *p = base.join(&*p);
    }
    check_choice::<PycArg>(&file, "pyc", &values.pyc)?;
    check_choice::<EffectSizeArg>(&file, "effect_size", &values.effect_size)?;
    check_choice::<FormatArg>(&file, "format", &values.format)?;
    check_choice::<ColorArg>(&file, "color", &values.color)?;
    Ok(Some(Config {
        file,
        origin,
        values,
    }))
}

fn tool_table(pyproject: &toml::Table) -> Option<toml::Table> {
    pyproject.get("tool")?.get("coldstart")?.as_table().cloned()
}

/// The flag value a configuration string names (`as-is`, `median-difference`, ...).
fn choice<T: ValueEnum>(s: &str) -> Option<T> {
    T::from_str(s, false).ok()
}

/// An error naming the key and the allowed values when `value` is not one of `T`'s.
fn check_choice<T: ValueEnum>(file: &Path, key: &str, value: &Option<String>) -> Result<()> {
    let Some(v) = value else { return Ok(()) };
    if choice::<T>(v).is_some() {
        return Ok(());
    }
    let names: Vec<String> = T::value_variants()
        .iter()
        .filter_map(|x| x.to_possible_value())
        .map(|p| p.get_name().to_string())
        .collect();
    let allowed = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    };
    Err(Error::Usage(format!(
        "{}: {key} = '{v}' must be {allowed}",
        file.display()
    )))
}

/// Whether the user gave `id` on the command line.
fn given(m: &ArgMatches, id: &str) -> bool {
    m.try_get_raw(id).is_ok() && m.value_source(id) == Some(ValueSource::CommandLine)
}

/// Sets `field` from the config when the flag `id` was not given.
fn fill<T: Clone>(m: &ArgMatches, id: &str, field: &mut T, value: &Option<T>) {
    if let (false, Some(v)) = (given(m, id), value) {
        *field = v.clone();
    }
}

/// Fills the target flags from the file; `modules` is `None` for `branches`, which decides its
/// targets itself (see `BranchesArgs::default_modules`).
fn fill_targets(
    m: &ArgMatches,
    modules: Option<&mut Vec<String>>,
    t: &mut TargetArgs,
    c: &FileConfig,
) {
    if let Some(modules) = modules
        && !given(m, "modules")
        && !given(m, "stmts")
    {
        fill(m, "modules", modules, &c.targets);
        fill(m, "stmts", &mut t.stmts, &c.stmts);
    }
    fill(m, "packages", &mut t.packages, &c.packages);
    fill(m, "forbid", &mut t.forbid, &c.forbid);
    fill(m, "pyc", &mut t.pyc, &c.pyc.as_deref().and_then(choice));
    let env: Option<Vec<String>> = c
        .env
        .as_ref()
        .map(|e| e.iter().map(|(k, v)| format!("{k}={v}")).collect());
    fill(m, "env", &mut t.env, &env);
    fill(m, "path", &mut t.path, &c.path);
    fill(m, "timeout", &mut t.timeout, &c.timeout);
    fill(m, "tree_runs", &mut t.tree_runs, &c.tree_runs);
    if !given(m, "anchor") && !given(m, "no_anchor") {
        match &c.anchor {
            Some(AnchorSetting::Statement(s)) => t.anchor = s.clone(),
            Some(AnchorSetting::Enabled(false)) => t.no_anchor = true,
            _ => {}
        }
    }
}

fn fill_output(m: &ArgMatches, o: &mut OutputArgs, c: &FileConfig) {
    fill(m, "output_dir", &mut o.output_dir, &c.output_dir);
    fill(m, "top", &mut o.top, &c.top);
    fill_report(m, &mut o.report, c);
}

fn fill_report(m: &ArgMatches, r: &mut ReportArgs, c: &FileConfig) {
    fill(
        m,
        "format",
        &mut r.format,
        &c.format.as_deref().and_then(choice),
    );
    fill(
        m,
        "color",
        &mut r.color,
        &c.color.as_deref().and_then(choice),
    );
    fill(m, "quiet", &mut r.quiet, &c.quiet);
}

fn fill_pairs(m: &ArgMatches, p: &mut PairArgs, c: &FileConfig) {
    fill(m, "pairs", &mut p.pairs, &c.pairs);
    fill(m, "max_pairs", &mut p.max_pairs, &c.max_pairs);
    fill(m, "warmup", &mut p.warmup, &c.warmup);
}

fn fill_gate(m: &ArgMatches, g: &mut GateArgs, c: &FileConfig, threshold: &Option<f64>) {
    fill(m, "threshold", &mut g.threshold, &threshold.map(Some));
    fill(m, "min_effect", &mut g.min_effect, &c.min_effect);
    let effect = c.effect_size.as_deref().and_then(choice);
    fill(m, "effect_size", &mut g.effect_size, &effect);
    fill(
        m,
        "fail_on_new_modules",
        &mut g.fail_on_new_modules,
        &c.fail_on_new_modules,
    );
    fill(m, "report_only", &mut g.report_only, &c.report_only);
}

fn specs<T: std::fmt::Display>(limit: &Option<PerTarget<T>>) -> Option<Vec<String>> {
    limit.as_ref().map(|l| match l {
        PerTarget::All(v) => vec![v.to_string()],
        PerTarget::Each(map) => map.iter().map(|(t, v)| format!("{t}={v}")).collect(),
    })
}

fn fill_budgets(m: &ArgMatches, b: &mut BudgetArgs, c: &FileConfig) -> Result<()> {
    let Some(cfg) = &c.budgets else { return Ok(()) };
    fill(
        m,
        "max_import_ms",
        &mut b.max_import_ms,
        &specs(&cfg.max_import_ms),
    );
    fill(
        m,
        "max_wall_ms",
        &mut b.max_wall_ms,
        &specs(&cfg.max_wall_ms),
    );
    fill(
        m,
        "max_modules",
        &mut b.max_modules,
        &specs(&cfg.max_modules),
    );
    fill(
        m,
        "max_peak_rss_mib",
        &mut b.max_peak_rss_mib,
        &specs(&cfg.max_peak_rss_mib),
    );
    let packages = cfg
        .max_package_modules
        .as_ref()
        .map(|p| p.iter().map(|(k, v)| format!("{k}={v}")).collect());
    fill(
        m,
        "max_package_modules",
        &mut b.max_package_modules,
        &packages,
    );
    if let Some(s) = &cfg.statistic {
        use clap::ValueEnum;
        let parsed = crate::cli::StatisticArg::from_str(s, false).map_err(|_| {
            Error::Usage(format!(
                "budgets.statistic = '{s}' must be median, mean, p95 or max"
            ))
        })?;
        fill(m, "statistic", &mut b.statistic, &Some(Some(parsed)));
    }
    Ok(())
}

/// Applies `config` to the parsed command (`m` are the subcommand's matches).
pub fn apply(command: &mut Command, m: &ArgMatches, config: &Config) -> Result<()> {
    let c = &config.values;
    match command {
        Command::Run(RunArgs {
            modules,
            target,
            python,
            runs,
            warmup,
            check,
            budgets,
            output,
            ..
        }) => {
            fill_targets(m, Some(modules), target, c);
            fill(m, "python", python, &c.python.clone().map(Some));
            fill(m, "runs", runs, &c.runs);
            fill(m, "warmup", warmup, &c.warmup);
            // File budgets gate `run` only when asked with --check; budget flags imply it.
            if *check {
                fill_budgets(m, budgets, c)?;
            }
            fill_output(m, output, c);
        }
        Command::Ab(AbArgs {
            modules,
            target,
            pairs,
            gate,
            output,
            ..
        }) => {
            fill_targets(m, Some(modules), target, c);
            fill_pairs(m, pairs, c);
            fill_gate(m, gate, c, &c.threshold);
            fill_output(m, output, c);
        }
        Command::Branches(a) => {
            let BranchesArgs {
                target,
                python,
                setup,
                cache_dir,
                pairs,
                gate,
                output,
                default_modules,
                default_stmts,
                ..
            } = a;
            fill_targets(m, None, target, c);
            if !given(m, "stmts") {
                *default_modules = c.targets.clone().unwrap_or_default();
                *default_stmts = c.stmts.clone().unwrap_or_default();
            }
            fill(m, "python", python, &c.python.clone().map(Some));
            fill(m, "setup", setup, &c.setup.clone().map(Some));
            fill(m, "cache_dir", cache_dir, &c.cache_dir.clone().map(Some));
            fill_pairs(m, pairs, c);
            fill_gate(m, gate, c, &c.threshold);
            fill_output(m, output, c);
        }
        Command::Compare(CompareArgs {
            gate,
            strict,
            output,
            ..
        }) => {
            fill_gate(m, gate, c, &c.compare_threshold);
            fill(m, "strict", strict, &c.strict);
            fill_report(m, output, c);
        }
        Command::Check(CheckArgs {
            forbid,
            budgets,
            output,
            ..
        }) => {
            fill(m, "forbid", forbid, &c.forbid);
            fill_budgets(m, budgets, c)?;
            fill_report(m, output, c);
        }
        Command::Tree(TreeArgs {
            modules,
            target,
            python,
            min_ms,
            ..
        }) => {
            fill_targets(m, Some(modules), target, c);
            fill(m, "python", python, &c.python.clone().map(Some));
            fill(m, "min_ms", min_ms, &c.min_ms);
        }
        Command::Why(WhyArgs {
            modules,
            target,
            python,
            ..
        }) => {
            fill_targets(m, Some(modules), target, c);
            fill(m, "python", python, &c.python.clone().map(Some));
        }
        Command::Cache(a) => fill(
            m,
            "cache_dir",
            &mut a.cache_dir,
            &c.cache_dir.clone().map(Some),
        ),
        Command::Config(_) | Command::Completions(_) | Command::Man(_) => {}
    }
    Ok(())
}

/// One line of `coldstart config`: a key, its effective value and where that came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effective {
    pub key: String,
    pub value: String,
    pub source: String,
}

/// The clap default of `id` in the first of `commands` that has one.
fn clap_default(id: &str, commands: &[&str]) -> Option<String> {
    use clap::CommandFactory;
    let cli = crate::cli::Cli::command();
    commands.iter().find_map(|name| {
        let sub = cli.find_subcommand(name)?;
        let arg = sub.get_arguments().find(|a| a.get_id() == id)?;
        let values: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    })
}

/// Every key with its effective value: from the file, else the built-in default.
pub fn effective(config: Option<&Config>) -> Vec<Effective> {
    let file_values: toml::Table = config
        .and_then(|c| toml::Table::try_from(&c.values).ok())
        .unwrap_or_default();
    // (key, the flag's id, commands whose default applies, default when clap has none)
    const KEYS: &[(&str, &str, &[&str], &str)] = &[
        (
            "targets",
            "modules",
            &[],
            "(none: name modules on the command line)",
        ),
        ("stmts", "stmts", &[], "(none)"),
        (
            "python",
            "python",
            &[],
            "python -m coldstart's interpreter, else the venv coldstart is installed in, else ./.venv/bin/python, else python3",
        ),
        ("runs", "runs", &["run"], ""),
        ("warmup", "warmup", &["run", "ab"], ""),
        ("pairs", "pairs", &["ab"], ""),
        ("max_pairs", "max_pairs", &["ab"], ""),
        (
            "packages",
            "packages",
            &[],
            "each target's top-level package",
        ),
        ("forbid", "forbid", &[], "(none)"),
        ("pyc", "pyc", &["run"], ""),
        ("env", "env", &[], "(none)"),
        ("path", "path", &[], "(none)"),
        ("timeout", "timeout", &["run"], ""),
        ("anchor", "anchor", &["run"], ""),
        ("tree_runs", "tree_runs", &["run"], ""),
        (
            "threshold",
            "threshold",
            &[],
            "5 (percent, ab and branches)",
        ),
        (
            "compare_threshold",
            "threshold",
            &[],
            "10 (percent, compare)",
        ),
        ("min_effect", "min_effect", &["ab"], ""),
        ("effect_size", "effect_size", &["ab"], ""),
        (
            "fail_on_new_modules",
            "fail_on_new_modules",
            &["ab"],
            "false",
        ),
        ("output_dir", "output_dir", &["run"], ""),
        ("format", "format", &["run"], ""),
        ("color", "color", &["run"], ""),
        ("quiet", "quiet", &["run"], "false"),
        ("top", "top", &["run"], ""),
        ("report_only", "report_only", &["ab"], "false"),
        ("strict", "strict", &["compare"], "false"),
        ("min_ms", "min_ms", &["tree"], ""),
        (
            "setup",
            "setup",
            &[],
            "uv if on PATH, else python -m venv + pip install",
        ),
        (
            "cache_dir",
            "cache_dir",
            &[],
            "$XDG_CACHE_HOME/coldstart or ~/.cache/coldstart",
        ),
        ("budgets", "", &[], "(none)"),
    ];
    KEYS.iter()
        .map(
            |(key, id, commands, fallback)| match file_values.get(*key) {
                Some(v) => Effective {
                    key: key.to_string(),
                    value: v.to_string(),
                    source: config.map(|c| c.origin.clone()).unwrap_or_default(),
                },
                None => Effective {
                    key: key.to_string(),
                    value: clap_default(id, commands).unwrap_or_else(|| fallback.to_string()),
                    source: "default".into(),
                },
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::{CommandFactory, FromArgMatches};

    /// `argv` parsed and the configuration `toml` applied, as `lib::main` does.
    fn configured(argv: &[&str], toml: &str) -> Command {
        let matches = Cli::command().get_matches_from(argv);
        let mut cli = Cli::from_arg_matches(&matches).unwrap();
        let config = Config {
            file: PathBuf::from("coldstart.toml"),
            origin: "coldstart.toml".into(),
            values: toml::from_str(toml).unwrap(),
        };
        apply(&mut cli.command, matches.subcommand().unwrap().1, &config).unwrap();
        cli.command
    }

    const TARGETS_AND_STMTS: &str = "targets = ['a']\nstmts = ['import b']\n";

    #[test]
    fn branches_keeps_both_file_targets_and_statements_as_defaults() {
        let Command::Branches(b) =
            configured(&["coldstart", "branches", "main"], TARGETS_AND_STMTS)
        else {
            unreachable!()
        };
        assert_eq!(b.default_modules, ["a"]);
        assert_eq!(b.default_stmts, ["import b"]);
        // Not added to what the command line asks for: `branches main json` measures json only.
        assert!(b.target.stmts.is_empty());
    }

    #[test]
    fn branches_with_stmt_on_the_command_line_ignores_the_file_targets() {
        let Command::Branches(b) = configured(
            &["coldstart", "branches", "main", "--stmt", "import c"],
            TARGETS_AND_STMTS,
        ) else {
            unreachable!()
        };
        assert!(b.default_modules.is_empty() && b.default_stmts.is_empty());
        assert_eq!(b.target.stmts, ["import c"]);
    }

    #[test]
    fn run_takes_file_targets_and_statements_only_when_none_are_given() {
        let Command::Run(r) = configured(&["coldstart", "run"], TARGETS_AND_STMTS) else {
            unreachable!()
        };
        assert_eq!(
            (r.modules, r.target.stmts),
            (vec!["a".into()], vec!["import b".into()])
        );
        let Command::Run(r) = configured(&["coldstart", "run", "json"], TARGETS_AND_STMTS) else {
            unreachable!()
        };
        assert_eq!(r.modules, ["json"]);
        assert!(r.target.stmts.is_empty());
    }
}
