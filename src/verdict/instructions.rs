//! The comparison of two sides' instruction counts (`ab --metric instructions`): per target the
//! counts, the count gate of `stats::instructions`, and the likely cause when counts vary.
use crate::results::{Counting, ResultFile};
use crate::stats::instructions::{self, Cause, CountGate, CountParams, Evidence};
use crate::stats::paired::Verdict;
use serde::Serialize;

/// What every instruction report says: counts are not time.
pub const CAVEAT: &str = "instructions are not time: system calls (the import system's file-system work) are not counted, and counts compare only on one machine";

/// One side of one target: the counts and what the children showed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SideCounts {
    pub counts: Vec<u64>,
    /// Sorted module sets of each child (to tell whether they differed).
    pub module_sets: Vec<Vec<String>>,
}

impl SideCounts {
    fn evidence(&self, hash_seed: &str) -> Evidence {
        let modules_differ = self.module_sets.windows(2).any(|w| w[0] != w[1]);
        let random_loaded = self
            .module_sets
            .iter()
            .flatten()
            .any(|m| matches!(m.as_str(), "random" | "secrets" | "uuid" | "tempfile"));
        Evidence {
            hash_seed: Some(hash_seed.to_string()),
            max_threads: 1,
            modules_differ,
            random_loaded,
        }
    }
}

/// One target's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetCounts {
    pub name: String,
    pub statement: String,
    pub baseline_counts: Vec<u64>,
    pub candidate_counts: Vec<u64>,
    pub gate: CountGate,
    /// Set when the gate is inconclusive.
    pub cause: Option<Cause>,
    /// The one-line explanation of an inconclusive gate.
    pub explanation: Option<String>,
    /// `compare`: the median import times of the two results, shown beside the counts (not
    /// gated: the count is the verdict).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_ms: Option<(f64, f64)>,
}

/// The interpreter and environment of one side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideInfo {
    pub python: String,
    pub version: String,
    /// The side's git state (`branches`: the revision and its SHA, or the working tree).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<crate::git::GitInfo>,
}

/// Everything an instruction comparison reports and stores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstructionComparison {
    /// `instruction-comparison`: tells this file from a time comparison.
    pub kind: &'static str,
    pub command: String,
    pub metric: &'static str,
    /// `callgrind`.
    pub counter: String,
    /// `valgrind-3.19.0`.
    pub counter_version: String,
    /// The `PYTHONHASHSEED` of every counted child.
    pub hash_seed: String,
    pub created_at: String,
    pub baseline: SideInfo,
    pub candidate: SideInfo,
    /// Installed distributions that differ (as in the time comparison); `None` when a side's
    /// listing failed.
    pub distributions: Option<crate::verdict::distributions::DistributionDiff>,
    pub threshold_percent: f64,
    pub tolerance_percent: f64,
    pub targets: Vec<TargetCounts>,
    pub caveat: &'static str,
    /// `compare`: the result files compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<(String, String)>,
    /// `compare`: how the two results' machines or counting differ (empty: comparable).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
}

impl InstructionComparison {
    /// No target regressed.
    pub fn passed(&self) -> bool {
        self.targets
            .iter()
            .all(|t| t.gate.verdict != Verdict::Regression)
    }
}

/// Judges one target's counts; `None` when a side has no counts (never, once measured).
pub fn judge(
    name: &str,
    statement: &str,
    sides: (&SideCounts, &SideCounts),
    params: &CountParams,
    hash_seed: &str,
) -> Option<TargetCounts> {
    let evidence = sides
        .0
        .evidence(hash_seed)
        .merge(&sides.1.evidence(hash_seed));
    judge_counts(
        (name, statement),
        (&sides.0.counts, &sides.1.counts),
        params,
        &evidence,
    )
}

/// Judges one target's counts with what the children showed.
fn judge_counts(
    (name, statement): (&str, &str),
    counts: (&[u64], &[u64]),
    params: &CountParams,
    evidence: &Evidence,
) -> Option<TargetCounts> {
    let gate = instructions::count_gate(counts.0, counts.1, params).ok()?;
    let cause = (gate.verdict == Verdict::Inconclusive).then(|| evidence.likely_cause());
    let explanation = cause.as_ref().and_then(|c| instructions::explain(&gate, c));
    Some(TargetCounts {
        name: name.to_string(),
        statement: statement.to_string(),
        baseline_counts: counts.0.to_vec(),
        candidate_counts: counts.1.to_vec(),
        gate,
        cause,
        explanation,
        import_ms: None,
    })
}

