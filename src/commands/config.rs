//! `coldstart config`: the effective configuration and the source of each value.
use crate::cli::ConfigArgs;
use crate::config::{self, Config};
use crate::error::Result;
use crate::exit::Exit;
use crate::render::emit_document;

pub fn execute(args: &ConfigArgs, loaded: Option<&Config>) -> Result<Exit> {
    let mut flags = args.output.clone();
    if args.json {
        flags.format = Some(crate::model::choice::TextFormat::Json);
    }
    let none = config::FileConfig::default();
    let file = loaded.map_or(&none, |c| &c.values);
    let output = super::text_output(&flags, file, &super::cwd()?)?;
    let lines = config::effective(loaded);
    let json = || serde_json::to_string_pretty(&lines).expect("plain data serializes") + "\n";
    let mut text = match loaded {
        Some(c) => format!("# configuration file: {} ({})\n", c.file.display(), c.origin),
        None => "# no configuration file (coldstart.toml or [tool.coldstart] in pyproject.toml); built-in defaults\n".to_string(),
    };
    let width = lines
        .iter()
        .map(|l| l.key.len() + l.value.len())
        .max()
        .unwrap_or(0);
    for l in &lines {
        let pad = width.saturating_sub(l.key.len() + l.value.len());
        text += &format!(
            "{} = {}{}  # {}\n",
            l.key,
            l.value,
            " ".repeat(pad),
            l.source
        );
    }
    emit_document(&text, json, &output)?;
    Ok(Exit::Ok)
}
