//! The JS side of one guest, as an object model: the heap and reference
//! table, the global and `Go` objects, the event queue and timers, and the
//! property semantics `syscall/js` relies on (`Reflect.get`/`set`/
//! `deleteProperty`, `length`, `instanceof`, `String(v)`).
//!
//! What the globals hold is built in `globals.rs`, what the host's
//! functions do is dispatched in `dispatch.rs`; this file knows natives
//! only by identity ([`Native`]).

// Re-exported: node's fs (fs.rs) names the `fs.Stats` predicates here.
pub use crate::natives::Native;
use crate::refs::Refs;
use crate::value::{number_to_string, to_number, to_uint8, Func, Heap, HeapFull, Kind, ObjId, Value};
use crate::{GoJs, Trap};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

/// What a JS call gives back: the result, or the value it threw.
pub type JsResult = Result<Value, Value>;

/// The uid, gid and groups the guest runs as: it owns every file it sees
/// (RATIONALE.md, "Go js: the guest is uid 0").
pub const UID: f64 = 0.0;

/// The JS side of one guest.
#[derive(Clone, Debug)]
pub struct World {
    /// The object heap.
    pub heap: Heap,
    /// The reference table.
    pub refs: Refs,
    /// `globalThis`.
    pub global: ObjId,
    /// The `Go` instance.
    pub go: ObjId,
    /// Callbacks to deliver from the event loop: (function, arguments).
    pub queue: VecDeque<(Value, Vec<Value>)>,
    /// Values held by host frames across a re-entry into the guest.
    pub pinned: Vec<Value>,
    /// Pending `scheduleTimeoutEvent`s: id to deadline (host nanotime).
    pub timers: BTreeMap<i32, u64>,
    /// The last timeout id handed out.
    pub last_timer: i32,
    /// The one-root namespace: `process.cwd()` (absolute, normalised),
    /// and links that expand across mounts.
    pub ns: imports::posix::Namespace,
    /// `process.umask()`.
    pub umask: u32,
    natives: HashMap<Native, ObjId>,
}

impl World {
    /// The object model alone: the global and `Go` objects, empty, and
    /// no natives yet (`World::new` in `globals.rs` adds the rest).
    pub(crate) fn bare() -> Result<World, HeapFull> {
        let mut heap = Heap::default();
        let global = heap.alloc(Kind::Plain)?;
        let go = heap.alloc(Kind::Plain)?;
        Ok(World {
            heap,
            refs: Refs::new(global, go),
            global,
            go,
            queue: VecDeque::new(),
            pinned: Vec::new(),
            timers: BTreeMap::new(),
            last_timer: 0,
            ns: imports::posix::Namespace::new(imports::posix::Links::AcrossMounts),
            umask: 0o022,
            natives: HashMap::new(),
        })
    }

    /// Allocates the function object of every native.
    pub(crate) fn define_natives(&mut self) -> Result<(), HeapFull> {
        for n in Native::all() {
            let id = self.heap.alloc(Kind::Function(Func::Native(n)))?;
            self.natives.insert(n, id);
        }
        Ok(())
    }

    /// The function object of a native.
    pub fn native(&self, n: Native) -> Value {
        self.natives.get(&n).map_or(Value::Undefined, |id| Value::Object(*id))
    }

    /// A plain object with these properties.
    pub fn object(&mut self, props: &[(&str, Value)]) -> Result<ObjId, HeapFull> {
        let id = self.heap.alloc(Kind::Plain)?;
        if let Some(o) = self.heap.get_mut(id) {
            for (k, v) in props {
                o.props.insert(Arc::from(*k), v.clone());
            }
        }
        Ok(id)
    }

    /// An `Error` (or `TypeError`, ...) with `message` and, for node's
    /// system errors, `code` (what Go's `mapJSError` reads).
    pub fn error(&mut self, name: &str, message: &str, code: Option<&str>) -> Result<Value, HeapFull> {
        let id = self.heap.alloc(Kind::Error)?;
        if let Some(o) = self.heap.get_mut(id) {
            o.props.insert(Arc::from("name"), Value::str(name));
            o.props.insert(Arc::from("message"), Value::str(message));
            if let Some(c) = code {
                o.props.insert(Arc::from("code"), Value::str(c));
            }
        }
        Ok(Value::Object(id))
    }

    /// Sets `go._pendingEvent`.
    pub fn set_pending_event(&mut self, ev: Value) {
        let go = Value::Object(self.go);
        self.set_own(&go, "_pendingEvent", ev);
    }

    /// Sets an own property; does nothing for a non-object.
    pub fn set_own(&mut self, target: &Value, key: &str, v: Value) {
        if let Value::Object(id) = target {
            if let Some(o) = self.heap.get_mut(*id) {
                o.props.insert(Arc::from(key), v);
            }
        }
    }

