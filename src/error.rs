//! The one error type of the tool: every variant names the problem and the flag or step that fixes it.
use crate::exit::Exit;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag or configuration value out of its range or format (the message names the fix).
    #[error("{0}")]
    Usage(String),
    /// A numeric flag under its minimum (`bound` is the minimum and why).
    #[error("{flag} must be at least {bound}")]
    TooSmall {
        flag: &'static str,
        bound: &'static str,
    },
    /// A module name that is not a dotted identifier; `flag` is the flag it was given to.
    #[error("{}{} is not a dotted module name{hint}", flag.map(|f| format!("{f} ")).unwrap_or_default(), crate::model::names::quoted(name))]
    NotModuleName {
        flag: Option<&'static str>,
        name: String,
        hint: &'static str,
    },
    /// A configuration file that cannot be read.
    #[error("cannot read config file {}: {reason}; check the file, or pass --config FILE", path.display())]
    ConfigUnreadable { path: PathBuf, reason: String },
    /// A bad key or value in a configuration file.
    #[error("{}: {problem}", file.display())]
    Config { file: PathBuf, problem: String },
    /// `check` with nothing to check.
    #[error(
        "no budgets to check; pass e.g. --max-import-ms 300, --max-modules 600 or --forbid MODULE (or set them in [tool.coldstart.budgets])"
    )]
    NoBudgets,
    /// A budget for a target the result file does not have.
    #[error("a budget names target '{name}', which the result file does not have (it has: {})", available.join(", "))]
    UnknownTarget {
        name: String,
        available: Vec<String>,
    },
    /// `compare --strict` on files from different environments.
    #[error("the result files are not comparable ({}); drop --strict to compare anyway", differences.join("; "))]
    Incomparable { differences: Vec<String> },
    #[error(
        "python interpreter '{path}' was not found ({reason}); pass --python PATH to a python executable"
    )]
    PythonNotFound { path: String, reason: String },
    /// A `--python` that is a directory, no Python, or too old a one.
    #[error(transparent)]
    Python(#[from] crate::probe::diagnose::PythonProblem),
    #[error(
        "'{path}' is not a usable Python interpreter: {detail}; pass --python PATH to a CPython 3.8+ executable"
    )]
    NotPython { path: String, detail: String },
    #[error("target '{target}' failed to import: {detail}{}", import_hint(detail))]
    ImportFailed { target: String, detail: String },
    /// An import failure in an environment `branches` built (so "install it into --python" is
    /// not the fix).
    #[error(
        "target '{target}' failed to import in the environment coldstart built for a revision: {detail}{}",
        revision_import_hint(detail)
    )]
    RevisionImportFailed { target: String, detail: String },
    #[error(
        "timed out identifying '{path}' as a Python interpreter after {seconds} s (its whole process group was killed); raise --timeout, or check that `{path} -c pass` finishes"
    )]
    IdentifyTimeout { path: String, seconds: f64 },
    /// The probe's scratch directory vanished between children (not during a target's).
    #[error(
        "coldstart's scratch directory {} was removed while measuring, by something other than the measured target (a temporary-file cleaner?); run again, or set TMPDIR to a directory nothing else cleans", path.display()
    )]
    ScratchRemoved { path: PathBuf },
    #[error(
        "target '{target}' timed out after {seconds} s (its whole process group was killed); raise --timeout or fix the hang"
    )]
    Timeout { target: String, seconds: f64 },
    #[error("output directory '{}' is not writable ({reason}); pass --output-dir DIR", path.display())]
    OutputDir { path: PathBuf, reason: String },
    #[error("cannot write '{}' ({reason}); check that its directory exists and is writable", path.display())]
    WriteFile { path: PathBuf, reason: String },
    #[error("cannot read result file '{}': {reason}", path.display())]
    ResultFile { path: PathBuf, reason: String },
    #[error("interrupted: children were stopped and no result file was written")]
    Interrupted,
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    #[error(transparent)]
    Env(#[from] crate::env::EnvError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// [`Exit::Interrupted`] for an interrupt (130, the shell convention for SIGINT), else
    /// [`Exit::Error`] (2).
    pub fn exit(&self) -> Exit {
        match self {
            Error::Interrupted
            | Error::Git(crate::git::GitError::Interrupted { .. })
            | Error::Env(crate::env::EnvError::Interrupted { .. }) => Exit::Interrupted,
            _ => Exit::Error,
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// The fix to append to an import failure, unless its detail already names one.
fn import_hint(detail: &str) -> &'static str {
    if detail.ends_with('?') {
        " Otherwise install it into the --python environment or pass --path DIR"
    } else if detail.contains("ModuleNotFoundError") {
        "; install it into the --python environment or pass --path DIR"
    } else if detail.contains("; fix ") {
        ""
    } else {
        "; run the statement with the --python interpreter to see the full traceback"
    }
}

/// The fix for an import failure in an environment `branches` built from a revision.
fn revision_import_hint(detail: &str) -> &'static str {
    if detail.ends_with('?') {
        " Otherwise add it to the project's dependencies (pyproject.toml) or install the revision your way with --setup 'COMMAND'"
    } else if detail.contains("ModuleNotFoundError") {
        "; coldstart installs each revision with the dependencies it declares: add the missing one to the project's dependencies (pyproject.toml), or install the revision your way with --setup 'COMMAND'"
    } else if detail.contains("; fix ") {
        ""
    } else {
        "; check that the revision imports after a plain install of the project, or install it your way with --setup 'COMMAND'"
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_failures_name_the_fix() {
        let failed = |detail: &str| {
            Error::ImportFailed {
                target: "x".into(),
                detail: detail.into(),
            }
            .to_string()
        };
        assert!(
            failed("ModuleNotFoundError: No module named 'x'")
                .ends_with("install it into the --python environment or pass --path DIR")
        );
        assert!(failed("ValueError: boom").ends_with("to see the full traceback"));
        assert!(
            failed("the statement is not valid Python (bad); fix --stmt").ends_with("fix --stmt")
        );
    }
}
