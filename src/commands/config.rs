//! `coldstart config`: the effective configuration and the source of each value.
use crate::cli::ConfigArgs;
use crate::config::{self, Config};
use crate::error::Result;

pub fn execute(args: &ConfigArgs, loaded: Option<&Config>) -> Result<u8> {
    let lines = config::effective(loaded);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&lines).expect("plain data serializes")
        );
        return Ok(0);
    }
    match loaded {
        Some(c) => println!("# configuration file: {} ({})", c.file.display(), c.origin),
        None => println!(
            "# no configuration file (coldstart.toml or [tool.coldstart] in pyproject.toml); built-in defaults"
        ),
    }
    let width = lines
        .iter()
        .map(|l| l.key.len() + l.value.len())
        .max()
        .unwrap_or(0);
    for l in &lines {
        let pad = width.saturating_sub(l.key.len() + l.value.len());
        println!("{} = {}{}  # {}", l.key, l.value, " ".repeat(pad), l.source);
    }
    Ok(0)
}
