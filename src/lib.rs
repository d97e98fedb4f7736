//! coldstart: measure, explain and gate the import time of Python packages in fresh interpreters.
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod config;
pub mod env;
pub(crate) mod error;
pub(crate) mod exit;
pub mod git;
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

use clap::{CommandFactory, FromArgMatches};
use cli::{Cli, Command};

/// Parses the command line, applies the configuration file and runs the command; returns the
/// process exit code.
pub fn main() -> u8 {
    let matches = Cli::command()
        .mut_subcommand("config", |c| c.long_about(config::key_help()))
        .get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let outcome = configure(&mut cli, &matches).and_then(|config| dispatch(&cli, config.as_ref()));
    match outcome {
        Ok(exit) => exit.code(),
        Err(e) => {
            eprintln!("error: {e}");
            e.exit().code()
        }
    }
}

fn configure(cli: &mut Cli, matches: &clap::ArgMatches) -> error::Result<Option<config::Config>> {
    let cwd = commands::cwd()?;
    let loaded = config::load(&cwd, cli.config.as_deref())?;
    if let (Some(c), Some((_, sub))) = (&loaded, matches.subcommand()) {
        config::apply(&mut cli.command, sub, c)?;
    }
    Ok(loaded)
}

fn dispatch(cli: &Cli, config: Option<&config::Config>) -> error::Result<exit::Exit> {
    match &cli.command {
        Command::Run(args) => commands::run::execute(args),
        Command::Ab(args) => commands::ab::execute(args),
        Command::Compare(args) => commands::compare::execute(args),
        Command::Check(args) => commands::check::execute(args),
        Command::Tree(args) => commands::tree::execute(args),
        Command::Why(args) => commands::why::execute(args),
        Command::Branches(args) => commands::branches::execute(args),
        Command::Cache(args) => commands::cache::execute(args),
        Command::Config(args) => commands::config::execute(args, config),
    }
}
