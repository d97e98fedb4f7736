//! `coldstart bisect` and `coldstart history` on the real 32-commit test repository
//! (tests/fixtures/bisect_repo.py: commit 9 sleeps 30 ms at import, commit 21 imports
//! xml.dom.minidom eagerly): the commits found, the step bound, skipped builds, the end checks,
//! the history table, JSON and SVG, the store; the user's checkout, index, stash and branches
//! byte-identical afterwards, also after Ctrl-C, with no temporary directories left.
use crate::support::bisect_repo::{bisect_repo, in_repo, json_of};
use crate::support::git::{git, snapshot};
use crate::support::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// One environment cache for all tests: the builder's commits are deterministic.
fn cache_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

struct Setup {
    _root: tempfile::TempDir,
    repo: PathBuf,
    tmp: PathBuf,
}

fn setup(args: &[&str]) -> Setup {
    let root = tempfile::tempdir().unwrap();
    let repo = bisect_repo(root.path(), args);
    let tmp = root.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    Setup {
        repo,
        tmp,
        _root: root,
    }
}

/// A stash entry, a staged file, an untracked file and a modified tracked file.
fn make_dirty(dir: &Path) {
    std::fs::write(dir.join("notes.txt"), "stashed\n").unwrap();
    git(dir, &["add", "notes.txt"]);
    git(dir, &["stash", "-q"]);
    std::fs::write(dir.join("staged.txt"), "staged\n").unwrap();
    git(dir, &["add", "staged.txt"]);
    std::fs::write(dir.join("untracked.txt"), "untracked\n").unwrap();
    let init = dir.join("src/bisectproj/__init__.py");
    let text = std::fs::read_to_string(&init).unwrap();
    std::fs::write(init, text + "# modified, not staged\n").unwrap();
}

fn cmd(s: &Setup, args: &[&str]) -> assert_cmd::Command {
    in_repo(&s.repo, &s.tmp, cache_dir(), args)
}

fn subject(step: &serde_json::Value) -> &str {
    step["commit"]["subject"].as_str().unwrap()
}

#[test]
fn forbid_names_commit_21_within_the_bound_and_touches_nothing() {
    let s = setup(&[]);
    make_dirty(&s.repo);
    let before = snapshot(&s.repo);
    let out = cmd(
        &s,
        &[
            "bisect",
            "first",
            "main",
            "bisectproj",
            "--forbid",
            "xml.dom.minidom",
        ],
    )
    .args(["--format", "json", "-q"])
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out);
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["outcome"], "found");
    let first = &doc["first_bad"];
    assert_eq!(subject(first), "commit 21: import xml.dom.minidom eagerly");
    assert_eq!(first["parent"]["subject"], "commit 20: revision 20");
    assert_eq!(first["commit"]["author"], "Ada Bisect <ada@example.com>");
    let steps = doc["steps"].as_array().unwrap();
    let in_range = steps.iter().filter(|s| s["role"] != "good").count();
    // ⌈log2 32⌉ + 1: BAD's check and five halvings of the 31 commits after GOOD.
    assert!(in_range <= 6, "{in_range} commits measured");
    assert_eq!(steps[0]["role"], "good");
    assert_eq!(steps[1]["role"], "bad");
    let added: Vec<&str> = first["changes"]["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(added.contains(&"xml.dom.minidom"), "{added:?}");
    let chain = &first["chains"][0];
    assert_eq!(chain["module"], "xml.dom.minidom");
    assert_eq!(chain["links"][0]["module"], "bisectproj");
    assert!(
        first["tree_changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["module"] == "xml.dom.minidom" && t["parent_ms"].is_null()),
        "{first}"
    );
    assert!(before == snapshot(&s.repo), "the checkout changed");
    assert!(
        files_in(&s.tmp).is_empty(),
        "left behind: {:?}",
        files_in(&s.tmp)
    );
}

#[test]
fn slower_names_commit_9() {
    let s = setup(&[]);
    let out = cmd(
        &s,
        &["bisect", "first", "main", "bisectproj", "--slower", "10"],
    )
    .args([
        "--pairs",
        "10",
        "--max-pairs",
        "30",
        "--no-anchor",
        "--format",
        "json",
        "-q",
    ])
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out);
    assert_eq!(
        subject(&doc["first_bad"]),
        "commit 9: sleep 30 ms at import"
    );
    let bad = &doc["steps"][1];
    assert_eq!(bad["value"]["verdict"], "regression");
    assert!(
        bad["value"]["ratio"]["low"].as_f64().unwrap() > 1.1,
        "{bad}"
    );
}

