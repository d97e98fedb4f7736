//! Which installed distributions differ between the two sides of a comparison: an A/B between
//! environments is usually the same code with different dependencies. Names are matched as PEP
//! 503 normalises them and shown as the candidate spells them (the baseline's when removed).
use crate::probe::installed::{Distribution, normalize};
use crate::results::ResultFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One distribution that is new, gone or at another version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionChange {
    pub name: String,
    /// The baseline's version; `None` when only the candidate has it.
    pub baseline: Option<String>,
    /// The candidate's version; `None` when only the baseline has it.
    pub candidate: Option<String>,
}

impl DistributionChange {
    /// `rich 12.0.0 → 15.0.0`, `+ markdown-it-py 3.0.0`, `- commonmark 0.9.1`, with `name` and
    /// each version passed through `esc` (the format's escaping).
    pub fn text(&self, esc: impl Fn(&str) -> String) -> String {
        match (&self.baseline, &self.candidate) {
            (Some(a), Some(b)) => format!("{} {} → {}", esc(&self.name), esc(a), esc(b)),
            (None, Some(b)) => format!("+ {} {}", esc(&self.name), esc(b)),
            (Some(a), None) => format!("- {} {}", esc(&self.name), esc(a)),
            (None, None) => esc(&self.name),
        }
    }
}

/// The distributions of the two sides, compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionDiff {
    /// Distributions the two sides both list at the same version.
    pub unchanged: usize,
    /// Version changes, then additions, then removals, each sorted by normalised name.
    pub changes: Vec<DistributionChange>,
}

/// The difference, or `None` when a side did not record its distributions (a version 1 file, or
/// a listing that failed, which that side's warnings say).
pub fn distribution_diff(base: &ResultFile, cand: &ResultFile) -> Option<DistributionDiff> {
    between(
        base.environment.distributions.as_deref(),
        cand.environment.distributions.as_deref(),
    )
}

/// The difference of two sides' lists, `None` when either was not recorded.
pub fn between(
    base: Option<&[Distribution]>,
    cand: Option<&[Distribution]>,
) -> Option<DistributionDiff> {
    Some(diff(base?, cand?))
}

fn diff(a: &[Distribution], b: &[Distribution]) -> DistributionDiff {
    let index = |side: &[Distribution]| -> BTreeMap<String, Distribution> {
        let mut map = BTreeMap::new();
        for d in side {
            map.entry(normalize(&d.name)).or_insert_with(|| d.clone());
        }
        map
    };
    let (a, b) = (index(a), index(b));
    let (mut changed, mut added, mut removed) = (Vec::new(), Vec::new(), Vec::new());
    let mut unchanged = 0;
    for (key, x) in &a {
        match b.get(key) {
            Some(y) if y.version == x.version => unchanged += 1,
            Some(y) => changed.push(DistributionChange {
                name: y.name.clone(),
                baseline: Some(x.version.clone()),
                candidate: Some(y.version.clone()),
            }),
            None => removed.push(DistributionChange {
                name: x.name.clone(),
                baseline: Some(x.version.clone()),
                candidate: None,
            }),
        }
    }
    for (key, y) in &b {
        if !a.contains_key(key) {
            added.push(DistributionChange {
                name: y.name.clone(),
                baseline: None,
                candidate: Some(y.version.clone()),
            });
        }
    }
    changed.extend(added);
    changed.extend(removed);
    DistributionDiff {
        unchanged,
        changes: changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dists(list: &[(&str, &str)]) -> Vec<Distribution> {
        list.iter()
            .map(|(n, v)| Distribution {
                name: n.to_string(),
                version: v.to_string(),
            })
            .collect()
    }

    #[test]
    fn versions_changed_added_and_removed_matched_by_normalised_name() {
        let a = dists(&[
            ("rich", "12.0.0"),
            ("commonmark", "0.9.1"),
            ("Pygments", "2.17.2"),
            ("typing_extensions", "4.9.0"),
        ]);
        let b = dists(&[
            ("Rich", "15.0.0"),
            ("markdown-it-py", "3.0.0"),
            ("pygments", "2.17.2"),
            ("typing-extensions", "4.9.0"),
        ]);
        let d = diff(&a, &b);
        assert_eq!(d.unchanged, 2);
        let plain = |s: &str| s.to_string();
        let lines: Vec<String> = d.changes.iter().map(|c| c.text(plain)).collect();
        assert_eq!(
            lines,
            [
                "Rich 12.0.0 → 15.0.0",
                "+ markdown-it-py 3.0.0",
                "- commonmark 0.9.1"
            ]
        );
    }

    #[test]
    fn identical_sides_have_no_changes() {
        let a = dists(&[("rich", "12.0.0")]);
        let d = diff(&a, &a);
        assert_eq!(d.unchanged, 1);
        assert!(d.changes.is_empty());
        assert_eq!(diff(&[], &[]).changes, vec![]);
    }
}
