//! Command-line types (clap derive) and nothing else: `settings` validates them into domain types.
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod revisions;
pub use revisions::{BisectArgs, HistoryArgs, RevisionEnvArgs};

#[derive(Debug, Parser)]
#[command(
    name = "coldstart",
    version = env!("COLDSTART_VERSION"),
    about = "Measure, explain and gate the import time of Python packages in fresh interpreters",
    after_help = crate::exit::HELP
)]
pub struct Cli {
    /// Configuration file [default: ./coldstart.toml, else [tool.coldstart] in ./pyproject.toml].
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
    // The shared target flags that only timed samples use are accepted (a configuration file may
    // set them) but not shown.
    #[command(
        mut_arg("forbid", |a| a.hide(true)),
        mut_arg("packages", |a| a.hide(true)),
        mut_arg("anchor", |a| a.hide(true)),
        mut_arg("no_anchor", |a| a.hide(true))
    )]
    Tree(TreeArgs),
    // --- coldstart lazy (issue 17) ---
    /// Measure what deferring an import would save, and whether the module would stay unloaded.
    #[command(
        mut_arg("forbid", |a| a.hide(true)),
        mut_arg("packages", |a| a.hide(true)),
        mut_arg("anchor", |a| a.hide(true)),
        mut_arg("no_anchor", |a| a.hide(true)),
        mut_arg("anchor_every", |a| a.hide(true))
    )]
    Lazy(LazyArgs),
    // --- end coldstart lazy ---
    /// Print the import chain that loads NAME, e.g. `pkg -> pkg.cli -> paramiko`.
    #[command(
        mut_arg("forbid", |a| a.hide(true)),
        mut_arg("packages", |a| a.hide(true)),
        mut_arg("anchor", |a| a.hide(true)),
        mut_arg("no_anchor", |a| a.hide(true))
    )]
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
    #[command(mut_arg("anchor_every", |a| a.hide(true)))]
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
    /// Base interpreter the environments are made from [default: `python -m coldstart`'s interpreter, else the venv this coldstart is installed in, else ./.venv/bin/python, else python3 on PATH].
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Command that installs the project into the fresh venv instead of pip/uv (run with `sh -c` in
    /// the revision's directory; `VIRTUAL_ENV` and `COLDSTART_PYTHON` are set).
    #[arg(long, value_name = "COMMAND")]
    pub setup: Option<String>,
    /// Where environments are cached [default: $XDG_CACHE_HOME/coldstart or ~/.cache/coldstart].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    #[command(flatten)]
    pub pairs: PairArgs,
    /// Not a flag of this command (it takes --pairs): accepted only to say so.
    #[arg(long, hide = true, value_name = "N", allow_hyphen_values = true)]
    pub runs: Option<String>,
    #[command(flatten)]
    pub gate: GateArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Targets and statements from the configuration file, used when neither modules nor `--stmt`
    /// follow the revisions (which positionals are modules is known only once revisions resolve).
    #[arg(skip)]
    pub default_modules: Vec<String>,
    #[arg(skip)]
    pub default_stmts: Vec<String>,
    /// What to compare: import time, or instructions counted under valgrind's callgrind (as ab --metric instructions).
    #[arg(long, value_enum, default_value = "time")]
    pub metric: MetricArg,
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
    pub target: TargetArgs,
    /// Interpreter to use [default: `python -m coldstart`'s interpreter, else the venv this coldstart is installed in, else ./.venv/bin/python, else python3 on PATH].
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Hide modules whose cumulative time is below MS.
    #[arg(long, default_value_t = 1.0, value_name = "MS")]
    pub min_ms: f64,
    /// Merge consecutive modules of the same top-level package into one row.
    #[arg(long)]
    pub group: bool,
    /// Write an SVG icicle chart (one file per target when there are several).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    #[command(flatten)]
    pub output: TextOutputArgs,
}

/// The formats of reports that are text or a JSON document (`tree`, `why`, `config`, `cache`):
/// they have no Markdown or JUnit form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormatArg {
    Terminal,
    Json,
}

