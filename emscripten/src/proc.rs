//! Process-level functions: `exit`, `abort`, `getentropy`, `tempRet0`,
//! sleeping. Source: `src/library.js` of emcc 3.1.6.

use crate::guest::{c_string, mem_trap, nested};
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
        nested(ctx, "exit handlers", |ctx| f.call(ctx, &[]))?;
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
    match ctx.data().host.time_up() {
        Some(trap) => Err(trap),
        None => Ok(done),
    }
}

/// `_abort_js()` (emcc 3.1.58 and later): `abort()`.
pub fn abort_js(ctx: Ctx<'_>) -> Result<(), RuntimeError> {
    abort(ctx)
}

/// `__assert_fail(condition, file, line, function)`: a failed `assert`
/// ends the guest with an [`Aborted`] trap saying what the glue prints:
/// `Assertion failed: <condition>, at: <file>,<line>,<function>`.
pub fn assert_fail(mut ctx: Ctx<'_>, cond: u32, file: u32, line: i32, func: u32) -> Result<(), RuntimeError> {
    let text = |mem: &imports::GuestMemory<'_>, p: u32, none: &str| match p {
        0 => none.to_string(),
        p => c_string(mem, p).unwrap_or_else(|_| "?".into()),
    };
    let msg = with_memory(&mut ctx, |_, mem| {
        Ok(format!(
            "Assertion failed: {}, at: {},{line},{}",
            text(mem, cond, ""),
            text(mem, file, "unknown filename"),
            text(mem, func, "unknown function"),
        ))
    })
    .map_err(mem_trap)?;
    Err(Aborted(msg).trap())
}

/// `_emscripten_system(command)`: a guest may not run host commands, so
/// there is no shell: `system(NULL)` is 0 and any command `-ENOSYS`, as
/// the glue answers outside node (RATIONALE.md, "`system()`").
pub fn emscripten_system(_ctx: Ctx<'_>, command: u32) -> i32 {
    match command {
        0 => 0,
        _ => crate::syscall::neg(imports::Errno::Nosys),
    }
}

/// `__call_sighandler(handler, signal)`: calls the guest's handler (a
/// table index) with `signal`, as `raise()` needs. Errors: a trap for an
/// index that is not a `(i32) -> ()` function.
pub fn call_sighandler(mut ctx: Ctx<'_>, handler: u32, signal: i32) -> Result<(), RuntimeError> {
    let g = crate::guest::guest(&ctx)?;
    let ty = wasmer::FunctionType::new([wasmer::Type::I32], []);
    let f = crate::invoke::table_entry(&mut ctx, &g, handler, "__call_sighandler", &ty)?;
    let call = |ctx: &mut Ctx<'_>| f.call(ctx, &[wasmer::Value::I32(signal)]);
    nested(&mut ctx, "__call_sighandler", call).map(drop)
}

/// `_setitimer_js(which, timeout_ms) -> 0`: accepts the timer and never
/// fires it. The glue's timer fires from node's event loop, which a
/// program that has not returned from `main` never reaches, and an
/// `EXIT_RUNTIME` exit clears it (RATIONALE.md, "Signals and itimers").
pub fn setitimer_js(_ctx: Ctx<'_>, _which: i32, _timeout_ms: f64) -> i32 {
    0
}

/// `_emscripten_runtime_keepalive_clear()`: nothing to clear, as this
/// host ends a guest when `main` returns (or `exit` is called).
pub fn runtime_keepalive_clear(_ctx: Ctx<'_>) {}
