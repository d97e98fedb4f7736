//! `coldstart ab --metric instructions` end to end: real venvs, real valgrind, exact counts.
use crate::support::*;
use std::path::{Path, PathBuf};

/// A venv whose `instrloop` package runs a loop of `iterations` at import.
fn loop_env(root: &Path, name: &str, iterations: u32) -> PathBuf {
    let pkg = root.join(format!("{name}-pkg"));
    std::fs::create_dir_all(pkg.join("instrloop")).unwrap();
    std::fs::write(
        pkg.join("instrloop/__init__.py"),
        format!("_t = 0\nfor _i in range({iterations}):\n    _t += _i\n"),
    )
    .unwrap();
    venv_with(root, name, &pkg)
}

fn ab(out: &Path, baseline: &Path, candidate: &Path) -> assert_cmd::Command {
    let mut cmd = coldstart();
    cmd.args([
        "ab",
        "instrloop",
        "--metric",
        "instructions",
        "--warmup",
        "1",
    ])
    .arg("--baseline")
    .arg(baseline)
    .arg("--candidate")
    .arg(candidate)
    .arg("--output-dir")
    .arg(out)
    .args(["--format", "json", "--quiet"]);
    cmd
}

fn comparison(out: &Path) -> serde_json::Value {
    let name = files_in(out)
        .into_iter()
        .find(|n| n.ends_with("_instructions.json"))
        .expect("instruction comparison file");
    read_json(&out.join(name))
}

#[test]
fn two_percent_more_iterations_is_a_regression_and_identical_code_is_unchanged() {
    let root = tempfile::tempdir().unwrap();
    let base = loop_env(root.path(), "base", 20_000);
    let plus2 = loop_env(root.path(), "plus2", 20_400);
    // The candidate also has one more installed distribution (a minimal dist-info directory).
    let lib = plus2.parent().unwrap().parent().unwrap().join("lib");
    let site = std::fs::read_dir(&lib)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("site-packages"))
        .find(|p| p.is_dir())
        .unwrap();
    std::fs::create_dir(site.join("instrdep-2.0.dist-info")).unwrap();
    std::fs::write(
        site.join("instrdep-2.0.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: instrdep\nVersion: 2.0\n",
    )
    .unwrap();
    let out = root.path().join("out");
    let run = ab(&out, &base, &plus2).assert().code(1);
    let stdout: serde_json::Value =
        serde_json::from_slice(&run.get_output().stdout).expect("one JSON document");
    let file = comparison(&out);
    assert_eq!(stdout, file);
    assert_eq!(file["metric"], "instructions");
    assert_eq!(file["counter"], "callgrind");
    assert_eq!(file["hash_seed"], "0");
    assert_eq!(file["threshold_percent"], 1.0);
    assert_eq!(
        file["distributions"]["changes"],
        serde_json::json!([{"name": "instrdep", "baseline": null, "candidate": "2.0"}])
    );
    let t = &file["targets"][0];
    assert_eq!(t["gate"]["verdict"], "regression");
    // Exact counts: three samples a side, identical within a side.
    let counts = |side: &str| -> Vec<u64> {
        t[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect()
    };
    let (b, c) = (counts("baseline_counts"), counts("candidate_counts"));
    assert_eq!((b.len(), c.len()), (3, 3));
    assert!(
        b.iter().all(|&x| x == b[0]) && c.iter().all(|&x| x == c[0]),
        "{b:?} {c:?}"
    );
    let change = c[0] as f64 / b[0] as f64 - 1.0;
    assert!(change > 0.015 && change < 0.025, "{change}");

    let same = root.path().join("same");
    ab(&same, &base, &base).assert().code(0);
    let same_file = comparison(&same);
    assert_eq!(same_file["distributions"]["changes"], serde_json::json!([]));
    let t = &same_file["targets"][0];
    assert_eq!(t["gate"]["verdict"], "unchanged");
    assert_eq!(t["explanation"], serde_json::Value::Null);
}

#[test]
fn missing_valgrind_is_exit_2_naming_the_install() {
    let root = tempfile::tempdir().unwrap();
    let base = loop_env(root.path(), "base", 10);
    let out = root.path().join("out");
    ab(&out, &base, &base)
        .env("PATH", root.path().join("empty"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`--metric instructions` needs valgrind (e.g. `apt-get install valgrind`)",
        ));
    assert!(!out.exists() || files_in(&out).is_empty());
}

/// `run --metric instructions` of one venv: few timed runs, no anchor or tree (they are not
/// what is tested), the result in `out`.
fn run_counted(out: &Path, python: &Path) -> assert_cmd::Command {
    let mut cmd = coldstart();
    cmd.args(["run", "instrloop", "--metric", "instructions"])
        .args([
            "--runs",
            "2",
            "--warmup",
            "1",
            "--tree-runs",
            "0",
            "--no-anchor",
        ])
        .arg("--python")
        .arg(python)
        .arg("--output-dir")
        .arg(out)
        .args(["--format", "json", "--quiet"]);
    cmd
}

fn latest(out: &Path) -> PathBuf {
    out.join("cold_start_latest.json")
}

#[test]
fn run_stores_counts_that_check_and_compare_gate_on() {
    let root = tempfile::tempdir().unwrap();
    let base = loop_env(root.path(), "base", 20_000);
    let plus2 = loop_env(root.path(), "plus2", 20_400);
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    run_counted(&a, &base).assert().code(0);
    run_counted(&b, &plus2).assert().code(0);
    let result = read_json(&latest(&a));
    assert_eq!(result["instructions"]["counter"], "callgrind");
    assert_eq!(result["instructions"]["hash_seed"], "0");
    let counts = &result["targets"][0]["instructions"];
    let samples: Vec<u64> = counts["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    assert_eq!(samples.len(), 3, "{samples:?}");
    assert!(samples.iter().all(|&c| c == samples[0]), "{samples:?}");
    assert_eq!(counts["summary"]["median"], samples[0]);
    // Times are still there beside the counts.
    assert_eq!(result["targets"][0]["samples"].as_array().unwrap().len(), 2);

    let check = |limit: String| {
        let mut cmd = coldstart();
        cmd.arg("check")
            .arg(latest(&a))
            .args(["--max-instructions", &limit, "--format", "json"]);
        cmd
    };
    check(format!("{}", samples[0])).assert().code(0);
    check(format!("instrloop={}", samples[0] - 1))
        .assert()
        .code(1)
        .stdout(predicates::str::contains("median instructions"));
    check("nosuch=5".into()).assert().code(2);
    // The stored summary is recomputed from the counts: an edited median cannot pass a budget,
    // and a count of 0 is refused.
    let mut edited = result.clone();
    edited["targets"][0]["instructions"]["summary"]["median"] = 1.into();
    let edited_path = root.path().join("edited.json");
    std::fs::write(&edited_path, edited.to_string()).unwrap();
    let check_file = |path: &Path, limit: u64| {
        let mut cmd = coldstart();
        cmd.arg("check")
            .arg(path)
            .args(["--max-instructions", &limit.to_string()]);
        cmd
    };
    check_file(&edited_path, samples[0] - 1).assert().code(1);
    edited["targets"][0]["instructions"]["samples"][0] = 0.into();
    std::fs::write(&edited_path, edited.to_string()).unwrap();
    check_file(&edited_path, samples[0])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "instructions.samples: a count of 0",
        ));

    let compare = |x: &Path, y: &Path| {
        let mut cmd = coldstart();
        cmd.arg("compare").arg(latest(x)).arg(latest(y)).args([
            "--metric",
            "instructions",
            "--format",
            "json",
        ]);
        cmd
    };
    let regressed = compare(&a, &b).assert().code(1);
    let doc: serde_json::Value = serde_json::from_slice(&regressed.get_output().stdout).unwrap();
    assert_eq!(doc["command"], "compare");
    assert_eq!(doc["targets"][0]["gate"]["verdict"], "regression");
    assert!(doc["targets"][0]["import_ms"].is_array(), "{doc}");
    compare(&a, &a).assert().code(0);
    compare(&a, &a)
        .arg("--strict")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("\"unchanged\""));
}

