//! Terminal, Markdown, JUnit and JSON forms of the [`LazyReport`]. Module names, file names and
//! error messages come from the child: control characters are escaped for the terminal and
//! Markdown specials for Markdown (hand-written: two small character maps).
use crate::model::words::{count, noun_for};
use std::fmt::Write as _;

use super::report::{Annotation, Report};
use super::{Styles, View, ms};
use crate::lazy::report::{
    CandidateReport, Combination, Interval, LazyReport, Status, TargetReport,
};

/// Control characters (ESC, BEL, newlines, ...) as visible `\u{..}` escapes.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`clean`], and Markdown's specials and table separators backslash-escaped.
fn md(text: &str) -> String {
    clean(text)
        .chars()
        .map(|c| match c {
            '\\' | '`' | '*' | '_' | '|' | '<' | '>' | '[' | ']' | '#' => format!("\\{c}"),
            c => c.to_string(),
        })
        .collect()
}

fn saving_text(s: &Option<Interval>, pct: &Option<Interval>) -> String {
    match (s, pct) {
        (Some(s), Some(p)) => format!(
            "{} ms ({}..{}) {:.0} %",
            ms(s.estimate),
            ms(s.low),
            ms(s.high),
            p.estimate
        ),
        _ => "—".to_owned(),
    }
}

/// `module avoided` / `modules avoided` for a count of `n`.
fn avoided(n: usize) -> String {
    format!("{} avoided", noun_for(n, "module"))
}

fn status_style(status: Status, st: &Styles) -> owo_colors::Style {
    match status {
        Status::Saves => st.good,
        Status::UsedByWorkload | Status::NoMeasurableSaving => st.warn,
        Status::DefeatedAtImport | Status::FailsWhenDeferred => st.bad,
    }
}

fn combination_line(c: &Combination) -> String {
    format!(
        "together ({}): {}, {} {}; the single savings add up to {} ms — {}",
        c.names.join(", "),
        saving_text(&c.saving_ms, &c.saving_pct),
        c.modules_avoided.len(),
        avoided(c.modules_avoided.len()),
        ms(c.sum_of_savings_ms),
        c.summary
    )
}

fn terminal_target(t: &TargetReport, view: &View, out: &mut String) {
    let st = &view.styles;
    let workload = t
        .workload
        .as_ref()
        .map(|w| format!(" · workload `{}`", clean(w)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n{} · normal import {} ms · {}{workload}",
        Styles::paint(st.heading, clean(&t.target)),
        ms(t.import_ms),
        count(t.modules, "module")
    );
    if t.candidates.is_empty() {
        let _ = writeln!(out, "  no candidate to defer");
    }
    let width = t
        .candidates
        .iter()
        .map(|c| clean(&c.name).chars().count())
        .max()
        .unwrap_or(0);
    for c in &t.candidates {
        let _ = writeln!(
            out,
            "  {:<width$}  saving {:<28}  {:>4} {:<16}  {}",
            clean(&c.name),
            saving_text(&c.saving_ms, &c.saving_pct),
            c.modules_avoided.len(),
            avoided(c.modules_avoided.len()),
            Styles::paint(status_style(c.status, st), clean(&c.summary)),
        );
    }
    if let Some(c) = &t.combination {
        let _ = writeln!(out, "  {}", clean(&combination_line(c)));
    }
    let sites: Vec<&CandidateReport> = t
        .candidates
        .iter()
        .filter(|c| !c.importers.is_empty())
        .collect();
    if !sites.is_empty() {
        let _ = writeln!(out, "  eager imports:");
    }
    for c in sites {
        for s in &c.importers {
            let _ = writeln!(
                out,
                "    {} {}:{}  {}",
                clean(&c.name),
                clean(&s.place.file),
                s.place.line,
                Styles::paint(st.dim, clean(s.statement.as_deref().unwrap_or(""))),
            );
            let _ = writeln!(out, "      -> {}", clean(&s.change));
        }
    }
    for s in &t.skipped {
        let _ = writeln!(
            out,
            "  {}",
            Styles::paint(
                st.dim,
                format!("skipped {}: {}", clean(&s.name), clean(&s.reason))
            )
        );
    }
}

fn terminal(r: &LazyReport, view: &View) -> String {
    let mut out = format!(
        "Python {} · {} · saving = normal import − import with the module deferred (90 % interval)\n",
        clean(&r.python),
        mechanism_text(&r.mechanism)
    );
    for t in &r.targets {
        terminal_target(t, view, &mut out);
    }
    for w in &r.warnings {
        let _ = writeln!(
            out,
            "{}",
            Styles::paint(view.styles.warn, format!("warning: {}", clean(w)))
        );
    }
    out
}

fn mechanism_text(m: &str) -> &'static str {
    if m == "pep810" {
        "PEP 810 lazy imports"
    } else {
        "importlib.util.LazyLoader"
    }
}

