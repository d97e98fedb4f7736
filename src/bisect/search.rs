//! The bisection as a pure state machine over an ordered list of commits: index 0 is GOOD, the
//! last index is BAD, the commits in between are oldest first. The caller asks [`Search::next`]
//! which commit to measure, measures it and records a [`Mark`]; the machine never measures
//! anything itself, so every step count is unit-tested exactly.
//!
//! It first checks the two ends (GOOD must not satisfy the condition, BAD must), then halves the
//! interval of possible first bad commits: with `p` possibilities left it measures the commit that
//! splits them into ⌊p/2⌋ and ⌈p/2⌉, so a range of `n` commits after GOOD takes at most
//! ⌈log2 n⌉ commits besides BAD. A commit marked [`Mark::Skip`] (its environment failed to build,
//! or its timing verdict stayed inconclusive) is treated like `git bisect skip`: the unmeasured
//! commit nearest to the middle is measured instead, and when only skipped commits separate the
//! last good from the first bad one the answer is the range of candidates between them.

/// What measuring one commit said about the condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The condition does not hold (like GOOD).
    Good,
    /// The condition holds (like BAD).
    Bad,
    /// No answer: the environment could not be built or the verdict stayed inconclusive.
    Skip,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Good => "good",
            Mark::Bad => "bad",
            Mark::Skip => "skip",
        }
    }
}

/// Where the search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conclusion {
    /// The first commit where the condition holds; its predecessor in the list is good.
    Found(usize),
    /// Skipped commits hide the answer: it is one of `first..=last` (every commit there was
    /// skipped except possibly `last`, which is bad).
    Ambiguous { first: usize, last: usize },
    /// GOOD already satisfies the condition.
    GoodSatisfies,
    /// BAD does not satisfy the condition.
    BadDoesNot,
    /// GOOD or BAD (the index says which) could not be measured.
    EndUnmeasurable(usize),
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Measure(usize),
    Done(Conclusion),
}

/// The state: one optional mark per commit.
#[derive(Debug, Clone)]
pub struct Search {
    marks: Vec<Option<Mark>>,
}

impl Search {
    /// A search over `len` commits (GOOD, the commits after it, BAD last); `len` must be at least
    /// 2 (GOOD and BAD).
    pub fn new(len: usize) -> Search {
        assert!(len >= 2, "a bisection needs GOOD and BAD");
        Search {
            marks: vec![None; len],
        }
    }

    /// Number of commits, GOOD and BAD included.
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// The mark recorded for `index`, if any.
    #[cfg(test)]
    pub fn mark(&self, index: usize) -> Option<Mark> {
        self.marks[index]
    }

    /// Records what measuring `index` said (a second mark for the same commit replaces the first).
    pub fn record(&mut self, index: usize, mark: Mark) {
        self.marks[index] = Some(mark);
    }

    /// The next commit to measure, or the conclusion.
    pub fn next(&self) -> Next {
        let last = self.len() - 1;
        match self.marks[0] {
            None => return Next::Measure(0),
            Some(Mark::Bad) => return Next::Done(Conclusion::GoodSatisfies),
            Some(Mark::Skip) => return Next::Done(Conclusion::EndUnmeasurable(0)),
            Some(Mark::Good) => {}
        }
        match self.marks[last] {
            None => return Next::Measure(last),
            Some(Mark::Good) => return Next::Done(Conclusion::BadDoesNot),
            Some(Mark::Skip) => return Next::Done(Conclusion::EndUnmeasurable(last)),
            Some(Mark::Bad) => {}
        }
        let (lo, hi) = self.bounds();
        if hi == lo + 1 {
            return Next::Done(Conclusion::Found(hi));
        }
        match self.nearest_unmeasured(lo, hi) {
            Some(i) => Next::Measure(i),
            None => Next::Done(Conclusion::Ambiguous {
                first: lo + 1,
                last: hi,
            }),
        }
    }

    /// The last good commit before the first bad one (the search only measures between them, so
    /// every good mark precedes every bad mark).
    fn bounds(&self) -> (usize, usize) {
        let hi = (0..self.len())
            .find(|&i| self.marks[i] == Some(Mark::Bad))
            .expect("BAD is marked bad");
        let lo = (0..hi)
            .rev()
            .find(|&i| self.marks[i] == Some(Mark::Good))
            .expect("GOOD is marked good");
        (lo, hi)
    }

