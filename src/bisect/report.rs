//! The bisect report: every measured commit (a `steps` list), then the first bad commit with what
//! changed at it, or the range of candidates skips left. Serialized as the versioned JSON document
//! described in docs/results-format.md ("Bisect format").
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::condition::Condition;
use crate::git::Commit;

/// Version of the bisect JSON document; bumped on any incompatible change.
pub const BISECT_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BisectReport {
    pub format_version: u32,
    /// Always `bisect`.
    pub kind: &'static str,
    pub tool_version: String,
    pub created_at: String,
    pub targets: Vec<String>,
    pub condition: Condition,
    /// `first-parent` or `all-parents`.
    pub walk: String,
    pub good: Commit,
    pub bad: Commit,
    /// Commits after GOOD up to and including BAD.
    pub range_commits: usize,
    /// One entry per measured commit, in measurement order (GOOD and BAD first).
    pub steps: Vec<Step>,
    pub outcome: Outcome,
    /// Present when `outcome` is `found`.
    pub first_bad: Option<FirstBad>,
    /// When `outcome` is `ambiguous`: the commits one of which is the first bad one, oldest first.
    pub candidates: Vec<Commit>,
    pub environments: EnvCounts,
    pub wall_s: f64,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// One first bad commit (exit 0).
    Found,
    /// Skips leave several candidates (exit 1).
    Ambiguous,
}

/// Why a commit was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// GOOD, checked not to satisfy the condition (and the reference of `--slower`).
    Good,
    /// BAD, checked to satisfy it.
    Bad,
    /// A commit in between, measured by the search.
    Probe,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Position in the walked list: 0 is GOOD, `range_commits` is BAD.
    pub position: usize,
    pub role: Role,
    pub commit: Commit,
    /// `good`, `bad` or `skip`.
    pub mark: &'static str,
    /// How its environment came about: `built`, `cloned`, `reused`, or `failed`.
    pub environment: String,
    pub value: Measured,
    /// Why it was skipped (build error, inconclusive verdict).
    pub note: Option<String>,
}

/// What was measured at one commit; fields that the condition does not use are `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Measured {
    /// `len(sys.modules)` after the import (exact conditions), summed over targets.
    pub modules: Option<usize>,
    /// Median import time of the commit's samples, first target.
    pub import_ms: Option<f64>,
    /// `--slower`: the paired ratio to GOOD (estimate and one-sided 95 % bounds);
    /// `--metric instructions`: the ratio of median counts, and the smallest and largest ratio of
    /// any two samples.
    pub ratio: Option<Ratio>,
    /// `--slower` and `--metric instructions`: the gate's verdict (`regression`, `unchanged`, ...).
    pub verdict: Option<String>,
    /// `--slower`: pairs taken.
    pub pairs: Option<usize>,
    /// `--metric instructions`: the commit's median instruction count, first target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<u64>,
    /// `--metric instructions`: the commit's counted children, first target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// The first bad commit and what changed at it against its parent (the previous commit of the
/// walk, measured for the comparison when the search had not).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstBad {
    pub commit: Commit,
    pub parent: Commit,
    pub changes: ModuleChanges,
    /// The chain that loads each module named by the condition (and each new top-level
    /// package's first module), as `why` prints it.
    pub chains: Vec<Chain>,
    /// The import-tree diff against the parent: modules whose cumulative time moved most.
    pub tree_changes: Vec<TreeChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModuleChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Top-level packages the parent did not load.
    pub new_packages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chain {
    pub module: String,
    /// From the target down to `module`, each with its cumulative time.
    pub links: Vec<ChainLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainLink {
    pub module: String,
    pub cumulative_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeChange {
    pub module: String,
    /// `null` when the parent did not import it.
    pub parent_ms: Option<f64>,
    /// `null` when the first bad commit does not import it.
    pub commit_ms: Option<f64>,
    pub delta_ms: f64,
}

/// Environments the run needed, by how they came about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EnvCounts {
    pub built: usize,
    pub cloned: usize,
    pub reused: usize,
    pub failed: usize,
}

impl EnvCounts {
    /// Counts one environment by its outcome name (`built`, `cloned`, `reused`, `failed`).
    pub fn count(&mut self, outcome: &str) {
        match outcome {
            "built" => self.built += 1,
            "cloned" => self.cloned += 1,
            "reused" => self.reused += 1,
            _ => self.failed += 1,
        }
    }
}

impl BisectReport {
    /// Measured commits of the range (GOOD, the reference, not counted).
    pub fn range_steps(&self) -> usize {
        self.steps.iter().filter(|s| s.role != Role::Good).count()
    }

    /// Steps that were skipped.
    pub fn skipped(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.mark == "skip")
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("bisect reports always serialize") + "\n"
    }
}

