//! Import trees: parse `-X importtime` stderr, aggregate runs into a per-module tree, query it
//! (`why`, top lists, diffs) and render it as text or an SVG icicle chart. Pure functions only:
//! the caller runs Python and hands over the stderr text.
pub mod aggregate;
pub mod diff;
pub mod parse;
pub mod svg;
pub mod text;

pub use aggregate::{ImportTree, Link, ModuleStats, aggregate};
pub use diff::{ModuleChange, SubtreeChange, TreeDiff, diff};
pub use parse::{MAX_DEPTH, Node, ParsedRun, parse_importtime};
pub use svg::{render_svg, render_svg_diff};
pub use text::render_text;
