//! Environments for real checkouts of the fixture project with real `python3` (offline: the
//! fixture's build backend is in its tree): build, reuse, clone for identical dependencies, the
//! working tree, `--setup` commands and their failures.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::files_in;
use crate::support::git::{commit_all, fixture_repo, write};
use coldstart::env::{BuiltEnv, EnvBuilder, EnvError, Installer, Outcome, cache};
use coldstart::git::Repo;

fn builder(cache_dir: &Path, setup: Option<&str>) -> EnvBuilder {
    EnvBuilder {
        base_python: PathBuf::from("python3"),
        cache_dir: cache_dir.to_path_buf(),
        setup: setup.map(str::to_string),
        installer: Installer::Pip,
    }
}

/// `tinyproj.VALUE` as the environment's python sees it, run from a neutral directory.
fn value(env: &BuiltEnv) -> String {
    let out = Command::new(&env.python)
        .args(["-I", "-c", "import tinyproj; print(tinyproj.VALUE)"])
        .current_dir(std::env::temp_dir())
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn set_value(dir: &Path, value: u32) {
    write(
        dir,
        "src/tinyproj/__init__.py",
        &format!("\"\"\"A package for coldstart's environment tests.\"\"\"\nVALUE = {value}\n"),
    );
}

#[test]
fn build_reuse_clone_and_working_tree() {
    let user = fixture_repo("tinyproj");
    let d = user.path();
    set_value(d, 2);
    commit_all(d, "value 2, same dependencies");
    let pyproject = std::fs::read_to_string(d.join("pyproject.toml")).expect("read");
    let extra = "dependencies = []\n\n[tool.coldstart-test]\nchanged = true";
    write(
        d,
        "pyproject.toml",
        &pyproject.replace("dependencies = []", extra),
    );
    commit_all(d, "different dependency specification");
    let scratch = tempfile::tempdir().expect("scratch");
    let cache_dir = tempfile::tempdir().expect("cache");
    let repo = Repo::discover(d)
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let b = builder(cache_dir.path(), None);
    let build = |spec: &str| {
        let checkout = repo
            .checkout(&repo.resolve(spec).expect("resolve"))
            .expect("checkout");
        let env = b.build(&checkout).expect("build");
        eprintln!("{spec}: {:?} in {:.2}s", env.outcome, env.setup_secs);
        env
    };

    let first = build("v0.1.0");
    assert_eq!((first.outcome, first.cached), (Outcome::Built, true));
    assert_eq!(value(&first), "1");
    assert!(first.dir.starts_with(cache_dir.path().join("envs")));
    assert!(
        first.python_version.starts_with("CPython 3."),
        "{}",
        first.python_version
    );

    let again = build("v0.1.0");
    assert_eq!(again.outcome, Outcome::Reused);
    assert_eq!(again.dir, first.dir);
    assert!(
        again.setup_secs * 5.0 < first.setup_secs,
        "reuse took {:.3}s, first build {:.3}s",
        again.setup_secs,
        first.setup_secs
    );

    let second = build("HEAD~1");
    assert_eq!((second.outcome, second.cached), (Outcome::Cloned, true));
    assert_eq!(value(&second), "2");
    assert_eq!(value(&first), "1", "cloning changed the source environment");
    assert_eq!(
        build("v0.1.0").outcome,
        Outcome::Reused,
        "cloning spoiled the source"
    );
    assert!(second.setup_secs < first.setup_secs);
    assert_eq!(build("HEAD~1").outcome, Outcome::Reused);
    for env in [&first, &second] {
        // Scripts were written in cache/tmp and must name the environment's final place.
        let pip = std::fs::read_to_string(env.dir.join("bin/pip")).expect("bin/pip");
        let shebang = format!("#!{}", env.dir.join("bin/python").display());
        assert!(pip.starts_with(&shebang), "{pip}");
        let cfg = std::fs::read_to_string(env.dir.join("pyvenv.cfg")).expect("pyvenv.cfg");
        assert!(!cfg.contains("/tmp/build-"), "{cfg}");
    }

    let third = build("HEAD");
    assert_eq!(
        third.outcome,
        Outcome::Built,
        "a different dependency specification"
    );
    assert_eq!(value(&third), "2");

    set_value(d, 3);
    let snapshot = repo.checkout_working_tree().expect("working tree");
    let wt = b.build(&snapshot).expect("build working tree");
    eprintln!("working tree: {:?} in {:.2}s", wt.outcome, wt.setup_secs);
    assert_eq!((wt.outcome, wt.cached), (Outcome::Cloned, false));
    assert_eq!(value(&wt), "3");
    let wt_dir = wt.dir.clone();
    drop(wt);
    assert!(
        !wt_dir.exists(),
        "a temporary environment outlived its BuiltEnv"
    );

    let listed = cache::list(cache_dir.path()).expect("list");
    assert_eq!(listed.len(), 3);
    assert!(listed.iter().all(|e| e.size_bytes > 0 && e.recipe == "pip"));
    assert_eq!(
        files_in(&cache_dir.path().join("tmp")),
        Vec::<String>::new()
    );
    drop(snapshot);
    assert_eq!(files_in(scratch.path()), Vec::<String>::new());
}

#[test]
fn setup_command_runs_in_the_project_with_the_environment() {
    let user = fixture_repo("tinyproj");
    let cache_dir = tempfile::tempdir().expect("cache");
    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let rev = repo.resolve("HEAD").expect("resolve");
    let setup = r#"test "$COLDSTART_PYTHON" = "$VIRTUAL_ENV/bin/python" && test "$(command -v python)" = "$COLDSTART_PYTHON" && pwd > "$VIRTUAL_ENV/setup-cwd" && "$COLDSTART_PYTHON" -m pip install --no-deps --no-index ."#;
    let b = builder(cache_dir.path(), Some(setup));
    let checkout = repo.checkout(&rev).expect("checkout");
    let env = b.build(&checkout).expect("setup succeeds");
    assert_eq!(env.outcome, Outcome::Built);
    assert_eq!(value(&env), "1");
    let cwd = std::fs::read_to_string(env.dir.join("setup-cwd")).expect("cwd");
    assert_eq!(Path::new(cwd.trim()), checkout.project_dir());
    assert_eq!(
        cache::list(cache_dir.path()).expect("list")[0].recipe,
        format!("setup: {setup}")
    );

    let checkout = repo.checkout(&rev).expect("checkout");
    assert_eq!(b.build(&checkout).expect("reuse").outcome, Outcome::Reused);
}

#[test]
fn failing_setup_returns_the_output_tail() {
    let user = fixture_repo("tinyproj");
    let cache_dir = tempfile::tempdir().expect("cache");
    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let checkout = repo
        .checkout(&repo.resolve("HEAD").expect("resolve"))
        .expect("checkout");
    let b = builder(
        cache_dir.path(),
        Some("echo preparing; echo 'error: no such package' >&2; exit 3"),
    );
    let err = b.build(&checkout).expect_err("setup fails");
    assert!(matches!(err, EnvError::Setup { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with("the --setup command failed (exit status: 3)"),
        "{message}"
    );
    assert!(message.contains("--setup"), "{message}");
    let tail = err.output_tail().expect("tail");
    assert_eq!(tail, "preparing\nerror: no such package");
    assert_eq!(cache::list(cache_dir.path()).expect("list"), Vec::new());
    assert_eq!(
        files_in(&cache_dir.path().join("tmp")),
        Vec::<String>::new()
    );
    assert_eq!(
        files_in(&cache_dir.path().join("envs")),
        Vec::<String>::new()
    );
}

#[test]
fn a_broken_base_interpreter_names_the_flag() {
    let user = fixture_repo("tinyproj");
    let cache_dir = tempfile::tempdir().expect("cache");
    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let checkout = repo
        .checkout(&repo.resolve("HEAD").expect("resolve"))
        .expect("checkout");
    let mut b = builder(cache_dir.path(), None);
    b.base_python = PathBuf::from("/nonexistent/python3.99");
    let err = b.build(&checkout).expect_err("no interpreter");
    assert!(matches!(err, EnvError::BasePython { .. }), "{err}");
    assert!(err.to_string().contains("--python"), "{err}");
}

/// Runs only where `uv` is on `PATH` (it is not on the reference machine; CI then skips it).
#[test]
fn uv_installer_builds_reuses_and_clones() {
    let Installer::Uv(uv) = Installer::detect() else {
        eprintln!("uv is not on PATH: skipped");
        return;
    };
    let user = fixture_repo("tinyproj");
    set_value(user.path(), 2);
    commit_all(user.path(), "value 2");
    let cache_dir = tempfile::tempdir().expect("cache");
    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let mut b = builder(cache_dir.path(), None);
    b.installer = Installer::Uv(uv);
    let build = |spec: &str| {
        let checkout = repo
            .checkout(&repo.resolve(spec).expect("resolve"))
            .expect("checkout");
        let env = b.build(&checkout).expect("build");
        eprintln!("uv {spec}: {:?} in {:.2}s", env.outcome, env.setup_secs);
        env
    };
    let first = build("HEAD~1");
    assert_eq!(first.outcome, Outcome::Built);
    assert_eq!(value(&first), "1");
    assert_eq!(build("HEAD~1").outcome, Outcome::Reused);
    let second = build("HEAD");
    assert_eq!(second.outcome, Outcome::Cloned);
    assert_eq!(value(&second), "2");
    assert_eq!(value(&first), "1");
}

#[test]
fn an_environment_pointing_into_the_checkout_is_not_cached() {
    let user = fixture_repo("tinyproj");
    let cache_dir = tempfile::tempdir().expect("cache");
    let scratch = tempfile::tempdir().expect("scratch");
    let repo = Repo::discover(user.path())
        .expect("discover")
        .with_scratch_dir(scratch.path().into());
    let checkout = repo
        .checkout(&repo.resolve("HEAD").expect("resolve"))
        .expect("checkout");
    // What an editable install leaves: a .pth file naming the (temporary) source directory.
    let setup = r#"site=$("$COLDSTART_PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') && echo "$PWD/src" > "$site/__editable__.tinyproj-0.1.0.pth""#;
    let env = builder(cache_dir.path(), Some(setup))
        .build(&checkout)
        .expect("build");
    assert_eq!((env.outcome, env.cached), (Outcome::Built, false));
    assert!(env.warnings[0].contains("not cached"), "{:?}", env.warnings);
    assert_eq!(value(&env), "1");
    assert_eq!(cache::list(cache_dir.path()).expect("list"), Vec::new());
    let dir = env.dir.clone();
    drop(env);
    assert!(!dir.exists());
}
