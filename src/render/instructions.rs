//! Renderers of an instruction comparison (`ab --metric instructions`).
use super::View;
use super::junit::{Case, suite_with_output};
use super::report::{Annotation, Report};
use crate::escape::terminal as esc;
pub use crate::stats::instructions::grouped;
use crate::stats::instructions::percent;
use crate::stats::paired::Verdict;
use crate::verdict::instructions::{CAVEAT, InstructionComparison, SideInfo, TargetCounts};

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Regression => "REGRESSION",
        Verdict::Improvement => "improvement",
        Verdict::Unchanged => "unchanged",
        Verdict::Inconclusive => "inconclusive",
    }
}

fn signed_percent(x: f64) -> String {
    format!("{} %", crate::model::words::signed(x, 3))
}

fn side(counts: &[u64], spread: f64, median: u64) -> String {
    format!(
        "{} ({}, spread {})",
        grouped(median),
        crate::model::words::count(counts.len(), "sample"),
        percent(spread)
    )
}

fn target_lines(t: &TargetCounts, view: &View) -> String {
    let s = &view.styles;
    let g = &t.gate;
    let style = match g.verdict {
        Verdict::Regression => s.bad,
        Verdict::Improvement => s.good,
        Verdict::Inconclusive => s.warn,
        Verdict::Unchanged => s.dim,
    };
    let mut out = format!(
        "{}\n  baseline  {}\n  candidate {}\n  change    {}   {}\n",
        super::Styles::paint(s.heading, &t.name),
        side(&t.baseline_counts, g.baseline.spread, g.baseline.median),
        side(&t.candidate_counts, g.candidate.spread, g.candidate.median),
        signed_percent(g.change_percent()),
        super::Styles::paint(style, verdict_word(g.verdict)),
    );
    if let Some((a, b)) = t.import_ms {
        out.push_str(&format!(
            "  {}\n",
            super::Styles::paint(s.dim, format!("time      {}", time_text(a, b)))
        ));
    }
    if let Some(e) = &t.explanation {
        out.push_str(&format!("  {}\n", super::Styles::paint(s.warn, e)));
    }
    out
}

/// The median import times beside the counts (not gated).
fn time_text(a: f64, b: f64) -> String {
    format!(
        "{} ms -> {} ms (median import time, not gated)",
        super::ms(a),
        super::ms(b)
    )
}

/// The names of the compared revisions (`branches`: name and short SHA, or the working tree),
/// as the time comparison shows them; `None` when the sides are no revisions.
fn revisions(c: &InstructionComparison) -> Option<(String, String)> {
    let named = |s: &SideInfo| {
        s.git
            .as_ref()
            .filter(|g| g.revision.is_some() || g.working_tree)
            .map(|g| g.describe())
    };
    Some((named(&c.baseline)?, named(&c.candidate)?))
}

impl Report for InstructionComparison {
    fn terminal(&self, view: &View) -> String {
        let mut out = format!(
            "instructions ({} {}, PYTHONHASHSEED={}) · threshold {} · baseline {} · candidate {}\n",
            self.counter,
            self.counter_version,
            self.hash_seed,
            percent(self.threshold_percent / 100.0),
            self.baseline.python,
            self.candidate.python
        );
        if let Some((a, b)) = revisions(self) {
            out.push_str(&format!(
                "  baseline  {}\n  candidate {}\n",
                esc(&a),
                esc(&b)
            ));
        }
        out.push('\n');
        let distributions = super::distributions::terminal(self.distributions.as_ref());
        for line in &distributions {
            out.push_str(&format!("  {line}\n"));
        }
        if !distributions.is_empty() {
            out.push('\n');
        }
        for t in &self.targets {
            out.push_str(&target_lines(t, view));
            out.push('\n');
        }
        for d in &self.differences {
            let w = super::Styles::paint(view.styles.warn, "warning:");
            out.push_str(&format!("{w} {d}: counts may not be comparable\n"));
        }
        out.push_str(&format!("note: {CAVEAT}\n"));
        out
    }

