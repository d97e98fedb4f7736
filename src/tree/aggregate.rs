//! Aggregation of K parsed runs into one [`ImportTree`] (per-module medians, majority parent),
//! and the queries over it: top lists, roots and `why`.
//!
//! Rules:
//! * only the target's fresh imports count (start-up is summarised, cached entries cost nothing
//!   and only feed `also_imported_by`);
//! * a module printed more than once in a run (failed attempts, e.g. five `nt` imports) has its
//!   times summed for that run and takes the parent of its first occurrence;
//! * medians are over the runs in which the module appeared (`runs` says how many);
//! * the parent is the one seen in most runs (ties: a root wins, then the smallest name), skipping
//!   any parent that would close a cycle (runs in differing orders can disagree about who imported
//!   whom);
//! * `modules` is stored in pre-order, siblings by descending cumulative time then name, so the
//!   result does not depend on the order of the runs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::parse::{Node, ParsedRun};
use crate::stats;

/// The aggregated import tree of one target. Stored as-is in result JSON files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportTree {
    /// How many runs were aggregated.
    pub runs: usize,
    /// How many of them were marked unreliable by the parser (threads, garbled lines).
    pub unreliable_runs: usize,
    /// Median time of interpreter start-up (up to and including `site`), milliseconds.
    pub startup_ms: f64,
    /// Median number of modules loaded fresh during start-up (lower median).
    pub startup_modules: usize,
    /// Every module the target imported fresh, in pre-order.
    pub modules: Vec<ModuleStats>,
}

/// One module of an [`ImportTree`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleStats {
    /// Fully qualified module name.
    pub name: String,
    /// The module that imported it in most runs; `None` for the target's top-level imports.
    pub parent: Option<String>,
    /// Distance from the root of its tree (roots are 0).
    pub depth: usize,
    /// Median time spent in the module itself, milliseconds.
    pub self_ms: f64,
    /// Median time including everything it imported fresh, milliseconds.
    pub cumulative_ms: f64,
    /// In how many runs it was imported.
    pub runs: usize,
    /// Other modules seen importing it (fresh in a minority of runs, or already loaded): making
    /// the parent's import lazy will not unload it while these remain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_imported_by: Vec<String>,
}

/// One step of an import chain returned by [`ImportTree::why`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub module: String,
    pub cumulative_ms: f64,
}

#[derive(Default)]
struct Samples {
    self_us: Vec<i64>,
    cumulative_us: Vec<i64>,
    /// Parent name (or `None` for a root) -> number of runs.
    parents: BTreeMap<Option<String>, usize>,
    importers: BTreeSet<String>,
}

/// Per-run totals of one module: self, cumulative, parent of the first occurrence.
type RunEntry<'a> = (i64, i64, Option<&'a str>);

