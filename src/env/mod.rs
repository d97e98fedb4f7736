//! Per-revision Python environments: a virtual environment per checkout, built with `uv` or
//! `python -m venv` + pip (or the user's `--setup` command), kept in a content-keyed cache so an
//! identical comparison spends no time in setup, and cloned when two revisions declare the same
//! dependencies (only the project itself is reinstalled).
mod build;
pub mod cache;
mod deps;
mod error;
mod fsutil;
mod lock;
mod python;
mod run;

pub use build::{BuiltEnv, EnvBuilder, Installer, Outcome};
pub use error::EnvError;

/// Removes what killed coldstart runs left of this layer: the setup steps' temporary directories
/// in `tmp` (the system temporary directory) and the interrupted builds of the cache at
/// `cache_dir`. Returns how many directories were removed.
pub fn sweep_abandoned(tmp: &std::path::Path, cache_dir: Option<&std::path::Path>) -> usize {
    run::sweep_step_tmpdirs(tmp) + cache_dir.map_or(0, cache::sweep_builds)
}

/// Metadata file inside every cached environment (the copier in fsutil.rs leaves it out).
pub const META_FILE: &str = "coldstart-env.json";
