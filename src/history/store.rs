//! The per-commit result store of `history`: one JSON file per commit and measurement key, so a
//! second `history` over an overlapping range re-measures nothing already stored for the same
//! interpreter and machine (`--remeasure` overwrites). The key is the commit's SHA, the
//! interpreter (executable and version), the machine fingerprint (OS, architecture, CPU model and
//! count) and the recipe (targets, anchor and every setting that changes what a sample measures):
//! a file is `<sha>-<hash of the rest>.json`, its key repeated inside and checked on reading.
//! Files are written atomically; a file that cannot be read is reported and measured again.
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid};
use serde::{Deserialize, Serialize};

/// Version of the stored per-commit document.
pub const STORE_FORMAT_VERSION: u32 = 1;

/// What a stored measurement is valid for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreKey {
    pub sha: String,
    /// `executable version`, e.g. `/usr/bin/python3 3.11.7`.
    pub interpreter: String,
    /// `os arch cpu-model ×cpus`.
    pub machine: String,
    /// A canonical text of targets and measurement settings.
    pub recipe: String,
}

impl StoreKey {
    /// The file name: the SHA (so `ls` finds a commit) and a hash of the rest of the key.
    pub fn file_name(&self) -> String {
        let rest = format!("{}\n{}\n{}\n", self.interpreter, self.machine, self.recipe);
        let hash = Oid::hash_object(ObjectType::Blob, rest.as_bytes())
            .map(|o| o.to_string())
            .unwrap_or_default();
        format!("{}-{}.json", self.sha, &hash[..hash.len().min(16)])
    }
}

/// One commit's stored measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCommit {
    pub format_version: u32,
    pub key: StoreKey,
    /// RFC 3339 UTC time of the measurement.
    pub measured_at: String,
    pub outcome: StoredOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum StoredOutcome {
    Measured {
        targets: Vec<StoredTarget>,
    },
    /// The environment could not be built (kept so a second run does not rebuild it;
    /// `--remeasure` tries again).
    BuildFailed {
        error: String,
    },
}

/// One target at one commit: raw samples, each target sample with the anchor of its round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredTarget {
    pub name: String,
    pub import_ms: Vec<f64>,
    /// Same length as `import_ms` (the anchor of each round), or empty without an anchor.
    pub anchor_ms: Vec<f64>,
    pub modules: usize,
    /// Sorted module names after the import.
    pub loaded: Vec<String>,
    /// `--forbid` modules that were loaded.
    pub forbidden: Vec<String>,
    /// `--metric instructions`: the statement's instruction counts, one per counted child (absent
    /// in entries of time-only runs, and in files written before counts were stored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<u64>,
}

