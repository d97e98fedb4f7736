//! `coldstart run` against real python3 and fixture packages: measurements, the result file, and
//! every bad input (clear message, exit 2, nothing half-written, nothing left running).
use crate::support::*;
use predicates::prelude::*;
use std::time::Duration;

#[test]
fn sleeping_fixture_measures_at_least_its_sleep_and_empty_is_far_less() {
    let out = tempfile::tempdir().unwrap();
    run_fixture(
        out.path(),
        &[
            "sleepy50", "emptypkg", "--runs", "5", "--warmup", "1", "--label", "fx",
        ],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("sleepy50"))
    .stdout(predicate::str::contains("emptypkg"));
    let names = files_in(out.path());
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("cold_start_") && n.ends_with("_fx.json"))
    );
    let r = read_json(&out.path().join("cold_start_latest.json"));
    assert_eq!(r["format_version"], 2);
    // The start-up set is recorded per side (real python3): sys is there, the target is not.
    let startup: Vec<&str> = r["targets"][0]["modules"]["startup_loaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(startup.contains(&"sys"), "{startup:?}");
    let target = r["targets"][0]["name"].as_str().unwrap();
    assert!(!startup.contains(&target), "{startup:?}");
    assert_eq!(r["label"], "fx");
    assert_eq!(r["settings"]["runs"], 5);
    let t = &r["targets"][0];
    assert_eq!(t["name"], "sleepy50");
    assert_eq!(t["samples"].as_array().unwrap().len(), 5);
    for s in t["samples"].as_array().unwrap() {
        assert!(s["import_ms"].as_f64().unwrap() >= 50.0, "{s}");
        assert!(s["wall_ms"].as_f64().unwrap() >= s["import_ms"].as_f64().unwrap());
        assert!(s["peak_rss_kib"].as_u64().unwrap() > 1000);
        assert!(s["anchor_index"].is_u64());
    }
    let sleepy = t["summary"]["import_ms"]["median"].as_f64().unwrap();
    let empty = r["targets"][1]["summary"]["import_ms"]["median"]
        .as_f64()
        .unwrap();
    assert!(
        empty * 10.0 < sleepy,
        "empty {empty} ms vs sleepy {sleepy} ms"
    );
    assert_eq!(r["targets"][1]["modules"]["by_package"]["emptypkg"], 1);
    assert_eq!(r["anchor"]["samples"].as_array().unwrap().len(), 5);
    assert_eq!(r["startup_ms"]["samples"].as_array().unwrap().len(), 5);
    assert!(
        r["environment"]["python"]["version"]
            .as_str()
            .unwrap()
            .starts_with('3')
    );
}

#[test]
fn counts_packages_and_reports_forbidden_modules() {
    let out = tempfile::tempdir().unwrap();
    let assert = run_fixture(
        out.path(),
        &[
            "eagerpkg",
            "--runs",
            "2",
            "--no-anchor",
            "--forbid",
            "eagerpkg.heavy",
            "--forbid",
            "tomllib",
            "--package",
            "email",
        ],
    )
    .assert()
    .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("eagerpkg.heavy LOADED"), "{stdout}");
    assert!(stdout.contains("tomllib not loaded"), "{stdout}");
    let r = read_json(&out.path().join("cold_start_latest.json"));
    let t = &r["targets"][0];
    assert_eq!(t["forbidden"]["eagerpkg.heavy"], true);
    assert_eq!(t["forbidden"]["tomllib"], false);
    assert!(t["modules"]["by_package"]["email"].as_u64().unwrap() >= 2);
    assert!(
        t["modules"]["loaded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "email.message")
    );
    assert!(r["anchor"].is_null());
}

#[test]
fn json_and_markdown_formats_go_to_stdout() {
    let out = tempfile::tempdir().unwrap();
    let assert = run_fixture(
        out.path(),
        &[
            "emptypkg",
            "--runs",
            "2",
            "--no-anchor",
            "--format",
            "json",
            "--quiet",
        ],
    )
    .assert()
    .success();
    let doc: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(doc["targets"][0]["name"], "emptypkg");
    assert!(assert.get_output().stderr.is_empty());
    run_fixture(
        out.path(),
        &[
            "emptypkg",
            "--runs",
            "2",
            "--no-anchor",
            "--format",
            "markdown",
        ],
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("| `emptypkg` |"));
}

