//! The bisect/history test repository (`tests/fixtures/bisect_repo.py`, also used by
//! scripts/bench/bisect.sh): 32 commits of a tiny offline-installable project where commit 9
//! sleeps 30 ms at import and commit 21 imports xml.dom.minidom eagerly.
use std::path::{Path, PathBuf};
use std::process::Command;

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
