//! The environment cache: `envs/<key>/` holds finished environments (each with a
//! `coldstart-env.json` whose modification time is its last use), `tmp/` holds builds in progress
//! (each marked with its owner's pid; a killed run's are swept), `logs/<key>.log` the output of the
//! last build of each key. An environment becomes visible only by a rename of its finished
//! directory into `envs/`, so an interrupted build is never reused. `locks/<key>.lock` is the
//! advisory lock of each key (see `super::lock`): `clean` skips environments in use. `list` and
//! `clean` return data for the CLI to render.
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tempfile::TempDir;

use super::error::EnvError;
use super::fsutil;
use super::lock::{self, KeyLock, Mode};
use crate::git::stale;

pub use super::META_FILE;
const FORMAT_VERSION: u32 = 1;
/// Prefix of the directories in `tmp/` (builds in progress, environments being removed).
const SCRATCH_PREFIX: &str = "build-";

/// What is recorded about an environment when it is built.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Meta {
    pub format_version: u32,
    pub key: String,
    /// Key of the dependency specification (equal for environments that can be cloned).
    pub deps_key: String,
    /// The revision's SHA, or `worktree-<hash>` for a working-tree snapshot.
    pub content_id: String,
    /// `CPython 3.11.7`.
    pub python: String,
    pub python_executable: PathBuf,
    /// `pip`, `uv` or `setup: COMMAND`.
    pub recipe: String,
    pub created: DateTime<Utc>,
    pub setup_secs: f64,
    /// Key of the environment this one was cloned from.
    pub cloned_from: Option<String>,
    /// The repository the environment was built for (absent in entries of older coldstarts).
    #[serde(default)]
    pub project: Option<PathBuf>,
    /// The revision as it was named (`main`, `v1.0`, `working tree`), when a name was given.
    #[serde(default)]
    pub revision_name: Option<String>,
}

/// One cached environment, as `coldstart cache list` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CacheEntry {
    pub key: String,
    pub path: PathBuf,
    /// Bytes of its files; files hard-linked with other entries count in each of them.
    pub size_bytes: u64,
    pub last_used: DateTime<Utc>,
    pub created: DateTime<Utc>,
    /// The revision's SHA, or `worktree-<hash>`.
    pub revision: String,
    /// The revision as it was named when the environment was built (`main`), if it was.
    pub revision_name: Option<String>,
    /// The repository it was built for (`None` for entries of older coldstarts).
    pub project: Option<PathBuf>,
    /// `CPython 3.11.7`.
    pub python: String,
    /// `pip`, `uv` or `setup: COMMAND`.
    pub recipe: String,
    /// How long building it took.
    pub setup_secs: f64,
}

/// What `clean` removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CleanReport {
    pub removed: Vec<CacheEntry>,
    pub freed_bytes: u64,
    /// In-progress build directories of runs that are gone.
    pub stale_builds: usize,
    /// Environments that would have been removed but a running coldstart uses or builds them.
    pub in_use: Vec<CacheEntry>,
}

/// `$XDG_CACHE_HOME/coldstart`, else `~/.cache/coldstart`.
pub fn default_dir() -> Result<PathBuf, EnvError> {
    let var = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if let Some(xdg) = var("XDG_CACHE_HOME") {
        return Ok(xdg.join("coldstart"));
    }
    var("HOME")
        .map(|home| home.join(".cache").join("coldstart"))
        .ok_or(EnvError::NoCacheDir)
}

/// Every cached environment, most recently used first. A missing cache is empty.
pub fn list(cache_dir: &Path) -> Result<Vec<CacheEntry>, EnvError> {
    let envs = cache_dir.join("envs");
    let entries = match fs::read_dir(&envs) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(EnvError::cache(&envs)(e)),
    };
    let mut out: Vec<CacheEntry> = entries.flatten().filter_map(|e| entry(&e.path())).collect();
    out.sort_by(|a, b| b.last_used.cmp(&a.last_used).then(a.key.cmp(&b.key)));
    Ok(out)
}

