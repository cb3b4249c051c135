//! Running WASI preview1 guests (and modules that import nothing).

use crate::run::{check_imports, finish, instance, CliError};
use imports::ModuleConfig;
use std::path::Path;
use std::process::ExitCode;
use wasmer::{Imports, Module, Store};

/// Instantiates `module` with the WASI imports and calls `_start`.
pub fn run(store: &mut Store, module: &Module, config: ModuleConfig, file: &Path) -> Result<ExitCode, CliError> {
    let host = config.build().map_err(|e| CliError::Usage(e.to_string()))?;
    let wasi = wasi_snapshot_preview1::instantiate_for(store, host, module);
    check_imports(file, module, wasi.imports())?;
    let instance = instance(store, module, wasi.imports())?;
    // A module that imports nothing may have no memory to bind.
    if instance.exports.get_memory("memory").is_ok() {
        wasi.bind(store, &instance)
            .map_err(|e| CliError::Setup(e.to_string()))?;
    }
    let start = instance
        .exports
        .get_typed_function::<(), ()>(&*store, "_start")
        .map_err(|_| {
            CliError::Setup(format!(
                "{} exports no function \"_start\" of type () -> ()",
                file.display()
            ))
        })?;
    Ok(finish(start.call(store)))
}

/// The WASI imports, for `inspect`.
pub fn provided(store: &mut Store) -> Result<Imports, CliError> {
    let host = ModuleConfig::new()
        .build()
        .map_err(|e| CliError::Setup(e.to_string()))?;
    Ok(wasi_snapshot_preview1::instantiate(store, host).imports().clone())
}
