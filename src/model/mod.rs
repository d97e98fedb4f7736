//! The vocabulary every layer shares: module names, what to measure, where output goes.
pub mod choice;
pub mod names;
pub mod output;
pub mod target;
pub mod words;

pub use names::{absolute, is_module_name, top_level};
pub use output::{Format, Output};
pub use target::{ChildEnv, Measure, Pyc, Target};
