//! Pure parser of the result file the child script writes (a line protocol target output cannot reach).

/// How the timed statement ended inside the child.
#[derive(Debug, Clone, PartialEq)]
pub enum StatementOutcome {
    Ok,
    /// `compile()` rejected the statement.
    Syntax(String),
    /// The statement raised; `Type: message`.
    Raised(String),
    /// The statement called `sys.exit(code)`.
    Exited(String),
}

/// One child's own account of the import.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildReport {
    pub import_ns: u64,
    pub import_cpu_ns: u64,
    pub startup_modules: u32,
    pub peak_rss_kib: Option<u64>,
    pub outcome: StatementOutcome,
    /// Sorted names of `sys.modules` after the statement.
    pub modules: Vec<String>,
    /// Sorted names of `sys.modules` before the statement (what start-up loaded).
    pub startup_names: Vec<String>,
    /// Modules whose bytecode cache file did not exist after the import (only when asked).
    pub uncached: Vec<String>,
    /// The records of `coldstart lazy`'s experiment (`src/probe/lazy.py`), when it ran.
    pub lazy: Option<Vec<serde_json::Value>>,
}

/// Parses the child's result file; an error names what is missing (a truncated file has no `end`).
pub fn parse(text: &str) -> Result<ChildReport, String> {
    let mut lines = text.lines();
    if lines.next() != Some("coldstart-result\t1") {
        return Err("result file has no coldstart header".into());
    }
    let mut import_ns = None;
    let mut import_cpu_ns = None;
    let mut startup_modules = None;
    let mut peak_rss_kib = None;
    let mut outcome = None;
    let mut modules = Vec::new();
    let mut startup_names = Vec::new();
    let mut uncached = Vec::new();
    let mut lazy = None;
    let mut ended = false;
    for line in lines {
        if line == "end" {
            ended = true;
            break;
        }
        let (key, value) = line.split_once('\t').unwrap_or((line, ""));
        match key {
            "import_ns" => import_ns = value.parse().ok(),
            "import_cpu_ns" => import_cpu_ns = value.parse().ok(),
            "startup_modules" => startup_modules = value.parse().ok(),
            "peak_rss_kib" => peak_rss_kib = value.parse().ok(),
            "error" => outcome = Some(parse_outcome(value)),
            "module" => modules.push(value.to_string()),
            "startup" => startup_names.push(value.to_string()),
            "uncached" => uncached.push(value.to_string()),
            "lazy" if lazy.is_none() => {
                lazy = Some(
                    serde_json::from_str(value)
                        .map_err(|e| format!("malformed lazy-import records ({e})"))?,
                )
            }
            _ => return Err(format!("unexpected line '{line}' in result file")),
        }
    }
    if !ended {
        return Err("result file is truncated".into());
    }
    uncached.sort();
    Ok(ChildReport {
        import_ns: import_ns.ok_or("result file lacks import_ns")?,
        import_cpu_ns: import_cpu_ns.ok_or("result file lacks import_cpu_ns")?,
        startup_modules: startup_modules.ok_or("result file lacks startup_modules")?,
        peak_rss_kib,
        outcome: outcome.ok_or("result file lacks error")?,
        modules,
        startup_names,
        uncached,
        lazy,
    })
}

fn parse_outcome(value: &str) -> StatementOutcome {
    match value.split_once('\t') {
        None => StatementOutcome::Ok,
        Some(("syntax", d)) => StatementOutcome::Syntax(d.to_string()),
        Some(("exit", d)) => StatementOutcome::Exited(d.to_string()),
        Some((_, d)) => StatementOutcome::Raised(d.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = "coldstart-result\t1\nimport_ns\t1500000\nimport_cpu_ns\t1400000\nstartup_modules\t30\npeak_rss_kib\t9000\nerror\t\nmodule\tjson\nmodule\tsys\nuncached\tz\nuncached\ta\nend\n";

    #[test]
    fn parses_a_complete_report() {
        let r = parse(OK).unwrap();
        assert_eq!(r.import_ns, 1_500_000);
        assert_eq!(r.import_cpu_ns, 1_400_000);
        assert_eq!(r.startup_modules, 30);
        assert_eq!(r.peak_rss_kib, Some(9000));
        assert_eq!(r.outcome, StatementOutcome::Ok);
        assert_eq!(r.modules, vec!["json", "sys"]);
        assert_eq!(r.uncached, vec!["a", "z"]);
    }

    #[test]
    fn parses_failures() {
        let raised = OK.replace("error\t\n", "error\traise\tValueError: boom\n");
        assert_eq!(
            parse(&raised).unwrap().outcome,
            StatementOutcome::Raised("ValueError: boom".into())
        );
        let exited = OK.replace("error\t\n", "error\texit\t3\n");
        assert_eq!(
            parse(&exited).unwrap().outcome,
            StatementOutcome::Exited("3".into())
        );
        let syntax = OK.replace("error\t\n", "error\tsyntax\tSyntaxError: bad\n");
        assert_eq!(
            parse(&syntax).unwrap().outcome,
            StatementOutcome::Syntax("SyntaxError: bad".into())
        );
    }

    #[test]
    fn rejects_truncated_or_foreign_files() {
        assert!(parse("").is_err());
        assert!(parse("hello\n").is_err());
        let cut = &OK[..OK.len() - 4];
        assert_eq!(parse(cut).unwrap_err(), "result file is truncated");
        let missing = OK.replace("import_ns\t1500000\n", "");
        assert!(parse(&missing).unwrap_err().contains("import_ns"));
    }

    #[test]
    fn lazy_import_records_are_json() {
        let with = OK.replace("end\n", "lazy\t[{\"kind\": \"setup\"}]\nend\n");
        let r = parse(&with).unwrap();
        assert_eq!(r.lazy.unwrap()[0]["kind"], "setup");
        assert_eq!(parse(OK).unwrap().lazy, None);
        let bad = OK.replace("end\n", "lazy\t[{\nend\n");
        assert!(parse(&bad).unwrap_err().contains("lazy-import"));
    }

    #[test]
    fn missing_peak_memory_is_none() {
        let r = parse(&OK.replace("peak_rss_kib\t9000", "peak_rss_kib\t")).unwrap();
        assert_eq!(r.peak_rss_kib, None);
    }
}
