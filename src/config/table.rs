//! The rows of the key table (`keys`): one per key of [`FileConfig`](super::FileConfig) and of
//! its `[budgets]` table.
use super::defaults as d;
use crate::model::choice::{self, Color, EffectSize, Metric, Statistic};
use crate::model::{Format, Pyc};

/// One key of the file.
pub struct Key {
    pub name: &'static str,
    /// The flag that sets the same value (`""` when only the file has it).
    pub flag: &'static str,
    /// What a value must be, completing "NAME must be ...".
    pub expects: String,
    /// The built-in value, as `coldstart config` shows it.
    pub default: String,
    /// The subcommands that read it.
    pub commands: &'static [&'static str],
    pub help: &'static str,
}

const MEASURING: &[&str] = &["run", "ab", "branches", "history"];
const CHILD: &[&str] = &["run", "ab", "branches", "history", "tree", "why", "lazy"];
const TARGETS: &[&str] = &[
    "run", "ab", "branches", "history", "bisect", "tree", "why", "lazy",
];
const PYTHON: &[&str] = &[
    "run", "tree", "why", "lazy", "branches", "bisect", "history",
];
const PAIRED: &[&str] = &["ab", "branches", "lazy", "bisect"];
const GATED: &[&str] = &["ab", "branches", "lazy", "compare"];
const SAVING: &[&str] = &["run", "ab", "branches", "bisect", "history"];
const REVISIONS: &[&str] = &["branches", "bisect", "history"];
/// Every command that reports (`format`, `color`, `quiet`).
const SHOWING: &[&str] = &[
    "run", "ab", "branches", "bisect", "history", "compare", "check", "lazy", "tree", "why",
    "config", "cache",
];

fn key(
    name: &'static str,
    flag: &'static str,
    expects: impl Into<String>,
    default: impl ToString,
    commands: &'static [&'static str],
    help: &'static str,
) -> Key {
    Key {
        name,
        flag,
        expects: expects.into(),
        default: default.to_string(),
        commands,
        help,
    }
}

const WHOLE: &str = "a whole number";
const BOOL: &str = "true or false";
const NAMES: &str = "a list of strings, e.g. [\"mypkg\"]";

