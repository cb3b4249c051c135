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

/// What happens when a guest exits (WASI `proc_exit`, AssemblyScript
/// `abort`/`process.exit`, Emscripten `exit`, Go's `runtime.wasmExit`):
/// the error the host function returns. It must end the guest (a guest
/// that exits does not expect to continue), but the handler decides what
/// the embedder sees and may act first.
pub trait ExitHandler: Send + Sync + std::fmt::Debug {
    /// The trap that ends the guest with exit code `code`.
    fn exit(&self, code: u32) -> wasmer::RuntimeError;
}

/// The default: end the guest with an [`ExitCode`] the embedder reads back.
#[derive(Clone, Copy, Debug, Default)]
pub struct EndGuest;

impl ExitHandler for EndGuest {
    fn exit(&self, code: u32) -> wasmer::RuntimeError {
        ExitCode(code).trap()
    }
}

/// Calls a user callback with the exit code, then ends the guest as
/// [`EndGuest`] does (for embedders that record exits, or flush state of
/// their own).
pub struct ExitCallback<F>(pub F);

impl<F: Fn(u32) + Send + Sync> ExitHandler for ExitCallback<F> {
    fn exit(&self, code: u32) -> wasmer::RuntimeError {
        (self.0)(code);
        ExitCode(code).trap()
    }
}

impl<F> std::fmt::Debug for ExitCallback<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExitCallback")
    }
}
