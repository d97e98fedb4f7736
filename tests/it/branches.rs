//! `coldstart branches` on real temporary git repositories: verdicts, and the user's checkout
//! (working tree, index, stash, HEAD, branches, the whole .git) byte-for-byte unchanged afterwards,
//! also after a failed setup and an interrupt; no temporary directories or processes left.
use crate::support::*;
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// One environment cache for all tests: commits are deterministic, so envs are shared.
fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

const BASE_INIT: &str =
    "import time\nfrom tinyproj import heavy  # noqa: F401\n\ntime.sleep(0.01)\n";

/// A repository of the tiny project: `main` imports a heavy submodule eagerly, `slow` sleeps
/// 40 ms more, `lazy` imports the submodule only on attribute access.
fn repo(root: &Path) -> PathBuf {
    let dir = root.join("repo");
    copy_dir(&fixtures().join("projects/tinyproj"), &dir);
    let pkg = dir.join("src/tinyproj");
    std::fs::write(pkg.join("__init__.py"), BASE_INIT).unwrap();
    std::fs::write(pkg.join("heavy.py"), "import email.message  # noqa: F401\n").unwrap();
    std::fs::write(dir.join(".gitignore"), "ignored.txt\n").unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    git(&dir, &["checkout", "-q", "-b", "slow"]);
    std::fs::write(pkg.join("__init__.py"), BASE_INIT.replace("0.01", "0.05")).unwrap();
    git(&dir, &["commit", "-q", "-am", "slow"]);
    git(&dir, &["checkout", "-q", "-b", "lazy", "main"]);
    std::fs::write(
        pkg.join("__init__.py"),
        "import time\n\ntime.sleep(0.01)\n\n\ndef __getattr__(name):\n    if name == 'heavy':\n        from tinyproj import heavy\n\n        return heavy\n    raise AttributeError(name)\n",
    )
    .unwrap();
    git(&dir, &["commit", "-q", "-am", "lazy"]);
    git(&dir, &["checkout", "-q", "main"]);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Makes the checkout messy: a modified tracked file, a staged file, an untracked file, an ignored
/// file and a stash entry.
fn make_dirty(dir: &Path) {
    std::fs::write(dir.join("README.txt"), "stashed\n").unwrap();
    git(dir, &["add", "README.txt"]);
    git(dir, &["stash", "-q"]);
    std::fs::write(dir.join("staged.txt"), "staged\n").unwrap();
    git(dir, &["add", "staged.txt"]);
    std::fs::write(dir.join("untracked.txt"), "untracked\n").unwrap();
    std::fs::write(dir.join("ignored.txt"), "ignored\n").unwrap();
    let init = dir.join("src/tinyproj/__init__.py");
    let text = std::fs::read_to_string(&init).unwrap();
    std::fs::write(init, text + "# modified, not staged\n").unwrap();
}

/// Every file, link and directory under `dir` (including .git) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if kind.is_dir() {
                out.insert(rel, b"<dir>".to_vec());
                stack.push(path);
            } else if kind.is_symlink() {
                out.insert(
                    rel,
                    std::fs::read_link(&path)
                        .unwrap()
                        .to_string_lossy()
                        .as_bytes()
                        .to_vec(),
                );
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn branches(repo: &Path, tmp: &Path, out: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = coldstart();
    cmd.current_dir(repo)
        .env("TMPDIR", tmp)
        .arg("branches")
        .args(args)
        .args([
            "--no-anchor",
            "--warmup",
            "1",
            "--tree-runs",
            "1",
            "--python",
            "python3",
            "--cache-dir",
        ])
        .arg(cache_dir())
        .arg("--output-dir")
        .arg(out)
        .timeout(Duration::from_secs(300));
    cmd
}

struct Setup {
    _root: tempfile::TempDir,
    repo: PathBuf,
    tmp: PathBuf,
    out: PathBuf,
}

fn setup() -> Setup {
    let root = tempfile::tempdir().unwrap();
    let repo = repo(root.path());
    let tmp = root.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    Setup {
        repo,
        tmp,
        out: root.path().join("out"),
        _root: root,
    }
}

#[test]
fn slow_branch_is_a_regression_and_the_messy_checkout_is_untouched() {
    let s = setup();
    make_dirty(&s.repo);
    let before = snapshot(&s.repo);
    branches(
        &s.repo,
        &s.tmp,
        &s.out,
        &["main", "slow", "tinyproj", "--pairs", "10"],
    )
    .assert()
    .code(1)
    .stdout(predicate::str::contains("REGRESSION"));
    assert_eq!(snapshot(&s.repo), before, "the checkout changed");
    assert!(
        files_in(&s.tmp).is_empty(),
        "left behind: {:?}",
        files_in(&s.tmp)
    );
    let names = files_in(&s.out);
    let comparison = names
        .iter()
        .find(|n| n.ends_with("_comparison.json"))
        .unwrap();
    let c = read_json(&s.out.join(comparison));
    assert_eq!(c["command"], "branches");
    assert_eq!(c["baseline"]["git"]["branch"], "main");
    assert_eq!(c["candidate"]["git"]["branch"], "slow");
    assert_eq!(c["targets"][0]["import"]["verdict"], "regression");
}

#[test]
fn lazy_branch_is_an_improvement_with_now_lazy() {
    let s = setup();
    branches(
        &s.repo,
        &s.tmp,
        &s.out,
        &[
            "main",
            "lazy",
            "tinyproj",
            "--pairs",
            "10",
            "--forbid",
            "tinyproj.heavy",
        ],
    )
    .assert()
    .code(0)
    .stdout(predicate::str::contains("tinyproj.heavy NOW LAZY"))
    .stdout(predicate::str::contains("improvement"));
}

#[test]
fn working_tree_candidate_includes_uncommitted_changes() {
    let s = setup();
    std::fs::write(
        s.repo.join("src/tinyproj/__init__.py"),
        BASE_INIT.replace("0.01", "0.05"),
    )
    .unwrap();
    std::fs::write(s.repo.join("untracked.txt"), "x\n").unwrap();
    let before = snapshot(&s.repo);
    branches(
        &s.repo,
        &s.tmp,
        &s.out,
        &["main", "tinyproj", "--pairs", "10"],
    )
    .assert()
    .code(1)
    .stdout(predicate::str::contains("REGRESSION"));
    assert_eq!(snapshot(&s.repo), before);
    assert!(
        files_in(&s.tmp).is_empty(),
        "left behind: {:?}",
        files_in(&s.tmp)
    );
}

/// The revision's `install.py` copies the project and the revision's `deps/` (fixture
/// distributions: minimal `*.dist-info` directories) into the environment: no index needed.
const INSTALL_PY: &str = "import shutil, sys, sysconfig\nfrom pathlib import Path\nsite = Path(sysconfig.get_paths()['purelib'])\nshutil.copytree('src/tinyproj', site / 'tinyproj')\nfor d in Path('deps').iterdir():\n    shutil.copytree(d, site / d.name)\n";

fn dist_info(repo: &Path, dir_name: &str, name: &str, version: &str) {
    let info = repo.join("deps").join(format!("{dir_name}.dist-info"));
    std::fs::create_dir_all(&info).unwrap();
    std::fs::write(
        info.join("METADATA"),
        format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"),
    )
    .unwrap();
}

#[test]
fn a_setup_step_installing_other_versions_on_the_candidate_is_named_in_the_reports() {
    let s = setup();
    git(&s.repo, &["checkout", "-q", "-b", "deps-old"]);
    std::fs::write(s.repo.join("install.py"), INSTALL_PY).unwrap();
    dist_info(&s.repo, "rich-12.0.0", "rich", "12.0.0");
    dist_info(&s.repo, "commonmark-0.9.1", "commonmark", "0.9.1");
    git(&s.repo, &["add", "-A"]);
    git(&s.repo, &["commit", "-q", "-m", "old deps"]);
    git(&s.repo, &["checkout", "-q", "-b", "deps-new"]);
    std::fs::remove_dir_all(s.repo.join("deps")).unwrap();
    dist_info(&s.repo, "rich-15.0.0", "rich", "15.0.0");
    dist_info(&s.repo, "markdown_it_py-3.0.0", "markdown-it-py", "3.0.0");
    git(&s.repo, &["add", "-A"]);
    git(&s.repo, &["commit", "-q", "-m", "new deps"]);
    git(&s.repo, &["checkout", "-q", "main"]);
    // One run: the terminal report on stdout, the Markdown one in a file, the JSON comparison in
    // the output directory (JUnit is the same renderer as ab's and compare's, tested there).
    let markdown_file = s.tmp.parent().unwrap().join("report.md");
    let output = format!("--output={}", markdown_file.display());
    let out = branches(
        &s.repo,
        &s.tmp,
        &s.out,
        &[
            "deps-old",
            "deps-new",
            "tinyproj",
            "--pairs",
            "8",
            "--max-pairs",
            "8",
            "--setup",
            "\"$COLDSTART_PYTHON\" install.py",
            "--color",
            "never",
            "--format",
            "markdown",
            &output,
        ],
    )
    .output()
    .unwrap();
    let terminal = String::from_utf8(out.stdout).unwrap();
    // The same code on both sides: the verdict is not the point, the exit code is 0 or 1.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{terminal}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The venv's own pip (and setuptools) are the same on both sides.
    for line in [
        "  installed distributions: 3 changed, ",
        "    rich 12.0.0 → 15.0.0\n",
        "    + markdown-it-py 3.0.0\n",
        "    - commonmark 0.9.1\n",
    ] {
        assert!(terminal.contains(line), "{line}: {terminal}");
    }
    let markdown = std::fs::read_to_string(&markdown_file).unwrap();
    for line in [
        "- `rich` 12.0.0 → 15.0.0",
        "- **+** `markdown-it-py` 3.0.0",
        "- **-** `commonmark` 0.9.1",
    ] {
        assert!(markdown.contains(line), "{line}: {markdown}");
    }
    let name = files_in(&s.out)
        .into_iter()
        .find(|n| n.ends_with("_comparison.json"))
        .unwrap();
    let c = read_json(&s.out.join(name));
    assert_eq!(
        c["distributions"]["changes"],
        serde_json::json!([
            {"name": "rich", "baseline": "12.0.0", "candidate": "15.0.0"},
            {"name": "markdown-it-py", "baseline": null, "candidate": "3.0.0"},
            {"name": "commonmark", "baseline": "0.9.1", "candidate": null},
        ])
    );
}

#[test]
fn failed_setup_unknown_revisions_and_non_repositories_are_clear_errors() {
    let s = setup();
    make_dirty(&s.repo);
    let before = snapshot(&s.repo);
    branches(
        &s.repo,
        &s.tmp,
        &s.out,
        &[
            "main",
            "slow",
            "tinyproj",
            "--setup",
            "echo boom-from-setup; exit 3",
        ],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains("boom-from-setup"))
    .stderr(predicate::str::contains("--setup"));
    branches(&s.repo, &s.tmp, &s.out, &["mian", "slow", "tinyproj"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean 'main'"));
    assert_eq!(snapshot(&s.repo), before);
    assert!(
        files_in(&s.tmp).is_empty(),
        "left behind: {:?}",
        files_in(&s.tmp)
    );
    let not_repo = tempfile::tempdir().unwrap();
    branches(not_repo.path(), &s.tmp, &s.out, &["main", "tinyproj"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not inside a git repository"));
    assert!(files_in(&s.out).is_empty());
}

#[test]
fn interrupt_mid_run_leaves_everything_as_it_was() {
    let s = setup();
    make_dirty(&s.repo);
    let before = snapshot(&s.repo);
    let bin = assert_cmd::cargo::cargo_bin("coldstart");
    let child = std::process::Command::new(bin)
        .current_dir(&s.repo)
        .env("TMPDIR", &s.tmp)
        .args([
            "branches",
            "main",
            "slow",
            "tinyproj",
            "--pairs",
            "60",
            "--no-anchor",
            "--python",
            "python3",
            "--cache-dir",
        ])
        .arg(cache_dir())
        .arg("--output-dir")
        .arg(&s.out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until measuring has started (both environments exist), then interrupt.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while files_in(&s.tmp)
        .iter()
        .filter(|n| n.starts_with("coldstart-probe-"))
        .count()
        < 2
    {
        assert!(
            std::time::Instant::now() < deadline,
            "measurement never started"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: sending SIGINT to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(snapshot(&s.repo), before);
    assert!(
        files_in(&s.tmp).is_empty(),
        "left behind: {:?}",
        files_in(&s.tmp)
    );
    assert!(files_in(&s.out).is_empty(), "no partial results");
}

#[test]
fn drop_in_script_keeps_the_old_interface() {
    let s = setup();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/benchmark_cold_start.sh");
    let extra = format!(
        "--pairs 10 --no-anchor --tree-runs 0 --python python3 --cache-dir {} --output-dir {}",
        cache_dir().display(),
        s.out.display()
    );
    let run = |args: &[&str]| {
        let mut cmd = assert_cmd::Command::new(&script);
        cmd.current_dir(&s.repo)
            .env("TMPDIR", &s.tmp)
            .env("COLDSTART", assert_cmd::cargo::cargo_bin("coldstart"))
            .env("COLDSTART_TARGETS", "tinyproj")
            .env("COLDSTART_ARGS", &extra)
            .env("TERM", "dumb")
            .args(args)
            .timeout(Duration::from_secs(300));
        cmd
    };
    run(&["main", "slow"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("REGRESSION"));
    // BASELINE defaults to main and OPTIMIZED to the working tree (an A/A comparison here; the
    // verdict itself is tested elsewhere, so only that it ran and did not error).
    run(&[])
        .assert()
        .code(predicate::in_iter([0, 1]))
        .stdout(predicate::str::contains("coldstart branches"));
    run(&["a", "b", "c"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("usage"));
    assert!(files_in(&s.tmp).is_empty());
}

#[test]
fn cache_list_and_clean_manage_environments() {
    let s = setup();
    let cache = s.tmp.parent().unwrap().join("own-cache");
    let cache_arg = cache.display().to_string();
    let mut run = coldstart();
    run.current_dir(&s.repo)
        .env("TMPDIR", &s.tmp)
        .args([
            "branches",
            "main",
            "lazy",
            "tinyproj",
            "--pairs",
            "5",
            "--no-anchor",
            "--tree-runs",
            "0",
            "--quiet",
            "--python",
            "python3",
        ])
        .args(["--cache-dir", &cache_arg, "--output-dir"])
        .arg(&s.out)
        .timeout(Duration::from_secs(300))
        .assert()
        .code(predicate::in_iter([0, 1]));
    coldstart()
        .args(["cache", "list", "--cache-dir", &cache_arg])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 environments"));
    coldstart()
        .args([
            "cache",
            "clean",
            "--older-than",
            "1",
            "--cache-dir",
            &cache_arg,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("removed 0 environments"));
    coldstart()
        .args(["cache", "clean", "--cache-dir", &cache_arg])
        .assert()
        .success()
        .stdout(predicate::str::contains("removed 2 environments"));
    coldstart()
        .args(["cache", "list", "--cache-dir", &cache_arg])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 environments"));
    coldstart()
        .args([
            "cache",
            "clean",
            "--older-than=-1",
            "--cache-dir",
            &cache_arg,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--older-than"));
}
