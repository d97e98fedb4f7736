//! The machine: a fingerprint for result files and CPU counters that show how busy it was (procfs).
use procfs::{Current, CurrentSI};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Facts that decide whether two result files are comparable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostInfo {
    pub os: String,
    pub arch: String,
    pub cpu_model: Option<String>,
    pub cpus: usize,
    /// 1-minute load average before measuring.
    pub load_avg_1m: Option<f64>,
}

/// CPU time counters at one instant, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct CpuCounters {
    pub at: Instant,
    /// Busy time of all CPUs together (`/proc/stat`: everything but idle and iowait).
    pub busy_s: f64,
    /// Our own CPU time plus that of every child we reaped (`getrusage`).
    pub ours_s: f64,
}

/// How much of the machine others used while we measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Noise {
    pub elapsed_s: f64,
    /// Average number of CPUs kept busy by other processes (0 on a quiet machine).
    pub foreign_cpus: f64,
}

/// Where host facts come from; tests substitute fixed values.
pub trait Host {
    fn info(&self) -> HostInfo;
    fn counters(&self) -> Option<CpuCounters>;
}

/// The real machine, read through procfs.
pub struct ProcHost;

impl Host for ProcHost {
    fn info(&self) -> HostInfo {
        let cpu_model = procfs::CpuInfo::current()
            .ok()
            .and_then(|c| c.model_name(0).map(str::to_string));
        HostInfo {
            os: std::env::consts::OS.to_string(),
            arch: std::env::consts::ARCH.to_string(),
            cpu_model,
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            load_avg_1m: procfs::LoadAverage::current()
                .ok()
                .map(|l| f64::from(l.one)),
        }
    }

    fn counters(&self) -> Option<CpuCounters> {
        let at = Instant::now();
        let stat = procfs::KernelStats::current().ok()?;
        let tps = procfs::ticks_per_second() as f64;
        let t = &stat.total;
        let busy_ticks = t.user
            + t.nice
            + t.system
            + t.irq.unwrap_or(0)
            + t.softirq.unwrap_or(0)
            + t.steal.unwrap_or(0);
        Some(CpuCounters {
            at,
            busy_s: busy_ticks as f64 / tps,
            ours_s: rusage_s(libc::RUSAGE_SELF) + rusage_s(libc::RUSAGE_CHILDREN),
        })
    }
}

fn rusage_s(who: libc::c_int) -> f64 {
    // SAFETY: rusage is plain data written by the kernel.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut usage) } != 0 {
        return 0.0;
    }
    let s = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    s(usage.ru_utime) + s(usage.ru_stime)
}

/// Foreign CPU between two readings: machine busy time minus ours, per second of wall time.
pub fn noise(before: &CpuCounters, after: &CpuCounters) -> Noise {
    let elapsed_s = after.at.duration_since(before.at).as_secs_f64();
    let foreign = (after.busy_s - before.busy_s) - (after.ours_s - before.ours_s);
    Noise {
        elapsed_s,
        foreign_cpus: if elapsed_s > 0.0 {
            (foreign / elapsed_s).max(0.0)
        } else {
            0.0
        },
    }
}

/// A warning when others kept more than a third of a CPU busy on average, or load was high.
pub fn busy_warning(info: &HostInfo, noise: Option<&Noise>) -> Option<String> {
    let foreign = noise.map_or(0.0, |n| n.foreign_cpus);
    let load = info.load_avg_1m.unwrap_or(0.0);
    if foreign > 0.33 {
        Some(format!(
            "the machine was busy: other processes used {foreign:.2} CPUs on average while measuring; close them, or rely on interleaved pairs (`ab`, `branches`), which cancel drift but not all noise"
        ))
    } else if load > info.cpus as f64 {
        Some(format!(
            "load average was {load:.2} on {} CPUs before measuring; results may be noisy",
            info.cpus
        ))
    } else {
        None
    }
}

/// A host with fixed facts and scripted counter readings, for tests.
#[cfg(test)]
pub(crate) struct FakeHost {
    pub info: HostInfo,
    pub readings: std::cell::RefCell<std::collections::VecDeque<CpuCounters>>,
}

#[cfg(test)]
impl Host for FakeHost {
    fn info(&self) -> HostInfo {
        self.info.clone()
    }

    fn counters(&self) -> Option<CpuCounters> {
        self.readings.borrow_mut().pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn foreign_cpu_is_busy_time_minus_ours() {
        let t0 = Instant::now();
        let before = CpuCounters {
            at: t0,
            busy_s: 100.0,
            ours_s: 5.0,
        };
        let after = CpuCounters {
            at: t0 + Duration::from_secs(10),
            busy_s: 115.0,
            ours_s: 13.0,
        };
        let n = noise(&before, &after);
        assert!((n.foreign_cpus - 0.7).abs() < 1e-9);
        let quiet = CpuCounters {
            at: after.at,
            busy_s: 108.0,
            ours_s: 13.0,
        };
        assert_eq!(noise(&before, &quiet).foreign_cpus, 0.0);
    }

    #[test]
    fn warns_only_when_busy() {
        let info = HostInfo {
            os: "linux".into(),
            arch: "x86_64".into(),
            cpu_model: None,
            cpus: 2,
            load_avg_1m: Some(0.5),
        };
        assert!(
            busy_warning(
                &info,
                Some(&Noise {
                    elapsed_s: 1.0,
                    foreign_cpus: 0.1
                })
            )
            .is_none()
        );
        assert!(
            busy_warning(
                &info,
                Some(&Noise {
                    elapsed_s: 1.0,
                    foreign_cpus: 0.9
                })
            )
            .unwrap()
            .contains("busy")
        );
        let loaded = HostInfo {
            load_avg_1m: Some(3.0),
            ..info
        };
        assert!(
            busy_warning(&loaded, None)
                .unwrap()
                .contains("load average")
        );
    }

    #[test]
    fn real_host_reads_procfs() {
        let host = ProcHost;
        assert!(host.info().cpus >= 1);
        assert!(host.counters().is_some());
    }

    #[test]
    fn a_fake_host_gives_exact_foreign_cpu_and_the_busy_warning() {
        let start = Instant::now();
        let reading = |secs, busy_s, ours_s| CpuCounters {
            at: start + std::time::Duration::from_secs(secs),
            busy_s,
            ours_s,
        };
        let host = FakeHost {
            info: HostInfo {
                os: "linux".into(),
                arch: "x86_64".into(),
                cpu_model: None,
                cpus: 2,
                load_avg_1m: Some(0.5),
            },
            readings: vec![reading(0, 10.0, 1.0), reading(2, 14.0, 2.0)]
                .into_iter()
                .collect::<std::collections::VecDeque<_>>()
                .into(),
        };
        let (before, after) = (host.counters().unwrap(), host.counters().unwrap());
        assert!(host.counters().is_none());
        // 4 busy CPU-seconds, 1 of them ours, over 2 s: 1.5 foreign CPUs.
        let n = noise(&before, &after);
        assert_eq!((n.elapsed_s, n.foreign_cpus), (2.0, 1.5));
        let w = busy_warning(&host.info(), Some(&n)).unwrap();
        assert!(w.contains("other processes used 1.50 CPUs"), "{w}");
        let quiet = Noise {
            elapsed_s: 2.0,
            foreign_cpus: 0.1,
        };
        assert_eq!(busy_warning(&host.info(), Some(&quiet)), None);
    }
}
