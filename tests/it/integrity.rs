//! Integrity under hostile targets, concurrency and kill -9: real processes, files and python3.

use crate::support::*;
use std::path::Path;

fn latest(out: &Path) -> serde_json::Value {
    read_json(&out.join("cold_start_latest.json"))
}

#[test]
fn module_names_cannot_forge_the_childs_report_and_survive_faithfully() {
    let out = tempfile::tempdir().unwrap();
    run_fixture(
        out.path(),
        &[
            "hostile_names",
            "--runs",
            "3",
            "--warmup",
            "0",
            "--no-anchor",
        ],
    )
    .args(["--tree-runs", "0", "-q", "--format", "json"])
    .assert()
    .success();
    let result = latest(out.path());
    let target = &result["targets"][0];
    for sample in target["samples"].as_array().unwrap() {
        let ms = sample["import_ms"].as_f64().unwrap();
        // The forged records say 1 ns; importing the fixture takes far more than 10 µs.
        assert!(ms > 0.01, "forged import time {ms}");
        assert!(sample["modules"].as_u64().unwrap() > 10, "{sample}");
    }
    let loaded: Vec<&str> = target["modules"]["loaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for name in [
        "zzz\nimport_ns\t1",
        "\x1b]0;x\x07",
        "tab\there",
        "end\nend",
        "bad\\udcff",
        "42",
        "hostile_names",
    ] {
        assert!(loaded.contains(&name), "{name:?} missing from {loaded:?}");
    }
    // The lookalike files the target wrote stayed in its own (removed) working directory.
    assert_eq!(files_in(out.path()).len(), 2, "{:?}", files_in(out.path()));
}

/// The binary, for a plain `std::process::Command` (spawned, signalled, waited for).
fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("coldstart")
}

/// A `run` of the empty fixture, as fast as a real run gets: one sample, no anchor, no tree.
fn quick_run(out: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(bin());
    cmd.args([
        "run",
        "emptypkg",
        "--runs",
        "1",
        "--warmup",
        "0",
        "--no-anchor",
    ])
    .args(["--tree-runs", "0", "-q", "--python", "python3", "--path"])
    .arg(pkgs())
    .arg("--output-dir")
    .arg(out)
    .env("TERM", "dumb")
    .stdout(std::process::Stdio::null());
    cmd
}

#[test]
fn ten_concurrent_runs_into_one_directory_leave_ten_valid_files() {
    let out = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..10)
        .map(|_| quick_run(out.path()).spawn().expect("spawns"))
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let names = files_in(out.path());
    assert_eq!(names.len(), 11, "10 results + latest: {names:?}");
    for name in &names {
        let json = read_json(&out.path().join(name));
        assert_eq!(json["targets"][0]["name"], "emptypkg", "{name}");
    }
}

#[test]
fn result_files_honour_the_umask_and_dead_runs_temp_files_are_swept() {
    let out = tempfile::tempdir().unwrap();
    // A temp file of the atomic writer whose owner (a pid above pid_max) was killed.
    let left = out.path().join(".coldstart-tmp-4194305-12345-Xy12Zw");
    std::fs::write(&left, "{\"partial").unwrap();
    let mut cmd = quick_run(out.path());
    use std::os::unix::process::CommandExt;
    // SAFETY: umask is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::umask(0o022);
            Ok(())
        });
    }
    assert!(cmd.status().unwrap().success());
    assert!(
        !left.exists(),
        "stale temp file kept: {:?}",
        files_in(out.path())
    );
    use std::os::unix::fs::MetadataExt;
    for name in files_in(out.path()) {
        let mode = std::fs::metadata(out.path().join(&name)).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o644, "{name}");
    }
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn compare_and_check_refuse_fifos_and_devices_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("result.json");
    mkfifo(&fifo);
    let good = fixtures().join("results");
    let some_result = std::fs::read_dir(&good)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a fixture result file");
    let cases: [Vec<&std::ffi::OsStr>; 3] = [
        vec![
            "check".as_ref(),
            fifo.as_os_str(),
            "--max-import-ms".as_ref(),
            "1000".as_ref(),
        ],
        vec![
            "compare".as_ref(),
            some_result.as_os_str(),
            fifo.as_os_str(),
        ],
        vec![
            "check".as_ref(),
            "/dev/zero".as_ref(),
            "--max-import-ms".as_ref(),
            "1000".as_ref(),
        ],
    ];
    for args in cases {
        let out = coldstart()
            .args(&args)
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("not a regular file"), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

/// Waits (generously: the machine may be loaded) until `done` holds; false if it never does.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    done()
}

fn recorded_pids(file: &Path) -> Vec<i32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect()
}