/// Aggregate K runs of the same target. An empty slice gives an empty tree.
pub fn aggregate(runs: &[ParsedRun]) -> ImportTree {
    let mut samples: BTreeMap<String, Samples> = BTreeMap::new();
    let mut startup_us = Vec::with_capacity(runs.len());
    let mut startup_counts = Vec::with_capacity(runs.len());
    for run in runs {
        let mut fresh: BTreeMap<&str, RunEntry<'_>> = BTreeMap::new();
        let mut importers: Vec<(&str, &str)> = Vec::new();
        walk(&run.roots, |node, parent| {
            if let Some(parent) = parent {
                importers.push((&node.name, parent));
            }
            if !node.cached {
                let entry = fresh.entry(&node.name).or_insert((0, 0, parent));
                entry.0 = entry.0.saturating_add(node.self_us);
                entry.1 = entry.1.saturating_add(node.cumulative_us);
            }
        });
        for (name, (self_us, cumulative_us, parent)) in fresh {
            let s = samples.entry(name.to_owned()).or_default();
            s.self_us.push(self_us);
            s.cumulative_us.push(cumulative_us);
            *s.parents.entry(parent.map(str::to_owned)).or_default() += 1;
        }
        for (name, importer) in importers {
            if let Some(s) = samples.get_mut(name) {
                s.importers.insert(importer.to_owned());
            }
        }
        startup_us.push(
            run.startup
                .iter()
                .filter(|n| !n.cached)
                .fold(0i64, |acc, n| acc.saturating_add(n.cumulative_us)),
        );
        let mut count = 0usize;
        walk(&run.startup, |node, _| count += usize::from(!node.cached));
        startup_counts.push(count);
    }

    let mut parent_of: HashMap<String, Option<String>> = choose_parents(&samples)
        .into_iter()
        .map(|(name, parent)| (name.to_owned(), parent))
        .collect();
    let mut modules = Vec::with_capacity(samples.len());
    for (name, s) in samples {
        let parent = parent_of.remove(&name).flatten();
        let also_imported_by = s
            .importers
            .iter()
            .filter(|i| Some(i.as_str()) != parent.as_deref() && **i != name)
            .cloned()
            .collect();
        modules.push(ModuleStats {
            depth: 0,
            self_ms: median_ms(&s.self_us),
            cumulative_ms: median_ms(&s.cumulative_us),
            runs: s.self_us.len(),
            parent,
            also_imported_by,
            name,
        });
    }
    let mut tree = ImportTree {
        runs: runs.len(),
        unreliable_runs: runs.iter().filter(|r| !r.reliable).count(),
        startup_ms: median_ms(&startup_us),
        startup_modules: stats::lower_median(&startup_counts).unwrap_or(0),
        modules,
    };
    let forest = tree.forest();
    let mut ordered = Vec::with_capacity(tree.modules.len());
    for (idx, depth) in forest.preorder() {
        let mut m = tree.modules[idx].clone();
        m.depth = depth;
        ordered.push(m);
    }
    tree.modules = ordered;
    tree
}

/// Visit every node depth-first with the name of its parent (`None` for the given top level).
fn walk<'a>(top: &'a [Node], mut visit: impl FnMut(&'a Node, Option<&'a str>)) {
    let mut stack: Vec<(&Node, Option<&str>)> = top.iter().rev().map(|n| (n, None)).collect();
    while let Some((node, parent)) = stack.pop() {
        visit(node, parent);
        stack.extend(
            node.children
                .iter()
                .rev()
                .map(|c| (c, Some(node.name.as_str()))),
        );
    }
}

/// Majority parent per module, never closing a cycle.
fn choose_parents(samples: &BTreeMap<String, Samples>) -> HashMap<&str, Option<String>> {
    let mut parent_of: HashMap<&str, Option<String>> = HashMap::with_capacity(samples.len());
    for (name, s) in samples {
        let mut candidates: Vec<(&Option<String>, usize)> =
            s.parents.iter().map(|(p, votes)| (p, *votes)).collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let chosen = candidates
            .into_iter()
            .find_map(|(candidate, _)| match candidate {
                None => Some(None),
                Some(p) if samples.contains_key(p) && !reaches(&parent_of, p, name) => {
                    Some(Some(p.clone()))
                }
                Some(_) => None,
            });
        parent_of.insert(name, chosen.flatten());
    }
    parent_of
}

/// Whether walking up from `from` through the parents chosen so far meets `target`.
fn reaches(parent_of: &HashMap<&str, Option<String>>, from: &str, target: &str) -> bool {
    let mut current = from;
    for _ in 0..=parent_of.len() {
        if current == target {
            return true;
        }
        match parent_of.get(current) {
            Some(Some(p)) => current = p,
            _ => return false,
        }
    }
    true
}

