//! What to measure: targets, the child environment, the bytecode policy, validated settings.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Bytecode-cache policy for the measured children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Pyc {
    Warm,
    Cold,
    AsIs,
}

impl Pyc {
    /// The name used on the command line and in result files (`warm`, `cold`, `as-is`).
    pub fn as_str(self) -> &'static str {
        match self {
            Pyc::Warm => "warm",
            Pyc::Cold => "cold",
            Pyc::AsIs => "as-is",
        }
    }
}

/// The complete environment a child starts with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChildEnv {
    pub vars: BTreeMap<String, String>,
}

/// One thing to time: a statement and the package prefixes whose modules it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub name: String,
    pub statement: String,
    pub packages: Vec<String>,
}

/// Everything needed to measure, validated.
#[derive(Debug, Clone)]
pub struct Measure {
    pub python: PathBuf,
    pub targets: Vec<Target>,
    pub anchor: Option<String>,
    pub forbid: Vec<String>,
    pub pyc: Pyc,
    pub env: ChildEnv,
    /// `--env` pairs as given, recorded in results.
    pub env_overrides: BTreeMap<String, String>,
    /// `--path` directories, absolute, recorded in results.
    pub paths: Vec<PathBuf>,
    /// Caller variables not passed on (all `PYTHON*`), recorded in results.
    pub dropped_env: Vec<String>,
    pub timeout: Duration,
    /// Runs of the `-X importtime` pass per target.
    pub tree_runs: usize,
    /// Notes about the set-up the user should see (and that are stored in the result).
    pub warnings: Vec<String>,
    /// The configuration file the settings were read from, recorded in results.
    pub config_file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyc_names_match_serde() {
        for p in [Pyc::Warm, Pyc::Cold, Pyc::AsIs] {
            assert_eq!(
                serde_json::to_value(p).unwrap(),
                serde_json::Value::from(p.as_str())
            );
        }
    }
}
