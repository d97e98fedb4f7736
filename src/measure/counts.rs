//! Counting instructions (`--metric instructions`): both sides' statement under callgrind
//! (probe/callgrind.rs), the two sides at once in alternating order, a few samples per side while
//! the counts agree and more while they do not (the count gate's `wants_more`).
use crate::error::{Error, Result};
use crate::measure::single::effective_warmup;
use crate::model::{Measure, Target};
use crate::probe::{Probe, PythonProbe, Request, callgrind};
use crate::stats::instructions::{self, CountParams, DEFAULT_MAX_SAMPLES, DEFAULT_SAMPLES};
use crate::verdict::instructions::SideCounts;
use std::path::{Path, PathBuf};

/// Samples added per side while counts disagree.
const EXTEND_BY: usize = 2;

/// The valgrind to count with, and its version; exit 2 with the install hint when there is none.
pub fn valgrind() -> Result<(PathBuf, String)> {
    let missing = || Error::Usage(callgrind::MISSING_VALGRIND.to_string());
    let path = callgrind::find_valgrind(std::env::var_os("PATH").as_deref()).ok_or_else(missing)?;
    let out = std::process::Command::new(&path)
        .arg("--version")
        .output()
        .map_err(|_| missing())?;
    let version =
        callgrind::parse_version(&String::from_utf8_lossy(&out.stdout)).ok_or_else(missing)?;
    Ok((path, version))
}

/// Warms the bytecode natively, then counts both sides at once, in alternating order (AB, BA,
/// ...), until the gate needs no more samples.
pub fn count_target(
    m: &Measure,
    probes: (&mut PythonProbe, &mut PythonProbe),
    valgrind: &Path,
    t: &Target,
    params: &CountParams,
    warmup: usize,
) -> Result<(SideCounts, SideCounts)> {
    let request = Request {
        target: &t.name,
        statement: &t.statement,
        check_bytecode: false,
    };
    let (a, b) = probes;
    for _ in 0..effective_warmup(m.pyc, warmup) {
        a.sample(&request)?;
        b.sample(&request)?;
    }
    let (mut sa, mut sb) = (SideCounts::default(), SideCounts::default());
    let mut round = |i: usize, sa: &mut SideCounts, sb: &mut SideCounts| -> Result<()> {
        if crate::sys::interrupt::requested() {
            return Err(Error::Interrupted);
        }
        let one = |p: &mut PythonProbe, s: &mut SideCounts| -> Result<()> {
            let (count, report) = p.count(valgrind, &request)?;
            s.counts.push(count);
            s.module_sets.push(report.modules);
            Ok(())
        };
        // A count does not depend on what else the machine runs (docs/instructions.md), so the
        // two sides' children run at once: half the wall time on two cores. The order still
        // alternates (AB, BA, ...) for whoever reads the children's start times.
        let ((first, first_side), (second, second_side)) = if i.is_multiple_of(2) {
            ((&mut *a, &mut *sa), (&mut *b, &mut *sb))
        } else {
            ((&mut *b, &mut *sb), (&mut *a, &mut *sa))
        };
        std::thread::scope(|scope| {
            let other = scope.spawn(|| one(second, second_side));
            let mine = one(first, first_side);
            let other = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            mine.and(other)
        })
    };
    let mut done = 0;
    while done < DEFAULT_SAMPLES {
        round(done, &mut sa, &mut sb)?;
        done += 1;
    }
    loop {
        let gate = instructions::count_gate(&sa.counts, &sb.counts, params)
            .map_err(|e| Error::Usage(e.to_string()))?;
        if !gate.wants_more(DEFAULT_MAX_SAMPLES) {
            return Ok((sa, sb));
        }
        for _ in 0..EXTEND_BY.min(DEFAULT_MAX_SAMPLES - done) {
            round(done, &mut sa, &mut sb)?;
            done += 1;
        }
    }
}

/// One interpreter's counts of `t` and the module sets of its children (`run`, `history` and
/// `bisect` under `--metric instructions`), after `warmup` native samples (0 when the bytecode is
/// already warm): [`DEFAULT_SAMPLES`] children, then [`EXTEND_BY`] more at a time up to
/// [`DEFAULT_MAX_SAMPLES`] while they spread by more than `tolerance` (a fraction).
pub fn count_side(
    probe: &mut PythonProbe,
    valgrind: &Path,
    t: &Target,
    tolerance: f64,
    warmup: usize,
) -> Result<SideCounts> {
    let request = Request {
        target: &t.name,
        statement: &t.statement,
        check_bytecode: false,
    };
    for _ in 0..warmup {
        probe.sample(&request)?;
    }
    let mut side = SideCounts::default();
    loop {
        let counts = &side.counts;
        let spread = instructions::CountSummary::new(counts).map(|s| s.spread);
        let enough = match spread {
            None => false,
            Some(spread) => {
                counts.len() >= DEFAULT_MAX_SAMPLES
                    || (counts.len() >= DEFAULT_SAMPLES && spread <= tolerance)
            }
        };
        if enough {
            return Ok(side);
        }
        let batch = if counts.len() < DEFAULT_SAMPLES {
            DEFAULT_SAMPLES
        } else {
            EXTEND_BY.min(DEFAULT_MAX_SAMPLES - counts.len())
        };
        for _ in 0..batch {
            if crate::sys::interrupt::requested() {
                return Err(Error::Interrupted);
            }
            let (count, report) = probe.count(valgrind, &request)?;
            side.counts.push(count);
            side.module_sets.push(report.modules);
        }
    }
}