    /// Frees what nothing reachable refers to. Full after collecting:
    /// [`HeapFull`].
    pub fn collect(&mut self) -> Result<usize, HeapFull> {
        let extra: Vec<Value> = self
            .queue
            .iter()
            .flat_map(|(f, args)| std::iter::once(f.clone()).chain(args.iter().cloned()))
            .chain(self.pinned.iter().cloned())
            .chain(self.natives.values().map(|id| Value::Object(*id)))
            .collect();
        self.heap.collect(self.refs.roots().chain(extra.iter()))
    }

    /// `Reflect.get(target, key)`: own properties, then what the object's
    /// kind provides (`length`, indices, prototype methods). `None` when
    /// `target` is not an object (a TypeError in JS); a primitive string
    /// answers `length` and indices as JS boxes it.
    pub fn get(&self, target: &Value, key: &str) -> Option<Value> {
        let id = match target {
            Value::Object(id) => *id,
            Value::String(s) => {
                return Some(match key {
                    "length" => Value::Number(s.encode_utf16().count() as f64),
                    _ => Value::Undefined,
                })
            }
            Value::Number(_) | Value::Bool(_) => return Some(Value::Undefined),
            Value::Undefined | Value::Null => return None,
        };
        let Some(o) = self.heap.get(id) else {
            return Some(Value::Undefined);
        };
        if let Some(v) = o.props.get(key) {
            return Some(v.clone());
        }
        let index = key.parse::<usize>().ok();
        Some(match (&o.kind, key) {
            (Kind::Array(items), "length") => Value::Number(items.len() as f64),
            (Kind::Bytes(b), "length" | "byteLength") => Value::Number(b.len() as f64),
            (Kind::Array(items), _) => index.and_then(|i| items.get(i).cloned()).unwrap_or(Value::Undefined),
            (Kind::Bytes(b), _) => index
                .and_then(|i| b.get(i))
                .map_or(Value::Undefined, |x| Value::Number(f64::from(*x))),
            (Kind::Date(_), "getTimezoneOffset") => self.native(Native::GetTimezoneOffset),
            (Kind::Date(_), "getTime" | "valueOf") => self.native(Native::GetTime),
            (Kind::Function(Func::Native(n)), "name") => Value::str(n.name()),
            (Kind::Error, "name") => Value::str("Error"),
            _ => Value::Undefined,
        })
    }

    /// `Reflect.set(target, key, v)`. Not an object: `false` (JS throws a
    /// TypeError).
    pub fn set(&mut self, target: &Value, key: &str, v: Value) -> bool {
        let Value::Object(id) = target else {
            return false;
        };
        if let Ok(i) = key.parse::<u64>() {
            if let Some(Kind::Array(_) | Kind::Bytes(_)) = self.heap.get(*id).map(|o| &o.kind) {
                return self.set_index(target, i, v);
            }
        }
        self.set_own(target, key, v);
        true
    }

    /// `Reflect.set(target, index, v)`: arrays grow (by at most
    /// [`MAX_ARRAY_GROWTH`] slots at a time), typed arrays ignore indices
    /// past their end and store `ToUint8(v)`. Not an object: `false`.
    pub fn set_index(&mut self, target: &Value, i: u64, v: Value) -> bool {
        let Value::Object(id) = target else {
            return false;
        };
        let number = to_number(&v);
        let Some(o) = self.heap.get_mut(*id) else {
            return true;
        };
        match &mut o.kind {
            Kind::Array(items) => {
                let Ok(i) = usize::try_from(i) else { return true };
                if i >= items.len() {
                    if i - items.len() > MAX_ARRAY_GROWTH {
                        return true;
                    }
                    items.resize(i + 1, Value::Undefined);
                }
                items[i] = v;
            }
            Kind::Bytes(b) => {
                if let Some(slot) = usize::try_from(i).ok().and_then(|i| b.get_mut(i)) {
                    *slot = to_uint8(number);
                }
            }
            _ => {
                o.props.insert(Arc::from(i.to_string().as_str()), v);
            }
        }
        true
    }

    /// `Reflect.deleteProperty(target, key)`. Not an object: `false`.
    pub fn delete(&mut self, target: &Value, key: &str) -> bool {
        let Value::Object(id) = target else {
            return false;
        };
        if let Some(o) = self.heap.get_mut(*id) {
            o.props.remove(key);
        }
        true
    }

    /// `v.length` as wasm_exec.js's `valueLength` reads it (`parseInt`).
    pub fn length(&self, v: &Value) -> f64 {
        self.get(v, "length").map_or(f64::NAN, |l| to_number(&l).trunc())
    }

