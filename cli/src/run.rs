//! `wasmer-imports run`.

use crate::args::{config, RunArgs};
use crate::cache::Cache;
use crate::detect::detect;
use crate::error::CliError;
use crate::guest::load;
use crate::sets::set;
use std::process::ExitCode;

/// `wasmer-imports run`: the module's toolchain picks the import set,
/// which runs it.
pub fn run(args: RunArgs) -> Result<ExitCode, CliError> {
    let file = args.file();
    let (mut store, module) = load(&file, &Cache::new(args.cache_dir.clone(), args.no_cache))?;
    let config = config(&args)?;
    let toolchain = detect(&module);
    let set = set(toolchain);
    match (&args.invoke, set.invoke) {
        (None, _) => (set.run)(&mut store, &module, config, &args),
        (Some(_), Some(invoke)) => invoke(&mut store, &module, config, &args),
        (Some(_), None) => Err(CliError::Usage(format!(
            "--invoke is for AssemblyScript modules; {} was built for {toolchain}",
            file.display()
        ))),
    }
}
