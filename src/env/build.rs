//! Building the environment of one checkout: reuse an identical cached environment, else clone one
//! whose dependency specification is the same and reinstall only the project, else create a venv
//! and install (default installer or `--setup`). Every new environment is built in the cache's
//! `tmp/` and renamed into place once it works.
//!
//! Concurrency: the key's lock (`super::lock`) is held shared while an environment is in use and
//! exclusive while it is built, so a second run needing the same environment waits for the first
//! builder and then reuses its result, and `cache clean` never removes an environment in use.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tempfile::TempDir;

use super::cache::{self, Cache};
use super::deps;
use super::error::EnvError;
use super::fsutil;
use super::lock::{KeyLock, Mode};
use super::python::{self, BasePython};
use super::run::{Step, query, run_logged};
use crate::git::Checkout;

/// How environments are created and the project installed when no `--setup` is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installer {
    /// `uv venv` + `uv pip install` with this `uv` executable.
    Uv(PathBuf),
    /// `python -m venv` + `pip install`.
    Pip,
}

impl Installer {
    /// `uv` when it is on `PATH`, else pip.
    pub fn detect() -> Installer {
        let found = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("uv"))
                .find(|p| is_executable(p))
        });
        found.map_or(Installer::Pip, Installer::Uv)
    }

    fn name(&self) -> &'static str {
        match self {
            Installer::Uv(_) => "uv",
            Installer::Pip => "pip",
        }
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// How an environment was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// An identical environment from the cache; nothing was run.
    Reused,
    /// A copy of an environment with the same dependencies; only the project was reinstalled.
    Cloned,
    /// Created from scratch.
    Built,
}

impl Outcome {
    /// The name used in messages and result files (`reused`, `cloned`, `built`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Reused => "reused",
            Outcome::Cloned => "cloned",
            Outcome::Built => "built",
        }
    }
}

/// Builds per-revision environments.
///
/// Without `setup`, the project is installed non-editable (`pip install DIR` / `uv pip install
/// DIR`, with build isolation), so a cached environment does not depend on the temporary checkout.
/// Offline, that works when the build backend needs nothing from an index (an in-tree backend,
/// a wheelhouse in `PIP_FIND_LINKS`, uv's cache). It does not work for setuptools projects with
/// the setuptools 65 that CPython 3.11 venvs bundle: it builds wheels only with the `wheel`
/// package, which venvs lack. Such users pass `setup`.
#[derive(Debug, Clone)]
pub struct EnvBuilder {
    /// The interpreter environments are made from (`--python`).
    pub base_python: PathBuf,
    /// Where environments are cached (`--cache-dir`, default [`cache::default_dir`]).
    pub cache_dir: PathBuf,
    /// `--setup`: run with `sh -c` in the project directory after the venv is created, with
    /// `VIRTUAL_ENV`, `COLDSTART_PYTHON` (the env's python) and the env's `bin` first on `PATH`.
    /// With [`Installer::Uv`] the venv has no pip (use `uv pip install`, which follows
    /// `VIRTUAL_ENV`). An editable install makes the environment uncacheable (it would point into
    /// the temporary checkout); it is then used for this run only, with a warning.
    pub setup: Option<String>,
    /// Used when `setup` is `None`, and to create the venv.
    pub installer: Installer,
}

/// A ready environment. Keep it alive while measuring: an environment that is not cached
/// (`cached == false`) lives in a temporary directory removed when this is dropped.
#[derive(Debug)]
pub struct BuiltEnv {
    /// `<dir>/bin/python`, not resolved (the symlink's location selects the venv).
    pub python: PathBuf,
    pub dir: PathBuf,
    pub outcome: Outcome,
    /// Wall time spent in `build`, including cache look-ups.
    pub setup_secs: f64,
    /// Whether the environment is stored in the cache for later runs.
    pub cached: bool,
    /// The cache key (revision, dependency specification, interpreter, recipe).
    pub key: String,
    /// `CPython 3.11.7`.
    pub python_version: String,
    /// Things the user should know (e.g. why it was not cached).
    pub warnings: Vec<String>,
    _scratch: Option<TempDir>,
    /// The key's lock, held shared while this value lives.
    _lock: KeyLock,
}

const VENV: Step = Step {
    what: "creating the virtual environment",
    hint: "check the interpreter given with --python",
};
const INSTALL: Step = Step {
    what: "installing the project",
    hint: "install it your way with --setup 'COMMAND'",
};
const SETUP: Step = Step {
    what: "the --setup command",
    hint: "fix the command given with --setup",
};

