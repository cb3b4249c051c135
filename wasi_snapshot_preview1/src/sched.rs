//! `sched_yield`.

use imports::{AsHost, Errno};
use wasmer::FunctionEnvMut;

/// `sched_yield()`: yields the host thread to others. Never fails.
/// Source: preview1 `sched_yield`.
pub fn sched_yield<S: AsHost>(_ctx: FunctionEnvMut<'_, S>) -> Result<(), Errno> {
    std::thread::yield_now();
    Ok(())
}
