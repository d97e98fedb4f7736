//! The base interpreter: resolved once to its real executable (`sys.executable`, so a pyenv shim
//! is not what venvs point at) with the version that goes into every cache key.
use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::EnvError;
use super::run::query;
use crate::probe::{IDENTIFY, parse_identity};

/// What the environment layer needs to know about `--python`.
#[derive(Debug, Clone)]
pub(crate) struct BasePython {
    /// The real interpreter (`sys.executable`).
    pub executable: PathBuf,
    /// `CPython 3.11.7`.
    pub version: String,
    /// `sys.version`, which also names the build (part of the cache key).
    pub build: String,
}

/// Runs `python` once to learn its real executable and version.
pub(crate) fn probe(python: &Path) -> Result<BasePython, EnvError> {
    let fail = |detail: String| EnvError::BasePython {
        python: python.to_path_buf(),
        detail,
    };
    crate::probe::diagnose::before_start(python).map_err(EnvError::Python)?;
    let mut cmd = Command::new(python);
    cmd.args(["-I", "-c", IDENTIFY]);
    let out = query(cmd, "identifying the base interpreter", fail)?;
    let identity = parse_identity(&out.stdout);
    if (!out.status.success() || identity.is_none())
        && let Some(problem) = crate::probe::diagnose::after_failure(python)
    {
        return Err(EnvError::Python(problem));
    }
    if let Some(id) = identity.as_ref().filter(|id| !id.supported) {
        return Err(EnvError::Python(
            crate::probe::diagnose::PythonProblem::TooOld {
                path: python.to_path_buf(),
                version: id.version.clone(),
            },
        ));
    }
    if !out.status.success() {
        return Err(fail(format!(
            "{}: {}",
            out.status,
            out.stderr.lines().last().unwrap_or("")
        )));
    }
    match identity {
        Some(id) if !id.executable.is_empty() => Ok(BasePython {
            executable: PathBuf::from(id.executable),
            version: id.release,
            build: id.build,
        }),
        _ => Err(fail("it did not report sys.executable".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_python3() {
        let base = probe(Path::new("python3")).expect("python3 works");
        assert!(base.executable.is_absolute());
        assert!(base.version.contains(' '), "{}", base.version);
    }

    #[test]
    fn a_missing_interpreter_names_the_flag() {
        let err = probe(Path::new("/nonexistent/python9")).expect_err("missing");
        assert!(err.to_string().contains("--python"), "{err}");
    }
}
