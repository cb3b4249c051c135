//! The imported functions, as wasm_exec.js defines them under
//! `importObject.go` (Go <= 1.20) / `importObject.gojs` (Go >= 1.21).
//!
//! Every function has type `(i32 sp) -> ()`: Go passes its stack pointer
//! and the arguments and results live at `sp + 8` onwards, laid out as
//! the Go signature in each doc comment (int64 and pointers 8 bytes,
//! slices and strings as (ptr, len) pairs, refs as NaN-boxed f64). A
//! function that may run Go code before writing its results (`valueCall`,
//! `valueInvoke`, `valueNew`) re-reads `sp` from the guest's `getsp`
//! export afterwards: Go may have moved its stack meanwhile.

use crate::value::{Value, NAN_HEAD};
use crate::world::{self, JsResult};
use crate::{call, with_mem, Abi, GoJs, Trap};
use imports::define::Table;
use imports::log::Results;
use imports::GuestMemory;
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

/// `getInt64`: a little-endian int64.
fn get_i64(mem: &GuestMemory<'_>, addr: u32) -> Result<i64, Trap> {
    Ok(mem.read_u64(addr)? as i64)
}

/// `setInt64`.
fn set_i64(mem: &mut GuestMemory<'_>, addr: u32, v: i64) -> Result<(), Trap> {
    Ok(mem.write_u64(addr, v as u64)?)
}

/// `sp + off`, checked.
fn at(sp: u32, off: u32) -> Result<u32, Trap> {
    sp.checked_add(off).ok_or(Trap::Memory(imports::Errno::Fault))
}

/// A Go slice or string header at `addr`: (pointer, length), both in
/// bounds of guest memory.
fn load_slice(mem: &GuestMemory<'_>, addr: u32) -> Result<(u32, u32), Trap> {
    let fault = Trap::Memory(imports::Errno::Fault);
    let ptr = u32::try_from(get_i64(mem, addr)?).map_err(|_| Trap::Memory(imports::Errno::Fault))?;
    let len = u32::try_from(get_i64(mem, at(addr, 8)?)?).map_err(|_| fault)?;
    mem.slice(ptr, len)?;
    Ok((ptr, len))
}

/// `loadString`: decoded as TextDecoder does (invalid UTF-8 becomes U+FFFD).
fn load_string(mem: &GuestMemory<'_>, addr: u32) -> Result<String, Trap> {
    let (ptr, len) = load_slice(mem, addr)?;
    Ok(String::from_utf8_lossy(mem.slice(ptr, len)?).into_owned())
}

/// `loadValue`: 0 is `undefined`, any other non-NaN is a number, a NaN's
/// low 32 bits are an id.
fn load_value(s: &GoJs, mem: &GuestMemory<'_>, addr: u32) -> Result<Value, Trap> {
    let f = mem.read_f64(addr)?;
    if f == 0.0 {
        return Ok(Value::Undefined);
    }
    if !f.is_nan() {
        return Ok(Value::Number(f));
    }
    Ok(s.world.refs.get(mem.read_u32(addr)?))
}

/// `loadSliceOfValues`.
fn load_values(s: &GoJs, mem: &GuestMemory<'_>, addr: u32) -> Result<Vec<Value>, Trap> {
    let (ptr, len) = load_slice(mem, addr)?;
    // The slice header only promises `len` bytes; the refs take 8 each.
    mem.slice(ptr, len.checked_mul(8).ok_or(Trap::Memory(imports::Errno::Fault))?)?;
    (0..len).map(|i| load_value(s, mem, ptr + i * 8)).collect()
}

/// `storeValue`: numbers inline, everything else by id with Go's count of
/// references incremented.
fn store_value(s: &mut GoJs, mem: &mut GuestMemory<'_>, addr: u32, v: &Value) -> Result<(), Trap> {
    mem.slice(addr, 8)?;
    match v {
        Value::Number(n) if *n != 0.0 => {
            if n.is_nan() {
                mem.write_u32(at(addr, 4)?, NAN_HEAD)?;
                mem.write_u32(addr, 0)?;
            } else {
                mem.write_f64(addr, *n)?;
            }
        }
        Value::Undefined => mem.write_f64(addr, 0.0)?,
        v => {
            let (id, flag) = s.world.refs.id_for(v, &s.world.heap)?;
            mem.write_u32(at(addr, 4)?, NAN_HEAD | flag)?;
            mem.write_u32(addr, id)?;
        }
    }
    Ok(())
}

