//! Counting the statement's instructions with valgrind's callgrind (`--metric instructions`).
//!
//! Mechanism (chosen by the measurements of `scripts/bench/counting.py`, see
//! docs/instructions.md): the child (`child.py`, marker argument `1`) calls the libc functions
//! `sched_get_priority_max` just before the statement and `sched_get_priority_min` just after it;
//! nothing else in an import calls them. callgrind runs with `--dump-before` on both, so it writes
//! one dump file per part of the run, each naming the function that ended it (`desc: Trigger:`):
//! start-up up to the first marker, the statement up to the second, the rest up to the exit. The
//! statement's count is the sum of the parts after the start marker up to the end marker (a
//! statement that itself calls a marker function only splits its part in two).
//!
//! Rejected: `--toggle-collect` around a wrapper function (`sys.call_tracing` enters
//! `_PyEval_CallTracing`) needs the interpreter's local symbols, which stripped distribution
//! builds lack, and the natural wrapper, `builtin_exec`, is re-entered by every module body
//! (measured: twice the count); subtracting an empty-statement child costs two children and
//! counts the tear-down of what the statement loaded (+1.9 % and +10.8 % on two imports).
//!
//! No crate reads callgrind's output format; this reads only the header lines it needs.
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The libc functions the child calls around the statement, under each name glibc exports them
/// (valgrind reports one name per address; the other option never fires).
const START_MARKERS: [&str; 2] = ["sched_get_priority_max", "__sched_get_priority_max"];
const END_MARKERS: [&str; 2] = ["sched_get_priority_min", "__sched_get_priority_min"];

/// The counter, as stored in result files.
pub const COUNTER: &str = "callgrind";

/// Why a count could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CountError {
    #[error("callgrind wrote no dump files (did valgrind run?)")]
    NoDumps,
    #[error("callgrind dump {file} is not in callgrind's format: {reason}")]
    Malformed { file: String, reason: String },
    #[error(
        "callgrind saw the start marker {starts} time(s) and the end marker {ends} time(s); \
         expected once each (the interpreter's start-up or exit calls sched_get_priority_max/min?)"
    )]
    Markers { starts: usize, ends: usize },
}

/// One dump file's header: its part number, what triggered it, and its instruction total.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub part: u32,
    pub trigger: String,
    pub instructions: u64,
}

/// The message when valgrind is missing; the fix is in it.
pub const MISSING_VALGRIND: &str =
    "`--metric instructions` needs valgrind (e.g. `apt-get install valgrind`)";

/// The arguments that go before the interpreter's command line: valgrind, quiet, callgrind with
/// a dump before each marker, dumps to `out_file` (callgrind appends `.1`, `.2`, ...).
pub fn wrapper_args(out_file: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["-q".into(), "--tool=callgrind".into()];
    for name in START_MARKERS.iter().chain(&END_MARKERS) {
        args.push(format!("--dump-before={name}").into());
    }
    let mut out = OsString::from("--callgrind-out-file=");
    out.push(out_file);
    args.push(out);
    args
}

/// Parses the header of one dump file (everything up to `summary:` suffices).
pub fn parse_part(file: &str, text: &str) -> Result<Part, CountError> {
    let malformed = |reason: &str| CountError::Malformed {
        file: file.to_string(),
        reason: reason.to_string(),
    };
    if !text.starts_with("# callgrind format") {
        return Err(malformed("no '# callgrind format' header"));
    }
    let (mut part, mut trigger, mut total) = (None, None, None);
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("part:") {
            part = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("desc: Trigger:") {
            trigger = Some(v.trim().to_string());
        } else if let Some(v) = line
            .strip_prefix("summary:")
            .or(line.strip_prefix("totals:"))
        {
            // The first event is Ir (instructions read), the only one collected here.
            total = v.split_whitespace().next().and_then(|n| n.parse().ok());
            break;
        }
    }
    Ok(Part {
        part: part.unwrap_or(1),
        trigger: trigger.ok_or_else(|| malformed("no 'desc: Trigger:' line"))?,
        instructions: total.ok_or_else(|| malformed("no 'summary:' line"))?,
    })
}

