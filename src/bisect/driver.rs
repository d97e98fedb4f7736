//! Runs a bisection: the [`Search`] decides which commit to measure, a [`Probe`] measures it
//! (the command's probe builds environments and runs the measurement layer; tests use a fake),
//! and the result is a [`BisectReport`] with the first bad commit's changes against its parent,
//! or a [`BisectError`] when GOOD or BAD fail their checks.
use std::time::Instant;

use super::condition::{Condition, TimingVerdict};
use super::report::{
    BISECT_FORMAT_VERSION, BisectReport, Chain, ChainLink, EnvCounts, FirstBad, Measured, Outcome,
    Ratio, Role, Step, TreeChange, module_changes,
};
use super::search::{Conclusion, Mark, Next, Search};
use crate::git::Commit;
use crate::tree::{ImportTree, diff};

/// One sample of each target at a commit.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Per target: the module names loaded after the import.
    pub loaded: Vec<Vec<String>>,
    /// Import time of the first target.
    pub import_ms: f64,
    /// How the environment came about: `built`, `cloned` or `reused`.
    pub environment: String,
}

/// The comparison of a commit against GOOD (first target): interleaved pairs of import times
/// (`--slower`), or instruction counts (`--metric instructions`).
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    pub verdict: TimingVerdict,
    /// Time: the paired ratio and its bounds. Counts: the ratio of the medians, and the
    /// smallest and largest ratio of any two samples.
    pub ratio: Ratio,
    /// What was taken: interleaved pairs, or the commit's counted children.
    pub taken: Taken,
    /// The commit's median import time (time) or instruction count (counts).
    pub median: f64,
    /// Why the verdict is inconclusive, when the gate says so (counts that vary).
    pub why: Option<String>,
    pub environment: String,
}

/// The samples behind a [`Paired`] verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    Pairs(usize),
    Counts(usize),
}

/// What the final diff needs at a commit: per target, the module set and the import tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Details {
    pub loaded: Vec<Vec<String>>,
    pub trees: Vec<Option<ImportTree>>,
}

/// Why a commit could not be measured.
#[derive(Debug)]
pub enum Failure<E> {
    /// Its environment failed to build (or the import failed): the commit is skipped.
    Skip { reason: String },
    /// Anything else (an interrupt, an unwritable directory): the bisection stops.
    Fatal(E),
}

/// Measures commits for the bisection.
pub trait Probe {
    type Error;
    /// One sample of every target (exact conditions, and GOOD's check under `--slower`, which
    /// also prepares GOOD's environment as the reference).
    fn sample(&mut self, commit: &Commit) -> Result<Sample, Failure<Self::Error>>;
    /// Interleaved pairs against GOOD until the gate settles (`--slower`).
    fn compare(&mut self, commit: &Commit) -> Result<Paired, Failure<Self::Error>>;
    /// Module sets and import trees for the first bad commit's diff.
    fn details(&mut self, commit: &Commit) -> Result<Details, Failure<Self::Error>>;
}

/// GOOD or BAD failed its check (exit 2).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BisectError {
    #[error(
        "GOOD {short} ('{subject}') already satisfies the condition ({condition}); name an older good revision"
    )]
    GoodSatisfies {
        short: String,
        subject: String,
        condition: String,
    },
    #[error(
        "BAD {short} ('{subject}') does not satisfy the condition ({condition}); name a revision where it holds, or check the condition's flag"
    )]
    BadDoesNot {
        short: String,
        subject: String,
        condition: String,
    },
    #[error("{which} {short} cannot be measured ({reason}); name another {which} revision")]
    EndUnmeasurable {
        which: &'static str,
        short: String,
        reason: String,
    },
}

/// What the report records besides the steps.
pub struct Meta {
    pub tool_version: String,
    pub created_at: String,
    pub targets: Vec<String>,
    pub walk: String,
}

