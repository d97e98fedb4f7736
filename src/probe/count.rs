//! One counted sample (`--metric instructions`): the child under callgrind with its markers
//! around the statement (probe/callgrind.rs), reporting on the same inherited descriptor as a
//! timed sample. valgrind passes the descriptors it inherits on to the program it runs (it keeps
//! its own above `--fd-limit`), so the child finds its report file as descriptor 3 there too;
//! `counts_through_valgrind_with_the_report_on_fd_3` below holds that.
use super::{CHILD_SCRIPT, PythonProbe, REPORT_FD, Request, callgrind, inherit_as, report};
use crate::error::{Error, Result};
use crate::model::Pyc;
use crate::sys::process;
use report::ChildReport;
use std::path::Path;

/// `--metric instructions`: a child under callgrind runs about 40 times slower than natively
/// (docs/instructions.md), so its `--timeout` is this many times longer.
const COUNT_TIMEOUT_FACTOR: u32 = 40;

/// The hash seed of counted children unless `--env PYTHONHASHSEED=...` sets one: randomised
/// string hashes move an import's instruction count by up to 5 % (docs/instructions.md).
pub const COUNT_HASH_SEED: &str = "0";

/// The child's fifth argument that asks for the markers (src/probe/child.py).
const MARK: &str = "mark";

impl PythonProbe {
    /// Runs `request` once under callgrind (`valgrind` is its path) with the child's markers
    /// around the statement; returns the statement's instruction count and the child's report.
    pub fn count(&mut self, valgrind: &Path, request: &Request) -> Result<(u64, ChildReport)> {
        let mut report_file = tempfile::tempfile_in(self.dir.path())
            .map_err(|e| Error::io("cannot create the report file", e))?;
        let out = self.dir.path().join("callgrind.out");
        let fd = REPORT_FD.to_string();
        let mut cmd = self.command(valgrind, &[])?;
        cmd.args(callgrind::wrapper_args(&out))
            .arg(&self.interpreter.executable)
            .args([
                "-c",
                CHILD_SCRIPT,
                fd.as_str(),
                request.statement,
                "0",
                MARK,
            ]);
        if !self.env.vars.contains_key("PYTHONHASHSEED") {
            cmd.env("PYTHONHASHSEED", COUNT_HASH_SEED);
        }
        if self.pyc == Pyc::Cold {
            cmd.env("PYTHONPYCACHEPREFIX", self.fresh_pycache_prefix()?);
        }
        inherit_as(&mut cmd, &report_file, REPORT_FD);
        let limit = self.timeout * COUNT_TIMEOUT_FACTOR;
        let finished = process::run(&mut cmd, limit).map_err(|e| {
            Error::Usage(format!(
                "cannot run valgrind ({e}); {}",
                callgrind::MISSING_VALGRIND
            ))
        })?;
        match finished.ending {
            process::Ending::Interrupted => return Err(Error::Interrupted),
            process::Ending::TimedOut => {
                return Err(Error::Timeout {
                    target: request.target.to_string(),
                    seconds: limit.as_secs_f64(),
                });
            }
            process::Ending::Exited(_) => {}
        }
        let report = self.checked_report(request, &finished, &mut report_file);
        // Read (and remove) the dumps whatever the report says: none may be left behind.
        let count = callgrind::read_count(&out);
        self.check_cwd_kept(request.target)?;
        let report = report?;
        let count = count.map_err(|e| Error::ImportFailed {
            target: request.target.to_string(),
            detail: e.to_string(),
        })?;
        Ok((count, report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ChildEnv;
    use std::time::Duration;

    /// The real thing: python3 under valgrind, its report on the inherited descriptor 3 and the
    /// statement's count between the markers; a failing statement is the import's error.
    #[test]
    fn counts_through_valgrind_with_the_report_on_fd_3() {
        let path = std::env::var_os("PATH");
        let Some(valgrind) = callgrind::find_valgrind(path.as_deref()) else {
            panic!("{}", callgrind::MISSING_VALGRIND);
        };
        let vars = std::env::vars().filter(|(k, _)| !k.starts_with("PYTHON"));
        let env = ChildEnv {
            vars: vars.collect(),
        };
        let python = Path::new("python3");
        let mut probe =
            PythonProbe::new(python, env, Pyc::Warm, Duration::from_secs(30)).expect("probe");
        let request = |statement| Request {
            target: "t",
            statement,
            check_bytecode: false,
        };
        let (empty, report) = probe.count(&valgrind, &request("pass")).expect("counts");
        assert!(empty > 0 && empty < 100_000, "{empty}");
        assert!(report.modules.iter().any(|m| m == "sys"), "{report:?}");
        let (json, report) = probe
            .count(&valgrind, &request("import json"))
            .expect("counts");
        assert!(json > 1_000_000, "{json}");
        assert!(report.modules.iter().any(|m| m == "json"));
        let err = probe
            .count(&valgrind, &request("import no_such_module_xyz"))
            .expect_err("fails");
        assert!(err.to_string().contains("no_such_module_xyz"), "{err}");
        // No dump file or report file is left in the probe's directory.
        let left: Vec<_> = std::fs::read_dir(probe.dir.path())
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .filter(|n| n.to_string_lossy().starts_with("callgrind"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
