//! `coldstart man [COMMAND]`: the manual page in roff on stdout (clap_mangen), for
//! `coldstart man | man -l -` or to install as `coldstart.1`; `coldstart man run` prints the page
//! of one subcommand (`coldstart-run.1`).
use crate::cli::{Cli, ManArgs};
use crate::error::{Error, Result};
use crate::render::to_stdout;
use clap::CommandFactory;

pub fn execute(args: &ManArgs) -> Result<crate::exit::Exit> {
    to_stdout(&page(args.command.as_deref())?)?;
    Ok(crate::exit::Exit::Ok)
}

/// The roff page of the whole tool, or of one subcommand.
pub fn page(command: Option<&str>) -> Result<String> {
    let mut cli = Cli::command();
    cli.build();
    let cmd = match command {
        None => cli,
        Some(name) => {
            let names: Vec<String> = cli
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect();
            let sub = cli.find_subcommand(name).cloned().ok_or_else(|| {
                Error::Usage(format!(
                    "no subcommand '{name}'; pass one of: {}",
                    names.join(", ")
                ))
            })?;
            // After `build`, a subcommand's display name is coldstart-NAME, the page's name
            // (as git and cargo name theirs), and its bin name `coldstart NAME`.
            sub
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .source(concat!("coldstart ", env!("COLDSTART_VERSION")))
        .render(&mut out)
        .map_err(|e| Error::io("cannot render the manual page", e))?;
    Ok(String::from_utf8(out).expect("clap_mangen writes UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tool_page_lists_every_subcommand() {
        let roff = page(None).unwrap();
        assert!(
            roff.starts_with(".ie") || roff.contains(".TH coldstart 1"),
            "{roff}"
        );
        for sub in [
            "run",
            "ab",
            "branches",
            "compare",
            "check",
            "tree",
            "why",
            "completions",
        ] {
            assert!(roff.contains(sub), "{sub} missing");
        }
    }

    #[test]
    fn a_subcommand_gets_its_own_page_and_a_typo_names_the_choices() {
        let roff = page(Some("run")).unwrap();
        assert!(roff.contains(".TH coldstart-run 1"), "{roff}");
        assert!(roff.contains("\\-\\-runs"), "the flags are documented");
        let err = page(Some("rnu")).unwrap_err().to_string();
        assert!(
            err.contains("no subcommand 'rnu'") && err.contains("run, ab"),
            "{err}"
        );
    }
}
