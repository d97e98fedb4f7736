//! Materialising a revision: a fresh repository in a `coldstart-*` temporary directory that borrows
//! the user's objects through `objects/info/alternates`, with the user's tags (so `git describe`
//! and setuptools-scm see the same versions), a detached `HEAD` and the commit's files. The working
//! tree snapshot then copies over what `git status` reports as changed or untracked.
use std::fmt::Write as _;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use git2::build::CheckoutBuilder;
use git2::{ObjectType, Oid, Repository, RepositoryInitOptions, Status, StatusOptions};
use tempfile::TempDir;

use super::error::GitError;
use super::repo::{Repo, Revision};
use super::{SCRATCH_PREFIX, stale};
use crate::interrupt;

/// What a checkout contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Exactly the files of a commit.
    Commit(Revision),
    /// The user's working tree: `base` (the `HEAD` commit, `None` before the first commit) plus
    /// its uncommitted and untracked files. `content_id` changes whenever any of those change;
    /// without any (`uncommitted == false`), it is `base`'s SHA: a clean tree is its commit.
    WorkingTree {
        base: Option<String>,
        content_id: String,
        uncommitted: bool,
    },
}

/// A materialised revision in its own temporary directory, removed when this is dropped.
#[derive(Debug)]
pub struct Checkout {
    root: PathBuf,
    origin: PathBuf,
    project_dir: PathBuf,
    source: Source,
    // Declared last: dropped (and the directory removed) after everything else.
    _dir: TempDir,
}

impl Checkout {
    /// The top of the materialised tree (it has its own `.git`, so git commands work inside).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The directory corresponding to the one the repository was discovered from.
    pub fn project_dir(&self) -> &Path {
        &self.project_dir
    }

    /// What was materialised.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Identifies the content: the commit's SHA, or `worktree-<hash>` for a working-tree
    /// snapshot (equal snapshots have equal ids).
    pub fn content_id(&self) -> &str {
        match &self.source {
            Source::Commit(revision) => &revision.sha,
            Source::WorkingTree { content_id, .. } => content_id,
        }
    }

    /// True for a snapshot of the working tree rather than a commit.
    pub fn is_working_tree(&self) -> bool {
        matches!(self.source, Source::WorkingTree { .. })
    }

    /// True when the content is exactly a commit's: a commit, or a working tree without
    /// uncommitted changes (what an environment built for that commit was built from).
    pub fn is_commit_content(&self) -> bool {
        match &self.source {
            Source::Commit(_) => true,
            Source::WorkingTree {
                base, uncommitted, ..
            } => base.is_some() && !uncommitted,
        }
    }

    /// The repository this was materialised from (its working tree's root, or the git
    /// directory of a bare repository).
    pub fn origin(&self) -> &Path {
        &self.origin
    }
}

pub(crate) fn of_revision(repo: &Repo, revision: &Revision) -> Result<Checkout, GitError> {
    let oid = Oid::from_str(&revision.sha).map_err(GitError::git("invalid commit id"))?;
    let (dir, root) = materialise(repo, Some(oid))?;
    finish(
        repo,
        dir,
        root,
        Source::Commit(revision.clone()),
        &revision.spec,
    )
}

/// Untracked files with this name prefix and extension are coldstart's own result files (see
/// `results::store::file_name`): never part of a working-tree snapshot.
const RESULT_FILE: (&str, &str) = ("cold_start_", ".json");

fn is_result_file(rel: &Path) -> bool {
    rel.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(RESULT_FILE.0) && n.ends_with(RESULT_FILE.1))
}

/// `exclude`: absolute paths (files or directories) inside the working tree whose changes are
/// left out, e.g. coldstart's own output directory.
pub(crate) fn of_working_tree(repo: &Repo, exclude: &[PathBuf]) -> Result<Checkout, GitError> {
    let Some(workdir) = repo.repo.workdir() else {
        return Err(GitError::Bare {
            dir: repo.location(),
        });
    };
    let base = match repo.repo.head() {
        Ok(head) => Some(
            head.peel_to_commit()
                .map_err(GitError::git("cannot read HEAD"))?
                .id(),
        ),
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            None
        }
        Err(e) => return Err(GitError::git("cannot read HEAD")(e)),
    };
    let (dir, root) = materialise(repo, base)?;
    let top = fs::canonicalize(workdir).unwrap_or_else(|_| workdir.to_path_buf());
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| {
            let p = canonical_or_parent(p);
            p.strip_prefix(&top).ok().map(Path::to_path_buf)
        })
        .collect();
    let (content_id, uncommitted) = overlay(&repo.repo, workdir, &root, base, &exclude)?;
    let content_id = match (uncommitted, base) {
        (false, Some(b)) => b.to_string(),
        _ => content_id,
    };
    let source = Source::WorkingTree {
        base: base.map(|b| b.to_string()),
        content_id,
        uncommitted,
    };
    finish(repo, dir, root, source, "the working tree")
}

