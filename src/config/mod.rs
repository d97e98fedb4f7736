//! The configuration file: `coldstart.toml`, else `[tool.coldstart]` in `pyproject.toml`, found
//! from the current directory up to the repository root (or `--config FILE`). Typed
//! ([`FileConfig`]), described by one key table (`keys`); `settings` layers it under the
//! command line. Unknown keys and bad values are errors naming the line and the key.
pub mod defaults;
mod file;
mod keys;
mod load;
mod problem;
mod table;

pub use file::{AnchorSetting, BudgetConfig, Config, FileConfig, PerTarget};
pub use keys::{effective, key_help};
pub use load::load;
