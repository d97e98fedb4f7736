//! Starting a session the way every measuring command does (warm-up, start-up references, first
//! rounds) and the import-tree pass on its own (`tree`, `why`).
use super::session::{Job, Progress, Session};
use crate::error::{Error, Result};
use crate::model::{Measure, Pyc};
use crate::probe::Probe;
use crate::tree::{ImportTree, aggregate, parse_importtime};

/// Bare interpreter start-ups measured for reference.
pub const STARTUP_RUNS: usize = 5;

/// Warm-up rounds actually run: `warm` needs at least one to write the bytecode cache.
pub fn effective_warmup(pyc: Pyc, warmup: usize) -> usize {
    if pyc == Pyc::Warm {
        warmup.max(1)
    } else {
        warmup
    }
}

/// One job per target of `measure`.
pub fn jobs(measure: &Measure) -> Vec<Job> {
    measure
        .targets
        .iter()
        .map(|t| Job {
            name: t.name.clone(),
            statement: t.statement.clone(),
        })
        .collect()
}

/// How often a session measures the anchor, in rounds (see `Session::with_anchor_every`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnchorEvery(pub usize);

impl AnchorEvery {
    /// Every round: `run` and `history` normalise each sample by its own round's anchor.
    pub const ROUND: AnchorEvery = AnchorEvery(1);
}

/// A session over `probes` for `m`, taken through warm-up, the start-up references and the first
/// `rounds` measured rounds.
pub fn start_session<'a>(
    probes: Vec<&'a mut dyn Probe>,
    m: &Measure,
    warmup: usize,
    rounds: usize,
    anchor_every: AnchorEvery,
    progress: &'a mut dyn FnMut(Progress),
) -> Result<Session<'a>> {
    let mut session = Session::new(
        probes,
        jobs(m),
        m.anchor.clone(),
        m.pyc != Pyc::Cold,
        progress,
    )
    .with_anchor_every(anchor_every.0);
    session.warmup(warmup)?;
    session.startup(STARTUP_RUNS)?;
    session.measure(rounds)?;
    Ok(session)
}

/// Takes `m.tree_runs` import-tree runs of every target (after one warm-up round under `warm`).
pub fn import_trees(
    probe: &mut dyn Probe,
    m: &Measure,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<(String, ImportTree)>> {
    if m.tree_runs == 0 {
        return Err(Error::TooSmall {
            flag: "--tree-runs",
            bound: "1 here",
        });
    }
    let mut session = Session::new(vec![probe], jobs(m), None, false, progress);
    session.warmup(effective_warmup(m.pyc, usize::from(m.pyc == Pyc::Warm)))?;
    session.trees(m.tree_runs)?;
    let sides = session.into_sides();
    Ok(m.targets
        .iter()
        .zip(&sides[0].targets)
        .map(|(t, data)| {
            let runs: Vec<_> = data
                .importtime
                .iter()
                .map(|s| parse_importtime(s))
                .collect();
            (t.name.clone(), aggregate(&runs))
        })
        .collect())
}
