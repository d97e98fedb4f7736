//! Plain-text rendering of an [`ImportTree`]: an indented tree with self and cumulative columns,
//! optionally grouped by top-level package, pruned below a cumulative threshold. No colour: the
//! caller styles the output.

use std::fmt::Write as _;

use super::aggregate::ImportTree;
use crate::model::top_level;

/// One printed row: a module, or (grouped) a connected run of modules of one top-level package.
struct Row {
    label: String,
    self_ms: f64,
    cumulative_ms: f64,
    /// Modules this row stands for.
    modules: usize,
    children: Vec<usize>,
}

/// Render `tree` as text. Rows (and their subtrees) under `min_ms` cumulative are left out and
/// counted in a closing line. With `group_by_package`, each connected run of modules of the same
/// top-level package becomes one row whose self time is the run's total self time.
pub fn render_text(tree: &ImportTree, min_ms: f64, group_by_package: bool) -> String {
    if tree.modules.is_empty() {
        return "(no imports recorded)\n".to_owned();
    }
    let (rows, roots) = if group_by_package {
        package_rows(tree)
    } else {
        module_rows(tree)
    };
    let mut out = format!("{:>9}  {:>9}  {}\n", "self ms", "cum ms", "module");
    let mut hidden = 0usize;
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&r| (r, 0)).collect();
    while let Some((idx, depth)) = stack.pop() {
        let row = &rows[idx];
        if row.cumulative_ms < min_ms {
            hidden += subtree_modules(&rows, idx);
            continue;
        }
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{:>9.2}  {:>9.2}  {}{}",
            row.self_ms,
            row.cumulative_ms,
            "  ".repeat(depth),
            row.label
        );
        stack.extend(row.children.iter().rev().map(|&c| (c, depth + 1)));
    }
    if hidden > 0 {
        let noun = if hidden == 1 { "module" } else { "modules" };
        let _ = writeln!(
            out,
            "({hidden} {noun} under {min_ms} ms cumulative not shown)"
        );
    }
    out
}

fn subtree_modules(rows: &[Row], root: usize) -> usize {
    let mut total = 0;
    let mut stack = vec![root];
    while let Some(idx) = stack.pop() {
        total += rows[idx].modules;
        stack.extend(&rows[idx].children);
    }
    total
}

fn module_rows(tree: &ImportTree) -> (Vec<Row>, Vec<usize>) {
    let forest = tree.forest();
    let rows = tree
        .modules
        .iter()
        .zip(forest.children)
        .map(|(m, children)| Row {
            // Names come from the child: control characters must not reach the terminal.
            label: crate::escape::terminal(&m.name).into_owned(),
            self_ms: m.self_ms,
            cumulative_ms: m.cumulative_ms,
            modules: 1,
            children,
        })
        .collect();
    (rows, forest.roots)
}

fn package_rows(tree: &ImportTree) -> (Vec<Row>, Vec<usize>) {
    let forest = tree.forest();
    let package = |i: usize| top_level(&tree.modules[i].name);
    let mut group_of = vec![0usize; tree.modules.len()];
    let mut parent_of = vec![None; tree.modules.len()];
    for (idx, children) in forest.children.iter().enumerate() {
        for &c in children {
            parent_of[c] = Some(idx);
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut roots = Vec::new();
    for (idx, _) in forest.preorder() {
        let m = &tree.modules[idx];
        match parent_of[idx] {
            Some(p) if package(p) == package(idx) => {
                let g = group_of[p];
                group_of[idx] = g;
                rows[g].self_ms += m.self_ms;
                rows[g].modules += 1;
            }
            parent => {
                let g = rows.len();
                group_of[idx] = g;
                rows.push(Row {
                    label: package(idx).to_owned(),
                    self_ms: m.self_ms,
                    cumulative_ms: m.cumulative_ms,
                    modules: 1,
                    children: Vec::new(),
                });
                match parent {
                    Some(p) => rows[group_of[p]].children.push(g),
                    None => roots.push(g),
                }
            }
        }
    }
    for row in &mut rows {
        if row.modules > 1 {
            row.label = format!("{} [{} modules]", row.label, row.modules);
        }
    }
    let cumulative: Vec<f64> = rows.iter().map(|r| r.cumulative_ms).collect();
    let heavier_first = |a: &usize, b: &usize| cumulative[*b].total_cmp(&cumulative[*a]);
    for row in &mut rows {
        row.children.sort_by(heavier_first);
    }
    roots.sort_by(heavier_first);
    (rows, roots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::aggregate::aggregate;
    use crate::tree::aggregate::tests::{node, run};

    fn sample() -> ImportTree {
        aggregate(&[run(vec![
            node(
                "pkg",
                400,
                vec![
                    node(
                        "pkg.mid",
                        300,
                        vec![node("pkg.leaf", 250, vec![node("heavy", 20300, vec![])])],
                    ),
                    node("pkg.tiny", 20, vec![node("pkg.tiny.sub", 10, vec![])]),
                    node("json", 600, vec![node("json.decoder", 900, vec![])]),
                ],
            ),
            node("yaml", 5, vec![]),
        ])])
    }

    #[test]
    fn indented_tree_with_pruning() {
        insta::assert_snapshot!(render_text(&sample(), 0.1, false), @r"
          self ms     cum ms  module
             0.40      22.78  pkg
             0.30      20.85    pkg.mid
             0.25      20.55      pkg.leaf
            20.30      20.30        heavy
             0.60       1.50    json
             0.90       0.90      json.decoder
        (3 modules under 0.1 ms cumulative not shown)
        ");
    }

    #[test]
    fn grouped_by_package() {
        insta::assert_snapshot!(render_text(&sample(), 0.0, true), @r"
          self ms     cum ms  module
             0.98      22.78  pkg [5 modules]
            20.30      20.30    heavy
             1.50       1.50    json [2 modules]
             0.01       0.01  yaml
        ");
    }

    #[test]
    fn nothing_pruned_and_empty() {
        let text = render_text(&sample(), 0.0, false);
        assert!(!text.contains("not shown"));
        assert_eq!(text.lines().count(), 10);
        assert_eq!(
            render_text(&aggregate(&[]), 1.0, true),
            "(no imports recorded)\n"
        );
        let all_hidden = render_text(&sample(), 1000.0, false);
        assert!(all_hidden.ends_with("(9 modules under 1000 ms cumulative not shown)\n"));
    }
}
