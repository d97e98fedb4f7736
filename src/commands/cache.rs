//! `coldstart cache list|clean`: the cached per-revision environments.
use crate::cli::{CacheAction, CacheArgs};
use crate::env;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::render::emit_document;
use crate::settings;

fn human_size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

pub fn execute(args: &CacheArgs) -> Result<Exit> {
    let cwd = super::cwd()?;
    let dir = settings::cache_dir(args.cache_dir.as_deref(), &cwd)?;
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
            if older_than.is_some_and(|d| !(d >= 0.0 && d.is_finite())) {
                return Err(Error::Usage(
                    "--older-than is a non-negative number of days".into(),
                ));
            }
            let age = older_than.map(|d| std::time::Duration::from_secs_f64(d * 86_400.0));
            let report = env::cache::clean(&dir, age)?;
            let text = format!(
                "removed {} environments ({}) and {} stale builds from {}\n",
                report.removed.len(),
                human_size(report.freed_bytes),
                report.stale_builds,
                dir.display()
            );
            let json = || {
                let doc = serde_json::json!({ "dir": dir, "clean": report });
                serde_json::to_string_pretty(&doc).expect("plain data serializes") + "\n"
            };
            emit_document(&text, json, &output)?;
        }
    }
    Ok(Exit::Ok)
}
