//! `coldstart config`: every key with its effective value and where that came from.
use super::file::Config;
use serde::Serialize;

/// One line of `coldstart config`: a key, its effective value and where that came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effective {
    pub key: String,
    pub value: String,
    pub source: String,
}

/// The clap default of `id` in the first of `commands` that has one.
fn clap_default(id: &str, commands: &[&str]) -> Option<String> {
    use clap::CommandFactory;
    let cli = crate::cli::Cli::command();
    commands.iter().find_map(|name| {
        let sub = cli.find_subcommand(name)?;
        let arg = sub.get_arguments().find(|a| a.get_id() == id)?;
        let values: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    })
}

/// Every key of the file, in `coldstart config` order: (key, the flag's id, commands whose clap
/// default applies, the default shown when clap has none). A test holds it against `FileConfig`.
const KEYS: &[(&str, &str, &[&str], &str)] = &[
    (
        "targets",
        "modules",
        &[],
        "(none: name modules on the command line)",
    ),
    ("stmts", "stmts", &[], "(none)"),
    (
        "python",
        "python",
        &[],
        "python -m coldstart's interpreter, else the venv coldstart is installed in, else ./.venv/bin/python, else python3",
    ),
    ("runs", "runs", &["run"], ""),
    ("warmup", "warmup", &["run", "ab"], ""),
    ("pairs", "pairs", &["ab"], ""),
    ("max_pairs", "max_pairs", &["ab"], ""),
    (
        "packages",
        "packages",
        &[],
        "each target's top-level package",
    ),
    ("forbid", "forbid", &[], "(none)"),
    ("pyc", "pyc", &["run"], ""),
    ("env", "env", &[], "(none)"),
    ("path", "path", &[], "(none)"),
    ("timeout", "timeout", &["run"], ""),
    ("anchor", "anchor", &["run"], ""),
    ("tree_runs", "tree_runs", &["run"], ""),
    (
        "threshold",
        "threshold",
        &[],
        "5 (percent, ab and branches)",
    ),
    (
        "compare_threshold",
        "threshold",
        &[],
        "10 (percent, compare)",
    ),
    ("min_effect", "min_effect", &["ab"], ""),
    ("effect_size", "effect_size", &["ab"], ""),
    (
        "fail_on_new_modules",
        "fail_on_new_modules",
        &["ab"],
        "false",
    ),
    (
        "output_dir",
        "output_dir",
        &[],
        "benchmark_results (branches: CACHE_DIR/results/<project>-<hash>, outside the working tree)",
    ),
    ("format", "format", &["run"], ""),
    ("color", "color", &["run"], ""),
    ("quiet", "quiet", &["run"], "false"),
    ("top", "top", &["run"], ""),
    ("report_only", "report_only", &["ab"], "false"),
    ("strict", "strict", &["compare"], "false"),
    ("min_ms", "min_ms", &["tree"], ""),
    (
        "setup",
        "setup",
        &[],
        "uv if on PATH, else python -m venv + pip install",
    ),
    (
        "cache_dir",
        "cache_dir",
        &[],
        "$XDG_CACHE_HOME/coldstart or ~/.cache/coldstart",
    ),
    ("budgets", "", &[], "(none)"),
    ("metric", "metric", &["run"], ""),
];

/// The long help of `coldstart config`, listing the keys of [`KEYS`].
pub fn key_help() -> String {
    let note = |key: &str| match key {
        "anchor" => " (a statement or false)",
        "threshold" => " (ab, branches; time only)",
        "compare_threshold" => " (compare; time only)",
        "strict" => " (compare)",
        "min_ms" => " (tree)",
        "metric" => " (run, ab, branches, compare)",
        _ => "",
    };
    let keys: Vec<String> = KEYS
        .iter()
        .filter(|k| k.0 != "budgets")
        .map(|k| format!("{}{}", k.0, note(k.0)))
        .collect();
    format!(
        "Print the effective configuration and where each value comes from.\n\n\
Keys live in coldstart.toml or in [tool.coldstart] of pyproject.toml: {}, and \
[tool.coldstart.budgets] with max_import_ms, max_wall_ms, max_modules (beyond start-up), max_total_modules (start-up included), max_peak_rss_mib, max_instructions (a number, \
or a table per target), max_package_modules (a table per prefix) and statistic. Command-line flags \
win over the file.",
        keys.join(", ")
    )
}

/// Every key with its effective value: from the file, else the built-in default.
pub fn effective(config: Option<&Config>) -> Vec<Effective> {
    let file_values: toml::Table = config
        .and_then(|c| toml::Table::try_from(&c.values).ok())
        .unwrap_or_default();
    KEYS.iter()
        .map(
            |(key, id, commands, fallback)| match file_values.get(*key) {
                Some(v) => Effective {
                    key: key.to_string(),
                    value: v.to_string(),
                    source: config.map(|c| c.origin.clone()).unwrap_or_default(),
                },
                None => Effective {
                    key: key.to_string(),
                    value: clap_default(id, commands).unwrap_or_else(|| fallback.to_string()),
                    source: "default".into(),
                },
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::file::{AnchorSetting, BudgetConfig, FileConfig};

    #[test]
    fn the_key_table_lists_every_file_key_once() {
        // A struct literal without `..`: a new FileConfig field does not compile here until it is
        // given a value, and then this test asks for its line in KEYS.
        let every = FileConfig {
            targets: Some(vec![]),
            stmts: Some(vec![]),
            python: Some("p".into()),
            runs: Some(1),
            warmup: Some(1),
            pairs: Some(1),
            max_pairs: Some(1),
            packages: Some(vec![]),
            forbid: Some(vec![]),
            pyc: Some("warm".into()),
            env: Some(Default::default()),
            path: Some(vec![]),
            timeout: Some(1.0),
            anchor: Some(AnchorSetting::Enabled(true)),
            tree_runs: Some(1),
            threshold: Some(1.0),
            compare_threshold: Some(1.0),
            min_effect: Some(1.0),
            effect_size: Some("estimate".into()),
            fail_on_new_modules: Some(true),
            output_dir: Some("d".into()),
            format: Some("json".into()),
            color: Some("never".into()),
            quiet: Some(true),
            top: Some(1),
            report_only: Some(true),
            strict: Some(true),
            min_ms: Some(1.0),
            setup: Some("s".into()),
            cache_dir: Some("c".into()),
            budgets: Some(BudgetConfig::default()),
            metric: Some("time".into()),
        };
        let table = toml::Table::try_from(&every).unwrap();
        let mut fields: Vec<&str> = table.keys().map(String::as_str).collect();
        let mut keys: Vec<&str> = KEYS.iter().map(|k| k.0).collect();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(keys, fields);
    }
}
