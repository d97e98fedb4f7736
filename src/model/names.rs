//! Python module names and paths.
use std::path::{Path, PathBuf};

/// A dotted Python module name: identifiers (letters, digits, `_`, not starting with a digit).
pub fn is_module_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
                && chars.all(|c| c == '_' || c.is_alphanumeric())
                && !KEYWORDS.contains(&part)
        })
}

/// Python's hard keywords (3.8-3.13): no module name part can be one.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// `'name'`, or Rust's escaped `"na\nme"` when it holds control characters, so that an error
/// stays one line and cannot carry terminal escape sequences.
pub fn quoted(name: &str) -> String {
    if name.chars().any(char::is_control) {
        format!("{name:?}")
    } else {
        format!("'{name}'")
    }
}

/// Whether some part of the dotted `name` is a Python keyword (`import`, `pkg.class`).
pub fn is_keyword(name: &str) -> bool {
    name.split('.').any(|part| KEYWORDS.contains(&part))
}

/// The top-level package of a dotted module name (`a.b.c` gives `a`).
pub fn top_level(module: &str) -> &str {
    module.split('.').next().unwrap_or(module)
}

/// Top-level packages an import statement names (`from a.b import c; import d as e` gives a, d).
pub fn packages_of_statement(stmt: &str) -> Vec<String> {
    let mut found = Vec::new();
    for part in stmt.split([';', '\n']) {
        let words: Vec<&str> = part.split_whitespace().collect();
        match words.as_slice() {
            ["from", module, ..] => found.push(top_level(module).to_string()),
            ["import", ..] => {
                let rest = part.trim_start().trim_start_matches("import");
                for item in rest.split(',') {
                    if let Some(module) = item.split_whitespace().next() {
                        found.push(top_level(module).to_string());
                    }
                }
            }
            _ => {}
        }
    }
    found.retain(|m| is_module_name(m));
    found.dedup();
    found
}

/// `path` made absolute against `base` (not resolved: symlinks and `..` stay as given).
pub fn absolute(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

/// Modules equal to `prefix` or below `prefix.` (a true prefix, not a substring).
pub fn count_package(modules: &[String], prefix: &str) -> usize {
    modules
        .iter()
        .filter(|m| {
            m.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_names() {
        assert_eq!(top_level("a.b.c"), "a");
        assert_eq!(top_level("a"), "a");
        assert_eq!(top_level(""), "");
        assert_eq!(top_level(".x"), "");
    }

    #[test]
    fn statements_name_their_packages() {
        assert_eq!(packages_of_statement("import a.b as c, d"), vec!["a", "d"]);
        assert_eq!(
            packages_of_statement("from x.y import z; import w"),
            vec!["x", "w"]
        );
        assert!(packages_of_statement("print(1)").is_empty());
    }
}
