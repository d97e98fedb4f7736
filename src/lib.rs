//! coldstart: measure, explain and gate the import time of Python packages in fresh interpreters.
pub(crate) mod bisect;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod config;
pub(crate) mod default_python;
pub mod env;
pub(crate) mod error;
pub(crate) mod escape;
pub(crate) mod exit;
pub mod git;
pub(crate) mod history;
pub(crate) mod lazy;
pub(crate) mod measure;
pub(crate) mod model;
pub(crate) mod probe;
pub(crate) mod render;
pub(crate) mod results;
pub(crate) mod settings;
pub(crate) mod stats;
pub(crate) mod sys;
pub(crate) mod tree;
pub(crate) mod verdict;

pub use sys::interrupt;

/// Issue 14: the pair designs and their seeded simulation, for examples/sequential_mc.rs
/// (scripts/bench/sequential.sh). Not a stable API.
#[doc(hidden)]
pub mod simulation {
    pub use crate::stats::paired::GateParams;
    pub use crate::stats::sequential::{Design, EARLY_ALPHA, LATE_ALPHA, STRETCH_ALPHA};
    /// The default cap on pairs (`--max-pairs`).
    pub const MAX_PAIRS: usize = crate::config::defaults::MAX_PAIRS;
    pub use crate::stats::simulate::{Noise, Scenario, Tally, simulate};
}

use clap::{CommandFactory, FromArgMatches};
use cli::{Cli, Command};

/// Parses the command line, reads the configuration file and runs the command; returns the
/// process exit code.
pub fn main() -> u8 {
    default_python::init();
    let matches = Cli::command()
        .mut_subcommand("config", |c| c.long_about(config::key_help()))
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let outcome = configure(&cli).and_then(|config| dispatch(&cli, config.as_ref()));
    match outcome {
        Ok(exit) => exit.code(),
        Err(e) => {
            // Messages may quote a child's output or a file's names: every line is shown with
            // its invisible characters (ESC, BEL, bidi overrides) spelled out.
            let text = e.to_string();
            let lines: Vec<_> = text.split('\n').map(escape::terminal).collect();
            eprintln!("error: {}", lines.join("\n"));
            e.exit().code()
        }
    }
}

/// The configuration file of this run, if any. One found above the current directory is named
/// on stderr (unless quiet): a file the user is not looking at changes what is measured.
fn configure(cli: &Cli) -> error::Result<Option<config::Config>> {
    if matches!(cli.command, Command::Completions(_) | Command::Man(_)) {
        return Ok(None); // they describe the tool, whatever the configuration file says
    }
    let cwd = commands::cwd()?;
    let loaded = config::load(&cwd, cli.config.as_deref())?;
    if let Some(c) = &loaded {
        let elsewhere = cli.config.is_none() && c.file.parent() != Some(cwd.as_path());
        let said = matches!(cli.command, Command::Config(_));
        if elsewhere && !said && !settings::quiet(&cli.command, &c.values) {
            eprintln!("using configuration {} ({})", c.file.display(), c.origin);
        }
    }
    Ok(loaded)
}

fn dispatch(cli: &Cli, config: Option<&config::Config>) -> error::Result<exit::Exit> {
    if matches!(
        cli.command,
        Command::Run(_)
            | Command::Ab(_)
            | Command::Tree(_)
            | Command::Why(_)
            | Command::Branches(_)
            | Command::Bisect(_)
            | Command::History(_)
            | Command::Lazy(_)
    ) {
        commands::sweep_abandoned();
    }
    let none = config::FileConfig::default();
    let file = config.map_or(&none, |c| &c.values);
    match &cli.command {
        Command::Run(args) => commands::run::execute(args, file),
        Command::Ab(args) => commands::ab::execute(args, file),
        Command::Compare(args) => commands::compare::execute(args, file),
        Command::Check(args) => commands::check::execute(args, file),
        Command::Tree(args) => commands::tree::execute(args, file),
        Command::Why(args) => commands::why::execute(args, file),
        Command::Branches(args) => commands::branches::execute(args, file),
        Command::Cache(args) => commands::cache::execute(args, file),
        Command::Config(args) => commands::config::execute(args, config),
        Command::Bisect(args) => commands::bisect::execute(args, file),
        Command::History(args) => commands::history::execute(args, file),
        Command::Lazy(args) => commands::lazy::execute(args, file),
        Command::Completions(args) => commands::completions::execute(args),
        Command::Man(args) => commands::man::execute(args),
    }
}
