//! Running Emscripten guests: the `env` imports they name plus WASI over
//! one environment; `_start` for `-sSTANDALONE_WASM` builds, `main` (as
//! the JavaScript glue calls it) otherwise.

use crate::run::{check_imports, instance, report_trap, CliError, TRAP_EXIT};
use imports::ModuleConfig;
use std::path::Path;
use std::process::ExitCode;
use wasmer::{Imports, Module, Store};

/// Stack of the thread the guest runs on. Nested `invoke_*` calls (one per
/// recursive call through a C++ frame with a destructor, say) run host
/// frames on this stack; it is reserved, not committed, so only what deep
/// guests use costs memory.
const GUEST_THREAD_STACK: usize = 256 << 20;

/// Host stack the nested `invoke_*` calls may take of it, leaving the rest
/// for everything else.
const INVOKE_STACK_BUDGET: usize = 224 << 20;

/// Instantiates `module` with the Emscripten and WASI imports and runs it
/// (on a thread with a large stack, see [`GUEST_THREAD_STACK`]); the exit
/// status is the guest's exit code (low 8 bits), or [`TRAP_EXIT`] after
/// printing the trap (an uncaught C++ exception, `abort()`, ...).
pub fn run(store: &mut Store, module: &Module, config: ModuleConfig, file: &Path) -> Result<ExitCode, CliError> {
    // A store stays on its thread: the guest gets a new one on the same
    // engine (the module was compiled by it).
    let engine = store.engine().clone();
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("guest".into())
            .stack_size(GUEST_THREAD_STACK)
            .spawn_scoped(scope, move || run_here(&mut Store::new(engine), module, config, file))
            .map_err(|e| CliError::Setup(format!("cannot start the guest thread: {e}")))?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn run_here(store: &mut Store, module: &Module, config: ModuleConfig, file: &Path) -> Result<ExitCode, CliError> {
    let host = config.build().map_err(|e| CliError::Usage(e.to_string()))?;
    let em = emscripten::instantiate(store, host, module).map_err(|e| match e {
        e @ (emscripten::Error::Unsupported(_) | emscripten::Error::ImportType { .. }) => {
            CliError::Imports(format!("{}: {e}", file.display()))
        }
        e => CliError::Setup(e.to_string()),
    })?;
    check_imports(file, module, em.imports())?;
    let instance = instance(store, module, em.imports())?;
    em.bind(store, &instance)
        .map_err(|e| CliError::Setup(format!("{}: {e}", file.display())))?;
    em.set_invoke_stack_budget(store, INVOKE_STACK_BUDGET);
    match em.start(store, &instance) {
        Ok(code) => Ok(ExitCode::from((code & 0xff) as u8)),
        Err(emscripten::Error::Trap(trap)) => {
            report_trap(&trap);
            Ok(ExitCode::from(TRAP_EXIT))
        }
        Err(e) => Err(CliError::Setup(format!("{}: {e}", file.display()))),
    }
}

/// The imports the Emscripten set gives `module` (those it can), for
/// `inspect`.
pub fn provided(store: &mut Store, module: &Module) -> Result<Imports, CliError> {
    let host = ModuleConfig::new()
        .build()
        .map_err(|e| CliError::Setup(e.to_string()))?;
    let (em, _) = emscripten::instantiate_available(store, host, module);
    Ok(em.imports().clone())
}
