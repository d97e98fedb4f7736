//! Reports of `coldstart bisect`: each measured commit, then the first bad commit with what
//! changed at it (module diff against its parent, the chain that loads the module, the tree diff),
//! or the candidates that skips left.
use crate::model::words::count;
use std::fmt::Write;

use super::junit::{Case, suite};
use super::report::{Annotation, Report};
use super::{Styles, View, ms, signed_ms};
use crate::bisect::report::{BisectReport, FirstBad, Measured, Outcome, Role, Step};
use crate::escape::terminal as esc;
use crate::stats::instructions::grouped;

// Commit subjects and authors (from the repository) and module names (from children) are shown
// through `esc` on a terminal.

impl Report for BisectReport {
    fn terminal(&self, view: &View) -> String {
        let st = &view.styles;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} · bad when {} · {}..{} ({}, {})",
            Styles::paint(st.heading, "coldstart bisect"),
            self.condition.describe(),
            self.good.short,
            self.bad.short,
            count(self.range_commits, "commit"),
            self.walk
        );
        for (i, s) in self.steps.iter().enumerate() {
            let mark = match s.mark {
                "bad" => Styles::paint(st.bad, "bad "),
                "good" => Styles::paint(st.good, "good"),
                _ => Styles::paint(st.warn, "skip"),
            };
            let _ = writeln!(
                out,
                "  {:<5} {} {}  {:<28} {}",
                role(i, s),
                s.commit.short,
                mark,
                value(&s.value),
                Styles::paint(st.dim, esc(&super::ellipsize(&s.commit.subject, 60)))
            );
            if let Some(note) = &s.note {
                let _ = writeln!(out, "        {}", Styles::paint(st.warn, esc(note)));
            }
        }
        match (&self.outcome, &self.first_bad) {
            (Outcome::Found, Some(first)) => first_bad_terminal(&mut out, first, view),
            _ => {
                let _ = writeln!(
                    out,
                    "{}: skipped commits hide the first bad commit; it is one of:",
                    Styles::paint(st.warn, "no single first bad commit")
                );
                for c in &self.candidates {
                    let _ = writeln!(out, "  {} {}", c.short, esc(&c.subject));
                }
            }
        }
        let _ = writeln!(out, "{}", summary(self));
        for w in &self.warnings {
            let _ = writeln!(out, "{}: {}", Styles::paint(st.warn, "warning"), esc(w));
        }
        out
    }

    fn markdown(&self, _view: &View) -> String {
        let mut out = format!(
            "### coldstart bisect: {}\n\nBad when {} · `{}..{}` ({}, {})\n\n| step | commit | subject | measured | mark |\n|---|---|---|---|---|\n",
            match (&self.outcome, &self.first_bad) {
                (Outcome::Found, Some(f)) => format!("first bad commit `{}`", f.commit.short),
                _ => count(self.candidates.len(), "candidate"),
            },
            self.condition.describe(),
            self.good.short,
            self.bad.short,
            count(self.range_commits, "commit"),
            self.walk
        );
        for (i, s) in self.steps.iter().enumerate() {
            let note = s.note.as_ref().map_or(String::new(), |n| format!(" ({n})"));
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {}{} |",
                role(i, s),
                s.commit.short,
                cell(&s.commit.subject),
                value(&s.value),
                s.mark,
                cell(&note)
            );
        }
        match (&self.outcome, &self.first_bad) {
            (Outcome::Found, Some(f)) => {
                let _ = writeln!(
                    out,
                    "\n**First bad commit** `{}` {} — {}, {} (parent `{}`)\n",
                    f.commit.short,
                    cell(&f.commit.subject),
                    cell(&f.commit.author),
                    f.commit.date,
                    f.parent.short
                );
                let c = &f.changes;
                let _ = writeln!(
                    out,
                    "- modules +{} −{}{}",
                    c.added.len(),
                    c.removed.len(),
                    listed(&c.added, 12, "`")
                );
                if !c.new_packages.is_empty() {
                    let _ = writeln!(
                        out,
                        "- new top-level packages:{}",
                        listed(&c.new_packages, 12, "`")
                    );
                }
                for chain in &f.chains {
                    let _ = writeln!(
                        out,
                        "- why {}: {}",
                        crate::escape::markdown_code(&chain.module),
                        chain_text(chain)
                    );
                }
                for t in f.tree_changes.iter().take(5) {
                    let _ = writeln!(
                        out,
                        "- tree: {} {} ms",
                        crate::escape::markdown_code(&t.module),
                        signed_ms(t.delta_ms)
                    );
                }
            }
            _ => {
                let _ = writeln!(
                    out,
                    "\nSkipped commits hide the first bad commit; it is one of:\n"
                );
                for c in &self.candidates {
                    let _ = writeln!(out, "- `{}` {}", c.short, cell(&c.subject));
                }
            }
        }
        let _ = writeln!(out, "\n{}", summary(self));
        out
    }

    fn junit(&self) -> String {
        let cases: Vec<Case> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| Case {
                classname: "coldstart.bisect".into(),
                name: format!("{} {}", s.commit.short, s.commit.subject),
                failure: None,
                output: format!("{} {}: {}", role(i, s), s.mark, value(&s.value)),
            })
            .collect();
        suite("coldstart bisect", &cases)
    }

    fn json(&self) -> String {
        BisectReport::json(self)
    }

    fn annotations(&self) -> Vec<Annotation> {
        super::report::warnings_only(&self.warnings)
    }
}

