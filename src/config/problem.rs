//! A file's errors as one line naming the line, the key and the fix: `coldstart.toml:3: runs must
//! be a whole number, not "ten"`, `unknown key 'target'; did you mean 'targets'?`. toml gives the
//! span (hence the line and the value as written), serde_path_to_error the key's path, and the
//! key table what a value must be and which keys exist.
use super::keys::{self, Key};

/// (line, problem) of a syntax error.
pub(super) fn syntax(text: &str, e: &toml::de::Error) -> (Option<usize>, String) {
    let message: Vec<&str> = e.message().lines().map(str::trim).collect();
    (
        e.span().map(|s| line_of(text, s.start)),
        format!(
            "{}; fix the TOML syntax",
            message.join("; ").trim_end_matches('.')
        ),
    )
}

/// (line, problem) of a key or value error; `prefix` is the table the keys are under
/// (`tool.coldstart` in pyproject.toml).
pub(super) fn of_value(
    text: &str,
    prefix: &str,
    e: serde_path_to_error::Error<toml::de::Error>,
) -> (Option<usize>, String) {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let line = inner.span().map(|s| line_of(text, s.start));
    let key = key_path(&path, prefix);
    if let Some(unknown) = unknown_field(inner.message()) {
        return (line, unknown_key(&key, unknown));
    }
    let written = inner.span().map(|s| written(&text[s]));
    let problem = match (keys::find(&key), written) {
        (Some(k), Some(value)) => format!("{key} must be {}, not {value}", k.expects),
        _ => format!(
            "{}: {}; fix the value (see `coldstart config --help`)",
            if key.is_empty() { "the file" } else { &key },
            inner.message().trim()
        ),
    };
    (line, problem)
}

/// The path below `prefix`, without serde_path_to_error's `.` for the root.
fn key_path(path: &str, prefix: &str) -> String {
    let below = path.strip_prefix(prefix).unwrap_or(path);
    below.trim_start_matches('.').to_string()
}

/// The key of serde's "unknown field `X`, expected ..." (its wording is serde's fixed format).
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split_once('`').map(|(name, _)| name)
}

/// "unknown key 'target'; did you mean 'targets'?" (or where the keys are listed).
fn unknown_key(path: &str, unknown: &str) -> String {
    // The path ends with the unknown key when serde_path_to_error got as far as reading it.
    let parent = path
        .strip_suffix(unknown)
        .map(|p| p.trim_end_matches('.'))
        .unwrap_or(path);
    let (table, known): (&str, Vec<Key>) = if parent == "budgets" {
        (" in [budgets]", keys::budget_keys())
    } else {
        ("", keys::keys())
    };
    match closest(unknown, known.iter().map(|k| k.name)) {
        Some(near) => format!("unknown key '{unknown}'{table}; did you mean '{near}'?"),
        None => format!(
            "unknown key '{unknown}'{table}; remove it (`coldstart config --help` lists the keys)"
        ),
    }
}

/// The known name `name` was most probably meant to be: within a third of its length in edits
/// (a swap of neighbours counts one), or a name it is the start of.
fn closest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    known
        .filter_map(|k| {
            let d = strsim::damerau_levenshtein(name, k);
            let prefix = name.len() >= 3 && (k.starts_with(name) || name.starts_with(k));
            (d <= limit || prefix).then_some((d, k))
        })
        .min()
        .map(|(_, k)| k)
}

/// 1-based line of byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// A value as written in the file, on one line and at most 40 characters.
fn written(value: &str) -> String {
    let first = value.lines().next().unwrap_or("").trim();
    let more = value.trim().lines().count() > 1;
    if first.chars().count() > 40 || more {
        format!("{}…", first.chars().take(40).collect::<String>())
    } else {
        first.to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::config::load::parse;
    use std::path::Path;

    fn error(text: &str, pyproject: bool) -> String {
        let name = if pyproject {
            "pyproject.toml"
        } else {
            "coldstart.toml"
        };
        parse(Path::new(name), text, pyproject)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_bad_value_names_the_file_line_key_and_what_it_must_be() {
        let text = "targets = ['a']\n\nruns = \"ten\"\n";
        assert_eq!(
            error(text, false),
            "coldstart.toml:3: runs must be a whole number, not \"ten\""
        );
        assert_eq!(
            error("pyc = 'hot'\n", false),
            "coldstart.toml:1: pyc must be warm, cold or as-is, not 'hot'"
        );
        assert_eq!(
            error("[budgets]\nmax_modules = { a = 'x' }\n", false),
            "coldstart.toml:2: budgets.max_modules must be a whole number, or a table of them per target, not { a = 'x' }"
        );
        let pyproject = "[project]\nname = 'x'\n\n[tool.coldstart]\ntimeout = 'long'\n";
        assert_eq!(
            error(pyproject, true),
            "pyproject.toml:5: timeout must be a number of seconds, not 'long'"
        );
    }

    #[test]
    fn an_unknown_key_gets_the_nearest_known_one() {
        assert_eq!(
            error("runs = 3\ntarget = ['a']\n", false),
            "coldstart.toml:2: unknown key 'target'; did you mean 'targets'?"
        );
        assert_eq!(
            error("[budgets]\nmax_import = 3\n", false),
            "coldstart.toml:2: unknown key 'max_import' in [budgets]; did you mean 'max_import_ms'?"
        );
        let far = error("[tool.coldstart]\nzzzzzz = 1\n", true);
        assert!(
            far.starts_with("pyproject.toml:2: unknown key 'zzzzzz'; remove it"),
            "{far}"
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let e = error("runs = 3\nwarmup = [\n", false);
        assert!(e.starts_with("coldstart.toml:2: "), "{e}");
        assert!(e.ends_with("; fix the TOML syntax"), "{e}");
    }
}
