//! Advisory locks on cache keys: `locks/<key>.lock` in the cache, locked with `flock(2)`. A run
//! using an environment holds it shared for as long as it measures; a builder holds it exclusive
//! until the environment is stored, then downgrades to shared; `cache clean` takes it exclusive
//! without waiting and skips the environment when it cannot. The kernel releases a lock when its
//! holder dies, so a killed run never leaves a stale lock.
//!
//! `flock` through libc rather than `std::fs::File::lock`: std leaves converting a held lock
//! (exclusive to shared) unspecified, flock(2) defines it. Waiting polls with `LOCK_NB`, because a
//! blocking `flock` would not notice Ctrl-C (the handler only sets a flag).
use std::fs::{self, File};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
#[cfg(test)]
use std::time::Duration;

use super::error::EnvError;

/// Shared (users) or exclusive (a builder, `clean`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Shared,
    Exclusive,
}

/// A held lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct KeyLock {
    file: File,
    path: PathBuf,
}

/// `flock(fd, op | LOCK_NB)`: true when taken, false when another process holds it.
fn try_flock(file: &File, op: i32) -> io::Result<bool> {
    // SAFETY: flock only reads the descriptor number.
    if unsafe { libc::flock(file.as_raw_fd(), op | libc::LOCK_NB) } == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EWOULDBLOCK) | Some(libc::EINTR) => Ok(false),
        _ => Err(err),
    }
}

/// Locks `path` in `mode` if it is free; `None` when another process holds it incompatibly.
pub(crate) fn try_lock(path: &Path, mode: Mode) -> Result<Option<KeyLock>, EnvError> {
    let op = match mode {
        Mode::Shared => libc::LOCK_SH,
        Mode::Exclusive => libc::LOCK_EX,
    };
    loop {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(EnvError::io("cannot open lock file", path))?;
        if !try_flock(&file, op).map_err(EnvError::io("cannot lock", path))? {
            return Ok(None);
        }
        // `clean` removes a lock file while holding it: if ours was removed meanwhile, we hold
        // a lock on a file nobody else will open; start over on the new one.
        let held = file.metadata().map_err(EnvError::io("cannot lock", path))?;
        let same =
            fs::metadata(path).is_ok_and(|now| (now.dev(), now.ino()) == (held.dev(), held.ino()));
        if same {
            return Ok(Some(KeyLock {
                file,
                path: path.to_path_buf(),
            }));
        }
    }
}

impl KeyLock {
    /// Turns an exclusive lock into a shared one (a builder that is done and now measures).
    pub(crate) fn downgrade(&self) -> Result<(), EnvError> {
        // SAFETY: flock only reads the descriptor number. Blocking is fine: we hold the lock
        // exclusively, so no other holder can prevent the conversion.
        if unsafe { libc::flock(self.file.as_raw_fd(), libc::LOCK_SH) } != 0 {
            return Err(EnvError::io("cannot lock", &self.path)(
                io::Error::last_os_error(),
            ));
        }
        Ok(())
    }

    /// Removes the lock file while still holding the lock (its environment is gone); a waiter
    /// sees the file was replaced and retries on a new one.
    pub(crate) fn remove_file(self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_locks_coexist_and_exclude_an_exclusive_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.lock");
        let a = try_lock(&path, Mode::Shared).unwrap().expect("free");
        let b = try_lock(&path, Mode::Shared).unwrap().expect("shared");
        assert!(try_lock(&path, Mode::Exclusive).unwrap().is_none());
        drop(a);
        assert!(try_lock(&path, Mode::Exclusive).unwrap().is_none());
        drop(b);
        let x = try_lock(&path, Mode::Exclusive)
            .unwrap()
            .expect("free again");
        assert!(try_lock(&path, Mode::Shared).unwrap().is_none());
        x.downgrade().unwrap();
        assert!(try_lock(&path, Mode::Shared).unwrap().is_some());
        assert!(try_lock(&path, Mode::Exclusive).unwrap().is_none());
    }

    #[test]
    fn a_waiter_gets_the_lock_when_the_holder_releases_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.lock");
        let held = try_lock(&path, Mode::Exclusive).unwrap().unwrap();
        let waiter = {
            let path = path.clone();
            std::thread::spawn(move || {
                loop {
                    if try_lock(&path, Mode::Exclusive).unwrap().is_some() {
                        return true;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        std::thread::sleep(Duration::from_millis(200));
        // Removed while held, as `clean` does: the waiter starts over on a new file.
        held.remove_file();
        assert!(waiter.join().unwrap());
        assert!(path.exists());
    }
}