fn first_bad_terminal(out: &mut String, f: &FirstBad, view: &View) {
    let st = &view.styles;
    let _ = writeln!(
        out,
        "{} {} {}",
        Styles::paint(st.bad, "first bad commit:"),
        f.commit.short,
        esc(&f.commit.subject)
    );
    let _ = writeln!(
        out,
        "  author   {} · {}",
        esc(&f.commit.author),
        esc(&f.commit.date)
    );
    let _ = writeln!(
        out,
        "  parent   {} {}",
        f.parent.short,
        esc(&f.parent.subject)
    );
    let c = &f.changes;
    let _ = writeln!(
        out,
        "  modules  +{} −{}{}",
        c.added.len(),
        c.removed.len(),
        listed(&c.added, view.top.max(5), "")
    );
    if !c.removed.is_empty() {
        let _ = writeln!(out, "  removed {}", listed(&c.removed, view.top.max(5), ""));
    }
    if !c.new_packages.is_empty() {
        let _ = writeln!(
            out,
            "  new top-level packages{}",
            listed(&c.new_packages, 20, "")
        );
    }
    for chain in &f.chains {
        let _ = writeln!(out, "  why {}: {}", esc(&chain.module), chain_text(chain));
    }
    if !f.tree_changes.is_empty() {
        let moved: Vec<String> = f
            .tree_changes
            .iter()
            .take(view.top.max(1))
            .map(|t| {
                let what = match (t.parent_ms, t.commit_ms) {
                    (None, Some(_)) => " (new)",
                    (Some(_), None) => " (gone)",
                    _ => "",
                };
                format!("{} {} ms{what}", esc(&t.module), signed_ms(t.delta_ms))
            })
            .collect();
        let _ = writeln!(out, "  tree     {}", moved.join(" · "));
    }
}

/// GOOD, BAD, or the step's number in measurement order.
fn role(index: usize, s: &Step) -> String {
    match s.role {
        Role::Good => "GOOD".into(),
        Role::Bad => "BAD".into(),
        Role::Probe => format!("{}", index + 1),
    }
}

/// The measured value in a few words.
fn value(v: &Measured) -> String {
    let mut parts = Vec::new();
    if let (Some(r), Some(verdict)) = (&v.ratio, &v.verdict) {
        parts.push(format!(
            "×{:.3} [{:.3}, {:.3}] {verdict}",
            r.estimate, r.low, r.high
        ));
        if let Some(p) = v.pairs {
            parts.push(count(p, "pair"));
        }
        if let (Some(n), Some(i)) = (v.samples, v.instructions) {
            parts.push(format!(
                "{}, {} instructions",
                count(n, "sample"),
                grouped(i)
            ));
        }
    } else if let Some(m) = v.modules {
        parts.push(count(m, "module"));
    }
    if let Some(t) = v.import_ms {
        parts.push(format!("{} ms", ms(t)));
    }
    if parts.is_empty() {
        "not measured".into()
    } else {
        parts.join(", ")
    }
}

fn chain_text(chain: &crate::bisect::report::Chain) -> String {
    chain
        .links
        .iter()
        .map(|l| format!("{} ({} ms)", esc(&l.module), ms(l.cumulative_ms)))
        .collect::<Vec<_>>()
        .join(" -> ")
}