fn triggered_by(part: &Part, names: &[&str]) -> bool {
    names
        .iter()
        .any(|n| part.trigger == format!("--dump-before={n}"))
}

/// The statement's instructions from all parts of one run (any order).
pub fn statement_count(parts: &mut [Part]) -> Result<u64, CountError> {
    if parts.is_empty() {
        return Err(CountError::NoDumps);
    }
    parts.sort_by_key(|p| p.part);
    let starts: Vec<usize> = (0..parts.len())
        .filter(|&i| triggered_by(&parts[i], &START_MARKERS))
        .collect();
    let ends: Vec<usize> = (0..parts.len())
        .filter(|&i| triggered_by(&parts[i], &END_MARKERS))
        .collect();
    // The part *ending* at the start marker is start-up; the statement runs from the part after
    // it to the part ending at the end marker. A statement calling a marker function itself adds
    // parts in between, and changes nothing: the first start and the last end delimit it.
    let (Some(&first_start), Some(&last_end)) = (starts.first(), ends.last()) else {
        return Err(CountError::Markers {
            starts: starts.len(),
            ends: ends.len(),
        });
    };
    if last_end <= first_start {
        return Err(CountError::Markers {
            starts: starts.len(),
            ends: ends.len(),
        });
    }
    Ok(parts[first_start + 1..=last_end]
        .iter()
        .map(|p| p.instructions)
        .sum())
}

