//! Helpers shared by the integration tests: the binary, the fixture packages, result files, a
//! pseudo-terminal, a test alone in its own process; real git repositories in [`git`].
pub mod bisect_repo;
pub mod git;

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

/// Replaces measured numbers in a report with `[n]`: every decimal number, and integers of three
/// or more digits (`ms` drops the decimals from 100 ms up). Words containing digits (`p95`,
/// `sleepy50`) are left alone. A number right-aligned in a column (two or more spaces before it)
/// keeps the column's width, so redacted reports stay aligned whatever the magnitudes.
pub fn redact_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let digits_from = |mut j: usize| {
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_ascii_digit() || (i > 0 && word(chars[i - 1])) {
            out.push(c);
            i += 1;
            continue;
        }
        let mut j = digits_from(i);
        let int_len = j - i;
        let decimal = j + 1 < chars.len() && chars[j] == '.' && chars[j + 1].is_ascii_digit();
        if decimal {
            j = digits_from(j + 1);
        }
        let ends = j == chars.len() || !word(chars[j]);
        if ends && (decimal || int_len >= 3) {
            let pad = out.len() - out.trim_end_matches(' ').len();
            if pad >= 2 {
                out.truncate(out.len() - pad);
                out.push_str(&" ".repeat((pad + j - i).saturating_sub(3).max(1)));
            }
            out.push_str("[n]");
        } else {
            out.extend(&chars[i..j]);
        }
        i = j;
    }
    out
}

/// Runs `cmd` with its stdout on a fresh pseudo-terminal (stdin and stderr null) and returns the
/// exit code and what it printed there (the terminal's `\r\n` turned back into `\n`).
pub fn output_on_a_tty(mut cmd: std::process::Command) -> (Option<i32>, String) {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let mut master = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open("/dev/ptmx")
        .expect("pseudo-terminals are available");
    let fd = master.as_raw_fd();
    let mut name = [0 as libc::c_char; 128];
    // SAFETY: `fd` is an open pty master we own; `name` is a writable buffer of the length passed,
    // which ptsname_r NUL-terminates on success.
    let slave_path = unsafe {
        assert_eq!(libc::grantpt(fd), 0, "grantpt");
        assert_eq!(libc::unlockpt(fd), 0, "unlockpt");
        assert_eq!(
            libc::ptsname_r(fd, name.as_mut_ptr(), name.len()),
            0,
            "ptsname_r"
        );
        std::ffi::CStr::from_ptr(name.as_ptr())
            .to_string_lossy()
            .into_owned()
    };
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(&slave_path)
        .expect("the pty's terminal side opens");
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(slave)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the command starts");
    // Our copy of the terminal side lives in `cmd`: close it so reads end when the child exits.
    drop(cmd);
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match master.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            // Linux reports the closed terminal side as EIO.
            Err(e) if e.raw_os_error() == Some(libc::EIO) => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => panic!("reading the pty: {e}"),
        }
    }
    let status = child.wait().expect("the command exits");
    (
        status.code(),
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n"),
    )
}

/// `coldstart` as a plain `std::process::Command` (for [`output_on_a_tty`]), with no `NO_COLOR`
/// and a colour-capable `TERM`.
pub fn coldstart_std() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_coldstart"));
    cmd.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    cmd
}

/// Runs the test at `path` (`module_path!()` of the test + `::` + its name) again, alone, in a
/// fresh process of this test binary, and asserts that it passed there. Returns `true` in that
/// process, where the caller goes on with the test's body, and `false` in the calling one. For a
/// test that changes process-wide state (a signal handler's flag that stays set) which the other
/// tests, running on threads of this process, must not see.
pub fn alone_in_own_process(path: &str) -> bool {
    const VAR: &str = "COLDSTART_TEST_ALONE";
    // libtest names a test by its path below the crate root.
    let name = path.split_once("::").map_or(path, |(_, below)| below);
    if std::env::var_os(VAR).is_some_and(|v| v == name) {
        return true;
    }
    let out = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        .args([name, "--exact", "--nocapture", "--test-threads", "1"])
        .env(VAR, name)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(" 1 passed;"),
        "{name} alone in its own process:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    false
}
