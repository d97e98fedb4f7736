//! Near matches for an unknown revision name: optimal-string-alignment edit distance (a swap of two
//! neighbouring letters costs 1, so `mian` is one step from `main`), prefixes, and remote branches
//! whose name after `remote/` is exactly the one given.
use std::cmp::Ordering;

/// At most this many suggestions are offered.
const MAX_SUGGESTIONS: usize = 5;

/// The names among `candidates` that `spec` was probably meant to be, best first. A revision
/// suffix (`~2`, `^`, `@{u}`, `:path`) on `spec` is kept and appended to each suggestion.
pub fn near_matches<'a>(spec: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let cut = suffix_start(spec);
    let (base, suffix) = spec.split_at(cut);
    if base.is_empty() {
        return Vec::new();
    }
    let limit = (base.chars().count() / 3).clamp(1, 3);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| *c != base)
        .filter_map(|c| score(base, c, limit).map(|s| (s, c)))
        .collect();
    scored.sort_by(|a, b| match a.0.cmp(&b.0) {
        Ordering::Equal => a.1.cmp(b.1),
        other => other,
    });
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, c)| format!("{c}{suffix}"))
        .collect()
}

/// Lower is better; `None` means "not similar".
fn score(base: &str, candidate: &str, limit: usize) -> Option<usize> {
    if candidate
        .rsplit_once('/')
        .is_some_and(|(_, tail)| tail == base)
    {
        return Some(0);
    }
    let d = distance(&base.to_lowercase(), &candidate.to_lowercase());
    if d <= limit {
        return Some(d);
    }
    if base.chars().count() >= 2 && candidate.starts_with(base) {
        return Some(limit + 1);
    }
    None
}

/// Where the revision-expression suffix of `spec` begins (its length if there is none).
fn suffix_start(spec: &str) -> usize {
    let plain = spec.find(['~', '^', ':']).unwrap_or(spec.len());
    let at = spec.find("@{").unwrap_or(spec.len());
    plain.min(at)
}

/// Optimal string alignment distance over characters (a swap of neighbours costs 1).
fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 7] = [
        "main",
        "master",
        "feature/lazy-imports",
        "origin/main",
        "origin/release-2",
        "v1.0.0",
        "HEAD",
    ];

    #[test]
    fn distances() {
        assert_eq!(distance("mian", "main"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn transposition_suggests_main() {
        assert_eq!(near_matches("mian", NAMES), vec!["main"]);
    }

    #[test]
    fn suffix_is_kept() {
        assert_eq!(near_matches("mian~2", NAMES), vec!["main~2"]);
    }

    #[test]
    fn prefix_and_remote_tail() {
        assert_eq!(near_matches("feature", NAMES), vec!["feature/lazy-imports"]);
        assert_eq!(near_matches("release-2", NAMES), vec!["origin/release-2"]);
    }

    #[test]
    fn nothing_similar() {
        assert!(near_matches("zzzzzz", NAMES).is_empty());
        assert!(near_matches("~1", NAMES).is_empty());
    }

    #[test]
    fn case_insensitive() {
        assert_eq!(near_matches("MAIN", NAMES), vec!["main"]);
    }
}
