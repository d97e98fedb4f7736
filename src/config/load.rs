//! Finding and reading the file: `--config FILE`, else the nearest `coldstart.toml` or
//! `pyproject.toml` with a `[tool.coldstart]` table, from the current directory up to the
//! repository root (the first directory holding `.git`) or the filesystem root, as ruff and uv
//! find theirs. Relative paths in the file are made relative to the file's directory.
use super::file::{Config, FileConfig, Pyproject};
use super::problem;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Reads `explicit` (relative to `dir`), else the file discovery finds from `dir`.
pub fn load(dir: &Path, explicit: Option<&Path>) -> Result<Option<Config>> {
    if let Some(p) = explicit {
        let path = crate::model::absolute(dir, p);
        let text = read(&path)?;
        let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let origin = path.display().to_string();
        return Ok(parse(&path, &text, is_pyproject)?.map(|values| finish(path, origin, values)));
    }
    for candidate in dir.ancestors() {
        if let Some(found) = in_directory(candidate)? {
            return Ok(Some(found));
        }
        if candidate.join(".git").exists() {
            break; // the repository root: a file above it belongs to something else
        }
    }
    Ok(None)
}

/// The configuration of one directory: its `coldstart.toml`, else its `pyproject.toml`'s
/// `[tool.coldstart]` (a `pyproject.toml` without that table is passed over).
fn in_directory(dir: &Path) -> Result<Option<Config>> {
    let own = dir.join("coldstart.toml");
    if own.exists() && !own.is_file() {
        return Err(Error::ConfigUnreadable {
            path: own,
            reason: "it is not a regular file (a directory?); remove or rename it".into(),
        });
    }
    if own.is_file() {
        let text = read(&own)?;
        let values = parse(&own, &text, false)?.unwrap_or_default();
        return Ok(Some(finish(own, "coldstart.toml".into(), values)));
    }
    let pyproject = dir.join("pyproject.toml");
    if pyproject.is_file() {
        let text = read(&pyproject)?;
        if let Some(values) = parse(&pyproject, &text, true)? {
            let origin = "pyproject.toml [tool.coldstart]".to_string();
            return Ok(Some(finish(pyproject, origin, values)));
        }
    }
    Ok(None)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::ConfigUnreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The keys of `text`; `None` for a `pyproject.toml` without `[tool.coldstart]`.
pub(super) fn parse(file: &Path, text: &str, pyproject: bool) -> Result<Option<FileConfig>> {
    let config_error = |(line, problem)| Error::Config {
        file: file.to_path_buf(),
        line,
        problem,
    };
    // The syntax first (its errors have no key), and `tool` that is there but not a table.
    let table: toml::Table =
        toml::from_str(text).map_err(|e| config_error(problem::syntax(text, &e)))?;
    if pyproject
        && tool_table(&table)
            .map_err(|p| config_error((None, p)))?
            .is_none()
    {
        return Ok(None);
    }
    let deserializer =
        toml::de::Deserializer::parse(text).map_err(|e| config_error(problem::syntax(text, &e)))?;
    if pyproject {
        let parsed: Pyproject = serde_path_to_error::deserialize(deserializer)
            .map_err(|e| config_error(problem::of_value(text, "tool.coldstart.", e)))?;
        Ok(parsed.tool.and_then(|t| t.coldstart))
    } else {
        serde_path_to_error::deserialize(deserializer)
            .map(Some)
            .map_err(|e| config_error(problem::of_value(text, "", e)))
    }
}

/// The loaded file with its relative paths anchored to its directory.
fn finish(file: PathBuf, origin: String, mut values: FileConfig) -> Config {
    let base = file.parent().unwrap_or(Path::new("/")).to_path_buf();
    // `python = "python3.11"` is looked up on PATH; `python = ".venv/bin/python"` is a path.
    if let Some(p) = values.python.as_mut()
        && p.components().count() > 1
        && !p.is_absolute()
    {
        *p = base.join(&*p);
    }
    for p in values
        .output_dir
        .iter_mut()
        .chain(values.cache_dir.iter_mut())
        .chain(values.path.iter_mut().flatten())
    {
        *p = base.join(&*p);
    }
    values.source = Some(file.clone());
    Config {
        file,
        origin,
        values,
    }
}

/// `[tool.coldstart]` of a pyproject table: `None` when absent, an error naming the fix when
/// `tool` or `tool.coldstart` is there but not a table (it would otherwise be ignored silently).
fn tool_table(pyproject: &toml::Table) -> std::result::Result<Option<&toml::Table>, String> {
    let Some(tool) = pyproject.get("tool") else {
        return Ok(None);
    };
    let Some(tool) = tool.as_table() else {
        return Err(
            "`tool` is not a table; write [tool.coldstart] with the settings under it".into(),
        );
    };
    match tool.get("coldstart") {
        None => Ok(None),
        Some(toml::Value::Table(t)) => Ok(Some(t)),
        Some(other) => Err(format!(
            "tool.coldstart is a {}, not a table; write the settings under a [tool.coldstart] header",
            other.type_str()
        )),
    }
}
