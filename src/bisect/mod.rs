//! `coldstart bisect`: the first commit between GOOD and BAD where a condition holds. The search
//! ([`search`]) is a pure state machine; [`condition`] turns a commit's measurement into a mark;
//! [`report`] is what the renderers and the JSON document show.
pub mod condition;
pub mod driver;
pub mod report;
pub mod search;

pub use condition::{Condition, TimingVerdict};
