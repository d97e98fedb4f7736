//! What is wrong with a `--python` that did not answer coldstart's identification: a directory
//! (a venv given instead of its `bin/python`), a program that is no Python at all, or a Python
//! older than 3.8 (Python 2 rejects `-I` before running anything). Asked only on the error path:
//! a second, plain `--version` run tells them apart. Depends on no error type of the crate,
//! so the tool's and the environment layer's errors can both carry a [`PythonProblem`].
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A `--python` that cannot be used, with the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PythonProblem {
    #[error("--python '{}' is a directory; did you mean {}?", path.display(), suggestion.display())]
    Directory { path: PathBuf, suggestion: PathBuf },
    #[error("--python '{}' is a directory, not an interpreter; pass --python PATH to a python executable (e.g. a venv's bin/python)", path.display())]
    DirectoryWithoutPython { path: PathBuf },
    #[error("'{}' is not a Python interpreter; pass --python PATH to a CPython 3.8+ executable", path.display())]
    NotPython { path: PathBuf },
    #[error("'{}' is Python {version}; coldstart needs 3.8 or newer (pass --python PATH to one)", path.display())]
    TooOld { path: PathBuf, version: String },
}

/// Checked before starting `python`: a directory cannot be run (the OS would only say
/// "Permission denied").
pub fn before_start(python: &Path) -> Result<(), PythonProblem> {
    if !python.is_dir() {
        return Ok(());
    }
    let bin = python.join("bin");
    match ["python", "python3"]
        .iter()
        .map(|n| bin.join(n))
        .find(|p| p.is_file())
    {
        Some(suggestion) => Err(PythonProblem::Directory {
            path: python.to_path_buf(),
            suggestion,
        }),
        None => Err(PythonProblem::DirectoryWithoutPython {
            path: python.to_path_buf(),
        }),
    }
}

/// After `python` failed the identification: `Some` problem when `python --version` shows it is
/// no Python or too old a one; `None` when it says it is Python 3.8+ (the failure is something
/// else, which the caller reports with the interpreter's own message).
pub fn after_failure(python: &Path) -> Option<PythonProblem> {
    let text = version_output(python);
    match parse_version(&text) {
        Some(v) if supported(&v) => None,
        Some(version) => Some(PythonProblem::TooOld {
            path: python.to_path_buf(),
            version,
        }),
        None => Some(PythonProblem::NotPython {
            path: python.to_path_buf(),
        }),
    }
}

/// The first 4 KiB of what `python --version` printed (stdout and stderr: Python 2 answers on
/// stderr), empty when it could not run. At most 10 s.
fn version_output(python: &Path) -> String {
    let Ok(file) = tempfile::tempfile() else {
        return String::new();
    };
    let (Ok(out), Ok(err)) = (file.try_clone(), file.try_clone()) else {
        return String::new();
    };
    let mut cmd = Command::new(python);
    cmd.arg("--version")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    if crate::sys::process::run(&mut cmd, Duration::from_secs(10)).is_err() {
        return String::new();
    }
    let mut file = file;
    let mut bytes = Vec::new();
    let _ = file.rewind();
    let _ = file.take(4096).read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `2.7.18` from a line `Python 2.7.18` (also `Python 3.14.0rc1`).
fn parse_version(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("Python ")?;
        let version = rest.split_whitespace().next()?;
        let digits = version.split('.').next()?;
        (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| version.to_string())
    })
}

/// 3.8 or newer.
fn supported(version: &str) -> bool {
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= (3, 8)
}

/// Lists every importable top-level name one per line: `pkgutil.iter_modules` over `sys.path`,
/// the built-in modules, and directories on `sys.path` (namespace packages, which `pkgutil`
/// does not list).
pub const TOP_LEVEL_NAMES: &str = "import os, pkgutil, sys
names = {m.name for m in pkgutil.iter_modules()} | set(sys.builtin_module_names)
for p in sys.path:
    try:
        names.update(e.name for e in os.scandir(p or '.') if e.is_dir())
    except OSError:
        pass
print(chr(10).join(sorted(n for n in names if n.isidentifier())))";

/// The missing module of a `ModuleNotFoundError: No module named 'x'` detail.
pub fn missing_module(detail: &str) -> Option<&str> {
    let rest = detail.strip_prefix("ModuleNotFoundError: No module named '")?;
    rest.strip_suffix('\'')
}

