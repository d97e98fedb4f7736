//! Pure parser of the report the child script writes: one JSON document on an unnamed file the
//! child inherits as a descriptor, so nothing the target controls (module names, its output,
//! files in its directory) can add, change or end a record. Anything but exactly that document is
//! refused.
use serde::Deserialize;

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
    /// Sorted names of `sys.modules` after the statement, exactly as Python spells them (tabs,
    /// newlines and control characters included); a name that is not valid Unicode (undecodable
    /// bytes, surrogate-escaped by Python) carries each such byte as the text `\udcXX`.
    pub modules: Vec<String>,
    /// Sorted names of `sys.modules` before the statement (what start-up loaded), spelled as
    /// [`ChildReport::modules`] is.
    pub startup_names: Vec<String>,
    /// Modules whose bytecode cache file did not exist after the import (only when asked).
    pub uncached: Vec<String>,
    /// The records of `coldstart lazy`'s experiment (`src/probe/lazy.py`), when it ran.
    pub lazy: Option<Vec<serde_json::Value>>,
}

/// The version of the document `child.py` writes.
const VERSION: u32 = 2;

/// The document as written, field for field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    coldstart_report: u32,
    import_ns: u64,
    import_cpu_ns: u64,
    startup_modules: u32,
    peak_rss_kib: Option<u64>,
    outcome: String,
    detail: String,
    modules: Vec<String>,
    startup: Vec<String>,
    uncached: Vec<String>,
    /// `coldstart lazy`'s records (`src/probe/lazy.py`); absent or null otherwise.
    #[serde(default)]
    lazy: Option<Vec<serde_json::Value>>,
}

/// The error of [`parse`] for an empty report: the child never got to write it.
pub const NO_REPORT: &str = "the child wrote no report";

