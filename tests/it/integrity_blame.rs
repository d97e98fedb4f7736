//! Never blame the wrong thing, never hang: interrupting or timing out the interpreter's
//! identification, a target that removes its working directory, a FIFO in a tracked file of the
//! working tree `branches` copies. Real processes, files and git repositories.

use crate::support::git::{commit_all, fixture_repo};
use crate::support::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// An "interpreter" that never answers: it marks that it started, then sleeps.
fn silent_python(dir: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let python = dir.join("silentpy");
    let started = dir.join("silentpy.started");
    std::fs::write(
        &python,
        format!("#!/bin/sh\ntouch '{}'\nexec sleep 300\n", started.display()),
    )
    .unwrap();
    std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
    (python, started)
}

/// `run`, `ab` and `tree` of `json` with `python` as the interpreter (both sides of `ab`).
fn identifying_commands(python: &Path, out: &Path) -> Vec<std::process::Command> {
    let py = python.to_str().unwrap();
    let common = ["--no-anchor", "-q", "--output-dir", out.to_str().unwrap()];
    let args: [Vec<&str>; 3] = [
        [&["run", "json", "--python", py][..], &common[..]].concat(),
        [
            &["ab", "json", "--baseline", py, "--candidate", py][..],
            &common[..],
        ]
        .concat(),
        vec!["tree", "json", "--python", py],
    ];
    args.iter()
        .map(|a| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_coldstart"));
            cmd.args(a)
                .env("TERM", "dumb")
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            cmd
        })
        .collect()
}

#[test]
fn ctrl_c_while_identifying_the_interpreter_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let (python, started) = silent_python(dir.path());
    let out = dir.path().join("out");
    for mut cmd in identifying_commands(&python, &out) {
        let _ = std::fs::remove_file(&started);
        let child = cmd.spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while !started.exists() {
            assert!(Instant::now() < deadline, "{cmd:?}: never identified");
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: plain syscall on integers; the child is ours and not yet reaped.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{cmd:?}: {stderr}");
        assert!(stderr.contains("interrupted"), "{cmd:?}: {stderr}");
        assert!(!stderr.contains("not a usable Python"), "{cmd:?}: {stderr}");
    }
    assert_eq!(files_in(&out), Vec::<String>::new(), "a result was written");
}

#[test]
fn identification_honours_timeout_and_says_it_timed_out() {
    let dir = tempfile::tempdir().unwrap();
    let (python, _) = silent_python(dir.path());
    let out = dir.path().join("out");
    for mut cmd in identifying_commands(&python, &out) {
        cmd.args(["--timeout", "1"]);
        let started = Instant::now();
        let output = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{cmd:?}: {stderr}");
        assert!(
            stderr.contains("timed out identifying") && stderr.contains("after 1 s"),
            "{cmd:?}: {stderr}"
        );
        assert!(stderr.contains("raise --timeout"), "{cmd:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        // Generous: the fixed 60 s bound it replaces is what must not be waited for.
        assert!(started.elapsed() < Duration::from_secs(50), "{cmd:?}");
    }
    assert_eq!(files_in(&out), Vec::<String>::new(), "a result was written");
}

#[test]
fn a_target_that_removes_its_working_directory_is_named_not_the_interpreter() {
    let out = tempfile::tempdir().unwrap();
    // The second sample would fail to spawn in the missing directory; the first is blamed.
    let mut cmd = run_fixture(out.path(), &["removes_cwd", "--runs", "2", "--warmup", "0"]);
    cmd.args(["--no-anchor", "--tree-runs", "0", "-q"]);
    {
        let output = cmd.timeout(Duration::from_secs(120)).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("target 'removes_cwd' failed to import: its working directory"),
            "{stderr}"
        );
        assert!(stderr.contains("was removed while it ran"), "{stderr}");
        assert!(!stderr.contains("not a usable Python"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let output = coldstart()
        .args(["tree", "removes_cwd", "--python", "python3", "--path"])
        .arg(pkgs())
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("was removed while it ran"), "{stderr}");
    assert_eq!(files_in(out.path()), Vec::<String>::new());
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn branches_refuses_a_fifo_in_a_tracked_file_of_the_working_tree_without_hanging() {
    let repo = fixture_repo("tinyproj");
    // A tracked file replaced by a FIFO: reading it would block until a writer opens it.
    let tracked = repo.path().join("README.md");
    if !tracked.exists() {
        std::fs::write(&tracked, "tracked\n").unwrap();
        commit_all(repo.path(), "readme");
    }
    std::fs::remove_file(&tracked).unwrap();
    mkfifo(&tracked);
    let cache = tempfile::tempdir().unwrap();
    let output = coldstart()
        .current_dir(repo.path())
        .args(["branches", "HEAD", "tinyproj", "--python", "python3", "-q"])
        .arg("--cache-dir")
        .arg(cache.path())
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("README.md"), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
