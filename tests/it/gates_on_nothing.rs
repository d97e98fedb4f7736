//! Gates that would pass without checking anything, and result files whose numbers cannot be
//! trusted: each is a usage error (exit 2) naming what is missing and the fix (issue 12).
use crate::support::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture() -> Value {
    read_json(&fixtures().join("results/v1_fixture_pkgs.json"))
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string(v).unwrap()).unwrap();
    p
}

fn check(file: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    coldstart().arg("check").arg(file).args(extra).assert()
}

#[test]
fn compare_of_files_sharing_no_target_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let base = fixture();
    let mut cand = fixture();
    for t in cand["targets"].as_array_mut().unwrap() {
        let name = format!("other_{}", t["name"].as_str().unwrap());
        t["name"] = name.into();
    }
    let a = write(dir.path(), "a.json", &base);
    let b = write(dir.path(), "b.json", &cand);
    coldstart()
        .arg("compare")
        .arg(&a)
        .arg(&b)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("PASS").not())
        .stderr(predicate::str::contains("share no target"))
        .stderr(predicate::str::contains("measure the same targets"));
}

#[test]
fn check_of_a_file_without_targets_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = fixture();
    v["targets"] = Value::Array(vec![]);
    let f = write(dir.path(), "empty.json", &v);
    check(&f, &["--max-import-ms", "1000"])
        .code(2)
        .stdout(predicate::str::contains("PASS").not())
        .stderr(predicate::str::contains("no targets"));
}

#[test]
fn run_check_without_budgets_is_an_error_before_measuring() {
    let out = tempfile::tempdir().unwrap();
    run_fixture(
        out.path(),
        &["emptypkg", "--runs", "1", "--check", "--quiet"],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains("no budgets to check"));
    assert!(files_in(out.path()).is_empty(), "nothing may be written");
}

#[test]
fn samples_that_cannot_be_times_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Value, &str); 3] = [
        (
            "negative",
            Value::from(-5.0),
            "sample 0 is -5, not a positive time",
        ),
        (
            "zero",
            Value::from(0.0),
            "sample 0 is 0, not a positive time",
        ),
        ("text", Value::from("fast"), "does not match result format"),
    ];
    for (name, value, message) in cases {
        let mut v = fixture();
        v["targets"][0]["samples"][0]["import_ms"] = value;
        let f = write(dir.path(), &format!("{name}.json"), &v);
        check(&f, &["--max-import-ms", "1000"])
            .code(2)
            .stderr(predicate::str::contains(message))
            .stderr(
                predicate::str::contains("targets[0] (sleepy50).samples[].import_ms")
                    .or(predicate::str::contains("does not match")),
            );
    }
    let mut v = fixture();
    v["targets"][1]["samples"] = Value::Array(vec![]);
    let f = write(dir.path(), "no_samples.json", &v);
    check(&f, &["--max-import-ms", "1000"])
        .code(2)
        .stderr(predicate::str::contains(
            "targets[1] (emptypkg).samples: no samples",
        ));
}

#[test]
fn a_stored_summary_that_disagrees_with_the_samples_is_not_trusted() {
    // sleepy50 sleeps 50 ms at import: a summary edited to 1 ms must not pass a 20 ms budget.
    let dir = tempfile::tempdir().unwrap();
    let mut v = fixture();
    for k in ["median", "mean", "min", "max", "p95"] {
        v["targets"][0]["summary"]["import_ms"][k] = 1.0.into();
    }
    let f = write(dir.path(), "edited.json", &v);
    check(&f, &["--max-import-ms", "sleepy50=20"])
        .code(1)
        .stdout(predicate::str::contains("FAIL"));
}
