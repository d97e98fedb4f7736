//! Reports of a comparison (`ab`, `compare`, `branches`): terminal and Markdown.
use super::junit::{Case, suite};
use super::report::Report;
use super::run::chain_text;
use super::{Styles, View, ms, signed_ms};
use crate::stats::paired::{EffectSize, Verdict};
use crate::verdict::compare::{Comparison, Method, TargetComparison, Timing, Transition};
use std::fmt::Write;

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
        "modules {} → {} ({:+}): {} added, {} removed",
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
fn terminal(c: &Comparison, view: &View) -> String {
    let st = &view.styles;
    let mut out = String::new();
    let title = format!("coldstart {}", c.command);
    let _ = writeln!(
        out,
        "{} · {} · {}",
        Styles::paint(st.heading, title),
        method_text(c),
        gate_text(c)
    );
    for (name, s) in [("baseline ", &c.baseline), ("candidate", &c.candidate)] {
        let git = s.git.as_ref().map_or(String::new(), |g| {
            format!(" @ {}", &g.commit[..g.commit.len().min(10)])
        });
        let _ = writeln!(
            out,
            "  {name} Python {} {}{git}",
            s.python.version,
            s.python.executable.display()
        );
    }
    for d in &c.environment_differences {
        let _ = writeln!(out, "  {} {d}", Styles::paint(st.warn, "environment:"));
    }
    for t in &c.targets {
        let _ = writeln!(out);
        let v = t.import.verdict;
        let _ = writeln!(
            out,
            "{}  {}",
            Styles::paint(st.heading, &t.name),
            Styles::paint(verdict_style(v, st), verdict_word(v))
        );
        let _ = writeln!(out, "  {}", Styles::paint(st.dim, header()));
        let _ = writeln!(
            out,
            "  {}",
            Styles::paint(verdict_style(v, st), timing_line("import", &t.import))
        );
        let _ = writeln!(out, "  {}", timing_line("wall", &t.wall));
        let _ = writeln!(out, "  {}", timing_line("cpu", &t.cpu));
        let noise = &t.import;
        let _ = writeln!(
            out,
            "  {}",
            Styles::paint(
                st.dim,
                format!(
                    "noise {:.1} % · detectable change ≥ {} at this noise{}",
                    noise.noise * 100.0,
                    pct(noise.mde_ratio),
                    noise
                        .pairs_needed
                        .map_or(String::new(), |n| format!(" · pairs needed {n}"))
                )
            )
        );
        for line in module_lines(t) {
            let _ = writeln!(out, "  {line}");
        }
        for f in &t.forbidden {
            let style = match f.transition {
                Transition::NowEager => st.bad,
                Transition::NowLazy => st.good,
                _ => st.dim,
            };
            let _ = writeln!(
                out,
                "  forbidden {} {}",
                f.module,
                Styles::paint(style, transition_word(f.transition))
            );
        }
        for line in tree_lines(t, view.top) {
            let _ = writeln!(out, "  {line}");
        }
    }
    for name in &c.only_in_baseline {
        let _ = writeln!(out, "\n{} only in the baseline (not compared)", name);
    }
    for name in &c.only_in_candidate {
        let _ = writeln!(out, "\n{} only in the candidate (not compared)", name);
    }
    if !c.warnings.is_empty() {
        let _ = writeln!(out);
    }
    for w in &c.warnings {
        let _ = writeln!(out, "{} {w}", Styles::paint(st.warn, "warning:"));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", summary_line(c, st));
    for f in &c.failures {
        let _ = writeln!(out, "  {} {f}", Styles::paint(st.bad, "✗"));
    }
    out
}

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
fn markdown(c: &Comparison, view: &View) -> String {
    let mut out = String::new();
    let title = format!("coldstart {}", c.command);
    let verdict = if c.passed() { "✅ pass" } else { "❌ fail" };
    let _ = writeln!(out, "### {title}: {verdict}\n");
    let _ = writeln!(
        out,
        "{} · {} · {}\n",
        method_text(c),
        gate_text(c),
        counts(c)
    );
    let _ = writeln!(
        out,
        "| target | baseline | candidate | Δ ms | Δ % | 90 % interval | modules | verdict |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|---:|---|");
    for t in &c.targets {
        let i = &t.import;
        let _ = writeln!(
            out,
            "| `{}` | {} ms | {} ms | {} | {} | {:.3}–{:.3} | {} → {} | {} |",
            t.name.replace('|', "\\|"),
            ms(i.baseline_median_ms),
            ms(i.candidate_median_ms),
            signed_ms(i.delta_ms),
            pct(i.ratio),
            i.ratio_low,
            i.ratio_high,
            t.modules.baseline_total,
            t.modules.candidate_total,
            if i.verdict == Verdict::Regression {
                "**REGRESSION**"
            } else {
                verdict_word(i.verdict)
            }
        );
    }
    for t in &c.targets {
        let changes: Vec<String> = t
            .forbidden
            .iter()
            .filter(|f| matches!(f.transition, Transition::NowEager | Transition::NowLazy))
            .map(|f| format!("`{}` {}", f.module, transition_word(f.transition)))
            .collect();
        let modules = module_lines(t);
        let tree = tree_lines(t, view.top);
        if changes.is_empty() && modules.len() <= 1 && tree.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n<details><summary><code>{}</code>: {}</summary>\n",
            t.name, modules[0]
        );
        for line in changes {
            let _ = writeln!(out, "- {line}");
        }
        for line in modules.iter().skip(1) {
            let line = line.trim();
            let (sign, rest) = line.split_at(1);
            let _ = writeln!(out, "- **{sign}** {}", rest.trim());
        }
        for line in tree {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out, "\n</details>");
    }
    for (names, side) in [
        (&c.only_in_baseline, "baseline"),
        (&c.only_in_candidate, "candidate"),
    ] {
        for name in names {
            let _ = writeln!(out, "\n`{name}` is only in the {side} (not compared).");
        }
    }
    if !c.failures.is_empty() || !c.warnings.is_empty() {
        let _ = writeln!(out);
    }
    for f in &c.failures {
        let _ = writeln!(out, "- ❌ {f}");
    }
    for w in c.environment_differences.iter().chain(&c.warnings) {
        let _ = writeln!(out, "\n> **Warning:** {w}");
    }
    out
}

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

    fn failures(&self) -> Vec<String> {
        self.failures.clone()
    }

    fn warnings(&self) -> Vec<String> {
        self.environment_differences
            .iter()
            .chain(&self.warnings)
            .cloned()
            .collect()
    }
}
