//! `run --invoke NAME`: an AssemblyScript program's export, called with
//! numbers from the command line, its results printed one per line.

use crate::args::{RunArgs, TraceMode};
use crate::error::{finish, CliError};
use crate::guest::check_imports;
use assemblyscript::invoke::{format_value, invoke as call, Outcome};
use assemblyscript::{AssemblyScript, Error, Trace};
use imports::driver::ImportSet;
use imports::ModuleConfig;
use std::process::ExitCode;
use wasmer::{Module, Store};

/// AssemblyScript's options on the command line: `trace` as `--trace`
/// says, by default what asc's generated bindings print (RATIONALE.md,
/// "AssemblyScript: `trace` on the command line").
pub fn assemblyscript_options(args: &RunArgs) -> assemblyscript::Options {
    assemblyscript::Options::new().trace(match args.trace {
        TraceMode::Console => Trace::Console,
        TraceMode::Loader => Trace::Stderr,
        TraceMode::Off => Trace::Off,
    })
}

/// Runs the program (its start section, then `_start` if exported and not
/// NAME itself), then calls NAME with the guest arguments as numbers and
/// prints each result on its own line. An exit before NAME returns (an
/// `abort` exits 255, `process.exit(n)` exits n) or a trap is the status.
pub fn invoke(store: &mut Store, module: &Module, config: ModuleConfig, args: &RunArgs) -> Result<ExitCode, CliError> {
    let file = args.file();
    check_imports(&file, module, &AssemblyScript::provides)?;
    let name = args.invoke.as_deref().unwrap_or_default();
    let results = match call(
        store,
        module,
        config,
        assemblyscript_options(args),
        name,
        args.guest_args(),
    ) {
        Ok(Outcome::Returned(results)) => results,
        Ok(Outcome::Exited(code)) => return Ok(finish(imports::Outcome::Exited(code))),
        Err(Error::Trap(trap)) => return Ok(finish(imports::Outcome::Trapped(trap))),
        Err(e @ (Error::NoSuchFunction(_) | Error::Arguments(_))) => {
            return Err(CliError::Usage(format!("--invoke: {e}")))
        }
        Err(e @ Error::Config(_)) => return Err(CliError::Usage(e.to_string())),
        Err(e) => return Err(CliError::Setup(e.to_string())),
    };
    for r in results.iter() {
        let text = format_value(r)
            .ok_or_else(|| CliError::Setup(format!("--invoke: cannot print a result of type {:?}", r.ty())))?;
        println!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}
