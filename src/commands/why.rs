//! `coldstart why NAME`: the chain of imports through which each target loads a module.
use crate::cli::WhyArgs;
use crate::config::FileConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::model::Measure;
use crate::probe::{Probe, PythonProbe, Request};
use crate::render::emit_document;
use crate::render::run::{chain_text, terminal_name};
use crate::tree::Link;
use serde::Serialize;

/// The JSON form: per target, the chain (`null` when the target does not import NAME) and then
/// why there is none.
#[derive(Serialize)]
struct Why<'a> {
    module: &'a str,
    targets: Vec<TargetChain<'a>>,
}

#[derive(Serialize)]
struct TargetChain<'a> {
    target: &'a str,
    chain: Option<Vec<Link>>,
    /// Set exactly when `chain` is `null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    absent: Option<Absent>,
}

/// Why a target shows no chain to NAME.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Absent {
    /// Loaded before the statement ran: interpreter start-up (`site`, `.pth` files) loaded it.
    Startup,
    /// Not loaded after the import either.
    NotLoaded,
    /// Loaded after the import, but no `-X importtime` run shows who imported it (put into
    /// `sys.modules` directly, or created by C code without the import system).
    Untraced,
}

/// Finds out, with one sample of the target (only on this path: a found chain costs no extra
/// child), why `target` shows no chain to `name`: the child reports the start-up set (its
/// `sys.modules` before the statement) and the modules loaded after it.
fn absent(probe: &mut dyn Probe, m: &Measure, target: &str, name: &str) -> Result<Absent> {
    let statement = m
        .targets
        .iter()
        .find(|t| t.name == target)
        .map_or("pass", |t| t.statement.as_str());
    let request = Request {
        target,
        statement,
        check_bytecode: false,
    };
    let report = probe.sample(&request)?.report;
    let has = |list: &[String]| list.binary_search_by(|m| m.as_str().cmp(name)).is_ok();
    Ok(if has(&report.startup_names) {
        Absent::Startup
    } else if has(&report.modules) {
        Absent::Untraced
    } else {
        Absent::NotLoaded
    })
}

fn absent_text(target: &str, name: &str, why: Absent) -> String {
    match why {
        Absent::Startup => format!(
            "{target}: {name} was already loaded at interpreter start-up, before the import ran, so no import of {target} loads it"
        ),
        Absent::NotLoaded => format!("{target}: does not import {name}"),
        Absent::Untraced => format!(
            "{target}: {name} is loaded after the import, but -X importtime recorded no import of it (it was put into sys.modules directly or created by C code)"
        ),
    }
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
    let output = super::text_output(&args.output, file, &super::cwd()?)?;
    let trees = super::import_trees(&m, output.progress)?;
    let mut probe = None;
    let mut targets: Vec<TargetChain> = Vec::new();
    for (name, tree) in &trees {
        let chain = tree.why(&args.name);
        let absent = match chain {
            Some(_) => None,
            None => {
                if probe.is_none() {
                    probe = Some(PythonProbe::new(
                        &m.python,
                        m.env.clone(),
                        m.pyc,
                        m.timeout,
                    )?);
                }
                let probe = probe.as_mut().expect("created above");
                Some(absent(probe, &m, name, &args.name)?)
            }
        };
        targets.push(TargetChain {
            target: name,
            chain,
            absent,
        });
    }
    let mut text = String::new();
    for t in &targets {
        match &t.chain {
            Some(links) => {
                text += &format!(
                    "{}: {}\n",
                    terminal_name(t.target),
                    chain_text(links, terminal_name)
                )
            }
            None => {
                let why = t.absent.unwrap_or(Absent::NotLoaded);
                text += &(absent_text(&terminal_name(t.target), &args.name, why) + "\n");
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