    fn markdown(&self, _view: &View) -> String {
        let mut out = format!(
            "### coldstart {}: instructions ({} {})\n\n| target | baseline | candidate | change | verdict |\n|---|---|---|---|---|\n",
            self.command, self.counter, self.counter_version
        );
        if let Some((a, b)) = revisions(self) {
            let header = format!(
                "Baseline {} → candidate {}\n\n",
                crate::escape::markdown_code(&a),
                crate::escape::markdown_code(&b)
            );
            let at = out.find("| target").unwrap_or(out.len());
            out.insert_str(at, &header);
        }
        for t in &self.targets {
            let g = &t.gate;
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                t.name,
                grouped(g.baseline.median),
                grouped(g.candidate.median),
                signed_percent(g.change_percent()),
                verdict_word(g.verdict)
            ));
        }
        for t in &self.targets {
            if let Some((a, b)) = t.import_ms {
                out.push_str(&format!("\n`{}` time: {}\n", t.name, time_text(a, b)));
            }
        }
        for d in &self.differences {
            out.push_str(&format!(
                "\n> **Warning:** {d}: counts may not be comparable\n"
            ));
        }
        super::distributions::markdown(self.distributions.as_ref(), &mut out);
        for t in self.targets.iter().filter(|t| t.explanation.is_some()) {
            out.push_str(&format!(
                "\n`{}`: {}\n",
                t.name,
                t.explanation.as_deref().unwrap_or_default()
            ));
        }
        out.push_str(&format!("\n_{CAVEAT}._\n"));
        out
    }

    fn junit(&self) -> String {
        let cases: Vec<Case> = self
            .targets
            .iter()
            .map(|t| Case {
                classname: format!("coldstart.{}.instructions", self.command),
                name: t.name.clone(),
                failure: (t.gate.verdict == Verdict::Regression).then(|| {
                    format!(
                        "{}: instructions {} (threshold {})",
                        t.name,
                        signed_percent(t.gate.change_percent()),
                        percent(self.threshold_percent / 100.0)
                    )
                }),
                output: t.explanation.clone().unwrap_or_default(),
            })
            .collect();
        let output = super::distributions::junit(self.distributions.as_ref());
        suite_with_output(&format!("coldstart {}", self.command), &cases, &output)
    }

    fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("comparisons always serialize") + "\n"
    }

    fn annotations(&self) -> Vec<Annotation> {
        let mut out: Vec<Annotation> = self
            .targets
            .iter()
            .filter(|t| t.gate.verdict == Verdict::Regression)
            .map(|t| {
                Annotation::error(format!(
                    "{}: instruction regression {}",
                    t.name,
                    signed_percent(t.gate.change_percent())
                ))
            })
            .collect();
        out.extend(
            self.targets
                .iter()
                .filter_map(|t| t.explanation.as_ref())
                .map(|e| Annotation::warning(e.clone())),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `branches --metric instructions` names both revisions (as the time comparison does);
    /// `ab`, whose sides are no revisions, does not.
    #[test]
    fn revisions_are_named_in_the_header() {
        use crate::git::GitInfo;
        use crate::stats::instructions::{CountParams, count_gate};
        let params = CountParams::default();
        let gate = count_gate(&[1000, 1000, 1000], &[1100, 1100, 1100], &params).unwrap();
        let rev = |spec: &str, sha: &str| GitInfo {
            commit: format!("{sha}{}", "0".repeat(33)),
            branch: Some(spec.into()),
            dirty: false,
            revision: Some(spec.into()),
            short: Some(sha.into()),
            working_tree: false,
        };
        let side = |git| SideInfo {
            python: "/env/bin/python".into(),
            version: "3.11.7".into(),
            git,
        };
        let mut c = InstructionComparison {
            kind: "instruction-comparison",
            command: "branches".into(),
            metric: "instructions",
            counter: "callgrind".into(),
            counter_version: "valgrind-3.19.0".into(),
            hash_seed: "0".into(),
            created_at: "2026-12-02T00:00:00Z".into(),
            baseline: side(Some(rev("v1.0", "abc1234"))),
            candidate: side(Some(rev("main", "def5678"))),
            distributions: None,
            threshold_percent: 1.0,
            tolerance_percent: 0.1,
            targets: vec![TargetCounts {
                name: "pkg".into(),
                statement: "import pkg".into(),
                baseline_counts: vec![1000; 3],
                candidate_counts: vec![1100; 3],
                gate,
                cause: None,
                explanation: None,
                import_ms: None,
            }],
            caveat: CAVEAT,
            files: None,
            differences: Vec::new(),
        };
        let text = c.terminal(&View::new(false, 5));
        assert!(
            text.contains("\n  baseline  v1.0 (abc1234)\n  candidate main (def5678)\n"),
            "{text}"
        );
        let md = c.markdown(&View::new(false, 5));
        assert!(
            md.contains("Baseline `v1.0 (abc1234)` → candidate `main (def5678)`\n\n| target"),
            "{md}"
        );
        let json: serde_json::Value = serde_json::from_str(&c.json()).unwrap();
        assert_eq!(json["candidate"]["git"]["short"], "def5678");
        c.baseline.git = None;
        c.candidate.git = None;
        assert!(!c.terminal(&View::new(false, 5)).contains("v1.0"));
        assert!(!c.markdown(&View::new(false, 5)).contains("Baseline"));
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(111_901_637), "111,901,637");
    }
}
