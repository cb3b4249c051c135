//! `console.*` from the std bindings (`~lib/bindings/dom.ts`), as node's
//! console does them: `log`, `info` and `debug` to stdout, `warn` and
//! `error` to stderr, `assert`, and the `time`/`timeLog`/`timeEnd` timers.

use crate::number::format_duration;
use crate::string::{lift, Sink};
use crate::{with_memory, AsAssemblyScript, MAX_LABEL, MAX_TIMERS};
use imports::AsHost;
use wasmer::{FunctionEnvMut, RuntimeError};

/// `console.log(text)` (also `info`, `debug`: `FD` 1) and
/// `console.warn(text)` (also `error`: `FD` 2): the string and a newline.
pub fn print<S: AsAssemblyScript, const FD: u32>(
    mut ctx: FunctionEnvMut<'_, S>, text: i32,
) -> Result<(), RuntimeError> {
    with_memory(&mut ctx, "console.log", |s, mem| {
        Sink::new(&mut s.host_mut().fds, FD).guest(mem, text as u32).str("\n");
    })
}

/// `console.assert(condition, message)`: when `condition` is 0, writes
/// `Assertion failed: <message>` to stderr, as node does; never ends the
/// guest.
pub fn assert<S: AsAssemblyScript>(
    mut ctx: FunctionEnvMut<'_, S>, condition: i32, message: i32,
) -> Result<(), RuntimeError> {
    if condition != 0 {
        return Ok(());
    }
    with_memory(&mut ctx, "console.assert", |s, mem| {
        Sink::new(&mut s.host_mut().fds, 2)
            .str("Assertion failed: ")
            .guest(mem, message as u32)
            .str("\n");
    })
}

/// Writes one of node's console warnings to stderr (node prefixes
/// `(node:<pid>) `; the text is the same).
fn warn<S: AsHost>(s: &mut S, text: &str) {
    Sink::new(&mut s.host_mut().fds, 2).str("Warning: ").str(text).str("\n");
}

/// The label at `ptr`, read from memory.
fn label<S: AsAssemblyScript>(ctx: &mut FunctionEnvMut<'_, S>, import: &str, ptr: i32) -> Result<String, RuntimeError> {
    with_memory(ctx, import, |_, mem| lift(mem, ptr as u32, MAX_LABEL))
}

/// `console.time(label)`: starts a timer on the guest's monotonic clock.
/// A label already running: a warning, as node gives (`Label 'x' already
/// exists for console.time()`). At most [`MAX_TIMERS`] run at once.
pub fn time<S: AsAssemblyScript>(mut ctx: FunctionEnvMut<'_, S>, label_ptr: i32) -> Result<(), RuntimeError> {
    let label = label(&mut ctx, "console.time", label_ptr)?;
    let s = ctx.data_mut();
    let now = s.host().nanotime.nanotime();
    let timers = &mut s.assemblyscript_mut().timers;
    if timers.contains_key(&label) {
        warn(s, &format!("Label '{label}' already exists for console.time()"));
    } else if timers.len() >= MAX_TIMERS {
        warn(
            s,
            &format!("Too many timers: label '{label}' not started for console.time()"),
        );
    } else {
        timers.insert(label, now);
    }
    Ok(())
}

/// Prints `<label>: <elapsed>` to stdout for a running timer, or node's
/// warning (`No such label 'x' for console.<import>()`); removes the timer
/// when `end`.
fn report<S: AsAssemblyScript>(
    ctx: &mut FunctionEnvMut<'_, S>, label_ptr: i32, import: &str, end: bool,
) -> Result<(), RuntimeError> {
    let label = label(ctx, import, label_ptr)?;
    let s = ctx.data_mut();
    let now = s.host().nanotime.nanotime();
    let timers = &mut s.assemblyscript_mut().timers;
    let start = if end {
        timers.remove(&label)
    } else {
        timers.get(&label).copied()
    };
    match start {
        Some(t) => {
            let ms = now.saturating_sub(t) as f64 / 1e6;
            Sink::new(&mut s.host_mut().fds, 1)
                .str(&label)
                .str(": ")
                .str(&format_duration(ms))
                .str("\n");
        }
        None => warn(s, &format!("No such label '{label}' for {import}()")),
    }
    Ok(())
}

/// `console.timeLog(label)`: prints the time since `console.time(label)`,
/// as node formats it (`work: 0.583ms`, `1.500s`, `1:00.300 (m:ss.mmm)`).
pub fn time_log<S: AsAssemblyScript>(mut ctx: FunctionEnvMut<'_, S>, label: i32) -> Result<(), RuntimeError> {
    report(&mut ctx, label, "console.timeLog", false)
}

/// `console.timeEnd(label)`: prints as `timeLog` and stops the timer.
pub fn time_end<S: AsAssemblyScript>(mut ctx: FunctionEnvMut<'_, S>, label: i32) -> Result<(), RuntimeError> {
    report(&mut ctx, label, "console.timeEnd", true)
}
