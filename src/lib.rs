//! coldstart: measure, explain and gate the import time of Python packages in fresh interpreters.
pub mod budget;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod env;
pub mod error;
pub mod git;
pub mod host;
pub mod interrupt;
pub mod probe;
pub mod progress;
pub mod render;
pub mod results;
pub mod runner;
pub mod settings;
pub mod stats;
pub mod tree;

use cli::{Cli, Command};

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> u8 {
    let outcome = match &cli.command {
        Command::Run(args) => commands::run::execute(args),
        Command::Ab(args) => commands::ab::execute(args),
        Command::Compare(args) => commands::compare::execute(args),
        Command::Check(args) => commands::check::execute(args),
        Command::Tree(args) => commands::tree::execute_tree(args),
        Command::Why(args) => commands::tree::execute_why(args),
        Command::Branches(args) => commands::branches::execute(args),
        Command::Cache(args) => commands::branches::execute_cache(args),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}
