//! Reports of one result file (`coldstart run`): terminal and Markdown.
use super::junit::{Case, suite};
use super::report::{Annotation, Report};
use super::{Styles, View, mib, ms};
use crate::escape::{markdown_code, terminal as esc};
use crate::model::words::count;
use crate::results::{ResultFile, TargetResult};
use crate::stats::summary::Summary;
use crate::tree::ImportTree;
use std::fmt::Write;

// Every name, path, statement and warning below came from a child or a result file: it is shown
// through `esc` (terminal), `markdown_code`/`escape::markdown` (Markdown) or `html` (inline HTML),
// so it cannot move the cursor, retitle the terminal, fake a line or break a table. Warnings are
// prose with their own Markdown (backticks): there only invisible characters are escaped.

/// `text` for inline HTML (`<summary>`): invisible characters spelled out, then XML-escaped.
fn html(text: &str) -> String {
    super::svg::escape(&esc(text))
}

fn spread(s: &Summary) -> String {
    format!(
        "median {:>7} ms   mean {} ± {} ms   min..max {}..{}   p95 {}",
        ms(s.median),
        ms(s.mean),
        ms(s.stddev),
        ms(s.min),
        ms(s.max),
        ms(s.p95)
    )
}

fn packages(t: &TargetResult) -> String {
    t.modules
        .by_package
        .iter()
        .map(|(p, n)| format!("{}: {n}", esc(p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a renderer shows a module name from a child or a file: escaped for its format.
pub type Name = fn(&str) -> String;

/// [`Name`] for a terminal.
pub fn terminal_name(name: &str) -> String {
    esc(name).into_owned()
}

/// [`Name`] for Markdown text.
pub fn markdown_name(name: &str) -> String {
    crate::escape::markdown(name).into_owned()
}

/// A chain as `a (12.0 ms) -> b (3.1 ms)`, names shown with `name`.
pub fn chain_text(links: &[crate::tree::Link], name: Name) -> String {
    links
        .iter()
        .map(|l| format!("{} ({} ms)", name(&l.module), ms(l.cumulative_ms)))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// Top lists of the import tree and the chain that loaded each forbidden module.
fn tree_lines(t: &TargetResult, tree: &ImportTree, top: usize) -> Vec<String> {
    let list = |mods: Vec<&crate::tree::ModuleStats>, f: fn(&crate::tree::ModuleStats) -> f64| {
        mods.iter()
            .map(|m| format!("{} {} ms", esc(&m.name), ms(f(m))))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let mut lines = Vec::new();
    if top > 0 {
        lines.push(format!(
            "top self  {}",
            list(tree.top_by_self(top), |m| m.self_ms)
        ));
        lines.push(format!(
            "top cumul {}",
            list(tree.top_by_cumulative(top), |m| m.cumulative_ms)
        ));
    }
    for (m, loaded) in &t.forbidden {
        if let (true, Some(links)) = (*loaded, tree.why(m)) {
            lines.push(format!(
                "why {}: {}",
                esc(m),
                chain_text(&links, terminal_name)
            ));
        }
    }
    if tree.unreliable_runs > 0 {
        lines.push(format!(
            "({} of {} import-tree runs were garbled, e.g. by threads; the tree is approximate)",
            tree.unreliable_runs, tree.runs
        ));
    }
    lines
}

/// The human report: one block per target, then warnings.
fn terminal(r: &ResultFile, view: &View) -> String {
    let st = &view.styles;
    let mut out = String::new();
    let py = &r.environment.python;
    let _ = writeln!(
        out,
        "{} {} ({}) · {}, {} warm-up, pyc {}",
        Styles::paint(st.heading, "Python"),
        esc(&py.version),
        esc(&py.executable.display().to_string()),
        count(r.settings.runs, "run"),
        r.settings.warmup,
        r.settings.pyc.as_str()
    );
    let mut context = format!("start-up {} ms", ms(r.startup_ms.median));
    if let Some(a) = &r.anchor {
        // The anchor is not self-explanatory: say what it is for in a few words.
        let _ = write!(
            context,
            " · anchor {} ms (reference import timed every round, so compare can remove machine speed)",
            ms(a.summary.median)
        );
    }
    if let Some(n) = &r.noise {
        let _ = write!(context, " · foreign CPU {:.2}", n.foreign_cpus);
    }
    let _ = writeln!(out, "{}", Styles::paint(st.dim, context));
    for t in &r.targets {
        let _ = writeln!(out);
        // A --stmt target is named by its statement: say it once.
        let title = if t.statement == t.name || t.statement == format!("import {}", t.name) {
            esc(&t.name).into_owned()
        } else {
            format!("{} ({})", esc(&t.name), esc(&t.statement))
        };
        let _ = writeln!(out, "{}", Styles::paint(st.heading, title));
        let s = &t.summary;
        let _ = writeln!(out, "  import    {}", spread(&s.import_ms));
        let _ = writeln!(out, "  wall      {}", spread(&s.wall_ms));
        let _ = writeln!(
            out,
            "  cpu       median {:>7} ms   (in-child import CPU {} ms)",
            ms(s.cpu_ms.median),
            ms(s.import_cpu_ms.median)
        );
        if let Some(rss) = &s.peak_rss_kib {
            let _ = writeln!(out, "  peak mem  median {}", mib(rss.median));
        }
        if let Some(c) = &t.instructions {
            let _ = writeln!(out, "  instr     {}", count_text(c));
        }
        let _ = writeln!(
            out,
            "  modules   {} loaded ({} at start-up){}",
            t.modules.total,
            t.modules.startup,
            if t.modules.by_package.is_empty() {
                String::new()
            } else {
                format!(" · {}", packages(t))
            }
        );
        if !t.forbidden.is_empty() {
            let flags: Vec<String> = t
                .forbidden
                .iter()
                .map(|(m, loaded)| {
                    if *loaded {
                        format!("{} {}", esc(m), Styles::paint(st.bad, "LOADED"))
                    } else {
                        format!("{} {}", esc(m), Styles::paint(st.good, "not loaded"))
                    }
                })
                .collect();
            let _ = writeln!(out, "  forbidden {}", flags.join(" · "));
        }
        if let Some(tree) = &t.import_tree {
            for line in tree_lines(t, tree, view.top) {
                let _ = writeln!(out, "  {line}");
            }
        }
        for w in &t.warnings {
            let _ = writeln!(out, "  {} {}", Styles::paint(st.warn, "warning:"), esc(w));
        }
    }
    for w in &r.warnings {
        let _ = writeln!(out, "{} {}", Styles::paint(st.warn, "warning:"), esc(w));
    }
    if let Some(c) = &r.instructions {
        let _ = writeln!(
            out,
            "{} {}",
            Styles::paint(st.dim, "note:"),
            counting_note(c)
        );
    }
    out
}

/// `117,840,993 (median of 3 children, spread 0 %)`.
fn count_text(c: &crate::results::TargetCounts) -> String {
    format!(
        "{} (median of {} children, spread {})",
        crate::stats::instructions::grouped(c.summary.median),
        c.summary.n,
        crate::stats::instructions::percent(c.summary.spread)
    )
}

/// How the counts were taken, and what they are not.
fn counting_note(c: &crate::results::Counting) -> String {
    format!(
        "instructions counted with {} {} (PYTHONHASHSEED={}); {}",
        c.counter,
        c.counter_version,
        c.hash_seed,
        crate::verdict::instructions::CAVEAT
    )
}

/// A Markdown table fit for a pull-request comment.
fn markdown(r: &ResultFile, view: &View) -> String {
    let mut out = String::new();
    let py = &r.environment.python;
    let _ = writeln!(out, "### coldstart: import times\n");
    let _ = writeln!(
        out,
        "Python {} · {} per target · interpreter start-up {} ms\n",
        crate::escape::markdown(&py.version),
        count(r.settings.runs, "run"),
        ms(r.startup_ms.median)
    );
    let _ = writeln!(
        out,
        "| target | import median | mean ± sd | p95 | wall median | peak mem | modules | forbidden |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---|");
    for t in &r.targets {
        let s = &t.summary;
        let forbidden: Vec<String> = t
            .forbidden
            .iter()
            .map(|(m, l)| {
                let m = crate::escape::markdown(m);
                format!("{m}: {}", if *l { "**loaded**" } else { "not loaded" })
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} ms | {} ± {} ms | {} ms | {} ms | {} | {} | {} |",
            markdown_code(&t.name),
            ms(s.import_ms.median),
            ms(s.import_ms.mean),
            ms(s.import_ms.stddev),
            ms(s.import_ms.p95),
            ms(s.wall_ms.median),
            s.peak_rss_kib
                .as_ref()
                .map_or("-".into(), |r| mib(r.median)),
            t.modules.total,
            if forbidden.is_empty() {
                "-".into()
            } else {
                forbidden.join(", ")
            }
        );
    }
    if let Some(c) = &r.instructions {
        let _ = writeln!(out, "\n| target | instructions |\n|---|---:|");
        for t in &r.targets {
            if let Some(counts) = &t.instructions {
                let name = t.name.replace('|', "\\|");
                let _ = writeln!(out, "| `{name}` | {} |", count_text(counts));
            }
        }
        let _ = writeln!(out, "\n_{}._", counting_note(c));
    }
    for t in &r.targets {
        if let (Some(tree), true) = (&t.import_tree, view.top > 0) {
            let _ = writeln!(
                out,
                "\n<details><summary><code>{}</code>: where the time goes</summary>\n",
                html(&t.name)
            );
            let _ = writeln!(out, "| module | self | cumulative |\n|---|---:|---:|");
            for m in tree.top_by_cumulative(view.top) {
                let _ = writeln!(
                    out,
                    "| {} | {} ms | {} ms |",
                    markdown_code(&m.name),
                    ms(m.self_ms),
                    ms(m.cumulative_ms)
                );
            }
            let _ = writeln!(out, "\n</details>");
        }
    }
    let warnings: Vec<String> = r
        .warnings
        .iter()
        .map(|w| esc(w).into_owned())
        .chain(r.targets.iter().flat_map(|t| {
            t.warnings
                .iter()
                .map(move |w| format!("{}: {}", markdown_code(&t.name), esc(w)))
        }))
        .collect();
    if !warnings.is_empty() {
        let _ = writeln!(out);
        for w in warnings {
            let _ = writeln!(out, "\n> **Warning:** {w}");
        }
    }
    out
}

impl Report for ResultFile {
    fn terminal(&self, view: &View) -> String {
        terminal(self, view)
    }

    fn markdown(&self, view: &View) -> String {
        markdown(self, view)
    }

    fn junit(&self) -> String {
        let cases: Vec<Case> = self
            .targets
            .iter()
            .map(|t| Case {
                classname: "coldstart.run".into(),
                name: t.name.clone(),
                failure: None,
                output: format!(
                    "median import {} ms, {}",
                    ms(t.summary.import_ms.median),
                    count(t.modules.total, "module")
                ),
            })
            .collect();
        suite("coldstart run", &cases)
    }

    fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("result files always serialize") + "\n"
    }

    fn annotations(&self) -> Vec<Annotation> {
        self.warnings
            .iter()
            .cloned()
            .chain(
                self.targets
                    .iter()
                    .flat_map(|t| t.warnings.iter().map(move |w| format!("{}: {w}", t.name))),
            )
            .map(Annotation::warning)
            .collect()
    }
}