fn summary(r: &BisectReport) -> String {
    let skipped = r.skipped().count();
    let e = &r.environments;
    format!(
        "measured {} of {} after GOOD{}; environments: {} built, {} cloned, {} reused{} · {:.1} s",
        r.range_steps(),
        count(r.range_commits, "commit"),
        if skipped == 0 {
            String::new()
        } else {
            format!(", {skipped} skipped")
        },
        e.built,
        e.cloned,
        e.reused,
        if e.failed == 0 {
            String::new()
        } else {
            format!(", {} failed", e.failed)
        },
        r.wall_s
    )
}

/// `: a, b, c and N more` (each name wrapped in `quote`), or nothing for an empty list.
fn listed(names: &[String], max: usize, quote: &str) -> String {
    if names.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = names
        .iter()
        .take(max)
        .map(|n| format!("{quote}{}{quote}", esc(n)))
        .collect();
    let more = names.len().saturating_sub(max);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(": {}{tail}", shown.join(", "))
}

fn cell(text: &str) -> String {
    esc(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bisect::report::tests::sample_report;

    #[test]
    fn terminal_lists_steps_then_the_first_bad_commit() {
        let report = sample_report();
        let text = report.terminal(&View::new(false, 5));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with(
            "coldstart bisect · bad when xml.dom.minidom is loaded · 0000001..0000020 (31 commits, first-parent)"
        ), "{text}");
        assert!(
            lines[1].starts_with("  GOOD  0000001 good  40 modules"),
            "{text}"
        );
        assert!(
            lines[2].starts_with("  BAD   0000020 bad   44 modules"),
            "{text}"
        );
        assert!(
            text.contains("  3     0000010 skip  not measured"),
            "{text}"
        );
        assert!(
            text.contains("        build failed: broken on purpose"),
            "{text}"
        );
        assert!(
            text.contains("first bad commit: 0000015 commit 21: import xml.dom.minidom eagerly")
        );
        assert!(text.contains("  modules  +4 −0: xml, xml.dom, xml.dom.domreg, xml.dom.minidom"));
        assert!(
            text.contains(
                "  why xml.dom.minidom: bisectproj (3.10 ms) -> xml.dom.minidom (2.90 ms)"
            )
        );
        assert!(
            text.contains("  tree     xml.dom.minidom +2.90 ms (new)"),
            "{text}"
        );
        assert!(text.ends_with(
            "measured 7 of 31 commits after GOOD, 1 skipped; environments: 1 built, 6 cloned, 0 reused, 1 failed · 4.2 s\n"
        ), "{text}");
    }

    #[test]
    fn markdown_and_json() {
        let report = sample_report();
        let md = report.markdown(&View::new(false, 5));
        assert!(md.starts_with("### coldstart bisect: first bad commit `0000015`"));
        assert!(
            md.contains("| GOOD | `0000001` | commit 1: the project | 40 modules | good |"),
            "{md}"
        );
        assert!(md.contains(
            "- why `xml.dom.minidom`: bisectproj (3.10 ms) -> xml.dom.minidom (2.90 ms)"
        ));
        let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(json["format_version"], 1);
        assert_eq!(json["kind"], "bisect");
        assert_eq!(json["steps"].as_array().unwrap().len(), 8);
        assert_eq!(json["steps"][0]["role"], "good");
        assert_eq!(json["outcome"], "found");
        assert_eq!(
            json["first_bad"]["commit"]["subject"],
            "commit 21: import xml.dom.minidom eagerly"
        );
        assert_eq!(json["condition"]["kind"], "forbid");
        roxmltree::Document::parse(&report.junit()).expect("junit is XML");
    }

    #[test]
    fn instruction_steps_show_counts() {
        let v = Measured {
            ratio: Some(crate::bisect::report::Ratio {
                estimate: 1.05,
                low: 1.049,
                high: 1.051,
            }),
            verdict: Some("regression".into()),
            instructions: Some(2_345_678),
            samples: Some(3),
            ..Measured::default()
        };
        assert_eq!(
            value(&v),
            "×1.050 [1.049, 1.051] regression, 3 samples, 2,345,678 instructions"
        );
    }

    #[test]
    fn ambiguous_lists_candidates() {
        let mut report = sample_report();
        report.outcome = Outcome::Ambiguous;
        report.candidates = vec![
            report.steps[2].commit.clone(),
            report.steps[3].commit.clone(),
        ];
        report.first_bad = None;
        let text = report.terminal(&View::new(false, 5));
        assert!(text.contains("no single first bad commit: skipped commits hide the first bad commit; it is one of:\n  0000010"), "{text}");
        let md = report.markdown(&View::new(false, 5));
        assert!(md.starts_with("### coldstart bisect: 2 candidates"));
    }
}
