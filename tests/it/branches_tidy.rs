//! Issue 13, `branches` must not trip over itself: a typo'd candidate is refused before anything
//! is built; the user's `git status` is byte-identical afterwards (results go outside the working
//! tree by default, and coldstart's own outputs are never part of a candidate); a clean working
//! tree reuses its commit's environment; every report format names the revisions; `cache list`
//! shows project and revision, `cache clean --project` is limited to one project.
use crate::support::git::{commit_all, fixture_repo, git, write};
use crate::support::*;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `git status` as a script reads it, untracked files included.
fn status(dir: &Path) -> String {
    git(dir, &["status", "--porcelain", "--untracked-files=all"])
}

/// `coldstart branches ARGS` in `repo`, quick settings, environments in `cache`, scratch in `tmp`.
fn branches(repo: &Path, cache: &Path, tmp: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = coldstart();
    cmd.current_dir(repo)
        .env("TMPDIR", tmp)
        .arg("branches")
        .args(args)
        .args([
            "--pairs",
            "5",
            "--no-anchor",
            "--warmup",
            "1",
            "--tree-runs",
            "1",
            "--python",
            "python3",
            "--cache-dir",
        ])
        .arg(cache)
        .timeout(Duration::from_secs(300));
    cmd
}

struct Scene {
    repo: tempfile::TempDir,
    root: tempfile::TempDir,
}

impl Scene {
    fn new() -> Scene {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("tmp")).unwrap();
        Scene {
            repo: fixture_repo("tinyproj"),
            root,
        }
    }
    fn dir(&self) -> &Path {
        self.repo.path()
    }
    fn cache(&self) -> PathBuf {
        self.root.path().join("cache")
    }
    fn tmp(&self) -> PathBuf {
        self.root.path().join("tmp")
    }
    fn run(&self, args: &[&str]) -> assert_cmd::Command {
        branches(self.dir(), &self.cache(), &self.tmp(), args)
    }
    /// The comparison file of the latest run in `dir`.
    fn comparison(&self, dir: &Path) -> serde_json::Value {
        let name = files_in(dir)
            .into_iter()
            .filter(|n| n.ends_with("_comparison.json"))
            .max()
            .expect("a comparison file");
        read_json(&dir.join(name))
    }
    fn results_dir(&self) -> PathBuf {
        let parent = self.cache().join("results");
        let names = files_in(&parent);
        assert_eq!(names.len(), 1, "one project's results: {names:?}");
        parent.join(&names[0])
    }
}

fn short(dir: &Path, rev: &str) -> String {
    git(dir, &["rev-parse", "--short", rev])
}

#[test]
fn a_typo_in_the_candidate_is_refused_before_anything_is_built() {
    let s = Scene::new();
    git(s.dir(), &["branch", "feature"]);
    s.run(&["main", "featur", "tinyproj"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown revision 'featur'; did you mean 'feature'? (a module named like a revision goes after both revisions)",
        ))
        .stderr(predicate::str::contains("materialising").not());
    assert!(!s.cache().join("envs").exists(), "nothing was built");
    // A word that is no module name cannot be a module: the unknown revision is the error.
    s.run(&["main", "feat/x", "tinyproj"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: unknown revision 'feat/x'",
        ));
    assert!(!s.cache().join("envs").exists());
}

#[test]
fn a_module_named_like_a_branch_is_still_a_module() {
    // `tinyproj` is a prefix of the branch `tinyproj-fix`, but it is the project's package.
    let s = Scene::new();
    git(s.dir(), &["branch", "tinyproj-fix"]);
    s.run(&["main", "tinyproj"])
        .assert()
        .code(predicate::in_iter([0, 1]));
}

#[test]
fn git_status_is_unchanged_and_a_clean_tree_reuses_its_commits_environment() {
    let s = Scene::new();
    let before = status(s.dir());
    let sha = short(s.dir(), "HEAD");
    // v0.1.0 is HEAD: the clean working tree is that commit, so its environment is reused.
    s.run(&["v0.1.0", "tinyproj"])
        .assert()
        .code(predicate::in_iter([0, 1]))
        .stderr(predicate::str::contains(format!(
            "environment for working tree (no uncommitted changes) on main ({sha}): reused from the cache"
        )))
        .stderr(predicate::str::contains(format!("materialising v0.1.0 ({sha})")));
    assert_eq!(status(s.dir()), before, "git status changed");
    assert_eq!(
        files_in(&s.cache().join("envs")).len(),
        1,
        "one environment for base and clean candidate"
    );
    let results = s.results_dir();
    let c = s.comparison(&results);
    assert_eq!(c["candidate"]["git"]["working_tree"], true);
    assert_eq!(c["candidate"]["git"]["dirty"], false);
    assert_eq!(c["baseline"]["git"]["revision"], "v0.1.0");
    assert_eq!(c["baseline"]["git"]["short"], sha.as_str());

    // coldstart's own outputs in the tree (an earlier `run`'s results, this run's --output-dir
    // and --output) are not part of the candidate: it stays clean and reused.
    write(s.dir(), "benchmark_results/cold_start_latest.json", "{}\n");
    let before = status(s.dir());
    s.run(&[
        "v0.1.0",
        "tinyproj",
        "--output-dir",
        "inside",
        "--format",
        "markdown",
        "--output",
        "report.md",
    ])
    .assert()
    .code(predicate::in_iter([0, 1]))
    .stderr(predicate::str::contains("(no uncommitted changes) on main"))
    .stderr(predicate::str::contains("reused from the cache"));
    let c = s.comparison(&s.dir().join("inside"));
    assert_eq!(c["candidate"]["git"]["dirty"], false);
    assert_eq!(files_in(&s.cache().join("envs")).len(), 1);
    // Only what the user asked for was written into the tree.
    let after = status(s.dir());
    let added: Vec<&str> = after.lines().filter(|l| !before.contains(*l)).collect();
    assert!(
        added
            .iter()
            .all(|l| l.contains("inside/") || l.ends_with("report.md")),
        "{added:?}"
    );
}

