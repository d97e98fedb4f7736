//! Reports of a budget check (`coldstart check`, `run --check`).
use super::junit::{Case, suite};
use super::report::{Annotation, Report};
use super::{Styles, View};
use crate::escape::{markdown_code, terminal as esc};
use crate::verdict::budget::CheckReport;
use std::fmt::Write;

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
                esc(&c.actual)
            );
        }
        let failed = self.failures().count();
        let _ = writeln!(
            out,
            "{} {} budgets, {failed} exceeded",
            if failed == 0 {
                Styles::paint(st.good, "PASS")
            } else {
                Styles::paint(st.bad, "FAIL")
            },
            self.checks.len()
        );
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
                esc(&c.actual).replace('|', "\\|"),
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
                    .then(|| format!("{}: {} but was {}", c.target, c.budget, c.actual)),
                output: format!("actual {}", c.actual),
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
                    c.target, c.budget, c.actual
                ))
            })
            .collect()
    }
}
