//! `GitInfo`: which commit a directory is at, on which branch, and whether it has changes; recorded
//! in every result file. Read-only (the index is not refreshed on disk).
use std::path::Path;

use git2::{Repository, StatusOptions};
use serde::{Deserialize, Serialize};

/// The git state of a directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitInfo {
    /// Full SHA of `HEAD`.
    pub commit: String,
    /// Short branch name, `None` when `HEAD` is detached.
    pub branch: Option<String>,
    /// True when tracked files differ from `HEAD` or untracked, non-ignored files exist.
    pub dirty: bool,
    /// `branches`: the revision as the user named it (`main`, `HEAD~2`, a SHA); absent when
    /// the side is the working tree or the command compared no revisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// `branches`: the commit's shortest unambiguous abbreviation (at least 7 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    /// `branches`: true when the side is the working tree (`commit` is its `HEAD`; `dirty` says
    /// whether it had uncommitted changes).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub working_tree: bool,
}

impl GitInfo {
    /// How a report names the side: `main (3f2a1b7)`, `working tree (uncommitted changes) on
    /// main (3f2a1b7)`, `working tree (no uncommitted changes) on main (3f2a1b7)`; for a side that is no named
    /// revision, the commit (`3f2a1b7`, ` on main`, `, uncommitted changes`).
    pub fn describe(&self) -> String {
        let short = self
            .short
            .clone()
            .unwrap_or_else(|| self.commit.chars().take(7).collect());
        let at = match &self.branch {
            Some(b) if !self.commit.starts_with(b.as_str()) => format!("{b} ({short})"),
            _ => short.clone(),
        };
        match (&self.revision, self.working_tree, self.dirty) {
            (_, true, true) => format!("working tree (uncommitted changes) on {at}"),
            (_, true, false) => format!("working tree (no uncommitted changes) on {at}"),
            (Some(rev), false, _) if self.commit.starts_with(rev.as_str()) => short,
            (Some(rev), false, _) => format!("{rev} ({short})"),
            (None, false, true) => format!("{at}, uncommitted changes"),
            (None, false, false) => at,
        }
    }
}

/// The git state of `dir`; `None` when it is not in a repository or the repository has no commit.
pub fn info(dir: &Path) -> Option<GitInfo> {
    let repo = Repository::discover(dir).ok()?;
    let head = repo.head().ok()?;
    let commit = head.peel_to_commit().ok()?.id().to_string();
    let branch = head
        .is_branch()
        .then(|| head.shorthand().ok().map(str::to_string))
        .flatten();
    let dirty = !repo.is_bare() && {
        let mut opts = StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(false)
            .include_ignored(false)
            .exclude_submodules(true)
            .update_index(false);
        repo.statuses(Some(&mut opts))
            .map_or(true, |s| !s.is_empty())
    };
    Some(GitInfo {
        commit,
        branch,
        dirty,
        revision: None,
        short: None,
        working_tree: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(branch: Option<&str>, revision: Option<&str>, tree: bool, dirty: bool) -> GitInfo {
        GitInfo {
            commit: "3f2a1b7c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a".into(),
            branch: branch.map(str::to_string),
            dirty,
            revision: revision.map(str::to_string),
            short: Some("3f2a1b7".into()),
            working_tree: tree,
        }
    }

    #[test]
    fn sides_are_named_by_revision_and_short_sha() {
        let d = |g: GitInfo| g.describe();
        assert_eq!(
            d(info(Some("main"), Some("main"), false, false)),
            "main (3f2a1b7)"
        );
        assert_eq!(
            d(info(Some("HEAD~2"), Some("HEAD~2"), false, false)),
            "HEAD~2 (3f2a1b7)"
        );
        assert_eq!(d(info(None, Some("3f2a1b7c"), false, false)), "3f2a1b7");
        assert_eq!(
            d(info(Some("main"), None, true, true)),
            "working tree (uncommitted changes) on main (3f2a1b7)"
        );
        assert_eq!(
            d(info(None, None, true, false)),
            "working tree (no uncommitted changes) on 3f2a1b7"
        );
        assert_eq!(
            d(info(Some("main"), None, false, true)),
            "main (3f2a1b7), uncommitted changes"
        );
    }
}
