//! The keys a configuration file may hold ([`FileConfig`]), typed: a choice key is the same enum
//! as its flag, so a file value is checked when the file is read, never later.
use crate::model::choice::{Color, EffectSize, Metric, Statistic};
use crate::model::{Format, Pyc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Every key the file may hold (all optional). `keys::KEYS` describes each; a test holds the two
/// against each other.
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
    pub pyc: Option<Pyc>,
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
    pub effect_size: Option<EffectSize>,
    pub fail_on_new_modules: Option<bool>,
    /// `time` or `instructions` (issue 14: run, ab, branches, compare, bisect, history).
    pub metric: Option<Metric>,
    pub output_dir: Option<PathBuf>,
    pub format: Option<Format>,
    pub color: Option<Color>,
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
    /// Not a key: the file these values were read from (set by `load`, `None` for the defaults),
    /// recorded in result files (`settings.config_file`).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `anchor = "statement"` or `anchor = false`.
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
    pub statistic: Option<Statistic>,
}

/// A budget for every target (`300`) or one per target (`{ mypkg = 300 }`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PerTarget<T> {
    All(T),
    Each(BTreeMap<String, T>),
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub file: PathBuf,
    /// `coldstart.toml` or `pyproject.toml [tool.coldstart]`.
    pub origin: String,
    pub values: FileConfig,
}

/// `pyproject.toml` as far as coldstart reads it: `[tool.coldstart]`, everything else ignored.
#[derive(Deserialize)]
pub(super) struct Pyproject {
    pub tool: Option<Tool>,
}

#[derive(Deserialize)]
pub(super) struct Tool {
    pub coldstart: Option<FileConfig>,
}
