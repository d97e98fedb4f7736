//! The terminal report of a comparison.
use super::*;

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
            Styles::paint(st.heading, &t.name),
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
