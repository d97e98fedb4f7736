//! Result files on disk: a writability check before measuring, atomic writes (temp file + rename)
//! with a `cold_start_latest.json` copy, and version-checked reading.
//!
//! Concurrency: any number of runs may write into one output directory at once. A timestamped
//! name is claimed with a hard link that fails if the name exists (never a check-then-write), so
//! N runs leave N files; `cold_start_latest.json` is replaced by rename, so it is always one whole
//! result. Temp files carry their owner in the name (`.coldstart-tmp-<pid>-<start>-*`) and the next
//! run removes those of killed runs. Files are created with mode 0666 minus the umask, like any
//! file a program writes.
use super::{FORMAT_VERSION, ResultFile};
use crate::error::{Error, Result};
use crate::git::stale;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Prefix of the atomic writer's temp files.
const TMP_PREFIX: &str = ".coldstart-tmp-";
/// A result file larger than this is refused (a run of 10 000 samples is about 5 MiB).
pub const MAX_RESULT_BYTES: u64 = 256 << 20;

/// Creates `dir` if needed and proves we can write there, before any time is spent measuring;
/// removes temp files that killed runs left there.
pub fn check_writable(dir: &Path) -> Result<()> {
    let fail = |e: std::io::Error| Error::OutputDir {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    fs::create_dir_all(dir).map_err(fail)?;
    sweep_temp_files(dir);
    temp_file(dir).map_err(fail)?;
    Ok(())
}

/// A new temp file in `dir` named after its owner, mode 0666 minus the umask (`open(2)` applies
/// the umask to the mode asked for), removed when dropped.
fn temp_file(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{}-", stale::owner_tag()))
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
}

/// Removes the temp files of runs that are gone from `dir` (best effort); returns how many. Also
/// removes `.tmpXXXXXX` files (the name earlier versions used) older than a day.
pub fn sweep_temp_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        let dead = match name.strip_prefix(TMP_PREFIX) {
            Some(rest) => stale::tag_owner_dead(rest),
            None => {
                name.len() == 10
                    && name.starts_with(".tmp")
                    && entry
                        .metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t < day_ago)
            }
        };
        if is_file && dead && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A temp file in `path`'s directory holding `text`, flushed to disk.
