//! The imported functions, as wasm_exec.js defines them under
//! `importObject.go` (Go <= 1.20) / `importObject.gojs` (Go >= 1.21).
//!
//! Every function has type `(i32 sp) -> ()`: Go passes its stack pointer,
//! and the arguments and results live in the frame above it, declared
//! here once per function from its Go signature (`frames!`, read and
//! written through [`Stack`]). A function that may run Go code before
//! writing its results (`valueCall`, `valueInvoke`, `valueNew`) re-reads
//! `sp` from the guest's `getsp` export afterwards: Go may have moved its
//! stack meanwhile.

use crate::dispatch::{call, no_method};
use crate::stack::{frames, refreshed_sp, with_stack, Bool, Bytes, Int64, Ref, Slot, Stack};
use crate::value::{HeapFull, Value};
use crate::world::JsResult;
use crate::{builtins, Abi, GoJs, Trap};
use imports::define::Table;
use imports::log::Results;
use wasmer::{FunctionEnvMut, RuntimeError};

type Ctx<'a> = FunctionEnvMut<'a, GoJs>;
type HostResult = Result<(), RuntimeError>;

/// Most timeouts pending at once (Go keeps one); beyond, the guest stops.
pub const MAX_TIMERS: usize = 1 << 16;

/// Every `(i32 sp) -> ()` function, by the names wasm_exec.js gives them
/// (a superset of both ABIs: `runtime.walltime1` of Go <= 1.16, and
/// `debug` of module `go`), with its logging scope. Every one takes only
/// Go's stack pointer, so calls log as `a0=<sp>`.
pub(crate) const FUNCTIONS: Table<GoJs> = Table {
    rows: imports::import_rows! { env: GoJs;
        "runtime.wasmExit" [PROC] => wasm_exit;
        "runtime.wasmWrite" [FILESYSTEM] => wasm_write;
        "runtime.resetMemoryDataView" [MEMORY] => reset_memory_data_view;
        "runtime.nanotime1" [CLOCK] => nanotime1;
        "runtime.walltime" [CLOCK] => walltime;
        "runtime.walltime1" [CLOCK] => walltime;
        "runtime.scheduleTimeoutEvent" [CLOCK] => schedule_timeout_event;
        "runtime.clearTimeoutEvent" [CLOCK] => clear_timeout_event;
        "runtime.getRandomData" [RANDOM] => get_random_data;
        "syscall/js.finalizeRef" [FILESYSTEM] => finalize_ref;
        "syscall/js.stringVal" [FILESYSTEM] => string_val;
        "syscall/js.valueGet" [FILESYSTEM] => value_get;
        "syscall/js.valueSet" [FILESYSTEM] => value_set;
        "syscall/js.valueDelete" [FILESYSTEM] => value_delete;
        "syscall/js.valueIndex" [FILESYSTEM] => value_index;
        "syscall/js.valueSetIndex" [FILESYSTEM] => value_set_index;
        "syscall/js.valueCall" [FILESYSTEM] => value_call;
        "syscall/js.valueInvoke" [FILESYSTEM] => value_invoke;
        "syscall/js.valueNew" [FILESYSTEM] => value_new;
        "syscall/js.valueLength" [FILESYSTEM] => value_length;
        "syscall/js.valuePrepareString" [FILESYSTEM] => value_prepare_string;
        "syscall/js.valueLoadString" [FILESYSTEM] => value_load_string;
        "syscall/js.valueInstanceOf" [FILESYSTEM] => value_instance_of;
        "syscall/js.copyBytesToGo" [FILESYSTEM] => copy_bytes_to_go;
        "syscall/js.copyBytesToJS" [FILESYSTEM] => copy_bytes_to_js;
        "debug" [NONE] => debug;
    },
    base: None,
    results: Results::Values,
};