/// Parses the child's report; an error says what is wrong.
pub fn parse(text: &str) -> Result<ChildReport, String> {
    if text.is_empty() {
        return Err(NO_REPORT.into());
    }
    let wire: Wire = serde_json::from_str(text).map_err(|e| format!("malformed report ({e})"))?;
    if wire.coldstart_report != VERSION {
        return Err(format!(
            "report version {} is not {VERSION}",
            wire.coldstart_report
        ));
    }
    let outcome = match (wire.outcome.as_str(), wire.detail) {
        ("ok", d) if d.is_empty() => StatementOutcome::Ok,
        ("syntax", d) => StatementOutcome::Syntax(d),
        ("raise", d) => StatementOutcome::Raised(d),
        ("exit", d) => StatementOutcome::Exited(d),
        (other, _) => return Err(format!("unknown outcome '{other}' in report")),
    };
    if wire.startup.len() != wire.startup_modules as usize {
        return Err(format!(
            "report lists {} start-up modules but counts {}",
            wire.startup.len(),
            wire.startup_modules
        ));
    }
    let (mut modules, mut startup_names, mut uncached) =
        (wire.modules, wire.startup, wire.uncached);
    modules.sort();
    startup_names.sort();
    uncached.sort();
    Ok(ChildReport {
        import_ns: wire.import_ns,
        import_cpu_ns: wire.import_cpu_ns,
        startup_modules: wire.startup_modules,
        peak_rss_kib: wire.peak_rss_kib,
        outcome,
        modules,
        startup_names,
        uncached,
        lazy: wire.lazy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"{"coldstart_report":2,"import_ns":1500000,"import_cpu_ns":1400000,"startup_modules":2,"peak_rss_kib":9000,"outcome":"ok","detail":"","modules":["json","sys"],"startup":["sys","builtins"],"uncached":["z","a"]}
"#;

    #[test]
    fn parses_a_complete_report() {
        let r = parse(OK).unwrap();
        assert_eq!(r.import_ns, 1_500_000);
        assert_eq!(r.import_cpu_ns, 1_400_000);
        assert_eq!(r.startup_modules, 2);
        assert_eq!(r.startup_names, vec!["builtins", "sys"]);
        assert_eq!(r.peak_rss_kib, Some(9000));
        assert_eq!(r.outcome, StatementOutcome::Ok);
        assert_eq!(r.modules, vec!["json", "sys"]);
        assert_eq!(r.uncached, vec!["a", "z"]);
    }

    #[test]
    fn parses_failures() {
        let with = |kind: &str, detail: &str| {
            OK.replace(
                r#""outcome":"ok","detail":"""#,
                &format!(r#""outcome":"{kind}","detail":"{detail}""#),
            )
        };
        assert_eq!(
            parse(&with("raise", "ValueError: boom")).unwrap().outcome,
            StatementOutcome::Raised("ValueError: boom".into())
        );
        assert_eq!(
            parse(&with("exit", "3")).unwrap().outcome,
            StatementOutcome::Exited("3".into())
        );
        assert_eq!(
            parse(&with("syntax", "SyntaxError: bad")).unwrap().outcome,
            StatementOutcome::Syntax("SyntaxError: bad".into())
        );
        assert!(parse(&with("ok", "but")).is_err());
        assert!(parse(&with("crash", "")).unwrap_err().contains("crash"));
    }

    #[test]
    fn names_with_control_characters_are_values_not_records() {
        let text = OK.replace(
            r#"["json","sys"]"#,
            r#"["zzz\nimport_ns\t1","\u001b]0;x\u0007","\\udcff"]"#,
        );
        let r = parse(&text).unwrap();
        assert_eq!(r.import_ns, 1_500_000);
        assert_eq!(
            r.modules,
            vec!["\u{1b}]0;x\u{7}", "\\udcff", "zzz\nimport_ns\t1"]
        );
        let text = OK.replace(r#"["sys","builtins"]"#, r#"["a\tb\nc","\\udcff"]"#);
        assert_eq!(
            parse(&text).unwrap().startup_names,
            vec!["\\udcff", "a\tb\nc"]
        );
    }

    #[test]
    fn rejects_anything_but_exactly_one_report() {
        assert_eq!(parse("").unwrap_err(), NO_REPORT);
        assert!(parse("hello\n").is_err());
        assert!(parse(&OK[..OK.len() - 4]).is_err(), "truncated");
        assert!(parse(&format!("{OK}{OK}")).is_err(), "two documents");
        assert!(
            parse(&format!("{OK}import_ns\t1\n")).is_err(),
            "trailing lines"
        );
        let missing = OK.replace(r#""import_ns":1500000,"#, "");
        assert!(parse(&missing).unwrap_err().contains("import_ns"));
        let no_startup = OK.replace(r#""startup":["sys","builtins"],"#, "");
        assert!(parse(&no_startup).unwrap_err().contains("startup"));
        let miscounted = OK.replace(r#""startup_modules":2"#, r#""startup_modules":3"#);
        assert!(parse(&miscounted).unwrap_err().contains("start-up"));
        let extra = OK.replace(r#""import_ns":1500000,"#, r#""import_ns":1500000,"x":1,"#);
        assert!(parse(&extra).is_err(), "unknown field");
        let twice = OK.replace(
            r#""import_ns":1500000,"#,
            r#""import_ns":1500000,"import_ns":1,"#,
        );
        assert!(parse(&twice).is_err(), "duplicate field");
        assert!(
            parse(&OK.replace("1500000", "-1")).is_err(),
            "negative time"
        );
        assert!(
            parse(&OK.replace("1500000", "1.5e6")).is_err(),
            "fractional time"
        );
        assert!(parse(&OK.replace(r#""coldstart_report":2"#, r#""coldstart_report":1"#)).is_err());
    }

    #[test]
    fn lazy_import_records_are_json() {
        let with = OK.replace(
            r#""uncached":["z","a"]}"#,
            r#""uncached":["z","a"],"lazy":[{"kind":"setup"}]}"#,
        );
        let r = parse(&with).unwrap();
        assert_eq!(r.lazy.unwrap()[0]["kind"], "setup");
        assert_eq!(parse(OK).unwrap().lazy, None);
        let null = OK.replace(
            r#""uncached":["z","a"]}"#,
            r#""uncached":["z","a"],"lazy":null}"#,
        );
        assert_eq!(parse(&null).unwrap().lazy, None);
        let bad = OK.replace(
            r#""uncached":["z","a"]}"#,
            r#""uncached":["z","a"],"lazy":{"#,
        );
        assert!(parse(&bad).is_err());
    }

    #[test]
    fn missing_peak_memory_is_none() {
        let r = parse(&OK.replace("9000", "null")).unwrap();
        assert_eq!(r.peak_rss_kib, None);
    }
}