/// Collects the JS heap if it grew enough. Only at the start of a host
/// call: then no host frame holds unpinned values.
fn safe_point(s: &mut GoJs) -> Result<(), Trap> {
    if s.world.heap.wants_gc() {
        s.world.collect()?;
    }
    Ok(())
}

/// `sp`, re-read from `getsp` if the guest ran since `before`.
fn current_sp(ctx: &mut Ctx<'_>, sp: u32, before: u64) -> Result<u32, RuntimeError> {
    if ctx.data().reentries == before {
        return Ok(sp);
    }
    let guest = ctx.data().guest.clone().ok_or(Trap::NotBound)?;
    Ok(guest.getsp.call(ctx)? as u32)
}

/// `func wasmExit(code int32)`: ends the program with `code`.
fn wasm_exit(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    let code = with_mem(&mut ctx, |_, mem| Ok(mem.read_u32(at(sp as u32, 8)?)?))?;
    Err(ctx.data().host.exit(code))
}

/// `func wasmWrite(fd uintptr, p unsafe.Pointer, n int32)`:
/// `fs.writeSync(fd, p[:n])`, used by the runtime's own prints (panics,
/// `println`). A failed write is dropped: there is nowhere to report it.
fn wasm_write(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    let sp = sp as u32;
    with_mem(&mut ctx, |s, mem| {
        let fd = get_i64(mem, at(sp, 8)?)?;
        let p = get_i64(mem, at(sp, 16)?)?;
        let n = mem.read_u32(at(sp, 24)?)?;
        let fault = || Trap::Memory(imports::Errno::Fault);
        let bytes = mem.slice(u32::try_from(p).map_err(|_| fault())?, n)?;
        if let Ok(fd) = u32::try_from(fd) {
            let _ = crate::fs::write_all(&mut s.host, fd, bytes);
        }
        Ok(())
    })?;
    Ok(())
}

/// `func resetMemoryDataView()`: nothing to do, every call takes a fresh
/// view of memory.
fn reset_memory_data_view(_ctx: Ctx<'_>, _sp: i32) -> HostResult {
    Ok(())
}

/// `func nanotime1() int64`: the host's monotonic clock, in ns.
fn nanotime1(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let now = s.host.nanotime.nanotime();
        set_i64(mem, at(sp as u32, 8)?, now as i64)
    })?;
    Ok(())
}

/// `func walltime() (sec int64, nsec int32)` (also `walltime1` of older
/// Go): the host's wall clock.
fn walltime(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let ns = s.host.walltime.walltime();
        set_i64(mem, at(sp as u32, 8)?, (ns / 1_000_000_000) as i64)?;
        Ok(mem.write_u32(at(sp as u32, 16)?, (ns % 1_000_000_000) as u32)?)
    })?;
    Ok(())
}

/// `func scheduleTimeoutEvent(delay int64) int32`: a timeout `delay` ms
/// from now (plus 1 ms under the `go` ABI, as its wasm_exec.js adds);
/// returns its id. The event loop resumes Go when it is due.
fn schedule_timeout_event(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let delay = get_i64(mem, at(sp, 8)?)?.max(0) as u64;
        let extra = if s.abi == Abi::Go { 1 } else { 0 };
        let at_ns = s
            .host
            .nanotime
            .nanotime()
            .saturating_add(delay.saturating_add(extra).saturating_mul(1_000_000));
        let w = &mut s.world;
        if w.timers.len() >= MAX_TIMERS {
            return Err(Trap::Heap(crate::value::HeapFull("too many pending timeouts")));
        }
        w.last_timer = w.last_timer.checked_add(1).unwrap_or(1);
        w.timers.insert(w.last_timer, at_ns);
        Ok(mem.write_u32(at(sp, 16)?, w.last_timer as u32)?)
    })?;
    Ok(())
}

/// `func clearTimeoutEvent(id int32)`.
fn clear_timeout_event(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let id = mem.read_u32(at(sp as u32, 8)?)? as i32;
        s.world.timers.remove(&id);
        Ok(())
    })?;
    Ok(())
}

/// `func getRandomData(r []byte)`: fills `r` from the host's random
/// source (wasm_exec.js: `crypto.getRandomValues`).
fn get_random_data(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let (ptr, len) = load_slice(mem, at(sp as u32, 8)?)?;
        s.host.random.fill_bytes(mem.slice_mut(ptr, len)?);
        Ok(())
    })?;
    Ok(())
}

/// `func finalizeRef(v ref)`: Go dropped a reference.
fn finalize_ref(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let id = mem.read_u32(at(sp as u32, 8)?)?;
        s.world.refs.finalize(id);
        Ok(())
    })?;
    Ok(())
}