#[test]
fn counts_where_there_are_none_are_exit_2_with_the_fix() {
    let root = tempfile::tempdir().unwrap();
    let base = loop_env(root.path(), "base", 10);
    let out = root.path().join("timed");
    let mut timed = coldstart();
    timed
        .args([
            "run",
            "instrloop",
            "--runs",
            "2",
            "--tree-runs",
            "0",
            "--no-anchor",
        ])
        .arg("--python")
        .arg(&base)
        .arg("--output-dir")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .code(0);
    coldstart()
        .arg("check")
        .arg(latest(&out))
        .args(["--max-instructions", "1000"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "coldstart run --metric instructions",
        ));
    coldstart()
        .arg("compare")
        .arg(latest(&out))
        .arg(latest(&out))
        .args(["--metric", "instructions"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("has no instruction counts"));
    // A count budget on a timed run is refused before anything is measured.
    let none = root.path().join("none");
    coldstart()
        .args(["run", "instrloop", "--max-instructions", "1000"])
        .arg("--python")
        .arg(&base)
        .arg("--output-dir")
        .arg(&none)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("add --metric instructions"));
    assert!(!none.exists() || files_in(&none).is_empty());
    // No valgrind: exit 2 before measuring, for run as for ab.
    run_counted(&none, &base)
        .env("PATH", root.path().join("empty"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`--metric instructions` needs valgrind (e.g. `apt-get install valgrind`)",
        ));
    assert!(!none.exists() || files_in(&none).is_empty());
}
