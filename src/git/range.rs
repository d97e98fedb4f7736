//! Walking ranges of commits for `bisect` and `history`, read-only: `GOOD..BAD` oldest first along
//! first parents (or every parent), a list of revisions, and evenly spaced samples of a long range.
//! Commits carry what the reports show (SHA, subject, author, date). Nothing is written: libgit2's
//! revision walk only reads objects and refs.
use chrono::{DateTime, FixedOffset};
use git2::{Oid, Sort};
use serde::{Deserialize, Serialize};

use super::error::GitError;
use super::repo::{Repo, Revision};

/// Which parents a walk follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Walk {
    /// Only first parents: the commits of the mainline, merges as single steps (`--first-parent`).
    #[default]
    FirstParent,
    /// Every parent: commits of merged branches too, in topological order (`--all-parents`).
    AllParents,
}

/// One commit as the reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    /// Full hexadecimal id.
    pub sha: String,
    /// Shortest unambiguous abbreviation (at least 7 characters).
    pub short: String,
    /// First line of the message.
    pub subject: String,
    /// `Name <email>` of the author.
    pub author: String,
    /// Author date, RFC 3339 with the author's UTC offset.
    pub date: String,
}

impl Commit {
    /// The [`Revision`] that materialises this commit (its spec is the short SHA).
    pub fn revision(&self) -> Revision {
        Revision {
            spec: self.short.clone(),
            sha: self.sha.clone(),
            short: self.short.clone(),
            summary: self.subject.clone(),
        }
    }
}

impl Repo {
    /// The commit `revision` resolves to, with author and date.
    pub fn commit(&self, revision: &Revision) -> Result<Commit, GitError> {
        let oid = Oid::from_str(&revision.sha).map_err(GitError::git("invalid commit id"))?;
        self.describe(oid)
    }

    /// The commits of `good..bad` oldest first: `bad` and its ancestors that are not ancestors of
    /// `good` (what `git rev-list --reverse [--first-parent] GOOD..BAD` lists), so `good` itself is
    /// not included and `bad` is last. `good` must be an ancestor of `bad`.
    pub fn range(
        &self,
        good: &Revision,
        bad: &Revision,
        walk: Walk,
    ) -> Result<Vec<Commit>, GitError> {
        let (from, to) = (oid(good)?, oid(bad)?);
        if from == to {
            return Err(GitError::EmptyRange {
                good: good.spec.clone(),
                bad: bad.spec.clone(),
            });
        }
        let ancestor = self
            .repo
            .graph_descendant_of(to, from)
            .map_err(GitError::git("cannot compare the two revisions' histories"))?;
        if !ancestor {
            return Err(GitError::NotAncestor {
                good: good.spec.clone(),
                bad: bad.spec.clone(),
            });
        }
        let commits = self.walk(to, Some(from), walk)?;
        if commits.is_empty() {
            return Err(GitError::EmptyRange {
                good: good.spec.clone(),
                bad: bad.spec.clone(),
            });
        }
        Ok(commits)
    }

    /// The commits `history` measures for `specs`, oldest first and without repeats: `A..B` is
    /// `A` followed by [`Repo::range`] (the starting point is part of the chart); a single other
    /// revision is its whole history (like `git log REV`); several revisions are exactly those, in
    /// the order given.
    pub fn select(&self, specs: &[String], walk: Walk) -> Result<Vec<Commit>, GitError> {
        let mut out: Vec<Commit> = Vec::new();
        let push = |out: &mut Vec<Commit>, c: Commit| {
            if !out.iter().any(|o| o.sha == c.sha) {
                out.push(c);
            }
        };
        for spec in specs {
            if spec.contains("...") {
                return Err(GitError::SymmetricRange { spec: spec.clone() });
            }
            match spec.split_once("..") {
                Some((a, b)) => {
                    let a = self.resolve(if a.is_empty() { "HEAD" } else { a })?;
                    let b = self.resolve(if b.is_empty() { "HEAD" } else { b })?;
                    push(&mut out, self.commit(&a)?);
                    for c in self.range(&a, &b, walk)? {
                        push(&mut out, c);
                    }
                }
                None if specs.len() == 1 => {
                    let rev = self.resolve(spec)?;
                    for c in self.walk(oid(&rev)?, None, walk)? {
                        push(&mut out, c);
                    }
                }
                None => {
                    let rev = self.resolve(spec)?;
                    push(&mut out, self.commit(&rev)?);
                }
            }
        }
        Ok(out)
    }

