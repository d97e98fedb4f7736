//! One trait for every report (run result, comparison, budget check) and the one place that
//! decides where a report goes: stdout, `--output FILE`, and under GitHub Actions the step summary
//! and `::error`/`::warning` annotations.
use super::View;
use crate::error::Result;
use crate::model::{Format, Output};

pub trait Report {
    fn terminal(&self, view: &View) -> String;
    fn markdown(&self, view: &View) -> String;
    fn junit(&self) -> String;
    fn json(&self) -> String;
    /// Failed gates and warnings worth an annotation (noisy machine, incomparable
    /// environments), one line each, failures first.
    fn annotations(&self) -> Vec<Annotation>;
}

/// How GitHub shows an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A failed gate (`::error`).
    Error,
    /// `::warning`.
    Warning,
}

/// One line for a GitHub `::error` or `::warning` annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub level: Level,
    pub text: String,
}

impl Annotation {
    pub fn error(text: String) -> Annotation {
        Annotation {
            level: Level::Error,
            text,
        }
    }

    pub fn warning(text: String) -> Annotation {
        Annotation {
            level: Level::Warning,
            text,
        }
    }
}

/// The annotations of a report that is a search or a record, not a gate (`bisect`, `history`):
/// one warning per warning, no errors.
pub fn warnings_only(warnings: &[String]) -> Vec<Annotation> {
    warnings.iter().cloned().map(Annotation::warning).collect()
}

/// Renders `report` in `format`.
pub fn render(report: &dyn Report, format: Format, view: &View) -> String {
    match format {
        Format::Terminal => report.terminal(view),
        Format::Markdown => report.markdown(view),
        Format::Json => report.json(),
        Format::Junit => report.junit(),
    }
}

/// GitHub Actions workflow commands escape `%`, CR and LF in messages.
fn escape_annotation(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The annotation lines for a report. Their text may carry names from a child or a file: invisible
/// characters are spelled out first (they reach a terminal in the CI log).
pub fn annotations(report: &dyn Report) -> String {
    let mut out = String::new();
    for a in report.annotations() {
        let kind = match a.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        out.push_str(&format!(
            "::{kind} title=coldstart::{}\n",
            escape_annotation(&crate::escape::terminal(&a.text))
        ));
    }
    out
}

/// Prints the report: with `--output FILE` the chosen format goes to the file (atomically) and the
/// terminal report to stdout; otherwise the chosen format goes to stdout. Under GitHub Actions the
/// Markdown is appended to `$GITHUB_STEP_SUMMARY` and annotations go to stderr.
pub fn emit(
    report: &dyn Report,
    output: &Output,
    env: impl Fn(&str) -> Option<String>,
) -> Result<()> {
    let view = View::new(output.color, output.top);
    match &output.file {
        Some(path) => {
            let plain = View::new(false, output.top);
            crate::results::store::write_atomic(path, &render(report, output.format, &plain))?;
            super::to_stdout(&render(report, Format::Terminal, &view))?;
        }
        None => super::to_stdout(&render(report, output.format, &view))?,
    }
    if env("GITHUB_ACTIONS").as_deref() == Some("true") {
        if let Some(summary) = env("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
            use std::io::Write;
            let appended = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&summary)
                .and_then(|mut f| {
                    f.write_all((report.markdown(&View::new(false, output.top)) + "\n").as_bytes())
                });
            if let Err(e) = appended {
                eprintln!("warning: cannot append to GITHUB_STEP_SUMMARY ({summary}): {e}");
            }
        }
        eprint!("{}", annotations(report));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_newlines_and_percent() {
        assert_eq!(escape_annotation("a 5 %\nb"), "a 5 %25%0Ab");
    }

    #[test]
    fn searches_and_records_annotate_warnings_only() {
        let got = warnings_only(&["a".to_string(), "b".to_string()]);
        assert_eq!(
            got,
            vec![
                Annotation::warning("a".into()),
                Annotation::warning("b".into())
            ]
        );
        assert!(warnings_only(&[]).is_empty());
    }
}
