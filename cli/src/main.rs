//! `wasmer-imports`: run a `.wasm` built by any supported toolchain on
//! wasmer, choosing the host imports from the module's own imports.

mod args;
mod cache;
mod detect;
mod error;
mod glue;
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
#[command(name = "wasmer-imports", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Real invocations on the programs bundled in `testdata/`, shown by
/// `--help`.
const EXAMPLES: &str = "Examples:
  wasmer-imports run --dir testdata/wasi/c/cat/fixture::/data testdata/wasi/c/cat/cat.wasm /data/hello.txt
  wasmer-imports run testdata/gojs/go1.27/goroutines/goroutines.wasm
  wasmer-imports inspect testdata/emscripten/hello-glue-O2/hello-glue-O2.wasm";

const RUN_EXAMPLES: &str = "Examples:
  Print a file from a host directory mounted read-only at /data:
    wasmer-imports run --dir testdata/wasi/c/cat/fixture::/data:ro testdata/wasi/c/cat/cat.wasm /data/hello.txt
  Pass arguments and a variable; same bytes on every run:
    wasmer-imports run --env GREETING=hi --deterministic testdata/wasi/c/args/args.wasm one two
  Serve one line on a TCP port (then: echo hi | nc 127.0.0.1 8080):
    wasmer-imports run --tcplisten 127.0.0.1:8080 testdata/wasi/rust/echo/echo.wasm";

const INSPECT_EXAMPLES: &str = "Examples:
  wasmer-imports inspect testdata/wasi/c/hello/hello.wasm
  wasmer-imports inspect --json testdata/assemblyscript/hello/hello.wasm";

#[derive(Subcommand, Debug)]
enum Command {
    /// Run FILE.wasm, or a minified Emscripten build from its FILE.js glue;
    /// exit with its exit code (134 on a trap).
    #[command(after_help = RUN_EXAMPLES)]
    Run(args::RunArgs),
    /// Show the toolchain detected for FILE.wasm (or FILE.js glue) and which of its imports
    /// are provided; exit 1 if any is not.
    #[command(after_help = INSPECT_EXAMPLES)]
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
