//! Reports of a budget check (`coldstart check`, `run --check`).
use super::junit::{Case, suite};
use super::report::{Annotation, Report};
use super::{Styles, View};
use crate::model::words::{count, noun_for};
use crate::verdict::budget::CheckReport;
use std::fmt::Write;

/// `PASS all 7 budgets held` / `FAIL 2 of 7 budgets exceeded`.
fn summary(r: &CheckReport, st: &Styles) -> String {
    let n = r.budgets_checked;
    if r.passed() {
        let all = if n == 1 { "" } else { "all " };
        format!(
            "{} {all}{} held",
            Styles::paint(st.good, "PASS"),
            count(n, "budget")
        )
    } else {
        format!(
            "{} {} of {n} {} exceeded",
            Styles::paint(st.bad, "FAIL"),
            r.budgets_exceeded,
            noun_for(n, "budget")
        )
    }
}
use crate::escape::{markdown_code, terminal as esc};

// Target names, the file name and the budget texts (which name modules) come from the user or a
// result file: shown escaped for each format.

impl Report for CheckReport {
    fn terminal(&self, view: &View) -> String {
        let st = &view.styles;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}{}",
            Styles::paint(st.heading, "coldstart check"),
            self.file
                .as_ref()
                .map_or(String::new(), |f| format!(" · {}", esc(f)))
        );
        for c in &self.checks {
            let mark = if c.passed {
                Styles::paint(st.good, "✓")
            } else {
                Styles::paint(st.bad, "✗")
            };
            let _ = writeln!(
                out,
                "  {mark} {}: {} (actual {})",
                esc(&c.target),
                esc(&c.budget),
                esc(&c.actual_text())
            );
        }
        let _ = writeln!(out, "{}", summary(self, st));
        out
    }

    fn markdown(&self, _view: &View) -> String {
        let mut out = format!(
            "### coldstart check: {}\n\n| target | budget | actual | |\n|---|---|---:|---|\n",
            if self.passed() {
                "✅ pass"
            } else {
                "❌ fail"
            }
        );
        for c in &self.checks {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                markdown_code(&c.target),
                esc(&c.budget).replace('|', "\\|"),
                esc(&c.actual_text()).replace('|', "\\|"),
                if c.passed { "✅" } else { "❌" }
            );
        }
        out
    }

    fn junit(&self) -> String {
        let cases: Vec<Case> = self
            .checks
            .iter()
            .map(|c| Case {
                classname: format!("coldstart.check.{}", c.target),
                name: c.budget.clone(),
                failure: (!c.passed)
                    .then(|| format!("{}: {} but was {}", c.target, c.budget, c.actual_text())),
                output: format!("actual {}", c.actual_text()),
            })
            .collect();
        suite("coldstart check", &cases)
    }

    fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports always serialize") + "\n"
    }

    fn annotations(&self) -> Vec<Annotation> {
        self.failures()
            .map(|c| {
                Annotation::error(format!(
                    "{}: budget {} exceeded (actual {})",
                    c.target,
                    c.budget,
                    c.actual_text()
                ))
            })
            .collect()
    }
}
