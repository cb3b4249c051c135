//! The JS world a Go program sees: the global object and what Go's
//! standard library reads from it (`Object`, `Array`, `Uint8Array`,
//! `Date`, `Error`, `crypto`, `process`, `path`, `fs`, `performance`),
//! the `Go` object (`_pendingEvent`, `_makeFuncWrapper`), and the
//! property/constructor semantics `syscall/js` relies on.
//!
//! What each global does follows `wasm_exec_node.js` (node's `fs`,
//! `path`, `crypto`) and the Go sources that call it: `syscall/fs_js.go`,
//! `syscall/syscall_js.go`, `time/zoneinfo_js.go`, `crypto/rand/rand_js.go`.
//! Decisions where the host cannot be node (uid 0, UTC) are in
//! RATIONALE.md ("Go js: ...").

use crate::fs::{self, Op};
use crate::value::{Func, Heap, HeapFull, Kind, ObjId, Refs, Value};
use crate::{GoJs, Trap};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

/// What a JS call gives back: the result, or the value it threw.
pub type JsResult = Result<Value, Value>;

macro_rules! natives {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A function implemented by the host, named as JS names it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Native {
            $($(#[$doc])* $variant,)*
            /// A method of node's `fs`.
            Fs(Op),
        }

        impl Native {
            /// Every native but the `fs` methods.
            const PLAIN: &'static [Native] = &[$(Native::$variant,)*];

            /// The function's JS name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Native::$variant => $name,)*
                    Native::Fs(op) => op.name(),
                }
            }
        }
    };
}

natives! {
    /// `Object` (constructor).
    Object = "Object",
    /// `Array` (constructor).
    Array = "Array",
    /// `Uint8Array` (constructor).
    Uint8Array = "Uint8Array",
    /// `Date` (constructor).
    Date = "Date",
    /// `Error` (constructor).
    Error = "Error",
    /// `Date.now()`.
    DateNow = "now",
    /// `Date.prototype.getTimezoneOffset()`.
    GetTimezoneOffset = "getTimezoneOffset",
    /// `Date.prototype.getTime()`.
    GetTime = "getTime",
    /// `crypto.getRandomValues(typedArray)`.
    GetRandomValues = "getRandomValues",
    /// `performance.now()`.
    PerformanceNow = "now",
    /// `process.cwd()`.
    Cwd = "cwd",
    /// `process.chdir(path)`.
    Chdir = "chdir",
    /// `process.umask([mask])`.
    Umask = "umask",
    /// `process.getuid()`.
    Getuid = "getuid",
    /// `process.getgid()`.
    Getgid = "getgid",
    /// `process.geteuid()`.
    Geteuid = "geteuid",
    /// `process.getegid()`.
    Getegid = "getegid",
    /// `process.getgroups()`.
    Getgroups = "getgroups",
    /// `path.resolve(...paths)`.
    Resolve = "resolve",
    /// `Go.prototype._makeFuncWrapper(id)`.
    MakeFuncWrapper = "_makeFuncWrapper",
    /// `fs.Stats.prototype.isDirectory()`.
    IsDirectory = "isDirectory",
    /// `fs.Stats.prototype.isFile()`.
    IsFile = "isFile",
    /// `fs.Stats.prototype.isSymbolicLink()`.
    IsSymbolicLink = "isSymbolicLink",
}

/// The uid, gid and groups the guest runs as: it owns every file it sees
/// (RATIONALE.md, "Go js: the guest is uid 0").
pub const UID: f64 = 0.0;

/// The JS side of one guest.
#[derive(Debug)]
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
    /// `process.cwd()`: absolute, normalised.
    pub cwd: String,
    /// `process.umask()`.
    pub umask: u32,
    natives: HashMap<Native, ObjId>,
}

