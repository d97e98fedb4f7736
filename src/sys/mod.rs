//! The operating system: child processes, the machine, signals.
pub mod host;
pub mod interrupt;
pub mod process;
