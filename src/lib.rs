//! coldstart: measure, explain and gate the import time of Python packages in fresh interpreters.
pub mod env;
pub mod error;
pub mod git;
pub mod interrupt;
pub mod stats;
