//! `coldstart why NAME`: the chain of imports through which each target loads a module.
use crate::cli::WhyArgs;
use crate::config::FileConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::render::emit_document;
use crate::render::run::chain_text;
use crate::tree::Link;
use serde::Serialize;

/// The JSON form: per target, the chain (`null` when the target does not import NAME).
#[derive(Serialize)]
struct Why<'a> {
    module: &'a str,
    targets: Vec<TargetChain<'a>>,
}

#[derive(Serialize)]
struct TargetChain<'a> {
    target: &'a str,
    chain: Option<Vec<Link>>,
}

/// Exit 0 when some target loads NAME (its chain is printed), 1 when none does.
pub fn execute(args: &WhyArgs, file: &FileConfig) -> Result<Exit> {
    if !crate::model::is_module_name(&args.name) {
        return Err(Error::NotModuleName {
            flag: None,
            name: args.name.clone(),
            hint: "",
        });
    }
    let m = super::measure_of(&args.modules, &args.child, &args.python, file)?;
    let output = super::text_output(&args.output, &super::cwd()?)?;
    let trees = super::import_trees(&m, output.progress)?;
    let targets: Vec<TargetChain> = trees
        .iter()
        .map(|(name, tree)| TargetChain {
            target: name,
            chain: tree.why(&args.name),
        })
        .collect();
    let mut text = String::new();
    for t in &targets {
        match &t.chain {
            Some(links) => text += &format!("{}: {}\n", t.target, chain_text(links)),
            None => {
                text += &format!(
                    "{}: does not import {} (or it was already loaded at start-up)\n",
                    t.target, args.name
                )
            }
        }
    }
    let found = targets.iter().any(|t| t.chain.is_some());
    let json = || {
        let doc = Why {
            module: &args.name,
            targets,
        };
        serde_json::to_string_pretty(&doc).expect("plain data serializes") + "\n"
    };
    emit_document(&text, json, &output)?;
    Ok(if found { Exit::Ok } else { Exit::NotFound })
}
