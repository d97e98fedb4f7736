//! The measured child: what one sample is, the `Probe` boundary the runner drives, and the real
//! implementation that spawns a fresh interpreter per sample.
pub mod callgrind;
mod count;
pub mod diagnose;
pub mod installed;
#[cfg(test)]
mod quote_tests;
pub mod report;

pub use count::COUNT_HASH_SEED;

use crate::error::{Error, Result};
use crate::model::{ChildEnv, Pyc};
use crate::sys::process;
use report::{ChildReport, StatementOutcome};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The script every child runs with `-c`; the statement arrives as an argument, never as code text.
/// The JSON string encoder (`quote.py`) is joined in front, as for `installed.py`.
const CHILD_SCRIPT: &str = concat!(include_str!("quote.py"), include_str!("child.py"));

/// One request to the probe: run `statement` once in a fresh interpreter.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Target name, for error messages.
    pub target: &'a str,
    pub statement: &'a str,
    /// Ask the child to list modules whose bytecode cache is missing after the import.
    pub check_bytecode: bool,
}

/// One sample: the child's own report plus what we measured from outside.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSample {
    pub report: ChildReport,
    pub wall_ns: u64,
    pub cpu_ns: u64,
    pub run_delay_ns: Option<u64>,
}

/// Where the runner meets real processes; a scripted fake implements it in tests.
pub trait Probe {
    fn sample(&mut self, request: &Request) -> Result<RawSample>;
    /// Wall time of a bare interpreter start (`python -c pass`), nanoseconds.
    fn startup(&mut self) -> Result<u64>;
    /// The `-X importtime` report (stderr) of one run of the statement: a diagnostic pass, never
    /// mixed with timed samples because it inflates imports by 2.4-8.1 % (scripts/bench/importtime_overhead.py).
    fn importtime(&mut self, request: &Request) -> Result<String>;
}

/// The diagnostic child: imports nothing itself (`sys` is always loaded), so every line of the
/// report after start-up belongs to the statement.
const TREE_SCRIPT: &str =
    "import sys\nexec(compile(sys.argv[1], '<coldstart>', 'exec'), {'__name__': '__coldstart__'})";

/// What the interpreter says about itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interpreter {
    pub executable: PathBuf,
    pub version: String,
    pub implementation: String,
}

/// The one snippet that identifies an interpreter, run by this probe and by the environment layer
/// (`crate::env`); [`parse_identity`] reads its output.
pub(crate) const IDENTIFY: &str = "import platform, sys
print(sys.executable)
print('%d.%d.%d' % sys.version_info[:3])
print(sys.implementation.name)
print(sys.version_info >= (3, 8))
print(platform.python_implementation() + ' ' + platform.python_version())
print(sys.version.replace(chr(10), ' '))";

/// What [`IDENTIFY`] printed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Identity {
    /// `sys.executable`; empty when Python could not tell.
    pub executable: String,
    /// `3.11.7`.
    pub version: String,
    /// `sys.implementation.name` (`cpython`).
    pub implementation: String,
    /// Python 3.8 or newer.
    pub supported: bool,
    /// `CPython 3.11.7` (`platform`), which names pre-releases too.
    pub release: String,
    /// `sys.version` on one line, which also names the build.
    pub build: String,
}

/// Parses the output of [`IDENTIFY`]; `None` when it is not that.
pub(crate) fn parse_identity(stdout: &str) -> Option<Identity> {
    let lines: Vec<&str> = stdout.lines().collect();
    let [exe, version, implementation, supported, release, build] = lines.as_slice() else {
        return None;
    };
    Some(Identity {
        executable: exe.to_string(),
        version: version.to_string(),
        implementation: implementation.to_string(),
        supported: match *supported {
            "True" => true,
            "False" => false,
            _ => return None,
        },
        release: release.to_string(),
        build: build.to_string(),
    })
}

