//! Running one setup step through `crate::sys::process` (own process group, stopped on Ctrl-C / SIGTERM),
//! stdout and stderr appended to a log file; a failure carries the step's last output lines. Short
//! queries (identifying an interpreter, checking an environment) go through [`query`].
//!
//! Every step gets its own `TMPDIR` (`$TMPDIR/coldstart-tmp-<owner>-*`, removed after the step,
//! swept by the next run if coldstart was killed), so what pip, ensurepip or uv leave in their
//! temporary directory when interrupted is not left in the user's. An interrupted step gets
//! SIGTERM and [`GRACE`] to clean up before SIGKILL.
use std::fs::{self, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use super::error::EnvError;
use crate::sys::process::{self, Ending};

/// How long an interrupted setup step has between SIGTERM and SIGKILL.
pub(crate) const GRACE: Duration = Duration::from_secs(2);
/// Prefix of the steps' temporary directories under the system one.
const TMP_PREFIX: &str = "coldstart-tmp-";

/// Removes the steps' temporary directories in `parent` (the system temporary directory) of
/// coldstart processes that are gone; returns how many.
pub(crate) fn sweep_step_tmpdirs(parent: &Path) -> usize {
    crate::git::stale::sweep(parent, TMP_PREFIX).len()
}

/// A fresh temporary directory for one step's `TMPDIR`, after removing those of killed runs.
fn step_tmpdir() -> std::io::Result<tempfile::TempDir> {
    let system = std::env::temp_dir();
    crate::git::stale::sweep(&system, TMP_PREFIX);
    crate::git::stale::tempdir_in(&system, TMP_PREFIX)
}

/// How many trailing output lines a failure carries.
const TAIL_LINES: usize = 20;
/// A setup step is not timed out in practice; an interrupt stops it and its whole process group.
const SETUP_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// One step of a build, for messages.
pub(crate) struct Step<'a> {
    /// What is being done ("creating the virtual environment").
    pub what: &'a str,
    /// What the user can do when it fails.
    pub hint: &'a str,
}

/// Runs `cmd` to completion with its output appended to `log`.
pub(crate) fn run_logged(mut cmd: Command, log: &Path, step: &Step) -> Result<(), EnvError> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(EnvError::io("cannot open log", log))?;
    let start = file.metadata().map(|m| m.len()).unwrap_or(0);
    let header = format!("$ {cmd:?}\n");
    file.write_all(header.as_bytes())
        .map_err(EnvError::io("cannot write log", log))?;
    let out = file
        .try_clone()
        .map_err(EnvError::io("cannot open log", log))?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(file);
    let failed = |status: String| EnvError::Setup {
        step: step.what.to_string(),
        status,
        log: log.to_path_buf(),
        hint: step.hint.to_string(),
        tail: tail(log, start + header.len() as u64),
    };
    let tmp = step_tmpdir().map_err(|e| failed(format!("cannot create its TMPDIR: {e}")))?;
    cmd.env("TMPDIR", tmp.path());
    let finished = process::run_with_grace(&mut cmd, SETUP_TIMEOUT, GRACE)
        .map_err(|e| failed(format!("could not start: {e}")))?;
    drop(tmp);
    match finished.ending {
        Ending::Exited(status) if status.success() => Ok(()),
        Ending::Exited(status) => Err(failed(status.to_string())),
        Ending::Interrupted => Err(EnvError::Interrupted {
            step: step.what.to_string(),
        }),
        Ending::TimedOut => Err(failed(format!(
            "still running after {} hours",
            SETUP_TIMEOUT.as_secs() / 3600
        ))),
    }
}

/// How long a short query may take: enough for a cold pyenv shim, short of blocking forever.
const QUERY_TIMEOUT: Duration = Duration::from_secs(60);

