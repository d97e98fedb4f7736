//! Which interpreter to measure when neither `--python` nor the configuration names one.
//!
//! The rule, first match wins:
//! 1. started through `python -m coldstart`: that interpreter (`sys.executable`, passed by the
//!    wheel's `__main__.py` in [`LAUNCHER_VAR`], an environment variable set for this process only);
//! 2. the running binary sits in a virtual environment's `bin/` (a `pyvenv.cfg` in its parent and
//!    a `python` beside it), and that environment is not an isolated tool environment (uv's
//!    `uv tool install`/`uvx`, pipx): that venv's `bin/python`, so `pip install coldstart` into the
//!    project's venv measures the project's venv;
//! 3. `./.venv/bin/python` when it exists;
//! 4. `python3` on PATH (an activated venv's, if any); when the binary runs from a tool
//!    environment, the first `python3` on PATH outside it (`uvx` puts its environment's `bin/`
//!    first on PATH, and that environment holds nothing but coldstart).
use std::path::{Path, PathBuf};

/// Set by `python -m coldstart` for the binary it runs; read and removed at start-up so the
/// measured children and anything they start never inherit it.
pub const LAUNCHER_VAR: &str = "COLDSTART_LAUNCHER_PYTHON";

/// What the rule looks at, gathered once by [`from_process`].
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The interpreter of `python -m coldstart` ([`LAUNCHER_VAR`]).
    pub launcher: Option<PathBuf>,
    /// The running binary (`std::env::current_exe`, symlinks resolved).
    pub exe: Option<PathBuf>,
    /// The directory relative paths are resolved against.
    pub cwd: PathBuf,
    /// `$PATH`.
    pub path: Option<std::ffi::OsString>,
}

/// Why the interpreter was chosen (shown by `coldstart config`-like diagnostics and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Launcher,
    InstalledVenv,
    DotVenv,
    Path,
}

/// The rule above, with the file system behind `is_file` so it can be tested without one.
pub fn choose(facts: &Facts, is_file: &dyn Fn(&Path) -> bool) -> (PathBuf, Source) {
    if let Some(python) = facts
        .launcher
        .as_ref()
        .filter(|p| !p.as_os_str().is_empty())
    {
        return (facts.cwd.join(python), Source::Launcher);
    }
    let venv = facts.exe.as_deref().and_then(|exe| venv_of(exe, is_file));
    if let Some((root, python)) = &venv
        && !is_tool_env(root, is_file)
    {
        return (python.clone(), Source::InstalledVenv);
    }
    let dot = facts.cwd.join(".venv/bin/python");
    if is_file(&dot) {
        return (dot, Source::DotVenv);
    }
    if let (Some((root, _)), Some(path)) = (&venv, &facts.path) {
        let own_bin = root.join("bin");
        let outside = std::env::split_paths(path)
            .filter(|dir| dir.is_absolute() && *dir != own_bin)
            .map(|dir| dir.join("python3"))
            .find(|p| is_file(p));
        if let Some(python) = outside {
            return (python, Source::Path);
        }
    }
    (PathBuf::from("python3"), Source::Path)
}

/// `(<venv>, <venv>/bin/python)` when `exe` is `<venv>/bin/<name>` of a virtual environment.
fn venv_of(exe: &Path, is_file: &dyn Fn(&Path) -> bool) -> Option<(PathBuf, PathBuf)> {
    let bin = exe.parent()?;
    let venv = bin.parent()?;
    let python = bin.join("python");
    let is_venv = is_file(&venv.join("pyvenv.cfg")) && is_file(&python);
    is_venv.then(|| (venv.to_path_buf(), python))
}

/// An environment made to run one tool, which holds nothing else to measure: uv writes
/// `uv-receipt.toml` into `uv tool install` environments and keeps `uvx` environments in its
/// cache (`.../uv/archive-v0/...`); pipx writes `pipx_metadata.json`.
fn is_tool_env(venv: &Path, is_file: &dyn Fn(&Path) -> bool) -> bool {
    is_file(&venv.join("uv-receipt.toml"))
        || is_file(&venv.join("pipx_metadata.json"))
        || venv.components().any(|c| {
            c.as_os_str()
                .to_str()
                .is_some_and(|s| s.starts_with("archive-v"))
        })
}

/// Reads and removes [`LAUNCHER_VAR`]; call once, first thing in `main`, before any thread starts.
pub fn take_launcher() -> Option<PathBuf> {
    let value = std::env::var_os(LAUNCHER_VAR)?;
    // SAFETY: called at the start of `main`, before this process starts any thread, so nothing
    // reads the environment concurrently.
    unsafe { std::env::remove_var(LAUNCHER_VAR) };
    Some(PathBuf::from(value))
}

static LAUNCHER: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();

/// Records the launcher interpreter at start-up (see [`take_launcher`]).
pub fn init() {
    let _ = LAUNCHER.set(take_launcher());
}