impl World {
    /// The world wasm_exec_node.js sets up before `run`.
    pub fn new() -> Result<World, HeapFull> {
        let mut heap = Heap::default();
        let global = heap.alloc(Kind::Plain)?;
        let go = heap.alloc(Kind::Plain)?;
        let mut w = World {
            heap,
            refs: Refs::new(global, go),
            global,
            go,
            queue: VecDeque::new(),
            pinned: Vec::new(),
            timers: BTreeMap::new(),
            last_timer: 0,
            cwd: "/".into(),
            umask: 0o022,
            natives: HashMap::new(),
        };
        let all = Native::PLAIN
            .iter()
            .copied()
            .chain(Op::ALL.iter().map(|op| Native::Fs(*op)));
        for n in all.collect::<Vec<_>>() {
            let id = w.heap.alloc(Kind::Function(Func::Native(n)))?;
            w.natives.insert(n, id);
        }
        let f = |w: &World, n: Native| Value::Object(w.natives[&n]);
        let date = f(&w, Native::Date);
        w.set_own(&date, "now", f(&w, Native::DateNow));
        let crypto = w.object(&[("getRandomValues", f(&w, Native::GetRandomValues))])?;
        let performance = w.object(&[("now", f(&w, Native::PerformanceNow))])?;
        let pid = f64::from(std::process::id());
        let ppid = f64::from(std::os::unix::process::parent_id());
        let process = w.object(&[
            ("pid", Value::Number(pid)),
            ("ppid", Value::Number(ppid)),
            ("platform", Value::str("linux")),
            ("cwd", f(&w, Native::Cwd)),
            ("chdir", f(&w, Native::Chdir)),
            ("umask", f(&w, Native::Umask)),
            ("getuid", f(&w, Native::Getuid)),
            ("getgid", f(&w, Native::Getgid)),
            ("geteuid", f(&w, Native::Geteuid)),
            ("getegid", f(&w, Native::Getegid)),
            ("getgroups", f(&w, Native::Getgroups)),
        ])?;
        let path = w.object(&[("resolve", f(&w, Native::Resolve)), ("sep", Value::str("/"))])?;
        let constants: Vec<(&str, Value)> = fs::CONSTANTS.iter().map(|(k, v)| (*k, Value::Number(*v))).collect();
        let constants = w.object(&constants)?;
        let mut fs_props: Vec<(&str, Value)> = Op::ALL.iter().map(|op| (op.name(), f(&w, Native::Fs(*op)))).collect();
        fs_props.push(("constants", Value::Object(constants)));
        let fs_obj = w.object(&fs_props)?;
        let g = Value::Object(global);
        for (k, v) in [
            ("Object", f(&w, Native::Object)),
            ("Array", f(&w, Native::Array)),
            ("Uint8Array", f(&w, Native::Uint8Array)),
            ("Date", date),
            ("Error", f(&w, Native::Error)),
            ("crypto", Value::Object(crypto)),
            ("performance", Value::Object(performance)),
            ("process", Value::Object(process)),
            ("path", Value::Object(path)),
            ("fs", Value::Object(fs_obj)),
            ("globalThis", g.clone()),
        ] {
            w.set_own(&g, k, v);
        }
        let gov = Value::Object(go);
        w.set_own(&gov, "_pendingEvent", Value::Null);
        w.set_own(&gov, "_makeFuncWrapper", f(&w, Native::MakeFuncWrapper));
        Ok(w)
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
                match &o.kind {
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
                seen.pop();
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

/// Longest `Uint8Array`/`Array` a constructor makes (node's limit for
/// typed arrays is larger; the heap limit is the real bound).
pub const MAX_ARRAY_LENGTH: f64 = (1u64 << 28) as f64;

/// `ToNumber(v)`.
pub fn to_number(v: &Value) -> f64 {
    match v {
        Value::Undefined => f64::NAN,
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => *n,
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                0.0
            } else {
                t.parse().unwrap_or(f64::NAN)
            }
        }
        Value::Object(_) => f64::NAN,
    }
}

/// `ToUint8(n)`: modulo 256, NaN and infinities are 0.
pub fn to_uint8(n: f64) -> u8 {
    if !n.is_finite() {
        return 0;
    }
    (n.trunc().rem_euclid(256.0)) as u8
}

/// `Number.prototype.toString()` for the numbers Go exchanges.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    let a = n.abs();
    if (1e-6..1e21).contains(&a) {
        format!("{n}")
    } else {
        let s = format!("{n:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    }
}

/// Calls the native `n` with `this` and `args`.
pub(crate) fn call_native(s: &mut GoJs, n: Native, this: &Value, args: &[Value]) -> Result<JsResult, Trap> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Undefined);
    let ok = |v: Value| Ok(Ok(v));
    match n {
        Native::Fs(op) => fs::call(s, op, args),
        // Called without `new`, these constructors construct anyway.
        Native::Object | Native::Array | Native::Uint8Array | Native::Error => construct_native(s, n, args),
        Native::Date => {
            let now = now_ms(s);
            ok(Value::str(&number_to_string(now)))
        }
        Native::DateNow => ok(Value::Number(now_ms(s))),
        Native::GetTimezoneOffset => ok(Value::Number(0.0)),
        Native::GetTime => match this {
            Value::Object(id) => match s.world.heap.get(*id).map(|o| &o.kind) {
                Some(Kind::Date(ms)) => ok(Value::Number(*ms)),
                _ => throw(s, "TypeError", "this is not a Date object.", None),
            },
            _ => throw(s, "TypeError", "this is not a Date object.", None),
        },
        Native::PerformanceNow => ok(Value::Number(s.host.nanotime.nanotime() as f64 / 1e6)),
        Native::GetRandomValues => {
            let target = arg(0);
            let rng = &mut s.host.random;
            match s.world.bytes_mut(&target) {
                Some(b) => {
                    rng.fill_bytes(b);
                    ok(target)
                }
                None => throw(
                    s,
                    "TypeError",
                    "The data argument must be an integer-type TypedArray",
                    Some("ERR_INVALID_ARG_TYPE"),
                ),
            }
        }
        Native::Cwd => ok(Value::str(&s.world.cwd)),
        Native::Chdir => {
            let Value::String(p) = arg(0) else {
                return throw(
                    s,
                    "TypeError",
                    "The \"directory\" argument must be of type string",
                    Some("ERR_INVALID_ARG_TYPE"),
                );
            };
            match fs::chdir(s, &p) {
                Ok(()) => ok(Value::Undefined),
                Err(e) => Ok(Err(fs::errno_error(s, e, "chdir", &p)?)),
            }
        }
        Native::Umask => {
            let old = s.world.umask;
            if let Value::Number(m) = arg(0) {
                if m.is_finite() {
                    s.world.umask = (m as i64 & 0o777) as u32;
                }
            }
            ok(Value::Number(f64::from(old)))
        }
        Native::Getuid | Native::Getgid | Native::Geteuid | Native::Getegid => ok(Value::Number(UID)),
        Native::Getgroups => {
            let id = s.world.heap.alloc(Kind::Array(vec![Value::Number(UID)]))?;
            ok(Value::Object(id))
        }
        Native::Resolve => {
            let mut parts: Vec<Arc<str>> = Vec::new();
            for a in args {
                match a {
                    Value::String(p) => parts.push(p.clone()),
                    _ => {
                        return throw(
                            s,
                            "TypeError",
                            "The \"paths\" argument must be of type string",
                            Some("ERR_INVALID_ARG_TYPE"),
                        )
                    }
                }
            }
            let mut joined = String::new();
            for p in parts.iter().rev() {
                if p.is_empty() {
                    continue;
                }
                joined = if joined.is_empty() {
                    p.to_string()
                } else {
                    format!("{p}/{joined}")
                };
                if p.starts_with('/') {
                    break;
                }
            }
            let abs = fs::absolute(&s.world.cwd, &joined);
            ok(Value::str(&abs.path))
        }
        Native::MakeFuncWrapper => {
            let id = s.world.heap.alloc(Kind::Function(Func::Go(to_number(&arg(0)))))?;
            ok(Value::Object(id))
        }
        Native::IsDirectory | Native::IsFile | Native::IsSymbolicLink => {
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
            ok(Value::Bool(fmt == want))
        }
    }
}

