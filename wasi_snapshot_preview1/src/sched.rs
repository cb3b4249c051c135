//! `sched_yield`.

use imports::asyncify::{self, Wait};
use imports::{AsHost, Errno};
use wasmer::{FunctionEnvMut, RuntimeError};

/// `sched_yield()`: yields the host thread to others; under an async
/// driver of an Asyncify guest, suspends the guest so the executor runs
/// its other tasks first ([`imports::asyncify`]). Never fails (a trap if
/// suspending fails). Source: preview1 `sched_yield`.
pub fn sched_yield<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>) -> Result<Errno, RuntimeError> {
    if asyncify::resume_point(&mut ctx)?.is_some() {
        return Ok(Errno::Success);
    }
    if asyncify::can_suspend(ctx.data().host()) {
        asyncify::suspend(&mut ctx, Wait::Yield, 0)?;
    } else {
        std::thread::yield_now();
    }
    Ok(Errno::Success)
}
