//! Running Go `GOOS=js GOARCH=wasm` guests (modules `go` and `gojs`).

use crate::run::{check_imports, finish, instance, CliError};
use imports::ModuleConfig;
use std::path::Path;
use std::process::ExitCode;
use wasmer::{Imports, Module, Store};

/// Instantiates `module` with the Go js imports and runs it through
/// wasm_exec.js's `run` and event loop.
pub fn run(store: &mut Store, module: &Module, config: ModuleConfig, file: &Path) -> Result<ExitCode, CliError> {
    let host = config.build().map_err(|e| CliError::Usage(e.to_string()))?;
    let go = gojs::instantiate(store, host, module).map_err(|e| CliError::Setup(e.to_string()))?;
    check_imports(file, module, go.imports())?;
    let instance = instance(store, module, go.imports())?;
    match go.start(store, &instance) {
        Ok(code) => Ok(finish(Err(imports::ExitCode(code).trap()))),
        Err(gojs::Error::Trap(trap)) => Ok(finish(Err(trap))),
        Err(e) => Err(CliError::Setup(e.to_string())),
    }
}

/// The Go js imports for `module`, for `inspect`.
pub fn provided(store: &mut Store, module: &Module) -> Result<Imports, CliError> {
    let host = ModuleConfig::new()
        .build()
        .map_err(|e| CliError::Setup(e.to_string()))?;
    let go = gojs::instantiate(store, host, module).map_err(|e| CliError::Setup(e.to_string()))?;
    Ok(go.imports().clone())
}