fn written_temp(path: &Path, text: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut tmp = temp_file(parent(path))?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Writes `text` to `path` atomically: readers see the old file or the whole new one, never a part.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let fail = |e: std::io::Error| Error::WriteFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let tmp = written_temp(path, text).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Writes `text` under `dir/name`, or `dir/<stem>-2.json`, `-3`, ... when that name is taken (two
/// runs in one second), and returns the path. The name is claimed atomically (a hard link that
/// fails when the name exists), so concurrent writers never share or overwrite a file.
pub fn save_new(dir: &Path, name: &str, text: &str) -> Result<PathBuf> {
    let fail = |path: &Path, e: std::io::Error| Error::WriteFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let first = dir.join(name);
    let mut tmp = written_temp(&first, text).map_err(|e| fail(&first, e))?;
    let stem = name.strip_suffix(".json").unwrap_or(name);
    for n in 1u32.. {
        let path = match n {
            1 => first.clone(),
            n => dir.join(format!("{stem}-{n}.json")),
        };
        match tmp.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists && n < 100_000 => {
                tmp = e.file;
            }
            Err(e) => return Err(fail(&path, e.error)),
        }
    }
    unreachable!("the loop returns")
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Proves a report file (`--output`, `--svg`) can be written, before any time is spent measuring.
pub fn check_file_writable(path: Option<&Path>) -> Result<()> {
    let Some(path) = path else { return Ok(()) };
    if path.is_dir() {
        return Err(Error::WriteFile {
            path: path.to_path_buf(),
            reason: "it is a directory; name a file inside it".into(),
        });
    }
    temp_file(parent(path)).map_err(|e| Error::WriteFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    Ok(())
}

/// `cold_start_<UTC timestamp>[_<label>].json`.
pub fn file_name(result: &ResultFile, suffix: Option<&str>) -> String {
    let stamp: String = result
        .created_at
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut name = format!("cold_start_{stamp}");
    for part in [result.label.as_deref(), suffix].into_iter().flatten() {
        name.push('_');
        name.push_str(part);
    }
    name + ".json"
}

/// Stores a result as its timestamped file and as `cold_start_latest.json`; returns the first path.
pub fn save(dir: &Path, result: &ResultFile, suffix: Option<&str>) -> Result<PathBuf> {
    let text = serde_json::to_string_pretty(result).expect("result files always serialize") + "\n";
    sweep_temp_files(dir);
    let path = save_new(dir, &file_name(result, suffix), &text)?;
    write_atomic(&dir.join("cold_start_latest.json"), &text)?;
    Ok(path)
}

/// The contents of the file a user named as input, refusing what is not a regular file (a FIFO
/// would block forever, `/dev/zero` never ends) and anything over `max` bytes. The file is opened
/// non-blocking and checked on the open descriptor, so it cannot be swapped after the check.
pub fn read_regular(path: &Path, max: u64) -> std::result::Result<String, String> {
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("{e}; check the path"))?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    let kind = meta.file_type();
    let what = if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        ""
    };
    if !what.is_empty() {
        return Err(format!(
            "it is {what}, not a regular file; pass a result file written by coldstart"
        ));
    }
    if meta.len() > max {
        return Err(format!(
            "it is larger than {} MiB, too large for a result file; pass a result file written by coldstart",
            max >> 20
        ));
    }
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{e}; check the path"))?;
    if bytes.len() as u64 > max {
        return Err(format!("it grew past {} MiB while being read", max >> 20));
    }
    String::from_utf8(bytes)
        .map_err(|_| "it is not UTF-8 text; pass a result file written by coldstart".into())
}

/// Reads a result file of any known format version; names the problem otherwise.
pub fn load(path: &Path) -> Result<ResultFile> {
    let fail = |reason: String| Error::ResultFile {
        path: path.to_path_buf(),
        reason,
    };
    let text = read_regular(path, MAX_RESULT_BYTES).map_err(fail)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| fail(format!("not valid JSON ({e}); was the file truncated?")))?;
    let version = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| fail("no format_version: not a coldstart result file".into()))?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(fail(format!(
            "format_version {version} is newer than this coldstart understands ({FORMAT_VERSION}); upgrade coldstart"
        )));
    }
    let mut result: ResultFile = serde_json::from_value(value)
        .map_err(|e| fail(format!("does not match result format {version}: {e}")))?;
    super::validate::validate(&mut result).map_err(|e| {
        fail(format!(
            "{e}: the file was edited or corrupted; measure again (coldstart run)"
        ))
    })?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn save_new_numbers_names_taken_in_the_same_second() {
        let dir = tempfile::tempdir().unwrap();
        let name = "cold_start_20261123T120000Z_comparison.json";
        assert_eq!(
            save_new(dir.path(), name, "1").unwrap(),
            dir.path().join(name)
        );
        let second = save_new(dir.path(), name, "2").unwrap();
        assert!(second.ends_with("cold_start_20261123T120000Z_comparison-2.json"));
        let third = save_new(dir.path(), name, "3").unwrap();
        assert!(third.ends_with("cold_start_20261123T120000Z_comparison-3.json"));
        assert_eq!(fs::read_to_string(dir.path().join(name)).unwrap(), "1");
        assert_eq!(fs::read_to_string(second).unwrap(), "2");
        assert_eq!(fs::read_to_string(third).unwrap(), "3");
    }

    #[test]
    fn concurrent_writers_of_one_name_get_distinct_files() {
        let dir = tempfile::tempdir().unwrap();
        let name = "cold_start_20261123T120000Z.json";
        let barrier = std::sync::Barrier::new(40);
        let root = dir.path();
        let paths: Vec<PathBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..40)
                .map(|i| {
                    let barrier = &barrier;
                    s.spawn(move || {
                        barrier.wait();
                        save_new(root, name, &i.to_string()).unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut contents: Vec<u32> = paths
            .iter()
            .map(|p| fs::read_to_string(p).unwrap().parse().unwrap())
            .collect();
        contents.sort();
        assert_eq!(contents, (0..40).collect::<Vec<_>>());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            40,
            "no temp files left"
        );
    }

    #[test]
    fn temp_files_of_dead_writers_are_swept_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".coldstart-tmp-4194305-99-abcdef");
        let live = dir
            .path()
            .join(format!(".coldstart-tmp-{}-abcdef", stale::owner_tag()));
        let legacy_old = dir.path().join(".tmpAb12Cd");
        let legacy_new = dir.path().join(".tmpXy34Zw");
        let result = dir.path().join("cold_start_x.json");
        for p in [&dead, &live, &legacy_old, &legacy_new, &result] {
            fs::write(p, "{").unwrap();
        }
        let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(172_800);
        fs::File::options()
            .write(true)
            .open(&legacy_old)
            .unwrap()
            .set_modified(two_days_ago)
            .unwrap();
        assert_eq!(sweep_temp_files(dir.path()), 2);
        assert!(!dead.exists() && !legacy_old.exists());
        assert!(live.exists() && legacy_new.exists() && result.exists());
    }

    #[test]
    fn files_honour_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        write_atomic(&path, "{}").unwrap();
        let saved = save_new(dir.path(), "y.json", "{}").unwrap();
        // The test process's umask, read without changing it.
        let status = fs::read_to_string("/proc/self/status").unwrap();
        let umask = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .map(|v| u32::from_str_radix(v.trim(), 8).unwrap())
            .unwrap();
        for p in [&path, &saved] {
            assert_eq!(
                fs::metadata(p).unwrap().mode() & 0o777,
                0o666 & !umask,
                "{p:?}"
            );
        }
    }

    #[test]
    fn special_files_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.json");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo reads a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read_regular(&fifo, MAX_RESULT_BYTES).unwrap_err();
        assert!(err.contains("named pipe (FIFO)"), "{err}");
        let err = read_regular(Path::new("/dev/zero"), MAX_RESULT_BYTES).unwrap_err();
        assert!(err.contains("a device"), "{err}");
        assert!(
            read_regular(dir.path(), 10)
                .unwrap_err()
                .contains("a directory")
        );
        let big = dir.path().join("big.json");
        fs::write(&big, vec![b' '; 2048]).unwrap();
        assert!(read_regular(&big, 1024).unwrap_err().contains("too large"));
        assert_eq!(read_regular(&big, 4096).unwrap().len(), 2048);
    }
}
