//! Measuring: warm-ups, rotation and interleaved pairs over a `Probe`.
pub mod session;
pub mod single;
