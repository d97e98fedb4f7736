//! Command-line types (clap derive) and nothing else: `settings` validates them into domain types.
use crate::model::choice::Metric;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

mod groups;
mod revisions;
pub use groups::{
    BudgetArgs, ChildArgs, EnvArgs, GateArgs, OutputArgs, PairArgs, PythonArgs, ReportArgs,
    TargetArgs, TextOutputArgs,
};
pub use revisions::{BisectArgs, HistoryArgs};

#[derive(Debug, Parser)]
#[command(
    name = "coldstart",
    version = env!("COLDSTART_VERSION"),
    about = "Measure, explain and gate the import time of Python packages in fresh interpreters",
    after_help = crate::exit::HELP
)]
pub struct Cli {
    /// Configuration file [default: coldstart.toml, else [tool.coldstart] in pyproject.toml, in the
    /// current directory or the nearest parent up to the repository root].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Profile the import of one or more modules in fresh interpreters and keep the result as JSON.
    Run(RunArgs),
    /// Compare two interpreters or environments with interleaved pairs and gate the result.
    Ab(AbArgs),
    /// Compare two result files (taken at different times: normalised through their anchors).
    Compare(CompareArgs),
    /// Check a result file against absolute budgets (import time, modules, memory, forbidden modules).
    Check(CheckArgs),
    /// Print where the import time goes: the aggregated `-X importtime` tree.
    Tree(TreeArgs),
    // --- coldstart lazy (issue 17) ---
    /// Measure what deferring an import would save, and whether the module would stay unloaded.
    Lazy(LazyArgs),
    // --- end coldstart lazy ---
    /// Print the import chain that loads NAME, e.g. `pkg -> pkg.cli -> paramiko`.
    Why(WhyArgs),
    /// Compare two git revisions end to end (each in its own checkout and environment) without
    /// touching your working tree.
    #[command(mut_arg("output_dir", |a| a.help(
        "Directory for result files [default: CACHE_DIR/results/<project>-<hash>: outside the working tree, which branches leaves as it found it]"
    )))]
    Branches(BranchesArgs),
    /// List or clean the per-revision environment cache.
    Cache(CacheArgs),
    // bisect and history (issue 16), types in cli/revisions.rs
    /// Find the first commit between GOOD and BAD where a module is loaded, a package appears,
    /// the module count grows past N or the import got slower; never touches your checkout.
    Bisect(BisectArgs),
    /// Import time and module count per commit of a range (table, JSON, SVG line chart), stored
    /// per commit so an overlapping run measures only new commits.
    History(HistoryArgs),
    /// Print the effective configuration and where each value comes from.
    ///
    /// (The long help, with every key, is generated from the configuration's key table.)
    Config(ConfigArgs),
    /// Print a shell completion script, e.g. `coldstart completions bash > ~/.local/share/bash-completion/completions/coldstart`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `coldstart man | man -l -`; `coldstart man run` for one command's page.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand whose page to print (coldstart-NAME(1)) instead of the tool's.
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print JSON instead of `key = value  # source` lines (the same as --format json).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub output: TextOutputArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "The second positional is the candidate revision when it names one; otherwise it is the \
first module and the candidate is your working tree, uncommitted and untracked files included."
)]
pub struct BranchesArgs {
    /// Baseline revision: a branch, tag, SHA, `HEAD~2`, `origin/main`...
    pub base: String,
    /// Candidate revision (default: the working tree) followed by the modules to import.
    #[arg(value_name = "CAND_OR_MODULE")]
    pub rest: Vec<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub env: EnvArgs,
    #[command(flatten)]
    pub pairs: PairArgs,
    /// Measure the anchor in every Nth pair only (1: every pair). The paired verdict never uses
    /// it; it lets `compare` normalise the result files for machine speed later (issue 14).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub anchor_every: usize,
    /// Not a flag of this command (it takes --pairs): accepted only to say so.
    #[arg(long, hide = true, value_name = "N", allow_hyphen_values = true)]
    pub runs: Option<String>,
    #[command(flatten)]
    pub gate: GateArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// What to compare: import time, or instructions counted under valgrind's callgrind (as ab --metric instructions) [default: time].
    #[arg(long, value_enum)]
    pub metric: Option<Metric>,
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
    /// The cache directory [default: $XDG_CACHE_HOME/coldstart or ~/.cache/coldstart].
    #[arg(long, value_name = "DIR", global = true)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// List cached environments: revision, project, size and when they were last used.
    List {
        /// Only environments built for the git repository containing DIR [default: every project's].
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        #[command(flatten)]
        output: TextOutputArgs,
    },
    /// Remove cached environments: every project's unless --project limits it, all or those
    /// unused for DAYS days.
    Clean {
        /// Only remove environments unused for at least DAYS days (fractions allowed).
        #[arg(long, value_name = "DAYS")]
        older_than: Option<f64>,
        /// Only remove environments built for the git repository containing DIR (e.g. `.`)
        /// [default: every project's].
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        #[command(flatten)]
        output: TextOutputArgs,
    },
}

