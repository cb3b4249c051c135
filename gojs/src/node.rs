//! node's globals besides `fs`'s methods, as wasm_exec_node.js leaves them
//! and Go calls them: `process` (working directory, umask, ids), `path`
//! (`resolve`), `crypto` (`getRandomValues`), `performance` (`now`), and
//! the predicates of `fs.Stats`. Errors are node's: a bad argument throws
//! a TypeError with `code: "ERR_INVALID_ARG_TYPE"`, a failed system call
//! throws a system error ([`fs::errno_error`]).

use crate::fs;
use crate::natives::Native;
use crate::value::{to_number, Kind, Value};
use crate::world::{throw, JsResult, UID};
use crate::{GoJs, Trap};
use std::sync::Arc;

/// Throws node's TypeError for a bad argument.
fn invalid_arg(s: &mut GoJs, message: &str) -> Result<JsResult, Trap> {
    throw(s, "TypeError", message, Some("ERR_INVALID_ARG_TYPE"))
}

/// `performance.now()`: the host's monotonic clock, in ms.
pub(crate) fn performance_now(s: &GoJs) -> Value {
    Value::Number(s.host.nanotime.nanotime() as f64 / 1e6)
}

/// `crypto.getRandomValues(target)`: fills a Uint8Array from the host's
/// random source and returns it.
pub(crate) fn get_random_values(s: &mut GoJs, target: Value) -> Result<JsResult, Trap> {
    let rng = &mut s.host.random;
    match s.world.bytes_mut(&target) {
        Some(b) => {
            rng.fill_bytes(b);
            Ok(Ok(target))
        }
        None => invalid_arg(s, "The data argument must be an integer-type TypedArray"),
    }
}

/// `process.chdir(directory)`.
pub(crate) fn chdir(s: &mut GoJs, directory: Value) -> Result<JsResult, Trap> {
    let Value::String(p) = directory else {
        return invalid_arg(s, "The \"directory\" argument must be of type string");
    };
    match fs::chdir(s, &p) {
        Ok(()) => Ok(Ok(Value::Undefined)),
        Err(e) => Ok(Err(fs::errno_error(s, e, "chdir", &p)?)),
    }
}

/// `process.umask([mask])`: sets the mask when given a number; returns
/// the previous one.
pub(crate) fn umask(s: &mut GoJs, mask: Value) -> Value {
    let old = s.world.umask;
    if let Value::Number(m) = mask {
        if m.is_finite() {
            s.world.umask = (m as i64 & 0o777) as u32;
        }
    }
    Value::Number(f64::from(old))
}

/// `process.getgroups()`: the guest's one group ([`UID`]).
pub(crate) fn getgroups(s: &mut GoJs) -> Result<JsResult, Trap> {
    let id = s.world.heap.alloc(Kind::Array(vec![Value::Number(UID)]))?;
    Ok(Ok(Value::Object(id)))
}

/// `path.resolve(...paths)`: joined right to left up to the first
/// absolute one, then against `process.cwd()`, normalised.
pub(crate) fn resolve(s: &mut GoJs, args: &[Value]) -> Result<JsResult, Trap> {
    let mut parts: Vec<Arc<str>> = Vec::new();
    for a in args {
        match a {
            Value::String(p) => parts.push(p.clone()),
            _ => return invalid_arg(s, "The \"paths\" argument must be of type string"),
        }
    }
    let mut joined = String::new();
    for p in parts.iter().rev().filter(|p| !p.is_empty()) {
        joined = if joined.is_empty() {
            p.to_string()
        } else {
            format!("{p}/{joined}")
        };
        if p.starts_with('/') {
            break;
        }
    }
    Ok(Ok(Value::str(&fs::absolute(&s.world.ns.cwd, &joined).path)))
}

/// `stats.isDirectory()`, `isFile()`, `isSymbolicLink()` (`n`): the file
/// type in `this.mode`.
pub(crate) fn stats_is(s: &GoJs, n: Native, this: &Value) -> Value {
    let mode = s.world.get(this, "mode").map_or(f64::NAN, |m| to_number(&m));
    let fmt = if mode.is_finite() {
        (mode as i64) & fs::S_IFMT
    } else {
        -1
    };
    let want = match n {
        Native::IsDirectory => fs::S_IFDIR,
        Native::IsFile => fs::S_IFREG,
        _ => fs::S_IFLNK,
    };
    Value::Bool(fmt == want)
}
