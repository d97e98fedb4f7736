//! The configuration file: `coldstart.toml`, else `[tool.coldstart]` in `pyproject.toml` (or
//! `--config FILE`). Values fill in every flag the command line did not give (command-line flags
//! win; clap's `value_source` tells which were given). Unknown keys are errors naming the key.
mod apply;
mod file;
mod keys;

pub use apply::apply;
pub use file::{Config, load};
pub use keys::{effective, key_help};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use crate::cli::Command;
    use clap::{CommandFactory, FromArgMatches};
    use std::path::PathBuf;

    /// `argv` parsed and the configuration `toml` applied, as `lib::main` does.
    fn configured(argv: &[&str], toml: &str) -> Command {
        let matches = Cli::command().get_matches_from(argv);
        let mut cli = Cli::from_arg_matches(&matches).unwrap();
        let config = Config {
            file: PathBuf::from("coldstart.toml"),
            origin: "coldstart.toml".into(),
            values: toml::from_str(toml).unwrap(),
        };
        apply(&mut cli.command, matches.subcommand().unwrap().1, &config).unwrap();
        cli.command
    }

    const TARGETS_AND_STMTS: &str = "targets = ['a']\nstmts = ['import b']\n";

    #[test]
    fn branches_keeps_both_file_targets_and_statements_as_defaults() {
        let Command::Branches(b) =
            configured(&["coldstart", "branches", "main"], TARGETS_AND_STMTS)
        else {
            unreachable!()
        };
        assert_eq!(b.default_modules, ["a"]);
        assert_eq!(b.default_stmts, ["import b"]);
        // Not added to what the command line asks for: `branches main json` measures json only.
        assert!(b.target.stmts.is_empty());
    }

    #[test]
    fn branches_with_stmt_on_the_command_line_ignores_the_file_targets() {
        let Command::Branches(b) = configured(
            &["coldstart", "branches", "main", "--stmt", "import c"],
            TARGETS_AND_STMTS,
        ) else {
            unreachable!()
        };
        assert!(b.default_modules.is_empty() && b.default_stmts.is_empty());
        assert_eq!(b.target.stmts, ["import c"]);
    }

    #[test]
    fn run_takes_file_targets_and_statements_only_when_none_are_given() {
        let Command::Run(r) = configured(&["coldstart", "run"], TARGETS_AND_STMTS) else {
            unreachable!()
        };
        assert_eq!(
            (r.modules, r.target.stmts),
            (vec!["a".into()], vec!["import b".into()])
        );
        let Command::Run(r) = configured(&["coldstart", "run", "json"], TARGETS_AND_STMTS) else {
            unreachable!()
        };
        assert_eq!(r.modules, ["json"]);
        assert!(r.target.stmts.is_empty());
    }

    #[test]
    fn metric_comes_from_the_file_and_time_thresholds_stay_with_time() {
        use crate::cli::MetricArg;
        let toml = "metric = 'instructions'\nthreshold = 5\ncompare_threshold = 10\n";
        let Command::Ab(a) = configured(
            &[
                "coldstart",
                "ab",
                "x",
                "--baseline",
                "a",
                "--candidate",
                "b",
            ],
            toml,
        ) else {
            unreachable!()
        };
        assert_eq!(
            (a.metric, a.gate.threshold),
            (MetricArg::Instructions, None)
        );
        let Command::Compare(c) = configured(&["coldstart", "compare", "a", "b"], toml) else {
            unreachable!()
        };
        assert_eq!(
            (c.metric, c.gate.threshold),
            (MetricArg::Instructions, None)
        );
        let Command::Run(r) = configured(&["coldstart", "run", "--metric", "time"], toml) else {
            unreachable!()
        };
        assert_eq!(r.metric, MetricArg::Time);
        let Command::Ab(a) = configured(
            &[
                "coldstart",
                "ab",
                "x",
                "--baseline",
                "a",
                "--candidate",
                "b",
                "--metric",
                "time",
            ],
            toml,
        ) else {
            unreachable!()
        };
        assert_eq!(a.gate.threshold, Some(5.0));
    }
}
