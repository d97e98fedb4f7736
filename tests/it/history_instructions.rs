//! `history --metric instructions` (and the repository `bisect --metric instructions` runs on,
//! tests/it/bisect.rs): a real temporary git repository of four commits of a tiny
//! offline-installable project where commit 3 adds a loop at import (about +400 % instructions),
//! real environments, real valgrind. Kept small: four commits, two timed runs, three counted
//! children a commit.
use crate::support::git::{commit_all, git, write};
use crate::support::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// The commit that adds the loop.
pub(crate) const LOOP_COMMIT: &str = "commit 3: add a loop at import";

/// One environment cache for the instruction tests of both modules (same project, same
/// dependencies: environments are cloned, not rebuilt).
pub(crate) fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// `parent/repo`: commits 1..=4 of `loopproj`, commit 3 adding a loop of 2,000 iterations
/// at import; tag `first` on commit 1, branch `main` checked out.
pub(crate) fn loop_repo(parent: &Path) -> PathBuf {
    let dir = parent.join("repo");
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    write(
        &dir,
        "pyproject.toml",
        "[build-system]\nrequires = []\nbuild-backend = \"tiny_backend\"\nbackend-path = [\"_backend\"]\n\n[project]\nname = \"loopproj\"\nversion = \"0.1.0\"\ndependencies = []\n",
    );
    let backend = fixtures().join("projects/tinyproj/_backend/tiny_backend.py");
    write(
        &dir,
        "_backend/tiny_backend.py",
        &std::fs::read_to_string(backend).unwrap(),
    );
    write(&dir, ".gitignore", "__pycache__/\n");
    for k in 1..=4 {
        let mut init = format!("\"\"\"The instruction-count test package.\"\"\"\nREVISION = {k}\n");
        if k >= 3 {
            init.push_str("_t = 0\nfor _i in range(2000):\n    _t += _i\n");
        }
        write(&dir, "src/loopproj/__init__.py", &init);
        let subject = match k {
            1 => "commit 1: the project".to_string(),
            3 => LOOP_COMMIT.to_string(),
            k => format!("commit {k}: revision {k}"),
        };
        commit_all(&dir, &subject);
        if k == 1 {
            git(&dir, &["tag", "first"]);
        }
    }
    dir
}

/// `coldstart ARGS` in `repo` with `tmp` as TMPDIR, python3 and this module's cache.
fn in_repo(repo: &Path, tmp: &Path, args: &[&str]) -> assert_cmd::Command {
    crate::support::bisect_repo::in_repo(repo, tmp, cache_dir(), args)
}

#[test]
fn history_counts_show_the_loop_step_and_come_back_from_the_store() {
    let root = tempfile::tempdir().unwrap();
    let repo = loop_repo(root.path());
    let tmp = root.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let store = root.path().join("store");
    let (json, svg) = (root.path().join("h.json"), root.path().join("h.svg"));
    let history = |extra: &[&str]| {
        let mut c = in_repo(
            &repo,
            &tmp,
            &[
                "history",
                "first..main",
                "loopproj",
                "--metric",
                "instructions",
            ],
        );
        c.args(["--runs", "2", "--store"]).arg(&store).args(extra);
        c
    };
    let out = history(&["--format", "json", "--output"])
        .arg(&json)
        .arg("--svg")
        .arg(&svg)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = read_json(&json);
    let counter = doc["counter"].as_str().unwrap();
    assert!(
        counter.starts_with("callgrind valgrind-") && counter.ends_with("PYTHONHASHSEED=0"),
        "{counter}"
    );
    let commits = doc["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 4);
    let t = |i: usize| &commits[i]["targets"][0];
    let median = |i: usize| t(i)["instructions"]["median"].as_u64().unwrap();
    let change = |i: usize| t(i)["instructions_change_percent"].as_f64().unwrap();
    assert!(t(0)["instructions_change_percent"].is_null());
    assert_eq!(commits[2]["commit"]["subject"], LOOP_COMMIT);
    // The loop's step, and none elsewhere (environments at other paths move counts by
    // hundredths of a percent).
    assert!(change(2) > 50.0, "{}", t(2));
    assert!(change(1).abs() < 0.5 && change(3).abs() < 0.5, "{doc}");
    assert!(median(2) > median(1));
    // Times are still measured beside the counts.
    assert!(t(2)["import_ms"]["median"].as_f64().unwrap() > 0.0);
    // The terminal table (stdout, since the JSON went to --output) shows the counts.
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("instructions counted with callgrind"),
        "{table}"
    );
    let row = table.lines().find(|l| l.contains(LOOP_COMMIT)).unwrap();
    assert!(row.contains(" %"), "{row}");
    // The chart plots the counts, labels the unit and annotates the loop's commit.
    let chart = std::fs::read_to_string(&svg).unwrap();
    let parsed = roxmltree::Document::parse(&chart).expect("well-formed SVG");
    let texts: Vec<&str> = parsed
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    assert!(texts.contains(&"instructions (millions)"), "{texts:?}");
    let steps: Vec<&&str> = texts
        .iter()
        .filter(|t| t.contains(" % at ") && t.contains("commit 3"))
        .collect();
    assert_eq!(steps.len(), 1, "{texts:?}");
    // Again: every commit, counts included, comes from the store.
    let out = history(&["--format", "json", "-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let again = crate::support::bisect_repo::json_of(&out);
    assert_eq!(
        (again["measured"].as_u64(), again["stored"].as_u64()),
        (Some(0), Some(4))
    );
    assert_eq!(
        again["commits"][2]["targets"][0]["instructions"],
        commits[2]["targets"][0]["instructions"]
    );
    assert!(
        files_in(&tmp).is_empty(),
        "left behind: {:?}",
        files_in(&tmp)
    );
}

/// Without valgrind: exit 2 with `ab`'s message, before any checkout or environment build.
#[test]
fn missing_valgrind_stops_history_and_bisect_before_any_checkout() {
    let root = tempfile::tempdir().unwrap();
    let repo = loop_repo(root.path());
    let tmp = root.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let cache = root.path().join("cache");
    let python = which_python3();
    for args in [
        &[
            "history",
            "first..main",
            "loopproj",
            "--metric",
            "instructions",
        ][..],
        &[
            "bisect",
            "first",
            "main",
            "loopproj",
            "--metric",
            "instructions",
        ][..],
    ] {
        coldstart()
            .current_dir(&repo)
            .env("TMPDIR", &tmp)
            .env("PATH", root.path().join("empty"))
            .args(args)
            .arg("--python")
            .arg(&python)
            .arg("--cache-dir")
            .arg(&cache)
            .timeout(Duration::from_secs(120))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "`--metric instructions` needs valgrind (e.g. `apt-get install valgrind`)",
            ));
        assert!(files_in(&tmp).is_empty(), "{args:?}: {:?}", files_in(&tmp));
        assert!(!cache.exists() || files_in(&cache).is_empty(), "{args:?}");
    }
}

/// The absolute path of `python3` (the tests above empty PATH).
fn which_python3() -> PathBuf {
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .unwrap();
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}
