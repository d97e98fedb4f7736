//! Errors of the environment layer: one line each, naming the problem and the flag that fixes it.
use std::path::PathBuf;

/// Everything that can go wrong while building, reusing or cleaning environments.
#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    /// A `--python` that is a directory, no Python, or too old a one.
    #[error(transparent)]
    Python(crate::probe::diagnose::PythonProblem),
    #[error("base interpreter '{}' does not work ({detail}); pass a working one with --python", python.display())]
    BasePython { python: PathBuf, detail: String },
    #[error(
        "cannot determine a cache directory (neither XDG_CACHE_HOME nor HOME is set); pass --cache-dir"
    )]
    NoCacheDir,
    #[error("cache directory '{}' is not usable ({source}); pass a writable one with --cache-dir", path.display())]
    Cache {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{step} failed ({status}); full log: {}; {hint}", log.display())]
    Setup {
        step: String,
        status: String,
        log: PathBuf,
        hint: String,
        /// The last lines of the failing step's output, for the caller to print.
        tail: String,
    },
    #[error("the environment at '{}' does not work after {action} ({detail}); remove it with `coldstart cache clean` or pass another --cache-dir", dir.display())]
    Broken {
        dir: PathBuf,
        action: String,
        detail: String,
    },
    #[error("project directory '{}' is missing; run coldstart from the project's directory", dir.display())]
    NoProject { dir: PathBuf },
    #[error("interrupted while {step}")]
    Interrupted { step: String },
    #[error("{what} '{}': {source}", path.display())]
    Io {
        what: String,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl EnvError {
    /// The last lines of a failed setup step's output (`None` for other errors).
    pub fn output_tail(&self) -> Option<&str> {
        match self {
            EnvError::Setup { tail, .. } => Some(tail),
            _ => None,
        }
    }

    pub(crate) fn io(
        what: &str,
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> EnvError {
        let (what, path) = (what.to_string(), path.to_path_buf());
        move |source| EnvError::Io { what, path, source }
    }

    pub(crate) fn cache(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> EnvError {
        let path = path.to_path_buf();
        move |source| EnvError::Cache { path, source }
    }
}
