//! What can go wrong around a guest, and the exit status each ends in.

use imports::Outcome;
use std::path::PathBuf;
use std::process::ExitCode;
use thiserror::Error;

/// Exit status for a guest that trapped (as a process killed by SIGABRT
/// reports it: 128 + 6).
pub const TRAP_EXIT: u8 = 134;

/// What went wrong before or around the guest, with the exit status to
/// report it by.
#[derive(Debug, Error)]
pub enum CliError {
    /// A bad command line (status 2).
    #[error("{0}")]
    Usage(String),
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not a WebAssembly module, or one wasmer rejects.
    #[error("{path} is not a valid WebAssembly module: {reason}")]
    NotWasm {
        /// The path given.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// JavaScript glue that could not be read as emcc's.
    #[error("{path}: cannot read it as Emscripten glue: {reason}")]
    Glue {
        /// The path given.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The module needs imports nobody provides.
    #[error("{0}")]
    Imports(String),
    /// Setting up or starting the guest failed.
    #[error("{0}")]
    Setup(String),
}

/// wasmer's compile error, with what to do about the one a current
/// toolchain's default output meets: wasmer 7.4 validates the standard
/// (exnref) encoding of Wasm exceptions but not the legacy one that
/// `emcc -fwasm-exceptions` still emits by default (RATIONALE.md, "Wasm
/// exceptions").
pub fn explain_compile_error(reason: String) -> String {
    if !reason.contains("legacy_exceptions feature required") {
        return reason;
    }
    format!(
        "{reason}; it uses the legacy encoding of Wasm exceptions, which wasmer 7.4 cannot run: \
         rebuild it with -sWASM_LEGACY_EXCEPTIONS=0 (the standard exnref encoding) or with -fexceptions"
    )
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_status(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            _ => 1,
        }
    }
}

/// The process exit status for how a guest's run ended: its exit code
/// (low 8 bits, as the OS keeps), or [`TRAP_EXIT`] after printing the trap
/// and its wasm backtrace.
pub fn finish(outcome: Outcome) -> ExitCode {
    match outcome {
        Outcome::Exited(code) => ExitCode::from((code & 0xff) as u8),
        Outcome::Trapped(trap) => {
            report_trap(&trap);
            ExitCode::from(TRAP_EXIT)
        }
    }
}

/// Prints a trap's message and wasm backtrace to stderr.
pub fn report_trap(trap: &wasmer::RuntimeError) {
    eprintln!("wasmer-imports: the guest trapped: {}", trap.message());
    eprintln!("wasm backtrace:");
    for (i, frame) in trap.trace().iter().enumerate() {
        let name = frame
            .function_name()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("<func {}>", frame.func_index()));
        eprintln!(
            "  {i:>3}: {}!{name} @ 0x{:x}",
            frame.module_name(),
            frame.module_offset()
        );
    }
}
