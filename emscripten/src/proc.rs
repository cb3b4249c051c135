//! Process-level functions: `exit`, `abort`, `getentropy`, `tempRet0`,
//! sleeping. Source: `src/library.js` of emcc 3.1.6.

use crate::guest::{call_i32, mem_trap};
use crate::Ctx;
use imports::asyncify;
use imports::{with_memory, AsHost};
use rand::RngCore as _;
use thiserror::Error;
use wasmer::RuntimeError;

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
    if std::mem::replace(&mut ctx.data_mut().state.exiting, true) {
        return Ok(());
    }
    let Some(g) = ctx.data().state.guest.clone() else {
        return Ok(());
    };
    if g.funcs_on_exit.is_some() {
        call_i32(ctx, &g.funcs_on_exit, "__funcs_on_exit", &[])?;
    }
    if g.stdio_exit.is_some() {
        call_i32(ctx, &g.stdio_exit, "__stdio_exit", &[])?;
    }
    Ok(())
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
/// of an `-sASYNCIFY` guest ([`crate::Emscripten::start_async`]), suspends
/// the guest (as the glue's Asyncify does) so its thread runs other work;
/// otherwise blocks, which a native host can simply do. Errors: a trap if
/// suspending fails.
pub fn emscripten_sleep(mut ctx: Ctx<'_>, ms: u32) -> Result<(), RuntimeError> {
    if asyncify::resume_point(&mut ctx)?.is_some() {
        return Ok(());
    }
    let ns = u64::from(ms) * 1_000_000;
    let sleeper = ctx.data().host.nanosleep.clone();
    if asyncify::can_suspend(&ctx.data().host) && sleeper.blocks() {
        return asyncify::suspend(&mut ctx, asyncify::Wait::Sleep(ns), 0);
    }
    sleeper.nanosleep(ns);
    Ok(())
}
