//! Runs one child process (a measured interpreter, a setup step) in its own process group with a deadline, and leaves nothing behind:
//! the group is killed on timeout or interrupt, and processes that escaped it (daemons) are reaped
//! because we make ourselves a child subreaper.
//!
//! When coldstart itself is killed (`kill -9`, which no handler sees), the child gets SIGKILL from
//! the kernel (`PR_SET_PDEATHSIG`, set between fork and exec). That signal fires when the *thread*
//! that forked exits, not the process: [`run`] waits on the thread that spawned, so the child never
//! outlives it while coldstart lives. The child's descendants (its group, daemons) have no such
//! link; every child carries `COLDSTART_OWNER=<pid>-<start time>` in its environment, inherited by
//! what it starts, and the first [`run`] of the next coldstart kills every process whose owner is
//! gone ([`sweep_abandoned`]). Linux-specific: prctl, /proc.
use crate::interrupt;
use std::collections::BTreeSet;
use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Exited(ExitStatus),
    TimedOut,
    Interrupted,
}

/// Outer measurements of one finished child.
#[derive(Debug, Clone, Copy)]
pub struct Finished {
    pub ending: Ending,
    /// Spawn to exit (before reaping), nanoseconds.
    pub wall_ns: u64,
    /// User + system CPU of the child as reported by `wait4`.
    pub cpu_ns: u64,
    /// Time the child spent runnable but waiting for a CPU (`/proc/PID/schedstat`), if readable.
    pub run_delay_ns: Option<u64>,
}

/// Children currently owned by a `run` call (possibly on other threads): the orphan sweep must
/// not take them for orphans.
static LIVE: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

fn live() -> std::sync::MutexGuard<'static, BTreeSet<i32>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Makes this process the reaper of orphaned descendants, so a child that daemonizes (double fork,
/// `setsid`) cannot outlive the run: a measured target as much as a setup step. Done once, before
/// the first child.
fn become_subreaper() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes an integer argument and touches no memory.
    ONCE.call_once(|| unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    });
}

/// The environment variable naming the coldstart process that started a child.
pub const OWNER_VAR: &str = "COLDSTART_OWNER";

/// Spawns `cmd` in a new process group and waits for it, at most `timeout`; on timeout or
/// interrupt its group is killed at once.
pub fn run(cmd: &mut Command, timeout: Duration) -> io::Result<Finished> {
    run_with_grace(cmd, timeout, Duration::ZERO)
}