/// The output flags of `tree`, `why`, `config` and `cache`, named and behaving as those of the
/// measuring commands (`ReportArgs`).
#[derive(Debug, Clone, Args)]
pub struct TextOutputArgs {
    /// Report format (on stdout, or in the --output file); `json` is one document.
    #[arg(long, value_enum, default_value_t = TextFormatArg::Terminal)]
    pub format: TextFormatArg,
    /// Write the --format report to FILE; the terminal report still goes to stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to use colours (these reports have none; accepted like everywhere else).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// No progress bar, warnings or notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The module whose import chain to show.
    pub name: String,
    /// The imports to explain it from.
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Interpreter to use [default: `python -m coldstart`'s interpreter, else the venv this coldstart is installed in, else ./.venv/bin/python, else python3 on PATH].
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
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
    pub svg: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub gate: GateArgs,
    #[command(flatten)]
    pub output: ReportArgs,
    /// What to compare: anchor-normalised import time, or the instruction counts of results taken with --metric instructions (no normalisation; default --threshold 1; the machines must match).
    #[arg(long, value_enum, default_value = "time")]
    pub metric: MetricArg,
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

/// Absolute budgets; each limit is `MS` for every target or `TARGET=MS` for one.
#[derive(Debug, Args, Default)]
pub struct BudgetArgs {
    /// Import-time budget in ms (repeatable).
    #[arg(long, value_name = "[TARGET=]MS")]
    pub max_import_ms: Vec<String>,
    /// Wall-time budget (spawn to exit) in ms (repeatable).
    #[arg(long, value_name = "[TARGET=]MS")]
    pub max_wall_ms: Vec<String>,
    /// Budget on the modules the import loaded beyond interpreter start-up (repeatable).
    #[arg(long, value_name = "[TARGET=]N")]
    pub max_modules: Vec<String>,
    /// Budget on len(sys.modules) after the import, start-up modules included (repeatable).
    #[arg(long, value_name = "[TARGET=]N")]
    pub max_total_modules: Vec<String>,
    /// Budget on the modules of one package prefix (repeatable).
    #[arg(long, value_name = "PREFIX=N")]
    pub max_package_modules: Vec<String>,
    /// Peak-memory budget in MiB (repeatable).
    #[arg(long, value_name = "[TARGET=]MIB")]
    pub max_peak_rss_mib: Vec<String>,
    /// Budget on the statement's instructions, median count (repeatable; needs a result taken
    /// with --metric instructions).
    #[arg(long, value_name = "[TARGET=]N")]
    pub max_instructions: Vec<String>,
    /// Which statistic of the samples a time or memory budget applies to [default: median].
    #[arg(long, value_enum)]
    pub statistic: Option<StatisticArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EffectSizeArg {
    Estimate,
    MedianDifference,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatisticArg {
    Median,
    Mean,
    P95,
    Max,
}

/// How a report is shown, for commands that write no result files.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report format (on stdout, or in the --output file).
    #[arg(long, value_enum, default_value_t = FormatArg::Terminal)]
    pub format: FormatArg,
    /// Write the --format report to FILE; the terminal report still goes to stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to use colours (NO_COLOR and TERM=dumb are honoured by `auto`).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// No progress bar, warnings or notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

// --- coldstart lazy (issue 17) ---
#[derive(Debug, Args)]
pub struct LazyArgs {
    /// Dotted module names to import, e.g. `json` or `mypkg.sub`.
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Interpreter to measure [default: ./.venv/bin/python if present, else python3 on PATH].
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
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
    /// 9 while counts vary).
    #[arg(long, value_enum, default_value = "time")]
    pub metric: MetricArg,
}

/// `--metric` (issue 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricArg {
    Time,
    Instructions,
}

/// How many interleaved pairs `ab` and `branches` take.
#[derive(Debug, Args)]
pub struct PairArgs {
    /// Pairs at the first look of the fixed design; from there on, 10 more at a time while the
    /// verdict is unsettled.
    #[arg(long, default_value_t = 30, value_name = "N")]
    pub pairs: usize,
    /// Pairs at the first early look (then every 2 pairs until --pairs, each at 99.5 %); at or
    /// above --pairs there are no early looks: the fixed design at 95 % (issue 14).
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub min_pairs: usize,
    /// Upper limit on pairs while a verdict is unsettled (inconclusive, or an interval still reaching past the threshold).
    #[arg(long, default_value_t = 60, value_name = "N")]
    pub max_pairs: usize,
    /// Discarded warm-up pairs per target.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub warmup: usize,
    /// Measure the anchor in every Nth pair only (1: every pair). The paired verdict never uses
    /// it; it lets `compare` normalise the result files for machine speed later (issue 14).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub anchor_every: usize,
}

/// The regression gate's thresholds.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Relative change (percent) the ratio's confidence bound must clear to count as a regression
    /// [default: 5 for ab and branches, 10 for compare].
    #[arg(long, value_name = "PERCENT")]
    pub threshold: Option<f64>,
    /// Absolute change (ms) the regression must also exceed (measured as --effect-size says).
    #[arg(long, value_name = "MS", default_value_t = 1.0)]
    pub min_effect: f64,
    /// What --min-effect is compared with: the ratio estimate in ms, (ratio - 1) x baseline
    /// median, or the reference design's median(candidate) - median(baseline).
    #[arg(long, value_enum, default_value = "estimate")]
    pub effect_size: EffectSizeArg,
    /// Fail when the candidate loads modules the baseline does not.
    #[arg(long)]
    pub fail_on_new_modules: bool,
    /// Report, but exit 0 even when a gate fails (errors still exit 2).
    #[arg(long)]
    pub report_only: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Dotted module names to import, e.g. `json` or `mypkg.sub`.
    #[arg(value_name = "MODULE")]
    pub modules: Vec<String>,
    #[command(flatten)]
    pub target: TargetArgs,
    /// Interpreter to measure [default: `python -m coldstart`'s interpreter, else the venv this coldstart is installed in, else ./.venv/bin/python, else python3 on PATH].
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Measured samples per target, each in a fresh interpreter.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub runs: usize,
    /// Discarded warm-up samples per target before measuring.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub warmup: usize,
    /// After measuring, check the budgets (budget flags below, and those of the config file); exit 1 when one is exceeded.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub budgets: BudgetArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// `instructions` also counts each target's instructions under valgrind's callgrind (3 children, up to 9 while counts vary) and stores the counts beside the times (for check --max-instructions and compare --metric instructions).
    #[arg(long, value_enum, default_value = "time")]
    pub metric: MetricArg,
}

/// What to import and how to run the child interpreter; shared by every measuring command.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// An arbitrary Python statement to time instead of `import MODULE` (repeatable).
    #[arg(long = "stmt", value_name = "STATEMENT")]
    pub stmts: Vec<String>,
    /// Count loaded modules equal to PREFIX or below `PREFIX.` (repeatable) [default: each target's top-level package].
    #[arg(long = "package", value_name = "PREFIX")]
    pub packages: Vec<String>,
    /// Report whether MODULE is loaded after the import (repeatable).
    #[arg(long = "forbid", value_name = "MODULE")]
    pub forbid: Vec<String>,
    /// Bytecode cache: `warm` compiles it before measuring, `cold` gives each sample an empty one, `as-is` changes nothing.
    #[arg(long, value_enum, default_value_t = PycArg::Warm)]
    pub pyc: PycArg,
    /// Environment variable for the child (repeatable). The caller's PYTHON* variables are not inherited; set them here.
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Directory prepended to the child's sys.path (repeatable), e.g. `src` for an uninstalled src layout.
    #[arg(long = "path", value_name = "DIR")]
    pub path: Vec<PathBuf>,
    /// Seconds one child may take before its whole process group is killed.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Reference workload measured interleaved with the targets, to normalise machine speed later.
    #[arg(
        long,
        value_name = "STATEMENT",
        default_value = "import asyncio, json, email.message"
    )]
    pub anchor: String,
    /// Do not measure the anchor workload.
    #[arg(long, conflicts_with = "anchor")]
    pub no_anchor: bool,
    /// Runs of the separate `-X importtime` diagnostic pass per target (0 skips it).
    #[arg(long, default_value_t = 5, value_name = "K")]
    pub tree_runs: usize,
}

/// Where results go and how they are shown.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Directory for result files [default: benchmark_results].
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Name added to the result file name and stored in it.
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// How many modules the top lists (by self and cumulative time) show.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub top: usize,
    /// Write an SVG icicle chart of each target's import tree (a diff chart for comparisons).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PycArg {
    Warm,
    Cold,
    AsIs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Terminal,
    Json,
    Markdown,
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
