//! Where a candidate is imported eagerly: every import statement of the survey that imports it,
//! what each one does to a lazy module, and the change that makes it lazy.
use serde::{Deserialize, Serialize};

use super::records::{ImportStmt, Place};

/// What an import statement does with the candidate `m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteKind {
    /// `import m` (or `import m as x`): binds the module, lazy until first use.
    Import,
    /// `from m import name`: reads `name` at once, which runs m under LazyLoader.
    FromImport,
    /// `import m.sub` / `from m.sub import x`: needs m's `__path__`, so m runs at once.
    Submodule,
    /// `from parent import m`: binds the submodule without running it.
    FromParent,
}

/// One import statement that imports the candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    #[serde(flatten)]
    pub place: Place,
    pub kind: SiteKind,
    /// The source line (trimmed), when the file could be read.
    pub statement: Option<String>,
    /// The change that makes this import lazy.
    pub change: String,
}

fn kind_of(stmt: &ImportStmt, candidate: &str) -> Option<SiteKind> {
    let from = stmt.names.as_ref().is_some_and(|n| !n.is_empty());
    if stmt.module == candidate {
        return Some(if from {
            SiteKind::FromImport
        } else {
            SiteKind::Import
        });
    }
    if stmt
        .module
        .strip_prefix(candidate)
        .is_some_and(|rest| rest.starts_with('.'))
    {
        return Some(SiteKind::Submodule);
    }
    let child = candidate
        .strip_prefix(stmt.module.as_str())?
        .strip_prefix('.')?;
    let names = stmt.names.as_ref()?;
    names
        .iter()
        .any(|n| n == child)
        .then_some(SiteKind::FromParent)
}

/// The change to suggest for a statement of this kind in `module`.
pub fn change(kind: SiteKind, candidate: &str, module: &str) -> String {
    match kind {
        SiteKind::Import => format!(
            "move `import {candidate}` into the functions that use it; on Python 3.15+ \
             `lazy import {candidate}`, or add \"{candidate}\" to `__lazy_modules__` in {module}"
        ),
        SiteKind::FromImport => format!(
            "`from {candidate} import ...` runs {candidate} at once: import it inside the \
             functions that use the names; on Python 3.15+ `lazy from {candidate} import ...`"
        ),
        SiteKind::Submodule => format!(
            "importing a submodule runs {candidate} first: move this import into the functions \
             that use it (Python 3.15+: `lazy import`)"
        ),
        SiteKind::FromParent => {
            "binds the module without running it: no change needed here".to_owned()
        }
    }
}

/// The import statements of `imports` that import `candidate`, in file and line order, with the
/// source line read by `read_line(file, line)`. Statements of coldstart's own code (file names in
/// angle brackets, such as the measured statement `<coldstart>`) are left out: there is nothing
/// to change there.
pub fn locate(
    imports: &[ImportStmt],
    candidate: &str,
    read_line: impl Fn(&str, u32) -> Option<String>,
) -> Vec<Site> {
    let mut sites: Vec<Site> = imports
        .iter()
        .filter(|s| !s.file.starts_with('<'))
        .filter_map(|s| {
            let kind = kind_of(s, candidate)?;
            Some(Site {
                place: Place {
                    module: s.importer.clone(),
                    file: s.file.clone(),
                    line: s.line,
                },
                kind,
                statement: read_line(&s.file, s.line),
                change: change(kind, candidate, &s.importer),
            })
        })
        .collect();
    sites.sort_by(|a, b| (&a.place, a.kind).cmp(&(&b.place, b.kind)));
    sites.dedup_by(|a, b| a.place == b.place && a.kind == b.kind);
    sites
}

/// Line `line` (1-based) of a file, trimmed and cut to 160 characters; `None` when unreadable.
/// The file name comes from the child (a frame's `co_filename`): only regular files of at most
/// 8 MiB are read, so a FIFO or a device cannot block or flood the report.
pub fn read_source_line(file: &str, line: u32) -> Option<String> {
    let meta = std::fs::metadata(file).ok()?;
    if !meta.is_file() || meta.len() > 8 << 20 {
        return None;
    }
    let text = String::from_utf8_lossy(&std::fs::read(file).ok()?).into_owned();
    let text = text
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    Some(text.trim().chars().take(160).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt(importer: &str, line: u32, module: &str, names: Option<&[&str]>) -> ImportStmt {
        ImportStmt {
            importer: importer.into(),
            file: format!("/src/{importer}.py"),
            line,
            module: module.into(),
            names: names.map(|n| n.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[test]
    fn every_form_of_import_is_found_and_classified() {
        let imports = vec![
            stmt("pkg", 3, "heavy", None),
            stmt("pkg.b", 9, "heavy", Some(&["thing"])),
            stmt("pkg.c", 2, "heavy.sub", None),
            stmt("pkg.d", 4, "heavy", None),
            stmt("pkg", 3, "heavy", None),
            stmt("pkg", 5, "heavyweight", None),
            stmt("pkg", 6, "other", Some(&["heavy"])),
            stmt("__coldstart__", 1, "heavy", None),
        ];
        let mut imports = imports;
        imports[7].file = "<coldstart>".into();
        let sites = locate(&imports, "heavy", |file, line| {
            Some(format!("{file}:{line}"))
        });
        let got: Vec<_> = sites
            .iter()
            .map(|s| (s.place.module.as_str(), s.place.line, s.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("pkg", 3, SiteKind::Import),
                ("pkg.b", 9, SiteKind::FromImport),
                ("pkg.c", 2, SiteKind::Submodule),
                ("pkg.d", 4, SiteKind::Import),
            ]
        );
        assert_eq!(sites[0].statement.as_deref(), Some("/src/pkg.py:3"));
        assert!(
            sites[0].change.contains("__lazy_modules__"),
            "{}",
            sites[0].change
        );
    }

    #[test]
    fn a_submodule_bound_from_its_parent_stays_lazy() {
        let imports = vec![stmt("pkg", 2, "pkg", Some(&["heavy_sub", "x"]))];
        let sites = locate(&imports, "pkg.heavy_sub", |_, _| None);
        assert_eq!(sites.len(), 1);
        assert_eq!(sites[0].kind, SiteKind::FromParent);
        assert!(locate(&imports, "pkg.other", |_, _| None).is_empty());
    }

    #[test]
    fn source_lines_are_read_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.py");
        std::fs::write(&path, "import a\n    import heavy  \n").unwrap();
        let file = path.to_str().unwrap();
        assert_eq!(read_source_line(file, 2).as_deref(), Some("import heavy"));
        assert_eq!(read_source_line(file, 0), None);
        assert_eq!(read_source_line(file, 3), None);
        assert_eq!(read_source_line("/nonexistent/x.py", 1), None);
        assert_eq!(read_source_line("/dev/zero", 1), None);
    }
}
