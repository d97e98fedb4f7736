//! Reports of a comparison (`ab`, `compare`, `branches`): terminal and Markdown.
use super::junit::{Case, suite_with_output};
use super::report::{Annotation, Report};
use super::run::{Name, chain_text, markdown_name, terminal_name};
use super::{Styles, View, ms, signed_ms};
use crate::model::words::count;
use crate::stats::paired::{EffectSize, Verdict};
use crate::verdict::compare::{Comparison, Method, TargetComparison, Timing, Transition};
use std::fmt::Write;

mod markdown;
mod table;
mod terminal;
use markdown::markdown;
use terminal::terminal;

/// The names of the compared revisions (`branches`: name and short SHA, or the working tree),
/// `None` when the sides are no revisions (`ab`, `compare` of plain result files).
fn revisions(c: &Comparison) -> Option<(String, String)> {
    let named = |s: &crate::verdict::compare::Side| {
        s.git
            .as_ref()
            .filter(|g| g.revision.is_some() || g.working_tree)
            .map(|g| g.describe())
    };
    Some((named(&c.baseline)?, named(&c.candidate)?))
}

fn pct(ratio: f64) -> String {
    crate::model::words::ratio_change(ratio)
}

fn method_text(c: &Comparison) -> String {
    let n = c.targets.first().map_or(0, |t| t.import.n_baseline);
    match c.method {
        Method::Paired => format!("{n} interleaved pairs"),
        Method::Anchored => "files compared through their anchor (machine speed removed)".into(),
        Method::AnchorShift => {
            "files compared through their anchors' shift (machine speed removed)".into()
        }
        Method::BlockAnchored => {
            "files compared through the anchor of every few rounds (machine speed removed)".into()
        }
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

/// What the medians and the Δ of the anchored method are (said once per report).
fn anchored_legend(c: &Comparison) -> Option<&'static str> {
    match c.method {
        Method::Anchored => Some(
            "baseline and candidate are the medians as measured; anchored Δ, Δ % and the ratio interval compare the samples divided by their round's anchor",
        ),
        Method::AnchorShift => Some(
            "baseline and candidate are the medians as measured; anchored Δ, Δ % and the ratio interval are the target's change less its anchor's change between the files",
        ),
        Method::BlockAnchored => Some(
            "baseline and candidate are the medians as measured; anchored Δ, Δ % and the ratio interval compare each block of rounds (from one anchored round to the next) divided by its anchor",
        ),
        Method::Paired | Method::Raw => None,
    }
}

/// The noise line: the spread of the pair ratios, the smallest change these samples detect, and
/// (paired) how many pairs would detect twice the threshold.
fn noise_text(t: &Timing, c: &Comparison) -> String {
    let threshold = c.gate.params.threshold;
    let samples = match c.method {
        Method::Paired => count(t.n_baseline, "pair"),
        Method::Anchored | Method::AnchorShift | Method::BlockAnchored | Method::Raw => {
            format!("{} per side", count(t.n_baseline, "sample"))
        }
    };
    let mut text = format!(
        "noise {:.1} % · with {samples} a change ≥ {} is detected (80 % power)",
        t.noise * 100.0,
        pct(t.mde_ratio)
    );
    if let Some(n) = t.pairs_needed {
        let _ = write!(
            text,
            " · {} detect {} (twice the {:.0} % threshold)",
            count(n, "pair"),
            pct((1.0 + threshold).powi(2)),
            threshold * 100.0
        );
    }
    text
}

/// Package groups listed per direction before the rest is summarised.
const MAX_GROUPS: usize = 8;
/// Names of the remaining packages listed on the summary line.
const MAX_REST_NAMES: usize = 12;

fn module_lines(t: &TargetComparison, name: Name) -> Vec<String> {
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
            let shown: Vec<String> = names.iter().take(6).map(|n| name(n)).collect();
            let more = names.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(" … (+{more})")
            } else {
                String::new()
            };
            lines.push(format!(
                "  {sign} {} ({}): {}{tail}",
                name(top),
                names.len(),
                shown.join(", ")
            ));
        }
        if !rest.is_empty() {
            // Says what it lists: the other packages' names, not their modules.
            let modules: usize = rest.iter().map(|(_, n)| n.len()).sum();
            let names: Vec<String> = rest
                .iter()
                .take(MAX_REST_NAMES)
                .map(|(t, _)| name(t))
                .collect();
            let more = rest.len() - names.len();
            let tail = if more > 0 {
                format!(" … (+{more})")
            } else {
                String::new()
            };
            lines.push(format!(
                "  {sign} {} more {} ({}): {}{tail}",
                rest.len(),
                crate::model::words::noun_for(rest.len(), "package"),
                count(modules, "module"),
                names.join(", ")
            ));
        }
    }
    lines
}

/// The import-tree diff: biggest moves, subtrees that appeared or disappeared, and why.
fn tree_lines(t: &TargetComparison, top: usize, name: Name) -> Vec<String> {
    let mut lines = Vec::new();
    let Some(d) = &t.tree else { return lines };
    let moved: Vec<String> = d
        .changed
        .iter()
        .take(top)
        .filter(|m| m.delta_ms.abs() >= 0.05)
        .map(|m| format!("{} {} ms", name(&m.module), signed_ms(m.delta_ms)))
        .collect();
    if !moved.is_empty() {
        lines.push(format!("tree: moved most {}", moved.join(" · ")));
    }
    for s in d.appeared.iter().take(top) {
        lines.push(format!(
            "tree: + {} ({} ms, {}) appeared",
            name(&s.module),
            ms(s.cumulative_ms),
            count(s.modules, "module")
        ));
    }
    for s in d.disappeared.iter().take(top) {
        lines.push(format!(
            "tree: - {} ({} ms, {}) disappeared",
            name(&s.module),
            ms(s.cumulative_ms),
            count(s.modules, "module")
        ));
    }
    for c in &t.chains {
        lines.push(format!(
            "why {}: {}",
            name(&c.module),
            chain_text(&c.links, name)
        ));
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

/// How many targets got each verdict, in the verdicts' own words (README, "How the verdict is
/// reached"): `1 regression, 0 improvements, 2 unchanged, 0 inconclusive`.
fn counts(c: &Comparison) -> String {
    let n = |v: Verdict| c.targets.iter().filter(|t| t.import.verdict == v).count();
    format!(
        "{}, {}, {} unchanged, {} inconclusive",
        count(n(Verdict::Regression), "regression"),
        count(n(Verdict::Improvement), "improvement"),
        n(Verdict::Unchanged),
        n(Verdict::Inconclusive)
    )
}

/// Why a failed comparison still exits 0.
const REPORT_ONLY: &str = "exit code 0 on purpose: --report-only";

fn summary_line(c: &Comparison, st: &Styles) -> String {
    if c.passed() {
        format!("{} {}", Styles::paint(st.good, "PASS"), counts(c))
    } else {
        let report_only = if c.gate.report_only {
            format!(" ({REPORT_ONLY})")
        } else {
            String::new()
        };
        format!(
            "{} {} · {}{report_only}",
            Styles::paint(st.bad, "FAIL"),
            counts(c),
            count(c.failures.len(), "gate failure")
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
                    output: table::import_line(t),
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
        // The distribution difference belongs to the whole comparison: the suite's own output.
        let output = super::distributions::junit(self.distributions.as_ref());
        let name = match revisions(self) {
            Some((a, b)) => format!("coldstart {}: {a} vs {b}", self.command),
            None => format!("coldstart {}", self.command),
        };
        suite_with_output(&name, &cases, &output)
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

#[cfg(test)]
mod tests;
