//! The installed-distribution difference of a comparison (`rich 12.0.0 → 15.0.0`,
//! `+ markdown-it-py 3.0.0`, `- commonmark 0.9.1`) in each format, shared by the time and the
//! instruction reports of `ab`, `branches` and `compare`.
use crate::verdict::distributions::DistributionDiff;
use std::fmt::Write;

/// Changes listed in the terminal before the rest is summarised (JSON, Markdown and JUnit list
/// all; Markdown folds a long list).
const MAX_SHOWN: usize = 12;

/// `3 changed, 95 unchanged`; each format puts its own label before it.
fn summary(d: &DistributionDiff) -> String {
    if d.changes.is_empty() {
        format!("none changed ({} on both sides)", d.unchanged)
    } else {
        format!("{} changed, {} unchanged", d.changes.len(), d.unchanged)
    }
}

/// The terminal lines: the summary, then up to [`MAX_SHOWN`] changes indented by two more spaces.
/// Nothing when a side did not record its distributions.
pub fn terminal(d: Option<&DistributionDiff>) -> Vec<String> {
    let Some(d) = d else { return Vec::new() };
    let esc = |s: &str| crate::escape::terminal(s).into_owned();
    let mut lines = vec![format!("installed distributions: {}", summary(d))];
    for change in d.changes.iter().take(MAX_SHOWN) {
        lines.push(format!("  {}", change.text(esc)));
    }
    let more = d.changes.len().saturating_sub(MAX_SHOWN);
    if more > 0 {
        lines.push(format!("  … {more} more (--format json lists all)"));
    }
    lines
}

/// The Markdown block (a list, folded when long), starting with a blank line.
pub fn markdown(d: Option<&DistributionDiff>, out: &mut String) {
    let Some(d) = d else { return };
    let folded = d.changes.len() > MAX_SHOWN;
    if folded {
        let _ = writeln!(
            out,
            "\n<details><summary>Installed distributions: {}</summary>\n",
            summary(d)
        );
    } else {
        let _ = writeln!(out, "\n**Installed distributions:** {}\n", summary(d));
    }
    for change in &d.changes {
        let name = crate::escape::markdown_code(&change.name);
        let v =
            |s: &Option<String>| crate::escape::markdown(s.as_deref().unwrap_or("")).into_owned();
        // `+`/`-` in bold: a bare one after the list marker would start a nested list.
        let line = match (&change.baseline, &change.candidate) {
            (Some(_), Some(_)) => {
                format!("{name} {} → {}", v(&change.baseline), v(&change.candidate))
            }
            (None, _) => format!("**+** {name} {}", v(&change.candidate)),
            (_, None) => format!("**-** {name} {}", v(&change.baseline)),
        };
        let _ = writeln!(out, "- {line}");
    }
    if folded {
        let _ = writeln!(out, "\n</details>");
    }
}

/// The text for a JUnit suite's own `<system-out>` (empty when not recorded).
pub fn junit(d: Option<&DistributionDiff>) -> String {
    let Some(d) = d else { return String::new() };
    let mut out = format!("installed distributions: {}", summary(d));
    for change in &d.changes {
        out.push('\n');
        out.push_str(&change.text(str::to_string));
    }
    out
}
