//! `coldstart cache list|clean`: the cached per-revision environments.
use crate::cli::{CacheAction, CacheArgs};
use crate::config::FileConfig;
use crate::env;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::render::emit_document;
use crate::settings;

fn human_size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

pub fn execute(args: &CacheArgs, file: &FileConfig) -> Result<Exit> {
    let cwd = super::cwd()?;
    let dir = settings::cache_dir(args.cache_dir.as_deref(), file, &cwd)?;
    match &args.action {
        CacheAction::List { output } => {
            let output = super::text_output(output, &cwd)?;
            let entries = env::cache::list(&dir)?;
            let mut text = format!("{} environments in {}\n", entries.len(), dir.display());
            for e in &entries {
                text += &format!(
                    "  {}  {:>9}  last used {}  {}  {}  built in {:.1} s\n",
                    &e.revision[..e.revision.len().min(12)],
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
        CacheAction::Clean { older_than, output } => {
            let output = super::text_output(output, &cwd)?;
            let age = older_than
                .map(|d| {
                    std::time::Duration::try_from_secs_f64(d * 86_400.0)
                        .ok()
                        .filter(|_| d <= 1e6)
                        .ok_or_else(|| {
                            Error::Usage(format!(
                                "--older-than must be a number of days from 0 to 1000000, not {d}"
                            ))
                        })
                })
                .transpose()?;
            let report = env::cache::clean(&dir, age)?;
            let text = format!(
                "removed {} environments ({}) and {} stale builds from {}\n",
                report.removed.len(),
                human_size(report.freed_bytes),
                report.stale_builds,
                dir.display()
            );
            if !output.quiet {
                for e in &report.in_use {
                    eprintln!(
                        "kept {} ({}): in use by a running coldstart; clean again when it is done",
                        e.key, e.revision
                    );
                }
            }
            let json = || {
                let doc = serde_json::json!({ "dir": dir, "clean": report });
                serde_json::to_string_pretty(&doc).expect("plain data serializes") + "\n"
            };
            emit_document(&text, json, &output)?;
        }
    }
    Ok(Exit::Ok)
}
