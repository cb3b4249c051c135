//! Running AssemblyScript guests: `env.abort`/`trace`/`seed` and the std
//! bindings' imports, `_start` when exported, and `--invoke`.

use crate::run::{check_imports, finish, CliError, RunArgs};
use assemblyscript::invoke::{format_value, prepare};
use assemblyscript::{Options, Trace};
use imports::ModuleConfig;
use std::process::ExitCode;
use wasmer::{Imports, Instance, InstantiationError, Module, Store};

/// The options the command line runs with: `trace` goes to stderr, where
/// a person running a program sees it without mixing it into the
/// program's output (wazero's command line does the same).
fn options() -> Options {
    Options::new().trace(Trace::Stderr)
}

fn setup(e: assemblyscript::Error) -> CliError {
    CliError::Setup(e.to_string())
}

/// Instantiates `module` (its start section runs), then calls `_start` if
/// it is exported (`asc --exportStart _start`), then, with `--invoke NAME`,
/// calls NAME with the guest arguments as numbers and prints each result
/// on its own line. An `abort` exits 255, `process.exit(n)` exits n.
pub fn run(store: &mut Store, module: &Module, config: ModuleConfig, args: &RunArgs) -> Result<ExitCode, CliError> {
    let file = args.file();
    let host = config.build().map_err(|e| CliError::Usage(e.to_string()))?;
    let mut guest = assemblyscript::instantiate_for(store, host, options(), module);
    guest.import_memory(store, module).map_err(setup)?;
    check_imports(&file, module, guest.imports())?;
    let instance = match Instance::new(store, module, guest.imports()) {
        Ok(i) => i,
        // The start section ended the guest (abort, process.exit) or trapped.
        Err(InstantiationError::Start(e)) => return Ok(finish(Err(e))),
        Err(e) => return Err(CliError::Setup(format!("instantiation failed: {e}"))),
    };
    guest.bind(store, &instance).map_err(setup)?;
    // Check the invocation before running anything.
    let call = match &args.invoke {
        Some(name) => Some(prepare(store, &instance, name, args.guest_args()).map_err(|e| match e {
            assemblyscript::Error::NoSuchFunction(_) | assemblyscript::Error::Arguments(_) => {
                CliError::Usage(format!("--invoke: {e}"))
            }
            e => setup(e),
        })?),
        None => None,
    };
    let start = instance.exports.get_typed_function::<(), ()>(&*store, "_start");
    // `--invoke _start` runs it once.
    if let (Ok(start), false) = (start, args.invoke.as_deref() == Some("_start")) {
        if let Err(e) = start.call(store) {
            return Ok(finish(Err(e)));
        }
    }
    let Some((function, values)) = call else {
        return Ok(ExitCode::SUCCESS);
    };
    let results = match function.call(store, &values) {
        Ok(r) => r,
        Err(e) => return Ok(finish(Err(e))),
    };
    for r in results.iter() {
        let text = format_value(r)
            .ok_or_else(|| CliError::Setup(format!("--invoke: cannot print a result of type {:?}", r.ty())))?;
        println!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The AssemblyScript imports (with the memory the module imports, if
/// any), for `inspect`.
pub fn provided(store: &mut Store, module: &Module) -> Result<Imports, CliError> {
    let host = ModuleConfig::new()
        .build()
        .map_err(|e| CliError::Setup(e.to_string()))?;
    let mut guest = assemblyscript::instantiate(store, host, options());
    guest.import_memory(store, module).map_err(setup)?;
    Ok(guest.imports().clone())
}
