//! Judging results: comparisons of two results and budgets.
pub mod budget;
pub mod compare;
pub mod distributions;
pub mod gate;
pub mod instructions;
pub mod modules;
#[cfg(test)]
mod startup_tests;
pub mod timing;
