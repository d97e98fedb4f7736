//! The history report: one entry per commit (oldest first) with import time (median and 95 %
//! interval, raw and anchor-adjusted), module count, forbidden modules loaded and new top-level
//! packages. Serialized as the versioned JSON document in docs/results-format.md ("History
//! format").
//!
//! Anchor adjustment: each target sample is divided by the anchor sample of its round, so every
//! commit's ratio is independent of how fast the machine was when it was measured (a stored commit
//! from yesterday and one measured now stay comparable). The ratio's median and interval are
//! multiplied by one reference anchor time (the median of all commits' anchor medians) to read as
//! milliseconds.
use std::collections::BTreeSet;

use serde::Serialize;

use super::interval::{Interval, median_interval};
use super::store::{StoredOutcome, StoredTarget};
use crate::bisect::report::EnvCounts;
use crate::git::Commit;
use crate::stats::instructions::CountSummary;
use crate::stats::median;

/// Version of the history JSON document; bumped on any incompatible change.
pub const HISTORY_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryReport {
    pub format_version: u32,
    /// Always `history`.
    pub kind: &'static str,
    pub tool_version: String,
    pub created_at: String,
    pub targets: Vec<String>,
    pub forbid: Vec<String>,
    /// `first-parent` or `all-parents`.
    pub walk: String,
    /// The store key parts shared by every commit.
    pub interpreter: String,
    pub machine: String,
    /// The anchor time adjusted times are expressed in; `null` without an anchor.
    pub reference_anchor_ms: Option<f64>,
    /// `--metric instructions`: how the counts were taken (`callgrind valgrind-3.19.0,
    /// PYTHONHASHSEED=0`); absent for a time-only history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    /// One entry per commit, oldest first.
    pub commits: Vec<HistoryCommit>,
    /// Commits measured by this run and commits read from the store.
    pub measured: usize,
    pub stored: usize,
    pub environments: EnvCounts,
    pub wall_s: f64,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryCommit {
    pub commit: Commit,
    /// `measured` (by this run) or `stored` (read from the store).
    pub source: &'static str,
    /// `ok` or `build-failed`.
    pub status: &'static str,
    /// The build error for `build-failed`.
    pub error: Option<String>,
    /// One per target (empty for `build-failed`).
    pub targets: Vec<CommitTarget>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitTarget {
    pub name: String,
    pub samples: usize,
    /// Median import time with its 95 % interval, as measured.
    pub import_ms: Interval,
    /// The same adjusted for machine speed through the anchor; `null` without an anchor.
    pub adjusted_ms: Option<Interval>,
    pub modules: usize,
    /// Change of the charted time (adjusted when available) against the previous commit that
    /// was measured; `null` for the first.
    pub change_ms: Option<f64>,
    /// Modules added and removed against the previous measured commit.
    pub modules_added: usize,
    pub modules_removed: usize,
    /// `--forbid` modules loaded at this commit.
    pub forbidden_loaded: Vec<String>,
    /// Top-level packages the previous measured commit did not load.
    pub new_packages: Vec<String>,
    /// `--metric instructions`: the statement's instruction counts (median, min, max, spread).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<CountSummary>,
    /// Change of the median count against the previous measured commit, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions_change_percent: Option<f64>,
}

impl CommitTarget {
    /// What the chart and the change column use: adjusted when there is an anchor.
    pub fn charted(&self) -> Interval {
        self.adjusted_ms.unwrap_or(self.import_ms)
    }

    /// The instruction counts in millions: median, min and max.
    pub fn counted_millions(&self) -> Option<Interval> {
        self.instructions.as_ref().map(|c| Interval {
            median: c.median as f64 / 1e6,
            low: c.min as f64 / 1e6,
            high: c.max as f64 / 1e6,
        })
    }
}

/// Count changes smaller than this (percent) are no step: the count gate's default tolerance.
const COUNT_STEP_PERCENT: f64 = crate::stats::instructions::DEFAULT_THRESHOLD * 10.0;

/// One commit's input to [`build_commits`].
pub struct CommitInput {
    pub commit: Commit,
    /// True when read from the store.
    pub stored: bool,
    pub outcome: StoredOutcome,
}

/// The per-commit entries and the reference anchor time, from measured or stored outcomes in
/// commit order.
pub fn build_commits(inputs: Vec<CommitInput>) -> (Vec<HistoryCommit>, Option<f64>) {
    let anchor_medians: Vec<f64> = inputs
        .iter()
        .filter_map(|i| match &i.outcome {
            StoredOutcome::Measured { targets } => Some(targets),
            StoredOutcome::BuildFailed { .. } => None,
        })
        .flatten()
        .filter(|t| !t.anchor_ms.is_empty() && t.anchor_ms.len() == t.import_ms.len())
        .map(|t| median(&t.anchor_ms))
        .collect();
    let reference = (!anchor_medians.is_empty()).then(|| median(&anchor_medians));
    let mut previous: Vec<Option<Previous>> = Vec::new();
    let mut out = Vec::new();
    for input in inputs {
        let source = if input.stored { "stored" } else { "measured" };
        let (status, error, targets) = match input.outcome {
            StoredOutcome::BuildFailed { error } => ("build-failed", Some(error), Vec::new()),
            StoredOutcome::Measured { targets } => {
                let targets: Vec<CommitTarget> = targets
                    .iter()
                    .enumerate()
                    .filter_map(|(i, t)| {
                        if previous.len() <= i {
                            previous.resize(i + 1, None);
                        }
                        target(t, reference, &mut previous[i])
                    })
                    .collect();
                ("ok", None, targets)
            }
        };
        out.push(HistoryCommit {
            commit: input.commit,
            source,
            status,
            error,
            targets,
        });
    }
    (out, reference)
}

/// What the next commit's changes are taken against: the last measured commit's charted median,
/// module set and median count.
#[derive(Clone)]
struct Previous {
    charted: f64,
    loaded: BTreeSet<String>,
    count: Option<u64>,
}

/// One target's entry; `previous` is updated.
fn target(
    t: &StoredTarget,
    reference: Option<f64>,
    previous: &mut Option<Previous>,
) -> Option<CommitTarget> {
    let import_ms = median_interval(&t.import_ms)?;
    let adjusted_ms = match reference {
        Some(r) if !t.anchor_ms.is_empty() && t.anchor_ms.len() == t.import_ms.len() => {
            let ratios: Vec<f64> = t
                .import_ms
                .iter()
                .zip(&t.anchor_ms)
                .filter(|(_, a)| **a > 0.0)
                .map(|(x, a)| x / a)
                .collect();
            median_interval(&ratios).map(|i| i.scaled(r))
        }
        _ => None,
    };
    let charted = adjusted_ms.unwrap_or(import_ms).median;
    let loaded: BTreeSet<String> = t.loaded.iter().cloned().collect();
    let tops = |s: &BTreeSet<String>| -> BTreeSet<String> {
        s.iter()
            .map(|m| m.split('.').next().unwrap_or(m).to_string())
            .collect()
    };
    let instructions = CountSummary::new(&t.instructions);
    let count = instructions.as_ref().map(|c| c.median);
    let (change_ms, added, removed, new_packages) = match previous.as_ref() {
        Some(p) => (
            Some(charted - p.charted),
            loaded.difference(&p.loaded).count(),
            p.loaded.difference(&loaded).count(),
            tops(&loaded)
                .difference(&tops(&p.loaded))
                .cloned()
                .collect(),
        ),
        None => (None, 0, 0, Vec::new()),
    };
    let instructions_change_percent = match (previous.as_ref().and_then(|p| p.count), count) {
        (Some(before), Some(now)) if before > 0 => Some((now as f64 / before as f64 - 1.0) * 100.0),
        _ => None,
    };
    let entry = CommitTarget {
        name: t.name.clone(),
        samples: t.import_ms.len(),
        import_ms,
        adjusted_ms,
        modules: t.modules,
        change_ms,
        modules_added: added,
        modules_removed: removed,
        forbidden_loaded: t.forbidden.clone(),
        new_packages,
        instructions,
        instructions_change_percent,
    };
    *previous = Some(Previous {
        charted,
        loaded,
        count,
    });
    Some(entry)
}

impl HistoryReport {
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("history reports always serialize") + "\n"
    }

    /// What the chart plots of a target at a commit: its instruction counts (millions) when the
    /// history counted them, else its charted time.
    pub fn plotted(&self, t: &CommitTarget) -> Option<Interval> {
        match self.counter {
            Some(_) => t.counted_millions(),
            None => Some(t.charted()),
        }
    }

    /// The change the chart annotates: percent of the count, or milliseconds of time.
    pub fn plotted_change(&self, t: &CommitTarget) -> Option<f64> {
        match self.counter {
            Some(_) => t
                .instructions_change_percent
                .filter(|p| p.abs() >= COUNT_STEP_PERCENT),
            None => t.change_ms,
        }
    }

    /// Indices of the commits with the largest absolute changes of target `target` (at most
    /// `n`, largest first; ties keep the older commit first), in what the chart plots. Only steps
    /// whose interval does not overlap the previous measured commit's count: a change inside
    /// the noise is no step (nor, for counts, one under a tenth of the count gate's 1 %).
    pub fn largest_steps(&self, target: usize, n: usize) -> Vec<usize> {
        let mut steps: Vec<(usize, f64)> = Vec::new();
        let mut previous: Option<Interval> = None;
        for (i, c) in self.commits.iter().enumerate() {
            let Some(now) = c.targets.get(target).and_then(|t| self.plotted(t)) else {
                continue;
            };
            let change = c.targets.get(target).and_then(|t| self.plotted_change(t));
            if let (Some(before), Some(change)) = (previous, change)
                && (now.low > before.high || now.high < before.low)
            {
                steps.push((i, change.abs()));
            }
            previous = Some(now);
        }
        steps.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        steps.into_iter().take(n).map(|(i, _)| i).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn commit(k: usize, subject: &str) -> Commit {
        Commit {
            sha: format!("{k:040x}"),
            short: format!("{k:07x}"),
            subject: subject.into(),
            author: "Ada <ada@example.com>".into(),
            date: "2026-01-01T00:00:00+00:00".into(),
        }
    }

    pub(crate) fn measured(ms: f64, anchor: f64, loaded: &[&str]) -> StoredOutcome {
        StoredOutcome::Measured {
            targets: vec![StoredTarget {
                name: "pkg".into(),
                import_ms: (0..10).map(|i| ms + i as f64 * 0.1).collect(),
                anchor_ms: vec![anchor; 10],
                modules: loaded.len(),
                loaded: loaded.iter().map(|s| s.to_string()).collect(),
                forbidden: loaded
                    .iter()
                    .filter(|m| m.starts_with("xml.dom.minidom"))
                    .map(|s| s.to_string())
                    .collect(),
                instructions: vec![],
            }],
        }
    }

    /// A 32-commit history like the test repository's: 30 ms more from commit 9, xml from 21
    /// (with more modules and 4 ms more), commit 16's build failed.
    pub(crate) fn sample_report() -> HistoryReport {
        let base = ["pkg", "time"];
        let xml = [
            "pkg",
            "time",
            "xml",
            "xml.dom",
            "xml.dom.minidom",
            "xml.dom.domreg",
        ];
        let inputs = (1..=32)
            .map(|k| CommitInput {
                commit: commit(k, &format!("commit {k}: <revision> & more")),
                stored: k <= 8,
                outcome: match k {
                    16 => StoredOutcome::BuildFailed {
                        error: "this commit's build is broken on purpose".into(),
                    },
                    _ => measured(
                        0.5 + if k >= 9 { 30.0 } else { 0.0 } + if k >= 21 { 4.0 } else { 0.0 },
                        20.0,
                        if k >= 21 { &xml } else { &base },
                    ),
                },
            })
            .collect();
        let (commits, reference) = build_commits(inputs);
        HistoryReport {
            format_version: HISTORY_FORMAT_VERSION,
            kind: "history",
            tool_version: "0.1.0".into(),
            created_at: "2026-12-01T20:00:00Z".into(),
            targets: vec!["pkg".into()],
            forbid: vec!["xml.dom.minidom".into()],
            walk: "first-parent".into(),
            interpreter: "/usr/bin/python3 3.11.7".into(),
            machine: "linux x86_64 EPYC x2".into(),
            reference_anchor_ms: reference,
            counter: None,
            commits,
            measured: 23,
            stored: 8,
            environments: EnvCounts::default(),
            wall_s: 12.5,
            warnings: vec![],
        }
    }

    /// Four commits counted under callgrind: 2,000,000 instructions, +5 % at the third commit.
    pub(crate) fn counted_report() -> HistoryReport {
        let inputs = (1..=4)
            .map(|k| {
                let mut outcome = measured(10.0, 20.0, &["pkg"]);
                if let StoredOutcome::Measured { targets } = &mut outcome {
                    let n = if k >= 3 { 2_100_000 } else { 2_000_000 };
                    targets[0].instructions = vec![n, n, n + 1];
                }
                CommitInput {
                    commit: commit(k, &format!("commit {k}")),
                    stored: false,
                    outcome,
                }
            })
            .collect();
        let (commits, reference) = build_commits(inputs);
        HistoryReport {
            counter: Some("callgrind valgrind-3.19.0, PYTHONHASHSEED=0".into()),
            reference_anchor_ms: reference,
            commits,
            measured: 4,
            stored: 0,
            ..sample_report()
        }
    }

    #[test]
    fn counts_change_against_the_previous_commit_and_make_the_steps() {
        let report = counted_report();
        let t: Vec<&CommitTarget> = report.commits.iter().map(|c| &c.targets[0]).collect();
        assert_eq!(t[0].instructions_change_percent, None);
        assert_eq!(t[1].instructions_change_percent, Some(0.0));
        assert!((t[2].instructions_change_percent.unwrap() - 5.0).abs() < 1e-9);
        assert_eq!(t[2].instructions.as_ref().unwrap().median, 2_100_000);
        assert_eq!(report.largest_steps(0, 3), [2]);
        let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(
            json["counter"],
            "callgrind valgrind-3.19.0, PYTHONHASHSEED=0"
        );
        assert_eq!(
            json["commits"][2]["targets"][0]["instructions"]["median"],
            2_100_000
        );
        // A time-only history's document has neither key.
        let plain: serde_json::Value = serde_json::from_str(&sample_report().json()).unwrap();
        assert!(plain.get("counter").is_none());
        assert!(
            plain["commits"][0]["targets"][0]
                .get("instructions")
                .is_none()
        );
    }

    #[test]
    fn largest_steps_name_the_commits_that_moved() {
        let report = sample_report();
        let steps = report.largest_steps(0, 3);
        let subjects: Vec<&str> = steps
            .iter()
            .map(|&i| report.commits[i].commit.subject.as_str())
            .collect();
        assert_eq!(
            subjects,
            [
                "commit 9: <revision> & more",
                "commit 21: <revision> & more"
            ]
        );
        let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(json["format_version"], 1);
        assert_eq!(json["commits"].as_array().unwrap().len(), 32);
        assert_eq!(json["commits"][15]["status"], "build-failed");
        assert_eq!(json["commits"][20]["targets"][0]["new_packages"][0], "xml");
    }

    #[test]
    fn changes_and_new_packages_against_the_previous_measured_commit() {
        let inputs = vec![
            CommitInput {
                commit: commit(1, "one"),
                stored: true,
                outcome: measured(10.0, 20.0, &["pkg"]),
            },
            CommitInput {
                commit: commit(2, "broken"),
                stored: false,
                outcome: StoredOutcome::BuildFailed { error: "no".into() },
            },
            // Measured on a machine twice as slow: anchor 40 ms, import 20 ms.
            CommitInput {
                commit: commit(3, "eager xml"),
                stored: false,
                outcome: measured(20.0, 40.0, &["pkg", "xml", "xml.dom", "xml.dom.minidom"]),
            },
        ];
        let (commits, reference) = build_commits(inputs);
        assert_eq!(reference, Some(30.0));
        assert_eq!(commits[0].source, "stored");
        assert_eq!(commits[1].status, "build-failed");
        let (a, c) = (&commits[0].targets[0], &commits[2].targets[0]);
        assert_eq!(a.change_ms, None);
        // Adjusted: both are half the anchor, so the change is ~0 although raw time doubled.
        // 10.45 / 20 × 30 and 20.45 / 40 × 30: 15.68 and 15.34 ms, where raw times moved 10 ms.
        assert!((a.charted().median - 15.675).abs() < 1e-9, "{a:?}");
        assert!((c.change_ms.unwrap() + 0.3375).abs() < 1e-9, "{c:?}");
        assert!((c.import_ms.median - 20.45).abs() < 1e-9);
        assert_eq!(c.new_packages, ["xml"]);
        assert_eq!((c.modules_added, c.modules_removed), (3, 0));
        assert_eq!(c.forbidden_loaded, ["xml.dom.minidom"]);
    }
}
