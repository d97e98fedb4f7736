//! Helpers shared by the integration tests: the binary, the fixture packages, result files.
#![allow(dead_code)]
use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn pkgs() -> PathBuf {
    fixtures().join("pkgs")
}

/// `coldstart` with quiet, plain output; the caller adds the subcommand's arguments.
pub fn coldstart() -> Command {
    let mut cmd = Command::cargo_bin("coldstart").expect("binary builds");
    cmd.env_remove("NO_COLOR").env("TERM", "dumb");
    cmd
}

/// `coldstart run` over the fixture packages with few runs and no anchor, results in `out`.
pub fn run_fixture(out: &Path, args: &[&str]) -> Command {
    let mut cmd = coldstart();
    cmd.arg("run")
        .args(args)
        .arg("--path")
        .arg(pkgs())
        .args(["--python", "python3", "--output-dir"])
        .arg(out);
    cmd
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file exists")).expect("valid JSON")
}

/// Files in a directory (sorted names).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

pub fn pid_alive(pid: i32) -> bool {
    // A process we do not own is still alive if /proc has it and it is not a zombie.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            !s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

/// A fresh venv (no pip) whose site-packages has a `.pth` line pointing at `fixture_dir`.
pub fn venv_with(root: &Path, name: &str, fixture_dir: &Path) -> PathBuf {
    let dir = root.join(name);
    let status = std::process::Command::new("python3")
        .args(["-m", "venv", "--without-pip"])
        .arg(&dir)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "python3 -m venv failed");
    let lib = dir.join("lib");
    let site = std::fs::read_dir(&lib)
        .unwrap()
        .flatten()
        .map(|e| e.path().join("site-packages"))
        .find(|p| p.is_dir())
        .expect("venv has site-packages");
    std::fs::write(
        site.join("coldstart_fixture.pth"),
        format!("{}\n", fixture_dir.display()),
    )
    .unwrap();
    dir.join("bin/python")
}

/// The A/B fixture variants: `base`, `slow` (+40 ms), `lazy` (heavy submodule made lazy).
pub fn ab_fixture(variant: &str) -> PathBuf {
    fixtures().join("ab").join(variant)
}
