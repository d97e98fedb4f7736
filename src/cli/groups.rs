//! The flag groups several subcommands flatten. A flag the configuration file can also set is an
//! `Option` (or a repeatable `Vec`, empty when not given, or a `bool` switch, false when not
//! given): `settings` layers it as command line, else file, else default. Its default is named in
//! the help text, not given to clap, so an unset flag stays distinguishable from one set to the
//! default; a test holds each `[default: ...]` against the configuration's key table.
use crate::model::choice::{Color, EffectSize, Statistic, TextFormat};
use crate::model::{Format, Pyc};
use clap::Args;
use std::path::PathBuf;

/// How the child interpreter runs: shared by every command that starts one.
#[derive(Debug, Clone, Default, Args)]
pub struct ChildArgs {
    /// An arbitrary Python statement to time instead of `import MODULE` (repeatable).
    #[arg(long = "stmt", value_name = "STATEMENT")]
    pub stmts: Vec<String>,
    /// Bytecode cache: `warm` compiles it before measuring, `cold` gives each sample an empty one, `as-is` changes nothing [default: warm].
    #[arg(long, value_enum)]
    pub pyc: Option<Pyc>,
    /// Environment variable for the child (repeatable). The caller's PYTHON* variables are not inherited; set them here.
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Directory prepended to the child's sys.path (repeatable), e.g. `src` for an uninstalled src layout.
    #[arg(long = "path", value_name = "DIR")]
    pub path: Vec<PathBuf>,
    /// Seconds one child may take before its whole process group is killed [default: 60].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Runs of the separate `-X importtime` diagnostic pass per target (0 skips it) [default: 5].
    #[arg(long, value_name = "K")]
    pub tree_runs: Option<usize>,
}

/// What the timed samples count and compare beside the import: shared by the measuring commands
/// (`tree`, `why` and `lazy` take no timed samples of this kind, so they do not have these).
#[derive(Debug, Clone, Default, Args)]
pub struct TargetArgs {
    #[command(flatten)]
    pub child: ChildArgs,
    /// Count loaded modules equal to PREFIX or below `PREFIX.` (repeatable) [default: each target's top-level package].
    #[arg(long = "package", value_name = "PREFIX")]
    pub packages: Vec<String>,
    /// Report whether MODULE is loaded after the import (repeatable).
    #[arg(long = "forbid", value_name = "MODULE")]
    pub forbid: Vec<String>,
    /// Reference workload measured interleaved with the targets, to normalise machine speed later [default: import asyncio, json, email.message].
    #[arg(long, value_name = "STATEMENT")]
    pub anchor: Option<String>,
    /// Do not measure the anchor workload.
    #[arg(long, conflicts_with = "anchor")]
    pub no_anchor: bool,
}

/// The interpreter of the commands that measure one (`run`, `tree`, `why`, `lazy`).
#[derive(Debug, Clone, Default, Args)]
pub struct PythonArgs {
    /// Interpreter to measure [default: `python -m coldstart`'s interpreter, else the venv this coldstart is installed in, else ./.venv/bin/python, else python3 on PATH].
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
}

/// Where each revision's environment comes from: `branches`, `bisect` and `history`.
#[derive(Debug, Clone, Default, Args)]
pub struct EnvArgs {
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
}

/// How a report is shown, for commands that write no result files.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportArgs {
    /// Report format (on stdout, or in the --output file) [default: terminal].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the --format report to FILE; the terminal report still goes to stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to use colours (NO_COLOR and TERM=dumb are honoured by `auto`) [default: auto].
    #[arg(long, value_enum)]
    pub color: Option<Color>,
    /// No progress bar, warnings or notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The output flags of `tree`, `why`, `config` and `cache`, named and behaving as those of the
/// measuring commands (`ReportArgs`); the file's `format`, `color` and `quiet` apply when unset.
#[derive(Debug, Clone, Args)]
pub struct TextOutputArgs {
    /// Report format (on stdout, or in the --output file); `json` is one document [default:
    /// terminal].
    #[arg(long, value_enum)]
    pub format: Option<TextFormat>,
    /// Write the --format report to FILE; the terminal report still goes to stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to use colours (these reports have none; accepted like everywhere else) [default: auto].
    #[arg(long, value_enum)]
    pub color: Option<Color>,
    /// No progress bar, warnings or notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Where results go and how they are shown.
#[derive(Debug, Clone, Default, Args)]
pub struct OutputArgs {
    /// Directory for result files [default: benchmark_results].
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Name added to the result file name and stored in it.
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// How many modules the top lists (by self and cumulative time) show [default: 5].
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Write an SVG icicle chart of each target's import tree (a diff chart for comparisons).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// How many interleaved pairs `ab`, `branches`, `lazy` and `bisect --slower` take.
#[derive(Debug, Clone, Args)]
pub struct PairArgs {
    /// Pairs at the first look of the fixed design; from there on, 10 more at a time while the
    /// verdict is unsettled [default: 30].
    #[arg(long, value_name = "N")]
    pub pairs: Option<usize>,
    /// Pairs at the first early look (then every 2 pairs until --pairs, each at 99.5 %); at or
    /// above --pairs there are no early looks: the fixed design at 95 % (issue 14).
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub min_pairs: usize,
    /// Upper limit on pairs while a verdict is inconclusive (the estimate past the threshold, not yet proven); an "unchanged" whose interval still reaches past the threshold stops at twice --pairs [default: 160].
    #[arg(long, value_name = "N")]
    pub max_pairs: Option<usize>,
    /// Discarded warm-up pairs per target [default: 2].
    #[arg(long, value_name = "N")]
    pub warmup: Option<usize>,
}

/// The regression gate's thresholds.
#[derive(Debug, Clone, Default, Args)]
pub struct GateArgs {
    /// Relative change (percent) the ratio's confidence bound must clear to count as a regression
    /// [default: 5 for ab and branches, 10 for compare].
    #[arg(long, value_name = "PERCENT")]
    pub threshold: Option<f64>,
    /// Absolute change (ms) the regression must also exceed (measured as --effect-size says) [default: 1].
    #[arg(long, value_name = "MS")]
    pub min_effect: Option<f64>,
    /// What --min-effect is compared with: the ratio estimate in ms, (ratio - 1) x baseline
    /// median, or the reference design's median(candidate) - median(baseline) [default: estimate].
    #[arg(long, value_enum)]
    pub effect_size: Option<EffectSize>,
    /// Fail when the candidate loads modules the baseline does not.
    #[arg(long)]
    pub fail_on_new_modules: bool,
    /// Report, but exit 0 even when a gate fails (errors still exit 2).
    #[arg(long)]
    pub report_only: bool,
}

/// Absolute budgets; each limit is `MS` for every target or `TARGET=MS` for one.
#[derive(Debug, Clone, Args, Default)]
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
    pub statistic: Option<Statistic>,
}