/// Bisects `good` followed by `range` (oldest first, BAD last) for `condition`. `Ok(Err(..))` is
/// a failed end check; `Err` a fatal probe error.
pub fn run<P: Probe>(
    probe: &mut P,
    good: &Commit,
    range: &[Commit],
    condition: &Condition,
    meta: Meta,
) -> Result<Result<BisectReport, BisectError>, P::Error> {
    let started = Instant::now();
    let commits: Vec<&Commit> = std::iter::once(good).chain(range).collect();
    let last = commits.len() - 1;
    let mut search = Search::new(commits.len());
    let mut steps = Vec::new();
    let mut environments = EnvCounts::default();
    let mut loaded_at: Vec<Option<Vec<Vec<String>>>> = vec![None; commits.len()];
    let conclusion = loop {
        let i = match search.next() {
            Next::Measure(i) => i,
            Next::Done(c) => break c,
        };
        let role = match i {
            0 => Role::Good,
            i if i == last => Role::Bad,
            _ => Role::Probe,
        };
        let outcome = if condition.is_exact() || i == 0 {
            probe.sample(commits[i]).map(|s| {
                let mark = if i == 0 && !condition.is_exact() {
                    Mark::Good
                } else {
                    s.loaded
                        .iter()
                        .map(|l| condition.judge_modules(l))
                        .max_by_key(|m| *m == Mark::Bad)
                        .unwrap_or(Mark::Skip)
                };
                let value = Measured {
                    modules: s.loaded.iter().map(Vec::len).max(),
                    import_ms: Some(s.import_ms),
                    ..Measured::default()
                };
                loaded_at[i] = Some(s.loaded);
                (mark, value, s.environment, None)
            })
        } else {
            probe.compare(commits[i]).map(|p| {
                let mark = Condition::judge_timing(p.verdict);
                let mut value = Measured {
                    ratio: Some(p.ratio),
                    verdict: Some(verdict_name(p.verdict).into()),
                    ..Measured::default()
                };
                let taken = match p.taken {
                    Taken::Pairs(n) => {
                        (value.pairs, value.import_ms) = (Some(n), Some(p.median));
                        format!("{n} pairs")
                    }
                    Taken::Counts(n) => {
                        (value.samples, value.instructions) = (Some(n), Some(p.median as u64));
                        format!("{n} counted samples")
                    }
                };
                let note = (mark == Mark::Skip).then(|| match &p.why {
                    Some(why) => format!("{why}: skipped"),
                    None => format!("verdict inconclusive after {taken}: skipped"),
                });
                (mark, value, p.environment, note)
            })
        };
        let (mark, value, environment, note) = match outcome {
            Ok(measured) => measured,
            Err(Failure::Fatal(e)) => return Err(e),
            Err(Failure::Skip { reason }) => (
                Mark::Skip,
                Measured::default(),
                "failed".to_string(),
                Some(reason),
            ),
        };
        environments.count(&environment);
        search.record(i, mark);
        steps.push(Step {
            position: i,
            role,
            commit: commits[i].clone(),
            mark: mark.as_str(),
            environment,
            value,
            note,
        });
    };
    let end_error = |e: BisectError| Ok(Err(e));
    let mut warnings = Vec::new();
    let describe = condition.describe();
    let (outcome, first_bad, candidates) = match conclusion {
        Conclusion::GoodSatisfies => {
            return end_error(BisectError::GoodSatisfies {
                short: good.short.clone(),
                subject: good.subject.clone(),
                condition: describe,
            });
        }
        Conclusion::BadDoesNot => {
            return end_error(BisectError::BadDoesNot {
                short: commits[last].short.clone(),
                subject: commits[last].subject.clone(),
                condition: describe,
            });
        }
        Conclusion::EndUnmeasurable(i) => {
            return end_error(BisectError::EndUnmeasurable {
                which: if i == 0 { "GOOD" } else { "BAD" },
                short: commits[i].short.clone(),
                reason: steps
                    .iter()
                    .rev()
                    .find(|s| s.position == i)
                    .and_then(|s| s.note.clone())
                    .unwrap_or_else(|| "no answer".into()),
            });
        }
        Conclusion::Found(i) => {
            let first = match first_bad(probe, commits[i], commits[i - 1], condition) {
                Ok(f) => f,
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Skip { reason }) => {
                    // The diff is extra information: the commit is still named.
                    let mut f = bare_first_bad(commits[i], commits[i - 1]);
                    if let (Some(Some(a)), Some(Some(b))) = (loaded_at.get(i - 1), loaded_at.get(i))
                    {
                        f.changes = module_changes(&a.concat(), &b.concat());
                    }
                    warnings.push(format!(
                        "no module or tree diff against the parent {}: {reason}",
                        commits[i - 1].short
                    ));
                    f
                }
            };
            (Outcome::Found, Some(first), Vec::new())
        }
        Conclusion::Ambiguous { first, last } => (
            Outcome::Ambiguous,
            None,
            commits[first..=last].iter().map(|c| (*c).clone()).collect(),
        ),
    };
    Ok(Ok(BisectReport {
        format_version: BISECT_FORMAT_VERSION,
        kind: "bisect",
        tool_version: meta.tool_version,
        created_at: meta.created_at,
        targets: meta.targets,
        condition: condition.clone(),
        walk: meta.walk,
        good: good.clone(),
        bad: commits[last].clone(),
        range_commits: range.len(),
        steps,
        outcome,
        first_bad,
        candidates,
        environments,
        wall_s: started.elapsed().as_secs_f64(),
        warnings,
    }))
}