/// Median of microsecond samples ([`stats::median`]), in milliseconds; 0 for no samples.
fn median_ms(values: &[i64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let values: Vec<f64> = values.iter().map(|&v| v as f64).collect();
    stats::median(&values) / 1000.0
}

/// Parent/child structure of an [`ImportTree`], rebuilt from the `parent` names so that trees read
/// back from JSON (possibly edited: missing parents, cycles, duplicates) still form a forest.
pub(crate) struct Forest {
    pub(crate) roots: Vec<usize>,
    pub(crate) children: Vec<Vec<usize>>,
}

impl Forest {
    /// `(module index, depth)` in pre-order.
    pub(crate) fn preorder(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::with_capacity(self.children.len());
        let mut stack: Vec<(usize, usize)> = self.roots.iter().rev().map(|&r| (r, 0)).collect();
        while let Some((idx, depth)) = stack.pop() {
            out.push((idx, depth));
            stack.extend(self.children[idx].iter().rev().map(|&c| (c, depth + 1)));
        }
        out
    }

    /// Number of modules in each module's subtree, itself included.
    pub(crate) fn subtree_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![1usize; self.children.len()];
        for (idx, _) in self.preorder().into_iter().rev() {
            sizes[idx] = 1 + self.children[idx].iter().map(|&c| sizes[c]).sum::<usize>();
        }
        sizes
    }
}

fn heavier_first(modules: &[ModuleStats]) -> impl Fn(&usize, &usize) -> std::cmp::Ordering + '_ {
    |&a, &b| {
        modules[b]
            .cumulative_ms
            .total_cmp(&modules[a].cumulative_ms)
            .then_with(|| modules[a].name.cmp(&modules[b].name))
    }
}

impl ImportTree {
    /// The target's top-level imports, heaviest first.
    pub fn roots(&self) -> Vec<&ModuleStats> {
        self.forest()
            .roots
            .iter()
            .map(|&i| &self.modules[i])
            .collect()
    }

    /// The `n` modules with the largest self time.
    pub fn top_by_self(&self, n: usize) -> Vec<&ModuleStats> {
        self.top_by(n, |m| m.self_ms)
    }

    /// The `n` modules with the largest cumulative time.
    pub fn top_by_cumulative(&self, n: usize) -> Vec<&ModuleStats> {
        self.top_by(n, |m| m.cumulative_ms)
    }

    fn top_by(&self, n: usize, key: impl Fn(&ModuleStats) -> f64) -> Vec<&ModuleStats> {
        let mut all: Vec<&ModuleStats> = self.modules.iter().collect();
        all.sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| a.name.cmp(&b.name)));
        all.truncate(n);
        all
    }

    /// The import chain from a top-level import down to `name`, e.g.
    /// `pkg -> pkg.mid -> pkg.leaf -> heavy`; `None` if the target never imported it.
    pub fn why(&self, name: &str) -> Option<Vec<Link>> {
        let index: HashMap<&str, &ModuleStats> = self
            .modules
            .iter()
            .rev()
            .map(|m| (m.name.as_str(), m))
            .collect();
        let mut current = *index.get(name)?;
        let mut chain = vec![link(current)];
        let mut seen: BTreeSet<&str> = BTreeSet::from([current.name.as_str()]);
        while let Some(parent) = current.parent.as_deref().and_then(|p| index.get(p)) {
            if !seen.insert(parent.name.as_str()) {
                break;
            }
            current = parent;
            chain.push(link(current));
        }
        chain.reverse();
        Some(chain)
    }

    /// Sum of the top-level imports' cumulative times, milliseconds.
    pub fn total_ms(&self) -> f64 {
        self.modules
            .iter()
            .filter(|m| m.parent.is_none())
            .map(|m| m.cumulative_ms)
            .sum()
    }

    pub(crate) fn forest(&self) -> Forest {
        let n = self.modules.len();
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
        for (i, m) in self.modules.iter().enumerate() {
            index.entry(m.name.as_str()).or_insert(i);
        }
        let parent: Vec<Option<usize>> = self
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let p = *index.get(m.parent.as_deref()?)?;
                (p != i).then_some(p)
            })
            .collect();
        let mut children = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p {
                Some(p) => children[*p].push(i),
                None => roots.push(i),
            }
        }
        let order = heavier_first(&self.modules);
        roots.sort_by(&order);
        for c in &mut children {
            c.sort_by(&order);
        }
        let mut forest = Forest { roots, children };
        // Modules on a parent cycle are unreachable from any root: promote one per cycle.
        let mut reached = vec![false; n];
        for (i, _) in forest.preorder() {
            reached[i] = true;
        }
        for i in 0..n {
            if reached[i] {
                continue;
            }
            if let Some(p) = parent[i] {
                forest.children[p].retain(|&c| c != i);
            }
            forest.roots.push(i);
            let mut stack = vec![i];
            while let Some(j) = stack.pop() {
                reached[j] = true;
                stack.extend(forest.children[j].iter().copied().filter(|&c| !reached[c]));
            }
        }
        forest
    }
}