/// `--metric instructions` on the loop repository (tests/it/history_instructions.rs): the count
/// gate against GOOD's counts names the commit that adds the loop; a stale checkout a killed run
/// left in TMPDIR is swept on the way (by the sweep every measuring command starts with).
#[test]
fn instructions_name_the_commit_that_adds_a_loop() {
    use crate::history_instructions::{LOOP_COMMIT, loop_repo};
    let root = tempfile::tempdir().unwrap();
    let repo = loop_repo(root.path());
    let tmp = root.path().join("tmp");
    let stale = tmp.join("coldstart-4194305-77-ab12");
    std::fs::create_dir_all(&stale).unwrap();
    let before = snapshot(&repo);
    let out = in_repo(
        &repo,
        &tmp,
        crate::history_instructions::cache_dir(),
        &[
            "bisect",
            "first",
            "main",
            "loopproj",
            "--metric",
            "instructions",
        ],
    )
    .args(["--format", "json", "-q"])
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out);
    assert_eq!(
        doc["condition"],
        serde_json::json!({"kind": "instructions", "percent": 1.0})
    );
    assert_eq!(subject(&doc["first_bad"]), LOOP_COMMIT);
    let steps = doc["steps"].as_array().unwrap();
    let bad = &steps[1]["value"];
    assert_eq!(bad["verdict"], "regression", "{bad}");
    assert!(bad["ratio"]["low"].as_f64().unwrap() > 1.5, "{bad}");
    assert!(bad["instructions"].as_u64().unwrap() > 1_000_000, "{bad}");
    assert!(bad["samples"].as_u64().unwrap() >= 3, "{bad}");
    assert!(
        bad["pairs"].is_null() && bad["import_ms"].is_null(),
        "{bad}"
    );
    // Before the loop: unchanged, so good.
    let two = steps
        .iter()
        .find(|s| subject(s) == "commit 2: revision 2")
        .expect("commit 2 measured");
    assert_eq!(
        (two["mark"].as_str(), two["value"]["verdict"].as_str()),
        (Some("good"), Some("unchanged"))
    );
    assert!(before == snapshot(&repo), "the checkout changed");
    assert!(
        files_in(&tmp).is_empty(),
        "left behind: {:?}",
        files_in(&tmp)
    );
}

#[test]
fn a_broken_build_is_skipped_and_reported() {
    let s = setup(&["--broken", "16"]);
    let out = cmd(
        &s,
        &[
            "bisect",
            "first",
            "main",
            "bisectproj",
            "--forbid",
            "xml.dom.minidom",
        ],
    )
    .output()
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("skip  not measured"), "{text}");
    assert!(text.contains("commit 16: break the build"), "{text}");
    assert!(text.contains("environment failed to build"), "{text}");
    assert!(
        text.contains("first bad commit: ")
            && text.contains(" commit 21: import xml.dom.minidom eagerly"),
        "{text}"
    );
    assert!(text.contains("1 skipped"), "{text}");
}