frames! {
    /// `func wasmExit(code int32)`.
    WASM_EXIT: WasmExit(code: Int32) -> ();
    /// `func wasmWrite(fd uintptr, p unsafe.Pointer, n int32)`.
    WASM_WRITE: WasmWrite(fd: Int64, p: Pointer, n: Int32) -> ();
    /// `func nanotime1() int64`.
    NANOTIME1: Nanotime1() -> (now: Int64);
    /// `func walltime() (sec int64, nsec int32)`.
    WALLTIME: Walltime() -> (sec: Int64, nsec: Int32);
    /// `func scheduleTimeoutEvent(delay int64) int32`.
    SCHEDULE_TIMEOUT_EVENT: ScheduleTimeoutEvent(delay: Int64) -> (id: Int32);
    /// `func clearTimeoutEvent(id int32)`.
    CLEAR_TIMEOUT_EVENT: ClearTimeoutEvent(id: Int32) -> ();
    /// `func getRandomData(r []byte)`.
    GET_RANDOM_DATA: GetRandomData(r: Bytes) -> ();
    /// `func finalizeRef(v ref)`.
    FINALIZE_REF: FinalizeRef(v: Ref) -> ();
    /// `func stringVal(value string) ref`.
    STRING_VAL: StringVal(value: Str) -> (result: Ref);
    /// `func valueGet(v ref, p string) ref`.
    VALUE_GET: ValueGet(v: Ref, p: Str) -> (result: Ref);
    /// `func valueSet(v ref, p string, x ref)`; also `valueDelete(v ref,
    /// p string)`, which has no `x`.
    VALUE_SET: ValueSet(v: Ref, p: Str, x: Ref) -> ();
    /// `func valueIndex(v ref, i int) ref`.
    VALUE_INDEX: ValueIndex(v: Ref, i: Int64) -> (result: Ref);
    /// `func valueSetIndex(v ref, i int, x ref)`.
    VALUE_SET_INDEX: ValueSetIndex(v: Ref, i: Int64, x: Ref) -> ();
    /// `func valueCall(v ref, m string, args []ref) (ref, bool)`.
    VALUE_CALL: ValueCall(v: Ref, m: Str, args: RefSlice) -> (result: Ref, ok: Bool);
    /// `func valueInvoke(v ref, args []ref) (ref, bool)`; `valueNew` has
    /// the same signature.
    VALUE_INVOKE: ValueInvoke(v: Ref, args: RefSlice) -> (result: Ref, ok: Bool);
    /// `func valueLength(v ref) int`.
    VALUE_LENGTH: ValueLength(v: Ref) -> (length: Int64);
    /// `func valuePrepareString(v ref) (ref, int)`.
    VALUE_PREPARE_STRING: ValuePrepareString(v: Ref) -> (bytes: Ref, length: Int64);
    /// `func valueLoadString(v ref, b []byte)`.
    VALUE_LOAD_STRING: ValueLoadString(v: Ref, b: Bytes) -> ();
    /// `func valueInstanceOf(v ref, t ref) bool`.
    VALUE_INSTANCE_OF: ValueInstanceOf(v: Ref, t: Ref) -> (result: Bool);
    /// `func copyBytesToGo(dst []byte, src ref) (int, bool)`.
    COPY_BYTES_TO_GO: CopyBytesToGo(dst: Bytes, src: Ref) -> (n: Int64, ok: Bool);
    /// `func copyBytesToJS(dst ref, src []byte) (int, bool)`.
    COPY_BYTES_TO_JS: CopyBytesToJs(dst: Ref, src: Bytes) -> (n: Int64, ok: Bool);
}

/// Runs a host function's body on its frame; its traps become the
/// guest's.
fn host(ctx: &mut Ctx<'_>, sp: u32, f: impl FnOnce(&mut GoJs, &mut Stack<'_, '_>) -> Result<(), Trap>) -> HostResult {
    Ok(with_stack(ctx, sp, f)?)
}

/// Collects the JS heap if it grew enough. Only at the start of a host
/// call: then no host frame holds unpinned values.
fn safe_point(s: &mut GoJs) -> Result<(), Trap> {
    if s.world.heap.wants_gc() {
        s.world.collect()?;
    }
    Ok(())
}

/// `true`, or the trap of a `Reflect` operation on a non-object.
fn reflected(ok: bool, import: &'static str) -> Result<(), Trap> {
    ok.then_some(()).ok_or(Trap::NotObject(import))
}