/// The facts of this process: the recorded launcher, the running binary and `cwd`.
pub fn from_process(cwd: &Path) -> Facts {
    Facts {
        launcher: LAUNCHER.get().cloned().flatten(),
        exe: std::env::current_exe().ok(),
        cwd: cwd.to_path_buf(),
        path: std::env::var_os("PATH"),
    }
}

/// The default interpreter for this process.
pub fn default_python(cwd: &Path) -> PathBuf {
    choose(&from_process(cwd), &|p| p.is_file()).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn files(list: &[&str]) -> impl Fn(&Path) -> bool {
        let set: HashSet<PathBuf> = list.iter().map(PathBuf::from).collect();
        move |p| set.contains(p)
    }

    fn facts(launcher: Option<&str>, exe: Option<&str>) -> Facts {
        Facts {
            launcher: launcher.map(PathBuf::from),
            exe: exe.map(PathBuf::from),
            cwd: PathBuf::from("/proj"),
            path: None,
        }
    }

    const VENV: &[&str] = &[
        "/env/pyvenv.cfg",
        "/env/bin/python",
        "/proj/.venv/bin/python",
    ];

    #[test]
    fn python_dash_m_wins_over_everything() {
        let f = facts(Some("/usr/bin/python3.12"), Some("/env/bin/coldstart"));
        let got = choose(&f, &files(VENV));
        assert_eq!(got, ("/usr/bin/python3.12".into(), Source::Launcher));
        // A relative sys.executable is made absolute: children run elsewhere.
        let f = facts(Some("bin/python"), None);
        assert_eq!(choose(&f, &files(&[])).0, PathBuf::from("/proj/bin/python"));
        // An empty value is ignored.
        let f = facts(Some(""), None);
        assert_eq!(choose(&f, &files(&[])).1, Source::Path);
    }

    #[test]
    fn a_binary_installed_in_a_venv_measures_that_venv() {
        let f = facts(None, Some("/env/bin/coldstart"));
        let got = choose(&f, &files(VENV));
        assert_eq!(got, ("/env/bin/python".into(), Source::InstalledVenv));
    }

    #[test]
    fn a_bin_without_pyvenv_cfg_or_python_is_not_a_venv() {
        let f = facts(None, Some("/env/bin/coldstart"));
        let no_cfg = files(&["/env/bin/python", "/proj/.venv/bin/python"]);
        assert_eq!(choose(&f, &no_cfg).1, Source::DotVenv);
        let no_python = files(&["/env/pyvenv.cfg"]);
        assert_eq!(choose(&f, &no_python).1, Source::Path);
        // cargo install puts the binary in ~/.cargo/bin: no venv there.
        let f = facts(None, Some("/root/.cargo/bin/coldstart"));
        assert_eq!(choose(&f, &files(VENV)).1, Source::DotVenv);
    }

    #[test]
    fn tool_environments_are_skipped() {
        for (exe, marker) in [
            ("/t/coldstart/bin/coldstart", "/t/coldstart/uv-receipt.toml"),
            (
                "/t/coldstart/bin/coldstart",
                "/t/coldstart/pipx_metadata.json",
            ),
        ] {
            let list = ["/t/coldstart/pyvenv.cfg", "/t/coldstart/bin/python", marker];
            let f = facts(None, Some(exe));
            assert_eq!(choose(&f, &files(&list)).1, Source::Path, "{marker}");
        }
        let uvx = "/root/.cache/uv/archive-v0/abc123";
        let list = [format!("{uvx}/pyvenv.cfg"), format!("{uvx}/bin/python")];
        let list: Vec<&str> = list.iter().map(String::as_str).collect();
        let mut f = facts(None, Some(&format!("{uvx}/bin/coldstart")));
        assert_eq!(choose(&f, &files(&list)), ("python3".into(), Source::Path));
        // uvx puts the tool's bin/ first on PATH: the python3 after it is measured.
        let mut with_system = list.clone();
        let own = format!("{uvx}/bin/python3");
        with_system.extend([own.as_str(), "/usr/bin/python3"]);
        f.path = Some(format!("{uvx}/bin:relative:/usr/local/bin:/usr/bin").into());
        assert_eq!(
            choose(&f, &files(&with_system)).0,
            PathBuf::from("/usr/bin/python3")
        );
        // A project's .venv still comes first.
        with_system.push("/proj/.venv/bin/python");
        assert_eq!(choose(&f, &files(&with_system)).1, Source::DotVenv);
    }

    #[test]
    fn otherwise_dot_venv_then_python3() {
        let f = facts(None, None);
        assert_eq!(
            choose(&f, &files(&["/proj/.venv/bin/python"])),
            ("/proj/.venv/bin/python".into(), Source::DotVenv)
        );
        assert_eq!(choose(&f, &files(&[])), ("python3".into(), Source::Path));
    }
}
