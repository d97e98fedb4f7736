//! The built-in value of every key, for `settings` (a flag neither given nor in the file) and for
//! `coldstart config` (what an unset key means).
use crate::model::choice::{Color, EffectSize, Metric};
use crate::model::{Format, Pyc};

pub const RUNS: usize = 20;
/// `history` samples each commit: fewer runs than `run`.
pub const HISTORY_RUNS: usize = 10;
pub const WARMUP: usize = 2;
pub const PAIRS: usize = 30;
pub const MAX_PAIRS: usize = 160;
pub const PYC: Pyc = Pyc::Warm;
pub const TIMEOUT_S: f64 = 60.0;
pub const ANCHOR: &str = "import asyncio, json, email.message";
pub const TREE_RUNS: usize = 5;
/// Percent, for interleaved pairs (`ab`, `branches`, `lazy`).
pub const THRESHOLD: f64 = 5.0;
/// Percent, for files taken at different times (`compare`): wider than for pairs.
pub const COMPARE_THRESHOLD: f64 = 10.0;
pub const MIN_EFFECT_MS: f64 = 1.0;
pub const EFFECT_SIZE: EffectSize = EffectSize::Estimate;
pub const OUTPUT_DIR: &str = "benchmark_results";
pub const FORMAT: Format = Format::Terminal;
pub const COLOR: Color = Color::Auto;
pub const TOP: usize = 5;
pub const MIN_MS: f64 = 1.0;
pub const METRIC: Metric = Metric::Time;