/// What a query printed.
pub(crate) struct Captured {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a short query through `crate::sys::process` with a 60 s deadline, output captured in temporary
/// files. `what` names it for an interrupt; `fail` turns a start failure or timeout into an error.
pub(crate) fn query(
    mut cmd: Command,
    what: &str,
    fail: impl Fn(String) -> EnvError,
) -> Result<Captured, EnvError> {
    let capture = || -> std::io::Result<(fs::File, Stdio)> {
        let file = tempfile::tempfile()?;
        let stdio = Stdio::from(file.try_clone()?);
        Ok((file, stdio))
    };
    let ((mut out, out_stdio), (mut err, err_stdio)) = capture()
        .and_then(|o| Ok((o, capture()?)))
        .map_err(|e| fail(format!("cannot capture its output: {e}")))?;
    cmd.stdin(Stdio::null()).stdout(out_stdio).stderr(err_stdio);
    let tmp = step_tmpdir().map_err(|e| fail(format!("cannot create its TMPDIR: {e}")))?;
    cmd.env("TMPDIR", tmp.path());
    let finished = process::run(&mut cmd, QUERY_TIMEOUT).map_err(|e| fail(e.to_string()))?;
    drop(tmp);
    let status = match finished.ending {
        Ending::Exited(status) => status,
        Ending::Interrupted => {
            return Err(EnvError::Interrupted {
                step: what.to_string(),
            });
        }
        Ending::TimedOut => {
            return Err(fail(format!(
                "no answer within {} s",
                QUERY_TIMEOUT.as_secs()
            )));
        }
    };
    let read = |f: &mut fs::File| {
        let mut bytes = Vec::new();
        let _ = f
            .seek(SeekFrom::Start(0))
            .and_then(|_| f.read_to_end(&mut bytes));
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Ok(Captured {
        status,
        stdout: read(&mut out),
        stderr: read(&mut err),
    })
}

fn tail(log: &Path, from: u64) -> String {
    let mut text = Vec::new();
    if let Ok(mut f) = fs::File::open(log)
        && f.seek(SeekFrom::Start(from)).is_ok()
    {
        let _ = f.read_to_end(&mut text);
    }
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: Step = Step {
        what: "testing",
        hint: "fix it",
    };

    #[test]
    fn success_appends_output_to_the_log() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("log");
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2"]);
        run_logged(cmd, &log, &STEP).expect("runs");
        let text = fs::read_to_string(&log).expect("log");
        assert!(text.contains("out\n") && text.contains("err\n"), "{text}");
    }

    #[test]
    fn failure_carries_only_this_steps_tail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("log");
        fs::write(&log, "earlier step output\n").expect("write");
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "for i in $(seq 1 30); do echo line $i; done; exit 3"]);
        let err = run_logged(cmd, &log, &STEP).expect_err("fails");
        let tail = err.output_tail().expect("tail");
        assert_eq!(tail.lines().count(), TAIL_LINES);
        assert!(
            tail.starts_with("line 11") && tail.ends_with("line 30"),
            "{tail}"
        );
        assert!(
            err.to_string()
                .starts_with("testing failed (exit status: 3); full log: ")
        );
        assert!(err.to_string().ends_with("; fix it"));
    }

    #[test]
    fn a_query_captures_both_streams() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 4"]);
        let got = query(cmd, "testing", |d| EnvError::Interrupted { step: d }).expect("runs");
        assert_eq!(got.stdout, "out\n");
        assert_eq!(got.stderr, "err\n");
        assert_eq!(got.status.code(), Some(4));
    }

    #[test]
    fn steps_get_their_own_tmpdir_which_is_removed_afterwards() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("log");
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo \"tmp=$TMPDIR\"; touch \"$TMPDIR/pip-left.whl\""]);
        run_logged(cmd, &log, &STEP).expect("runs");
        let text = fs::read_to_string(&log).expect("log");
        let tmp = text
            .lines()
            .find_map(|l| l.strip_prefix("tmp="))
            .expect("TMPDIR printed");
        assert!(tmp.contains("/coldstart-tmp-"), "{tmp}");
        assert!(!Path::new(tmp).exists(), "{tmp} left behind");
    }

    #[test]
    fn a_missing_program_is_a_setup_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cmd = Command::new("/nonexistent/coldstart-no-such-program");
        let err = run_logged(cmd, &dir.path().join("log"), &STEP).expect_err("fails");
        assert!(err.to_string().contains("could not start"), "{err}");
    }
}
