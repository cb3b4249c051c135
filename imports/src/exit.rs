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

/// The error that ends a guest whose `ModuleConfig::timeout` is up
/// (feature `interrupt`): the trap of its run, found with
/// `err.downcast_ref::<imports::TimedOut>()` on the `wasmer::RuntimeError`
/// the import set's error carries (its `Trap` variant). It holds the time
/// the guest was given.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
#[error("the guest ran longer than its timeout of {} s and was stopped", .0.as_secs_f64())]
pub struct TimedOut(pub std::time::Duration);

impl TimedOut {
    /// A trap that ends the guest as timed out.
    pub fn trap(self) -> wasmer::RuntimeError {
        wasmer::RuntimeError::user(Box::new(self))
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

/// How a guest's run ended: it exited (returned from its entry point, or
/// ended itself with an exit code), or it trapped.
#[derive(Debug)]
pub enum Outcome {
    /// It exited with this code (0 when its entry point returned).
    Exited(u32),
    /// It trapped, other than by exiting: the trap, with its wasm
    /// backtrace.
    Trapped(wasmer::RuntimeError),
}

impl Outcome {
    /// The one exit-code check: what calling a guest's entry point came
    /// to. `Ok(code)` is its exit code (the entry point returned, and
    /// `code` is what the toolchain makes of that: 0, or `main`'s result);
    /// an [`ExitCode`] trap is that code; any other trap is
    /// [`Outcome::Trapped`].
    pub fn of(result: Result<u32, wasmer::RuntimeError>) -> Outcome {
        match result.map_err(ExitCode::from_runtime_error) {
            Ok(code) | Err(Ok(ExitCode(code))) => Outcome::Exited(code),
            Err(Err(trap)) => Outcome::Trapped(trap),
        }
    }

    /// The exit code, or the trap as the error.
    pub fn code(self) -> Result<u32, wasmer::RuntimeError> {
        match self {
            Outcome::Exited(code) => Ok(code),
            Outcome::Trapped(trap) => Err(trap),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_exit_code_check() {
        assert!(matches!(Outcome::of(Ok(3)), Outcome::Exited(3)));
        assert!(matches!(Outcome::of(Err(ExitCode(5).trap())), Outcome::Exited(5)));
        let trapped = Outcome::of(Err(wasmer::RuntimeError::new("unreachable")));
        assert_eq!(trapped.code().unwrap_err().message(), "unreachable");
    }
}
