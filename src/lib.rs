//! coldstart: measure, explain and gate the import time of Python packages in fresh interpreters.
pub mod error;
pub mod interrupt;
pub mod stats;
pub mod tree;