/// `func stringVal(value string) ref`.
fn string_val(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        safe_point(s)?;
        let sp = sp as u32;
        let v = load_string(mem, at(sp, 8)?)?;
        s.world.heap.note_bytes(v.len())?;
        store_value(s, mem, at(sp, 24)?, &Value::str(&v))
    })?;
    Ok(())
}

/// `func valueGet(v ref, p string) ref`. `v` not an object: the TypeError
/// escapes wasm_exec.js, here a trap (Go checks the type first).
fn value_get(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let p = load_string(mem, at(sp, 16)?)?;
        let r = s.world.get(&v, &p).ok_or(Trap::NotObject("syscall/js.valueGet"))?;
        store_value(s, mem, at(sp, 32)?, &r)
    })?;
    Ok(())
}

/// `func valueSet(v ref, p string, x ref)`.
fn value_set(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let p = load_string(mem, at(sp, 16)?)?;
        let x = load_value(s, mem, at(sp, 32)?)?;
        if !s.world.set(&v, &p, x) {
            return Err(Trap::NotObject("syscall/js.valueSet"));
        }
        Ok(())
    })?;
    Ok(())
}

/// `func valueDelete(v ref, p string)`.
fn value_delete(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let p = load_string(mem, at(sp, 16)?)?;
        if !s.world.delete(&v, &p) {
            return Err(Trap::NotObject("syscall/js.valueDelete"));
        }
        Ok(())
    })?;
    Ok(())
}

/// `func valueIndex(v ref, i int) ref`.
fn value_index(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let i = get_i64(mem, at(sp, 16)?)?;
        let r = s
            .world
            .get(&v, &i.to_string())
            .ok_or(Trap::NotObject("syscall/js.valueIndex"))?;
        store_value(s, mem, at(sp, 24)?, &r)
    })?;
    Ok(())
}

/// `func valueSetIndex(v ref, i int, x ref)`.
fn value_set_index(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let i = get_i64(mem, at(sp, 16)?)?;
        let x = load_value(s, mem, at(sp, 24)?)?;
        let ok = match u64::try_from(i) {
            Ok(i) => s.world.set_index(&v, i, x),
            Err(_) => s.world.set(&v, &i.to_string(), x),
        };
        if !ok {
            return Err(Trap::NotObject("syscall/js.valueSetIndex"));
        }
        Ok(())
    })?;
    Ok(())
}

/// Stores a call's outcome: the result (or what was thrown) at `sp + res`
/// and 1 (or 0) at `sp + ok`, after re-reading `sp`.
fn finish_call(ctx: &mut Ctx<'_>, sp: u32, before: u64, res: u32, ok: u32, outcome: JsResult) -> HostResult {
    let sp = current_sp(ctx, sp, before)?;
    with_mem(ctx, |s, mem| {
        let (v, flag) = match &outcome {
            Ok(v) => (v, 1),
            Err(v) => (v, 0),
        };
        store_value(s, mem, at(sp, res)?, v)?;
        Ok(mem.write_u8(at(sp, ok)?, flag)?)
    })?;
    Ok(())
}

/// `func valueCall(v ref, m string, args []ref) (ref, bool)`: calls
/// method `m` of `v`; a throw is caught and returned with `false`.
fn value_call(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    let sp = sp as u32;
    let (v, method, args) = with_mem(&mut ctx, |s, mem| {
        safe_point(s)?;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let name = load_string(mem, at(sp, 16)?)?;
        let args = load_values(s, mem, at(sp, 32)?)?;
        Ok((v.clone(), s.world.get(&v, &name).ok_or(name), args))
    })?;
    let before = ctx.data().reentries;
    let outcome = match method {
        Ok(f) => call(&mut ctx, &f, v, args)?,
        Err(name) => {
            let s = ctx.data_mut();
            let msg = format!("Cannot read properties of {} (reading '{name}')", s.world.describe(&v));
            Err(s.world.error("TypeError", &msg, None).map_err(Trap::from)?)
        }
    };
    finish_call(&mut ctx, sp, before, 56, 64, outcome)
}

/// `func valueInvoke(v ref, args []ref) (ref, bool)`: calls `v` itself.
fn value_invoke(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    let sp = sp as u32;
    let (f, args) = with_mem(&mut ctx, |s, mem| {
        safe_point(s)?;
        Ok((load_value(s, mem, at(sp, 8)?)?, load_values(s, mem, at(sp, 16)?)?))
    })?;
    let before = ctx.data().reentries;
    let outcome = call(&mut ctx, &f, Value::Undefined, args)?;
    finish_call(&mut ctx, sp, before, 40, 48, outcome)
}

