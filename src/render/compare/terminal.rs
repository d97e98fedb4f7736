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
    for (name, s) in [("baseline ", &c.baseline), ("candidate", &c.candidate)] {
        let git = s.git.as_ref().map_or(String::new(), |g| {
            format!(" @ {}", esc(&g.commit.chars().take(10).collect::<String>()))
        });
        let _ = writeln!(
            out,
            "  {name} Python {} {}{git}",
            esc(&s.python.version),
            esc(&s.python.executable.display().to_string())
        );
    }
    for d in &c.environment_differences {
        let _ = writeln!(
            out,
            "  {} {}",
            Styles::paint(st.warn, "environment:"),
            esc(d)
        );
    }
    for t in &c.targets {
        let _ = writeln!(out);
        let v = t.import.verdict;
        let _ = writeln!(
            out,
            "{}  {}",
            Styles::paint(st.heading, esc(&t.name)),
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