/// Ends the program with `code`.
fn wasm_exit(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let code = with_stack(&mut ctx, sp, |_, st| st.uint32(WASM_EXIT.code))?;
    Err(ctx.data().host.exit(code))
}

/// `fs.writeSync(fd, p[:n])`, used by the runtime's own prints (panics,
/// `println`). A failed write is dropped: there is nowhere to report it.
fn wasm_write(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = WASM_WRITE;
    host(&mut ctx, sp, |s, st| {
        let (fd, p, n) = (st.int64(f.fd)?, st.pointer(f.p)?, st.uint32(f.n)?);
        let bytes = st.memory().slice(p, n)?;
        if let Ok(fd) = u32::try_from(fd) {
            let _ = crate::fs::write_all(&mut s.host, fd, bytes);
        }
        Ok(())
    })
}

/// `func resetMemoryDataView()`: nothing to do, every call takes a fresh
/// view of memory.
fn reset_memory_data_view(_ctx: Ctx<'_>, _sp: u32) -> HostResult {
    Ok(())
}

/// The host's monotonic clock, in ns.
fn nanotime1(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    host(&mut ctx, sp, |s, st| {
        st.set_int64(NANOTIME1.now, s.host.nanotime.nanotime() as i64)
    })
}

/// The host's wall clock (also `walltime1` of older Go).
fn walltime(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    host(&mut ctx, sp, |s, st| {
        let ns = s.host.walltime.walltime();
        st.set_int64(WALLTIME.sec, (ns / 1_000_000_000) as i64)?;
        st.set_int32(WALLTIME.nsec, (ns % 1_000_000_000) as i32)
    })
}

/// A timeout `delay` ms from now (plus 1 ms under the `go` ABI, as its
/// wasm_exec.js adds); returns its id. The event loop resumes Go when it
/// is due.
fn schedule_timeout_event(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = SCHEDULE_TIMEOUT_EVENT;
    host(&mut ctx, sp, |s, st| {
        let delay = st.int64(f.delay)?.max(0) as u64;
        let extra = if s.abi == Abi::Go { 1 } else { 0 };
        let ms = delay.saturating_add(extra).saturating_mul(1_000_000);
        let at_ns = s.host.nanotime.nanotime().saturating_add(ms);
        let w = &mut s.world;
        if w.timers.len() >= MAX_TIMERS {
            return Err(Trap::Heap(HeapFull("too many pending timeouts")));
        }
        w.last_timer = w.last_timer.checked_add(1).unwrap_or(1);
        w.timers.insert(w.last_timer, at_ns);
        st.set_int32(f.id, w.last_timer)
    })
}

/// Drops a pending timeout.
fn clear_timeout_event(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    host(&mut ctx, sp, |s, st| {
        s.world.timers.remove(&st.int32(CLEAR_TIMEOUT_EVENT.id)?);
        Ok(())
    })
}

/// Fills `r` from the host's random source (wasm_exec.js:
/// `crypto.getRandomValues`).
fn get_random_data(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    host(&mut ctx, sp, |s, st| {
        s.host.random.fill_bytes(st.bytes_mut(GET_RANDOM_DATA.r)?);
        Ok(())
    })
}

/// Go dropped a reference.
fn finalize_ref(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    host(&mut ctx, sp, |s, st| {
        s.world.refs.finalize(st.ref_id(FINALIZE_REF.v)?);
        Ok(())
    })
}

/// A JS string holding `value`.
fn string_val(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    host(&mut ctx, sp, |s, st| {
        safe_point(s)?;
        let v = st.string(STRING_VAL.value)?;
        s.world.heap.note_bytes(v.len())?;
        st.set_value(s, STRING_VAL.result, &Value::str(&v))
    })
}

/// `Reflect.get(v, p)`. `v` not an object: the TypeError escapes
/// wasm_exec.js, here a trap (Go checks the type first).
fn value_get(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = VALUE_GET;
    host(&mut ctx, sp, |s, st| {
        let (v, p) = (st.value(s, f.v)?, st.string(f.p)?);
        let r = s.world.get(&v, &p).ok_or(Trap::NotObject("syscall/js.valueGet"))?;
        st.set_value(s, f.result, &r)
    })
}

