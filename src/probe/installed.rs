//! The installed distributions (name, version) an interpreter's target sees, read once per side by
//! `installed.py` through `importlib.metadata`, so a comparison can say which versions changed.
use super::{PythonProbe, REPORT_FD, inherit_as, read_report};
use crate::error::{Error, Result};
use crate::sys::process;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The script that lists them; its report arrives on an inherited descriptor, as the samples' do.
const INSTALLED_SCRIPT: &str = concat!(include_str!("quote.py"), include_str!("installed.py"));

/// The most distributions read: past it, none are recorded (a partial list would show changes
/// that are not there). A large environment has a few hundred.
pub const MAX_DISTRIBUTIONS: usize = 5000;

/// The longest the listing may take; past it, none are recorded and the run goes on.
const LISTING_TIMEOUT: Duration = Duration::from_secs(30);

/// One installed distribution, named as its metadata spells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    pub name: String,
    pub version: String,
}

/// What the listing found: the distributions, sorted by [`normalize`]d name (the first of each
/// name on the search path, the one `import` finds), or `None` with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Installed {
    pub distributions: Option<Vec<Distribution>>,
    /// Why they were not recorded, or a note about unreadable metadata; for the result's warnings.
    pub warning: Option<String>,
}

/// A distribution name normalised as PEP 503 does (`Foo.Bar_baz` → `foo-bar-baz`): runs of `-`,
/// `_` and `.` become one `-`, and letters are lower-cased. Hand-written: a dozen lines no crate
/// in use provides.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// The document `installed.py` writes, field for field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    coldstart_installed: u32,
    complete: bool,
    unreadable: usize,
    distributions: Vec<(String, String)>,
}

/// Parses the listing's report (strictly: anything but that one document is refused).
fn parse(text: &str) -> std::result::Result<Installed, String> {
    let wire: Wire = serde_json::from_str(text).map_err(|e| format!("malformed report ({e})"))?;
    if wire.coldstart_installed != 1 {
        return Err(format!(
            "report version {} is not 1",
            wire.coldstart_installed
        ));
    }
    if !wire.complete {
        return Ok(Installed {
            distributions: None,
            warning: Some(format!(
                "more than {MAX_DISTRIBUTIONS} installed distributions: their versions were not recorded"
            )),
        });
    }
    let mut seen = std::collections::BTreeMap::new();
    for (name, version) in wire.distributions {
        seen.entry(normalize(&name))
            .or_insert(Distribution { name, version });
    }
    Ok(Installed {
        distributions: Some(seen.into_values().collect()),
        warning: match wire.unreadable {
            0 => None,
            1 => Some("1 installed distribution is not listed: its metadata has no readable name and version".into()),
            n => Some(format!("{n} installed distributions are not listed: their metadata has no readable name and version")),
        },
    })
}

impl PythonProbe {
    /// The distributions installed for this interpreter, read on the first call and kept (once
    /// per side). Never fails the run: a listing that fails or takes too long records none and
    /// says why; only an interrupt is an error.
    pub fn installed(&mut self) -> Result<Installed> {
        if let Some(found) = &self.installed {
            return Ok(found.clone());
        }
        let found = self.list_installed()?;
        self.installed = Some(found.clone());
        Ok(found)
    }

    fn list_installed(&mut self) -> Result<Installed> {
        let not_recorded = |why: String| Installed {
            distributions: None,
            warning: Some(format!(
                "the installed distributions were not recorded: {why}"
            )),
        };
        let mut report = tempfile::tempfile_in(self.dir.path())
            .map_err(|e| Error::io("cannot create the report file", e))?;
        let (fd, cap) = (REPORT_FD.to_string(), MAX_DISTRIBUTIONS.to_string());
        let exe = self.interpreter.executable.clone();
        let mut cmd = self.command(&exe, &["-c", INSTALLED_SCRIPT, &fd, &cap])?;
        // Reading metadata must not write bytecode next to the sources the samples will import.
        cmd.env("PYTHONDONTWRITEBYTECODE", "1");
        inherit_as(&mut cmd, &report, REPORT_FD);
        let finished = match process::run(&mut cmd, LISTING_TIMEOUT) {
            Ok(f) => f,
            Err(e) => return Ok(not_recorded(format!("cannot run the interpreter ({e})"))),
        };
        match finished.ending {
            process::Ending::Interrupted => return Err(Error::Interrupted),
            process::Ending::TimedOut => {
                return Ok(not_recorded(format!(
                    "importlib.metadata took more than {} s",
                    LISTING_TIMEOUT.as_secs()
                )));
            }
            process::Ending::Exited(s) if !s.success() => {
                return Ok(not_recorded(format!(
                    "importlib.metadata failed ({})",
                    self.stderr_tail()
                )));
            }
            process::Ending::Exited(_) => {}
        }
        let parsed = read_report(&mut report)
            .map_err(|e| e.to_string())
            .and_then(|text| parse(&text));
        Ok(parsed
            .unwrap_or_else(|problem| not_recorded(format!("its report was refused ({problem})"))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_as_pep_503_does() {
        assert_eq!(normalize("Markdown-It_Py"), "markdown-it-py");
        assert_eq!(normalize("zope.interface"), "zope-interface");
        assert_eq!(normalize("a__-.b"), "a-b");
        assert_eq!(normalize("Rich"), "rich");
    }

    #[test]
    fn parses_the_listing_first_of_each_name_wins() {
        let text = r#"{"coldstart_installed":1,"complete":true,"unreadable":0,"distributions":[["rich","15.0.0"],["Markdown_It.py","3.0.0"],["Rich","12.0.0"]]}"#;
        let found = parse(text).unwrap();
        let d = found.distributions.unwrap();
        assert_eq!(
            d,
            vec![
                Distribution {
                    name: "Markdown_It.py".into(),
                    version: "3.0.0".into()
                },
                Distribution {
                    name: "rich".into(),
                    version: "15.0.0".into()
                }
            ]
        );
        assert_eq!(found.warning, None);
    }

    #[test]
    fn an_incomplete_or_odd_listing_records_nothing_or_says_so() {
        let over =
            r#"{"coldstart_installed":1,"complete":false,"unreadable":0,"distributions":[]}"#;
        let found = parse(over).unwrap();
        assert_eq!(found.distributions, None);
        assert!(found.warning.unwrap().contains("more than 5000"));
        let odd = r#"{"coldstart_installed":1,"complete":true,"unreadable":2,"distributions":[]}"#;
        assert!(
            parse(odd)
                .unwrap()
                .warning
                .unwrap()
                .starts_with("2 installed")
        );
        assert!(parse("").is_err());
        assert!(parse(&format!("{over}{over}")).is_err());
        assert!(parse(&over.replace("\"complete\"", "\"x\":1,\"complete\"")).is_err());
        assert!(parse(&over.replace(":1,", ":2,")).is_err());
    }
}
