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

#[test]
fn numbers_that_cannot_be_budgets_or_durations_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "ok.json", &fixture());
    for bad in ["NaN", "-1", "inf", "0", "sleepy50=NaN"] {
        check(&f, &[&format!("--max-import-ms={bad}")])
            .code(2)
            .stderr(predicate::str::contains(
                "must be a positive, finite number",
            ));
    }
    // The same through the configuration file.
    std::fs::write(
        dir.path().join("coldstart.toml"),
        "[budgets]\nmax_import_ms = -1\n",
    )
    .unwrap();
    coldstart()
        .current_dir(dir.path())
        .arg("check")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "must be a positive, finite number",
        ));
    let out = tempfile::tempdir().unwrap();
    for timeout in ["1e20", "NaN", "-3", "0"] {
        let flag = format!("--timeout={timeout}");
        run_fixture(out.path(), &["emptypkg", "--runs", "1", &flag])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "--timeout must be a number of seconds",
            ));
    }
    std::fs::write(dir.path().join("coldstart.toml"), "timeout = 1e300\n").unwrap();
    coldstart()
        .current_dir(dir.path())
        .args(["run", "emptypkg", "--runs", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--timeout must be a number of seconds",
        ))
        // The value as written, not its 301 digits.
        .stderr(predicate::str::contains("not 1e300\n"));
    coldstart()
        .args(["tree", "json", "--min-ms", "NaN"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--min-ms must be a non-negative number",
        ));
    let cache = tempfile::tempdir().unwrap();
    coldstart()
        .args(["cache", "clean", "--older-than", "1e300", "--cache-dir"])
        .arg(cache.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--older-than must be a number of days",
        ))
        .stderr(predicate::str::contains("not 1e300\n"));
    assert!(files_in(out.path()).is_empty(), "nothing may be written");
}

#[test]
fn bad_names_and_outputs_get_their_own_one_line_messages_before_measuring() {
    let out = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A keyword is not a module, and no --stmt was given to fix.
    run_fixture(out.path(), &["import", "--runs", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'import' is a Python keyword"))
        .stderr(predicate::str::contains("fix --stmt").not());
    // A newline (or ESC) in a name is escaped: the error stays one line.
    let assert = run_fixture(out.path(), &["a\nb\x1b[31m", "--runs", "1"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(r#""a\nb\u{1b}[31m""#), "{stderr}");
    // A NUL byte in an environment value is named as such, not as a missing interpreter.
    std::fs::write(
        dir.path().join("coldstart.toml"),
        "env = { A = \"x\\u0000y\" }\n",
    )
    .unwrap();
    coldstart()
        .current_dir(dir.path())
        .args(["run", "emptypkg", "--runs", "1", "--output-dir"])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("contains a NUL byte"))
        .stderr(predicate::str::contains("not found").not());
    // --output and --svg naming a directory are refused before anything is measured.
    for flag in ["--output", "--svg"] {
        let flag = format!("{flag}={}", dir.path().display());
        run_fixture(out.path(), &["emptypkg", "--runs", "1", &flag])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "it is a directory; name a file inside it",
            ));
    }
    assert!(files_in(out.path()).is_empty(), "nothing may be written");
}

#[test]
fn configuration_files_that_would_be_ignored_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool]\ncoldstart = \"x\"\n",
    )
    .unwrap();
    coldstart()
        .current_dir(dir.path())
        .arg("config")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "tool.coldstart is a string, not a table",
        ));
    std::fs::write(dir.path().join("pyproject.toml"), "tool = 3\n").unwrap();
    coldstart()
        .current_dir(dir.path())
        .arg("config")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`tool` is not a table"));
    std::fs::remove_file(dir.path().join("pyproject.toml")).unwrap();
    std::fs::create_dir(dir.path().join("coldstart.toml")).unwrap();
    coldstart()
        .current_dir(dir.path())
        .arg("config")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "coldstart.toml: it is not a regular file",
        ));
}