/// Spawns real interpreters from an empty working directory, output to files, results on a file.
pub struct PythonProbe {
    interpreter: Interpreter,
    env: ChildEnv,
    pyc: Pyc,
    timeout: Duration,
    dir: tempfile::TempDir,
    cold_counter: usize,
    /// `coldstart lazy`: the experiment's code and arguments, passed to every sample's child.
    experiment: Option<[String; 4]>,
    /// The installed distributions, once read ([`PythonProbe::installed`]).
    installed: Option<installed::Installed>,
}

/// Prefix of the probe's scratch directories under the system temporary directory.
const PROBE_DIR_PREFIX: &str = "coldstart-probe-";

/// Removes the probe directories in `parent` (the system temporary directory) of coldstart
/// processes that are gone; returns how many.
pub fn sweep_abandoned(parent: &Path) -> usize {
    crate::git::stale::sweep(parent, PROBE_DIR_PREFIX).len()
}

impl PythonProbe {
    /// Resolves `python` (a shim or a venv's `bin/python`) to the interpreter it runs, once.
    pub fn new(python: &Path, env: ChildEnv, pyc: Pyc, timeout: Duration) -> Result<PythonProbe> {
        // Probe directories of runs killed with SIGKILL are removed by the next run.
        crate::git::stale::sweep(&std::env::temp_dir(), PROBE_DIR_PREFIX);
        let dir = crate::git::stale::tempdir_in(&std::env::temp_dir(), PROBE_DIR_PREFIX)
            .map_err(|e| Error::io("cannot create a temporary directory", e))?;
        fs::create_dir(dir.path().join("cwd"))
            .map_err(|e| Error::io("cannot create a temporary directory", e))?;
        let mut probe = PythonProbe {
            interpreter: Interpreter {
                executable: python.to_path_buf(),
                version: String::new(),
                implementation: String::new(),
            },
            env,
            pyc,
            timeout,
            dir,
            cold_counter: 0,
            experiment: None,
            installed: None,
        };
        probe.interpreter = probe.identify(python)?;
        Ok(probe)
    }

    pub fn interpreter(&self) -> &Interpreter {
        &self.interpreter
    }

    /// Runs `code` (the lazy-import experiment, `src/probe/lazy.py`) with `args` (mode, names,
    /// workload) in every sample's child; its records come back in `ChildReport::lazy`. A
    /// statement that raises or exits is then reported in the sample, not as an error: with a
    /// module deferred, that is a finding.
    pub fn set_experiment(&mut self, code: &str, args: [String; 3]) {
        let [mode, names, workload] = args;
        self.experiment = Some([code.to_owned(), mode, names, workload]);
    }

