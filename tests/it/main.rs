//! The integration tests, in one test binary: the crate and its dependencies are linked once, not
//! once per file. One module per area; the helpers they share are in `support`. Run one area with
//! `cargo test --test it AREA::` (e.g. `cargo test --test it snapshots::`).
mod support;

mod ab;
mod bisect;
mod bisect_range;
mod branches;
mod branches_tidy;
mod compare_check;
mod config;
mod distributions;
mod env_build;
mod env_interrupt;
mod gates_on_nothing;
mod git_checkout;
mod git_resolve;
mod history_instructions;
mod instructions;
mod integrity;
mod integrity_blame;
mod integrity_cache;
mod integrity_escape;
mod lazy;
mod messages;
mod run;
mod snapshots;
mod tree;
mod vectors;