#[test]
fn statements_are_timed_as_given() {
    let out = tempfile::tempdir().unwrap();
    run_fixture(
        out.path(),
        &[
            "--stmt",
            "from sleepy50 import time as t",
            "--runs",
            "2",
            "--no-anchor",
        ],
    )
    .assert()
    .success();
    let r = read_json(&out.path().join("cold_start_latest.json"));
    assert_eq!(r["targets"][0]["packages"][0], "sleepy50");
    assert!(
        r["targets"][0]["summary"]["import_ms"]["min"]
            .as_f64()
            .unwrap()
            >= 50.0
    );
}

#[test]
fn cold_bytecode_mode_compiles_every_run() {
    let out = tempfile::tempdir().unwrap();
    run_fixture(
        out.path(),
        &["eagerpkg", "--runs", "2", "--no-anchor", "--pyc", "cold"],
    )
    .assert()
    .success();
    let r = read_json(&out.path().join("cold_start_latest.json"));
    assert_eq!(r["settings"]["pyc"], "cold");
}

fn assert_fails(args: &[&str], needle: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    run_fixture(out.path(), args)
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(needle));
    assert!(
        files_in(out.path()).is_empty(),
        "no result file after an error"
    );
    out
}

#[test]
fn module_raising_at_import_shows_the_exception() {
    assert_fails(&["raises", "--no-anchor"], "ValueError: boom at import");
}

#[test]
fn missing_module_is_named() {
    assert_fails(
        &["no_such_module_xyz", "--no-anchor"],
        "ModuleNotFoundError: No module named 'no_such_module_xyz'",
    );
}

#[test]
fn sys_exit_and_os_exit_while_importing_are_errors() {
    assert_fails(&["sysexit", "--no-anchor"], "called sys.exit(3)");
    assert_fails(&["osexit", "--no-anchor"], "exited with status 4");
}

#[test]
fn hanging_module_is_killed_at_the_timeout() {
    assert_fails(
        &["hangs", "--no-anchor", "--timeout", "1"],
        "timed out after 1 s",
    );
}

#[test]
fn invalid_inputs_are_rejected_before_running_anything() {
    assert_fails(&["os;import sys"], "not a dotted module name");
    for (python, needle) in [
        ("/nonexistent/python", "was not found"),
        ("/bin/true", "is not a Python interpreter"),
    ] {
        let out = tempfile::tempdir().unwrap();
        coldstart()
            .args(["run", "json", "--python", python, "--output-dir"])
            .arg(out.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle).and(predicate::str::contains("--python")));
        assert!(files_in(out.path()).is_empty());
    }
    assert_fails(&["json", "--runs", "0"], "--runs must be at least 1");
    assert_fails(&["--stmt", "import (", "--no-anchor"], "not valid Python");
}

