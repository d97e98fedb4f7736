//! One module per subcommand: each turns validated settings into work and a report.
pub mod ab;
pub mod branches;
pub mod check;
pub mod compare;
pub mod completions;
pub mod config;
pub mod man;
pub mod run;
pub mod tree;

use crate::cli::{OutputArgs, ReportArgs};
use crate::error::{Error, Result};
use crate::settings::{self, Output};
use std::path::{Path, PathBuf};

/// The directory every relative path on the command line is resolved against.
pub fn cwd() -> Result<PathBuf> {
    std::env::current_dir().map_err(|e| Error::io("cannot read the current directory", e))
}

/// Output settings of a measuring command, from its flags, the terminals and the environment.
pub fn output(args: &OutputArgs, cwd: &Path) -> Result<Output> {
    let (stdout_tty, stderr_tty) = settings::ttys();
    settings::output(args, cwd, stdout_tty, stderr_tty, |k| std::env::var(k).ok())
}

/// Output settings of a command that only reports.
pub fn report_output(args: &ReportArgs, cwd: &Path) -> Result<Output> {
    settings::report_output(args, cwd, settings::ttys().0, |k| std::env::var(k).ok())
}