/// Every top-level key, in `coldstart config` order.
pub fn keys() -> Vec<Key> {
    vec![
        key(
            "targets",
            "MODULE",
            NAMES,
            "(none: name modules on the command line)",
            TARGETS,
            "modules to import when the command line names neither modules nor --stmt",
        ),
        key(
            "stmts",
            "--stmt",
            NAMES,
            "(none)",
            TARGETS,
            "statements to time when the command line names neither modules nor --stmt",
        ),
        key(
            "python",
            "--python",
            "a path or a command name",
            "python -m coldstart's interpreter, else the venv coldstart is installed in, else ./.venv/bin/python, else python3",
            PYTHON,
            "interpreter to measure (the base interpreter of revision environments)",
        ),
        key(
            "runs",
            "--runs",
            WHOLE,
            d::RUNS,
            &["run", "history"],
            "measured samples per target (history: per commit, default 10)",
        ),
        key(
            "warmup",
            "--warmup",
            WHOLE,
            d::WARMUP,
            &["run", "ab", "branches", "lazy", "bisect"],
            "discarded warm-up samples (or pairs) per target",
        ),
        key(
            "pairs",
            "--pairs",
            WHOLE,
            d::PAIRS,
            PAIRED,
            "interleaved pairs at the first look of the fixed design",
        ),
        key(
            "max_pairs",
            "--max-pairs",
            WHOLE,
            d::MAX_PAIRS,
            PAIRED,
            "upper limit on pairs while a verdict is inconclusive (an unsettled \"unchanged\" stops at twice pairs)",
        ),
        key(
            "packages",
            "--package",
            NAMES,
            "each target's top-level package",
            MEASURING,
            "package prefixes whose loaded modules are counted",
        ),
        key(
            "forbid",
            "--forbid",
            NAMES,
            "(none)",
            &["run", "ab", "branches", "history", "check"],
            "modules reported (and, in budgets, failed) when loaded after the import",
        ),
        key(
            "pyc",
            "--pyc",
            choice::names::<Pyc>(),
            choice::name(d::PYC),
            CHILD,
            "bytecode-cache policy",
        ),
        key(
            "env",
            "--env",
            "a table of strings, e.g. { MYPKG_LAZY = \"1\" }",
            "(none)",
            CHILD,
            "environment variables for the child",
        ),
        key(
            "path",
            "--path",
            "a list of directories, e.g. [\"src\"]",
            "(none)",
            CHILD,
            "directories prepended to the child's sys.path",
        ),
        key(
            "timeout",
            "--timeout",
            "a number of seconds",
            d::TIMEOUT_S,
            CHILD,
            "seconds one child may take",
        ),
        key(
            "anchor",
            "--anchor",
            "a statement or false",
            d::ANCHOR,
            MEASURING,
            "reference workload measured in every round (false for none: --no-anchor)",
        ),
        key(
            "tree_runs",
            "--tree-runs",
            WHOLE,
            d::TREE_RUNS,
            CHILD,
            "runs of the -X importtime pass",
        ),
        key(
            "threshold",
            "--threshold",
            "a number (percent)",
            format!("{} (percent, ab and branches)", d::THRESHOLD),
            &["ab", "branches", "lazy"],
            "relative change a time regression must clear (not the count gate of --metric instructions, 1 % unless --threshold)",
        ),
        key(
            "compare_threshold",
            "--threshold",
            "a number (percent)",
            format!("{} (percent, compare)", d::COMPARE_THRESHOLD),
            &["compare"],
            "relative change a time regression must clear between two stored files (not counts)",
        ),
        key(
            "min_effect",
            "--min-effect",
            "a number of milliseconds",
            d::MIN_EFFECT_MS,
            GATED,
            "absolute change a regression must also exceed",
        ),
        key(
            "effect_size",
            "--effect-size",
            choice::names::<EffectSize>(),
            choice::name(d::EFFECT_SIZE),
            GATED,
            "what min_effect is compared with",
        ),
        key(
            "fail_on_new_modules",
            "--fail-on-new-modules",
            BOOL,
            false,
            GATED,
            "fail when the candidate loads modules the baseline does not",
        ),
        key(
            "metric",
            "--metric",
            choice::names::<Metric>(),
            choice::name(d::METRIC),
            &["run", "ab", "branches", "compare", "bisect", "history"],
            "what to compare: import time, or instructions counted under callgrind (run, history: also count them)",
        ),
        key(
            "output_dir",
            "--output-dir",
            "a directory",
            d::OUTPUT_DIR,
            SAVING,
            "directory for result files",
        ),
        key(
            "format",
            "--format",
            choice::names::<Format>(),
            choice::name(d::FORMAT),
            SHOWING,
            "report format (tree, why, config and cache: json, else text)",
        ),
        key(
            "color",
            "--color",
            choice::names::<Color>(),
            choice::name(d::COLOR),
            SHOWING,
            "when to use colours",
        ),
        key(
            "quiet",
            "--quiet",
            BOOL,
            false,
            SHOWING,
            "no progress bar, warnings or notes on stderr",
        ),
        key(
            "top",
            "--top",
            WHOLE,
            d::TOP,
            SAVING,
            "length of the top lists",
        ),
        key(
            "report_only",
            "--report-only",
            BOOL,
            false,
            GATED,
            "report, but exit 0 even when a gate fails",
        ),
        key(
            "strict",
            "--strict",
            BOOL,
            false,
            &["compare"],
            "refuse files from different environments",
        ),
        key(
            "min_ms",
            "--min-ms",
            "a number of milliseconds",
            d::MIN_MS,
            &["tree"],
            "hide modules whose cumulative time is below it",
        ),
        key(
            "setup",
            "--setup",
            "a shell command",
            "uv if on PATH, else python -m venv + pip install",
            REVISIONS,
            "command that installs the project into a revision's fresh venv",
        ),
        key(
            "cache_dir",
            "--cache-dir",
            "a directory",
            "$XDG_CACHE_HOME/coldstart or ~/.cache/coldstart",
            &["branches", "bisect", "history", "cache"],
            "where revision environments are cached",
        ),
        key(
            "budgets",
            "",
            "a table ([budgets])",
            "(none)",
            &["check", "run"],
            "absolute budgets (below); run applies them with --check",
        ),
    ]
}

/// The keys of the `[budgets]` table.
pub fn budget_keys() -> Vec<Key> {
    const PER: &str = "a number, or a table of numbers per target";
    const BUDGETED: &[&str] = &["check", "run"];
    vec![
        key(
            "max_import_ms",
            "--max-import-ms",
            PER,
            "(none)",
            BUDGETED,
            "import time in ms",
        ),
        key(
            "max_wall_ms",
            "--max-wall-ms",
            PER,
            "(none)",
            BUDGETED,
            "wall time (spawn to exit) in ms",
        ),
        key(
            "max_modules",
            "--max-modules",
            "a whole number, or a table of them per target",
            "(none)",
            BUDGETED,
            "modules loaded after the import",
        ),
        key(
            "max_total_modules",
            "--max-total-modules",
            "a whole number, or a table of them per target",
            "(none)",
            BUDGETED,
            "modules after the import, start-up included",
        ),
        key(
            "max_package_modules",
            "--max-package-modules",
            "a table of whole numbers per package prefix",
            "(none)",
            BUDGETED,
            "modules of one package prefix",
        ),
        key(
            "max_peak_rss_mib",
            "--max-peak-rss-mib",
            PER,
            "(none)",
            BUDGETED,
            "peak memory in MiB",
        ),
        key(
            "max_instructions",
            "--max-instructions",
            "a whole number, or a table of them per target",
            "(none)",
            BUDGETED,
            "the statement's instructions, median count (a result taken with --metric instructions)",
        ),
        key(
            "statistic",
            "--statistic",
            choice::names::<Statistic>(),
            "median",
            BUDGETED,
            "which statistic of the samples a time or memory budget applies to",
        ),
    ]
}
