//! The pair plan of `ab`, `branches` and `lazy`: how many pairs, and the look design that judges
//! them (issue 14: early looks from `--min-pairs`, the fixed design from `--pairs`).
use crate::cli::PairArgs;
use crate::config::FileConfig;
use crate::config::defaults as d;
use crate::error::{Error, Result};
use crate::measure::pairs::EXTEND_BY;
use crate::measure::single::AnchorEvery;
use crate::stats::sequential::Design;
use crate::verdict::compare::GateOptions;

/// How many pairs to take and how to judge them.
#[derive(Debug, Clone, Copy)]
pub struct PairPlan {
    pub pairs: usize,
    pub max_pairs: usize,
    /// Issue 14: when to look at the pairs and how strictly.
    pub design: Design,
    pub warmup: usize,
    /// Issue 14: the anchor is measured every this many pairs (the paired verdict never uses it).
    pub anchor_every: AnchorEvery,
    pub gate: GateOptions,
}

/// `ab` and `branches` take interleaved pairs, not runs: a hidden `--runs` is caught to say so
/// (clap alone would suggest `-- --runs`).
pub fn refuse_runs(command: &str, runs: &Option<String>) -> Result<()> {
    match runs {
        Some(_) => Err(Error::Usage(format!(
            "{command} takes --pairs, not --runs: each pair is one baseline and one candidate sample, interleaved (e.g. --pairs 30)"
        ))),
        None => Ok(()),
    }
}

/// How often `ab` and `branches` measure the anchor by default, in pairs (issue 14).
pub const ANCHOR_EVERY: usize = 3;

/// Validates the pair flags over the file; `anchor_every` is `--anchor-every` of the commands
/// that have it (`None`: the default).
pub fn pair_plan(
    args: &PairArgs,
    anchor_every: Option<usize>,
    file: &FileConfig,
    gate: GateOptions,
) -> Result<PairPlan> {
    let anchor_every = anchor_every.unwrap_or(ANCHOR_EVERY);
    let pairs = args.pairs.or(file.pairs).unwrap_or(d::PAIRS);
    let max_pairs = args.max_pairs.or(file.max_pairs).unwrap_or(d::MAX_PAIRS);
    if pairs < 5 {
        return Err(Error::TooSmall {
            flag: "--pairs",
            bound: "5 (fewer pairs cannot give a 95 % bound)",
        });
    }
    if max_pairs < pairs {
        return Err(Error::TooSmall {
            flag: "--max-pairs",
            bound: "--pairs",
        });
    }
    let design = if args.min_pairs >= pairs {
        Design::fixed(pairs, EXTEND_BY, max_pairs)
    } else {
        Design {
            first: args.min_pairs,
            ..Design::sequential(pairs, EXTEND_BY, max_pairs)
        }
    }
    .stretched();
    if anchor_every == 0 {
        return Err(Error::TooSmall {
            flag: "--anchor-every",
            bound: "1 (the anchor in every pair; --no-anchor measures none)",
        });
    }
    if design.unreachable_look().is_some() {
        return Err(Error::TooSmall {
            flag: "--min-pairs",
            bound: "8 (fewer pairs cannot give the 99.5 % bound of an early look; or set it to --pairs for no early looks)",
        });
    }
    Ok(PairPlan {
        pairs,
        max_pairs,
        design,
        warmup: args.warmup.or(file.warmup).unwrap_or(d::WARMUP),
        anchor_every: AnchorEvery(anchor_every),
        gate,
    })
}