/// Removes the in-progress build directories of `cache_dir` whose run is gone (without creating
/// the cache); returns how many.
pub fn sweep_builds(cache_dir: &Path) -> usize {
    stale::sweep(&cache_dir.join("tmp"), SCRATCH_PREFIX).len()
}

/// Which environments `clean` removes.
#[derive(Debug, Clone, Default)]
pub struct CleanFilter {
    /// Only those not used for this long.
    pub older_than: Option<Duration>,
    /// Only those built for the repository at this path (its root, canonical).
    pub project: Option<PathBuf>,
}

/// Removes cached environments: all of them, or those `filter` selects; also the directories of
/// interrupted builds whose run is gone, and (unless limited to a project) logs as old as what
/// is removed.
pub fn clean(cache_dir: &Path, filter: &CleanFilter) -> Result<CleanReport, EnvError> {
    let older_than = filter.older_than;
    let cutoff = older_than.map(|age| SystemTime::now() - age);
    let is_old = |t: SystemTime| cutoff.is_none_or(|c| t < c);
    let stale_builds = sweep_builds(cache_dir);
    let mut report = CleanReport {
        removed: Vec::new(),
        freed_bytes: 0,
        stale_builds,
        in_use: Vec::new(),
    };
    if !cache_dir.join("envs").is_dir() {
        return Ok(report);
    }
    let cache = Cache::open(cache_dir)?;
    for found in list(cache_dir)? {
        if !is_old(found.last_used.into()) {
            continue;
        }
        if filter
            .project
            .as_ref()
            .is_some_and(|p| found.project.as_ref() != Some(p))
        {
            continue;
        }
        match cache.try_lock(&found.key, Mode::Exclusive)? {
            None => report.in_use.push(found),
            Some(held) => {
                cache.remove(&found.path)?;
                held.remove_file();
                report.freed_bytes += found.size_bytes;
                report.removed.push(found);
            }
        }
    }
    if filter.project.is_some() {
        for e in &report.removed {
            let _ = fs::remove_file(cache_dir.join("logs").join(format!("{}.log", e.key)));
        }
        return Ok(report);
    }
    if let Ok(logs) = fs::read_dir(cache_dir.join("logs")) {
        for log in logs.flatten() {
            if log.metadata().and_then(|m| m.modified()).is_ok_and(is_old) {
                let _ = fs::remove_file(log.path());
            }
        }
    }
    Ok(report)
}

fn entry(dir: &Path) -> Option<CacheEntry> {
    let meta = read_meta(dir)?;
    let last_used = fs::metadata(dir.join(META_FILE))
        .and_then(|m| m.modified())
        .ok()?;
    Some(CacheEntry {
        key: meta.key,
        path: dir.to_path_buf(),
        size_bytes: fsutil::size(dir),
        last_used: last_used.into(),
        created: meta.created,
        revision: meta.content_id,
        revision_name: meta.revision_name,
        project: meta.project,
        python: meta.python,
        recipe: meta.recipe,
        setup_secs: meta.setup_secs,
    })
}

fn read_meta(dir: &Path) -> Option<Meta> {
    let text = fs::read_to_string(dir.join(META_FILE)).ok()?;
    serde_json::from_str::<Meta>(&text)
        .ok()
        .filter(|m| m.format_version == FORMAT_VERSION)
}

/// `Meta` for a new environment.
pub(crate) fn new_meta(
    key: &str,
    deps_key: &str,
    content_id: &str,
    python: (&str, &Path),
    recipe: &str,
) -> Meta {
    Meta {
        format_version: FORMAT_VERSION,
        key: key.to_string(),
        deps_key: deps_key.to_string(),
        content_id: content_id.to_string(),
        python: python.0.to_string(),
        python_executable: python.1.to_path_buf(),
        recipe: recipe.to_string(),
        created: Utc::now(),
        setup_secs: 0.0,
        cloned_from: None,
        project: None,
        revision_name: None,
    }
}

/// Writes `meta` into the environment at `dir` (a new file renamed over the old one).
pub(crate) fn write_meta(dir: &Path, meta: &Meta) -> Result<(), EnvError> {
    let path = dir.join(META_FILE);
    let tmp = dir.join(format!("{META_FILE}.tmp"));
    let text = serde_json::to_string_pretty(meta).map_err(|e| EnvError::Io {
        what: "cannot encode".into(),
        path: path.clone(),
        source: e.into(),
    })?;
    fs::write(&tmp, text).map_err(EnvError::io("cannot write", &tmp))?;
    fs::rename(&tmp, &path).map_err(EnvError::io("cannot write", &path))
}