#[test]
fn end_checks_and_bad_input_exit_2() {
    let s = setup(&[]);
    let before = snapshot(&s.repo);
    let run = |args: &[&str]| {
        let out = cmd(&s, args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, err) = run(&[
        "bisect",
        "main~3",
        "main",
        "bisectproj",
        "--forbid",
        "xml.dom.minidom",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("already satisfies the condition (xml.dom.minidom is loaded); name an older good revision"), "{err}");
    let (code, err) = run(&[
        "bisect",
        "first",
        "main",
        "bisectproj",
        "--forbid",
        "email.message",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("does not satisfy the condition"), "{err}");
    let (code, err) = run(&["bisect", "main", "first", "bisectproj", "--forbid", "xml"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is not an ancestor of"), "{err}");
    let (code, err) = run(&["bisect", "first", "main", "bisectproj"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bisect needs a condition"), "{err}");
    let (code, err) = run(&[
        "bisect",
        "first",
        "main",
        "bisectproj",
        "--forbid",
        "x",
        "--slower",
        "5",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("exactly one condition"), "{err}");
    let (code, err) = run(&["bisect", "frist", "main", "bisectproj", "--forbid", "x"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("did you mean 'first'?"), "{err}");
    assert!(before == snapshot(&s.repo));
    assert!(
        files_in(&s.tmp).is_empty(),
        "left behind: {:?}",
        files_in(&s.tmp)
    );
}

#[test]
fn interrupt_leaves_everything_as_it_was() {
    let s = setup(&[]);
    make_dirty(&s.repo);
    let before = snapshot(&s.repo);
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("coldstart"))
        .current_dir(&s.repo)
        .env("TMPDIR", &s.tmp)
        .args([
            "bisect",
            "first",
            "main",
            "bisectproj",
            "--slower",
            "10",
            "--pairs",
            "60",
        ])
        .args(["--max-pairs", "60", "--python", "python3", "--cache-dir"])
        .arg(cache_dir())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until pairs are being measured (two probes' scratch directories), then interrupt.
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
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
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: sending SIGINT to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "no report after an interrupt");
    assert!(before == snapshot(&s.repo), "the checkout changed");
    assert!(
        files_in(&s.tmp).is_empty(),
        "left behind: {:?}",
        files_in(&s.tmp)
    );
}

#[test]
fn history_table_json_svg_and_the_store() {
    let s = setup(&[]);
    let before = snapshot(&s.repo);
    let store = s.tmp.parent().unwrap().join("store");
    let json = s.tmp.parent().unwrap().join("history.json");
    let svg = s.tmp.parent().unwrap().join("history.svg");
    let args = |extra: &[&str]| {
        let mut c = cmd(
            &s,
            &["history", "first..main", "bisectproj", "--max-count", "8"],
        );
        c.args(["--runs", "3", "--forbid", "xml.dom.minidom", "--store"])
            .arg(&store)
            .args(extra);
        c
    };
    let out = args(&["--format", "json", "--output"])
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
    // The terminal table on stdout: one row per commit.
    let table = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.contains(" commit ") && l.contains(':'))
        .collect();
    assert_eq!(rows.len(), 8, "{table}");
    assert!(rows[7].contains("loads xml.dom.minidom"), "{table}");
    let doc = read_json(&json);
    let commits = doc["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 8);
    assert_eq!(doc["measured"], 8);
    assert_eq!(commits[0]["commit"]["subject"], "commit 1: the project");
    assert_eq!(commits[7]["commit"]["subject"], "commit 32: revision 32");
    let t = &commits[7]["targets"][0];
    assert!(t["import_ms"]["median"].as_f64().unwrap() > 25.0, "{t}");
    assert!(
        t["adjusted_ms"]["low"].as_f64().unwrap() <= t["adjusted_ms"]["high"].as_f64().unwrap()
    );
    let chart = std::fs::read_to_string(&svg).unwrap();
    let parsed = roxmltree::Document::parse(&chart).expect("well-formed SVG");
    let points = parsed
        .descendants()
        .filter(|n| n.attribute("class") == Some("point"))
        .count();
    assert_eq!(points, 8);
    // Again, overlapping: everything comes from the store.
    let out = args(&["--format", "json"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out);
    assert_eq!(
        (doc["measured"].as_u64(), doc["stored"].as_u64()),
        (Some(0), Some(8))
    );
    assert!(before == snapshot(&s.repo));
    assert!(
        files_in(&s.tmp).is_empty(),
        "left behind: {:?}",
        files_in(&s.tmp)
    );
}
