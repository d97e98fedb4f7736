//! Command-line types of `bisect` and `history` (issue 16).
use super::{EnvArgs, OutputArgs, PairArgs, TargetArgs};
use crate::model::choice::Metric;
use clap::Args;
use std::path::PathBuf;

/// Where each revision's environment comes from, and which commits are walked (shared by
/// `bisect` and `history`).
#[derive(Debug, Clone, Args)]
pub struct RevisionEnvArgs {
    #[command(flatten)]
    pub env: EnvArgs,
    /// Walk merged branches too (default: first parents only, merges as single steps).
    #[arg(long)]
    pub all_parents: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Conditions (exactly one): --forbid X (X is loaded), --max-modules N (more than N \
modules), --new-package P (top-level package P is loaded), --module-added M (M or a submodule is \
loaded), each from one sample per commit; --slower PERCENT (slower than GOOD by more than PERCENT, \
paired gate against GOOD's environment); with --metric instructions: more instructions than GOOD's \
by more than --slower PERCENT [default: 1], counted under valgrind's callgrind. Exit 0: first bad commit found; 1: skipped commits leave \
a range of candidates; 2: error (also when GOOD already satisfies the condition or BAD does not); \
130: interrupted."
)]
pub struct BisectArgs {
    /// A revision where the condition does not hold.
    pub good: String,
    /// A later revision where it holds.
    pub bad: String,
    /// Dotted module names to import [default: the configuration's targets].
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Bad when more than N modules are loaded after the import.
    #[arg(long, value_name = "N")]
    pub max_modules: Option<usize>,
    /// Bad when a module of top-level package P is loaded.
    #[arg(long, value_name = "P")]
    pub new_package: Option<String>,
    /// Bad when M or a module under it is loaded.
    #[arg(long, value_name = "M")]
    pub module_added: Option<String>,
    /// Bad when the import is slower than GOOD's by more than PERCENT (interleaved pairs); with
    /// --metric instructions, when it executes more instructions than GOOD's by more than PERCENT.
    #[arg(long, value_name = "PERCENT")]
    pub slower: Option<f64>,
    /// Absolute change (ms) a --slower regression must also exceed.
    #[arg(long, value_name = "MS", default_value_t = 1.0)]
    pub min_effect: f64,
    /// `instructions`: bad when the import executes more instructions than GOOD's by more than
    /// --slower PERCENT [default: 1], counted under valgrind's callgrind (3 children a commit, up
    /// to 9 while counts vary; varying counts skip the commit) [default: time].
    #[arg(long, value_enum)]
    pub metric: Option<Metric>,
    #[command(flatten)]
    pub env: RevisionEnvArgs,
    #[command(flatten)]
    pub pairs: PairArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "REVISIONS: `A..B` (A and the commits after it up to B), one revision (its whole \
history), or several revisions (exactly those). The first positional that is not a revision starts \
the modules. Each commit's samples are stored under --store by SHA, interpreter, machine and \
settings: a second run over an overlapping range measures only new commits."
)]
pub struct HistoryArgs {
    /// Revisions (`v1.0..main`, or a list), then the dotted module names to import.
    #[arg(value_name = "REVISIONS_THEN_MODULES", required = true)]
    pub rest: Vec<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// At most N commits, evenly spaced over the range (first and last kept).
    #[arg(long, value_name = "N")]
    pub max_count: Option<usize>,
    /// Follow first parents only (the default; see --all-parents).
    #[arg(long, conflicts_with = "all_parents")]
    pub first_parent: bool,
    /// Measured samples per target and commit, each interleaved with the anchor [default: 10].
    #[arg(long, value_name = "N")]
    pub runs: Option<usize>,
    /// Discarded warm-up rounds per commit.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub warmup: usize,
    /// Where per-commit results are stored [default: CACHE_DIR/history].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Measure every commit again, replacing stored results.
    #[arg(long)]
    pub remeasure: bool,
    /// `instructions`: also count each target's instructions per commit under valgrind's
    /// callgrind (3 children, up to 9 while counts vary), stored and shown beside the times and
    /// charted instead of them [default: time].
    #[arg(long, value_enum)]
    pub metric: Option<Metric>,
    #[command(flatten)]
    pub env: RevisionEnvArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}
