//! `proc_exit`, `proc_raise`.

use imports::{AsHost, Errno};
use wasmer::{FunctionEnvMut, RuntimeError};

/// `proc_exit(rval)`: ends the guest with exit code `rval`, through the
/// configured [`imports::ExitHandler`] (by default an [`imports::ExitCode`]
/// trap the embedder reads back). Source: preview1 `proc_exit`.
pub fn proc_exit<S: AsHost>(ctx: FunctionEnvMut<'_, S>, rval: u32) -> Result<(), RuntimeError> {
    Err(ctx.data().host().exit(rval))
}

/// `proc_raise(sig)`: raises signal `sig` (preview1 `signal` numbering,
/// 1 `SIGHUP` to 30 `SIGSYS`) with its POSIX default action, since a guest
/// cannot install handlers. Signal 0 and the signals whose action the
/// specification gives as "Ignored", "Continues" or "Stops" (`PIPE` 13,
/// `CHLD` 16, `CONT` 17, `STOP` 18, `TSTP` 19, `TTIN` 20, `TTOU` 21, `URG`
/// 22, `WINCH` 27) do nothing; every other
/// signal terminates the guest with exit code 128 + `sig`, as a POSIX shell
/// reports a death by signal (RATIONALE.md). Errors: `EINVAL` (not a
/// preview1 signal).
pub fn proc_raise<S: AsHost>(ctx: FunctionEnvMut<'_, S>, sig: u32) -> Result<Errno, RuntimeError> {
    match sig {
        0 | 13 | 16..=22 | 27 => Ok(Errno::Success),
        1..=30 => Err(ctx.data().host().exit(128 + sig)),
        _ => Ok(Errno::Inval),
    }
}