#[derive(Debug, Args)]
pub struct TreeArgs {
    /// Dotted module names to import, e.g. `json` or `mypkg.sub`.
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
    #[command(flatten)]
    pub child: ChildArgs,
    #[command(flatten)]
    pub python: PythonArgs,
    /// Hide modules whose cumulative time is below MS [default: 1].
    #[arg(long, value_name = "MS")]
    pub min_ms: Option<f64>,
    /// Merge consecutive modules of the same top-level package into one row.
    #[arg(long)]
    pub group: bool,
    /// Write an SVG icicle chart (one file per target when there are several).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    #[command(flatten)]
    pub output: TextOutputArgs,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The module whose import chain to show.
    pub name: String,
    /// The imports to explain it from.
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
    #[command(flatten)]
    pub child: ChildArgs,
    #[command(flatten)]
    pub python: PythonArgs,
    #[command(flatten)]
    pub output: TextOutputArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The baseline result file.
    pub baseline: PathBuf,
    /// The candidate result file.
    pub candidate: PathBuf,
    /// Refuse files whose interpreter, CPU, OS or architecture differ (a warning otherwise).
    #[arg(long)]
    pub strict: bool,
    /// Write an SVG icicle chart of each target's candidate tree coloured by change.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    #[command(flatten)]
    pub gate: GateArgs,
    #[command(flatten)]
    pub output: ReportArgs,
    /// What to compare: anchor-normalised import time, or the instruction counts of results taken with --metric instructions (no normalisation; default --threshold 1; the machines must match) [default: time].
    #[arg(long, value_enum)]
    pub metric: Option<Metric>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The result file to check (e.g. benchmark_results/cold_start_latest.json).
    pub file: PathBuf,
    /// Fail when MODULE is loaded after the import (repeatable).
    #[arg(long = "forbid", value_name = "MODULE")]
    pub forbid: Vec<String>,
    #[command(flatten)]
    pub budgets: BudgetArgs,
    #[command(flatten)]
    pub output: ReportArgs,
}

// --- coldstart lazy (issue 17) ---
#[derive(Debug, Args)]
pub struct LazyArgs {
    /// Dotted module names to import, e.g. `json` or `mypkg.sub`.
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
    #[command(flatten)]
    pub child: ChildArgs,
    #[command(flatten)]
    pub python: PythonArgs,
    /// Module to try deferring (repeatable) [default: the --top heaviest deferrable subtrees of the import tree].
    #[arg(long = "defer", value_name = "MODULE")]
    pub defer: Vec<String>,
    /// Statement run after the import in the same interpreter (not timed), e.g. `pkg.main()`: reports whether it needs a deferred module.
    #[arg(long, value_name = "STATEMENT")]
    pub workload: Option<String>,
    /// How many candidates to pick from the import tree when no --defer is given.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub top: usize,
    #[command(flatten)]
    pub pairs: PairArgs,
    #[command(flatten)]
    pub gate: GateArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}
// --- end coldstart lazy ---

#[derive(Debug, Args)]
pub struct AbArgs {
    /// Dotted module names to import, e.g. `json` or `mypkg.sub`.
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Interpreter of the baseline environment (e.g. envs/old/bin/python).
    #[arg(long, value_name = "PATH")]
    pub baseline: PathBuf,
    /// Interpreter of the candidate environment.
    #[arg(long, value_name = "PATH")]
    pub candidate: PathBuf,
    #[command(flatten)]
    pub pairs: PairArgs,
    /// Measure the anchor in every Nth pair only (1: every pair). The paired verdict never uses
    /// it; it lets `compare` normalise the result files for machine speed later (issue 14).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub anchor_every: usize,
    /// Not a flag of this command (it takes --pairs): accepted only to say so.
    #[arg(long, hide = true, value_name = "N", allow_hyphen_values = true)]
    pub runs: Option<String>,
    #[command(flatten)]
    pub gate: GateArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    // --- issue 14: instruction counts ---
    /// What to compare: import time, or instructions counted under valgrind's callgrind (exact
    /// counts; default --threshold 1; --pairs/--max-pairs do not apply: 3 samples a side, up to
    /// 9 while counts vary) [default: time].
    #[arg(long, value_enum)]
    pub metric: Option<Metric>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Dotted module names to import, e.g. `json` or `mypkg.sub`.
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub python: PythonArgs,
    /// Measured samples per target, each in a fresh interpreter [default: 20].
    #[arg(long, value_name = "N")]
    pub runs: Option<usize>,
    /// Discarded warm-up samples per target before measuring [default: 2].
    #[arg(long, value_name = "N")]
    pub warmup: Option<usize>,
    /// After measuring, check the budgets (budget flags below, and those of the config file); exit 1 when one is exceeded.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub budgets: BudgetArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// `instructions` also counts each target's instructions under valgrind's callgrind (3 children, up to 9 while counts vary) and stores the counts beside the times (for check --max-instructions and compare --metric instructions) [default: time].
    #[arg(long, value_enum)]
    pub metric: Option<Metric>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
