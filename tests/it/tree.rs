//! The import-tree features end to end: `why`, `tree` (text, JSON, SVG), the tree stored by `run`,
//! and the tree diff and chains of `ab`. The fixture `treepkg` is a chain
//! `pkg -> pkg.mid -> pkg.leaf -> heavy` where `heavy` sleeps 20 ms.
use crate::support::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const CHAIN: [&str; 4] = ["pkg", "pkg.mid", "pkg.leaf", "heavy"];

fn treepkg() -> PathBuf {
    pkgs().join("treepkg")
}

/// `coldstart SUBCOMMAND ARGS --path treepkg`, from an empty directory (`dir`) so that the
/// default interpreter is python3 and nothing lands in the repository.
fn on_treepkg(dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = coldstart();
    cmd.current_dir(dir).args(args).arg("--path").arg(treepkg());
    cmd
}

fn stdout_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(out.get_output().stdout.clone()).expect("UTF-8 output")
}

/// The `(module, cumulative ms)` links of a `why` chain `a (1.0 ms) -> b (0.5 ms)`.
fn links(chain: &str) -> Vec<(String, f64)> {
    chain
        .split(" -> ")
        .map(|link| {
            let (name, rest) = link.split_once(" (").expect("module (N ms)");
            let ms = rest.strip_suffix(" ms)").expect("ends in ms)");
            (name.to_owned(), ms.parse().expect("a number of ms"))
        })
        .collect()
}

/// The chain's modules in order; cumulative times never grow along it and `heavy` takes its
/// 20 ms sleep.
fn assert_heavy_chain(chain: &str) {
    let links = links(chain);
    let names: Vec<&str> = links.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, CHAIN, "{chain}");
    for pair in links.windows(2) {
        assert!(pair[0].1 >= pair[1].1, "{chain}");
    }
    assert!(links[3].1 >= 20.0, "{chain}");
}

#[test]
fn why_prints_the_chain_that_loads_a_module() {
    let dir = tempfile::tempdir().unwrap();
    let out = on_treepkg(dir.path(), &["why", "heavy", "pkg", "--tree-runs", "2"])
        .assert()
        .code(0);
    let text = stdout_of(&out);
    assert_eq!(
        redact_numbers(&text),
        "pkg: pkg ([n] ms) -> pkg.mid ([n] ms) -> pkg.leaf ([n] ms) -> heavy ([n] ms)\n"
    );
    assert_heavy_chain(text.trim_end().strip_prefix("pkg: ").unwrap());
}

