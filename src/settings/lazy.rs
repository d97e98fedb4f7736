//! The flags of `coldstart lazy` (issue 17) validated into [`Options`].
use crate::cli::LazyArgs;
use crate::error::{Error, Result};
use crate::lazy::plan::Options;
use crate::model::is_module_name;

pub fn lazy(args: &LazyArgs) -> Result<Options> {
    for name in &args.defer {
        if !is_module_name(name) {
            return Err(Error::Usage(format!(
                "--defer '{name}' is not a dotted module name; pass one such as `heavy` or `pkg.sub`"
            )));
        }
    }
    if args.top == 0 {
        return Err(Error::Usage(
            "--top 0 leaves nothing to try; pass --top 1 or more, or --defer MODULE".into(),
        ));
    }
    if let Some(w) = &args.workload
        && (w.trim().is_empty() || w.contains('\0'))
    {
        return Err(Error::Usage(
            "--workload must be a Python statement (not empty, no NUL character)".into(),
        ));
    }
    Ok(Options {
        defer: args.defer.clone(),
        workload: args.workload.clone(),
        top: args.top,
    })
}
