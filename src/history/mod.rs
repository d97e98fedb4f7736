//! `coldstart history`: import time, module count, forbidden modules and new top-level packages
//! per commit of a range. [`store`] keeps each commit's samples keyed by SHA, interpreter, machine
//! and recipe so overlapping runs re-measure nothing; [`report`] turns stored and measured commits
//! into the report (anchor-adjusted medians with [`interval`]s); `render::history_svg` charts it.
pub mod driver;
pub mod interval;
pub mod report;
pub mod store;

pub use store::{Store, StoredTarget};