/// Paths of one build.
struct Job<'a> {
    env: &'a Path,
    project: &'a Path,
    log: &'a Path,
    base: &'a BasePython,
}

impl EnvBuilder {
    /// The environment for `checkout`: reused, cloned or built (see the module documentation).
    /// A working-tree checkout with uncommitted changes is never reused as is: at least the
    /// project is reinstalled. A clean working tree is its commit and reuses its environment.
    pub fn build(&self, checkout: &Checkout) -> Result<BuiltEnv, EnvError> {
        let started = Instant::now();
        let project = checkout.project_dir();
        if !project.is_dir() {
            return Err(EnvError::NoProject {
                dir: project.to_path_buf(),
            });
        }
        let cache = Cache::open(&self.cache_dir)?;
        let base = python::probe(&self.base_python)?;
        let recipe = match &self.setup {
            Some(command) => format!("setup: {command}"),
            None => self.installer.name().to_string(),
        };
        let spec = deps::specification(project)?;
        let exe = base.executable.to_string_lossy();
        let deps_key = cache::digest(&["deps", &recipe, &exe, &base.build, &spec]);
        let key = cache::digest(&["env", &deps_key, checkout.content_id()]);
        let done = |dir: PathBuf, outcome, cached, warnings, scratch, lock| BuiltEnv {
            python: dir.join("bin").join("python"),
            dir,
            outcome,
            setup_secs: started.elapsed().as_secs_f64(),
            cached,
            key: key.clone(),
            python_version: base.version.clone(),
            warnings,
            _scratch: scratch,
            _lock: lock,
        };

        let reusable = |cache: &Cache| match checkout.is_commit_content() {
            true => cache.find(&key),
            false => None,
        };
        // Shared first: the common case (reuse) never waits for another user. Otherwise wait
        // for either lock: shared once another run has stored the environment (it keeps a shared
        // lock while it measures, so waiting for exclusive alone would wait for its whole run),
        // exclusive to build it ourselves.
        let waiting = Instant::now();
        let lock = loop {
            if let Some(shared) = cache.try_lock(&key, Mode::Shared)?
                && let Some(dir) = reusable(&cache)
            {
                cache.touch(&dir);
                let waited = waiting.elapsed().as_secs_f64();
                let notes = (waited >= 0.1)
                    .then(|| format!("waited {waited:.1} s for another coldstart run building this environment"))
                    .into_iter()
                    .collect();
                return Ok(done(dir, Outcome::Reused, true, notes, None, shared));
            }
            if let Some(exclusive) = cache.try_lock(&key, Mode::Exclusive)? {
                break exclusive;
            }
            if crate::interrupt::requested() {
                return Err(EnvError::Interrupted {
                    step: "waiting for another coldstart run building the same environment".into(),
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        // A --setup command installs the project in its own way, which cannot be repeated
        // without its dependencies: only identical environments are reused then. The source is
        // locked shared while it is copied; one that is busy (being built or removed) is not
        // waited for (two builders could wait on each other), the environment is built instead.
        let mut source_lock = None;
        let source = match self.setup {
            None => cache.find_by_deps(&deps_key, &key).filter(|(_, from_key)| {
                source_lock = cache.try_lock(from_key, Mode::Shared).ok().flatten();
                source_lock.is_some() && cache.find(from_key).is_some()
            }),
            Some(_) => None,
        };
        let scratch = cache.scratch()?;
        let env = scratch.path().join("env");
        let log = cache.log(&key);
        let job = Job {
            env: &env,
            project,
            log: &log,
            base: &base,
        };
        let mut meta = cache::new_meta(
            &key,
            &deps_key,
            checkout.content_id(),
            (&base.version, &base.executable),
            &recipe,
        );
        meta.project = Some(checkout.origin().to_path_buf());
        meta.revision_name = revision_name(checkout);
        let outcome = match &source {
            Some((from, from_key)) => {
                fsutil::clone_tree(from, &env)?;
                fsutil::relocate(&env, from, &env)?;
                check(&env, "being copied")?;
                self.install_project(&job, true)?;
                meta.cloned_from = Some(from_key.clone());
                drop(source_lock);
                Outcome::Cloned
            }
            None => {
                self.create_venv(&job)?;
                match &self.setup {
                    Some(command) => self.run_setup(command, &job)?,
                    None => self.install_project(&job, false)?,
                }
                Outcome::Built
            }
        };
        check(&env, "being built")?;

        let mut warnings = Vec::new();
        let refs = fsutil::references(&env, checkout.root());
        if let Some(first) = refs.first() {
            warnings.push(format!(
                "not cached: '{}' points into the temporary checkout (an editable install?); install non-editable in --setup to reuse environments",
                first.display()
            ));
        }
        let keep = refs.is_empty() && (checkout.is_commit_content() || outcome != Outcome::Cloned);
        meta.setup_secs = started.elapsed().as_secs_f64();
        cache::write_meta(&env, &meta)?;
        if keep {
            let dir = cache.store(&env, &key)?;
            check(&dir, "moving into the cache")?;
            drop(scratch);
            lock.downgrade()?;
            return Ok(done(dir, outcome, true, warnings, None, lock));
        }
        lock.downgrade()?;
        Ok(done(env, outcome, false, warnings, Some(scratch), lock))
    }

    fn create_venv(&self, job: &Job) -> Result<(), EnvError> {
        let mut cmd = match &self.installer {
            Installer::Uv(uv) => {
                let mut cmd = Command::new(uv);
                cmd.args(["venv", "--quiet", "--python"])
                    .arg(&job.base.executable);
                cmd
            }
            Installer::Pip => {
                let mut cmd = Command::new(&job.base.executable);
                cmd.args(["-m", "venv"]);
                cmd
            }
        };
        cmd.arg(job.env).current_dir(job.project);
        run_logged(cmd, job.log, &VENV)
    }

    /// Installs the project (not editable, so the environment outlives the checkout); with
    /// `only_project`, without touching its dependencies.
    fn install_project(&self, job: &Job, only_project: bool) -> Result<(), EnvError> {
        let python = job.env.join("bin").join("python");
        let mut cmd = match &self.installer {
            Installer::Uv(uv) => {
                let mut cmd = Command::new(uv);
                cmd.args(["pip", "install", "--python"]).arg(&python);
                if only_project {
                    cmd.args(["--no-deps", "--reinstall"]);
                }
                cmd
            }
            Installer::Pip => {
                let mut cmd = Command::new(&python);
                cmd.args([
                    "-m",
                    "pip",
                    "install",
                    "--no-input",
                    "--disable-pip-version-check",
                ]);
                if only_project {
                    cmd.args(["--no-deps", "--force-reinstall"]);
                }
                cmd
            }
        };
        cmd.arg(job.project);
        activate(&mut cmd, job);
        run_logged(cmd, job.log, &INSTALL)
    }

    fn run_setup(&self, command: &str, job: &Job) -> Result<(), EnvError> {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", command]);
        activate(&mut cmd, job);
        run_logged(cmd, job.log, &SETUP)
    }
}

/// What the user called the revision (`main`, `v1.0`), for `cache list`; `working tree` for a
/// snapshot with uncommitted changes, `None` when only its SHA is known (bisect, history).
fn revision_name(checkout: &Checkout) -> Option<String> {
    match checkout.source() {
        crate::git::Source::Commit(r) if !r.sha.starts_with(&r.spec) => Some(r.spec.clone()),
        crate::git::Source::Commit(_) => None,
        crate::git::Source::WorkingTree { uncommitted, .. } => Some(
            if *uncommitted {
                "working tree"
            } else {
                "working tree (clean)"
            }
            .to_string(),
        ),
    }
}

/// Runs `cmd` as if the environment were activated, in the project directory.
fn activate(cmd: &mut Command, job: &Job) {
    let bin = job.env.join("bin");
    let mut path = vec![bin.clone()];
    if let Some(old) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&old));
    }
    if let Ok(joined) = std::env::join_paths(path) {
        cmd.env("PATH", joined);
    }
    cmd.env("VIRTUAL_ENV", job.env)
        .env("COLDSTART_PYTHON", bin.join("python"))
        .env_remove("PYTHONHOME")
        .current_dir(job.project);
}

/// Checks that the environment's python starts and knows it lives in `dir`.
fn check(dir: &Path, action: &str) -> Result<(), EnvError> {
    let broken = |detail: String| EnvError::Broken {
        dir: dir.to_path_buf(),
        action: action.to_string(),
        detail,
    };
    let mut cmd = Command::new(dir.join("bin").join("python"));
    cmd.args(["-I", "-c", "import sys; print(sys.prefix)"]);
    let out = query(cmd, "checking the environment", broken)?;
    let prefix = out.stdout.trim().to_string();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !out.status.success() || !same(Path::new(&prefix), dir) {
        return Err(broken(format!("sys.prefix is '{prefix}', {}", out.status)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_names_match_serde() {
        for o in [Outcome::Reused, Outcome::Cloned, Outcome::Built] {
            assert_eq!(
                serde_json::to_value(o).unwrap(),
                serde_json::Value::from(o.as_str())
            );
        }
    }
}