/// `Reflect.set(v, p, x)`.
fn value_set(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = VALUE_SET;
    host(&mut ctx, sp, |s, st| {
        let (v, p, x) = (st.value(s, f.v)?, st.string(f.p)?, st.value(s, f.x)?);
        reflected(s.world.set(&v, &p, x), "syscall/js.valueSet")
    })
}

/// `Reflect.deleteProperty(v, p)`.
fn value_delete(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = VALUE_SET;
    host(&mut ctx, sp, |s, st| {
        let (v, p) = (st.value(s, f.v)?, st.string(f.p)?);
        reflected(s.world.delete(&v, &p), "syscall/js.valueDelete")
    })
}

/// `Reflect.get(v, i)`.
fn value_index(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = VALUE_INDEX;
    host(&mut ctx, sp, |s, st| {
        let (v, i) = (st.value(s, f.v)?, st.int64(f.i)?);
        let r = s.world.get(&v, &i.to_string());
        st.set_value(s, f.result, &r.ok_or(Trap::NotObject("syscall/js.valueIndex"))?)
    })
}

/// `Reflect.set(v, i, x)`.
fn value_set_index(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = VALUE_SET_INDEX;
    host(&mut ctx, sp, |s, st| {
        let (v, i, x) = (st.value(s, f.v)?, st.int64(f.i)?, st.value(s, f.x)?);
        let ok = match u64::try_from(i) {
            Ok(i) => s.world.set_index(&v, i, x),
            Err(_) => s.world.set(&v, &i.to_string(), x),
        };
        reflected(ok, "syscall/js.valueSetIndex")
    })
}

/// Stores a call's outcome after re-reading `sp`: the result (or what was
/// thrown) in `result`, and whether it returned in `ok`.
fn finish_call(
    ctx: &mut Ctx<'_>, sp: u32, before: u64, result: Slot<Ref>, ok: Slot<Bool>, outcome: JsResult,
) -> HostResult {
    let sp = refreshed_sp(ctx, sp, before)?;
    host(ctx, sp, |s, st| {
        let (v, returned) = match &outcome {
            Ok(v) => (v, true),
            Err(v) => (v, false),
        };
        st.set_value(s, result, v)?;
        st.set_bool(ok, returned)
    })
}

/// Calls method `m` of `v`; a throw is caught and returned with `false`.
fn value_call(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = VALUE_CALL;
    let (v, method, args) = with_stack(&mut ctx, sp, |s, st| {
        safe_point(s)?;
        let (v, name, args) = (st.value(s, f.v)?, st.string(f.m)?, st.values(s, f.args)?);
        Ok((v.clone(), s.world.get(&v, &name).ok_or(name), args))
    })?;
    let before = ctx.data().reentries;
    let outcome = match method {
        Ok(m) => call(&mut ctx, &m, v, args)?,
        Err(name) => no_method(ctx.data_mut(), &v, &name)?,
    };
    finish_call(&mut ctx, sp, before, f.result, f.ok, outcome)
}

/// The callee and arguments of `valueInvoke` and `valueNew`, then the
/// call `f` makes of them, then its outcome stored.
fn invoke(
    ctx: &mut Ctx<'_>, sp: u32, f: impl FnOnce(&mut Ctx<'_>, Value, Vec<Value>) -> Result<JsResult, RuntimeError>,
) -> HostResult {
    let frame = VALUE_INVOKE;
    let (callee, args) = with_stack(ctx, sp, |s, st| {
        safe_point(s)?;
        Ok((st.value(s, frame.v)?, st.values(s, frame.args)?))
    })?;
    let before = ctx.data().reentries;
    let outcome = f(ctx, callee, args)?;
    finish_call(ctx, sp, before, frame.result, frame.ok, outcome)
}

/// Calls `v` itself.
fn value_invoke(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    invoke(&mut ctx, sp, |ctx, f, args| call(ctx, &f, Value::Undefined, args))
}

