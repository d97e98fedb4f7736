//! One module per subcommand: each turns validated settings into work and a report.
pub mod ab;
pub mod branches;
pub mod check;
pub mod compare;
pub mod config;
pub mod run;
pub mod tree;