/// A short stable key (SHA-1 through git's object hashing) over `parts`.
pub(crate) fn digest(parts: &[&str]) -> String {
    let joined = parts.join("\0");
    git2::Oid::hash_object(git2::ObjectType::Blob, joined.as_bytes())
        .map(|oid| oid.to_string()[..24].to_string())
        // Hashing a byte buffer in memory does not fail; keep a usable (if uncacheable) key.
        .unwrap_or_else(|_| "unhashable".into())
}

/// An opened cache directory.
pub(crate) struct Cache {
    root: PathBuf,
}

impl Cache {
    /// Creates the layout if needed and sweeps builds of runs that were killed.
    pub fn open(root: &Path) -> Result<Cache, EnvError> {
        // Absolute, so environment paths work from any working directory.
        let root = std::path::absolute(root).map_err(EnvError::cache(root))?;
        for sub in ["envs", "tmp", "logs", "locks"] {
            fs::create_dir_all(root.join(sub)).map_err(EnvError::cache(&root))?;
        }
        stale::sweep(&root.join("tmp"), SCRATCH_PREFIX);
        Ok(Cache {
            root: root.to_path_buf(),
        })
    }

    /// The lock file of `key` (a digest, so a plain file name).
    fn lock_path(&self, key: &str) -> PathBuf {
        self.root.join("locks").join(format!("{key}.lock"))
    }

    /// Locks `key` if it is free (see `super::lock`); `None` when another run holds it.
    pub fn try_lock(&self, key: &str, mode: Mode) -> Result<Option<KeyLock>, EnvError> {
        lock::try_lock(&self.lock_path(key), mode)
    }

    /// The finished environment for `key`, if it is there and its interpreter still exists.
    pub fn find(&self, key: &str) -> Option<PathBuf> {
        let dir = self.root.join("envs").join(key);
        let valid = read_meta(&dir).is_some_and(|m| m.key == key)
            && fs::metadata(dir.join("bin").join("python")).is_ok();
        valid.then_some(dir)
    }

    /// A finished environment with dependencies `deps_key`: `prefer` if it qualifies, else the
    /// most recently used. Returns its directory and key.
    pub fn find_by_deps(&self, deps_key: &str, prefer: &str) -> Option<(PathBuf, String)> {
        let mut best: Option<(SystemTime, PathBuf, String)> = None;
        for e in fs::read_dir(self.root.join("envs")).ok()?.flatten() {
            let dir = e.path();
            let Some(meta) = read_meta(&dir).filter(|m| m.deps_key == deps_key) else {
                continue;
            };
            if self.find(&meta.key).is_none() {
                continue;
            }
            if meta.key == prefer {
                return Some((dir, meta.key));
            }
            let used = fs::metadata(dir.join(META_FILE))
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            if best.as_ref().is_none_or(|b| used > b.0) {
                best = Some((used, dir, meta.key));
            }
        }
        best.map(|(_, dir, key)| (dir, key))
    }

    /// Records a use of the environment at `dir` (its last-used time).
    pub fn touch(&self, dir: &Path) {
        if let Ok(f) = fs::File::options().write(true).open(dir.join(META_FILE)) {
            let _ = f.set_modified(SystemTime::now());
        }
    }

    /// A fresh directory for a build in progress, marked with our pid, removed on drop.
    pub fn scratch(&self) -> Result<TempDir, EnvError> {
        let tmp = self.root.join("tmp");
        stale::tempdir_in(&tmp, SCRATCH_PREFIX).map_err(EnvError::cache(&tmp))
    }

    /// The log file for building `key`, emptied.
    pub fn log(&self, key: &str) -> PathBuf {
        let path = self.root.join("logs").join(format!("{key}.log"));
        let _ = fs::remove_file(&path);
        path
    }

