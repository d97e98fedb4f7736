//! Ownership marks for scratch directories: a pid file naming the owning process (pid and start
//! time, so a recycled pid is not mistaken for the owner), and a sweep that removes directories
//! whose owner is gone. Shared by git checkouts and the environment cache's in-progress builds.
use std::fs;
use std::path::{Path, PathBuf};

/// Name of the pid file inside each owned scratch directory.
pub const PID_FILE: &str = "coldstart.pid";

/// Marks `dir` as owned by the current process.
pub fn mark(dir: &Path) -> std::io::Result<()> {
    let pid = std::process::id();
    let start = start_time(pid as i32).unwrap_or(0);
    fs::write(dir.join(PID_FILE), format!("{pid} {start}\n"))
}

/// True when `dir` carries a pid file whose process no longer exists. Directories without a
/// readable pid file are never considered stale (they may be another tool's or still being made).
pub fn is_stale(dir: &Path) -> bool {
    let Ok(text) = fs::read_to_string(dir.join(PID_FILE)) else {
        return false;
    };
    let mut fields = text.split_whitespace();
    let (Some(Ok(pid)), Some(Ok(start))) = (
        fields.next().map(str::parse::<i32>),
        fields.next().map(str::parse::<u64>),
    ) else {
        return false;
    };
    if !Path::new("/proc/self").exists() {
        return false;
    }
    match start_time(pid) {
        None => true,
        Some(now) => start != 0 && now != start,
    }
}

/// Removes every directory directly under `parent` whose name starts with `prefix` and which
/// [`is_stale`]; returns the removed paths. Errors are skipped: a sweep is best effort.
pub fn sweep(parent: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let owned_name = entry.file_name().to_string_lossy().starts_with(prefix);
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if owned_name && is_dir && is_stale(&path) && fs::remove_dir_all(&path).is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// Start time of process `pid` in clock ticks since boot, if it exists and /proc is readable.
fn start_time(pid: i32) -> Option<u64> {
    procfs::process::Process::new(pid)
        .and_then(|p| p.stat())
        .ok()
        .map(|s| s.starttime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_directory_is_not_stale_and_dead_owner_is() {
        let parent = tempfile::tempdir().expect("tempdir");
        let mine = parent.path().join("coldstart-mine");
        let dead = parent.path().join("coldstart-dead");
        let foreign = parent.path().join("coldstart-nopid");
        let other = parent.path().join("other-dead");
        for d in [&mine, &dead, &foreign, &other] {
            fs::create_dir(d).expect("mkdir");
        }
        mark(&mine).expect("mark");
        // pid_max is at most 2^22 on Linux, so this pid cannot exist.
        fs::write(dead.join(PID_FILE), "4194305 12345\n").expect("write");
        fs::write(other.join(PID_FILE), "4194305 12345\n").expect("write");
        assert!(!is_stale(&mine));
        assert!(is_stale(&dead));
        assert!(!is_stale(&foreign));
        assert_eq!(sweep(parent.path(), "coldstart-"), vec![dead.clone()]);
        assert!(mine.exists() && foreign.exists() && other.exists() && !dead.exists());
    }

    #[test]
    fn recycled_pid_is_stale() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pid = std::process::id();
        fs::write(dir.path().join(PID_FILE), format!("{pid} 1\n")).expect("write");
        assert!(is_stale(dir.path()));
    }
}