#[test]
fn every_format_names_the_revisions() {
    let s = Scene::new();
    write(s.dir(), "src/tinyproj/extra.py", "X = 1\n");
    let sha = short(s.dir(), "HEAD");
    let out = s.root.path().join("out");
    let base = format!("v0.1.0 ({sha})");
    let cand = format!("working tree (uncommitted changes) on main ({sha})");
    for (format, file) in [("markdown", "r.md"), ("junit", "r.xml"), ("json", "r.json")] {
        let report = out.join(file);
        s.run(&["v0.1.0", "tinyproj"])
            .arg("--output-dir")
            .arg(&out)
            .args(["--format", format, "--output"])
            .arg(&report)
            .assert()
            .code(predicate::in_iter([0, 1]))
            .stdout(predicate::str::contains(format!(
                "  baseline  {base} · Python"
            )))
            .stdout(predicate::str::contains(format!(
                "  candidate {cand} · Python"
            )));
        let text = std::fs::read_to_string(&report).unwrap();
        match format {
            "markdown" => assert!(
                text.contains(&format!("**baseline** `{base}` → **candidate** `{cand}`")),
                "{text}"
            ),
            "junit" => {
                let doc = roxmltree::Document::parse(&text).unwrap();
                let suite = doc
                    .descendants()
                    .find(|n| n.has_tag_name("testsuite"))
                    .unwrap();
                assert_eq!(
                    suite.attribute("name"),
                    Some(format!("coldstart branches: {base} vs {cand}").as_str())
                );
            }
            _ => {
                let c: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(c["baseline"]["git"]["revision"], "v0.1.0");
                assert_eq!(c["candidate"]["git"]["working_tree"], true);
                assert_eq!(c["candidate"]["git"]["dirty"], true);
                assert_eq!(c["candidate"]["git"]["short"], sha.as_str());
            }
        }
    }
}

#[test]
fn cache_list_names_project_and_revision_and_clean_can_be_limited_to_one_project() {
    let a = Scene::new();
    let b = Scene::new();
    let cache = a.cache();
    write(b.dir(), "src/tinyproj/extra.py", "X = 1\n");
    commit_all(b.dir(), "b's own commit");
    branches(a.dir(), &cache, &a.tmp(), &["v0.1.0", "main", "tinyproj"])
        .assert()
        .code(predicate::in_iter([0, 1]));
    branches(b.dir(), &cache, &b.tmp(), &["v0.1.0", "main", "tinyproj"])
        .assert()
        .code(predicate::in_iter([0, 1]));
    let root = |d: &Path| std::fs::canonicalize(d).unwrap().display().to_string();
    let list = |extra: &[&str]| {
        let out = coldstart()
            .args(["cache", "list", "--format", "json", "--cache-dir"])
            .arg(&cache)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["environments"].as_array().unwrap().clone()
    };
    let all = list(&[]);
    let projects: std::collections::BTreeSet<String> = all
        .iter()
        .map(|e| e["project"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        projects,
        [root(a.dir()), root(b.dir())].into_iter().collect()
    );
    assert!(all.iter().any(|e| e["revision_name"] == "main"));
    coldstart()
        .args(["cache", "list", "--cache-dir"])
        .arg(&cache)
        .assert()
        .success()
        .stdout(predicate::str::contains(root(a.dir())))
        .stdout(predicate::str::contains(format!(
            "main {}",
            &git(b.dir(), &["rev-parse", "HEAD"])[..12]
        )));
    let b_count = list(&["--project", &root(b.dir())]).len();
    assert!(b_count >= 1);
    coldstart()
        .current_dir(a.dir().join("src"))
        .args(["cache", "clean", "--project", ".", "--cache-dir"])
        .arg(&cache)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("of {}", root(a.dir()))));
    let left = list(&[]);
    assert_eq!(left.len(), b_count, "only b's environments are left");
    assert!(left.iter().all(|e| e["project"] == root(b.dir()).as_str()));
    coldstart()
        .args(["cache", "clean", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[default: every project's]"));
}
