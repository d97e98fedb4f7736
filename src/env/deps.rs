//! The dependency specification of a project: a hash over the files that declare what gets
//! installed. Two revisions with equal hashes can share an environment's dependencies (the project
//! itself is always reinstalled). `pyproject.toml` is hashed without the metadata that cannot change
//! what is installed (version, description, authors, ...) and without linters' settings, so a
//! version bump does not force a rebuild; every other file is hashed byte for byte.
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use super::error::EnvError;

/// Files (in the project directory) whose exact content decides the dependencies.
const EXACT_FILES: [&str; 9] = [
    "setup.cfg",
    "setup.py",
    "uv.lock",
    "poetry.lock",
    "pdm.lock",
    "Pipfile",
    "Pipfile.lock",
    "environment.yml",
    "hatch.toml",
];
/// Prefixes of requirement files (`requirements-dev.txt`, `constraints.txt`, ...).
const TXT_PREFIXES: [&str; 2] = ["requirements", "constraints"];
/// Directories holding requirement files.
const TXT_DIRS: [&str; 2] = ["requirements", "requirements.d"];
/// `[project]` keys that cannot change what is installed.
const PROJECT_METADATA: [&str; 9] = [
    "version",
    "description",
    "readme",
    "authors",
    "maintainers",
    "keywords",
    "classifiers",
    "urls",
    "license",
];
/// `[tool]` tables of tools that do not take part in installing.
const TOOLS_NOT_INSTALLING: [&str; 12] = [
    "black",
    "codespell",
    "coverage",
    "isort",
    "mypy",
    "pylint",
    "pyright",
    "pytest",
    "ruff",
    "bumpversion",
    "commitizen",
    "towncrier",
];

/// A canonical text of every dependency-declaring file of the project in `dir`, for hashing.
pub(crate) fn specification(dir: &Path) -> Result<String, EnvError> {
    let mut spec = String::new();
    let pyproject = dir.join("pyproject.toml");
    if let Some(text) = read(&pyproject)? {
        let _ = writeln!(spec, "== pyproject.toml\n{}", normalise_pyproject(&text));
    }
    let mut files: Vec<String> = EXACT_FILES.iter().map(|f| f.to_string()).collect();
    files.extend(txt_files(dir, "", &TXT_PREFIXES));
    for sub in TXT_DIRS {
        files.extend(txt_files(&dir.join(sub), &format!("{sub}/"), &[""]));
    }
    files.sort();
    for name in files {
        if let Some(text) = read(&dir.join(&name))? {
            let _ = writeln!(spec, "== {name} {}\n{text}", text.len());
        }
    }
    Ok(spec)
}

fn read(path: &Path) -> Result<Option<String>, EnvError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(EnvError::io("cannot read", path)(e)),
    }
}

/// `*.txt` files in `dir` whose names start with one of `prefixes`, named `{shown}{file}`.
fn txt_files(dir: &Path, shown: &str, prefixes: &[&str]) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") && prefixes.iter().any(|p| n.starts_with(p)))
        .map(|n| format!("{shown}{n}"))
        .collect()
}

/// `pyproject.toml` without install-irrelevant metadata, keys sorted; the raw text when it does
/// not parse (pip will then fail with its own message).
fn normalise_pyproject(text: &str) -> String {
    let Ok(mut doc) = text.parse::<toml::Table>() else {
        return text.to_string();
    };
    if let Some(toml::Value::Table(project)) = doc.get_mut("project") {
        for key in PROJECT_METADATA {
            project.remove(key);
        }
    }
    if let Some(toml::Value::Table(tool)) = doc.get_mut("tool") {
        for key in TOOLS_NOT_INSTALLING {
            tool.remove(key);
        }
    }
    let mut out = String::new();
    canonical(&toml::Value::Table(doc), &mut out);
    out
}

/// A deterministic rendering of a TOML value (tables sorted by key whatever the map type).
fn canonical(value: &toml::Value, out: &mut String) {
    match value {
        toml::Value::Table(table) => {
            let mut keys: Vec<&String> = table.keys().collect();
            keys.sort();
            out.push('{');
            for key in keys {
                let _ = write!(out, "{key:?}=");
                canonical(&table[key.as_str()], out);
                out.push(',');
            }
            out.push('}');
        }
        toml::Value::Array(items) => {
            out.push('[');
            for item in items {
                canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_of(files: &[(&str, &str)]) -> String {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            let path = dir.path().join(name);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, text).expect("write");
        }
        specification(dir.path()).expect("spec")
    }

    const BASE: &str = "[project]\nname = 'p'\nversion = '1.0'\ndependencies = ['rich']\n[tool.ruff]\nline-length = 90\n";

    #[test]
    fn version_bumps_and_linter_settings_do_not_change_the_spec() {
        let bumped = BASE.replace("1.0", "2.0").replace("90", "100");
        let reordered =
            "[tool.ruff]\nline-length = 1\n[project]\ndependencies = ['rich']\nname = 'p'\n";
        let a = spec_of(&[("pyproject.toml", BASE)]);
        assert_eq!(a, spec_of(&[("pyproject.toml", &bumped)]));
        assert_eq!(a, spec_of(&[("pyproject.toml", reordered)]));
    }

    #[test]
    fn dependencies_and_requirement_files_change_the_spec() {
        let a = spec_of(&[("pyproject.toml", BASE)]);
        let other = BASE.replace("rich", "click");
        assert_ne!(a, spec_of(&[("pyproject.toml", &other)]));
        assert_ne!(
            a,
            spec_of(&[
                ("pyproject.toml", BASE),
                ("requirements-dev.txt", "pytest\n")
            ])
        );
        assert_ne!(
            a,
            spec_of(&[("pyproject.toml", BASE), ("requirements/base.txt", "x\n")])
        );
        assert_ne!(
            a,
            spec_of(&[("pyproject.toml", BASE), ("uv.lock", "lock\n")])
        );
        assert_eq!(
            a,
            spec_of(&[("pyproject.toml", BASE), ("notes.txt", "not a spec\n")])
        );
    }

    #[test]
    fn unparsable_pyproject_is_hashed_raw() {
        assert!(spec_of(&[("pyproject.toml", "not = [toml")]).contains("not = [toml"));
    }
}
