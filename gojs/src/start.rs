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
use imports::driver::Caller;
use imports::{GuestMemory, Host, Outcome};
use wasmer::{FunctionEnvMut, RuntimeError};

type Ctx<'a> = FunctionEnvMut<'a, GoJs>;

/// What `run` is called with: node starts in the directory it was started
/// from, so a guest starts in `$PWD` when that names a directory it can
/// see (else at `/`); argv and the environment are written where Go reads
/// them ([`write_args`]).
pub(crate) fn enter_run(ctx: &mut Ctx<'_>) -> Result<(i32, i32), Error> {
    let s = ctx.data_mut();
    let pwd = s
        .host
        .environ
        .iter()
        .find_map(|kv| kv.strip_prefix("PWD="))
        .map(str::to_owned);
    if let Some(pwd) = pwd.filter(|p| p.starts_with('/')) {
        let _ = fs::chdir(s, &pwd);
    }
    write_args(ctx)
}

/// `None` when the guest returned (paused, waiting for events); how it
/// ended otherwise (an exit, or a trap).
pub(crate) fn ended(r: Result<(), RuntimeError>) -> Option<Outcome> {
    r.err().map(|e| Outcome::of(Err(e)))
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
/// Waiting for a timer goes through `caller` (a blocking sleep, or an
/// awaited timer for an async caller).
pub(crate) async fn event_loop(caller: &mut impl Caller<GoJs>) -> Result<Outcome, Error> {
    let mut deadlock_sent = false;
    loop {
        let step = caller.with_ctx(|ctx| next_step(ctx.data_mut(), deadlock_sent)).await?;
        let r = match step {
            Step::Callback(f, args) => caller.with_ctx(|ctx| callback(ctx, &f, args)).await?,
            Step::Timer(id, at) => {
                let (sleeper, now) = caller
                    .with_ctx(|ctx| (ctx.data().host.nanosleep.clone(), ctx.data().host.nanotime.nanotime()))
                    .await;
                if at > now {
                    caller.sleep(&*sleeper, at - now).await;
                }
                caller.with_ctx(|ctx| fire_timer(ctx, id)).await
            }
            Step::Deadlock => {
                deadlock_sent = true;
                caller.with_ctx(send_deadlock).await?
            }
            Step::Stuck => return Err(Error::Deadlock),
        };
        if let Some(outcome) = ended(r) {
            return Ok(outcome);
        }
    }
}

/// Calls a queued callback; one that throws is an uncaught exception.
fn callback(ctx: &mut Ctx<'_>, f: &Value, args: Vec<Value>) -> Result<Result<(), RuntimeError>, Error> {
    match call(ctx, f, Value::Undefined, args) {
        Ok(Ok(_)) => Ok(Ok(())),
        Ok(Err(thrown)) => Err(Error::Uncaught(ctx.data().world.describe(&thrown))),
        Err(e) => Ok(Err(e)),
    }
}

/// Resumes Go for the timer `id`, which is then dropped: Go clears the
/// timeout it was woken for, and JS timers are one-shot, so one that Go
/// left behind is not fired again (wasm_exec.js would retry forever).
fn fire_timer(ctx: &mut Ctx<'_>, id: i32) -> Result<(), RuntimeError> {
    let r = resume(ctx);
    ctx.data_mut().world.timers.remove(&id);
    r
}

/// Tells Go nothing is left to wait for: the event `{id: 0}`, which
/// makes Go report its own deadlock and exit.
fn send_deadlock(ctx: &mut Ctx<'_>) -> Result<Result<(), RuntimeError>, Error> {
    let w = &mut ctx.data_mut().world;
    let ev = w.object(&[("id", Value::Number(0.0))])?;
    w.set_pending_event(Value::Object(ev));
    Ok(resume(ctx))
}
