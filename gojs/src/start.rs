//! What wasm_exec.js's `Go.run` does once the instance exists, and node's
//! event loop after it, reduced to what Go uses: argv and the environment
//! written where Go reads them, `run(argc, argv)`, then fs callbacks and
//! timers delivered through `_pendingEvent` and `resume` until the program
//! exits; when nothing is left to wait for, the deadlock event (`{id: 0}`)
//! that makes Go print "all goroutines are asleep" and exit 2, as
//! wasm_exec_node.js sends it on exit.

use crate::dispatch::{call, resume};
use crate::stack::with_mem;
use crate::value::Value;
use crate::{fs, Error, GoJs, Trap, ARGS_END, ARGS_START};
use imports::{ExitCode, GuestMemory, Host};
use wasmer::{FunctionEnvMut, RuntimeError};

type Ctx<'a> = FunctionEnvMut<'a, GoJs>;

/// node starts in the directory it was started from; a guest starts in
/// `$PWD` when that names a directory it can see, else at `/`.
pub(crate) fn start_in_pwd(s: &mut GoJs) {
    let pwd = s
        .host
        .environ
        .iter()
        .find_map(|kv| kv.strip_prefix("PWD="))
        .map(str::to_owned);
    if let Some(pwd) = pwd.filter(|p| p.starts_with('/')) {
        let _ = fs::chdir(s, &pwd);
    }
}

/// `Ok(Some(code))` when the guest exited, `Ok(None)` when it returned
/// (paused, waiting for events), an error for any other trap.
pub(crate) fn exited(r: Result<(), RuntimeError>) -> Result<Option<u32>, Error> {
    match r {
        Ok(()) => Ok(None),
        Err(e) => match ExitCode::from_runtime_error(e) {
            Ok(ExitCode(code)) => Ok(Some(code)),
            Err(e) => Err(Error::Trap(e)),
        },
    }
}

/// `process.env` as `run` reads it: a JS object, so a later value for a
/// name replaces the earlier, its keys sorted as `Object.keys(env).sort()`
/// sorts them (UTF-16 code unit order).
fn environment(environ: &[String]) -> Vec<(&str, &str)> {
    let mut env: Vec<(&str, &str)> = Vec::new();
    for kv in environ {
        let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
        match env.iter_mut().find(|(n, _)| *n == k) {
            Some(slot) => slot.1 = v,
            None => env.push((k, v)),
        }
    }
    env.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    env
}

/// The strings `run` writes: argv, then `name=value` per variable.
fn arg_strings(host: &Host) -> Vec<String> {
    let env = environment(&host.environ);
    host.args
        .iter()
        .cloned()
        .chain(env.iter().map(|(k, v)| format!("{k}={v}")))
        .collect()
}

/// Bytes a string takes: NUL-terminated, rounded up to 8.
fn padded(st: &str) -> usize {
    (st.len() + 1).div_ceil(8) * 8
}

/// Writes argv and the environment as wasm_exec.js's `run` does: each
/// string NUL-terminated and 8-aligned from [`ARGS_START`], then the
/// pointer array (argv, 0, env, 0) as 64-bit words. Returns (argc, argv).
/// Errors: [`Error::ArgsTooLong`] when they pass [`ARGS_END`].
pub(crate) fn write_args(ctx: &mut Ctx<'_>) -> Result<(i32, i32), Error> {
    let r = with_mem(ctx, |s, mem| {
        let strings = arg_strings(&s.host);
        let size = strings.iter().map(|st| padded(st)).sum::<usize>() + (strings.len() + 2) * 8;
        if size > (ARGS_END - ARGS_START) as usize - 8 {
            return Ok(Err(Error::ArgsTooLong(size)));
        }
        let argc = s.host.args.len();
        Ok(Ok((argc as i32, lay_out(mem, &strings, argc)? as i32)))
    });
    r.unwrap_or_else(|t| Err(Error::Trap(t.into())))
}