    fn identify(&mut self, python: &Path) -> Result<Interpreter> {
        let shown = python.display().to_string();
        diagnose::before_start(python)?;
        // Isolated (-I): the identification must not depend on --path or the target's packages
        // (a `platform.py` there would shadow the standard library's).
        // It is a child like the samples, so --timeout bounds it too.
        let mut cmd = self.command(python, &["-I", "-c", IDENTIFY])?;
        let finished = process::run(&mut cmd, self.timeout).map_err(|e| Error::PythonNotFound {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        match finished.ending {
            process::Ending::Interrupted => return Err(Error::Interrupted),
            process::Ending::TimedOut => {
                return Err(Error::IdentifyTimeout {
                    path: shown,
                    seconds: self.timeout.as_secs_f64(),
                });
            }
            process::Ending::Exited(_) => {}
        }
        let out = fs::read_to_string(self.dir.path().join("stdout")).unwrap_or_default();
        let ok = matches!(finished.ending, process::Ending::Exited(s) if s.success());
        match parse_identity(&out) {
            Some(id) if ok && id.supported => Ok(Interpreter {
                executable: if id.executable.is_empty() {
                    python.to_path_buf()
                } else {
                    PathBuf::from(id.executable)
                },
                version: id.version,
                implementation: id.implementation,
            }),
            Some(id) if !id.supported => Err(Error::Python(diagnose::PythonProblem::TooOld {
                path: python.to_path_buf(),
                version: id.version,
            })),
            _ if let Some(problem) = diagnose::after_failure(python) => Err(problem.into()),
            _ => Err(Error::NotPython {
                path: shown,
                detail: match self.stderr_tail() {
                    tail if tail.is_empty() => "it did not answer like Python".to_string(),
                    tail => tail,
                },
            }),
        }
    }

    /// The children's (empty) working directory.
    fn cwd(&self) -> PathBuf {
        self.dir.path().join("cwd")
    }

    /// A command for `program` with the child environment, an empty cwd and output to files.
    /// Refused when the working directory is gone: spawning would fail with ENOENT, which reads
    /// as if `program` did not exist. A target that removes it is caught right after its child
    /// ([`PythonProbe::check_cwd_kept`]), so here something else removed it.
    fn command(&self, program: &Path, args: &[&str]) -> Result<Command> {
        let cwd = self.cwd();
        if !cwd.is_dir() {
            return Err(Error::ScratchRemoved { path: cwd });
        }
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_clear()
            .envs(self.env.vars.iter())
            .current_dir(cwd)
            .stdin(Stdio::null());
        let file = |name: &str| {
            fs::File::create(self.dir.path().join(name))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null())
        };
        cmd.stdout(file("stdout")).stderr(file("stderr"));
        Ok(cmd)
    }

    /// After a child that ran the target's code: its working directory must still be there.
    fn check_cwd_kept(&self, target: &str) -> Result<()> {
        let cwd = self.cwd();
        if cwd.is_dir() {
            return Ok(());
        }
        Err(Error::ImportFailed {
            target: target.to_string(),
            detail: format!(
                "its working directory {} (an empty directory coldstart made for it) was removed while it ran; fix the target: an import must not delete directories it did not create",
                cwd.display()
            ),
        })
    }

    /// The last non-empty line of the child's stderr (usually the exception), capped in length.
    fn stderr_tail(&self) -> String {
        let text = fs::read(self.dir.path().join("stderr")).unwrap_or_default();
        let start = text.len().saturating_sub(4096);
        diagnose::summary_line(&String::from_utf8_lossy(&text[start..]))
    }

    /// `detail` with a close importable name when the target's own module is not found (see
    /// [`diagnose::with_suggestion`]), listed by this interpreter in this environment.
    fn with_suggestion(&self, request: &Request, detail: &str) -> String {
        diagnose::with_suggestion(detail, request.target, || {
            let exe = self.interpreter.executable.clone();
            let mut cmd = self
                .command(&exe, &["-c", diagnose::TOP_LEVEL_NAMES])
                .ok()?;
            let f = process::run(&mut cmd, Duration::from_secs(30)).ok()?;
            matches!(f.ending, process::Ending::Exited(s) if s.success())
                .then(|| fs::read_to_string(self.dir.path().join("stdout")).ok())
                .flatten()
        })
    }

    fn fresh_pycache_prefix(&mut self) -> Result<PathBuf> {
        self.cold_counter += 1;
        let prefix = self.dir.path().join(format!("pyc-{}", self.cold_counter));
        let previous = self
            .dir
            .path()
            .join(format!("pyc-{}", self.cold_counter - 1));
        // Remove the previous sample's cache so disk use stays bounded.
        let _ = fs::remove_dir_all(previous);
        fs::create_dir(&prefix).map_err(|e| Error::io("cannot create a bytecode cache", e))?;
        Ok(prefix)
    }

    fn run_child(&mut self, args: &[&str], target: &str) -> Result<process::Finished> {
        self.run_child_with(args, target, None)
    }

    /// Runs a child; with `report`, the child inherits that file as descriptor [`REPORT_FD`].
    fn run_child_with(
        &mut self,
        args: &[&str],
        target: &str,
        report: Option<&fs::File>,
    ) -> Result<process::Finished> {
        let exe = self.interpreter.executable.clone();
        let mut cmd = self.command(&exe, args)?;
        if self.pyc == Pyc::Cold {
            cmd.env("PYTHONPYCACHEPREFIX", self.fresh_pycache_prefix()?);
        }
        if let Some(file) = report {
            inherit_as(&mut cmd, file, REPORT_FD);
        }
        let finished = process::run(&mut cmd, self.timeout).map_err(|e| Error::NotPython {
            path: exe.display().to_string(),
            detail: format!("cannot run it ({e})"),
        })?;
        match finished.ending {
            process::Ending::Interrupted => Err(Error::Interrupted),
            process::Ending::TimedOut => Err(Error::Timeout {
                target: target.to_string(),
                seconds: self.timeout.as_secs_f64(),
            }),
            process::Ending::Exited(_) => Ok(finished),
        }
    }
}

/// The descriptor on which the child finds its report file.
const REPORT_FD: i32 = 3;
/// A report larger than this is not one (a name list of a million modules is about 30 MiB).
const MAX_REPORT: u64 = 256 << 20;

/// Makes the child see `file` as descriptor `fd` (without close-on-exec); `file` must stay open
/// until the child is spawned.
fn inherit_as(cmd: &mut Command, file: &fs::File, fd: i32) {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let raw = file.as_raw_fd();
    // SAFETY: dup2 and fcntl are async-signal-safe and touch only descriptors.
    unsafe {
        cmd.pre_exec(move || {
            let rc = if raw == fd {
                libc::fcntl(fd, libc::F_SETFD, 0)
            } else {
                libc::dup2(raw, fd)
            };
            if rc < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Reads the report the child wrote to `file` (at most [`MAX_REPORT`] bytes: more is refused).
fn read_report(file: &mut fs::File) -> std::io::Result<String> {
    use std::io::{Read, Seek};
    file.rewind()?;
    let mut bytes = Vec::new();
    file.take(MAX_REPORT + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_REPORT {
        return Err(std::io::Error::other("report too large"));
    }
    String::from_utf8(bytes).map_err(|_| std::io::Error::other("report is not text"))
}

impl PythonProbe {
    /// The report the child wrote to `report_file`, or the error its failure means (the
    /// exception, `sys.exit`, a crash, a refused report), for `request`'s target.
    fn checked_report(
        &self,
        request: &Request,
        finished: &process::Finished,
        report_file: &mut fs::File,
    ) -> Result<ChildReport> {
        let failed = |detail: String| Error::ImportFailed {
            target: request.target.to_string(),
            detail,
        };
        let parsed = read_report(report_file)
            .map_err(|e| e.to_string())
            .and_then(|text| report::parse(&text));
        let report = match parsed {
            Ok(report) => report,
            Err(problem) => {
                let how = match finished.ending {
                    _ if problem != report::NO_REPORT => format!(
                        "its report to coldstart was refused ({problem}); did the target write to file descriptor {REPORT_FD}?"
                    ),
                    process::Ending::Exited(s) => {
                        match (s.code(), std::os::unix::process::ExitStatusExt::signal(&s)) {
                            (Some(0), _) => format!(
                                "the interpreter exited without writing its report (did the target close file descriptor {REPORT_FD}?)"
                            ),
                            (Some(code), _) => format!(
                                "the interpreter exited with status {code} before the import finished (os._exit() or a crash?)"
                            ),
                            (None, Some(sig)) => {
                                format!("the interpreter was killed by signal {sig}")
                            }
                            _ => "the interpreter ended without a result".to_string(),
                        }
                    }
                    _ => "the interpreter ended without a result".to_string(),
                };
                let tail = self.stderr_tail();
                return Err(failed(if tail.is_empty() {
                    how
                } else {
                    format!("{how}; stderr: {tail}")
                }));
            }
        };
        match &report.outcome {
            StatementOutcome::Ok => {}
            StatementOutcome::Raised(_) | StatementOutcome::Exited(_)
                if self.experiment.is_some() => {}
            StatementOutcome::Raised(e) => return Err(failed(self.with_suggestion(request, e))),
            StatementOutcome::Syntax(e) => {
                return Err(failed(format!(
                    "the statement is not valid Python ({e}); fix --stmt"
                )));
            }
            StatementOutcome::Exited(code) => {
                return Err(failed(format!(
                    "it called sys.exit({code}) while importing"
                )));
            }
        }
        Ok(report)
    }
}

impl Probe for PythonProbe {
    fn sample(&mut self, request: &Request) -> Result<RawSample> {
        // An unnamed file (O_TMPFILE or created and unlinked): no path the target could guess,
        // overwrite or pre-create, and one per sample, so nothing is left from the last one.
        let mut report_file = tempfile::tempfile_in(self.dir.path())
            .map_err(|e| Error::io("cannot create the report file", e))?;
        let fd = REPORT_FD.to_string();
        let check = if request.check_bytecode { "1" } else { "0" };
        let mut args = vec!["-c", CHILD_SCRIPT, fd.as_str(), request.statement, check];
        let experiment = self.experiment.clone();
        args.extend(experiment.iter().flatten().map(String::as_str));
        let finished = self.run_child_with(&args, request.target, Some(&report_file))?;
        self.check_cwd_kept(request.target)?;
        let report = self.checked_report(request, &finished, &mut report_file)?;
        Ok(RawSample {
            report,
            wall_ns: finished.wall_ns,
            cpu_ns: finished.cpu_ns,
            run_delay_ns: finished.run_delay_ns,
        })
    }

    fn importtime(&mut self, request: &Request) -> Result<String> {
        let finished = self.run_child(
            &["-X", "importtime", "-c", TREE_SCRIPT, request.statement],
            request.target,
        )?;
        self.check_cwd_kept(request.target)?;
        let text =
            String::from_utf8_lossy(&fs::read(self.dir.path().join("stderr")).unwrap_or_default())
                .into_owned();
        match finished.ending {
            process::Ending::Exited(s) if s.success() => Ok(text),
            _ => Err(Error::ImportFailed {
                target: request.target.to_string(),
                detail: format!("the -X importtime pass failed: {}", self.stderr_tail()),
            }),
        }
    }

    fn startup(&mut self) -> Result<u64> {
        let finished = self.run_child(&["-c", "pass"], "startup (python -c pass)")?;
        match finished.ending {
            process::Ending::Exited(s) if s.success() => Ok(finished.wall_ns),
            _ => Err(Error::NotPython {
                path: self.interpreter.executable.display().to_string(),
                detail: format!("`-c pass` failed: {}", self.stderr_tail()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_working_directory_removed_between_children_is_not_blamed_on_the_interpreter() {
        let python = Path::new("python3");
        let timeout = Duration::from_secs(60);
        let mut env = ChildEnv::default();
        env.vars
            .insert("PATH".into(), std::env::var("PATH").unwrap_or_default());
        let mut probe = PythonProbe::new(python, env, Pyc::Warm, timeout).expect("python3");
        fs::remove_dir(probe.cwd()).unwrap();
        let err = probe.startup().unwrap_err();
        assert!(matches!(err, Error::ScratchRemoved { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("by something other than the measured target"),
            "{text}"
        );
        assert!(!text.contains("not a usable Python"), "{text}");
    }

    #[test]
    fn identity_is_six_lines() {
        let id = parse_identity(
            "/usr/bin/python3.11\n3.11.7\ncpython\nTrue\nCPython 3.11.7\n3.11.7 (main) [GCC 12]\n",
        )
        .expect("parses");
        assert_eq!(id.executable, "/usr/bin/python3.11");
        assert_eq!(id.version, "3.11.7");
        assert_eq!(id.implementation, "cpython");
        assert!(id.supported);
        assert_eq!(id.release, "CPython 3.11.7");
        assert_eq!(id.build, "3.11.7 (main) [GCC 12]");
        let old = parse_identity("/x\n3.7.1\ncpython\nFalse\nCPython 3.7.1\n3.7.1\n").expect("old");
        assert!(!old.supported);
        assert_eq!(parse_identity("hello\n"), None);
        assert_eq!(parse_identity("a\nb\nc\nmaybe\ne\nf\n"), None);
    }
}
