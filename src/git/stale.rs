//! Ownership marks for scratch directories: a pid file naming the owning process (pid and start
//! time, so a recycled pid is not mistaken for the owner), and a sweep that removes directories
//! whose owner is gone. Shared by git checkouts, the probe and the environment cache's
//! in-progress builds. Directories made by [`tempdir_in`] also carry the owner in their name, so
//! one killed before its pid file was written is still recognised; [`owner_tag`] and
//! [`tag_owner_dead`] do the same for other scratch files (the atomic writer's temp files).
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

/// `<pid>-<start time>`: names the current process in a file or directory name.
pub fn owner_tag() -> String {
    let pid = std::process::id();
    format!("{pid}-{}", start_time(pid as i32).unwrap_or(0))
}

/// True when `name` starts with an [`owner_tag`] followed by `-` whose process is gone (or whose
/// pid now belongs to a process started at another time). Anything else is not ours: false.
pub fn tag_owner_dead(name: &str) -> bool {
    let mut fields = name.splitn(3, '-');
    let (Some(Ok(pid)), Some(Ok(start)), Some(_)) = (
        fields.next().map(str::parse::<i32>),
        fields.next().map(str::parse::<u64>),
        fields.next(),
    ) else {
        return false;
    };
    owner_dead(pid, start)
}

/// A new directory `<prefix><owner tag>-<random>` in `parent`, with its pid file; removed when
/// the returned value is dropped.
pub fn tempdir_in(parent: &Path, prefix: &str) -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("{prefix}{}-", owner_tag()))
        .tempdir_in(parent)?;
    mark(dir.path())?;
    Ok(dir)
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
    owner_dead(pid, start)
}

/// True when process `pid` started at `start` (0: unknown) no longer exists.
pub fn owner_dead(pid: i32, start: u64) -> bool {
    if pid <= 0 || !Path::new("/proc/self").exists() {
        return false;
    }
    match start_time(pid) {
        None => true,
        Some(now) => start != 0 && now != start,
    }
}

/// Removes every directory directly under `parent` whose name starts with `prefix` and which
/// [`is_stale`], or has no pid file but names a dead owner after the prefix (killed between
/// creating it and writing the pid file); returns the removed paths. Errors are skipped: a sweep
/// is best effort.
pub fn sweep(parent: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let unmarked_dead = || !path.join(PID_FILE).exists() && tag_owner_dead(rest);
        let stale = is_stale(&path) || unmarked_dead();
        if is_dir && stale && fs::remove_dir_all(&path).is_ok() {
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
    fn a_directory_killed_before_its_pid_file_is_stale_by_its_name() {
        let parent = tempfile::tempdir().expect("tempdir");
        let mine = tempdir_in(parent.path(), "coldstart-x-").expect("tempdir_in");
        let name = mine
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with(&format!("coldstart-x-{}-", owner_tag())));
        assert!(mine.path().join(PID_FILE).is_file());
        // A dead owner's directory without a pid file, one of ours without, and a foreign one.
        let dead = parent.path().join("coldstart-x-4194305-77-abc");
        let unmarked_mine = parent
            .path()
            .join(format!("coldstart-x-{}-def", owner_tag()));
        let foreign = parent.path().join("coldstart-x-notatag");
        for d in [&dead, &unmarked_mine, &foreign] {
            fs::create_dir(d).expect("mkdir");
        }
        assert_eq!(sweep(parent.path(), "coldstart-x-"), vec![dead.clone()]);
        assert!(mine.path().exists() && unmarked_mine.exists() && foreign.exists());
        assert!(tag_owner_dead("4194305-77-x"));
        assert!(!tag_owner_dead(&format!("{}-x", owner_tag())));
        assert!(!tag_owner_dead("4194305-77"));
        assert!(!tag_owner_dead("abc-1-x"));
    }

    #[test]
    fn recycled_pid_is_stale() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pid = std::process::id();
        fs::write(dir.path().join(PID_FILE), format!("{pid} 1\n")).expect("write");
        assert!(is_stale(dir.path()));
    }
}