fn bare_first_bad(commit: &Commit, parent: &Commit) -> FirstBad {
    FirstBad {
        commit: commit.clone(),
        parent: parent.clone(),
        changes: Default::default(),
        chains: Vec::new(),
        tree_changes: Vec::new(),
    }
}

/// The first bad commit's module diff, chains and tree diff against its parent.
fn first_bad<P: Probe>(
    probe: &mut P,
    commit: &Commit,
    parent: &Commit,
    condition: &Condition,
) -> Result<FirstBad, Failure<P::Error>> {
    let after = probe.details(commit)?;
    let before = probe.details(parent)?;
    let changes = module_changes(&before.loaded.concat(), &after.loaded.concat());
    let trees: Vec<&ImportTree> = after.trees.iter().flatten().collect();
    let mut wanted: Vec<String> = match condition {
        Condition::Forbid { module } | Condition::ModuleAdded { module } => vec![module.clone()],
        _ => Vec::new(),
    };
    // Each new top-level package by its first added module (sorted: the package itself first).
    for package in &changes.new_packages {
        if let Some(m) = changes
            .added
            .iter()
            .find(|m| m.split('.').next() == Some(package.as_str()))
            && !wanted.contains(m)
        {
            wanted.push(m.clone());
        }
    }
    // A package loaded through a module whose chain is already shown adds nothing.
    let mut chains: Vec<Chain> = Vec::new();
    for m in &wanted {
        let Some(links) = trees.iter().find_map(|t| t.why(m)) else {
            continue;
        };
        if links[..links.len() - 1]
            .iter()
            .any(|l| chains.iter().any(|c| c.module == l.module))
        {
            continue;
        }
        chains.push(Chain {
            module: m.clone(),
            links: links
                .into_iter()
                .map(|l| ChainLink {
                    module: l.module,
                    cumulative_ms: l.cumulative_ms,
                })
                .collect(),
        });
    }
    let tree_changes = match (before.trees.first(), after.trees.first()) {
        (Some(Some(b)), Some(Some(a))) => tree_changes(b, a),
        _ => Vec::new(),
    };
    Ok(FirstBad {
        commit: commit.clone(),
        parent: parent.clone(),
        changes,
        chains,
        tree_changes,
    })
}

