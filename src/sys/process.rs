//! Runs one child process (a measured interpreter, a setup step) in its own process group with a deadline, and leaves nothing behind:
//! the group is killed on timeout or interrupt, and processes that escaped it (daemons) are reaped
//! because we make ourselves a child subreaper.
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

/// Spawns `cmd` in a new process group and waits for it, at most `timeout`.
pub fn run(cmd: &mut Command, timeout: Duration) -> io::Result<Finished> {
    become_subreaper();
    cmd.process_group(0);
    let start = Instant::now();
    let child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    live().insert(pid);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let ok = wait_exited_nowait(pid);
        let _ = tx.send((ok, Instant::now()));
    });
    let deadline = start + timeout;
    let mut ending = None;
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
                    kill_group(pid);
                }
            }
        }
    };
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
    // SAFETY: plain syscall on integers.
    unsafe { libc::killpg(pgid, libc::SIGKILL) == 0 }
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
        let orphans: Vec<i32> = procfs::process::all_processes()
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|p| p.stat().ok())
            .filter(|s| s.ppid == me && s.pgrp != our_group && !live().contains(&s.pid))
            .map(|s| s.pid)
            .collect();
        for pid in &orphans {
            // SAFETY: plain syscalls on integers; these are our own children.
            unsafe {
                libc::kill(*pid, libc::SIGKILL);
                libc::waitpid(*pid, std::ptr::null_mut(), 0);
            }
        }
        if (!group_alive && orphans.is_empty()) || Instant::now() >= until {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
