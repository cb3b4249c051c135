//! Calling a JS function: a native runs in the host (each [`Native`] to
//! the file that implements it), a Go function wrapper re-enters the
//! guest as wasm_exec.js's `_makeFuncWrapper` does.

use crate::natives::Native;
use crate::value::{to_number, Func, Kind, Value};
use crate::world::{throw, JsResult, UID};
use crate::{builtins, fs, node, GoJs, Trap, MAX_DEPTH};
use wasmer::{FunctionEnvMut, RuntimeError};

/// Calls the guest's `resume` export, at most [`MAX_DEPTH`] deep.
pub(crate) fn resume(ctx: &mut FunctionEnvMut<'_, GoJs>) -> Result<(), RuntimeError> {
    let s = ctx.data_mut();
    let guest = s.guest.clone().ok_or(Trap::NotBound)?;
    if s.depth >= MAX_DEPTH {
        return Err(Trap::TooDeep(MAX_DEPTH).into());
    }
    s.depth += 1;
    s.reentries += 1;
    let r = guest.resume.call(ctx);
    ctx.data_mut().depth -= 1;
    r
}

/// Calls the JS function `f` with `this` and `args`: a native runs in the
/// host, a Go function wrapper re-enters the guest (`_makeFuncWrapper`:
/// sets `_pendingEvent = {id, this, args}`, resumes, returns
/// `event.result`). Not a function: a TypeError is thrown. The outer
/// error is a trap or the guest's exit.
pub(crate) fn call(
    ctx: &mut FunctionEnvMut<'_, GoJs>, f: &Value, this: Value, args: Vec<Value>,
) -> Result<JsResult, RuntimeError> {
    let s = ctx.data_mut();
    let func = match f {
        Value::Object(id) => match s.world.heap.get(*id).map(|o| &o.kind) {
            Some(Kind::Function(func)) => Some(*func),
            _ => None,
        },
        _ => None,
    };
    match func {
        None => {
            let msg = format!("{} is not a function", s.world.describe(f));
            Ok(Err(s.world.error("TypeError", &msg, None)?))
        }
        Some(Func::Native(n)) => Ok(call_native(s, n, &this, &args)?),
        Some(Func::Go(id)) => call_go(ctx, id, this, args),
    }
}

/// Calls the Go function wrapped with `id`.
fn call_go(
    ctx: &mut FunctionEnvMut<'_, GoJs>, id: f64, this: Value, args: Vec<Value>,
) -> Result<JsResult, RuntimeError> {
    let w = &mut ctx.data_mut().world;
    let arr = w.heap.alloc(Kind::Array(args))?;
    let ev = w.object(&[("id", Value::Number(id)), ("this", this), ("args", Value::Object(arr))])?;
    w.set_pending_event(Value::Object(ev));
    // The event (and what it holds) must survive collections that Go's
    // handler may cause before we read its result.
    w.pinned.push(Value::Object(ev));
    let r = resume(ctx);
    let w = &mut ctx.data_mut().world;
    w.pinned.pop();
    r?;
    Ok(Ok(w.get(&Value::Object(ev), "result").unwrap_or(Value::Undefined)))
}

/// Calls the native `n` with `this` and `args`.
fn call_native(s: &mut GoJs, n: Native, this: &Value, args: &[Value]) -> Result<JsResult, Trap> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Undefined);
    let value = match n {
        Native::Fs(op) => return fs::call(s, op, args),
        // Called without `new`, these constructors construct anyway.
        Native::Object | Native::Array | Native::Uint8Array | Native::Error => {
            return builtins::construct_native(s, n, args)
        }
        Native::Date => builtins::date_string(s),
        Native::DateNow => Value::Number(builtins::now_ms(s)),
        Native::GetTimezoneOffset => return builtins::get_timezone_offset(s, this),
        Native::GetTime => return builtins::get_time(s, this),
        Native::PerformanceNow => node::performance_now(s),
        Native::GetRandomValues => return node::get_random_values(s, arg(0)),
        Native::Cwd => Value::str(&s.world.ns.cwd),
        Native::Chdir => return node::chdir(s, arg(0)),
        Native::Umask => node::umask(s, arg(0)),
        Native::Getuid | Native::Getgid | Native::Geteuid | Native::Getegid => Value::Number(UID),
        Native::Getgroups => return node::getgroups(s),
        Native::Resolve => return node::resolve(s, args),
        Native::MakeFuncWrapper => Value::Object(s.world.heap.alloc(Kind::Function(Func::Go(to_number(&arg(0)))))?),
        Native::IsDirectory | Native::IsFile | Native::IsSymbolicLink => node::stats_is(s, n, this),
    };
    Ok(Ok(value))
}

/// The TypeError of calling a method `v` does not have.
pub(crate) fn no_method(s: &mut GoJs, v: &Value, name: &str) -> Result<JsResult, Trap> {
    let msg = format!("Cannot read properties of {} (reading '{name}')", s.world.describe(v));
    throw(s, "TypeError", &msg, None)
}