fn finish(
    repo: &Repo,
    dir: TempDir,
    root: PathBuf,
    source: Source,
    spec: &str,
) -> Result<Checkout, GitError> {
    let project_dir = root.join(&repo.subdir);
    if !project_dir.is_dir() {
        return Err(GitError::MissingDirectory {
            subdir: repo.subdir.clone(),
            spec: spec.to_string(),
        });
    }
    Ok(Checkout {
        root,
        origin: fs::canonicalize(repo.location()).unwrap_or_else(|_| repo.location()),
        project_dir,
        source,
        _dir: dir,
    })
}

/// Creates the scratch directory and a repository in it at `commit` (unborn when `None`).
fn materialise(repo: &Repo, commit: Option<Oid>) -> Result<(TempDir, PathBuf), GitError> {
    let user = &repo.repo;
    fs::create_dir_all(&repo.scratch).map_err(GitError::io(
        "cannot create scratch directory",
        &repo.scratch,
    ))?;
    let scratch = fs::canonicalize(&repo.scratch)
        .map_err(GitError::io("cannot open scratch directory", &repo.scratch))?;
    if let Some(top) = user.workdir().and_then(|w| fs::canonicalize(w).ok())
        && scratch.starts_with(&top)
    {
        return Err(GitError::ScratchInsideWorkTree { dir: scratch });
    }
    let dir = stale::tempdir_in(&scratch, SCRATCH_PREFIX).map_err(GitError::io(
        "cannot create a checkout directory in",
        &scratch,
    ))?;
    let root = dir.path().join(&repo.name);

    let mut init = RepositoryInitOptions::new();
    init.external_template(false);
    let fresh = Repository::init_opts(&root, &init)
        .map_err(GitError::git("cannot create the checkout repository"))?;
    let git_dir = fresh.path().to_path_buf();
    drop(fresh);

    let objects = fs::canonicalize(user.commondir().join("objects")).map_err(GitError::io(
        "cannot find the object directory",
        user.commondir(),
    ))?;
    let info = git_dir.join("objects").join("info");
    fs::create_dir_all(&info).map_err(GitError::io("cannot create", &info))?;
    let alternates = info.join("alternates");
    fs::write(&alternates, format!("{}\n", objects.display()))
        .map_err(GitError::io("cannot write", &alternates))?;
    let shallow = user.commondir().join("shallow");
    if shallow.is_file() {
        fs::copy(&shallow, git_dir.join("shallow"))
            .map_err(GitError::io("cannot copy", &shallow))?;
    }
    let packed = git_dir.join("packed-refs");
    fs::write(&packed, tag_lines(user)).map_err(GitError::io("cannot write", &packed))?;

    let fresh =
        Repository::open(&root).map_err(GitError::git("cannot open the checkout repository"))?;
    if let Some(oid) = commit {
        if interrupt::requested() {
            return Err(GitError::Interrupted {
                what: "checking out".into(),
            });
        }
        let commit = fresh
            .find_commit(oid)
            .map_err(GitError::git(format!("cannot read commit {oid}")))?;
        fresh
            .checkout_tree(commit.as_object(), Some(CheckoutBuilder::new().force()))
            .map_err(GitError::git(format!("cannot check out {oid}")))?;
        fresh
            .set_head_detached(oid)
            .map_err(GitError::git("cannot set HEAD in the checkout"))?;
    }
    Ok((dir, root))
}

/// The user's tags as `packed-refs` lines (objects are found through the alternates).
fn tag_lines(user: &Repository) -> String {
    let mut lines = Vec::new();
    if let Ok(refs) = user.references_glob("refs/tags/*") {
        for reference in refs.flatten() {
            let target = reference
                .target()
                .or_else(|| reference.resolve().ok()?.target());
            if let (Some(name), Some(target)) = (reference.name().ok(), target) {
                lines.push(format!("{target} {name}\n"));
            }
        }
    }
    lines.sort_by(|a, b| {
        a.split_once(' ')
            .map(|x| x.1)
            .cmp(&b.split_once(' ').map(|x| x.1))
    });
    lines.concat()
}

