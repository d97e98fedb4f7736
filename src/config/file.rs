//! The file itself: its keys ([`FileConfig`]), discovery (`--config`, `coldstart.toml`,
//! `pyproject.toml`), paths made relative to the file, choice-valued keys checked.
use crate::cli::{ColorArg, EffectSizeArg, FormatArg, MetricArg, PycArg};
use crate::error::{Error, Result};
use clap::ValueEnum;
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
    /// `time` or `instructions` (run, ab, branches, compare).
    pub metric: Option<String>,
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
    pub max_total_modules: Option<PerTarget<usize>>,
    pub max_package_modules: Option<BTreeMap<String, usize>>,
    pub max_peak_rss_mib: Option<PerTarget<f64>>,
    pub max_instructions: Option<PerTarget<u64>>,
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
    Error::Config {
        file: file.to_path_buf(),
        problem: format!(
            "{}; fix the key or remove it (see `coldstart config --help`)",
            first.trim()
        ),
    }
}

/// Reads `explicit`, else `coldstart.toml`, else `pyproject.toml`'s `[tool.coldstart]` in `dir`.
pub fn load(dir: &Path, explicit: Option<&Path>) -> Result<Option<Config>> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| Error::ConfigUnreadable {
            path: p.to_path_buf(),
            reason: e.to_string(),
        })
    };
    let (file, table, origin) = match explicit {
        Some(p) => {
            let path = crate::model::absolute(dir, p);
            let text = read(&path)?;
            let value: toml::Table = toml::from_str(&text).map_err(|e| parse_error(&path, e))?;
            let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
            let table = if is_pyproject {
                tool_table(&value).map_err(|problem| Error::Config {
                    file: path.clone(),
                    problem,
                })?
            } else {
                Some(value)
            };
            (path.clone(), table, path.display().to_string())
        }
        None => {
            let own = dir.join("coldstart.toml");
            let pyproject = dir.join("pyproject.toml");
            if own.exists() && !own.is_file() {
                return Err(Error::ConfigUnreadable {
                    path: own,
                    reason: "it is not a regular file (a directory?); remove or rename it".into(),
                });
            }
            if own.is_file() {
                let value: toml::Table =
                    toml::from_str(&read(&own)?).map_err(|e| parse_error(&own, e))?;
                (own, Some(value), "coldstart.toml".to_string())
            } else if pyproject.is_file() {
                let value: toml::Table =
                    toml::from_str(&read(&pyproject)?).map_err(|e| parse_error(&pyproject, e))?;
                let table = tool_table(&value).map_err(|problem| Error::Config {
                    file: pyproject.clone(),
                    problem,
                })?;
                (
                    pyproject,
                    table,
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
    check_choice::<MetricArg>(&file, "metric", &values.metric)?;
    Ok(Some(Config {
        file,
        origin,
        values,
    }))
}

/// `[tool.coldstart]` of a pyproject table: `None` when absent, an error naming the fix when
/// `tool` or `tool.coldstart` is there but not a table (it would otherwise be ignored silently).
fn tool_table(pyproject: &toml::Table) -> std::result::Result<Option<toml::Table>, String> {
    let Some(tool) = pyproject.get("tool") else {
        return Ok(None);
    };
    let Some(tool) = tool.as_table() else {
        return Err(
            "`tool` is not a table; write [tool.coldstart] with the settings under it".into(),
        );
    };
    match tool.get("coldstart") {
        None => Ok(None),
        Some(toml::Value::Table(t)) => Ok(Some(t.clone())),
        Some(other) => Err(format!(
            "tool.coldstart is a {}, not a table; write the settings under a [tool.coldstart] header",
            other.type_str()
        )),
    }
}

/// The flag value a configuration string names (`as-is`, `median-difference`, ...).
pub(super) fn choice<T: ValueEnum>(s: &str) -> Option<T> {
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
    Err(Error::Config {
        file: file.to_path_buf(),
        problem: format!("{key} = '{v}' must be {allowed}"),
    })
}
