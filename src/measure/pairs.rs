//! Interleaved pairs extended while the verdict is unsettled. The loop knows nothing of results
//! or verdicts: after the first rounds and after each extension it asks `settled`, which builds
//! whatever the caller needs from the session (`ab` builds both results and the comparison) and
//! says whether more pairs could change it.
use super::session::Session;
use crate::error::Result;
use crate::stats::sequential::Design;

/// Pairs added per extension while a verdict is unsettled, from `--pairs` on.
pub const EXTEND_BY: usize = 10;

/// What the loop needs to know about the pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extension {
    /// Upper limit on measured rounds (pairs).
    pub max_pairs: usize,
    /// Import-tree runs taken once the verdict is settled (0: none).
    pub tree_runs: usize,
    /// Issue 14: when to look (the session should start with `looks.first_look()` rounds).
    pub looks: Design,
}

/// Extends `session` to the design's next look at a time until `settled` returns `(_, true)`
/// or `max_pairs` rounds are done, then takes the import-tree pass and asks once more (so the
/// value returned describes the session with its trees). Returns the last value.
pub fn extend_until_settled<T>(
    session: &mut Session,
    ext: Extension,
    mut settled: impl FnMut(&Session) -> (T, bool),
) -> Result<T> {
    let mut trees_taken = ext.tree_runs == 0;
    loop {
        let (value, done) = settled(session);
        let done_rounds = session.rounds_done();
        let more = ext
            .looks
            .next_look(done_rounds)
            .unwrap_or(done_rounds)
            .min(ext.max_pairs)
            .saturating_sub(done_rounds);
        if !done && more > 0 {
            session.measure(more)?;
        } else if trees_taken {
            return Ok(value);
        } else {
            session.trees(ext.tree_runs)?;
            trees_taken = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::fake::FakeProbe;
    use crate::measure::session::Job;

    fn probe() -> FakeProbe {
        FakeProbe {
            calls: vec![],
            base_ms: vec![("import a".into(), 10.0)],
            startup_ms: 12.0,
        }
    }

    /// Runs the loop over two fake sides from `first` rounds; `settle_at` is the round count from
    /// which `settled` says yes. Returns the round counts `settled` saw and the tree runs taken.
    fn run(first: usize, mut ext: Extension, settle_at: usize) -> (Vec<usize>, Vec<usize>) {
        ext.looks = Design::fixed(first, EXTEND_BY, ext.max_pairs);
        let (mut a, mut b) = (probe(), probe());
        let mut progress = |_| {};
        let jobs = vec![Job {
            name: "a".into(),
            statement: "import a".into(),
        }];
        let mut session = Session::new(vec![&mut a, &mut b], jobs, None, false, &mut progress);
        session.measure(first).unwrap();
        let mut seen = Vec::new();
        let last = extend_until_settled(&mut session, ext, |s| {
            seen.push(s.rounds_done());
            (s.rounds_done(), s.rounds_done() >= settle_at)
        })
        .unwrap();
        assert_eq!(last, *seen.last().unwrap());
        let trees = session
            .sides
            .iter()
            .map(|side| side.targets[0].importtime.len())
            .collect();
        (seen, trees)
    }

    #[test]
    fn a_settled_verdict_takes_no_more_pairs_and_asks_again_after_the_trees() {
        let ext = Extension {
            max_pairs: 100,
            tree_runs: 3,
            looks: Design::fixed(30, 10, 100),
        };
        assert_eq!(run(30, ext, 0), (vec![30, 30], vec![3, 3]));
    }

    #[test]
    fn an_unsettled_verdict_extends_by_ten_until_it_settles() {
        let ext = Extension {
            max_pairs: 100,
            tree_runs: 2,
            looks: Design::fixed(30, 10, 100),
        };
        assert_eq!(run(30, ext, 45), (vec![30, 40, 50, 50], vec![2, 2]));
    }

    #[test]
    fn the_cap_stops_the_extension_and_the_last_step_is_partial() {
        let ext = Extension {
            max_pairs: 16,
            tree_runs: 0,
            looks: Design::fixed(30, 10, 100),
        };
        // 6 -> 16 (by 10), then the cap: no tree pass, no extra question.
        assert_eq!(run(6, ext, usize::MAX), (vec![6, 16], vec![0, 0]));
        let ext = Extension {
            max_pairs: 13,
            tree_runs: 0,
            looks: Design::fixed(30, 10, 100),
        };
        assert_eq!(run(6, ext, usize::MAX), (vec![6, 13], vec![0, 0]));
    }

    #[test]
    fn early_looks_come_every_two_pairs_before_the_fixed_ones() {
        let (mut a, mut b) = (probe(), probe());
        let mut progress = |_| {};
        let jobs = vec![Job {
            name: "a".into(),
            statement: "import a".into(),
        }];
        let mut session = Session::new(vec![&mut a, &mut b], jobs, None, false, &mut progress);
        let looks = Design::sequential(30, EXTEND_BY, 50);
        session.measure(looks.first_look()).unwrap();
        let ext = Extension {
            max_pairs: 50,
            tree_runs: 0,
            looks,
        };
        let mut seen = Vec::new();
        extend_until_settled(&mut session, ext, |s| {
            seen.push(s.rounds_done());
            ((), s.rounds_done() >= 13)
        })
        .unwrap();
        assert_eq!(seen, vec![8, 10, 12, 14]);
        let mut seen = Vec::new();
        extend_until_settled(&mut session, ext, |s| {
            seen.push(s.rounds_done());
            ((), false)
        })
        .unwrap();
        assert_eq!(seen, vec![14, 16, 18, 20, 22, 24, 26, 28, 30, 40, 50]);
    }

    #[test]
    fn max_pairs_below_the_first_rounds_takes_no_more() {
        let ext = Extension {
            max_pairs: 4,
            tree_runs: 1,
            looks: Design::fixed(30, 10, 100),
        };
        assert_eq!(run(6, ext, usize::MAX), (vec![6, 6], vec![1, 1]));
    }
}
