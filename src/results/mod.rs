//! The result file: a versioned, documented JSON contract (docs/results-format.md), built purely
//! from what the runner measured, and stored atomically.
pub mod build;
pub mod store;
pub mod validate;

use crate::git::GitInfo;
use crate::model::Pyc;
use crate::probe::Interpreter;
use crate::probe::installed::Distribution;
use crate::stats::summary::Summary;
use crate::sys::host::{HostInfo, Noise};
use crate::tree::ImportTree;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped on any incompatible change; readers accept every version up to this one.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultFile {
    pub format_version: u32,
    pub tool: Tool,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub label: Option<String>,
    pub environment: Environment,
    pub settings: RunSettings,
    pub startup_ms: Startup,
    pub anchor: Option<Anchor>,
    /// Other processes' CPU use while measuring.
    pub noise: Option<Noise>,
    pub targets: Vec<TargetResult>,
    /// Run-wide warnings (busy machine, environment notes).
    pub warnings: Vec<String>,
    /// `--metric instructions` (issue 14): how the statement's instructions were counted; absent
    /// from time-only results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<Counting>,
}

/// How instructions were counted: the same for every target of a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counting {
    /// `callgrind` (valgrind's tool, between two markers around the statement).
    pub counter: String,
    /// `valgrind-3.19.0`.
    pub counter_version: String,
    /// The `PYTHONHASHSEED` of every counted child.
    pub hash_seed: String,
}

/// One target's instruction counts: one per counted child (each a fresh interpreter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetCounts {
    pub samples: Vec<u64>,
    /// Recomputed from `samples` when a file is loaded.
    pub summary: crate::stats::instructions::CountSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub python: Interpreter,
    pub host: HostInfo,
    pub git: Option<GitInfo>,
    /// The installed distributions the target sees, sorted by normalised name (format version 2;
    /// `None` in version 1 files and when they could not be read, which a warning says).
    #[serde(default)]
    pub distributions: Option<Vec<Distribution>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    pub runs: usize,
    pub warmup: usize,
    pub pyc: Pyc,
    pub anchor: Option<String>,
    pub timeout_s: f64,
    /// `--env` pairs given for the child.
    pub env: BTreeMap<String, String>,
    /// `--path` directories prepended to the child's sys.path.
    pub path: Vec<String>,
    /// Names of caller variables not passed to the child (all `PYTHON*`).
    pub dropped_env: Vec<String>,
    pub forbid: Vec<String>,
    /// The configuration file read (`--config`, or the one found from the current directory up);
    /// absent when none was, and in files written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Startup {
    /// Median wall time of `python -c pass`; 0 when not measured.
    pub median: f64,
    pub samples: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    pub statement: String,
    pub samples: Vec<AnchorSample>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnchorSample {
    pub import_ms: f64,
    pub wall_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetResult {
    pub name: String,
    pub statement: String,
    /// Package prefixes counted in `modules.by_package`.
    pub packages: Vec<String>,
    pub samples: Vec<Sample>,
    pub summary: Summaries,
    pub modules: Modules,
    /// Each `--forbid` module: loaded after the import in any sample.
    pub forbidden: BTreeMap<String, bool>,
    /// Modules compiled from source on every run despite warm-up.
    pub uncached: Vec<String>,
    /// Aggregated `-X importtime` tree of the diagnostic pass (`--tree-runs`), if taken.
    #[serde(default)]
    pub import_tree: Option<ImportTree>,
    pub warnings: Vec<String>,
    /// `--metric instructions`: the statement's counted instructions (see `ResultFile::instructions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<TargetCounts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// In-child perf_counter around the statement (interpreter start-up excluded).
    pub import_ms: f64,
    /// In-child process_time around the statement.
    pub import_cpu_ms: f64,
    /// Spawn to exit, measured by coldstart.
    pub wall_ms: f64,
    /// Child user+system CPU from wait4.
    pub cpu_ms: f64,
    /// VmHWM read by the child after the import.
    pub peak_rss_kib: Option<u64>,
    /// len(sys.modules) after the import.
    pub modules: usize,
    /// len(sys.modules) before the import (interpreter start-up, site, .pth files).
    pub startup_modules: usize,
    /// Time runnable but waiting for a CPU (scheduler delay), if readable.
    pub run_delay_ms: Option<f64>,
    /// Index into `anchor.samples` of the anchor measured in the same round.
    pub anchor_index: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summaries {
    pub import_ms: Summary,
    pub import_cpu_ms: Summary,
    pub wall_ms: Summary,
    pub cpu_ms: Summary,
    pub peak_rss_kib: Option<Summary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Modules {
    /// len(sys.modules) after the import, in the first measured sample.
    pub total: usize,
    /// len(sys.modules) before the import.
    pub startup: usize,
    /// Modules equal to or below each package prefix.
    pub by_package: BTreeMap<String, usize>,
    /// Sorted names loaded after the import, in the first measured sample.
    pub loaded: Vec<String>,
    /// Modules present in some samples but not all (empty when the set is stable).
    pub varying: Vec<String>,
    /// Sorted names in `sys.modules` before the import: what interpreter start-up loaded
    /// (`site`, `.pth` hooks). Format version 2; empty in version 1 files.
    #[serde(default)]
    pub startup_loaded: Vec<String>,
}

impl Modules {
    /// The modules the statement loaded beyond start-up, which diffs, `NOW EAGER`/`NOW LAZY`,
    /// `--fail-on-new-modules` and `max_modules` use (start-up differs between interpreters and
    /// environments). A version 1 file has no start-up names, so all loaded modules count.
    pub fn imported(&self) -> Vec<&String> {
        if self.startup_loaded.is_empty() {
            return self.loaded.iter().collect();
        }
        self.loaded
            .iter()
            .filter(|m| self.startup_loaded.binary_search(m).is_err())
            .collect()
    }

    /// How many modules the statement loaded beyond start-up (`total - startup` in a version 1
    /// file, whose start-up names were not recorded).
    pub fn imported_count(&self) -> usize {
        if self.startup_loaded.is_empty() {
            return self.total.saturating_sub(self.startup);
        }
        self.imported().len()
    }
}

// --- issue 14: instruction counts ---

/// How counted children run: the counter, its version, the hash seed (`--env PYTHONHASHSEED`
/// if given, else [`crate::probe::COUNT_HASH_SEED`]).
pub fn counting(m: &crate::model::Measure, version: &str) -> Counting {
    Counting {
        counter: crate::probe::callgrind::COUNTER.to_string(),
        counter_version: version.to_string(),
        hash_seed: m
            .env
            .vars
            .get("PYTHONHASHSEED")
            .cloned()
            .unwrap_or_else(|| crate::probe::COUNT_HASH_SEED.to_string()),
    }
}

/// Adds `counts` (one list per target, in order) and how they were taken to `result`.
pub fn attach(result: &mut ResultFile, counts: Vec<Vec<u64>>, counting: Counting) {
    for (t, samples) in result.targets.iter_mut().zip(counts) {
        if let Some(summary) = crate::stats::instructions::CountSummary::new(&samples) {
            t.instructions = Some(TargetCounts { samples, summary });
        }
    }
    result.instructions = Some(counting);
}
