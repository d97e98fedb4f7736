//! Result files on disk: a writability check before measuring, atomic writes (temp file + rename)
//! with a `cold_start_latest.json` copy, and version-checked reading.
use super::{FORMAT_VERSION, ResultFile};
use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Creates `dir` if needed and proves we can write there, before any time is spent measuring.
pub fn check_writable(dir: &Path) -> Result<()> {
    let fail = |e: std::io::Error| Error::OutputDir {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    Ok(())
}

/// Writes `text` to `path` atomically: readers see the old file or the whole new one, never a part.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let fail = |e: std::io::Error| Error::WriteFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(parent(path)).map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Proves a report file (`--output`, `--svg`) can be written, before any time is spent measuring.
pub fn check_file_writable(path: Option<&Path>) -> Result<()> {
    let Some(path) = path else { return Ok(()) };
    tempfile::NamedTempFile::new_in(parent(path)).map_err(|e| Error::WriteFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    Ok(())
}

/// `cold_start_<UTC timestamp>[_<label>].json`.
pub fn file_name(result: &ResultFile, suffix: Option<&str>) -> String {
    let stamp: String = result
        .created_at
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut name = format!("cold_start_{stamp}");
    for part in [result.label.as_deref(), suffix].into_iter().flatten() {
        name.push('_');
        name.push_str(part);
    }
    name + ".json"
}

/// `dir/name`, or `dir/<stem>-2.json`, `-3`, ... when that exists (two runs in one second).
pub fn unused_path(dir: &Path, name: &str) -> PathBuf {
    let mut path = dir.join(name);
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{}-{n}.json", name.trim_end_matches(".json")));
        n += 1;
    }
    path
}

/// Stores a result as its timestamped file and as `cold_start_latest.json`; returns the first path.
pub fn save(dir: &Path, result: &ResultFile, suffix: Option<&str>) -> Result<PathBuf> {
    let text = serde_json::to_string_pretty(result).expect("result files always serialize") + "\n";
    let path = unused_path(dir, &file_name(result, suffix));
    write_atomic(&path, &text)?;
    write_atomic(&dir.join("cold_start_latest.json"), &text)?;
    Ok(path)
}

/// Reads a result file of any known format version; names the problem otherwise.
pub fn load(path: &Path) -> Result<ResultFile> {
    let fail = |reason: String| Error::ResultFile {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("{e}; check the path")))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| fail(format!("not valid JSON ({e}); was the file truncated?")))?;
    let version = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| fail("no format_version: not a coldstart result file".into()))?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(fail(format!(
            "format_version {version} is newer than this coldstart understands ({FORMAT_VERSION}); upgrade coldstart"
        )));
    }
    let mut result: ResultFile = serde_json::from_value(value)
        .map_err(|e| fail(format!("does not match result format {version}: {e}")))?;
    super::validate::validate(&mut result).map_err(|e| {
        fail(format!(
            "{e}: the file was edited or corrupted; measure again (coldstart run)"
        ))
    })?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_path_numbers_names_taken_in_the_same_second() {
        let dir = tempfile::tempdir().unwrap();
        let name = "cold_start_20261123T120000Z_comparison.json";
        assert_eq!(unused_path(dir.path(), name), dir.path().join(name));
        std::fs::write(dir.path().join(name), "{}").unwrap();
        let second = unused_path(dir.path(), name);
        assert_eq!(
            second,
            dir.path()
                .join("cold_start_20261123T120000Z_comparison-2.json")
        );
        std::fs::write(&second, "{}").unwrap();
        assert!(
            unused_path(dir.path(), name)
                .ends_with("cold_start_20261123T120000Z_comparison-3.json")
        );
    }
}