fn markdown(r: &LazyReport) -> String {
    let mut out = format!(
        "## coldstart lazy\n\nPython {} · {}\n",
        md(&r.python),
        mechanism_text(&r.mechanism)
    );
    for t in &r.targets {
        let _ = writeln!(
            out,
            "\n### `{}`\n\nnormal import {} ms, {}\n\n| candidate | saving | modules avoided | status |\n|---|---|---|---|",
            clean(&t.target).replace('`', "'"),
            ms(t.import_ms),
            count(t.modules, "module")
        );
        for c in &t.candidates {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&c.name),
                saving_text(&c.saving_ms, &c.saving_pct),
                c.modules_avoided.len(),
                md(&c.summary)
            );
        }
        if let Some(c) = &t.combination {
            let _ = writeln!(out, "\n{}", md(&combination_line(c)));
        }
        let mut first = true;
        for c in &t.candidates {
            for s in &c.importers {
                if std::mem::take(&mut first) {
                    let _ = writeln!(out, "\nEager imports:\n");
                }
                let _ = writeln!(
                    out,
                    "- {} at {} line {}: {}",
                    md(&c.name),
                    md(&s.place.file),
                    s.place.line,
                    md(&s.change)
                );
            }
        }
        for s in &t.skipped {
            let _ = writeln!(out, "\nSkipped {}: {}", md(&s.name), md(&s.reason));
        }
    }
    for w in &r.warnings {
        let _ = writeln!(out, "\n> **Warning:** {}", md(w));
    }
    out
}

impl Report for LazyReport {
    fn terminal(&self, view: &View) -> String {
        terminal(self, view)
    }

    fn markdown(&self, _view: &View) -> String {
        markdown(self)
    }

    fn junit(&self) -> String {
        let cases: Vec<crate::render::junit::Case> = self
            .targets
            .iter()
            .flat_map(|t| {
                t.candidates
                    .iter()
                    .map(move |c| crate::render::junit::Case {
                        classname: format!("coldstart.lazy.{}", t.target),
                        name: c.name.clone(),
                        failure: None,
                        output: format!(
                            "{}: {}",
                            saving_text(&c.saving_ms, &c.saving_pct),
                            c.summary
                        ),
                    })
            })
            .collect();
        crate::render::junit::suite("coldstart lazy", &cases)
    }

    fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("lazy reports always serialize") + "\n"
    }

    /// The experiment is advice, not a gate: no failures, only warnings.
    fn annotations(&self) -> Vec<Annotation> {
        self.warnings
            .iter()
            .cloned()
            .map(Annotation::warning)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lazy::records::Place;
    use crate::lazy::report::{Skipped, Status};
    use crate::lazy::sites::{Site, SiteKind};

    fn report() -> LazyReport {
        let iv = |e: f64| Interval {
            estimate: e,
            low: e - 2.0,
            high: e + 2.0,
        };
        let cand =
            |name: &str, saving: Option<f64>, status: Status, summary: &str| CandidateReport {
                name: name.into(),
                status,
                summary: summary.into(),
                tree_ms: 40.0,
                saving_ms: saving.map(iv),
                saving_pct: saving.map(|s| iv(s / 0.8)),
                saving: None,
                modules_avoided: vec![name.into()],
                touched_at_import: None,
                used_by_workload: None,
                failure: None,
                importers: Vec::new(),
            };
        let mut first = cand("heavy_unused", Some(40.0), Status::Saves, "saves");
        first.importers.push(Site {
            place: Place {
                module: "pkg".into(),
                file: "/p/pkg/__init__.py".into(),
                line: 2,
            },
            kind: SiteKind::Import,
            statement: Some("import heavy_unused".into()),
            change: "move `import heavy_unused` into the functions that use it".into(),
        });
        let mut r = LazyReport::new("3.11.7".into(), "lazyloader");
        r.targets.push(TargetReport {
            target: "pkg".into(),
            statement: "import pkg".into(),
            workload: None,
            import_ms: 80.0,
            modules: 5,
            candidates: vec![
                first,
                cand(
                    "heavy_attr",
                    Some(0.1),
                    Status::DefeatedAtImport,
                    "defeated at import by pkg line 7 (reads heavy_attr.VALUE)",
                ),
                cand(
                    "evil\u{1b}[31m",
                    None,
                    Status::FailsWhenDeferred,
                    "fails when deferred: X",
                ),
            ],
            combination: None,
            skipped: vec![Skipped {
                name: "_c".into(),
                reason: "cannot be deferred".into(),
            }],
        });
        r
    }

    #[test]
    fn terminal_lists_candidates_sites_and_escapes_control_characters() {
        let text = report().terminal(&View::new(false, 5));
        assert!(text.contains("heavy_unused"), "{text}");
        assert!(text.contains("40.0 ms (38.0..42.0) 50 %"), "{text}");
        assert!(text.contains("defeated at import by pkg line 7"), "{text}");
        assert!(
            text.contains("/p/pkg/__init__.py:2  import heavy_unused"),
            "{text}"
        );
        assert!(text.contains("skipped _c: cannot be deferred"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("evil\\u{1b}[31m"), "{text}");
    }

    #[test]
    fn markdown_is_a_table_with_escaped_cells() {
        let text = report().markdown(&View::new(false, 5));
        assert!(
            text.contains("| heavy\\_unused | 40.0 ms (38.0..42.0) 50 % | 1 | saves |"),
            "{text}"
        );
        assert!(
            text.contains("- heavy\\_unused at /p/pkg/\\_\\_init\\_\\_.py line 2"),
            "{text}"
        );
    }

    #[test]
    fn every_format_snapshot() {
        let r = report();
        insta::assert_snapshot!("lazy_terminal", r.terminal(&View::new(false, 5)));
        insta::assert_snapshot!("lazy_markdown", r.markdown(&View::new(false, 5)));
        insta::assert_snapshot!("lazy_json", r.json());
        insta::assert_snapshot!("lazy_junit", r.junit());
    }

    #[test]
    fn json_carries_the_documented_fields() {
        let v: serde_json::Value = serde_json::from_str(&report().json()).unwrap();
        assert_eq!(v["format_version"], 1);
        assert_eq!(v["kind"], "coldstart-lazy");
        let c = &v["targets"][0]["candidates"][0];
        assert_eq!(c["name"], "heavy_unused");
        assert_eq!(c["status"], "saves");
        assert_eq!(c["saving_ms"]["estimate"], 40.0);
        assert_eq!(c["importers"][0]["kind"], "import");
        assert_eq!(c["importers"][0]["line"], 2);
        assert_eq!(
            v["targets"][0]["candidates"][2]["saving_ms"],
            serde_json::Value::Null
        );
        let junit = report().junit();
        assert!(junit.contains("heavy_attr"), "{junit}");
    }
}
