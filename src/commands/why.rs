//! `coldstart why NAME`: the chain of imports through which each target loads a module.
use crate::cli::WhyArgs;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::render::run::chain_text;
use crate::render::to_stdout;
use crate::settings;

/// Exit 0 when some target loads NAME (its chain is printed), 1 when none does.
pub fn execute(args: &WhyArgs) -> Result<Exit> {
    if !crate::model::is_module_name(&args.name) {
        return Err(Error::Usage(format!(
            "'{}' is not a dotted module name",
            args.name
        )));
    }
    let m = super::measure_of(&args.modules, &args.target, args.python.as_deref())?;
    let (_, stderr_tty) = settings::ttys();
    let trees = super::import_trees(&m, stderr_tty)?;
    let mut found = false;
    let mut text = String::new();
    for (name, tree) in &trees {
        match tree.why(&args.name) {
            Some(links) => {
                found = true;
                text += &format!("{name}: {}\n", chain_text(&links));
            }
            None => {
                text += &format!(
                    "{name}: does not import {} (or it was already loaded at start-up)\n",
                    args.name
                )
            }
        }
    }
    to_stdout(&text)?;
    Ok(if found { Exit::Ok } else { Exit::NotFound })
}