/// `new v(...args)`.
fn value_new(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    invoke(&mut ctx, sp, |ctx, f, args| {
        Ok(builtins::construct(ctx.data_mut(), &f, &args)?)
    })
}

/// `parseInt(v.length)`; NaN stores 0, as `setInt64(NaN)` does.
fn value_length(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    host(&mut ctx, sp, |s, st| {
        let n = s.world.length(&st.value(s, VALUE_LENGTH.v)?);
        st.set_int64(VALUE_LENGTH.length, if n.is_finite() { n as i64 } else { 0 })
    })
}

/// `String(v)` encoded as UTF-8 in a new Uint8Array, and its length.
fn value_prepare_string(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = VALUE_PREPARE_STRING;
    host(&mut ctx, sp, |s, st| {
        safe_point(s)?;
        let bytes = match st.value(s, f.v)? {
            Value::String(text) => text.as_bytes().to_vec(),
            v => s.world.to_js_string(&v).into_bytes(),
        };
        let len = bytes.len() as i64;
        let arr = s.world.new_bytes(bytes)?;
        st.set_value(s, f.bytes, &arr)?;
        st.set_int64(f.length, len)
    })
}

/// Copies the prepared bytes of `v` into `b`.
fn value_load_string(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = VALUE_LOAD_STRING;
    host(&mut ctx, sp, |s, st| {
        let v = st.value(s, f.v)?;
        let dst = st.bytes_mut(f.b)?;
        if let Some(src) = s.world.bytes(&v) {
            copy_prefix(dst, src);
        }
        Ok(())
    })
}

/// `v instanceof t`.
fn value_instance_of(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = VALUE_INSTANCE_OF;
    host(&mut ctx, sp, |s, st| {
        let (v, t) = (st.value(s, f.v)?, st.value(s, f.t)?);
        st.set_bool(f.result, s.world.instance_of(&v, &t))
    })
}

/// Copies as much of `src` as fits into `dst`; returns the count.
fn copy_prefix(dst: &mut [u8], src: &[u8]) -> usize {
    let n = dst.len().min(src.len());
    dst[..n].copy_from_slice(&src[..n]);
    n
}

/// Copies a Uint8Array into `dst`: `false` unless `src` is one.
fn copy_bytes_to_go(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = COPY_BYTES_TO_GO;
    copy_bytes(&mut ctx, sp, (f.dst, f.src), (f.n, f.ok), true)
}

/// Copies `src` into a Uint8Array: `false` unless `dst` is one.
fn copy_bytes_to_js(mut ctx: Ctx<'_>, sp: u32) -> HostResult {
    let f = COPY_BYTES_TO_JS;
    copy_bytes(&mut ctx, sp, (f.src, f.dst), (f.n, f.ok), false)
}

/// `copyBytesToGo` (`to_go`) and `copyBytesToJS`: copies between the Go
/// slice and the Uint8Array of `args` as much as fits, and stores the
/// count and `true` in `results`; only `false` when the JS value is not a
/// Uint8Array (wasm_exec.js leaves the count unwritten then).
fn copy_bytes(
    ctx: &mut Ctx<'_>, sp: u32, (slice, array): (Slot<Bytes>, Slot<Ref>), (n, ok): (Slot<Int64>, Slot<Bool>),
    to_go: bool,
) -> HostResult {
    host(ctx, sp, |s, st| {
        let array = st.value(s, array)?;
        let go = st.bytes_mut(slice)?;
        let count = match s.world.bytes_mut(&array) {
            Some(js) if to_go => Some(copy_prefix(go, js)),
            Some(js) => Some(copy_prefix(js, go)),
            None => None,
        };
        if let Some(count) = count {
            st.set_int64(n, count as i64)?;
        }
        st.set_bool(ok, count.is_some())
    })
}

/// `debug(value)` (module `go` only): `console.log(value)`, to stdout.
fn debug(mut ctx: Ctx<'_>, value: i32) -> HostResult {
    let line = format!("{value}\n");
    let _ = crate::fs::write_all(&mut ctx.data_mut().host, 1, line.as_bytes());
    Ok(())
}
