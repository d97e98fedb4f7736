//! What `bisect` and `history` do per commit: materialise it outside the user's checkout (a
//! temporary repository borrowing the objects), build or reuse its environment from the cache,
//! and measure it in one session. Errors that belong to the commit (its environment does not
//! build, its import fails or hangs) become skips; the rest (an interrupt, git, disk) stop the run.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::bisect::driver::Failure;
use crate::env::{EnvBuilder, EnvError, Installer};
use crate::error::{Error, Result};
use crate::git::{Commit, Repo};
use crate::measure::single::{AnchorEvery, effective_warmup, start_session};
use crate::model::Measure;
use crate::probe::PythonProbe;
use crate::results::{ResultFile, build};
use crate::sys::host::{self, Host, ProcHost};

/// Environments per commit, each built (or found in the cache) once per run.
pub struct CommitEnvs<'a> {
    repo: &'a Repo,
    builder: EnvBuilder,
    built: HashMap<String, PathBuf>,
    quiet: bool,
}

impl<'a> CommitEnvs<'a> {
    pub fn new(
        repo: &'a Repo,
        base_python: PathBuf,
        cache_dir: PathBuf,
        setup: Option<String>,
        quiet: bool,
    ) -> CommitEnvs<'a> {
        CommitEnvs {
            repo,
            builder: EnvBuilder {
                base_python,
                cache_dir,
                setup,
                installer: Installer::detect(),
            },
            built: HashMap::new(),
            quiet,
        }
    }

    /// The interpreter of `commit`'s environment and how it came about (`built`, `cloned`,
    /// `reused`; a commit asked for again in the same run is `reused`).
    pub fn python(&mut self, commit: &Commit) -> Result<(PathBuf, String), Failure<Error>> {
        if let Some(p) = self.built.get(&commit.sha) {
            return Ok((p.clone(), "reused".into()));
        }
        let checkout = self
            .repo
            .checkout(&commit.revision())
            .map_err(|e| Failure::Fatal(Error::Git(e)))?;
        let built = match self.builder.build(&checkout) {
            Ok(built) => built,
            Err(e @ EnvError::Interrupted { .. }) => return Err(Failure::Fatal(Error::Env(e))),
            Err(e) => {
                if !self.quiet {
                    eprintln!("environment for {} failed: {e}", commit.short);
                    if let Some(tail) = e.output_tail() {
                        eprintln!(
                            "--- last lines of the failed step ---\n{}\n---",
                            tail.trim_end()
                        );
                    }
                }
                return Err(Failure::Skip {
                    reason: format!(
                        "environment failed to build: {}",
                        first_line(&e.to_string())
                    ),
                });
            }
        };
        if !self.quiet {
            eprintln!(
                "environment for {} ({}): {} in {:.1} s",
                commit.short,
                commit.subject,
                built.outcome.as_str(),
                built.setup_secs
            );
        }
        self.built.insert(commit.sha.clone(), built.python.clone());
        Ok((built.python, built.outcome.as_str().into()))
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// An error of measuring a commit: its own failures are skips. An import failure names the fix
/// for an environment coldstart built (the project's dependencies, or `--setup`), not the one for
/// a `--python` environment the user made.
pub fn classify(e: Error) -> Failure<Error> {
    let e = match e {
        Error::ImportFailed { target, detail } => Error::RevisionImportFailed { target, detail },
        e => e,
    };
    match e {
        Error::RevisionImportFailed { .. } | Error::Timeout { .. } => Failure::Skip {
            reason: first_line(&e.to_string()).to_string(),
        },
        e => Failure::Fatal(e),
    }
}

/// `runs` rounds of every target of `m` (and its anchor) under `python`, then `tree_runs`
/// import-tree runs; the result file is built but not saved.
pub fn measure(
    m: &Measure,
    python: &Path,
    runs: usize,
    warmup: usize,
    tree_runs: usize,
) -> Result<ResultFile> {
    let mut probe = PythonProbe::new(python, m.env.clone(), m.pyc, m.timeout)?;
    let interpreter = probe.interpreter().clone();
    let installed = probe.installed()?;
    let hostp = ProcHost;
    let warmup = effective_warmup(m.pyc, warmup);
    let mut quiet = |_| {};
    let before = hostp.counters();
    let mut session = start_session(
        vec![&mut probe],
        m,
        warmup,
        runs,
        AnchorEvery::ROUND,
        &mut quiet,
    )?;
    if tree_runs > 0 {
        session.trees(tree_runs)?;
    }
    let sides = session.into_sides();
    let noise = before
        .zip(hostp.counters())
        .map(|(b, a)| host::noise(&b, &a));
    let ctx = build::Context {
        measure: m,
        runs,
        warmup,
        label: None,
        interpreter,
        installed,
        host: hostp.info(),
        git: None,
        noise,
        created_at: chrono::Utc::now(),
    };
    Ok(build::build(&ctx, &sides[0]))
}

/// The sorted module names each target loaded.
pub fn loaded(result: &ResultFile) -> Vec<Vec<String>> {
    result
        .targets
        .iter()
        .map(|t| t.modules.loaded.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_failures_skip_with_the_fix_for_a_built_environment() {
        let failed = Error::ImportFailed {
            target: "pkg".into(),
            detail: "ModuleNotFoundError: No module named 'dep'".into(),
        };
        let Failure::Skip { reason } = classify(failed) else {
            panic!("an import failure is the commit's own");
        };
        assert!(
            reason.starts_with(
                "target 'pkg' failed to import in the environment coldstart built for a revision"
            ),
            "{reason}"
        );
        assert!(!reason.contains("--python"), "{reason}");
        assert!(reason.contains("--setup"), "{reason}");
        assert!(matches!(classify(Error::Interrupted), Failure::Fatal(_)));
    }
}
