//! Reports of a comparison (`ab`, `compare`, `branches`): terminal and Markdown.
use super::junit::{Case, suite};
use super::report::{Annotation, Report};
use super::run::chain_text;
use super::{Styles, View, ms, signed_ms};
use crate::stats::paired::{EffectSize, Verdict};
use crate::verdict::compare::{Comparison, Method, TargetComparison, Timing, Transition};
use std::fmt::Write;

mod markdown;
mod terminal;
use markdown::markdown;
use terminal::terminal;

fn pct(ratio: f64) -> String {
    format!("{:+.1} %", (ratio - 1.0) * 100.0)
}

fn method_text(c: &Comparison) -> String {
    let n = c.targets.first().map_or(0, |t| t.import.n_baseline);
    match c.method {
        Method::Paired => format!("{n} interleaved pairs"),
        Method::Anchored => "files compared through their anchor (machine speed removed)".into(),
        Method::Raw => "files compared on raw times (no anchor: weaker)".into(),
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Regression => "REGRESSION",
        Verdict::Improvement => "improvement",
        Verdict::Unchanged => "unchanged",
        Verdict::Inconclusive => "inconclusive",
    }
}

fn verdict_style(v: Verdict, st: &Styles) -> owo_colors::Style {
    match v {
        Verdict::Regression => st.bad,
        Verdict::Improvement => st.good,
        Verdict::Unchanged => st.dim,
        Verdict::Inconclusive => st.warn,
    }
}

/// One row of the timing table; the header uses the same widths.
fn row(cells: [&str; 7]) -> String {
    let [metric, base, cand, delta, pct, interval, verdict] = cells;
    format!("{metric:<6} {base:>11} → {cand:>11}  {delta:>11}  {pct:>8}  {interval:<16}  {verdict}")
}

fn header() -> String {
    row([
        "metric",
        "baseline",
        "candidate",
        "Δ",
        "Δ %",
        "ratio interval",
        "verdict",
    ])
}

/// The gated metric (`import`) shows the verdict; wall and CPU are informational and say only
/// which way they moved, so they cannot read as a second verdict.
fn timing_line(label: &str, t: &Timing) -> String {
    let word = if label == "import" {
        verdict_word(t.verdict)
    } else {
        match t.verdict {
            Verdict::Regression => "slower",
            Verdict::Improvement => "faster",
            Verdict::Unchanged => "same",
            Verdict::Inconclusive => "unclear",
        }
    };
    row([
        label,
        &format!("{} ms", ms(t.baseline_median_ms)),
        &format!("{} ms", ms(t.candidate_median_ms)),
        &format!("{} ms", signed_ms(t.delta_ms)),
        &pct(t.ratio),
        &format!("[{:.3}, {:.3}]", t.ratio_low, t.ratio_high),
        word,
    ])
}

/// Package groups listed per direction before the rest is summarised.
const MAX_GROUPS: usize = 8;

fn module_lines(t: &TargetComparison) -> Vec<String> {
    let d = &t.modules;
    let mut lines = vec![format!(
        "modules beyond start-up {} → {} ({:+}): {} added, {} removed",
        d.baseline_total,
        d.candidate_total,
        d.candidate_total as i64 - d.baseline_total as i64,
        d.added_count(),
        d.removed_count()
    )];
    for (sign, groups) in [("+", &d.added), ("-", &d.removed)] {
        let mut groups: Vec<(&String, &Vec<String>)> = groups.iter().collect();
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
        let rest: Vec<(&String, &Vec<String>)> = groups.split_off(groups.len().min(MAX_GROUPS));
        for (top, names) in groups {
            let shown: Vec<&str> = names.iter().take(6).map(String::as_str).collect();
            let more = names.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(" … (+{more})")
            } else {
                String::new()
            };
            lines.push(format!(
                "  {sign} {top} ({}): {}{tail}",
                names.len(),
                shown.join(", ")
            ));
        }
        if !rest.is_empty() {
            let count: usize = rest.iter().map(|(_, n)| n.len()).sum();
            let names: Vec<&str> = rest.iter().map(|(t, _)| t.as_str()).collect();
            lines.push(format!(
                "  {sign} … {count} more in {} packages: {}",
                rest.len(),
                names.join(", ")
            ));
        }
    }
    lines
}