fn link(m: &ModuleStats) -> Link {
    Link {
        module: m.name.clone(),
        cumulative_ms: m.cumulative_ms,
    }
}

/// Look-ups only the tests need.
#[cfg(test)]
impl ImportTree {
    /// The module called `name`, if the target imported it.
    pub fn get(&self, name: &str) -> Option<&ModuleStats> {
        self.modules.iter().find(|m| m.name == name)
    }

    /// The modules `name` imported fresh, heaviest first.
    pub fn children_of(&self, name: &str) -> Vec<&ModuleStats> {
        let forest = self.forest();
        match self.modules.iter().position(|m| m.name == name) {
            Some(idx) => forest.children[idx]
                .iter()
                .map(|&i| &self.modules[i])
                .collect(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tree::parse::parse_importtime;

    pub(crate) fn node(name: &str, self_us: i64, children: Vec<Node>) -> Node {
        let cumulative_us = self_us
            + children
                .iter()
                .filter(|c| !c.cached)
                .map(|c| c.cumulative_us)
                .sum::<i64>();
        Node {
            name: name.to_owned(),
            self_us,
            cumulative_us,
            children,
            cached: false,
        }
    }

    pub(crate) fn cached(name: &str) -> Node {
        Node {
            name: name.to_owned(),
            self_us: 0,
            cumulative_us: 0,
            children: Vec::new(),
            cached: true,
        }
    }

    pub(crate) fn run(roots: Vec<Node>) -> ParsedRun {
        ParsedRun {
            startup: vec![node("site", 2000, vec![node("os", 1000, vec![])])],
            roots,
            reliable: true,
            ignored_lines: 0,
        }
    }

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/importtime/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn chain(links: &[Link]) -> String {
        links
            .iter()
            .map(|l| l.module.as_str())
            .collect::<Vec<_>>()
            .join(" -> ")
    }

    fn names(modules: &[&ModuleStats]) -> Vec<String> {
        modules.iter().map(|m| m.name.clone()).collect()
    }

    #[test]
    fn treepkg_why_heavy() {
        let parsed = parse_importtime(&fixture("py311_treepkg.txt"));
        let tree = aggregate(&[parsed]);
        let why = tree.why("heavy").expect("heavy was imported");
        assert_eq!(chain(&why), "pkg -> pkg.mid -> pkg.leaf -> heavy");
        let heavy = tree.get("heavy").expect("heavy");
        assert!(heavy.self_ms >= 20.0, "{heavy:?}");
        assert_eq!(heavy.depth, 3);
        assert!(
            why.windows(2)
                .all(|w| w[0].cumulative_ms >= w[1].cumulative_ms)
        );
        assert_eq!(
            tree.startup_modules,
            parse_importtime(&fixture("py311_treepkg.txt"))
                .startup
                .iter()
                .map(count)
                .sum::<usize>()
        );
        assert!(tree.startup_ms > 1.0);
        assert_eq!(tree.why("not_there"), None);
        assert_eq!(chain(&tree.why("pkg").unwrap_or_default()), "pkg");
    }

    fn count(n: &Node) -> usize {
        1 + n.children.iter().map(count).sum::<usize>()
    }

    #[test]
    fn runs_in_differing_orders_give_the_same_tree() {
        // Run 1: a imports shared then b; run 2: b first and it imports shared; run 3 like run 1.
        let r1 = run(vec![
            node(
                "a",
                100,
                vec![node("shared", 50, vec![]), node("a.x", 10, vec![])],
            ),
            node("b", 200, vec![cached("shared")]),
        ]);
        let r2 = run(vec![
            node("b", 220, vec![node("shared", 70, vec![])]),
            node("a", 120, vec![node("a.x", 30, vec![]), cached("shared")]),
        ]);
        let r3 = run(vec![
            node(
                "a",
                110,
                vec![node("shared", 60, vec![]), node("a.x", 20, vec![])],
            ),
            node("b", 210, vec![cached("shared")]),
        ]);
        let tree = aggregate(&[r1.clone(), r2.clone(), r3.clone()]);
        for perm in [[&r2, &r1, &r3], [&r3, &r2, &r1], [&r2, &r3, &r1]] {
            let runs: Vec<ParsedRun> = perm.iter().map(|r| (*r).clone()).collect();
            assert_eq!(aggregate(&runs), tree);
        }
        let shared = tree.get("shared").expect("shared");
        assert_eq!(shared.parent.as_deref(), Some("a"));
        assert_eq!(shared.runs, 3);
        assert_eq!(shared.self_ms, 0.06);
        assert_eq!(shared.also_imported_by, ["b"]);
        assert_eq!(tree.get("a").map(|m| m.self_ms), Some(0.11));
        // a: self 110 + shared 60 + a.x 20 (run 3) / 100+50+10 / 120+30 -> median 160 us.
        assert_eq!(tree.get("a").map(|m| m.cumulative_ms), Some(0.16));
        assert_eq!(names(&tree.roots()), ["b", "a"]);
        assert_eq!(names(&tree.children_of("a")), ["shared", "a.x"]);
        assert!(tree.children_of("missing").is_empty());
        assert_eq!(tree.runs, 3);
        assert_eq!(tree.unreliable_runs, 0);
        assert_eq!(tree.startup_ms, 3.0);
        assert_eq!(tree.startup_modules, 2);
    }

    #[test]
    fn parents_that_would_form_a_cycle_are_skipped() {
        // Majorities say a's parent is b (runs 1, 3) and b's parent is a (runs 2, 4).
        let runs = [
            run(vec![node("b", 10, vec![node("a", 5, vec![])])]),
            run(vec![node("a", 10, vec![node("b", 5, vec![])])]),
            run(vec![node(
                "c",
                1,
                vec![node("b", 10, vec![node("a", 5, vec![])])],
            )]),
            run(vec![node(
                "d",
                1,
                vec![node("a", 10, vec![node("b", 5, vec![])])],
            )]),
        ];
        let tree = aggregate(&runs);
        assert_eq!(
            tree.get("a").and_then(|m| m.parent.clone()).as_deref(),
            Some("b")
        );
        // b's majority parent a would close the loop: the runner-up (a root) is taken.
        assert_eq!(tree.get("b").and_then(|m| m.parent.clone()), None);
        assert_eq!(chain(&tree.why("a").unwrap_or_default()), "b -> a");
        assert_eq!(tree.modules.len(), 4);
    }

    #[test]
    fn repeated_failed_imports_are_summed_per_run() {
        // As 3.11's ntpath does at start-up: `nt` attempted (and failing) several times.
        let attempts = vec![
            node("nt", 70, vec![]),
            node("nt", 50, vec![]),
            node("other", 5, vec![]),
        ];
        let tree = aggregate(&[
            run(vec![node("ntpath", 200, attempts.clone())]),
            run(vec![
                node("x", 1, vec![node("nt", 10, vec![])]),
                node("ntpath", 200, attempts),
            ]),
        ]);
        let nt = tree.get("nt").expect("nt");
        assert_eq!(nt.runs, 2);
        assert_eq!(nt.self_ms, 0.125); // per run 70+50 and 10+70+50 us
        assert_eq!(nt.parent.as_deref(), Some("ntpath"));
        assert_eq!(nt.also_imported_by, ["x"]);
        assert_eq!(tree.modules.iter().filter(|m| m.name == "nt").count(), 1);
        let real = aggregate(&[parse_importtime(&fixture("py311_json_asyncio.txt"))]);
        assert_eq!(
            chain(&real.why("json.scanner").unwrap_or_default()),
            "json -> json.decoder -> json.scanner"
        );
    }

    #[test]
    fn top_lists() {
        let tree = aggregate(&[run(vec![
            node(
                "a",
                100,
                vec![node("big", 900, vec![]), node("small", 1, vec![])],
            ),
            node("c", 300, vec![]),
        ])]);
        assert_eq!(names(&tree.top_by_self(2)), ["big", "c"]);
        assert_eq!(names(&tree.top_by_cumulative(2)), ["a", "big"]);
        assert_eq!(tree.top_by_self(10).len(), 4);
        assert!(tree.top_by_self(0).is_empty());
        assert!((tree.total_ms() - 1.301).abs() < 1e-9);
        let order: Vec<(&str, usize)> = tree
            .modules
            .iter()
            .map(|m| (m.name.as_str(), m.depth))
            .collect();
        assert_eq!(order, [("a", 0), ("big", 1), ("small", 1), ("c", 0)]);
    }

    #[test]
    fn empty_and_unreliable_inputs() {
        let empty = aggregate(&[]);
        assert_eq!(empty.runs, 0);
        assert!(empty.modules.is_empty() && empty.roots().is_empty());
        assert_eq!(empty.total_ms(), 0.0);
        let garbled = parse_importtime(&fixture("py311_threads_garbled.txt"));
        let tree = aggregate(&[garbled]);
        assert_eq!(tree.unreliable_runs, 1);
        assert!(tree.modules.iter().all(|m| m.self_ms.is_finite()));
        assert!(!tree.modules.is_empty());
    }

    #[test]
    fn json_round_trip_and_shape() {
        let tree = aggregate(&[parse_importtime(&fixture("py311_treepkg.txt"))]);
        let json = serde_json::to_string(&tree).expect("serialize");
        let back: ImportTree = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back.modules.len(), tree.modules.len());
        for (a, b) in back.modules.iter().zip(&tree.modules) {
            assert_eq!(
                (&a.name, &a.parent, a.depth, a.runs),
                (&b.name, &b.parent, b.depth, b.runs)
            );
            assert!((a.cumulative_ms - b.cumulative_ms).abs() < 1e-12);
            assert!((a.self_ms - b.self_ms).abs() < 1e-12);
        }
        let value: serde_json::Value = serde_json::from_str(&json).expect("value");
        let heavy = &value["modules"][3];
        assert_eq!(heavy["name"], "heavy");
        assert_eq!(heavy["parent"], "pkg.leaf");
        assert_eq!(heavy["depth"], 3);
        assert!(heavy.get("also_imported_by").is_none());
        for key in [
            "runs",
            "unreliable_runs",
            "startup_ms",
            "startup_modules",
            "modules",
        ] {
            assert!(value.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn hand_edited_json_with_cycles_and_missing_parents_stays_safe() {
        let json = r#"{"runs":1,"unreliable_runs":0,"startup_ms":0,"startup_modules":0,"modules":[
            {"name":"a","parent":"b","depth":0,"self_ms":1,"cumulative_ms":2,"runs":1},
            {"name":"b","parent":"a","depth":0,"self_ms":1,"cumulative_ms":2,"runs":1},
            {"name":"c","parent":"gone","depth":5,"self_ms":1,"cumulative_ms":1,"runs":1},
            {"name":"d","parent":"d","depth":1,"self_ms":1,"cumulative_ms":1,"runs":1}]}"#;
        let tree: ImportTree = serde_json::from_str(json).expect("parse");
        assert_eq!(tree.why("a").map(|c| c.len()), Some(2));
        assert_eq!(chain(&tree.why("c").unwrap_or_default()), "c");
        assert_eq!(chain(&tree.why("d").unwrap_or_default()), "d");
        let forest = tree.forest();
        let mut seen: Vec<usize> = forest.preorder().into_iter().map(|(i, _)| i).collect();
        seen.sort_unstable();
        assert_eq!(seen, [0, 1, 2, 3]);
    }
}
