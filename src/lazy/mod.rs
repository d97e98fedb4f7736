//! `coldstart lazy`: what deferring an import would save, measured. Pure parts: the child's
//! records ([`records`]), candidate selection from the import tree ([`candidates`]), the eager
//! import statements and the change to make ([`sites`]), the report model ([`report`]) and the
//! experiment of one target over the [`plan::Lab`] boundary ([`plan`]). The child-side
//! experiment is `src/probe/lazy.py`; `src/measure/lazy.rs` runs it on real interpreters and
//! `src/render/lazy.rs` renders the report.
pub mod candidates;
pub mod plan;
pub mod records;
pub mod report;
pub mod sites;

/// The child-side experiment, executed by the child script before the statement.
pub const CHILD_EXPERIMENT: &str = include_str!("../probe/lazy.py");

#[cfg(test)]
mod child_tests;