    /// The bytes of a `Uint8Array`.
    pub fn bytes(&self, v: &Value) -> Option<&[u8]> {
        match v {
            Value::Object(id) => match &self.heap.get(*id)?.kind {
                Kind::Bytes(b) => Some(b),
                _ => None,
            },
            _ => None,
        }
    }

    /// The bytes of a `Uint8Array`, mutably.
    pub fn bytes_mut(&mut self, v: &Value) -> Option<&mut Vec<u8>> {
        match v {
            Value::Object(id) => match &mut self.heap.get_mut(*id)?.kind {
                Kind::Bytes(b) => Some(b),
                _ => None,
            },
            _ => None,
        }
    }

    /// A new `Uint8Array` holding `b`.
    pub fn new_bytes(&mut self, b: Vec<u8>) -> Result<Value, HeapFull> {
        Ok(Value::Object(self.heap.alloc(Kind::Bytes(b))?))
    }

    /// Whether `v` is a function.
    pub fn is_function(&self, v: &Value) -> bool {
        matches!(v, Value::Object(id) if matches!(self.heap.get(*id).map(|o| &o.kind), Some(Kind::Function(_))))
    }

    /// `v instanceof t` for the constructors this world has.
    pub fn instance_of(&self, v: &Value, t: &Value) -> bool {
        let (Value::Object(vid), Value::Object(tid)) = (v, t) else {
            return false;
        };
        let (Some(o), Some(c)) = (self.heap.get(*vid), self.heap.get(*tid)) else {
            return false;
        };
        matches!(
            (&c.kind, &o.kind),
            (Kind::Function(Func::Native(Native::Object)), _)
                | (Kind::Function(Func::Native(Native::Array)), Kind::Array(_))
                | (Kind::Function(Func::Native(Native::Uint8Array)), Kind::Bytes(_))
                | (Kind::Function(Func::Native(Native::Date)), Kind::Date(_))
                | (Kind::Function(Func::Native(Native::Error)), Kind::Error)
        )
    }

    /// `String(v)`, as `valuePrepareString` converts (cycles print as
    /// empty, as `Array.prototype.join` does).
    pub fn to_js_string(&self, v: &Value) -> String {
        let mut out = String::new();
        self.stringify(v, &mut Vec::new(), &mut out);
        out
    }

    fn stringify(&self, v: &Value, seen: &mut Vec<ObjId>, out: &mut String) {
        if out.len() > MAX_STRINGIFY {
            return;
        }
        match v {
            Value::Undefined => out.push_str("undefined"),
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&number_to_string(*n)),
            Value::String(s) => out.push_str(s),
            Value::Object(id) => {
                if seen.contains(id) {
                    return;
                }
                let Some(o) = self.heap.get(*id) else { return };
                seen.push(*id);
                self.stringify_object(v, &o.kind, seen, out);
                seen.pop();
            }
        }
    }

    /// `String(o)` for an object of `kind`, not already being printed.
    fn stringify_object(&self, v: &Value, kind: &Kind, seen: &mut Vec<ObjId>, out: &mut String) {
        match kind {
            Kind::Plain => out.push_str("[object Object]"),
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !matches!(item, Value::Undefined | Value::Null) {
                        self.stringify(item, seen, out);
                    }
                }
            }
            Kind::Bytes(b) => {
                let parts: Vec<String> = b.iter().map(u8::to_string).collect();
                out.push_str(&parts.join(","));
            }
            Kind::Date(ms) => out.push_str(&number_to_string(*ms)),
            Kind::Error => {
                let name = self.get(v, "name").map(|n| self.to_js_string(&n));
                let msg = self.get(v, "message").map(|m| self.to_js_string(&m));
                out.push_str(name.as_deref().unwrap_or("Error"));
                if let Some(m) = msg.filter(|m| !m.is_empty()) {
                    out.push_str(": ");
                    out.push_str(&m);
                }
            }
            Kind::Function(f) => {
                let name = match f {
                    Func::Native(n) => n.name(),
                    Func::Go(_) => "",
                };
                out.push_str(&format!("function {name}() {{ [native code] }}"));
            }
        }
    }

    /// A short description of `v` for messages.
    pub fn describe(&self, v: &Value) -> String {
        let mut s = self.to_js_string(v);
        if let Some((i, _)) = s.char_indices().nth(200) {
            s.truncate(i);
        }
        s
    }
}

/// Longest string `String(v)` builds from an object graph.
const MAX_STRINGIFY: usize = 1 << 20;

/// Most slots one index assignment may add to an array.
pub const MAX_ARRAY_GROWTH: usize = 1 << 20;

/// Throws a new error.
pub(crate) fn throw(s: &mut GoJs, name: &str, message: &str, code: Option<&str>) -> Result<JsResult, Trap> {
    Ok(Err(s.world.error(name, message, code)?))
}