/// Milliseconds since the epoch, whole as JS `Date` keeps them.
fn now_ms(s: &GoJs) -> f64 {
    (s.host.walltime.walltime() / 1_000_000) as f64
}

/// Throws a new error.
pub(crate) fn throw(s: &mut GoJs, name: &str, message: &str, code: Option<&str>) -> Result<JsResult, Trap> {
    Ok(Err(s.world.error(name, message, code)?))
}

/// `Reflect.construct(f, args)`.
pub(crate) fn construct(s: &mut GoJs, f: &Value, args: &[Value]) -> Result<JsResult, Trap> {
    let native = match f {
        Value::Object(id) => match s.world.heap.get(*id).map(|o| &o.kind) {
            Some(Kind::Function(Func::Native(n))) => Some(*n),
            _ => None,
        },
        _ => None,
    };
    match native {
        Some(n @ (Native::Object | Native::Array | Native::Uint8Array | Native::Date | Native::Error)) => {
            construct_native(s, n, args)
        }
        _ => {
            let msg = format!("{} is not a constructor", s.world.describe(f));
            throw(s, "TypeError", &msg, None)
        }
    }
}

fn construct_native(s: &mut GoJs, n: Native, args: &[Value]) -> Result<JsResult, Trap> {
    let arg0 = args.first().cloned().unwrap_or(Value::Undefined);
    let kind = match n {
        Native::Object => match arg0 {
            v @ Value::Object(_) => return Ok(Ok(v)),
            _ => Kind::Plain,
        },
        Native::Array => match (args.len(), &arg0) {
            (1, Value::Number(len)) => {
                if *len < 0.0 || len.fract() != 0.0 || *len > MAX_ARRAY_LENGTH {
                    return throw(s, "RangeError", "Invalid array length", None);
                }
                Kind::Array(vec![Value::Undefined; *len as usize])
            }
            _ => Kind::Array(args.to_vec()),
        },
        Native::Uint8Array => {
            let bytes = match &arg0 {
                Value::Undefined => Vec::new(),
                Value::Object(_) => match (s.world.bytes(&arg0), &arg0) {
                    (Some(b), _) => b.to_vec(),
                    (None, Value::Object(id)) => match s.world.heap.get(*id).map(|o| &o.kind) {
                        Some(Kind::Array(items)) => items.iter().map(|v| to_uint8(to_number(v))).collect(),
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                },
                v => {
                    let len = to_number(v);
                    let len = if len.is_nan() { 0.0 } else { len.trunc() };
                    if !(0.0..=MAX_ARRAY_LENGTH).contains(&len) {
                        return throw(s, "RangeError", "Invalid typed array length", None);
                    }
                    vec![0; len as usize]
                }
            };
            Kind::Bytes(bytes)
        }
        Native::Date => Kind::Date(match &arg0 {
            Value::Undefined => now_ms(s),
            v => to_number(v),
        }),
        Native::Error => {
            let msg = match &arg0 {
                Value::Undefined => String::new(),
                v => s.world.to_js_string(v),
            };
            return Ok(Ok(s.world.error("Error", &msg, None)?));
        }
        _ => return throw(s, "TypeError", "not a constructor", None),
    };
    Ok(Ok(Value::Object(s.world.heap.alloc(kind)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_js_does() {
        assert_eq!(number_to_string(1.0), "1");
        assert_eq!(number_to_string(-2.5), "-2.5");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(1e-7), "1e-7");
        assert_eq!(number_to_string(f64::NAN), "NaN");
        assert_eq!(to_uint8(-1.0), 255);
        assert_eq!(to_uint8(256.7), 0);
    }

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
