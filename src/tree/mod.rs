//! Import trees: parse `-X importtime` stderr, aggregate runs into a per-module tree, query it
//! (`why`, top lists, diffs) and render it as text or an SVG icicle chart. Pure functions only:
//! the caller runs Python and hands over the stderr text.
//!
//! Flow: [`parse_importtime`] per run -> [`aggregate()`] over K runs -> [`ImportTree`] (stored in
//! result files) -> [`ImportTree::why`], [`diff()`], [`render_text`] (SVG charts: `render::svg`).
//!
//! JSON shape of an [`ImportTree`] (modules in pre-order, siblings heaviest first):
//!
//! ```json
//! {
//!   "runs": 5, "unreliable_runs": 0, "startup_ms": 48.2, "startup_modules": 94,
//!   "modules": [
//!     {"name": "pkg", "parent": null, "depth": 0, "self_ms": 0.49, "cumulative_ms": 21.75, "runs": 5},
//!     {"name": "heavy", "parent": "pkg.leaf", "depth": 3, "self_ms": 20.56, "cumulative_ms": 20.56,
//!      "runs": 5, "also_imported_by": ["other"]}
//!   ]
//! }
//! ```
//!
//! `also_imported_by` is left out when empty.
pub mod aggregate;
pub mod diff;
pub mod parse;
pub mod text;

pub use aggregate::{ImportTree, Link, ModuleStats, aggregate};
pub use diff::{TreeDiff, diff};
pub use parse::parse_importtime;
pub use text::render_text;