/// The largest moves of the import tree: changed modules and subtrees that appeared or
/// disappeared, by absolute change, at most 10.
fn tree_changes(before: &ImportTree, after: &ImportTree) -> Vec<TreeChange> {
    let d = diff(before, after);
    let mut out: Vec<TreeChange> = d
        .changed
        .iter()
        .map(|c| TreeChange {
            module: c.module.clone(),
            parent_ms: Some(c.base_ms),
            commit_ms: Some(c.cand_ms),
            delta_ms: c.delta_ms,
        })
        .chain(d.appeared.iter().map(|s| TreeChange {
            module: s.module.clone(),
            parent_ms: None,
            commit_ms: Some(s.cumulative_ms),
            delta_ms: s.cumulative_ms,
        }))
        .chain(d.disappeared.iter().map(|s| TreeChange {
            module: s.module.clone(),
            parent_ms: Some(s.cumulative_ms),
            commit_ms: None,
            delta_ms: -s.cumulative_ms,
        }))
        .collect();
    out.sort_by(|a, b| b.delta_ms.abs().total_cmp(&a.delta_ms.abs()));
    out.truncate(10);
    out
}

fn verdict_name(v: TimingVerdict) -> &'static str {
    match v {
        TimingVerdict::Regression => "regression",
        TimingVerdict::Unchanged => "unchanged",
        TimingVerdict::Improvement => "improvement",
        TimingVerdict::Inconclusive => "inconclusive",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{aggregate, parse_importtime};

    fn commit(k: usize) -> Commit {
        Commit {
            sha: format!("{k:040x}"),
            short: format!("c{k}"),
            subject: format!("commit {k}"),
            author: "Ada <ada@example.com>".into(),
            date: "2026-01-01T00:00:00+00:00".into(),
        }
    }

    /// Commit k loads xml.dom.minidom from `eager` on and is 30 % slower from `slow` on; builds
    /// fail at `broken`, timing stays inconclusive at `unsure`.
    struct Fake {
        eager: usize,
        slow: usize,
        broken: Vec<usize>,
        unsure: Vec<usize>,
        /// Answer `compare` with instruction counts.
        counted: bool,
        calls: Vec<(String, usize)>,
    }

    impl Fake {
        fn new() -> Fake {
            Fake {
                eager: 21,
                slow: 9,
                broken: vec![],
                unsure: vec![],
                counted: false,
                calls: vec![],
            }
        }
        fn k(c: &Commit) -> usize {
            c.subject[7..].parse().unwrap()
        }
        fn loaded(&self, k: usize) -> Vec<Vec<String>> {
            let mut l = vec!["bisectproj".to_string(), "time".to_string()];
            if k >= self.eager {
                l.extend(["xml", "xml.dom", "xml.dom.minidom"].map(String::from));
            }
            vec![l]
        }
        fn check(&mut self, what: &str, c: &Commit) -> Result<usize, Failure<String>> {
            let k = Fake::k(c);
            self.calls.push((what.into(), k));
            if k == 99 {
                return Err(Failure::Fatal("interrupted".into()));
            }
            if self.broken.contains(&k) {
                return Err(Failure::Skip {
                    reason: format!("build failed at {k}"),
                });
            }
            Ok(k)
        }
    }

    impl Probe for Fake {
        type Error = String;
        fn sample(&mut self, c: &Commit) -> Result<Sample, Failure<String>> {
            let k = self.check("sample", c)?;
            Ok(Sample {
                loaded: self.loaded(k),
                import_ms: if k >= self.slow { 40.0 } else { 10.0 },
                environment: if k == 1 { "built" } else { "cloned" }.into(),
            })
        }
        fn compare(&mut self, c: &Commit) -> Result<Paired, Failure<String>> {
            let k = self.check("compare", c)?;
            let verdict = if self.unsure.contains(&k) {
                TimingVerdict::Inconclusive
            } else if k >= self.slow {
                TimingVerdict::Regression
            } else {
                TimingVerdict::Unchanged
            };
            let r = if k >= self.slow { 1.3 } else { 1.0 };
            let (taken, median, why) = if self.counted {
                let why = (verdict == TimingVerdict::Inconclusive)
                    .then(|| "inconclusive: instruction counts vary by 3 %".to_string());
                (Taken::Counts(3), 1_000_000.0 * r, why)
            } else {
                (Taken::Pairs(30), 10.0 * r, None)
            };
            Ok(Paired {
                verdict,
                ratio: Ratio {
                    estimate: r,
                    low: r - 0.02,
                    high: r + 0.02,
                },
                taken,
                median,
                why,
                environment: "cloned".into(),
            })
        }
        fn details(&mut self, c: &Commit) -> Result<Details, Failure<String>> {
            let k = self.check("details", c)?;
            let text = if k >= self.eager {
                "import time:       300 |        300 |     xml.dom.minidom\nimport time:       100 |        400 |   bisectproj\n"
            } else {
                "import time:       100 |        100 |   bisectproj\n"
            };
            let text = format!("import time:        10 |         10 | site\n{text}");
            Ok(Details {
                loaded: self.loaded(k),
                trees: vec![Some(aggregate(&[parse_importtime(&text)]))],
            })
        }
    }

    fn bisect(
        fake: &mut Fake,
        condition: Condition,
    ) -> Result<Result<BisectReport, BisectError>, String> {
        let range: Vec<Commit> = (2..=32).map(commit).collect();
        let meta = Meta {
            tool_version: "0".into(),
            created_at: "now".into(),
            targets: vec!["bisectproj".into()],
            walk: "first-parent".into(),
        };
        run(fake, &commit(1), &range, &condition, meta)
    }

    fn forbid() -> Condition {
        Condition::Forbid {
            module: "xml.dom.minidom".into(),
        }
    }

    #[test]
    fn exact_condition_names_commit_21_with_its_changes() {
        let mut fake = Fake::new();
        let report = bisect(&mut fake, forbid()).unwrap().unwrap();
        let first = report.first_bad.as_ref().unwrap();
        assert_eq!(first.commit.subject, "commit 21");
        assert_eq!(first.parent.subject, "commit 20");
        let measured: Vec<usize> = report.steps.iter().map(|s| Fake::k(&s.commit)).collect();
        assert_eq!(measured, [1, 32, 16, 24, 20, 22, 21]);
        assert_eq!(report.range_steps(), 6);
        assert_eq!(first.changes.added, ["xml", "xml.dom", "xml.dom.minidom"]);
        assert_eq!(first.changes.new_packages, ["xml"]);
        let chain: Vec<&str> = first.chains[0]
            .links
            .iter()
            .map(|l| l.module.as_str())
            .collect();
        assert_eq!(chain, ["bisectproj", "xml.dom.minidom"]);
        let appeared = first
            .tree_changes
            .iter()
            .find(|t| t.module == "xml.dom.minidom");
        assert_eq!(appeared.unwrap().parent_ms, None);
        let grew = first
            .tree_changes
            .iter()
            .find(|t| t.module == "bisectproj")
            .unwrap();
        assert!((grew.delta_ms - 0.3).abs() < 1e-9);
        assert_eq!(report.environments.built, 1);
        assert_eq!(report.environments.cloned, 6);
        assert_eq!(report.outcome, Outcome::Found);
    }

    #[test]
    fn slower_uses_pairs_after_goods_sample() {
        let mut fake = Fake::new();
        let report = bisect(&mut fake, Condition::Slower { percent: 10.0 })
            .unwrap()
            .unwrap();
        assert_eq!(report.first_bad.unwrap().commit.subject, "commit 9");
        assert_eq!(fake.calls[0], ("sample".to_string(), 1));
        assert!(fake.calls[1..].iter().take(6).all(|(w, _)| w == "compare"));
        assert_eq!(report.steps[1].value.verdict.as_deref(), Some("regression"));
    }

    #[test]
    fn skipped_commits_are_reported_and_neighbours_measured() {
        let mut fake = Fake::new();
        fake.broken = vec![16];
        let report = bisect(&mut fake, forbid()).unwrap().unwrap();
        assert_eq!(
            report.first_bad.as_ref().unwrap().commit.subject,
            "commit 21"
        );
        let skipped: Vec<_> = report.skipped().collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].note.as_deref(), Some("build failed at 16"));
        assert_eq!(skipped[0].environment, "failed");
        assert_eq!(Fake::k(&report.steps[3].commit), 17);
        // An inconclusive timing verdict is a skip too.
        let mut fake = Fake::new();
        fake.unsure = vec![16];
        let report = bisect(&mut fake, Condition::Slower { percent: 10.0 })
            .unwrap()
            .unwrap();
        assert_eq!(report.first_bad.unwrap().commit.subject, "commit 9");
        assert!(
            report.steps[2]
                .note
                .as_deref()
                .unwrap()
                .contains("inconclusive after 30 pairs")
        );
    }

    #[test]
    fn instructions_compare_counts_and_varying_counts_skip() {
        let mut fake = Fake::new();
        fake.counted = true;
        fake.unsure = vec![16];
        let report = bisect(&mut fake, Condition::Instructions { percent: 1.0 })
            .unwrap()
            .unwrap();
        assert_eq!(report.first_bad.unwrap().commit.subject, "commit 9");
        assert_eq!(fake.calls[0], ("sample".to_string(), 1));
        let bad = &report.steps[1].value;
        assert_eq!(
            (bad.instructions, bad.samples, bad.pairs, bad.import_ms),
            (Some(1_300_000), Some(3), None, None)
        );
        assert_eq!(
            report.steps[2].note.as_deref(),
            Some("inconclusive: instruction counts vary by 3 %: skipped")
        );
        let json = serde_json::to_value(&report.steps[1].value).unwrap();
        assert_eq!(json["instructions"], 1_300_000);
        // Time steps keep their fields: no count fields appear.
        let time = serde_json::to_value(Measured::default()).unwrap();
        assert!(time.get("instructions").is_none() && time.get("samples").is_none());
    }

    #[test]
    fn ambiguous_when_skips_hide_the_answer() {
        let mut fake = Fake::new();
        fake.broken = vec![20, 21];
        let report = bisect(&mut fake, forbid()).unwrap().unwrap();
        assert_eq!(report.outcome, Outcome::Ambiguous);
        let c: Vec<usize> = report.candidates.iter().map(Fake::k).collect();
        assert_eq!(c, [20, 21, 22]);
        assert!(report.first_bad.is_none());
    }

    #[test]
    fn end_checks_fail_clearly() {
        let mut fake = Fake::new();
        fake.eager = 1;
        let err = bisect(&mut fake, forbid()).unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            "GOOD c1 ('commit 1') already satisfies the condition (xml.dom.minidom is loaded); name an older good revision"
        );
        let mut fake = Fake::new();
        fake.eager = 40;
        let err = bisect(&mut fake, forbid()).unwrap().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("BAD c32 ('commit 32') does not satisfy"),
            "{err}"
        );
        let mut fake = Fake::new();
        fake.broken = vec![32];
        let err = bisect(&mut fake, forbid()).unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            "BAD c32 cannot be measured (build failed at 32); name another BAD revision"
        );
    }

    #[test]
    fn fatal_errors_stop_the_search() {
        let mut fake = Fake::new();
        let range: Vec<Commit> = (2..=32)
            .map(|k| commit(if k == 16 { 99 } else { k }))
            .collect();
        let meta = Meta {
            tool_version: "0".into(),
            created_at: "now".into(),
            targets: vec![],
            walk: "first-parent".into(),
        };
        let out = run(&mut fake, &commit(1), &range, &forbid(), meta);
        assert_eq!(out.unwrap_err(), "interrupted");
        assert_eq!(fake.calls.len(), 3);
    }
}