/// The importable top-level name `missing` was probably meant to be (`reqeusts` → `requests`):
/// the closest by optimal-string-alignment distance, case and `-`/`_` ignored, within a third of
/// its length (1 to 3 edits); `None` when nothing is that close.
pub fn close_module(missing: &str, names: &[&str]) -> Option<String> {
    let norm = |s: &str| s.to_lowercase().replace('-', "_");
    let wanted = norm(missing);
    let limit = (missing.chars().count() / 3).clamp(1, 3);
    names
        .iter()
        .filter(|n| **n != missing)
        .map(|n| (strsim::osa_distance(&wanted, &norm(n)), *n))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, n)| n.to_string())
}

/// `detail` plus `; did you mean 'requests'?` when the module not found is `target`'s own
/// top-level name and `list_names` (called only then: the error path) names a close one.
pub fn with_suggestion(
    detail: &str,
    target: &str,
    list_names: impl FnOnce() -> Option<String>,
) -> String {
    let Some(missing) = missing_module(detail) else {
        return detail.to_string();
    };
    let top = crate::model::names::top_level(target);
    if missing != top || !crate::model::names::is_module_name(target) {
        return detail.to_string();
    }
    let listed = list_names().unwrap_or_default();
    let names: Vec<&str> = listed.lines().collect();
    match close_module(missing, &names) {
        Some(name) => format!("{detail}; did you mean '{name}'?"),
        None => detail.to_string(),
    }
}

/// The line of a child's stderr that says what went wrong: a Python traceback's last line (the
/// exception), otherwise the first line (e.g. `pyenv: python3.12: command not found`, whose last
/// line is a footnote). At most 300 characters.
pub(crate) fn summary_line(stderr: &str) -> String {
    let mut lines = stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let line = if stderr.contains("Traceback (most recent call last)") {
        lines.next_back()
    } else {
        lines.next()
    };
    line.unwrap_or("").chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_the_version_line() {
        assert_eq!(parse_version("Python 2.7.18\n"), Some("2.7.18".into()));
        assert_eq!(parse_version("Python 3.14.0rc1"), Some("3.14.0rc1".into()));
        assert_eq!(parse_version("ls (GNU coreutils) 9.1\n"), None);
        assert_eq!(parse_version("Python is great"), None);
        assert!(!supported("2.7.18") && !supported("3.7.16"));
        assert!(supported("3.8.0") && supported("3.14.0rc1") && supported("4.0"));
    }

    #[test]
    fn close_modules() {
        let names = ["requests", "json", "rich", "yaml", "urllib3"];
        assert_eq!(close_module("reqeusts", &names), Some("requests".into()));
        assert_eq!(close_module("jsno", &names), Some("json".into()));
        assert_eq!(close_module("Rich", &names), Some("rich".into()));
        assert_eq!(close_module("numpy", &names), None);
        assert_eq!(
            missing_module("ModuleNotFoundError: No module named 'reqeusts'"),
            Some("reqeusts")
        );
        assert_eq!(missing_module("ValueError: boom"), None);
    }

    #[test]
    fn a_directory_with_a_python_inside_names_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            before_start(dir.path()),
            Err(PythonProblem::DirectoryWithoutPython { .. })
        ));
        std::fs::create_dir(dir.path().join("bin")).expect("bin");
        std::fs::write(dir.path().join("bin/python"), "").expect("python");
        let e = before_start(dir.path()).expect_err("directory");
        assert_eq!(
            e.to_string(),
            format!(
                "--python '{0}' is a directory; did you mean {0}/bin/python?",
                dir.path().display()
            )
        );
        assert_eq!(before_start(&dir.path().join("bin/python")), Ok(()));
    }

    #[test]
    fn programs_that_are_no_python_are_named_so() {
        assert_eq!(
            after_failure(Path::new("/bin/ls")),
            Some(PythonProblem::NotPython {
                path: "/bin/ls".into()
            })
        );
        assert_eq!(after_failure(Path::new("python3")), None);
    }

    #[test]
    fn summary_line_is_the_exception_of_a_traceback_and_the_first_line_otherwise() {
        let traceback = "Traceback (most recent call last):\n  File \"<string>\", line 1\nModuleNotFoundError: No module named 'x'\n";
        assert_eq!(
            summary_line(traceback),
            "ModuleNotFoundError: No module named 'x'"
        );
        let pyenv = "pyenv: python3.12: command not found\n\nThe `python3.12' command exists in these Python versions:\n  3.12.1\n\nNote: See 'pyenv help global' for tips on allowing multiple\n      Python versions to be found at the same time.\n";
        assert_eq!(summary_line(pyenv), "pyenv: python3.12: command not found");
        assert_eq!(summary_line("\n\n"), "");
        assert_eq!(summary_line(&"x".repeat(500)).len(), 300);
    }
}
