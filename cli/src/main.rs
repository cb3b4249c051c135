//! `wasmer-imports`: run a `.wasm` built by any supported toolchain on
//! wasmer, choosing the host imports from the module's own imports.

mod args;
mod cache;
mod detect;
mod error;
mod guest;
mod inspect;
mod invoke;
mod run;
mod sets;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Run WebAssembly programs on wasmer with the host imports their
/// toolchain expects: WASI (preview1 and preview0), Emscripten,
/// AssemblyScript and Go js/wasm, detected from the module's imports.
#[derive(Parser, Debug)]
#[command(name = "wasmer-imports", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run FILE.wasm; exit with its exit code (134 on a trap).
    Run(args::RunArgs),
    /// Show the toolchain detected for FILE.wasm and which of its imports
    /// are provided; exit 1 if any is not.
    Inspect {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// The module to inspect.
        file: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Inspect { file, json } => inspect::inspect(&file, json),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wasmer-imports: {e}");
            ExitCode::from(e.exit_status())
        }
    }
}
