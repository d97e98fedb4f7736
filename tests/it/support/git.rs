//! Helpers for git and environment tests: real repositories made with the `git` CLI, and a
//! byte-for-byte snapshot of a directory tree (every file, link and directory, `.git` included).

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `git ARGS` in `dir` with a fixed identity and no user configuration; returns stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Writes `content` to `dir/rel`, creating parent directories.
pub fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, content).expect("write");
}

/// A repository with history:
/// `c1` (a.txt=one, tag v1.0 annotated) -> `c2` (a.txt=two, b.txt, tag v1.1 lightweight) on
/// `main`, and branch `feature` from `c2` adding `feature.txt`. `main` is checked out.
pub fn sample_repo() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("user-repo-")
        .tempdir()
        .expect("tempdir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "a.txt", "one\n");
    write(d, ".gitignore", "*.log\nbuild/\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "first commit"]);
    git(d, &["tag", "-a", "v1.0", "-m", "release 1.0"]);
    write(d, "a.txt", "two\n");
    write(d, "b.txt", "bee\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "second commit"]);
    git(d, &["tag", "v1.1"]);
    git(d, &["checkout", "-q", "-b", "feature"]);
    write(d, "feature.txt", "feat\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "feature commit"]);
    git(d, &["checkout", "-q", "main"]);
    dir
}

/// Every entry under `root`: path -> kind, permission bits and exact content (link target for
/// links). Two equal snapshots mean the tree was not changed in any byte.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, (char, u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            let meta = fs::symlink_metadata(&path).expect("metadata");
            let rel = path.strip_prefix(root).expect("prefix").to_path_buf();
            let mode = meta.permissions().mode();
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).expect("readlink");
                out.insert(
                    rel,
                    ('l', mode, target.into_os_string().into_encoded_bytes()),
                );
            } else if meta.is_dir() {
                out.insert(rel, ('d', mode, Vec::new()));
                stack.push(path);
            } else {
                out.insert(rel, ('f', mode, fs::read(&path).expect("read")));
            }
        }
    }
    out
}

/// A repository whose first commit (tagged `v0.1.0`) is the fixture project
/// `tests/fixtures/projects/<name>`.
pub fn fixture_repo(name: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/projects")
        .join(name);
    let dir = tempfile::Builder::new()
        .prefix("user-project-")
        .tempdir()
        .expect("tempdir");
    copy_tree(&src, dir.path());
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".gitignore", "__pycache__/\n*.egg-info/\nbuild/\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "fixture"]);
    git(d, &["tag", "v0.1.0"]);
    dir
}

fn copy_tree(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).expect("mkdir");
    for entry in fs::read_dir(src).expect("read_dir") {
        let entry = entry.expect("entry");
        if entry.file_name() == "__pycache__" {
            continue;
        }
        let target = dst.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Commits everything in `dir` with `message`; returns the new SHA.
pub fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}