/// How two results' counting differs: counter, its version, hash seed (each makes counts
/// incomparable, as a different machine does).
pub fn counting_differences(a: &Counting, b: &Counting) -> Vec<String> {
    let mut out = Vec::new();
    for (what, x, y) in [
        ("counter", &a.counter, &b.counter),
        ("counter version", &a.counter_version, &b.counter_version),
        ("PYTHONHASHSEED", &a.hash_seed, &b.hash_seed),
    ] {
        if x != y {
            out.push(format!("{what} differs: {x} vs {y}"));
        }
    }
    out
}

/// `compare --metric instructions`: the count gate on every target both results counted, no
/// anchor normalisation (counts do not depend on the machine's speed). `differences` are the
/// caller's machine and counting differences, recorded in the comparison. `Err` names the
/// side without counts.
pub fn compare_results(
    base: &ResultFile,
    cand: &ResultFile,
    files: (String, String),
    params: &CountParams,
    differences: Vec<String>,
) -> Result<InstructionComparison, &'static str> {
    let (Some(ca), Some(_)) = (&base.instructions, &cand.instructions) else {
        return Err(if base.instructions.is_none() {
            "baseline"
        } else {
            "candidate"
        });
    };
    let evidence = |t: &crate::results::TargetResult, seed: &str| Evidence {
        hash_seed: Some(seed.to_string()),
        max_threads: 1,
        modules_differ: !t.modules.varying.is_empty(),
        random_loaded: t
            .modules
            .loaded
            .iter()
            .any(|m| matches!(m.as_str(), "random" | "secrets" | "uuid" | "tempfile")),
    };
    let seed = |r: &ResultFile| r.instructions.as_ref().map(|c| c.hash_seed.clone());
    let (sa, sb) = (
        seed(base).unwrap_or_default(),
        seed(cand).unwrap_or_default(),
    );
    let mut targets = Vec::new();
    for b in &base.targets {
        let Some(c) = cand.targets.iter().find(|c| c.name == b.name) else {
            continue;
        };
        let (Some(nb), Some(nc)) = (&b.instructions, &c.instructions) else {
            continue;
        };
        let ev = evidence(b, &sa).merge(&evidence(c, &sb));
        let judged = judge_counts(
            (&b.name, &b.statement),
            (&nb.samples, &nc.samples),
            params,
            &ev,
        );
        targets.extend(judged.map(|mut t| {
            t.import_ms = Some((b.summary.import_ms.median, c.summary.import_ms.median));
            t
        }));
    }
    let info = |r: &ResultFile| SideInfo {
        python: r.environment.python.executable.display().to_string(),
        version: r.environment.python.version.clone(),
        git: r.environment.git.clone(),
    };
    Ok(InstructionComparison {
        kind: "instruction-comparison",
        command: "compare".into(),
        metric: "instructions",
        counter: ca.counter.clone(),
        counter_version: ca.counter_version.clone(),
        hash_seed: ca.hash_seed.clone(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        baseline: info(base),
        candidate: info(cand),
        distributions: super::distributions::distribution_diff(base, cand),
        threshold_percent: params.threshold * 100.0,
        tolerance_percent: params.tolerance * 100.0,
        targets,
        caveat: CAVEAT,
        files: Some(files),
        differences,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(counts: &[u64], modules: &[&[&str]]) -> SideCounts {
        SideCounts {
            counts: counts.to_vec(),
            module_sets: modules
                .iter()
                .map(|m| m.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn exact_counts_give_a_verdict_without_a_cause() {
        let a = side(&[1000; 3], &[&["a"], &["a"], &["a"]]);
        let b = side(&[1030; 3], &[&["a"], &["a"], &["a"]]);
        let t = judge("a", "import a", (&a, &b), &CountParams::default(), "0").expect("counts");
        assert_eq!(t.gate.verdict, Verdict::Regression);
        assert_eq!((t.cause, t.explanation), (None, None));
    }

    #[test]
    fn varying_counts_name_the_evidence() {
        let a = side(&[1000, 1100, 1050], &[&["a"], &["a", "b"], &["a"]]);
        let b = side(&[1000; 3], &[&["a"], &["a"], &["a"]]);
        let t = judge("a", "import a", (&a, &b), &CountParams::default(), "0").expect("counts");
        assert_eq!(t.gate.verdict, Verdict::Inconclusive);
        assert_eq!(t.cause, Some(Cause::ModulesDiffer));
        let text = t.explanation.expect("explained");
        assert!(
            text.starts_with("inconclusive: instruction counts vary by 10.00 % between samples"),
            "{text}"
        );
        let r = side(
            &[1000, 1100, 1050],
            &[&["random"], &["random"], &["random"]],
        );
        let t = judge("a", "import a", (&r, &b), &CountParams::default(), "0").expect("counts");
        assert_eq!(t.cause, Some(Cause::Randomness));
        let t = judge("a", "import a", (&r, &b), &CountParams::default(), "random").expect("c");
        assert_eq!(t.cause, Some(Cause::HashRandomisation));
    }
}
