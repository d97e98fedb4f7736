//! Runs a history: for each commit, the stored measurement when the store has one for the same
//! key (unless `--remeasure`), otherwise a [`HistoryProbe`] measures it and the result is stored,
//! a failed build included (so a second run does not rebuild it).
use std::time::Instant;

use super::report::{CommitInput, HISTORY_FORMAT_VERSION, HistoryReport, build_commits};
use super::store::{
    STORE_FORMAT_VERSION, Store, StoreKey, StoredCommit, StoredOutcome, StoredTarget,
};
use crate::bisect::driver::Failure;
use crate::bisect::report::EnvCounts;
use crate::git::Commit;

/// A commit's measurement: every target with its anchors, and how its environment came about.
pub struct Measurement {
    pub targets: Vec<StoredTarget>,
    pub environment: String,
}

/// Measures one commit for the history (the command's probe: environment cache + measurement).
pub trait HistoryProbe {
    type Error;
    fn measure(&mut self, commit: &Commit) -> Result<Measurement, Failure<Self::Error>>;
}

/// The store key parts shared by every commit, and whether to ignore stored results.
pub struct Plan {
    pub interpreter: String,
    pub machine: String,
    pub recipe: String,
    pub remeasure: bool,
    pub tool_version: String,
    pub created_at: String,
    pub targets: Vec<String>,
    pub forbid: Vec<String>,
    pub walk: String,
    /// `--metric instructions`: the counter, for the report (see [`HistoryReport::counter`]).
    pub counter: Option<String>,
}

/// Measures or reads every commit of `commits` (oldest first) and builds the report.
pub fn run<P: HistoryProbe>(
    probe: &mut P,
    store: &Store,
    commits: &[Commit],
    plan: Plan,
    now: impl Fn() -> String,
) -> Result<HistoryReport, P::Error> {
    let started = Instant::now();
    let mut inputs = Vec::new();
    let mut warnings = Vec::new();
    let mut environments = EnvCounts::default();
    let (mut measured, mut stored) = (0, 0);
    for commit in commits {
        let key = StoreKey {
            sha: commit.sha.clone(),
            interpreter: plan.interpreter.clone(),
            machine: plan.machine.clone(),
            recipe: plan.recipe.clone(),
        };
        if !plan.remeasure {
            match store.get(&key) {
                Ok(Some(entry)) => {
                    stored += 1;
                    inputs.push(CommitInput {
                        commit: commit.clone(),
                        stored: true,
                        outcome: entry.outcome,
                    });
                    continue;
                }
                Ok(None) => {}
                Err(reason) => warnings.push(reason),
            }
        }
        let outcome = match probe.measure(commit) {
            Ok(m) => {
                environments.count(&m.environment);
                StoredOutcome::Measured { targets: m.targets }
            }
            Err(Failure::Skip { reason }) => {
                environments.count("failed");
                StoredOutcome::BuildFailed { error: reason }
            }
            Err(Failure::Fatal(e)) => return Err(e),
        };
        measured += 1;
        let entry = StoredCommit {
            format_version: STORE_FORMAT_VERSION,
            key,
            measured_at: now(),
            outcome,
        };
        if let Err(e) = store.put(&entry) {
            warnings.push(format!(
                "{e}; {} will be measured again next time",
                commit.short
            ));
        }
        inputs.push(CommitInput {
            commit: commit.clone(),
            stored: false,
            outcome: entry.outcome,
        });
    }
    let (commits, reference) = build_commits(inputs);
    Ok(HistoryReport {
        format_version: HISTORY_FORMAT_VERSION,
        kind: "history",
        tool_version: plan.tool_version,
        created_at: plan.created_at,
        targets: plan.targets,
        forbid: plan.forbid,
        walk: plan.walk,
        interpreter: plan.interpreter,
        machine: plan.machine,
        reference_anchor_ms: reference,
        counter: plan.counter,
        commits,
        measured,
        stored,
        environments,
        wall_s: started.elapsed().as_secs_f64(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(k: usize) -> Commit {
        Commit {
            sha: format!("{k:040x}"),
            short: format!("c{k}"),
            subject: format!("commit {k}"),
            author: "Ada <ada@example.com>".into(),
            date: "2026-01-01T00:00:00+00:00".into(),
        }
    }

    struct Fake {
        measured: Vec<usize>,
        broken: usize,
    }

    impl HistoryProbe for Fake {
        type Error = String;
        fn measure(&mut self, c: &Commit) -> Result<Measurement, Failure<String>> {
            let k: usize = c.subject[7..].parse().unwrap();
            self.measured.push(k);
            if k == self.broken {
                return Err(Failure::Skip {
                    reason: "build failed".into(),
                });
            }
            if k == 99 {
                return Err(Failure::Fatal("interrupted".into()));
            }
            let ms = if k >= 9 { 40.0 } else { 10.0 };
            Ok(Measurement {
                targets: vec![StoredTarget {
                    name: "pkg".into(),
                    import_ms: vec![ms; 5],
                    anchor_ms: vec![20.0; 5],
                    modules: 2,
                    loaded: vec!["pkg".into(), "time".into()],
                    forbidden: vec![],
                    instructions: vec![],
                }],
                environment: "cloned".into(),
            })
        }
    }

    fn plan(remeasure: bool) -> Plan {
        Plan {
            interpreter: "/usr/bin/python3 3.11.7".into(),
            machine: "linux x86_64 x2".into(),
            recipe: "pkg".into(),
            remeasure,
            tool_version: "0".into(),
            created_at: "now".into(),
            targets: vec!["pkg".into()],
            forbid: vec![],
            walk: "first-parent".into(),
            counter: None,
        }
    }

    #[test]
    fn an_overlapping_second_run_measures_only_new_commits() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf());
        let now = || "2026-12-01T00:00:00Z".to_string();
        let mut fake = Fake {
            measured: vec![],
            broken: 5,
        };
        let first: Vec<Commit> = (1..=8).map(commit).collect();
        let report = run(&mut fake, &store, &first, plan(false), now).unwrap();
        assert_eq!((report.measured, report.stored), (8, 0));
        assert_eq!(report.commits[4].status, "build-failed");
        assert_eq!(report.environments.failed, 1);
        fake.measured.clear();
        let second: Vec<Commit> = (5..=12).map(commit).collect();
        let report = run(&mut fake, &store, &second, plan(false), now).unwrap();
        assert_eq!(fake.measured, [9, 10, 11, 12]);
        assert_eq!((report.measured, report.stored), (4, 4));
        assert_eq!(report.commits[0].status, "build-failed");
        assert_eq!(report.commits[0].source, "stored");
        assert_eq!(report.largest_steps(0, 3), [4]);
        fake.measured.clear();
        let report = run(&mut fake, &store, &second, plan(true), now).unwrap();
        assert_eq!(fake.measured, (5..=12).collect::<Vec<_>>());
        assert_eq!(report.stored, 0);
    }

    #[test]
    fn a_fatal_error_stops_and_keeps_what_was_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf());
        let mut fake = Fake {
            measured: vec![],
            broken: 0,
        };
        let commits = vec![commit(1), commit(99), commit(3)];
        let err = run(&mut fake, &store, &commits, plan(false), String::new).unwrap_err();
        assert_eq!(err, "interrupted");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
