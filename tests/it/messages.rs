//! Issue 13, messages that name the problem and the fix: one test per row of its table (the
//! configuration-file rows are tested in `config`).
use crate::support::git::fixture_repo;
use crate::support::*;
use predicates::prelude::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

/// `coldstart run json --python PYTHON`, which fails before measuring anything.
fn run_with_python(python: &Path, out: &Path) -> assert_cmd::Command {
    let mut cmd = coldstart();
    cmd.args(["run", "json", "--runs", "2", "--no-anchor", "--python"])
        .arg(python)
        .arg("--output-dir")
        .arg(out)
        .timeout(Duration::from_secs(120));
    cmd
}

#[test]
fn a_venv_directory_as_python_names_its_interpreter() {
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    std::fs::create_dir_all(venv.join("bin")).unwrap();
    std::os::unix::fs::symlink("/usr/bin/env", venv.join("bin/python")).unwrap();
    run_with_python(&venv, &dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(format!(
            "error: --python '{0}' is a directory; did you mean {0}/bin/python?\n",
            venv.display()
        ));
}

#[test]
fn a_program_that_is_no_python_is_named_so_without_the_probe_script() {
    let dir = tempfile::tempdir().unwrap();
    run_with_python(Path::new("/bin/ls"), &dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: '/bin/ls' is not a Python interpreter",
        ))
        .stderr(predicate::str::contains("import platform").not())
        .stderr(predicate::str::contains("sys.version_info").not());
}

#[test]
fn python_2_is_named_with_its_version() {
    // Answers like CPython 2.7 does: `-I` is an unknown option, `--version` goes to stderr.
    let dir = tempfile::tempdir().unwrap();
    let python = dir.path().join("python2.7");
    std::fs::write(
        &python,
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Python 2.7.18' >&2; exit 0; fi\necho 'Unknown option: -I' >&2\necho 'usage: python2.7 [option] ... [-c cmd | -m mod | file | -] [arg] ...' >&2\nexit 2\n",
    )
    .unwrap();
    std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
    run_with_python(&python, &dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(format!(
            "error: '{}' is Python 2.7.18; coldstart needs 3.8 or newer (pass --python PATH to one)\n",
            python.display()
        ));
}

#[test]
fn a_misspelt_module_gets_the_close_importable_name() {
    let dir = tempfile::tempdir().unwrap();
    run_fixture(&dir.path().join("out"), &["treepgk", "--runs", "2", "--no-anchor"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "No module named 'treepgk'; did you mean 'treepkg'? Otherwise install it into the --python environment or pass --path DIR",
        ));
    // Nothing close: the plain advice.
    run_fixture(
        &dir.path().join("out"),
        &["zzqqxxvv", "--runs", "2", "--no-anchor"],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains("did you mean").not())
    .stderr(predicate::str::contains(
        "install it into the --python environment",
    ));
}

#[test]
fn a_failing_module_in_branches_gets_advice_for_branches() {
    let repo = fixture_repo("tinyproj");
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("tmp")).unwrap();
    coldstart()
        .current_dir(repo.path())
        .env("TMPDIR", root.path().join("tmp"))
        .args([
            "branches",
            "v0.1.0",
            "main",
            "tinyproj_missing_dep",
            "--pairs",
            "5",
            "--no-anchor",
            "--tree-runs",
            "0",
            "--python",
            "python3",
            "--cache-dir",
        ])
        .arg(root.path().join("cache"))
        .timeout(Duration::from_secs(300))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "failed to import in the environment coldstart built for a revision",
        ))
        .stderr(predicate::str::contains("--setup 'COMMAND'"))
        .stderr(predicate::str::contains("--python environment").not());
}

#[test]
fn ab_takes_pairs_not_runs() {
    coldstart()
        .args([
            "ab",
            "json",
            "--baseline",
            "python3",
            "--candidate",
            "python3",
            "--runs",
            "10",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: ab takes --pairs, not --runs",
        ));
}