/// `path` canonicalised, or (when it does not exist yet, e.g. an output file) its parent
/// canonicalised joined with its name.
fn canonical_or_parent(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// Copies the working tree's changes over the checkout at `root` and returns the content id and
/// whether there were any. Changes under `exclude` (paths relative to the working tree) and
/// untracked coldstart result files are left out. Reads `git status` without refreshing the
/// index on disk (libgit2 only writes it back when asked to with `GIT_STATUS_OPT_UPDATE_INDEX`,
/// which is left off).
fn overlay(
    user: &Repository,
    workdir: &Path,
    root: &Path,
    base: Option<Oid>,
    exclude: &[PathBuf],
) -> Result<(String, bool), GitError> {
    let mut opts = StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true)
        .renames_head_to_index(false)
        .renames_index_to_workdir(false)
        .update_index(false);
    let statuses = user
        .statuses(Some(&mut opts))
        .map_err(GitError::git("cannot read the working tree's status"))?;
    let ours = |rel: &Path, status: Status| {
        exclude.iter().any(|x| rel.starts_with(x))
            || (status == Status::WT_NEW && is_result_file(rel))
    };
    let mut changed: Vec<PathBuf> = statuses
        .iter()
        .filter(|e| e.status() != Status::CURRENT && !e.status().contains(Status::IGNORED))
        .map(|e| {
            let rel = PathBuf::from(std::ffi::OsStr::from_bytes(e.path_bytes()));
            (rel, e.status())
        })
        .filter(|(rel, status)| !ours(rel, *status))
        .map(|(rel, _)| rel)
        .collect();
    changed.sort();
    changed.dedup();

    let (present, gone): (Vec<PathBuf>, Vec<PathBuf>) = changed
        .into_iter()
        .partition(|rel| fs::symlink_metadata(workdir.join(rel)).is_ok());
    let mut manifest = format!("base {}\n", base.map(|b| b.to_string()).unwrap_or_default());
    for rel in &gone {
        let target = root.join(rel);
        match fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(GitError::io("cannot remove", &target)(e)),
        }
        let _ = writeln!(manifest, "D {}", rel.display());
    }
    for rel in &present {
        if interrupt::requested() {
            return Err(GitError::Interrupted {
                what: "copying the working tree".into(),
            });
        }
        if let Some(entry) = copy_entry(&workdir.join(rel), &root.join(rel))? {
            let _ = writeln!(manifest, "{entry} {}", rel.display());
        }
    }
    let id = Oid::hash_object(ObjectType::Blob, manifest.as_bytes())
        .map_err(GitError::git("cannot hash the working tree"))?;
    Ok((
        format!("worktree-{id}"),
        !(gone.is_empty() && present.is_empty()),
    ))
}

/// Copies one file or symlink; returns its manifest entry (`mode hash`), or `None` for a
/// directory (an untracked nested repository, which is not part of this project's tree).
fn copy_entry(src: &Path, dst: &Path) -> Result<Option<String>, GitError> {
    let meta = fs::symlink_metadata(src).map_err(GitError::io("cannot read", src))?;
    if !(meta.is_dir() || meta.is_file() || meta.file_type().is_symlink()) {
        // A FIFO would block the copy forever; a device or socket is not part of a project.
        return Err(GitError::io("cannot copy", src)(std::io::Error::other(
            "not a regular file (a FIFO, socket or device); remove it or add it to .gitignore",
        )));
    }
    if meta.is_dir() {
        if fs::symlink_metadata(dst).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(dst).map_err(GitError::io("cannot replace", dst))?;
        }
        return Ok(None);
    }
    if let Some(parent) = dst.parent() {
        fs::create_dir_all(parent).map_err(GitError::io("cannot create", parent))?;
    }
    match fs::symlink_metadata(dst) {
        Ok(m) if m.is_dir() => {
            fs::remove_dir_all(dst).map_err(GitError::io("cannot replace", dst))?
        }
        Ok(_) => fs::remove_file(dst).map_err(GitError::io("cannot replace", dst))?,
        Err(_) => {}
    }
    if meta.file_type().is_symlink() {
        let link = fs::read_link(src).map_err(GitError::io("cannot read link", src))?;
        std::os::unix::fs::symlink(&link, dst).map_err(GitError::io("cannot create link", dst))?;
        let id = Oid::hash_object(ObjectType::Blob, link.as_os_str().as_encoded_bytes())
            .map_err(GitError::git("cannot hash a link"))?;
        return Ok(Some(format!("L {id}")));
    }
    fs::copy(src, dst).map_err(GitError::io("cannot copy", src))?;
    let id = Oid::hash_file(ObjectType::Blob, src).map_err(GitError::git("cannot hash a file"))?;
    let exec = meta.permissions().mode() & 0o111 != 0;
    Ok(Some(format!("F{} {id}", if exec { "x" } else { "" })))
}
