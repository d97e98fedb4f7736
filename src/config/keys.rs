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

/// Every key with its effective value: from the file, else the built-in default.
pub fn effective(config: Option<&Config>) -> Vec<Effective> {
    let file_values: toml::Table = config
        .and_then(|c| toml::Table::try_from(&c.values).ok())
        .unwrap_or_default();
    // (key, the flag's id, commands whose default applies, default when clap has none)
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
            "./.venv/bin/python if present, else python3",
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
        ("output_dir", "output_dir", &["run"], ""),
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
    ];
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
