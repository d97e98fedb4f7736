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

/// Metadata file inside every cached environment (the copier in fsutil.rs leaves it out).
pub const META_FILE: &str = "coldstart-env.json";