#[test]
fn kill_9_of_coldstart_kills_the_child_and_the_next_run_kills_what_it_left() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let pids = tmp.path().join("pids.txt");
    let system_tmp = tmp.path().join("tmp");
    std::fs::create_dir(&system_tmp).unwrap();
    let mut killed = std::process::Command::new(bin())
        .args([
            "run",
            "spawn_and_hang",
            "--no-anchor",
            "--python",
            "python3",
        ])
        .args(["--warmup", "0", "--timeout", "600", "-q", "--path"])
        .arg(pkgs())
        .arg("--output-dir")
        .arg(out.path())
        .arg("--env")
        .arg(format!("SPAWNER_PIDS={}", pids.display()))
        .env("TMPDIR", &system_tmp)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        eventually(|| recorded_pids(&pids).len() == 3),
        "never started"
    );
    killed.kill().unwrap(); // SIGKILL
    killed.wait().unwrap();
    let [child, group_member, daemon] = recorded_pids(&pids)[..] else {
        panic!("three pids")
    };
    assert!(
        eventually(|| !pid_alive(child)),
        "the measured child {child} outlived coldstart"
    );
    // The next run (any command that starts a child) kills what the killed run's child left.
    let mut next = quick_run(out.path());
    next.env("TMPDIR", &system_tmp);
    assert!(next.status().unwrap().success());
    for pid in [group_member, daemon] {
        assert!(eventually(|| !pid_alive(pid)), "process {pid} survived");
    }
    assert_eq!(files_in(&system_tmp), Vec::<String>::new(), "scratch left");
    assert_eq!(files_in(out.path()).len(), 2, "{:?}", files_in(out.path()));
}

#[test]
fn run_sweeps_what_any_killed_command_left_in_tmpdir_and_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let system_tmp = tmp.path().join("tmp");
    let cache_home = tmp.path().join("cache");
    let builds = cache_home.join("coldstart/tmp");
    std::fs::create_dir_all(&system_tmp).unwrap();
    std::fs::create_dir_all(&builds).unwrap();
    // What a `branches` killed with SIGKILL leaves (its owner, a pid above pid_max, is gone):
    // a checkout, a probe directory, a setup step's TMPDIR (named, killed before their pid file
    // was written), one with a pid file, and an interrupted build in the cache.
    let dead = "4194305-77";
    for name in [
        format!("coldstart-{dead}-ab12"),
        format!("coldstart-probe-{dead}-cd34"),
        format!("coldstart-tmp-{dead}-ef56"),
        "coldstart-marked".to_string(),
    ] {
        std::fs::create_dir(system_tmp.join(&name)).unwrap();
    }
    std::fs::write(
        system_tmp.join("coldstart-marked/coldstart.pid"),
        "4194305 77\n",
    )
    .unwrap();
    std::fs::create_dir(builds.join(format!("build-{dead}-gh78"))).unwrap();
    // Not ours to remove: another tool's directory and one whose owner (this test) lives.
    let foreign = system_tmp.join("coldstart-notatag");
    std::fs::create_dir(&foreign).unwrap();
    let live = system_tmp.join(format!("coldstart-{}-0-ij90", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    std::fs::write(
        live.join("coldstart.pid"),
        format!("{} 0\n", std::process::id()),
    )
    .unwrap();

    let out = tempfile::tempdir().unwrap();
    let mut next = quick_run(out.path());
    next.env("TMPDIR", &system_tmp)
        .env("XDG_CACHE_HOME", &cache_home);
    assert!(next.status().unwrap().success());
    let mut expected = vec![
        "coldstart-notatag".to_string(),
        live.file_name().unwrap().to_string_lossy().into_owned(),
    ];
    expected.sort();
    assert_eq!(files_in(&system_tmp), expected);
    assert_eq!(files_in(&builds), Vec::<String>::new());
    assert_eq!(files_in(out.path()).len(), 2, "{:?}", files_in(out.path()));
}

#[test]
fn kill_9_of_branches_during_setup_kills_the_step_and_the_next_run_sweeps_what_it_left() {
    let repo = crate::support::git::fixture_repo("tinyproj");
    let tmp = tempfile::tempdir().unwrap();
    let system_tmp = tmp.path().join("tmp");
    let cache_home = tmp.path().join("cache");
    std::fs::create_dir_all(&system_tmp).unwrap();
    let pids = tmp.path().join("pids.txt");
    // The step's shell records itself and a background process of its group.
    let setup = format!(
        "echo $$ >> '{0}'; sleep 300 & echo $! >> '{0}'; wait",
        pids.display()
    );
    let mut killed = std::process::Command::new(bin())
        .current_dir(repo.path())
        .args([
            "branches", "HEAD", "HEAD", "tinyproj", "--python", "python3",
        ])
        .args(["-q", "--setup", &setup])
        .env("TMPDIR", &system_tmp)
        .env("XDG_CACHE_HOME", &cache_home)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Checkouts and a venv come first: on a loaded machine that takes a while.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while recorded_pids(&pids).len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the setup step never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    killed.kill().unwrap(); // SIGKILL
    killed.wait().unwrap();
    let [shell, background] = recorded_pids(&pids)[..2] else {
        panic!("two pids")
    };
    // The kernel's death signal (PR_SET_PDEATHSIG) ends the step itself.
    assert!(
        eventually(|| !pid_alive(shell)),
        "the setup step {shell} outlived coldstart"
    );
    // The next command that starts children, a plain `run`, kills what the step started and
    // removes the killed run's checkouts, step TMPDIRs and interrupted build.
    let out = tempfile::tempdir().unwrap();
    let mut next = quick_run(out.path());
    next.env("TMPDIR", &system_tmp)
        .env("XDG_CACHE_HOME", &cache_home);
    assert!(next.status().unwrap().success());
    assert!(
        eventually(|| !pid_alive(background)),
        "process {background} survived"
    );
    assert_eq!(files_in(&system_tmp), Vec::<String>::new(), "scratch left");
    let builds = cache_home.join("coldstart/tmp");
    assert_eq!(files_in(&builds), Vec::<String>::new(), "build left");
}