    /// Moves the finished environment at `built` to `envs/<key>` (relocating its paths first)
    /// and returns where it is. If another run stored the same key meanwhile, that one is used.
    pub fn store(&self, built: &Path, key: &str) -> Result<PathBuf, EnvError> {
        let target = self.root.join("envs").join(key);
        fsutil::relocate(built, built, &target)?;
        match fs::rename(built, &target) {
            Ok(()) => Ok(target),
            Err(_) if self.find(key).is_some() => Ok(target),
            Err(e) => Err(EnvError::io("cannot move the environment to", &target)(e)),
        }
    }

    /// Removes the environment at `dir`: first renamed into a marked scratch directory, so a
    /// removal cut short never leaves a half environment in `envs/`.
    pub fn remove(&self, dir: &Path) -> Result<(), EnvError> {
        let trash = self.scratch()?;
        fs::rename(dir, trash.path().join("env")).map_err(EnvError::io("cannot remove", dir))?;
        drop(trash);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_env(cache: &Path, key: &str, deps_key: &str) -> PathBuf {
        let dir = cache.join("envs").join(key);
        fs::create_dir_all(dir.join("bin")).expect("mkdir");
        std::os::unix::fs::symlink("/bin/sh", dir.join("bin/python")).expect("symlink");
        let meta = new_meta(
            key,
            deps_key,
            "abc",
            ("CPython 3.11.7", Path::new("/py")),
            "pip",
        );
        write_meta(&dir, &meta).expect("meta");
        dir
    }

    fn age(dir: &Path, days: u64) {
        let f = fs::File::options()
            .write(true)
            .open(dir.join(META_FILE))
            .expect("open");
        f.set_modified(SystemTime::now() - Duration::from_secs(days * 86_400))
            .expect("mtime");
    }

    #[test]
    fn digest_is_stable() {
        assert_eq!(digest(&["a", "b"]), digest(&["a", "b"]));
        assert_ne!(digest(&["a", "b"]), digest(&["ab"]));
        assert_eq!(digest(&["x"]).len(), 24);
        // Pinned (equals `printf x | git hash-object --stdin`): keys must not change between
        // builds of coldstart, or every cached environment would be rebuilt.
        assert_eq!(digest(&["x"]), "c1b0730e0133447badcfd47f");
    }

    #[test]
    fn list_clean_and_find() {
        let root = tempfile::tempdir().expect("tempdir");
        let cache = Cache::open(root.path()).expect("open");
        let old = fake_env(root.path(), "old", "d1");
        let new = fake_env(root.path(), "new", "d1");
        fs::create_dir_all(root.path().join("envs/half")).expect("half env");
        age(&old, 10);
        assert_eq!(cache.find("new"), Some(new.clone()));
        assert_eq!(cache.find("half"), None);
        assert_eq!(
            cache.find_by_deps("d1", "none"),
            Some((new.clone(), "new".into()))
        );
        assert_eq!(
            cache.find_by_deps("d1", "old"),
            Some((old.clone(), "old".into()))
        );
        assert_eq!(cache.find_by_deps("d2", "old"), None);

        let listed = list(root.path()).expect("list");
        assert_eq!(
            listed.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(),
            ["new", "old"]
        );

        let week = CleanFilter {
            older_than: Some(Duration::from_secs(5 * 86_400)),
            project: None,
        };
        let report = clean(root.path(), &week).expect("clean");
        assert_eq!(report.removed.len(), 1);
        assert_eq!(report.removed[0].key, "old");
        assert!(!old.exists() && new.exists());
        let report = clean(root.path(), &CleanFilter::default()).expect("clean all");
        assert_eq!(report.removed.len(), 1);
        assert_eq!(list(root.path()).expect("list"), Vec::new());
        assert_eq!(
            fs::read_dir(root.path().join("tmp")).expect("tmp").count(),
            0
        );
    }

    #[test]
    fn missing_cache_lists_empty() {
        let root = tempfile::tempdir().expect("tempdir");
        assert_eq!(list(&root.path().join("nope")).expect("list"), Vec::new());
        let report = clean(&root.path().join("nope"), &CleanFilter::default()).expect("clean");
        assert!(report.removed.is_empty());
    }
}
