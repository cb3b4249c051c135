//! What wasm_exec_node.js puts in the global object before `run`, and
//! what Go's standard library reads there: `Object`, `Array`,
//! `Uint8Array`, `Date`, `Error`, `crypto`, `performance`, node's
//! `process`, `path` and `fs` (with `fs.constants`), `globalThis`, and the
//! `Go` object's `_pendingEvent` and `_makeFuncWrapper`.
//!
//! The Go sources that read them: `syscall/fs_js.go`,
//! `syscall/syscall_js.go`, `time/zoneinfo_js.go`, `crypto/rand/rand_js.go`.
//! Decisions where the host cannot be node (uid 0) are in
//! RATIONALE.md ("Go js: ...").

use crate::fs;
use crate::natives::{Native, Op};
use crate::value::{HeapFull, Value};
use crate::world::World;
use std::sync::OnceLock;

/// The world every guest starts from, built once per process: a new
/// guest's world is a copy-on-write clone of it ([`crate::value::Heap`]),
/// which costs a pass over its slots instead of building ~150 objects.
static TEMPLATE: OnceLock<World> = OnceLock::new();

impl World {
    /// The world wasm_exec_node.js sets up before `run`. Errors: the heap
    /// limits ([`HeapFull`]), which a new world does not reach.
    pub fn new() -> Result<World, HeapFull> {
        if let Some(template) = TEMPLATE.get() {
            return Ok(template.clone());
        }
        let w = World::build()?;
        Ok(TEMPLATE.get_or_init(|| w).clone())
    }

    /// Builds the world [`World::new`] clones.
    fn build() -> Result<World, HeapFull> {
        let mut w = World::bare()?;
        w.define_natives()?;
        let date = w.native(Native::Date);
        w.set_own(&date, "now", w.native(Native::DateNow));
        let crypto = w.object(&[("getRandomValues", w.native(Native::GetRandomValues))])?;
        let performance = w.object(&[("now", w.native(Native::PerformanceNow))])?;
        let process = process(&mut w)?;
        let path = w.object(&[("resolve", w.native(Native::Resolve)), ("sep", Value::str("/"))])?;
        let fs = node_fs(&mut w)?;
        let g = Value::Object(w.global);
        for (k, v) in [
            ("Object", w.native(Native::Object)),
            ("Array", w.native(Native::Array)),
            ("Uint8Array", w.native(Native::Uint8Array)),
            ("Date", date),
            ("Error", w.native(Native::Error)),
            ("crypto", Value::Object(crypto)),
            ("performance", Value::Object(performance)),
            ("process", process),
            ("path", Value::Object(path)),
            ("fs", fs),
            ("globalThis", g.clone()),
        ] {
            w.set_own(&g, k, v);
        }
        let go = Value::Object(w.go);
        w.set_own(&go, "_pendingEvent", Value::Null);
        w.set_own(&go, "_makeFuncWrapper", w.native(Native::MakeFuncWrapper));
        Ok(w)
    }
}

/// node's `process`: the host process's ids, `linux`, and the methods Go
/// calls.
fn process(w: &mut World) -> Result<Value, HeapFull> {
    let pid = f64::from(std::process::id());
    let ppid = f64::from(std::os::unix::process::parent_id());
    let mut props = vec![
        ("pid", Value::Number(pid)),
        ("ppid", Value::Number(ppid)),
        ("platform", Value::str("linux")),
    ];
    let methods = [
        Native::Cwd,
        Native::Chdir,
        Native::Umask,
        Native::Getuid,
        Native::Getgid,
        Native::Geteuid,
        Native::Getegid,
        Native::Getgroups,
    ];
    props.extend(methods.iter().map(|n| (n.name(), w.native(*n))));
    Ok(Value::Object(w.object(&props)?))
}

/// node's `fs`: every method of [`Op`] and `fs.constants`.
fn node_fs(w: &mut World) -> Result<Value, HeapFull> {
    let constants: Vec<(&str, Value)> = fs::CONSTANTS.iter().map(|(k, v)| (*k, Value::Number(*v))).collect();
    let constants = w.object(&constants)?;
    let mut props: Vec<(&str, Value)> = Op::ALL
        .iter()
        .map(|op| (op.name(), w.native(Native::Fs(*op))))
        .collect();
    props.push(("constants", Value::Object(constants)));
    Ok(Value::Object(w.object(&props)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_has_what_go_reads() {
        let w = World::new().unwrap();
        let g = Value::Object(w.global);
        let fs = w.get(&g, "fs").unwrap();
        let consts = w.get(&fs, "constants").unwrap();
        assert_eq!(w.get(&consts, "O_CREAT"), Some(Value::Number(64.0)));
        assert!(w.is_function(&w.get(&fs, "open").unwrap()));
        assert!(w.is_function(&w.get(&g, "Uint8Array").unwrap()));
        assert_eq!(w.get(&Value::Undefined, "x"), None);
        assert_eq!(w.get(&Value::str("héllo"), "length"), Some(Value::Number(5.0)));
    }
}