/// [`run`], but a timeout or interrupt first sends SIGTERM to the group and SIGKILL only after
/// `grace` (a setup step, e.g. pip, gets to remove its temporary files).
pub fn run_with_grace(
    cmd: &mut Command,
    timeout: Duration,
    grace: Duration,
) -> io::Result<Finished> {
    become_subreaper();
    sweep_abandoned_once();
    cmd.process_group(0);
    cmd.env(OWNER_VAR, crate::git::stale::owner_tag());
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: prctl, getppid and _exit are async-signal-safe and touch no memory of the parent.
    unsafe {
        cmd.pre_exec(move || {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
            // The parent died before the prctl took effect: nothing would ever signal us.
            if libc::getppid() != parent {
                libc::_exit(137);
            }
            Ok(())
        });
    }
    let start = Instant::now();
    // Spawned and registered under one lock, which the orphan sweep holds while it looks: another
    // thread's sweep must not take a child that is forked but not yet registered for an orphan
    // (it would kill and reap it, and `spawn` would fail with ECHILD).
    // Kept to the end, as before: dropping it early would close any pipes it holds.
    let child = {
        let mut owned = live();
        let child = cmd.spawn()?;
        owned.insert(child.id() as libc::pid_t);
        child
    };
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let ok = wait_exited_nowait(pid);
        let _ = tx.send((ok, Instant::now()));
    });
    let deadline = start + timeout;
    let mut ending = None;
    // When the group gets SIGKILL after a SIGTERM (set once `ending` is).
    let mut kill_at = None;
    let end = loop {
        let slice = deadline
            .saturating_duration_since(Instant::now())
            .clamp(Duration::from_millis(1), Duration::from_millis(50));
        match rx.recv_timeout(slice) {
            Ok((_, at)) => break at,
            Err(mpsc::RecvTimeoutError::Disconnected) => break Instant::now(),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if ending.is_none() && interrupt::requested() {
                    ending = Some(Ending::Interrupted);
                } else if ending.is_none() && Instant::now() >= deadline {
                    ending = Some(Ending::TimedOut);
                }
                if ending.is_some() {
                    // The leader is not reaped yet, so its pid cannot name another group.
                    let now = Instant::now();
                    match kill_at {
                        None if !grace.is_zero() => {
                            signal_group(pid, libc::SIGTERM);
                            kill_at = Some(now + grace);
                        }
                        Some(at) if now < at => {}
                        _ => {
                            kill_group(pid);
                            kill_at = Some(now);
                        }
                    }
                }
            }
        }
    };
    // The leader exited within the grace period: let the rest of its group finish too.
    if let Some(at) = kill_at {
        while Instant::now() < at && group_has_living_members(pid) {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let wall_ns = end.duration_since(start).as_nanos() as u64;
    let run_delay_ns = procfs::process::Process::new(pid)
        .and_then(|p| p.schedstat())
        .map(|s| s.run_delay)
        .ok();
    // Kill whatever the child left in its group while the zombie leader still pins the group id.
    kill_group(pid);
    let reaped = reap(pid);
    live().remove(&pid);
    let (status, cpu_ns) = reaped?;
    sweep_group_and_orphans(pid);
    Ok(Finished {
        ending: ending.unwrap_or(Ending::Exited(status)),
        wall_ns,
        cpu_ns,
        run_delay_ns,
    })
}

fn kill_group(pgid: libc::pid_t) -> bool {
    signal_group(pgid, libc::SIGKILL)
}

/// Sends `signal` to group `pgid` (0: only checks it exists); false when the group is gone.
fn signal_group(pgid: libc::pid_t, signal: i32) -> bool {
    // SAFETY: plain syscall on integers.
    unsafe { libc::killpg(pgid, signal) == 0 }
}

/// True while a process of group `pgid` other than a zombie is left (the unreaped leader is one).
fn group_has_living_members(pgid: libc::pid_t) -> bool {
    procfs::process::all_processes()
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|p| p.stat().ok())
        .any(|s| s.pgrp == pgid && s.state != 'Z')
}

/// Runs [`sweep_abandoned`] once per coldstart process, before its first child.
fn sweep_abandoned_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        sweep_abandoned();
    });
}

/// Kills every process (of ours to signal) whose environment names an owning coldstart process
/// that is gone: what a killed run's children left (their groups, daemons). Returns their pids.
/// A process that cleared its environment is not found; the kernel's death signal still ended
/// each direct child.
pub fn sweep_abandoned() -> Vec<i32> {
    let me = std::process::id() as i32;
    let mut killed = Vec::new();
    for process in procfs::process::all_processes()
        .into_iter()
        .flatten()
        .flatten()
    {
        if process.pid == me {
            continue;
        }
        let Ok(environ) = process.environ() else {
            continue;
        };
        let Some(owner) = environ.get(std::ffi::OsStr::new(OWNER_VAR)) else {
            continue;
        };
        let owner = owner.to_string_lossy();
        // `<pid>-<start>` plus a separator, the form `tag_owner_dead` reads.
        if crate::git::stale::tag_owner_dead(&format!("{owner}-")) {
            // SAFETY: plain syscall on integers.
            if unsafe { libc::kill(process.pid, libc::SIGKILL) } == 0 {
                killed.push(process.pid);
            }
        }
    }
    killed
}

/// Blocks until `pid` has exited, without reaping it (so schedstat stays readable).
fn wait_exited_nowait(pid: libc::pid_t) -> bool {
    loop {
        // SAFETY: siginfo_t is plain data, zero-initialised, written by the kernel.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let rc = unsafe {
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if rc == 0 {
            return true;
        }
        if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return false;
        }
    }
}

/// Reaps `pid` and returns its exit status and user+system CPU time.
fn reap(pid: libc::pid_t) -> io::Result<(ExitStatus, u64)> {
    let mut status = 0;
    // SAFETY: rusage is plain data written by the kernel.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if rc == pid {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let tv_ns = |tv: libc::timeval| tv.tv_sec as u64 * 1_000_000_000 + tv.tv_usec as u64 * 1_000;
    let cpu_ns = tv_ns(usage.ru_utime) + tv_ns(usage.ru_stime);
    Ok((ExitStatus::from_raw(status), cpu_ns))
}

