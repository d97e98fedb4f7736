//! Which modules to try deferring: the `--defer` names, checked, or by default the heaviest
//! subtrees of the target's aggregated import tree.
//!
//! Rules: only modules the statement imported fresh (the tree has no start-up modules) whose
//! loader runs Python code (`source` in the survey: LazyLoader cannot defer built-in, frozen or
//! extension modules, nor `__future__`, and a namespace package has no body to defer); never the
//! target module itself nor the packages above it (deferring the target defers nothing); by
//! default the `top` heaviest by cumulative time of at least `min_ms` (a subtree lighter than
//! the gate's minimum effect cannot show a saving).
use std::collections::BTreeMap;
use std::fmt;

use crate::tree::ImportTree;

/// One module to defer, with what the tree says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub name: String,
    /// Median cumulative import time in the tree: the most deferring it can save at import.
    pub cumulative_ms: f64,
    /// The modules that imported it in the tree (majority parent first, then the others).
    pub importers: Vec<String>,
}

/// Why a module is not a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The statement does not import it fresh (not loaded, or loaded at start-up).
    NotInTree,
    /// The target module or a package above it.
    Target,
    /// Its loader cannot be deferred; the survey's loader kind.
    NotDeferrable(String),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::NotInTree => {
                f.write_str("is not imported by the target (see `coldstart tree` for what is)")
            }
            Rejection::Target => f.write_str("is the target or a package above it"),
            Rejection::NotDeferrable(kind) => write!(f, "cannot be deferred ({})", kind_text(kind)),
        }
    }
}

/// A loader kind of the survey in words.
pub fn kind_text(kind: &str) -> String {
    match kind {
        "builtin" => "a built-in module".into(),
        "frozen" => "a frozen module".into(),
        "extension" => "an extension module: its code runs when it is created".into(),
        "namespace" => "a namespace package has no code to defer".into(),
        "future" => "__future__ is read by the compiler".into(),
        "no-exec-module" => "its loader has no exec_module()".into(),
        "unknown" => "no loader was found for it".into(),
        other => format!("loader kind '{other}'"),
    }
}

/// The module a statement-less target is, and the packages above it: `a.b.c` gives `a`, `a.b`,
/// `a.b.c`.
fn target_chain(target: Option<&str>) -> Vec<&str> {
    let Some(target) = target else {
        return Vec::new();
    };
    target
        .match_indices('.')
        .map(|(i, _)| &target[..i])
        .chain(std::iter::once(target))
        .collect()
}

/// Checks one module: the candidate, or why it is not one.
pub fn check(
    tree: &ImportTree,
    loaders: &BTreeMap<String, String>,
    target: Option<&str>,
    name: &str,
) -> Result<Candidate, Rejection> {
    if target_chain(target).contains(&name) {
        return Err(Rejection::Target);
    }
    let Some(stats) = tree.modules.iter().find(|m| m.name == name) else {
        return Err(Rejection::NotInTree);
    };
    let kind = if name == "__future__" {
        "future"
    } else {
        loaders.get(name).map_or("unknown", String::as_str)
    };
    if kind != "source" {
        return Err(Rejection::NotDeferrable(kind.to_owned()));
    }
    let importers = stats
        .parent
        .iter()
        .chain(&stats.also_imported_by)
        .cloned()
        .collect();
    Ok(Candidate {
        name: name.to_owned(),
        cumulative_ms: stats.cumulative_ms,
        importers,
    })
}

/// The default candidates: the `top` heaviest eligible modules; the heavier modules that were
/// passed over, with the reason, come second.
pub fn select(
    tree: &ImportTree,
    loaders: &BTreeMap<String, String>,
    target: Option<&str>,
    top: usize,
    min_ms: f64,
) -> (Vec<Candidate>, Vec<(String, Rejection)>) {
    let mut by_weight: Vec<_> = tree.modules.iter().collect();
    by_weight.sort_by(|a, b| {
        b.cumulative_ms
            .total_cmp(&a.cumulative_ms)
            .then_with(|| a.name.cmp(&b.name))
    });
    let (mut chosen, mut skipped) = (Vec::new(), Vec::new());
    for m in by_weight {
        if chosen.len() == top {
            break;
        }
        if m.cumulative_ms < min_ms {
            break;
        }
        match check(tree, loaders, target, &m.name) {
            Ok(c) => chosen.push(c),
            Err(Rejection::Target) => {}
            Err(why) => skipped.push((m.name.clone(), why)),
        }
    }
    (chosen, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::ModuleStats;

    fn module(name: &str, parent: Option<&str>, cumulative_ms: f64) -> ModuleStats {
        ModuleStats {
            name: name.into(),
            parent: parent.map(Into::into),
            depth: usize::from(parent.is_some()),
            self_ms: cumulative_ms,
            cumulative_ms,
            runs: 5,
            also_imported_by: Vec::new(),
        }
    }

    fn fixture() -> (ImportTree, BTreeMap<String, String>) {
        let mut shared = module("heavy_attr", Some("pkg"), 20.0);
        shared.also_imported_by = vec!["pkg.other".into()];
        let tree = ImportTree {
            runs: 5,
            unreliable_runs: 0,
            startup_ms: 10.0,
            startup_modules: 30,
            modules: vec![
                module("pkg", None, 90.0),
                module("heavy_unused", Some("pkg"), 40.0),
                module("_speedups", Some("pkg"), 25.0),
                shared,
                module("heavy_late", Some("pkg"), 19.0),
                module("pkg.other", Some("pkg"), 0.3),
            ],
        };
        let loaders = [
            ("pkg", "source"),
            ("heavy_unused", "source"),
            ("_speedups", "extension"),
            ("heavy_attr", "source"),
            ("heavy_late", "source"),
            ("pkg.other", "source"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        (tree, loaders)
    }

    #[test]
    fn heaviest_deferrable_modules_first_skipping_the_target_and_extensions() {
        let (tree, loaders) = fixture();
        let (chosen, skipped) = select(&tree, &loaders, Some("pkg"), 2, 1.0);
        let names: Vec<_> = chosen.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["heavy_unused", "heavy_attr"]);
        assert_eq!(
            skipped,
            vec![(
                "_speedups".to_owned(),
                Rejection::NotDeferrable("extension".into())
            )]
        );
        assert_eq!(chosen[1].importers, ["pkg", "pkg.other"]);
        let (chosen, _) = select(&tree, &loaders, Some("pkg"), 10, 1.0);
        assert_eq!(chosen.len(), 3, "pkg.other is below the minimum");
    }

    #[test]
    fn explicit_names_are_checked() {
        let (tree, loaders) = fixture();
        assert_eq!(
            check(&tree, &loaders, Some("pkg.other"), "pkg"),
            Err(Rejection::Target)
        );
        assert_eq!(
            check(&tree, &loaders, Some("pkg"), "nothere"),
            Err(Rejection::NotInTree)
        );
        assert_eq!(
            check(&tree, &loaders, None, "__future__"),
            Err(Rejection::NotInTree)
        );
        let err = check(&tree, &loaders, None, "_speedups").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot be deferred (an extension module: its code runs when it is created)"
        );
        assert_eq!(
            check(&tree, &loaders, Some("pkg"), "heavy_late")
                .unwrap()
                .cumulative_ms,
            19.0
        );
    }
}
