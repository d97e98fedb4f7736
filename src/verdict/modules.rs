//! The exact, noise-free part of a comparison: module-set diff, forbidden-module transitions, the
//! import chains of what appeared, and the module gates.
use super::gate::GateOptions;
use crate::results::TargetResult;
use crate::tree::{Link, TreeDiff};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The import chain that loads `module` on the candidate side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chain {
    pub module: String,
    pub links: Vec<Link>,
}

/// New subtrees whose chain is reported.
const MAX_CHAINS: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleDiff {
    pub baseline_total: usize,
    pub candidate_total: usize,
    /// Modules only the candidate loads, grouped by top-level package.
    pub added: BTreeMap<String, Vec<String>>,
    /// Modules only the baseline loads, grouped by top-level package.
    pub removed: BTreeMap<String, Vec<String>>,
    /// Package prefix -> [baseline count, candidate count].
    pub by_package: BTreeMap<String, [usize; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transition {
    NowEager,
    NowLazy,
    StillLoaded,
    NotLoaded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForbiddenChange {
    pub module: String,
    pub baseline: bool,
    pub candidate: bool,
    pub transition: Transition,
}

impl ModuleDiff {
    pub fn added_count(&self) -> usize {
        self.added.values().map(Vec::len).sum()
    }
    pub fn removed_count(&self) -> usize {
        self.removed.values().map(Vec::len).sum()
    }
}

fn grouped(names: impl Iterator<Item = String>) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in names {
        map.entry(crate::model::top_level(&n).to_string())
            .or_default()
            .push(n);
    }
    map
}

/// The exact, noise-free module-set change.
pub fn module_diff(a: &TargetResult, b: &TargetResult) -> ModuleDiff {
    use std::collections::BTreeSet;
    // Beyond start-up on each side: start-up differences are environment differences
    // (compare::environment_differences), not the import's doing.
    let sa: BTreeSet<&String> = a.modules.imported().into_iter().collect();
    let sb: BTreeSet<&String> = b.modules.imported().into_iter().collect();
    let mut by_package = BTreeMap::new();
    for p in a
        .modules
        .by_package
        .keys()
        .chain(b.modules.by_package.keys())
    {
        let count = |t: &TargetResult| {
            let imported: Vec<String> = t.modules.imported().into_iter().cloned().collect();
            crate::model::names::count_package(&imported, p)
        };
        by_package.insert(p.clone(), [count(a), count(b)]);
    }
    ModuleDiff {
        baseline_total: a.modules.imported_count(),
        candidate_total: b.modules.imported_count(),
        added: grouped(sb.difference(&sa).map(|s| s.to_string())),
        removed: grouped(sa.difference(&sb).map(|s| s.to_string())),
        by_package,
    }
}

pub fn forbidden_changes(a: &TargetResult, b: &TargetResult) -> Vec<ForbiddenChange> {
    let mut names: Vec<&String> = a.forbidden.keys().chain(b.forbidden.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|m| {
            let loaded = |t: &TargetResult| {
                t.forbidden
                    .get(m)
                    .copied()
                    .unwrap_or_else(|| t.modules.imported().contains(&m))
            };
            let (x, y) = (loaded(a), loaded(b));
            ForbiddenChange {
                module: m.clone(),
                baseline: x,
                candidate: y,
                transition: match (x, y) {
                    (false, true) => Transition::NowEager,
                    (true, false) => Transition::NowLazy,
                    (true, true) => Transition::StillLoaded,
                    (false, false) => Transition::NotLoaded,
                },
            }
        })
        .collect()
}

/// The exact, noise-free gates of one target: forbidden modules now loaded, and new modules when
/// `--fail-on-new-modules` asks.
pub fn module_failures(
    name: &str,
    modules: &ModuleDiff,
    forbidden: &[ForbiddenChange],
    gate: &GateOptions,
) -> Vec<String> {
    let mut out: Vec<String> = forbidden
        .iter()
        .filter(|f| f.transition == Transition::NowEager)
        .map(|f| {
            format!(
                "{name}: forbidden module {} is now loaded (NOW EAGER)",
                f.module
            )
        })
        .collect();
    if gate.fail_on_new_modules && modules.added_count() > 0 {
        out.push(format!(
            "{name}: {} new modules loaded (--fail-on-new-modules), e.g. {}",
            modules.added_count(),
            modules
                .added
                .values()
                .flatten()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

pub fn chains(
    cand: &TargetResult,
    forbidden: &[ForbiddenChange],
    tree: Option<&TreeDiff>,
) -> Vec<Chain> {
    let Some(t) = &cand.import_tree else {
        return Vec::new();
    };
    let eager = forbidden
        .iter()
        .filter(|f| f.transition == Transition::NowEager)
        .map(|f| f.module.as_str());
    let appeared = tree.into_iter().flat_map(|d| {
        d.appeared
            .iter()
            .take(MAX_CHAINS)
            .map(|s| s.module.as_str())
    });
    let mut out: Vec<Chain> = Vec::new();
    for module in eager.chain(appeared) {
        if out.iter().any(|c| c.module == module) {
            continue;
        }
        if let Some(links) = t.why(module) {
            out.push(Chain {
                module: module.to_string(),
                links,
            });
        }
    }
    out
}