/// A directory of stored commits.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: PathBuf) -> Store {
        Store { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stored measurement for `key`: `Ok(None)` when there is none, `Err(reason)` when a file
    /// exists but is unreadable, of a newer format or for another key (the caller warns and
    /// measures again).
    pub fn get(&self, key: &StoreKey) -> Result<Option<StoredCommit>, String> {
        let path = self.dir.join(key.file_name());
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read '{}': {e}", path.display())),
        };
        let bad =
            |why: String| format!("stored result '{}' {why}; measuring again", path.display());
        let stored: StoredCommit =
            serde_json::from_str(&text).map_err(|e| bad(format!("is not valid ({e})")))?;
        if stored.format_version > STORE_FORMAT_VERSION {
            return Err(bad(format!("has format {}", stored.format_version)));
        }
        if &stored.key != key {
            return Err(bad("belongs to another measurement key".into()));
        }
        Ok(Some(stored))
    }

    /// Stores `entry` atomically (a reader sees the old file or the new one), creating the
    /// directory when needed.
    pub fn put(&self, entry: &StoredCommit) -> crate::error::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir).map_err(|e| crate::error::Error::WriteFile {
            path: self.dir.clone(),
            reason: e.to_string(),
        })?;
        let path = self.dir.join(entry.key.file_name());
        let text = serde_json::to_string_pretty(entry).expect("stored commits serialize") + "\n";
        crate::results::store::write_atomic(&path, &text)?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(sha: &str, machine: &str) -> StoreKey {
        StoreKey {
            sha: sha.into(),
            interpreter: "/usr/bin/python3 3.11.7".into(),
            machine: machine.into(),
            recipe: "targets pkg\nanchor import json\n".into(),
        }
    }

    fn entry(key: StoreKey) -> StoredCommit {
        StoredCommit {
            format_version: STORE_FORMAT_VERSION,
            key,
            measured_at: "2026-12-01T20:00:00Z".into(),
            outcome: StoredOutcome::Measured {
                targets: vec![StoredTarget {
                    name: "pkg".into(),
                    import_ms: vec![10.0, 11.0],
                    anchor_ms: vec![20.0, 21.0],
                    modules: 3,
                    loaded: vec!["pkg".into()],
                    forbidden: vec![],
                    instructions: vec![],
                }],
            },
        }
    }

    #[test]
    fn round_trip_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("history"));
        let k = key("abc", "linux x86_64 EPYC x2");
        assert_eq!(store.get(&k), Ok(None));
        let path = store.put(&entry(k.clone())).unwrap();
        assert!(
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("abc-")
        );
        assert_eq!(store.get(&k).unwrap(), Some(entry(k.clone())));
        // Another machine or interpreter is another file.
        assert_eq!(store.get(&key("abc", "linux aarch64 x4")), Ok(None));
        let failed = StoredCommit {
            outcome: StoredOutcome::BuildFailed {
                error: "pip failed".into(),
            },
            ..entry(k.clone())
        };
        store.put(&failed).unwrap();
        assert_eq!(store.get(&k).unwrap(), Some(failed));
        let names: Vec<_> = std::fs::read_dir(store.dir()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary files left");
    }

    /// An entry written before counts were stored (no `instructions` key) still loads, and an
    /// entry without counts is written without the key.
    #[test]
    fn entries_without_counts_load_and_write_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf());
        let k = key("abc", "m");
        let old = r#"{"format_version": 1, "key": {"sha": "abc", "interpreter": "/usr/bin/python3 3.11.7", "machine": "m", "recipe": "targets pkg\nanchor import json\n"}, "measured_at": "2026-12-01T20:00:00Z", "outcome": {"status": "measured", "targets": [{"name": "pkg", "import_ms": [10.0, 11.0], "anchor_ms": [20.0, 21.0], "modules": 3, "loaded": ["pkg"], "forbidden": []}]}}"#;
        std::fs::write(dir.path().join(k.file_name()), old).unwrap();
        let got = store.get(&k).unwrap().expect("an old entry loads");
        assert_eq!(got, entry(k.clone()));
        let path = store.put(&got).unwrap();
        assert!(
            !std::fs::read_to_string(path)
                .unwrap()
                .contains("instructions")
        );
        let mut counted = entry(k.clone());
        if let StoredOutcome::Measured { targets } = &mut counted.outcome {
            targets[0].instructions = vec![1_000, 1_000, 1_001];
        }
        store.put(&counted).unwrap();
        assert_eq!(store.get(&k).unwrap(), Some(counted));
    }

    #[test]
    fn unreadable_entries_are_reported_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf());
        let k = key("abc", "m");
        std::fs::write(dir.path().join(k.file_name()), "{ truncated").unwrap();
        let err = store.get(&k).unwrap_err();
        assert!(
            err.contains("is not valid") && err.ends_with("measuring again"),
            "{err}"
        );
        let mut other = entry(key("abc", "m"));
        other.key.recipe = "something else".into();
        let text = serde_json::to_string(&other).unwrap();
        std::fs::write(dir.path().join(k.file_name()), text).unwrap();
        assert!(
            store
                .get(&k)
                .unwrap_err()
                .contains("another measurement key")
        );
    }
}