/// `func valueNew(v ref, args []ref) (ref, bool)`: `new v(...args)`.
fn value_new(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    let sp = sp as u32;
    let (f, args) = with_mem(&mut ctx, |s, mem| {
        safe_point(s)?;
        Ok((load_value(s, mem, at(sp, 8)?)?, load_values(s, mem, at(sp, 16)?)?))
    })?;
    let before = ctx.data().reentries;
    let outcome = world::construct(ctx.data_mut(), &f, &args)?;
    finish_call(&mut ctx, sp, before, 40, 48, outcome)
}

/// `func valueLength(v ref) int`: `parseInt(v.length)`; NaN stores 0, as
/// `setInt64(NaN)` does.
fn value_length(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let n = s.world.length(&v);
        let n = if n.is_finite() { n as i64 } else { 0 };
        set_i64(mem, at(sp, 16)?, n)
    })?;
    Ok(())
}

/// `func valuePrepareString(v ref) (ref, int)`: `String(v)` encoded as
/// UTF-8 in a new Uint8Array, and its length.
fn value_prepare_string(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        safe_point(s)?;
        let sp = sp as u32;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let bytes = match &v {
            Value::String(st) => st.as_bytes().to_vec(),
            v => s.world.to_js_string(v).into_bytes(),
        };
        let len = bytes.len() as i64;
        let arr = s.world.new_bytes(bytes)?;
        store_value(s, mem, at(sp, 16)?, &arr)?;
        set_i64(mem, at(sp, 24)?, len)
    })?;
    Ok(())
}

/// `func valueLoadString(v ref, b []byte)`: copies the prepared bytes.
fn value_load_string(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let (ptr, len) = load_slice(mem, at(sp, 16)?)?;
        if let Some(src) = s.world.bytes(&v) {
            let n = src.len().min(len as usize);
            mem.slice_mut(ptr, n as u32)?.copy_from_slice(&src[..n]);
        }
        Ok(())
    })?;
    Ok(())
}

/// `func valueInstanceOf(v ref, t ref) bool`.
fn value_instance_of(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let v = load_value(s, mem, at(sp, 8)?)?;
        let t = load_value(s, mem, at(sp, 16)?)?;
        Ok(mem.write_u8(at(sp, 24)?, u8::from(s.world.instance_of(&v, &t)))?)
    })?;
    Ok(())
}

/// `func copyBytesToGo(dst []byte, src ref) (int, bool)`: `false` unless
/// `src` is a Uint8Array.
fn copy_bytes_to_go(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let (ptr, len) = load_slice(mem, at(sp, 8)?)?;
        let src = load_value(s, mem, at(sp, 32)?)?;
        let Some(b) = s.world.bytes(&src) else {
            return Ok(mem.write_u8(at(sp, 48)?, 0)?);
        };
        let n = b.len().min(len as usize);
        mem.slice_mut(ptr, n as u32)?.copy_from_slice(&b[..n]);
        set_i64(mem, at(sp, 40)?, n as i64)?;
        Ok(mem.write_u8(at(sp, 48)?, 1)?)
    })?;
    Ok(())
}

/// `func copyBytesToJS(dst ref, src []byte) (int, bool)`: `false` unless
/// `dst` is a Uint8Array.
fn copy_bytes_to_js(mut ctx: Ctx<'_>, sp: i32) -> HostResult {
    with_mem(&mut ctx, |s, mem| {
        let sp = sp as u32;
        let dst = load_value(s, mem, at(sp, 8)?)?;
        let (ptr, len) = load_slice(mem, at(sp, 16)?)?;
        let src = mem.slice(ptr, len)?;
        let Some(b) = s.world.bytes_mut(&dst) else {
            return Ok(mem.write_u8(at(sp, 48)?, 0)?);
        };
        let n = b.len().min(src.len());
        b[..n].copy_from_slice(&src[..n]);
        set_i64(mem, at(sp, 40)?, n as i64)?;
        Ok(mem.write_u8(at(sp, 48)?, 1)?)
    })?;
    Ok(())
}

/// `debug(value)` (module `go` only): `console.log(value)`, to stdout.
fn debug(mut ctx: Ctx<'_>, value: i32) -> HostResult {
    let line = format!("{value}\n");
    let _ = crate::fs::write_all(&mut ctx.data_mut().host, 1, line.as_bytes());
    Ok(())
}
