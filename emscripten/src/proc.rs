//! Process-level functions: `exit`, `abort`, `getentropy`, `tempRet0`,
//! sleeping. Source: `src/library.js` of emcc 3.1.6.

use crate::guest::mem_trap;
use crate::Ctx;
use imports::asyncify;
use imports::{with_memory, AsHost};
use rand::RngCore as _;
use thiserror::Error;
use wasmer::{Function, RuntimeError};

/// The trap `abort()` raises (and a few impossible states, such as
/// `__cxa_rethrow` with no active handler): ends the guest. The glue prints
/// `Aborted(<reason>)` and throws a `RuntimeError`.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("Aborted({0})")]
pub struct Aborted(pub String);

impl Aborted {
    /// This abort as a trap for a host function to return.
    pub fn trap(self) -> RuntimeError {
        RuntimeError::user(Box::new(self))
    }
}

/// Runs the guest's atexit handlers (`__funcs_on_exit`) and flushes its
/// stdio (`__stdio_exit`), when it exports them, once: what the glue's
/// `exitRuntime` does with `EXIT_RUNTIME`.
pub fn exit_runtime(ctx: &mut Ctx<'_>) -> Result<(), RuntimeError> {
    for f in exit_calls(ctx) {
        f.call(ctx, &[])?;
    }
    Ok(())
}

/// What [`exit_runtime`] calls, in order, for a caller that makes the
/// calls itself: `__funcs_on_exit` and `__stdio_exit` (those the guest
/// exports), or nothing once the runtime has begun exiting.
pub(crate) fn exit_calls(ctx: &mut Ctx<'_>) -> Vec<Function> {
    if std::mem::replace(&mut ctx.data_mut().state.exiting, true) {
        return Vec::new();
    }
    let Some(g) = ctx.data().state.guest.clone() else {
        return Vec::new();
    };
    [g.funcs_on_exit, g.stdio_exit].into_iter().flatten().collect()
}

/// `exit(status)`: runs the atexit handlers, flushes stdio, and ends the
/// guest with `status` through the configured [`imports::ExitHandler`].
pub fn exit(mut ctx: Ctx<'_>, status: i32) -> Result<(), RuntimeError> {
    exit_runtime(&mut ctx)?;
    Err(ctx.data().host().exit(status as u32))
}

/// `abort()`: ends the guest with an [`Aborted`] trap.
pub fn abort(_ctx: Ctx<'_>) -> Result<(), RuntimeError> {
    Err(Aborted(String::new()).trap())
}

/// `getentropy(buf, size) -> 0`: fills `buf` from the host's random
/// source. A buffer outside memory traps (the glue would throw a
/// `RangeError`).
pub fn getentropy(mut ctx: Ctx<'_>, buf: u32, size: u32) -> Result<i32, RuntimeError> {
    with_memory(&mut ctx, |s, mem| {
        let out = mem.slice_mut(buf, size)?;
        s.host.random.fill_bytes(out);
        Ok(0)
    })
    .map_err(mem_trap)
}

/// `setTempRet0(value)`: the high half of an i64 result in builds without
/// `WASM_BIGINT`.
pub fn set_temp_ret0(mut ctx: Ctx<'_>, value: i32) {
    ctx.data_mut().state.temp_ret0 = value;
}

/// `getTempRet0() -> value`.
pub fn get_temp_ret0(ctx: Ctx<'_>) -> i32 {
    ctx.data().state.temp_ret0
}

/// `emscripten_sleep(ms)`: waits `ms` milliseconds. Under an async driver
/// (an `-sASYNCIFY` guest under [`crate::run_async`], or any
/// guest under [`crate::run_coroutine`]) suspends the guest, as the glue's
/// Asyncify does, so its thread runs other work; otherwise blocks, which a
/// native host can simply do. Errors: a trap if suspending fails.
pub fn emscripten_sleep(mut ctx: Ctx<'_>, ms: u32) -> Result<(), RuntimeError> {
    asyncify::step(&mut ctx, |ctx, origin| sleep_step(ctx, ms, origin)).map(drop)
}

/// One attempt at `emscripten_sleep(ms)` (see [`asyncify::Step`]): waits
/// when the guest can be suspended, else sleeps in place; a resumed call
/// (`origin` set) has already waited.
pub fn sleep_step(ctx: &mut Ctx<'_>, ms: u32, origin: Option<u64>) -> Result<asyncify::Step, RuntimeError> {
    let done = asyncify::Step::Done(imports::Errno::Success);
    if origin.is_some() {
        return Ok(done);
    }
    let ns = u64::from(ms) * 1_000_000;
    let sleeper = ctx.data().host.nanosleep.clone();
    if asyncify::can_suspend(&ctx.data().host) && sleeper.blocks() {
        return Ok(asyncify::Step::Wait(asyncify::Wait::Sleep(ns), 0));
    }
    sleeper.nanosleep(ns);
    Ok(done)
}