/// The import-tree diff: biggest moves, subtrees that appeared or disappeared, and why.
fn tree_lines(t: &TargetComparison, top: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let Some(d) = &t.tree else { return lines };
    let moved: Vec<String> = d
        .changed
        .iter()
        .take(top)
        .filter(|m| m.delta_ms.abs() >= 0.05)
        .map(|m| format!("{} {} ms", m.module, signed_ms(m.delta_ms)))
        .collect();
    if !moved.is_empty() {
        lines.push(format!("tree: moved most {}", moved.join(" · ")));
    }
    for s in d.appeared.iter().take(top) {
        lines.push(format!(
            "tree: + {} ({} ms, {} modules) appeared",
            s.module,
            ms(s.cumulative_ms),
            s.modules
        ));
    }
    for s in d.disappeared.iter().take(top) {
        lines.push(format!(
            "tree: - {} ({} ms, {} modules) disappeared",
            s.module,
            ms(s.cumulative_ms),
            s.modules
        ));
    }
    for c in &t.chains {
        lines.push(format!("why {}: {}", c.module, chain_text(&c.links)));
    }
    lines
}

fn transition_word(t: Transition) -> &'static str {
    match t {
        Transition::NowEager => "NOW EAGER",
        Transition::NowLazy => "NOW LAZY",
        Transition::StillLoaded => "still loaded",
        Transition::NotLoaded => "not loaded",
    }
}

/// The gate's two thresholds, naming what the minimum effect is compared with.
fn gate_text(c: &Comparison) -> String {
    let p = &c.gate.params;
    let effect = match p.effect {
        EffectSize::Estimate => "estimate",
        EffectSize::MedianDifference => "median difference",
    };
    format!(
        "gate: ratio bound above +{:.1} % and {effect} above +{} ms",
        p.threshold * 100.0,
        p.min_effect_ms
    )
}

/// The human report.
fn counts(c: &Comparison) -> String {
    let n = |v: Verdict| c.targets.iter().filter(|t| t.import.verdict == v).count();
    format!(
        "{} regressed, {} improved, {} unchanged, {} inconclusive",
        n(Verdict::Regression),
        n(Verdict::Improvement),
        n(Verdict::Unchanged),
        n(Verdict::Inconclusive)
    )
}

fn summary_line(c: &Comparison, st: &Styles) -> String {
    if c.passed() {
        format!("{} {}", Styles::paint(st.good, "PASS"), counts(c))
    } else {
        format!(
            "{} {} · {} gate failures",
            Styles::paint(st.bad, "FAIL"),
            counts(c),
            c.failures.len()
        )
    }
}

/// Markdown for a pull-request comment.
impl Report for Comparison {
    fn terminal(&self, view: &View) -> String {
        terminal(self, view)
    }

    fn markdown(&self, view: &View) -> String {
        markdown(self, view)
    }

    fn junit(&self) -> String {
        let mut cases: Vec<Case> = self
            .targets
            .iter()
            .map(|t| {
                let failures: Vec<&String> = self
                    .failures
                    .iter()
                    .filter(|f| f.starts_with(&format!("{}: ", t.name)))
                    .collect();
                Case {
                    classname: format!("coldstart.{}", self.command),
                    name: t.name.clone(),
                    failure: (!failures.is_empty()).then(|| {
                        failures
                            .iter()
                            .map(|f| f.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    }),
                    output: timing_line("import", &t.import),
                }
            })
            .collect();
        if self.targets.is_empty() {
            cases.push(Case {
                classname: format!("coldstart.{}", self.command),
                name: "comparison".into(),
                failure: Some("no target was present on both sides".into()),
                output: String::new(),
            });
        }
        suite(&format!("coldstart {}", self.command), &cases)
    }

    fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports always serialize") + "\n"
    }

    fn annotations(&self) -> Vec<Annotation> {
        let failures = self.failures.iter().cloned().map(Annotation::error);
        let warnings = self
            .environment_differences
            .iter()
            .chain(&self.warnings)
            .cloned()
            .map(Annotation::warning);
        failures.chain(warnings).collect()
    }
}
