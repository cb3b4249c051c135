//! The builtins every AssemblyScript module may import: `abort`, `trace`
//! and `seed` (`~lib/builtins.ts`).

use crate::format::console_log;
use crate::number::write_js_number;
use crate::string::{chars, Sink};
use crate::{trap, with_memory, AsAssemblyScript, Trace, ABORT_EXIT_CODE};
use wasmer::{FunctionEnvMut, RuntimeError};

/// `abort(message, fileName, lineNumber, columnNumber)`: what a failed
/// `assert`, a `throw` or an explicit `abort()` calls. Writes
/// `<message> in <fileName>:<line>:<column>` and a newline to stderr (the
/// text the bindings throw: `` Error(`${message} in ${fileName}:${lineNumber}:${columnNumber}`) ``;
/// a null string prints `null`; line and column are unsigned), unless
/// [`crate::Options::abort_message`] is off, then ends the guest with exit
/// code 255. Never fails otherwise: an unreadable string prints as empty.
pub fn abort<S: AsAssemblyScript>(
    mut ctx: FunctionEnvMut<'_, S>, message: i32, file_name: i32, line: i32, column: i32,
) -> Result<(), RuntimeError> {
    if ctx.data().assemblyscript().options.abort_message {
        // Without memory (an abort in a start section before binding) the
        // exit still happens; only the message is lost.
        let _ = with_memory(&mut ctx, "abort", |s, mem| {
            let mut out = Sink::new(&mut s.host_mut().fds, 2);
            out.guest(mem, message as u32).str(" in ").guest(mem, file_name as u32);
            out.str(&format!(":{}:{}\n", line as u32, column as u32));
        });
    }
    Err(ctx.data().host().exit(ABORT_EXIT_CODE))
}

/// `trace(message, n, a0, a1, a2, a3, a4)`: debugging output with up to
/// five numbers, the first `n` as the bindings' `[a0, ..., a4].slice(0,
/// n)` takes them (above 5 is 5, a negative `n` drops that many from the
/// end). Off by default; with [`crate::Options::trace`] it writes, as
/// [`Trace::Console`], what the generated bindings' `console.log(message,
/// ...args)` prints, or, as [`Trace::Stdout`]/[`Trace::Stderr`], the
/// loader's `trace: <message>` then a space and the numbers separated by
/// commas; numbers as node's `console.log` prints them (`1e+21`, `-0`).
pub fn trace<S: AsAssemblyScript>(
    mut ctx: FunctionEnvMut<'_, S>, message: i32, n: i32, a0: f64, a1: f64, a2: f64, a3: f64, a4: f64,
) -> Result<(), RuntimeError> {
    let mode = ctx.data().assemblyscript().options.trace;
    let fd = match mode {
        Trace::Off => return Ok(()),
        Trace::Console | Trace::Stdout => 1,
        Trace::Stderr => 2,
    };
    let all = [a0, a1, a2, a3, a4];
    let args = &all[..if n < 0 { (5 + n).max(0) } else { n.min(5) } as usize];
    with_memory(&mut ctx, "trace", |s, mem| {
        let mut sink = Sink::new(&mut s.host_mut().fds, fd);
        if mode == Trace::Console {
            let text: Option<String> = chars(mem, message as u32).map(Iterator::collect);
            sink.str(&console_log(text.as_deref(), args)).str("\n");
        } else {
            sink.str("trace: ")
                .guest(mem, message as u32)
                .str(&loader_numbers(args))
                .str("\n");
        }
    })
}

/// The loader's numbers: a space, then each number, comma-separated.
fn loader_numbers(args: &[f64]) -> String {
    let mut numbers = String::new();
    for (i, a) in args.iter().enumerate() {
        numbers.push(if i == 0 { ' ' } else { ',' });
        write_js_number(&mut numbers, *a, true);
    }
    numbers
}

/// `seed() -> f64`: the seed `Math.random` starts from (it reinterprets
/// the bits). Eight bytes of the guest's random source as a 53-bit integer,
/// so the value is finite and non-negative as the bindings'
/// `Date.now() * Math.random()` is; reproducible under
/// `ModuleConfig::deterministic`. Errors: a trap if the source fails.
pub fn seed<S: AsAssemblyScript>(mut ctx: FunctionEnvMut<'_, S>) -> Result<f64, RuntimeError> {
    let mut bytes = [0u8; 8];
    ctx.data_mut()
        .host_mut()
        .random
        .try_fill_bytes(&mut bytes)
        .map_err(|e| trap(format!("env.seed: the random source failed: {e}")))?;
    Ok((u64::from_le_bytes(bytes) >> 11) as f64)
}
