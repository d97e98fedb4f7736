//! `coldstart cache list|clean`: the cached per-revision environments.
use std::path::{Path, PathBuf};

use crate::cli::{CacheAction, CacheArgs};
use crate::config::FileConfig;
use crate::env::{self, cache::CacheEntry};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::render::emit_document;
use crate::settings;

fn human_size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// `main 3f2a1b7c0d1e`, `working tree worktree-8c1…`, or the bare id when no name was recorded.
fn revision_text(e: &CacheEntry) -> String {
    let id = &e.revision[..e.revision.len().min(12)];
    match &e.revision_name {
        Some(name) => format!("{name} {id}"),
        None => id.to_string(),
    }
}

fn project_text(e: &CacheEntry) -> String {
    e.project
        .as_ref()
        .map_or("(project not recorded)".into(), |p| p.display().to_string())
}

/// The repository root containing `dir` (canonical), which is what environments record.
fn project_root(dir: &Path, cwd: &Path) -> Result<PathBuf> {
    let dir = crate::model::absolute(cwd, dir);
    let canonical = std::fs::canonicalize(&dir).map_err(|e| {
        Error::Usage(format!(
            "--project '{}' cannot be opened ({e}); pass the directory of a git checkout",
            dir.display()
        ))
    })?;
    let repo = crate::git::Repo::discover(&canonical)?;
    let top = repo
        .workdir()
        .map(Path::to_path_buf)
        .unwrap_or(canonical.clone());
    Ok(std::fs::canonicalize(&top).unwrap_or(top))
}

pub fn execute(args: &CacheArgs, file: &FileConfig) -> Result<Exit> {
    let cwd = super::cwd()?;
    let dir = settings::cache_dir(args.cache_dir.as_deref(), file, &cwd)?;
    match &args.action {
        CacheAction::List { project, output } => {
            let output = super::text_output(output, file, &cwd)?;
            let project = project
                .as_deref()
                .map(|p| project_root(p, &cwd))
                .transpose()?;
            let entries: Vec<CacheEntry> = env::cache::list(&dir)?
                .into_iter()
                .filter(|e| project.is_none() || e.project == project)
                .collect();
            let mut text = format!("{} environments in {}\n", entries.len(), dir.display());
            for e in &entries {
                text += &format!(
                    "  {}  {}\n      {:>9}  last used {}  {}  {}  built in {:.1} s\n",
                    revision_text(e),
                    project_text(e),
                    human_size(e.size_bytes),
                    e.last_used.format("%Y-%m-%d %H:%M"),
                    e.python,
                    e.recipe,
                    e.setup_secs
                );
            }
            let json = || {
                let doc = serde_json::json!({ "dir": dir, "environments": entries });
                serde_json::to_string_pretty(&doc).expect("plain data serializes") + "\n"
            };
            emit_document(&text, json, &output)?;
        }
        CacheAction::Clean {
            older_than,
            project,
            output,
        } => {
            let output = super::text_output(output, file, &cwd)?;
            let age = older_than
                .map(|d| {
                    std::time::Duration::try_from_secs_f64(d * 86_400.0)
                        .ok()
                        .filter(|_| d <= 1e6)
                        .ok_or_else(|| {
                            Error::Usage(format!(
                                "--older-than must be a number of days from 0 to 1000000, not {d:?}"
                            ))
                        })
                })
                .transpose()?;
            let filter = env::cache::CleanFilter {
                older_than: age,
                project: project
                    .as_deref()
                    .map(|p| project_root(p, &cwd))
                    .transpose()?,
            };
            let report = env::cache::clean(&dir, &filter)?;
            let scope = filter
                .project
                .as_ref()
                .map_or(String::new(), |p| format!(" of {}", p.display()));
            let text = format!(
                "removed {} environments{scope} ({}) and {} stale builds from {}\n",
                report.removed.len(),
                human_size(report.freed_bytes),
                report.stale_builds,
                dir.display()
            );
            if !output.quiet {
                for e in &report.in_use {
                    eprintln!(
                        "kept {} ({}): in use by a running coldstart; clean again when it is done",
                        e.key,
                        revision_text(e)
                    );
                }
            }
            let json = || {
                let doc =
                    serde_json::json!({ "dir": dir, "project": filter.project, "clean": report });
                serde_json::to_string_pretty(&doc).expect("plain data serializes") + "\n"
            };
            emit_document(&text, json, &output)?;
        }
    }
    Ok(Exit::Ok)
}