#[test]
fn why_exits_1_for_a_module_the_target_does_not_import() {
    let dir = tempfile::tempdir().unwrap();
    on_treepkg(dir.path(), &["why", "json", "pkg", "--tree-runs", "2"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("pkg: does not import json"));
    on_treepkg(dir.path(), &["why", "not a module", "pkg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a dotted module name"));
    on_treepkg(dir.path(), &["why", "heavy", "pkg", "--tree-runs", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--tree-runs must be at least 1"));
}

/// With no chain to show, `why` says definitely why: loaded at start-up (`sys`), loaded but by
/// no traced import (`planted`, set into `sys.modules` by the fixture), or not loaded at all.
#[test]
fn why_says_why_there_is_no_chain() {
    let dir = tempfile::tempdir().unwrap();
    let pkgs = dir.path().join("pkgs");
    std::fs::create_dir_all(pkgs.join("planter")).unwrap();
    std::fs::write(
        pkgs.join("planter/__init__.py"),
        "import sys, types\nsys.modules['planted'] = types.ModuleType('planted')\n",
    )
    .unwrap();
    let why = |name: &str, format: &str| {
        let mut cmd = coldstart();
        cmd.current_dir(dir.path())
            .args([
                "why",
                name,
                "planter",
                "--tree-runs",
                "1",
                "--format",
                format,
            ])
            .arg("--path")
            .arg(&pkgs);
        stdout_of(&cmd.assert().code(1))
    };
    let text: String = ["sys", "planted", "nosuchmodule"]
        .iter()
        .map(|name| why(name, "terminal"))
        .collect();
    insta::assert_snapshot!("why_without_a_chain", text);
    for (name, absent) in [
        ("sys", "startup"),
        ("planted", "untraced"),
        ("nosuchmodule", "not-loaded"),
    ] {
        let v: Value = serde_json::from_str(&why(name, "json")).unwrap();
        let t = &v["targets"][0];
        assert_eq!(
            (&t["chain"], &t["absent"]),
            (&Value::Null, &Value::from(absent)),
            "{v}"
        );
    }
}

#[test]
fn tree_prints_the_indented_chain_with_its_times() {
    let dir = tempfile::tempdir().unwrap();
    let out = on_treepkg(
        dir.path(),
        &["tree", "pkg", "--tree-runs", "2", "--min-ms", "0.5"],
    )
    .assert()
    .code(0);
    let text = stdout_of(&out);
    let mut lines = text.lines();
    let title = lines.next().unwrap();
    assert!(
        title.starts_with("pkg: ") && title.contains(" ms over 2 runs"),
        "{text}"
    );
    assert_eq!(lines.next(), Some("  self ms     cum ms  module"), "{text}");
    // Rows: `{self:>9.2}  {cumulative:>9.2}  {indent}{module}`, two spaces of indent per level.
    let rows: Vec<(f64, f64, usize, &str)> = lines
        .map(|l| {
            let label = &l[22..];
            let name = label.trim_start();
            (
                l[..9].trim().parse().unwrap(),
                l[11..20].trim().parse().unwrap(),
                (label.len() - name.len()) / 2,
                name,
            )
        })
        .collect();
    let shown: Vec<(usize, &str)> = rows.iter().map(|r| (r.2, r.3)).collect();
    assert_eq!(
        shown,
        [(0, "pkg"), (1, "pkg.mid"), (2, "pkg.leaf"), (3, "heavy")],
        "{text}"
    );
    let heavy = rows[3];
    assert!(heavy.0 >= 20.0, "heavy's self time: {text}");
    assert!(rows.iter().all(|r| r.1 >= heavy.0 && r.1 >= r.0), "{text}");
}

#[test]
fn tree_hides_fast_modules_and_groups_packages() {
    let dir = tempfile::tempdir().unwrap();
    // Every module of the chain includes heavy's 20 ms: a 1 s floor hides all four, and says so.
    let out = on_treepkg(
        dir.path(),
        &["tree", "pkg", "--tree-runs", "1", "--min-ms", "1000"],
    )
    .assert()
    .code(0);
    let text = stdout_of(&out);
    assert_eq!(
        text.lines().skip(1).collect::<Vec<_>>(),
        [
            "  self ms     cum ms  module",
            "(4 modules under 1000 ms cumulative not shown)"
        ],
        "{text}"
    );
    // Grouping merges the three modules of `pkg` into one row above heavy.
    let out = on_treepkg(dir.path(), &["tree", "pkg", "--tree-runs", "1", "--group"])
        .assert()
        .code(0);
    let text = stdout_of(&out);
    let labels: Vec<&str> = text.lines().skip(2).map(|l| l[22..].trim_end()).collect();
    assert_eq!(labels, ["pkg [3 modules]", "  heavy"], "{text}");
}

#[test]
fn tree_json_gives_each_module_its_parent() {
    let dir = tempfile::tempdir().unwrap();
    let out = on_treepkg(
        dir.path(),
        &["tree", "pkg", "--tree-runs", "2", "--format", "json"],
    )
    .assert()
    .code(0);
    let v: Value = serde_json::from_slice(&out.get_output().stdout).expect("valid JSON");
    let tree = &v["pkg"];
    assert_eq!(tree["runs"], 2);
    assert_eq!(tree["unreliable_runs"], 0);
    let modules = tree["modules"].as_array().unwrap();
    let names: Vec<&str> = modules
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, CHAIN, "pre-order");
    let heavy = &modules[3];
    assert_eq!(heavy["parent"], "pkg.leaf");
    assert_eq!(heavy["depth"], 3);
    assert_eq!(heavy["runs"], 2);
    assert!(heavy["self_ms"].as_f64().unwrap() >= 20.0, "{heavy}");
    assert_eq!(modules[0]["parent"], Value::Null);
    assert_eq!(modules[1]["parent"], "pkg");
    assert_eq!(modules[2]["parent"], "pkg.mid");
}

/// Parses an SVG chart and returns the first line of each `<title>` (one per drawn box).
fn svg_boxes(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("SVG written");
    let doc = roxmltree::Document::parse(&text).expect("SVG is XML");
    assert!(doc.root_element().has_tag_name("svg"));
    doc.descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .map(|t| t.lines().next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn tree_svg_draws_every_module() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("chart.svg");
    let svg_arg = svg.display().to_string();
    on_treepkg(
        dir.path(),
        &["tree", "pkg", "--tree-runs", "2", "--svg", &svg_arg],
    )
    .assert()
    .code(0)
    .stderr(predicate::str::contains("wrote"));
    let boxes = svg_boxes(&svg);
    for name in CHAIN {
        assert!(boxes.iter().any(|b| b == name), "{name} in {boxes:?}");
    }
}

#[test]
fn tree_svg_of_two_targets_writes_one_file_each() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("charts");
    std::fs::create_dir(&out_dir).unwrap();
    on_treepkg(
        dir.path(),
        &["tree", "pkg", "--stmt", "import heavy", "--tree-runs", "1"],
    )
    .arg("--svg")
    .arg(out_dir.join("chart.svg"))
    .assert()
    .code(0);
    assert_eq!(
        files_in(&out_dir),
        ["chart-import_heavy.svg", "chart-pkg.svg"]
    );
    let pkg = svg_boxes(&out_dir.join("chart-pkg.svg"));
    assert!(CHAIN.iter().all(|n| pkg.iter().any(|b| b == n)), "{pkg:?}");
    let heavy = svg_boxes(&out_dir.join("chart-import_heavy.svg"));
    assert!(heavy.iter().any(|b| b == "heavy"), "{heavy:?}");
    assert!(!heavy.iter().any(|b| b == "pkg.mid"), "{heavy:?}");
}

#[test]
fn run_stores_the_tree_and_explains_forbidden_modules() {
    let dir = tempfile::tempdir().unwrap();
    let out = on_treepkg(
        dir.path(),
        &[
            "run",
            "pkg",
            "--runs",
            "3",
            "--no-anchor",
            "--tree-runs",
            "2",
            "--forbid",
            "heavy",
            "--color",
            "never",
            "--svg",
            "run.svg",
        ],
    )
    .assert()
    .code(0);
    let text = stdout_of(&out);
    assert!(text.contains("forbidden heavy LOADED"), "{text}");
    let why = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("why heavy: "))
        .unwrap_or_else(|| panic!("a why heavy: line in {text}"));
    assert_heavy_chain(why);
    assert!(text.contains("  top self  heavy "), "{text}");

    let r = read_json(&dir.path().join("benchmark_results/cold_start_latest.json"));
    let tree = &r["targets"][0]["import_tree"];
    assert_eq!(tree["runs"], 2, "{tree}");
    let names: Vec<&str> = tree["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, CHAIN);
    assert_eq!(r["targets"][0]["forbidden"]["heavy"], true);
    // The chart of the stored tree.
    let boxes = svg_boxes(&dir.path().join("run.svg"));
    assert!(boxes.iter().any(|b| b == "heavy"), "{boxes:?}");
}

#[test]
fn run_without_tree_runs_stores_a_null_tree() {
    let dir = tempfile::tempdir().unwrap();
    let out = on_treepkg(
        dir.path(),
        &[
            "run",
            "pkg",
            "--runs",
            "3",
            "--no-anchor",
            "--tree-runs",
            "0",
            "--forbid",
            "heavy",
            "--svg",
            "never.svg",
        ],
    )
    .assert()
    .code(0)
    .stderr(predicate::str::contains("no import tree to draw"));
    let text = stdout_of(&out);
    assert!(text.contains("forbidden heavy LOADED"), "{text}");
    assert!(
        !text.contains("top self") && !text.contains("why heavy"),
        "{text}"
    );
    let r = read_json(&dir.path().join("benchmark_results/cold_start_latest.json"));
    let target = r["targets"][0].as_object().unwrap();
    assert_eq!(target.get("import_tree"), Some(&Value::Null));
    assert!(!dir.path().join("never.svg").exists());
}

/// `coldstart ab abpkg` between venvs over the A/B fixture variants `a` and `b`, JSON on stdout.
fn ab_json(a: &str, b: &str, extra: &[&str], code: i32) -> Value {
    let root = tempfile::tempdir().unwrap();
    let base = venv_with(root.path(), "a", &ab_fixture(a));
    let cand = venv_with(root.path(), "b", &ab_fixture(b));
    let mut cmd = coldstart();
    cmd.current_dir(root.path())
        .args([
            "ab",
            "abpkg",
            "--pairs",
            "5",
            "--warmup",
            "1",
            "--no-anchor",
        ])
        .args([
            "--tree-runs",
            "2",
            "--format",
            "json",
            "--quiet",
            "--baseline",
        ])
        .arg(&base)
        .arg("--candidate")
        .arg(&cand)
        .args(extra);
    let out = cmd.assert().code(code);
    serde_json::from_slice(&out.get_output().stdout).expect("valid JSON")
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["module"].as_str().unwrap())
        .collect()
}

#[test]
fn ab_tree_diff_shows_the_subtree_a_lazy_import_removed() {
    let c = ab_json("base", "lazy", &[], 0);
    let t = &c["targets"][0];
    let tree = &t["tree"];
    assert_eq!(names(&tree["disappeared"]), ["abpkg.heavy"], "{tree}");
    let gone = &tree["disappeared"][0];
    assert_eq!(gone["parent"], "abpkg");
    // abpkg.heavy and what it alone imported (email.message and its imports).
    assert!(gone["modules"].as_u64().unwrap() > 1, "{gone}");
    assert_eq!(names(&tree["appeared"]), Vec::<&str>::new(), "{tree}");
    assert!(names(&tree["changed"]).contains(&"abpkg"), "{tree}");
    assert_eq!(t["chains"], serde_json::json!([]));
}

#[test]
fn ab_chains_explain_how_a_forbidden_module_became_eager() {
    let c = ab_json("lazy", "base", &["--forbid", "abpkg.heavy"], 1);
    let t = &c["targets"][0];
    assert_eq!(t["forbidden"][0]["transition"], "now-eager");
    assert_eq!(
        names(&t["tree"]["appeared"]),
        ["abpkg.heavy"],
        "{}",
        t["tree"]
    );
    let chains = t["chains"].as_array().unwrap();
    let heavy = chains
        .iter()
        .find(|c| c["module"] == "abpkg.heavy")
        .unwrap_or_else(|| panic!("a chain for abpkg.heavy in {chains:?}"));
    let links: Vec<&str> = heavy["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["module"].as_str().unwrap())
        .collect();
    assert_eq!(links, ["abpkg", "abpkg.heavy"]);
    assert!(
        c["failures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().contains("abpkg.heavy is now loaded")),
        "{}",
        c["failures"]
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    // `coldstart tree pkg | head -0`: the pipe is closed before the report is written.
    let dir = tempfile::tempdir().unwrap();
    let mut child = coldstart_std()
        .current_dir(dir.path())
        .args(["tree", "pkg", "--tree-runs", "1", "--path"])
        .arg(treepkg())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