    /// The unmeasured commit strictly between `lo` and `hi` nearest to the one that halves the
    /// possibilities (`lo + ⌊(hi − lo) / 2⌋`); on a tie the later one (it keeps the interval that
    /// remains after a bad mark smaller).
    fn nearest_unmeasured(&self, lo: usize, hi: usize) -> Option<usize> {
        let mid = lo + (hi - lo) / 2;
        (lo + 1..hi)
            .filter(|&i| self.marks[i].is_none())
            .min_by_key(|&i| (i.abs_diff(mid), std::cmp::Reverse(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a search over `len` commits whose first bad one is `first_bad`, skipping `skips`;
    /// returns the measured indices in order and the conclusion.
    fn drive(len: usize, first_bad: usize, skips: &[usize]) -> (Vec<usize>, Conclusion) {
        let mut search = Search::new(len);
        let mut measured = Vec::new();
        loop {
            match search.next() {
                Next::Measure(i) => {
                    assert!(search.mark(i).is_none(), "measured {i} twice");
                    measured.push(i);
                    let mark = if skips.contains(&i) {
                        Mark::Skip
                    } else if i >= first_bad {
                        Mark::Bad
                    } else {
                        Mark::Good
                    };
                    search.record(i, mark);
                }
                Next::Done(c) => return (measured, c),
            }
        }
    }

    fn ceil_log2(n: usize) -> usize {
        (usize::BITS - (n - 1).leading_zeros()) as usize
    }

    #[test]
    fn the_issue_history_finds_commit_21_in_six_range_commits() {
        // Commits 1..=32 at indices 0..=31; GOOD is commit 1, BAD commit 32, commit 21 is index 20.
        let (measured, conclusion) = drive(32, 20, &[]);
        assert_eq!(conclusion, Conclusion::Found(20));
        // GOOD, BAD, then commits 16, 24, 20, 22, 21.
        assert_eq!(measured, vec![0, 31, 15, 23, 19, 21, 20]);
        let range_commits = measured.iter().filter(|&&i| i != 0).count();
        assert_eq!(range_commits, 6);
        assert!(range_commits <= ceil_log2(32) + 1);
        // Commit 9 (the timing step).
        let (measured, conclusion) = drive(32, 8, &[]);
        assert_eq!(conclusion, Conclusion::Found(8));
        assert_eq!(measured, vec![0, 31, 15, 7, 11, 9, 8]);
    }

    #[test]
    fn every_first_bad_of_every_length_within_the_bound() {
        for len in 2..=70 {
            let n = len - 1; // commits after GOOD
            let mut worst = 0;
            for first_bad in 1..len {
                let (measured, conclusion) = drive(len, first_bad, &[]);
                assert_eq!(conclusion, Conclusion::Found(first_bad), "len {len}");
                assert_eq!(measured[..2], [0, len - 1]);
                let range_commits = measured.len() - 1;
                assert!(
                    range_commits <= ceil_log2(n) + 1,
                    "len {len} first bad {first_bad}: {range_commits} commits"
                );
                worst = worst.max(range_commits);
            }
            // The bound is tight: some first bad commit needs every one of those steps.
            assert_eq!(worst, ceil_log2(n) + 1, "len {len}");
        }
    }

    #[test]
    fn a_skipped_commit_measures_a_neighbour() {
        // Commit 16 (index 15, the first midpoint) fails to build.
        let (measured, conclusion) = drive(32, 20, &[15]);
        assert_eq!(conclusion, Conclusion::Found(20));
        assert_eq!(measured[..4], [0, 31, 15, 16]);
        let (measured, conclusion) = drive(32, 8, &[15]);
        assert_eq!(conclusion, Conclusion::Found(8));
        assert_eq!(measured[..4], [0, 31, 15, 16]);
        // Skips cost at most one extra commit each here.
        assert!(measured.len() <= 7 + 1);
    }

    #[test]
    fn skips_next_to_the_answer_leave_a_range() {
        // The first bad commit (index 20) and its predecessor are both skipped.
        let (_, conclusion) = drive(32, 20, &[19, 20]);
        assert_eq!(
            conclusion,
            Conclusion::Ambiguous {
                first: 19,
                last: 21
            }
        );
        // Only the first bad one is skipped: it or the next one.
        let (_, conclusion) = drive(32, 20, &[20]);
        assert_eq!(
            conclusion,
            Conclusion::Ambiguous {
                first: 20,
                last: 21
            }
        );
        // Everything in between skipped: all of it is a candidate.
        let (measured, conclusion) = drive(5, 2, &[1, 2, 3]);
        assert_eq!(conclusion, Conclusion::Ambiguous { first: 1, last: 4 });
        assert_eq!(measured.len(), 5);
    }

    #[test]
    fn ends_are_checked_first() {
        let mut s = Search::new(10);
        assert_eq!(s.next(), Next::Measure(0));
        s.record(0, Mark::Bad);
        assert_eq!(s.next(), Next::Done(Conclusion::GoodSatisfies));

        let mut s = Search::new(10);
        s.record(0, Mark::Good);
        assert_eq!(s.next(), Next::Measure(9));
        s.record(9, Mark::Good);
        assert_eq!(s.next(), Next::Done(Conclusion::BadDoesNot));

        let mut s = Search::new(10);
        s.record(0, Mark::Good);
        s.record(9, Mark::Skip);
        assert_eq!(s.next(), Next::Done(Conclusion::EndUnmeasurable(9)));

        let mut s = Search::new(10);
        s.record(0, Mark::Skip);
        assert_eq!(s.next(), Next::Done(Conclusion::EndUnmeasurable(0)));
    }

    #[test]
    fn adjacent_good_and_bad_need_no_search() {
        let (measured, conclusion) = drive(2, 1, &[]);
        assert_eq!((measured, conclusion), (vec![0, 1], Conclusion::Found(1)));
    }
}
