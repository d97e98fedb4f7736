//! The one table of configuration keys: what each means, what a value must be, its default, its
//! flag and the commands it applies to. `coldstart config`, its long help and the file's error
//! messages are generated from it; a test holds it against [`FileConfig`]'s fields.
use super::file::Config;
use serde::Serialize;

pub use super::table::{Key, budget_keys, keys};

/// The key `path` names (`runs`, `budgets.max_modules`, `env.NAME` -> `env`).
pub fn find(path: &str) -> Option<Key> {
    let mut parts = path.split('.');
    let top = parts.next()?;
    if top == "budgets"
        && let Some(sub) = parts.next()
    {
        return budget_keys().into_iter().find(|k| k.name == sub);
    }
    keys().into_iter().find(|k| k.name == top)
}

/// The long help of `coldstart config`: every key of the table.
pub fn key_help() -> String {
    let line = |k: &Key, indent: &str| {
        let flag = if k.flag.is_empty() || k.flag == "MODULE" {
            String::new()
        } else {
            format!(", like {}", k.flag)
        };
        format!(
            "{indent}{}: {}{flag} ({}; default: {})\n",
            k.name,
            k.help,
            k.commands.join(", "),
            k.default
        )
    };
    let mut text = String::from(
        "Print the effective configuration and where each value comes from.\n\n\
Keys live in coldstart.toml, or in [tool.coldstart] of pyproject.toml, found in the current \
directory or the nearest parent up to the repository root (the directory holding .git); --config \
FILE names another. Command-line flags win over the file; relative paths in the file are relative \
to its directory. The keys (the commands that read each, and its default):\n\n",
    );
    for k in keys() {
        text += &line(&k, "  ");
    }
    text += "\n[budgets] (a [tool.coldstart.budgets] table in pyproject.toml):\n\n";
    for k in budget_keys() {
        text += &line(&k, "  ");
    }
    text
}

/// One line of `coldstart config`: a key, its effective value and where that came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effective {
    pub key: String,
    pub value: String,
    pub source: String,
}

/// Every key with its effective value: from the file, else the built-in default.
pub fn effective(config: Option<&Config>) -> Vec<Effective> {
    let file_values: toml::Table = config
        .and_then(|c| toml::Table::try_from(&c.values).ok())
        .unwrap_or_default();
    keys()
        .into_iter()
        .map(|k| match file_values.get(k.name) {
            Some(v) => Effective {
                key: k.name.to_string(),
                value: v.to_string(),
                source: config.map(|c| c.origin.clone()).unwrap_or_default(),
            },
            None => Effective {
                key: k.name.to_string(),
                value: k.default,
                source: "default".into(),
            },
        })
        .collect()
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
