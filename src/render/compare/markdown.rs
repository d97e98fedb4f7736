//! The Markdown report of a comparison (also the GitHub step summary).
use super::*;
use crate::escape::{markdown_code, terminal as esc};

// Names come from result files or children: code spans (`markdown_code`), escaped text
// (`markdown_name`) or escaped HTML; prose (warnings, failures) keeps its own backticks and only
// has its invisible characters spelled out.

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

pub(super) fn markdown(c: &Comparison, view: &View) -> String {
    let mut out = String::new();
    let title = format!("coldstart {}", c.command);
    let verdict = if c.passed() {
        "✅ pass".to_owned()
    } else if c.gate.report_only {
        format!("❌ fail ({REPORT_ONLY})")
    } else {
        "❌ fail".to_owned()
    };
    let _ = writeln!(out, "### {title}: {verdict}\n");
    if let Some((a, b)) = revisions(c) {
        let _ = writeln!(
            out,
            "**baseline** {} → **candidate** {}\n",
            crate::escape::markdown_code(&a),
            crate::escape::markdown_code(&b)
        );
    }
    let _ = writeln!(
        out,
        "{} · {} · {}\n",
        method_text(c),
        gate_text(c),
        counts(c)
    );
    if let Some(legend) = anchored_legend(c) {
        let _ = writeln!(out, "{}.\n", capitalise(legend));
    }
    let delta = if matches!(
        c.method,
        Method::Anchored | Method::AnchorShift | Method::BlockAnchored
    ) {
        "anchored "
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "| target | baseline | candidate | {delta}Δ ms | {delta}Δ % | 90 % interval | modules beyond start-up | verdict |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|---:|---|");
    for t in &c.targets {
        let i = &t.import;
        let _ = writeln!(
            out,
            "| {} | {} ms | {} ms | {} | {} | {:.3}–{:.3} | {} → {} | {} |",
            markdown_code(&t.name),
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
    crate::render::distributions::markdown(c.distributions.as_ref(), &mut out);
    for t in &c.targets {
        let changes: Vec<String> = t
            .forbidden
            .iter()
            .filter(|f| matches!(f.transition, Transition::NowEager | Transition::NowLazy))
            .map(|f| {
                format!(
                    "{} {}",
                    markdown_code(&f.module),
                    transition_word(f.transition)
                )
            })
            .collect();
        let modules = module_lines(t, markdown_name);
        let tree = tree_lines(t, view.top, markdown_name);
        if changes.is_empty() && modules.len() <= 1 && tree.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n<details><summary><code>{}</code>: {}</summary>\n",
            super::super::svg::escape(&esc(&t.name)),
            modules[0]
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
            let _ = writeln!(
                out,
                "\n{} is only in the {side} (not compared).",
                markdown_code(name)
            );
        }
    }
    if !c.failures.is_empty() || !c.warnings.is_empty() {
        let _ = writeln!(out);
    }
    for f in &c.failures {
        let _ = writeln!(out, "- ❌ {}", esc(f));
    }
    for w in c.environment_differences.iter().chain(&c.warnings) {
        let _ = writeln!(out, "\n> **Warning:** {}", esc(w));
    }
    out
}