#[test]
fn unwritable_output_directory_is_checked_before_measuring() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let start = std::time::Instant::now();
    coldstart()
        .args(["run", "sleepy50", "--python", "python3", "--output-dir"])
        .arg(file.join("sub"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not writable"))
        .stderr(predicate::str::contains("--output-dir"));
    // Nothing was measured: 22 runs of a 50 ms import would take longer than this.
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn megabytes_of_child_output_do_not_block_or_corrupt_results() {
    let out = tempfile::tempdir().unwrap();
    run_fixture(out.path(), &["noisy", "--runs", "2", "--no-anchor"])
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let r = read_json(&out.path().join("cold_start_latest.json"));
    assert_eq!(r["targets"][0]["samples"].as_array().unwrap().len(), 2);
}

#[test]
fn background_processes_do_not_survive_the_run() {
    let out = tempfile::tempdir().unwrap();
    let pids = out.path().join("pids.txt");
    run_fixture(
        &out.path().join("results"),
        &["spawner", "--runs", "2", "--warmup", "0", "--no-anchor"],
    )
    .arg("--env")
    .arg(format!("SPAWNER_PIDS={}", pids.display()))
    .assert()
    .success();
    let recorded: Vec<i32> = std::fs::read_to_string(&pids)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert!(recorded.len() >= 4, "{recorded:?}");
    for pid in recorded {
        assert!(!pid_alive(pid), "process {pid} outlived the run");
    }
}

#[test]
fn interrupt_kills_children_and_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("coldstart");
    let child = std::process::Command::new(bin)
        .args([
            "run",
            "hangs",
            "--no-anchor",
            "--python",
            "python3",
            "--path",
        ])
        .arg(pkgs())
        .arg("--output-dir")
        .arg(out.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // SAFETY: sending SIGINT to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&output.stderr).contains("interrupted"));
    assert!(files_in(out.path()).is_empty());
}

#[test]
fn interrupt_while_identifying_the_interpreter_is_an_interrupt() {
    // An "interpreter" that never answers: Ctrl-C during its identification is the user's
    // interrupt (exit 130), not a verdict that it is not Python (exit 2).
    let out = tempfile::tempdir().unwrap();
    let python = out.path().join("slowpython");
    std::fs::write(&python, "#!/bin/sh\nsleep 30\n").unwrap();
    let mut perms = std::fs::metadata(&python).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&python, perms).unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("coldstart"))
        .args(["run", "json", "--no-anchor", "--python"])
        .arg(&python)
        .arg("--output-dir")
        .arg(out.path().join("results"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // SAFETY: sending SIGINT to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let results = out.path().join("results");
    assert!(!results.exists() || files_in(&results).is_empty());
}

#[test]
fn budget_flags_on_run_check_after_measuring() {
    let out = tempfile::tempdir().unwrap();
    // Three quick samples of sleepy50 with the budget flags `extra`.
    let sleepy = |extra: &[&str]| {
        let mut args = vec!["sleepy50", "--runs", "3", "--no-anchor", "--tree-runs", "0"];
        args.extend_from_slice(extra);
        run_fixture(out.path(), &args)
    };
    sleepy(&["--max-import-ms", "20"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "✗ sleepy50: median import <= 20 ms",
        ));
    // The result is still stored: the budget judges it, it does not discard it.
    assert!(out.path().join("cold_start_latest.json").exists());
    sleepy(&["--check", "--forbid", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "✓ sleepy50: json forbidden (actual not loaded)",
        ));
    // With a machine format and no --output, stdout is that one document.
    let json = sleepy(&["--max-modules", "1000", "--format", "json", "--quiet"])
        .assert()
        .code(0);
    let report: serde_json::Value =
        serde_json::from_slice(&json.get_output().stdout).expect("stdout is one JSON document");
    assert!(report.is_object(), "{report}");
}

#[test]
fn scratch_directories_of_a_killed_run_are_swept_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    // A probe directory whose owner is gone (pid_max is at most 2^22, so this pid cannot exist),
    // and one without a pid file, which may belong to someone else and is left alone.
    let dead = tmp.path().join("coldstart-probe-dead");
    let foreign = tmp.path().join("coldstart-probe-nopid");
    for d in [&dead, &foreign] {
        std::fs::create_dir(d).unwrap();
    }
    std::fs::write(dead.join("coldstart.pid"), "4194305 1\n").unwrap();
    run_fixture(
        out.path(),
        &[
            "emptypkg",
            "--runs",
            "1",
            "--no-anchor",
            "--tree-runs",
            "0",
            "--quiet",
        ],
    )
    .env("TMPDIR", tmp.path())
    .assert()
    .code(0);
    assert!(!dead.exists());
    assert!(foreign.exists());
    // The run's own scratch directory is gone too.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["coldstart-probe-nopid"]);
}

#[test]
fn a_module_on_path_named_like_the_standard_library_does_not_break_identification() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("platform.py"),
        "raise RuntimeError('shadowed')\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("plainmod.py"), "X = 1\n").unwrap();
    coldstart()
        .current_dir(out.path())
        .args([
            "run",
            "plainmod",
            "--runs",
            "2",
            "--no-anchor",
            "--tree-runs",
            "0",
            "--quiet",
        ])
        .args(["--python", "python3", "--path"])
        .arg(dir.path())
        .arg("--output-dir")
        .arg(out.path())
        .assert()
        .code(0);
}