/// Reads and removes the dump files `out_file`, `out_file.1`, ... and returns the statement's
/// count.
pub fn read_count(out_file: &Path) -> Result<u64, CountError> {
    let dir = out_file.parent().unwrap_or(Path::new("."));
    let stem = out_file
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut parts = Vec::new();
    let mut first_error = None;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dump = name == stem
            || name
                .strip_prefix(&format!("{stem}."))
                .is_some_and(|n| n.parse::<u32>().is_ok());
        if !is_dump {
            continue;
        }
        let text = read_header(&entry.path());
        let _ = std::fs::remove_file(entry.path());
        match parse_part(&name, &text) {
            Ok(p) => parts.push(p),
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    statement_count(&mut parts)
}

/// The first 64 KiB of a file (a header is a few hundred bytes; a dump can be megabytes).
fn read_header(path: &Path) -> String {
    use std::io::Read;
    let mut buf = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(64 * 1024).read_to_end(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The first `valgrind` on `path` (a `PATH`-style list); `None` when there is none.
pub fn find_valgrind(path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path?)
        .map(|dir| dir.join("valgrind"))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Parses `valgrind --version` (`valgrind-3.19.0`).
pub fn parse_version(stdout: &str) -> Option<String> {
    let v = stdout.trim();
    (v.starts_with("valgrind-") && !v.contains('\n')).then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(part: u32, trigger: &str, total: u64) -> String {
        format!(
            "# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\npid: 7\ncmd:  python3 -c x\npart: {part}\n\n\ndesc: I1 cache: \ndesc: Timerange: Basic block 0 - 9\ndesc: Trigger: {trigger}\n\npositions: line\nevents: Ir\nsummary: {total}\n\n\nob=(2) ???\n"
        )
    }

    fn part(n: u32, trigger: &str, total: u64) -> Part {
        parse_part("cg", &header(n, trigger, total)).expect("valid header")
    }

    const START: &str = "--dump-before=sched_get_priority_max";
    const END: &str = "--dump-before=sched_get_priority_min";
    const EXIT: &str = "Program termination";

    #[test]
    fn parses_a_header() {
        assert_eq!(
            part(2, END, 117_840_993),
            Part {
                part: 2,
                trigger: END.into(),
                instructions: 117_840_993
            }
        );
        let err = parse_part("cg.1", "hello").expect_err("not callgrind");
        assert_eq!(
            err.to_string(),
            "callgrind dump cg.1 is not in callgrind's format: no '# callgrind format' header"
        );
        let truncated = "# callgrind format\npart: 1\ndesc: Trigger: x\n";
        assert!(matches!(
            parse_part("cg", truncated),
            Err(CountError::Malformed { .. })
        ));
    }

    #[test]
    fn the_statement_is_the_part_between_the_markers() {
        let mut parts = vec![
            part(3, EXIT, 18_000_000),
            part(1, START, 127_000_000),
            part(2, END, 117_840_993),
        ];
        assert_eq!(statement_count(&mut parts), Ok(117_840_993));
    }

    #[test]
    fn a_statement_calling_a_marker_itself_only_splits_its_part() {
        let mut parts = vec![
            part(1, START, 100),
            part(2, START, 10),
            part(3, END, 20),
            part(4, END, 30),
            part(5, EXIT, 1000),
        ];
        assert_eq!(statement_count(&mut parts), Ok(60));
        // glibc's other name for the same function.
        let mut parts = vec![
            part(1, "--dump-before=__sched_get_priority_max", 100),
            part(2, "--dump-before=__sched_get_priority_min", 7),
            part(3, EXIT, 1000),
        ];
        assert_eq!(statement_count(&mut parts), Ok(7));
    }

    #[test]
    fn missing_markers_are_an_error() {
        assert_eq!(statement_count(&mut []), Err(CountError::NoDumps));
        let mut only_exit = vec![part(1, EXIT, 5)];
        assert_eq!(
            statement_count(&mut only_exit),
            Err(CountError::Markers { starts: 0, ends: 0 })
        );
        // An end marker before any start: the start-up called it.
        let mut backwards = vec![part(1, END, 5), part(2, START, 5), part(3, EXIT, 5)];
        assert_eq!(
            statement_count(&mut backwards),
            Err(CountError::Markers { starts: 1, ends: 1 })
        );
    }

    #[test]
    fn reads_and_removes_the_dump_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("cg");
        std::fs::write(&out, header(3, EXIT, 9)).expect("write");
        std::fs::write(dir.path().join("cg.1"), header(1, START, 100)).expect("write");
        std::fs::write(dir.path().join("cg.2"), header(2, END, 42)).expect("write");
        std::fs::write(dir.path().join("cg.txt"), "unrelated").expect("write");
        std::fs::write(dir.path().join("result"), "unrelated").expect("write");
        assert_eq!(read_count(&out), Ok(42));
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["cg.txt", "result"]);
        assert_eq!(read_count(&out), Err(CountError::NoDumps));
    }

    #[test]
    fn wrapper_arguments_name_both_glibc_spellings_and_the_output() {
        let args = wrapper_args(Path::new("/tmp/x/cg"));
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "-q",
                "--tool=callgrind",
                "--dump-before=sched_get_priority_max",
                "--dump-before=__sched_get_priority_max",
                "--dump-before=sched_get_priority_min",
                "--dump-before=__sched_get_priority_min",
                "--callgrind-out-file=/tmp/x/cg",
            ]
        );
    }

    #[test]
    fn valgrind_is_found_on_a_path_list() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = tempfile::tempdir().expect("tempdir");
        let exe = dir.path().join("valgrind");
        std::fs::write(&exe, "#!/bin/sh\n").expect("write");
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let list = std::env::join_paths([empty.path(), dir.path()]).expect("join");
        assert_eq!(find_valgrind(Some(&list)), Some(exe));
        let none = std::env::join_paths([empty.path()]).expect("join");
        assert_eq!(find_valgrind(Some(&none)), None);
        assert_eq!(find_valgrind(None), None);
        assert_eq!(
            parse_version("valgrind-3.19.0\n"),
            Some("valgrind-3.19.0".into())
        );
        assert_eq!(parse_version("bash: valgrind: not found"), None);
    }
}
