//! The terminal report of a comparison.
use super::*;
use crate::escape::terminal as esc;

// Names, paths, versions and warnings come from result files or children: shown through `esc`.

pub(super) fn terminal(c: &Comparison, view: &View) -> String {
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
    let names = revisions(c);
    for (i, (name, s)) in [("baseline ", &c.baseline), ("candidate", &c.candidate)]
        .into_iter()
        .enumerate()
    {
        let python = format!(
            "Python {} {}",
            esc(&s.python.version),
            esc(&s.python.executable.display().to_string())
        );
        let line = match (&names, &s.git) {
            (Some((a, b)), _) => format!("{} · {python}", esc(if i == 0 { a } else { b })),
            (None, Some(g)) => format!(
                "{python} @ {}",
                esc(&g.commit.chars().take(10).collect::<String>())
            ),
            (None, None) => python,
        };
        let _ = writeln!(out, "  {name} {line}");
    }
    for d in &c.environment_differences {
        let _ = writeln!(
            out,
            "  {} {}",
            Styles::paint(st.warn, "environment:"),
            esc(d)
        );
    }
    for line in crate::render::distributions::terminal(c.distributions.as_ref()) {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(legend) = anchored_legend(c) {
        let _ = writeln!(out, "  {}", Styles::paint(st.dim, legend));
    }
    let widths = table::Widths::of(c);
    for t in &c.targets {
        let _ = writeln!(out);
        let v = t.import.verdict;
        let _ = writeln!(
            out,
            "{}  {}",
            Styles::paint(st.heading, esc(&t.name)),
            Styles::paint(verdict_style(v, st), verdict_word(v))
        );
        let _ = writeln!(out, "  {}", Styles::paint(st.dim, widths.header(c.method)));
        let [import, wall, cpu] = table::target_rows(t);
        let _ = writeln!(
            out,
            "  {}",
            Styles::paint(verdict_style(v, st), widths.line(&import))
        );
        let _ = writeln!(out, "  {}", widths.line(&wall));
        let _ = writeln!(out, "  {}", widths.line(&cpu));
        let _ = writeln!(out, "  {}", Styles::paint(st.dim, noise_text(&t.import, c)));
        for line in module_lines(t, terminal_name) {
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
                esc(&f.module),
                Styles::paint(style, transition_word(f.transition))
            );
        }
        for line in tree_lines(t, view.top, terminal_name) {
            let _ = writeln!(out, "  {line}");
        }
    }
    for name in &c.only_in_baseline {
        let _ = writeln!(out, "\n{} only in the baseline (not compared)", esc(name));
    }
    for name in &c.only_in_candidate {
        let _ = writeln!(out, "\n{} only in the candidate (not compared)", esc(name));
    }
    if !c.warnings.is_empty() {
        let _ = writeln!(out);
    }
    for w in &c.warnings {
        let _ = writeln!(out, "{} {}", Styles::paint(st.warn, "warning:"), esc(w));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", summary_line(c, st));
    for f in &c.failures {
        let _ = writeln!(out, "  {} {}", Styles::paint(st.bad, "✗"), esc(f));
    }
    out
}
