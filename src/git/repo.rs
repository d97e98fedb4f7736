//! The user's repository, opened read-only: revision resolution with near-match suggestions, and
//! the entry points that materialise a revision or the working tree into a [`Checkout`].
use std::fs;
use std::path::{Path, PathBuf};

use git2::{BranchType, ErrorCode, Repository};
use serde::{Deserialize, Serialize};

use super::error::GitError;
use super::suggest::near_matches;

/// A repository discovered from a directory inside it. Only ever read from.
pub struct Repo {
    pub(crate) repo: Repository,
    /// The discovered directory relative to the working tree's root (empty at the root).
    pub(crate) subdir: PathBuf,
    /// Where checkouts are created (the system temporary directory unless changed).
    pub(crate) scratch: PathBuf,
    /// Name of the checkout directory inside each scratch directory (the working tree's name).
    pub(crate) name: String,
}

/// A revision resolved to a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// What the user wrote (`main`, `HEAD~2`, `v1.0`, `origin/x`, a SHA).
    pub spec: String,
    /// Full hexadecimal commit id.
    pub sha: String,
    /// Shortest unambiguous abbreviation (at least 7 characters).
    pub short: String,
    /// First line of the commit message.
    pub summary: String,
}

impl Repo {
    /// Opens the repository containing `dir` (which may be a subdirectory, a linked worktree or a
    /// bare repository).
    pub fn discover(dir: &Path) -> Result<Repo, GitError> {
        let dir = fs::canonicalize(dir).map_err(GitError::io("cannot open directory", dir))?;
        let repo = Repository::discover(&dir).map_err(|e| match e.code() {
            ErrorCode::NotFound => GitError::NotARepository { dir: dir.clone() },
            _ => GitError::Git {
                what: format!("cannot open the repository containing '{}'", dir.display()),
                source: e,
            },
        })?;
        let (subdir, name) = match repo.workdir().and_then(|w| fs::canonicalize(w).ok()) {
            Some(top) => {
                let subdir = dir
                    .strip_prefix(&top)
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                let name = top.file_name().map(|n| n.to_string_lossy().into_owned());
                (subdir, name)
            }
            None => (PathBuf::new(), None),
        };
        Ok(Repo {
            repo,
            subdir,
            scratch: std::env::temp_dir(),
            name: name
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "src".into()),
        })
    }

    /// Creates checkouts under `dir` instead of the system temporary directory.
    pub fn with_scratch_dir(mut self, dir: PathBuf) -> Repo {
        self.scratch = dir;
        self
    }

    /// Root of the user's working tree (`None` for a bare repository).
    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// Resolves `spec` like `git rev-parse SPEC^{commit}`: branches, tags, SHAs (also
    /// abbreviated), `HEAD~2`, remote branches (`origin/x`). Unknown names get near matches.
    pub fn resolve(&self, spec: &str) -> Result<Revision, GitError> {
        let object = match self.repo.revparse_single(spec) {
            Ok(object) => object,
            Err(e) if e.code() == ErrorCode::Ambiguous => {
                return Err(GitError::git(format!(
                    "revision '{spec}' is ambiguous; use more characters of the SHA or a full ref"
                ))(e));
            }
            Err(_) if self.repo.is_empty().unwrap_or(false) => {
                return Err(GitError::NoCommits {
                    dir: self.location(),
                });
            }
            Err(e) if is_unknown(&e) => {
                return Err(GitError::UnknownRevision {
                    spec: spec.to_string(),
                    suggestions: self.suggest(spec),
                });
            }
            Err(e) => return Err(GitError::git(format!("cannot resolve '{spec}'"))(e)),
        };
        let commit = object.peel_to_commit().map_err(|_| GitError::NotACommit {
            spec: spec.to_string(),
            kind: object.kind().map_or("object", |k| k.str()).to_string(),
        })?;
        let short = commit
            .as_object()
            .short_id()
            .ok()
            .and_then(|b| b.as_str().ok().map(str::to_string))
            .unwrap_or_else(|| commit.id().to_string()[..7].to_string());
        Ok(Revision {
            spec: spec.to_string(),
            sha: commit.id().to_string(),
            short,
            summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                .into_owned(),
        })
    }

    /// The working tree's root, or the git directory of a bare repository (for messages).
    pub(crate) fn location(&self) -> PathBuf {
        self.repo
            .workdir()
            .unwrap_or(self.repo.path())
            .to_path_buf()
    }

    fn suggest(&self, spec: &str) -> Vec<String> {
        let mut names = vec!["HEAD".to_string()];
        if let Ok(branches) = self.repo.branches(None) {
            for (branch, kind) in branches.flatten() {
                if let Ok(Some(name)) = branch.name() {
                    if kind == BranchType::Remote && name.ends_with("/HEAD") {
                        continue;
                    }
                    names.push(name.to_string());
                }
            }
        }
        if let Ok(tags) = self.repo.tag_names(None) {
            names.extend(tags.iter().flatten().flatten().map(str::to_string));
        }
        near_matches(spec, names.iter().map(String::as_str))
    }
}

fn is_unknown(e: &git2::Error) -> bool {
    matches!(
        e.code(),
        ErrorCode::NotFound | ErrorCode::InvalidSpec | ErrorCode::UnbornBranch
    ) || e.class() == git2::ErrorClass::Reference
        || e.class() == git2::ErrorClass::Invalid
}
