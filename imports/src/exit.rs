//! Ending a guest from a host call.

use thiserror::Error;

/// The error a host function returns to end the guest with an exit code:
/// WASI's `proc_exit`, Go's `runtime.wasmExit`, AssemblyScript's `abort`
/// (255), Emscripten's `exit`.
///
/// It surfaces from `wasmer::Function::call` as a `wasmer::RuntimeError`;
/// the embedder gets the code back with
/// `err.downcast::<imports::ExitCode>()`.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
#[error("guest exited with code {0}")]
pub struct ExitCode(pub u32);

impl ExitCode {
    /// A trap that ends the guest with this code, for a host function to
    /// return.
    pub fn trap(self) -> wasmer::RuntimeError {
        wasmer::RuntimeError::user(Box::new(self))
    }

    /// The exit code carried by a runtime error, if it is one; the error
    /// back otherwise.
    pub fn from_runtime_error(err: wasmer::RuntimeError) -> Result<ExitCode, wasmer::RuntimeError> {
        err.downcast::<ExitCode>()
    }
}
