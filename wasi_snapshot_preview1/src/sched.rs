//! `sched_yield`.

use imports::asyncify::{self, Step, Wait};
use imports::{AsHost, Errno};
use wasmer::{FunctionEnvMut, RuntimeError};

/// `sched_yield()`: yields the host thread to others; when the guest can
/// be suspended (an Asyncify guest under an async driver, or any guest
/// under the coroutine driver), suspends it so the executor runs its other
/// tasks first ([`imports::asyncify`]). Never fails (a trap if suspending
/// fails). Source: preview1 `sched_yield`.
pub fn sched_yield<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>) -> Result<Errno, RuntimeError> {
    asyncify::step(&mut ctx, sched_yield_step)
}

/// One attempt at `sched_yield`: done at once when resumed or when
/// nothing can be suspended (after yielding the thread).
pub(crate) fn sched_yield_step<S: AsHost>(
    ctx: &mut FunctionEnvMut<'_, S>, origin: Option<u64>,
) -> Result<Step, RuntimeError> {
    if origin.is_some() {
        return Ok(Step::Done(Errno::Success));
    }
    if asyncify::can_suspend(ctx.data().host()) {
        return Ok(Step::Wait(Wait::Yield, 0));
    }
    std::thread::yield_now();
    Ok(Step::Done(Errno::Success))
}
