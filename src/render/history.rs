//! Reports of `coldstart history`: one table per target with a row per commit (import time with
//! its interval, change, module count, forbidden modules loaded, new top-level packages).
use crate::model::words::count;
use std::fmt::Write;

use super::junit::{Case, suite};
use super::report::{Annotation, Report};
use super::{Styles, View, ms, signed_ms};
use crate::escape::terminal as esc;
use crate::history::report::{CommitTarget, HistoryCommit, HistoryReport};
use crate::stats::instructions::grouped;

// Commit subjects and dates (from the repository or the store), target and module names (from the
// store or children) are shown through `esc`, and in Markdown as code spans or escaped cells.

impl Report for HistoryReport {
    fn terminal(&self, view: &View) -> String {
        let st = &view.styles;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} · {} ({}) · {} measured, {} from the store · {}",
            Styles::paint(st.heading, "coldstart history"),
            count(self.commits.len(), "commit"),
            self.walk,
            self.measured,
            self.stored,
            time_note(self)
        );
        for (t, name) in self.targets.iter().enumerate() {
            let _ = writeln!(out, "\n{}", Styles::paint(st.heading, esc(name)));
            let _ = writeln!(
                out,
                "  {:<9} {:<10} {:>26} {:>9} {:>8}{}  subject",
                "commit",
                "date",
                "import ms (95 %)",
                "change",
                "modules",
                counts_header(self)
            );
            for c in &self.commits {
                let date = esc(c.commit.date.get(..10).unwrap_or(&c.commit.date));
                let subject = esc(&super::ellipsize(&c.commit.subject, 50)).into_owned();
                match c.targets.get(t) {
                    Some(x) => {
                        let change = x.change_ms.map_or("".into(), signed_ms);
                        let change = if x.change_ms.is_some_and(|d| d.abs() >= 1.0) {
                            Styles::paint(st.warn, format!("{change:>9}"))
                        } else {
                            format!("{change:>9}")
                        };
                        let _ = writeln!(
                            out,
                            "  {:<9} {date:<10} {:>26} {change} {:>8}{}  {}{}",
                            c.commit.short,
                            interval(x),
                            x.modules,
                            counts_cells(self, x),
                            Styles::paint(st.dim, subject),
                            esc(&notes(x, c))
                        );
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "  {:<9} {date:<10} {:>26} {:>9} {:>8}{}  {}",
                            c.commit.short,
                            Styles::paint(st.warn, "build failed"),
                            "",
                            "",
                            counts_header(self).replace(|c: char| c != ' ', " "),
                            Styles::paint(st.dim, subject)
                        );
                    }
                }
            }
        }
        let _ = writeln!(out, "\n{}", summary(self));
        for w in &self.warnings {
            let _ = writeln!(out, "{}: {}", Styles::paint(st.warn, "warning"), esc(w));
        }
        out
    }

    fn markdown(&self, _view: &View) -> String {
        let mut out = format!(
            "### coldstart history: {}\n\n{} · {} measured, {} from the store · {}\n",
            count(self.commits.len(), "commit"),
            self.walk,
            self.measured,
            self.stored,
            time_note(self)
        );
        for (t, name) in self.targets.iter().enumerate() {
            let counted = self.counter.is_some();
            let _ = writeln!(
                out,
                "\n#### {}\n\n| commit | date | import ms (95 %) | change | modules |{} notes | subject |\n|---|---|---:|---:|---:|{}---|---|",
                crate::escape::markdown_code(name),
                if counted {
                    " instructions | Δ instructions |"
                } else {
                    ""
                },
                if counted { "---:|---:|" } else { "" }
            );
            for c in &self.commits {
                let date =
                    esc(c.commit.date.get(..10).unwrap_or(&c.commit.date)).replace('|', "\\|");
                let subject = esc(&c.commit.subject).replace('|', "\\|");
                let _ = match c.targets.get(t) {
                    Some(x) => writeln!(
                        out,
                        "| `{}` | {date} | {} | {} | {} |{} {} | {subject} |",
                        c.commit.short,
                        interval(x),
                        x.change_ms.map_or(String::new(), signed_ms),
                        x.modules,
                        if counted {
                            let (n, change) = count_texts(x);
                            format!(" {n} | {change} |")
                        } else {
                            String::new()
                        },
                        esc(notes(x, c).trim()).replace('|', "\\|")
                    ),
                    None => writeln!(
                        out,
                        "| `{}` | {date} | build failed | | |{} | {subject} |",
                        c.commit.short,
                        if counted { " | |" } else { "" }
                    ),
                };
            }
        }
        let _ = writeln!(out, "\n{}", summary(self));
        out
    }

    fn junit(&self) -> String {
        let cases: Vec<Case> = self
            .commits
            .iter()
            .map(|c| Case {
                classname: "coldstart.history".into(),
                name: format!("{} {}", c.commit.short, c.commit.subject),
                failure: c.error.as_ref().map(|e| format!("build failed: {e}")),
                output: c
                    .targets
                    .iter()
                    .map(|x| {
                        let counted = x.instructions.as_ref().map_or(String::new(), |n| {
                            format!(", {} instructions", grouped(n.median))
                        });
                        format!(
                            "{}: {} ms, {}{counted}",
                            x.name,
                            interval(x),
                            count(x.modules, "module")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            })
            .collect();
        suite("coldstart history", &cases)
    }

    fn json(&self) -> String {
        HistoryReport::json(self)
    }

    fn annotations(&self) -> Vec<Annotation> {
        super::report::warnings_only(&self.warnings)
    }
}

fn interval(x: &CommitTarget) -> String {
    let i = x.charted();
    format!("{} ({}..{})", ms(i.median), ms(i.low), ms(i.high))
}

/// `· loads X · new: P` after the subject.
fn notes(x: &CommitTarget, c: &HistoryCommit) -> String {
    let mut out = String::new();
    if !x.forbidden_loaded.is_empty() {
        let _ = write!(out, "  loads {}", x.forbidden_loaded.join(", "));
    }
    if !x.new_packages.is_empty() {
        let _ = write!(out, "  new {}", x.new_packages.join(", "));
    }
    if c.source == "stored" {
        out.push_str("  (stored)");
    }
    out
}

fn time_note(r: &HistoryReport) -> String {
    let time = match r.reference_anchor_ms {
        Some(a) => format!("times adjusted for machine speed (anchor {} ms)", ms(a)),
        None => "raw times (no anchor)".into(),
    };
    match &r.counter {
        Some(counter) => format!("{time} · instructions counted with {counter}"),
        None => time,
    }
}

/// The instruction columns' header (`--metric instructions`), or nothing.
fn counts_header(r: &HistoryReport) -> String {
    match r.counter {
        Some(_) => format!(" {:>15} {:>9}", "instructions", "Δ instr"),
        None => String::new(),
    }
}

/// A commit's instruction columns, as wide as [`counts_header`].
fn counts_cells(r: &HistoryReport, x: &CommitTarget) -> String {
    match r.counter {
        Some(_) => {
            let (n, change) = count_texts(x);
            format!(" {n:>15} {change:>9}")
        }
        None => String::new(),
    }
}

/// The median count (grouped) and its change in percent; empty when not counted.
fn count_texts(x: &CommitTarget) -> (String, String) {
    let n = x
        .instructions
        .as_ref()
        .map_or(String::new(), |c| grouped(c.median));
    let change = x
        .instructions_change_percent
        .map_or(String::new(), |p| format!("{p:+.2} %"));
    (n, change)
}

fn summary(r: &HistoryReport) -> String {
    let e = &r.environments;
    let failed = r.commits.iter().filter(|c| c.status != "ok").count();
    format!(
        "{}: {} measured, {} from the store{}; environments: {} built, {} cloned, {} reused · {:.1} s",
        count(r.commits.len(), "commit"),
        r.measured,
        r.stored,
        if failed == 0 {
            String::new()
        } else {
            format!(", {failed} failed to build")
        },
        e.built,
        e.cloned,
        e.reused,
        r.wall_s
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::report::tests::sample_report;

    #[test]
    fn one_row_per_commit() {
        let report = sample_report();
        let text = report.terminal(&View::new(false, 5));
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("  0000")).collect();
        assert_eq!(rows.len(), 32, "{text}");
        assert!(rows[15].contains("build failed"), "{}", rows[15]);
        assert!(rows[8].contains("+30.0"), "{}", rows[8]);
        assert!(
            rows[20].contains("loads xml.dom.minidom  new xml"),
            "{}",
            rows[20]
        );
        assert!(rows[0].ends_with("(stored)"), "{}", rows[0]);
        let md = report.markdown(&View::new(false, 5));
        let md_rows = md.lines().filter(|l| l.starts_with("| `0000")).count();
        assert_eq!(md_rows, 32, "{md}");
        assert!(
            md.contains("| `0000010` | 2026-01-01 | build failed |"),
            "{md}"
        );
        assert!(text.ends_with("32 commits: 23 measured, 8 from the store, 1 failed to build; environments: 0 built, 0 cloned, 0 reused · 12.5 s\n"), "{text}");
        roxmltree::Document::parse(&report.junit()).expect("junit is XML");
    }

    #[test]
    fn counted_histories_show_the_counts_and_their_change() {
        let report = crate::history::report::tests::counted_report();
        let text = report.terminal(&View::new(false, 5));
        assert!(
            text.contains("instructions counted with callgrind valgrind-3.19.0, PYTHONHASHSEED=0"),
            "{text}"
        );
        let header = text.lines().find(|l| l.contains("subject")).unwrap();
        assert!(
            header.contains("instructions") && header.contains("Δ instr"),
            "{header}"
        );
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("  0000")).collect();
        assert!(rows[0].contains("2,000,000"), "{}", rows[0]);
        assert!(
            rows[2].contains("2,100,000") && rows[2].contains("+5.00 %"),
            "{}",
            rows[2]
        );
        let md = report.markdown(&View::new(false, 5));
        assert!(md.contains("| instructions | Δ instructions |"), "{md}");
        assert!(md.contains("| 2,100,000 | +5.00 % |"), "{md}");
        assert!(report.junit().contains("2,100,000 instructions"));
        // A time-only history has no instruction columns.
        let plain = crate::history::report::tests::sample_report();
        assert!(!plain.terminal(&View::new(false, 5)).contains("instr"));
    }
}
