//! The Markdown report of a comparison (also the GitHub step summary).
use super::*;

pub(super) fn markdown(c: &Comparison, view: &View) -> String {
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
        "| target | baseline | candidate | Δ ms | Δ % | 90 % interval | modules beyond start-up | verdict |"
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
            .map(|f| {
                format!(
                    "{} {}",
                    crate::escape::markdown_code(&f.module),
                    transition_word(f.transition)
                )
            })
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
