//! One module per subcommand: each turns validated settings into work and a report.
pub mod ab;
pub mod artifacts;
pub mod bisect;
pub mod branches;
pub mod cache;
pub mod check;
pub mod compare;
pub mod completions;
pub mod config;
pub mod history;
pub mod lazy;
pub mod man;
pub mod paired;
pub mod revision;
pub mod run;
pub mod tree;
pub mod why;

use crate::cli::{ChildArgs, OutputArgs, PythonArgs, ReportArgs, TextOutputArgs};
use crate::config::FileConfig;
use crate::error::{Error, Result};
use crate::model::{Measure, Output};
use crate::probe::PythonProbe;
use crate::render::progress::Bar;
use crate::settings;
use crate::tree::ImportTree;
use std::path::{Path, PathBuf};

/// The directory every relative path on the command line is resolved against.
pub fn cwd() -> Result<PathBuf> {
    std::env::current_dir().map_err(|e| Error::io("cannot read the current directory", e))
}

/// Output settings of a measuring command, from its flags, the file, the terminals and the
/// environment.
pub fn output(args: &OutputArgs, file: &FileConfig, cwd: &Path) -> Result<Output> {
    settings::output(args, file, cwd, settings::ttys(), |k| std::env::var(k).ok())
}

/// Output settings of `tree`, `why`, `config` and `cache`, checked writable.
pub fn text_output(args: &TextOutputArgs, file: &FileConfig, cwd: &Path) -> Result<Output> {
    let out = settings::text_output(args, file, cwd, settings::ttys(), |k| std::env::var(k).ok())?;
    crate::results::store::check_file_writable(out.file.as_deref())?;
    Ok(out)
}

/// Output settings of a command that only reports.
pub fn report_output(args: &ReportArgs, file: &FileConfig, cwd: &Path) -> Result<Output> {
    settings::report_output(args, file, cwd, settings::ttys().0, |k| {
        std::env::var(k).ok()
    })
}

/// The validated targets of `tree`, `why` and `lazy`.
pub fn measure_of(
    modules: &[String],
    child: &ChildArgs,
    python: &PythonArgs,
    file: &FileConfig,
) -> Result<Measure> {
    let cwd = cwd()?;
    let python = settings::python(python, file, &cwd);
    let values = settings::TargetValues::child(modules, child, file);
    settings::measure(&values, python, &cwd, std::env::vars())
}

/// Removes what killed coldstart runs left, whichever command they were: scratch directories in
/// the system temporary directory (git checkouts, probe directories, setup steps' `TMPDIR`s) and
/// interrupted builds in the default environment cache (a `--cache-dir` elsewhere is swept when
/// it is opened). Run at the start of every command that starts children, so a killed `branches`
/// is cleaned up by the next `run` as well; processes a killed run left are killed before the
/// first child (`crate::sys::process`). Only directories whose owning process is gone are
/// touched, so concurrent runs are safe. Returns how many were removed.
pub fn sweep_abandoned() -> usize {
    let tmp = std::env::temp_dir();
    let cache = crate::env::cache::default_dir().ok();
    crate::git::sweep_stale_checkouts_in(&tmp).len()
        + crate::probe::sweep_abandoned(&tmp)
        + crate::env::sweep_abandoned(&tmp, cache.as_deref())
}

/// The import-tree pass of `tree` and `why`, with a progress bar on a terminal.
pub fn import_trees(m: &Measure, progress: bool) -> Result<Vec<(String, ImportTree)>> {
    crate::sys::interrupt::install();
    let mut probe = PythonProbe::new(&m.python, m.env.clone(), m.pyc, m.timeout)?;
    let mut bar = Bar::new(progress);
    let mut on_progress = |p| bar.update(p);
    crate::measure::single::import_trees(&mut probe, m, &mut on_progress)
}