/// Kills and reaps what is left of the group and any orphan reparented to us, for up to a second.
/// An orphan is a child of ours that we did not spawn: not in our own process group (children
/// spawned by plain `Command`s are) and not a child another `run` is waiting for.
fn sweep_group_and_orphans(pgid: libc::pid_t) {
    let me = std::process::id() as i32;
    // SAFETY: getpgrp has no arguments and cannot fail.
    let our_group = unsafe { libc::getpgrp() };
    let until = Instant::now() + Duration::from_secs(1);
    loop {
        let group_alive = kill_group(pgid);
        // Held from the look to the reap, so no `run` registers (or spawns) a child meanwhile.
        let owned = live();
        let orphans: Vec<i32> = procfs::process::all_processes()
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|p| p.stat().ok())
            .filter(|s| s.ppid == me && s.pgrp != our_group && !owned.contains(&s.pid))
            .map(|s| s.pid)
            .collect();
        for pid in &orphans {
            // SAFETY: plain syscalls on integers; these are our own children.
            unsafe {
                libc::kill(*pid, libc::SIGKILL);
                libc::waitpid(*pid, std::ptr::null_mut(), 0);
            }
        }
        drop(owned);
        if (!group_alive && orphans.is_empty()) || Instant::now() >= until {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trapping_shell(marker: &std::path::Path) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(format!(
            "trap 'echo term > \"{}\"; exit 0' TERM; echo started > \"{0}.started\"; sleep 60 & wait",
            marker.display()
        ));
        cmd
    }

    #[test]
    fn a_timed_out_step_with_a_grace_period_gets_sigterm_first() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("marker");
        let mut cmd = trapping_shell(&marker);
        let finished = run_with_grace(
            &mut cmd,
            Duration::from_millis(500),
            Duration::from_secs(30),
        )
        .expect("runs");
        assert_eq!(finished.ending, Ending::TimedOut);
        if marker.with_extension("started").exists() {
            assert_eq!(std::fs::read_to_string(&marker).unwrap(), "term\n");
        }
    }

    #[test]
    fn without_a_grace_period_the_group_is_killed_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("marker");
        let mut cmd = trapping_shell(&marker);
        let finished = run(&mut cmd, Duration::from_millis(500)).expect("runs");
        assert_eq!(finished.ending, Ending::TimedOut);
        assert!(!marker.exists());
    }

    #[test]
    fn children_carry_their_owner_and_a_dead_owners_processes_are_killed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("env");
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("echo \"${OWNER_VAR}\" > \"{}\"", out.display()));
        run(&mut cmd, Duration::from_secs(60)).expect("runs");
        let tag = std::fs::read_to_string(&out).unwrap();
        assert_eq!(tag.trim(), crate::git::stale::owner_tag());

        // A process that a killed coldstart (a pid above pid_max) left behind.
        let mut orphan = Command::new("sleep")
            .arg("300")
            .env(OWNER_VAR, "4194305-12345")
            .spawn()
            .unwrap();
        // Another test's first child may run the same sweep concurrently and kill it first, and
        // a just-spawned process may not show its environment yet: what matters is that it is
        // killed, so sweep until it is (at most 5 s, then fail).
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let status = loop {
            let _ = sweep_abandoned();
            if let Some(status) = orphan.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = orphan.kill();
                break orphan.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(status.signal(), Some(libc::SIGKILL));
    }

    /// Runs on several threads at once: each one's orphan sweep must leave the others' freshly
    /// spawned children alone (a child taken between fork and registration made `spawn` fail with
    /// ECHILD, seen once in CI as "No child processes").
    #[test]
    fn concurrent_runs_never_reap_each_others_children() {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    for _ in 0..40 {
                        let finished = run(&mut Command::new("true"), Duration::from_secs(60))
                            .expect("spawns and reaps its own child");
                        assert_eq!(finished.ending, Ending::Exited(ExitStatus::from_raw(0)));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    }
}