/// Modules added and removed between two module sets, and top-level packages only `commit` has.
pub fn module_changes<S: AsRef<str>>(parent: &[S], commit: &[S]) -> ModuleChanges {
    let set = |xs: &[S]| {
        xs.iter()
            .map(|s| s.as_ref().to_string())
            .collect::<BTreeSet<_>>()
    };
    let (before, after) = (set(parent), set(commit));
    let tops = |s: &BTreeSet<String>| {
        s.iter()
            .map(|m| m.split('.').next().unwrap_or(m).to_string())
            .collect::<BTreeSet<_>>()
    };
    ModuleChanges {
        added: after.difference(&before).cloned().collect(),
        removed: before.difference(&after).cloned().collect(),
        new_packages: tops(&after).difference(&tops(&before)).cloned().collect(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn commit(k: usize, subject: &str) -> Commit {
        Commit {
            sha: format!("{k:040x}"),
            short: format!("{k:07x}"),
            subject: subject.into(),
            author: "Ada Bisect <ada@example.com>".into(),
            date: format!("2026-01-02T{:02}:00:00+00:00", k % 24),
        }
    }

    fn step(position: usize, role: Role, mark: &'static str, modules: Option<usize>) -> Step {
        let k = position + 1;
        let subject = match k {
            1 => "commit 1: the project".to_string(),
            21 => "commit 21: import xml.dom.minidom eagerly".to_string(),
            _ => format!("commit {k}: revision {k}"),
        };
        Step {
            position,
            role,
            commit: commit(k, &subject),
            mark,
            environment: if modules.is_some() {
                "cloned"
            } else {
                "failed"
            }
            .into(),
            value: Measured {
                modules,
                ..Measured::default()
            },
            note: modules
                .is_none()
                .then(|| "build failed: broken on purpose".to_string()),
        }
    }

    /// `--forbid xml.dom.minidom` over the 32-commit history, commit 16's build failing.
    pub(crate) fn sample_report() -> BisectReport {
        let steps = vec![
            step(0, Role::Good, "good", Some(40)),
            step(31, Role::Bad, "bad", Some(44)),
            step(15, Role::Probe, "skip", None),
            step(16, Role::Probe, "good", Some(40)),
            step(24, Role::Probe, "bad", Some(44)),
            step(20, Role::Probe, "bad", Some(44)),
            step(18, Role::Probe, "good", Some(40)),
            step(19, Role::Probe, "good", Some(40)),
        ];
        let first = steps[5].commit.clone();
        let parent = steps[7].commit.clone();
        BisectReport {
            format_version: BISECT_FORMAT_VERSION,
            kind: "bisect",
            tool_version: "0.1.0".into(),
            created_at: "2026-12-01T20:00:00Z".into(),
            targets: vec!["bisectproj".into()],
            condition: Condition::Forbid {
                module: "xml.dom.minidom".into(),
            },
            walk: "first-parent".into(),
            good: steps[0].commit.clone(),
            bad: steps[1].commit.clone(),
            range_commits: 31,
            steps,
            outcome: Outcome::Found,
            first_bad: Some(FirstBad {
                commit: first,
                parent,
                changes: module_changes(
                    &["bisectproj", "time"],
                    &[
                        "bisectproj",
                        "time",
                        "xml",
                        "xml.dom",
                        "xml.dom.domreg",
                        "xml.dom.minidom",
                    ],
                ),
                chains: vec![Chain {
                    module: "xml.dom.minidom".into(),
                    links: vec![
                        ChainLink {
                            module: "bisectproj".into(),
                            cumulative_ms: 3.1,
                        },
                        ChainLink {
                            module: "xml.dom.minidom".into(),
                            cumulative_ms: 2.9,
                        },
                    ],
                }],
                tree_changes: vec![TreeChange {
                    module: "xml.dom.minidom".into(),
                    parent_ms: None,
                    commit_ms: Some(2.9),
                    delta_ms: 2.9,
                }],
            }),
            candidates: vec![],
            environments: EnvCounts {
                built: 1,
                cloned: 6,
                reused: 0,
                failed: 1,
            },
            wall_s: 4.2,
            warnings: vec![],
        }
    }

    #[test]
    fn module_changes_are_sorted_sets() {
        let parent = ["json", "pkg", "pkg.a"];
        let commit = ["json", "pkg", "xml", "xml.dom", "xml.dom.minidom", "pkg.b"];
        let c = module_changes(&parent, &commit);
        assert_eq!(c.added, ["pkg.b", "xml", "xml.dom", "xml.dom.minidom"]);
        assert_eq!(c.removed, ["pkg.a"]);
        assert_eq!(c.new_packages, ["xml"]);
    }

    #[test]
    fn env_counts_by_outcome() {
        let mut c = EnvCounts::default();
        for o in ["built", "cloned", "reused", "reused", "failed"] {
            c.count(o);
        }
        assert_eq!(
            c,
            EnvCounts {
                built: 1,
                cloned: 1,
                reused: 2,
                failed: 1
            }
        );
    }
}
