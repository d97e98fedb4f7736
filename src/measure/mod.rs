//! Measuring: warm-ups, rotation and interleaved pairs over a `Probe`.
pub mod counts;
#[cfg(test)]
pub(crate) mod fake;
pub mod lazy;
pub mod pairs;
pub mod session;
pub mod single;