/// Writes `strings` (the first `argc` of them argv) and their pointer
/// array from [`ARGS_START`]; returns the array's address.
fn lay_out(mem: &mut GuestMemory<'_>, strings: &[String], argc: usize) -> Result<u32, Trap> {
    let mut offset = ARGS_START;
    let mut ptrs: Vec<u32> = Vec::with_capacity(strings.len() + 2);
    for (i, st) in strings.iter().enumerate() {
        if i == argc {
            ptrs.push(0);
        }
        ptrs.push(offset);
        mem.write(offset, st.as_bytes())?;
        mem.write_u8(offset + st.len() as u32, 0)?;
        offset += padded(st) as u32;
    }
    if argc == strings.len() {
        ptrs.push(0);
    }
    ptrs.push(0);
    let argv = offset;
    for p in ptrs {
        mem.write_u64(offset, u64::from(p))?;
        offset += 8;
    }
    Ok(argv)
}

/// What the event loop does next.
enum Step {
    Callback(Value, Vec<Value>),
    Timer(i32, u64),
    Deadlock,
    Stuck,
}

/// The next step: a queued callback, else the earliest timer, else the
/// deadlock event once, else nothing (stuck). Collects the heap first if
/// it grew enough.
fn next_step(s: &mut GoJs, deadlock_sent: bool) -> Result<Step, Error> {
    if s.world.heap.wants_gc() {
        s.world.collect()?;
    }
    Ok(if let Some((f, args)) = s.world.queue.pop_front() {
        Step::Callback(f, args)
    } else if let Some((&id, &at)) = s.world.timers.iter().min_by_key(|(id, at)| (**at, **id)) {
        Step::Timer(id, at)
    } else if !deadlock_sent {
        Step::Deadlock
    } else {
        Step::Stuck
    })
}

/// The event loop after `run` returned: node's, reduced to what Go uses.
/// With `asynchronous`, waiting for a timer awaits a timer future instead
/// of sleeping the thread (a clock whose sleep does not block is still
/// called).
pub(crate) async fn event_loop(ctx: &mut Ctx<'_>, asynchronous: bool) -> Result<u32, Error> {
    let mut deadlock_sent = false;
    loop {
        let r = match next_step(ctx.data_mut(), deadlock_sent)? {
            Step::Callback(f, args) => match call(ctx, &f, Value::Undefined, args) {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(thrown)) => return Err(Error::Uncaught(ctx.data().world.describe(&thrown))),
                Err(e) => Err(e),
            },
            Step::Timer(id, at) => fire_timer(ctx, id, at, asynchronous).await,
            Step::Deadlock => {
                deadlock_sent = true;
                send_deadlock(ctx)
            }
            Step::Stuck => return Err(Error::Deadlock),
        };
        if let Some(code) = exited(r)? {
            return Ok(code);
        }
    }
}

/// Waits until timer `id` is due at `at` (host nanotime), then resumes Go.
async fn fire_timer(ctx: &mut Ctx<'_>, id: i32, at: u64, asynchronous: bool) -> Result<(), RuntimeError> {
    let sleeper = ctx.data().host.nanosleep.clone();
    let now = ctx.data().host.nanotime.nanotime();
    if at > now {
        if asynchronous && sleeper.blocks() {
            imports::asyncify::sleep(at - now).await;
        } else {
            sleeper.nanosleep(at - now);
        }
    }
    let r = resume(ctx);
    // Go clears the timeout it was woken for; JS timers are one-shot, so
    // one that Go left behind is dropped, not fired again (wasm_exec.js
    // would retry forever).
    ctx.data_mut().world.timers.remove(&id);
    r
}

/// Tells Go nothing is left to wait for: the event `{id: 0}`.
fn send_deadlock(ctx: &mut Ctx<'_>) -> Result<(), RuntimeError> {
    let w = &mut ctx.data_mut().world;
    let ev = w.object(&[("id", Value::Number(0.0))])?;
    w.set_pending_event(Value::Object(ev));
    resume(ctx)
}
