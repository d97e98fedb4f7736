//! Comparison of two [`ImportTree`]s: which modules' cumulative times moved most, and which
//! subtrees appeared or disappeared (reported by their root module only).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::aggregate::{ImportTree, ModuleStats};

/// What changed between a base and a candidate tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeDiff {
    /// Modules present in both, largest absolute change of cumulative time first.
    pub changed: Vec<ModuleChange>,
    /// Subtrees only the candidate imports, heaviest first.
    pub appeared: Vec<SubtreeChange>,
    /// Subtrees only the base imports, heaviest first.
    pub disappeared: Vec<SubtreeChange>,
}

/// A module imported by both trees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleChange {
    pub module: String,
    pub base_ms: f64,
    pub cand_ms: f64,
    /// `cand_ms - base_ms`: positive is slower.
    pub delta_ms: f64,
}

/// The root of a subtree that exists on one side only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubtreeChange {
    pub module: String,
    /// Its importer on the side where it exists (`None` for a top-level import).
    pub parent: Option<String>,
    /// Its cumulative time on the side where it exists.
    pub cumulative_ms: f64,
    /// How many modules of its subtree are missing on the other side, itself included.
    pub modules: usize,
}

/// Compare `cand` against `base`.
pub fn diff(base: &ImportTree, cand: &ImportTree) -> TreeDiff {
    let base_index = index(base);
    let cand_index = index(cand);
    let mut changed: Vec<ModuleChange> = cand_index
        .values()
        .filter_map(|c| {
            let b = base_index.get(c.name.as_str())?;
            Some(ModuleChange {
                module: c.name.clone(),
                base_ms: b.cumulative_ms,
                cand_ms: c.cumulative_ms,
                delta_ms: c.cumulative_ms - b.cumulative_ms,
            })
        })
        .collect();
    changed.sort_by(|a, b| {
        b.delta_ms
            .abs()
            .total_cmp(&a.delta_ms.abs())
            .then_with(|| a.module.cmp(&b.module))
    });
    TreeDiff {
        changed,
        appeared: only_in(&cand_index, &base_index),
        disappeared: only_in(&base_index, &cand_index),
    }
}

fn index(tree: &ImportTree) -> HashMap<&str, &ModuleStats> {
    tree.modules
        .iter()
        .rev()
        .map(|m| (m.name.as_str(), m))
        .collect()
}

/// Subtree roots of the modules in `side` but not in `other`.
fn only_in(
    side: &HashMap<&str, &ModuleStats>,
    other: &HashMap<&str, &ModuleStats>,
) -> Vec<SubtreeChange> {
    let is_new = |name: &str| side.contains_key(name) && !other.contains_key(name);
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for (&name, _) in side.iter().filter(|(name, _)| is_new(name)) {
        // Walk up through new ancestors to the topmost one (bounded: parents may loop in JSON).
        let mut top = name;
        for _ in 0..side.len() {
            match side[top].parent.as_deref() {
                Some(p) if is_new(p) && p != name => top = p,
                _ => break,
            }
        }
        *sizes.entry(top).or_default() += 1;
    }
    let mut out: Vec<SubtreeChange> = sizes
        .into_iter()
        .map(|(name, modules)| SubtreeChange {
            module: name.to_owned(),
            parent: side[name].parent.clone(),
            cumulative_ms: side[name].cumulative_ms,
            modules,
        })
        .collect();
    out.sort_by(|a, b| {
        b.cumulative_ms
            .total_cmp(&a.cumulative_ms)
            .then_with(|| a.module.cmp(&b.module))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::aggregate::aggregate;
    use crate::tree::aggregate::tests::{node, run};

    #[test]
    fn changes_and_subtree_roots() {
        let base = aggregate(&[run(vec![
            node(
                "pkg",
                100,
                vec![
                    node("pkg.core", 1000, vec![]),
                    node(
                        "old",
                        50,
                        vec![node("old.a", 10, vec![]), node("old.b", 10, vec![])],
                    ),
                ],
            ),
            node("json", 500, vec![]),
        ])]);
        let cand = aggregate(&[run(vec![
            node(
                "pkg",
                100,
                vec![
                    node("pkg.core", 400, vec![]),
                    node(
                        "rich",
                        2000,
                        vec![node(
                            "rich.console",
                            300,
                            vec![node("pygments", 700, vec![])],
                        )],
                    ),
                ],
            ),
            node("json", 520, vec![]),
            node("yaml", 30, vec![]),
        ])]);
        let d = diff(&base, &cand);
        let moved: Vec<(&str, f64)> = d
            .changed
            .iter()
            .map(|c| (c.module.as_str(), (c.delta_ms * 1000.0).round()))
            .collect();
        // pkg: 1.17 -> 3.5 ms; pkg.core: 1.0 -> 0.4; json: 0.5 -> 0.52.
        assert_eq!(
            moved,
            [("pkg", 2330.0), ("pkg.core", -600.0), ("json", 20.0)]
        );
        let appeared: Vec<(&str, Option<&str>, usize)> = d
            .appeared
            .iter()
            .map(|s| (s.module.as_str(), s.parent.as_deref(), s.modules))
            .collect();
        assert_eq!(appeared, [("rich", Some("pkg"), 3), ("yaml", None, 1)]);
        assert_eq!(d.appeared[0].cumulative_ms, 3.0);
        assert_eq!(d.disappeared.len(), 1);
        assert_eq!(
            (d.disappeared[0].module.as_str(), d.disappeared[0].modules),
            ("old", 3)
        );
        let same = diff(&cand, &cand);
        assert!(same.appeared.is_empty() && same.disappeared.is_empty());
        assert!(same.changed.iter().all(|c| c.delta_ms == 0.0));
        // serde_json's default float parsing can be off by an ulp: compare with a tolerance.
        let json = serde_json::to_string(&d).expect("serialize");
        let back: TreeDiff = serde_json::from_str(&json).expect("read");
        assert_eq!(back.appeared, d.appeared);
        assert_eq!(back.changed.len(), d.changed.len());
        for (a, b) in back.changed.iter().zip(&d.changed) {
            assert_eq!(a.module, b.module);
            assert!((a.delta_ms - b.delta_ms).abs() < 1e-12);
        }
    }
}
