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
    })
}
