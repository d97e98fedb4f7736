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
    let t = &comparison(&same)["targets"][0];
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
