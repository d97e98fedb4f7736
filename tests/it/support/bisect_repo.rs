//! The bisect/history test repository (`tests/fixtures/bisect_repo.py`, also used by
//! scripts/bench/bisect.sh): 32 commits of a tiny offline-installable project where commit 9
//! sleeps 30 ms at import and commit 21 imports xml.dom.minidom eagerly.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// `coldstart ARGS` in `repo` with `tmp` as TMPDIR, python3 and the environment cache `cache`
/// (the bisect and history tests' invocation).
pub fn in_repo(repo: &Path, tmp: &Path, cache: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = super::coldstart();
    cmd.current_dir(repo)
        .env("TMPDIR", tmp)
        .args(args)
        .args(["--python", "python3", "--cache-dir"])
        .arg(cache)
        .timeout(Duration::from_secs(900));
    cmd
}

/// A command's stdout as JSON; its stderr in the panic message when it is not.
pub fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// Builds the repository in `parent/repo` with the builder's extra `args` (`--broken 16`,
/// `--merge`, ...); returns its path.
pub fn bisect_repo(parent: &Path, args: &[&str]) -> PathBuf {
    let dir = parent.join("repo");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bisect_repo.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&dir)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "bisect_repo.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// `git rev-parse SPEC` in `dir`.
pub fn rev_parse(dir: &Path, spec: &str) -> String {
    let out = Command::new("git")
        .args(["rev-parse", spec])
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git rev-parse {spec}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