    /// `to` and its ancestors, minus `hide` and its ancestors, oldest first.
    fn walk(&self, to: Oid, hide: Option<Oid>, walk: Walk) -> Result<Vec<Commit>, GitError> {
        let mut revwalk = self
            .repo
            .revwalk()
            .map_err(GitError::git("cannot walk the history"))?;
        revwalk
            .set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
            .map_err(GitError::git("cannot sort the history"))?;
        if walk == Walk::FirstParent {
            revwalk
                .simplify_first_parent()
                .map_err(GitError::git("cannot follow first parents"))?;
        }
        revwalk
            .push(to)
            .map_err(GitError::git(format!("cannot walk from {to}")))?;
        if let Some(hide) = hide {
            revwalk
                .hide(hide)
                .map_err(GitError::git(format!("cannot hide {hide}")))?;
        }
        let mut out = Vec::new();
        for oid in revwalk {
            out.push(self.describe(oid.map_err(GitError::git("cannot walk the history"))?)?);
        }
        Ok(out)
    }

    fn describe(&self, oid: Oid) -> Result<Commit, GitError> {
        let commit = self
            .repo
            .find_commit(oid)
            .map_err(GitError::git(format!("cannot read commit {oid}")))?;
        let short = commit
            .as_object()
            .short_id()
            .ok()
            .and_then(|b| b.as_str().ok().map(str::to_string))
            .unwrap_or_else(|| oid.to_string()[..7].to_string());
        let author = commit.author();
        let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        Ok(Commit {
            sha: oid.to_string(),
            short,
            subject: lossy(commit.summary_bytes().unwrap_or_default()),
            author: format!(
                "{} <{}>",
                lossy(author.name_bytes()),
                lossy(author.email_bytes())
            ),
            date: rfc3339(author.when().seconds(), author.when().offset_minutes()),
        })
    }
}

fn oid(revision: &Revision) -> Result<Oid, GitError> {
    Oid::from_str(&revision.sha).map_err(GitError::git("invalid commit id"))
}

/// Seconds since the epoch at a UTC offset in minutes, as RFC 3339 (`2026-01-01T12:00:00+01:00`).
fn rfc3339(seconds: i64, offset_minutes: i32) -> String {
    let offset = FixedOffset::east_opt(offset_minutes * 60)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    DateTime::from_timestamp(seconds, 0)
        .map(|t| t.with_timezone(&offset).to_rfc3339())
        .unwrap_or_else(|| seconds.to_string())
}

/// At most `count` items of `items`, evenly spaced and always including the first and the last
/// (`--max-count N`): indices `round(i · (len − 1) / (count − 1))`. `count` 1 keeps the last.
pub fn evenly_spaced<T: Clone>(items: &[T], count: usize) -> Vec<T> {
    let len = items.len();
    if count == 0 || len == 0 {
        return Vec::new();
    }
    if count >= len {
        return items.to_vec();
    }
    if count == 1 {
        return vec![items[len - 1].clone()];
    }
    let mut picked: Vec<usize> = (0..count)
        .map(|i| (i * (len - 1) + (count - 1) / 2) / (count - 1))
        .collect();
    picked.dedup();
    picked.into_iter().map(|i| items[i].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evenly_spaced_keeps_both_ends() {
        let items: Vec<usize> = (0..32).collect();
        assert_eq!(evenly_spaced(&items, 8), vec![0, 4, 9, 13, 18, 22, 27, 31]);
        assert_eq!(evenly_spaced(&items, 2), vec![0, 31]);
        assert_eq!(evenly_spaced(&items, 1), vec![31]);
        assert_eq!(evenly_spaced(&items, 0), Vec::<usize>::new());
        assert_eq!(evenly_spaced(&items, 40), items);
        assert_eq!(evenly_spaced(&items[..3], 3), vec![0, 1, 2]);
        for count in 2..32 {
            let picked = evenly_spaced(&items, count);
            assert_eq!(picked.len(), count, "{count}");
            assert!(picked.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn dates_keep_the_author_offset() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(1_767_268_800, 60), "2026-01-01T13:00:00+01:00");
    }
}
