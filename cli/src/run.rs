//! `wasmer-imports run`.

use crate::args::{config, RunArgs};
use crate::cache::Cache;
use crate::detect::detect;
use crate::error::CliError;
use crate::glue::load_any;
use crate::sets::{run_emscripten, set};
use std::process::ExitCode;
use std::time::Duration;

/// `wasmer-imports run`: the module's toolchain picks the import set,
/// which runs it.
pub fn run(args: RunArgs) -> Result<ExitCode, CliError> {
    let file = args.file();
    // The guest's world first: a bad --dir is told before a long compile.
    let config = config(&args)?;
    let (mut store, module, names) = load_any(
        &file,
        &Cache::new(args.cache_dir.clone(), args.no_cache),
        args.max_memory,
    )?;
    if let Some(limit) = args.timeout {
        watchdog(limit);
    }
    if let Some(names) = names {
        return match &args.invoke {
            None => run_emscripten(&mut store, &module, config, &args, names),
            Some(_) => Err(CliError::Usage(format!(
                "--invoke is for AssemblyScript modules; {} is Emscripten glue",
                file.display()
            ))),
        };
    }
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

/// Status of a run stopped by `--timeout`, as `timeout(1)` exits.
pub const TIMED_OUT: i32 = 124;

/// Ends the process after `limit` (`--timeout`), with one line on stderr
/// and status [`TIMED_OUT`]. Ending the process stops the guest wherever
/// it is: in its own code, in a host call that blocks (a sleep, a read
/// of a pipe) and in every thread it spawned (RATIONALE.md, "`--timeout`
/// ends the process").
fn watchdog(limit: Duration) {
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        eprintln!(
            "wasmer-imports: the guest ran longer than --timeout {} s and was stopped",
            limit.as_secs_f64()
        );
        std::process::exit(TIMED_OUT);
    });
}
