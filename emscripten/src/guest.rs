//! The guest exports Emscripten's imports call back into, and the calls.
//!
//! Emscripten renamed its stack helpers in 3.1.57: `stackSave` /
//! `stackRestore` / `stackAlloc` before, `emscripten_stack_get_current` /
//! `_emscripten_stack_restore` / `_emscripten_stack_alloc` after. Both sets
//! are accepted.

use crate::{Ctx, Error, Names};
use imports::{with_memory, Errno};
use wasmer::{AsStoreMut, Function, Instance, RuntimeError, Table, Value};

/// Exports of the guest the host functions call, looked up once by
/// [`crate::Emscripten::bind`]. Each is `None` when not exported.
#[derive(Clone, Debug, Default)]
pub struct Guest {
    /// `__indirect_function_table`, for `invoke_*` and destructors.
    pub table: Option<Table>,
    /// `stackSave` or `emscripten_stack_get_current`: `() -> i32`.
    pub stack_save: Option<Function>,
    /// `stackRestore` or `_emscripten_stack_restore`: `(i32) -> ()`.
    pub stack_restore: Option<Function>,
    /// `stackAlloc` or `_emscripten_stack_alloc`: `(i32 size) -> i32`.
    pub stack_alloc: Option<Function>,
    /// `setThrew(threw, value)`: records an unwind for the code after an
    /// `invoke_*` (it keeps an earlier, longjmp's, record).
    pub set_threw: Option<Function>,
    /// `malloc(size) -> ptr`.
    pub malloc: Option<Function>,
    /// `free(ptr)`.
    pub free: Option<Function>,
    /// `emscripten_builtin_memalign(alignment, size) -> ptr`, for mappings.
    pub memalign: Option<Function>,
    /// `__cxa_can_catch(caught_type, thrown_type, adjusted_ptr_addr) -> bool`.
    pub cxa_can_catch: Option<Function>,
    /// `__cxa_is_pointer_type(type) -> bool`.
    pub cxa_is_pointer_type: Option<Function>,
    /// `__funcs_on_exit()`: runs the atexit handlers.
    pub funcs_on_exit: Option<Function>,
    /// `__stdio_exit()`: flushes stdio.
    pub stdio_exit: Option<Function>,
    /// `__errno_location() -> ptr`, for functions that set `errno`.
    pub errno_location: Option<Function>,
    /// `__cxa_get_exception_ptr(ptr) -> ptr` (current exception model,
    /// `cxa.rs`).
    pub cxa_get_exception_ptr: Option<Function>,
    /// `__cxa_increment_exception_refcount(ptr)` (current model).
    pub cxa_increment_refcount: Option<Function>,
    /// `__cxa_decrement_exception_refcount(ptr)` (current model).
    pub cxa_decrement_refcount: Option<Function>,
    /// `__cpp_exception`: the tag of a C++ exception in a native Wasm
    /// exceptions build.
    pub cpp_exception_tag: Option<wasmer::Tag>,
    /// `_emscripten_tempret_set(value)`: `tempRet0`, a guest global since
    /// emcc 3.1.20 (`legalize::set_temp_ret0`).
    pub tempret_set: Option<Function>,
}

impl Guest {
    /// Whether the guest follows current emcc's C++ exception model
    /// (`cxa.rs`): it exports `__cxa_get_exception_ptr`, which 3.1.6's
    /// glue defined itself.
    pub fn current_exceptions(&self) -> bool {
        self.cxa_get_exception_ptr.is_some()
    }

    /// Looks the exports up in `instance`, each by the name `names` gives
    /// it (a minified build's, or its own).
    pub fn new(_store: &mut impl AsStoreMut, instance: &Instance, names: &Names) -> Guest {
        let f = |canonical: &[&str]| {
            canonical
                .iter()
                .find_map(|n| instance.exports.get_function(names.export_name(n)).ok().cloned())
        };
        let table = names.export_name("__indirect_function_table");
        Guest {
            table: instance.exports.get_table(table).ok().cloned(),
            stack_save: f(&["stackSave", "emscripten_stack_get_current"]),
            stack_restore: f(&["stackRestore", "_emscripten_stack_restore"]),
            stack_alloc: f(&["stackAlloc", "_emscripten_stack_alloc"]),
            set_threw: f(&["setThrew"]),
            malloc: f(&["malloc", "emscripten_builtin_malloc"]),
            free: f(&["free", "emscripten_builtin_free"]),
            memalign: f(&["emscripten_builtin_memalign"]),
            cxa_can_catch: f(&["__cxa_can_catch"]),
            cxa_is_pointer_type: f(&["__cxa_is_pointer_type"]),
            funcs_on_exit: f(&["__funcs_on_exit"]),
            stdio_exit: f(&["__stdio_exit"]),
            errno_location: f(&["__errno_location"]),
            tempret_set: f(&["_emscripten_tempret_set"]),
            cpp_exception_tag: match instance.exports.get_extern(names.export_name("__cpp_exception")) {
                Some(wasmer::Extern::Tag(t)) => Some(t.clone()),
                _ => None,
            },
            cxa_get_exception_ptr: f(&["__cxa_get_exception_ptr"]),
            cxa_increment_refcount: f(&["__cxa_increment_exception_refcount"]),
            cxa_decrement_refcount: f(&["__cxa_decrement_exception_refcount"]),
        }
    }

    /// Checks that the exports the `env` imports `names` need are there.
    pub fn check(&self, names: &[String]) -> Result<(), Error> {
        let uses = |p: &dyn Fn(&str) -> bool| names.iter().any(|n| p(n));
        if uses(&|n| n.starts_with("invoke_")) {
            self.table
                .as_ref()
                .ok_or(Error::MissingExport("__indirect_function_table"))?;
            self.stack_save
                .as_ref()
                .ok_or(Error::MissingExport("stackSave (or emscripten_stack_get_current)"))?;
            self.stack_restore
                .as_ref()
                .ok_or(Error::MissingExport("stackRestore (or _emscripten_stack_restore)"))?;
            self.set_threw.as_ref().ok_or(Error::MissingExport("setThrew"))?;
        }
        if uses(&|n| n.starts_with("__cxa_find_matching_catch_")) {
            self.cxa_can_catch
                .as_ref()
                .ok_or(Error::MissingExport("__cxa_can_catch"))?;
        }
        let current = self.current_exceptions();
        if uses(&|n| n == "__cxa_begin_catch") && !current {
            self.cxa_is_pointer_type
                .as_ref()
                .ok_or(Error::MissingExport("__cxa_is_pointer_type"))?;
        }
        if uses(&|n| n == "__cxa_throw" || n == "__cxa_end_catch") && current {
            self.cxa_increment_refcount
                .as_ref()
                .ok_or(Error::MissingExport("__cxa_increment_exception_refcount"))?;
            self.cxa_decrement_refcount
                .as_ref()
                .ok_or(Error::MissingExport("__cxa_decrement_exception_refcount"))?;
        }
        if uses(&|n| n == "__cxa_end_catch" || n == "emscripten_longjmp") {
            self.set_threw.as_ref().ok_or(Error::MissingExport("setThrew"))?;
        }
        // `__cxa_throw` alone (a build without -fexceptions, whose throws
        // all end the program) allocates nothing.
        let allocates = |n: &str| (n.starts_with("__cxa_") && n != "__cxa_throw") || n == "__resumeException";
        if uses(&allocates) && !current {
            self.malloc.as_ref().ok_or(Error::MissingExport("malloc"))?;
            self.free.as_ref().ok_or(Error::MissingExport("free"))?;
        }
        if uses(&|n| n == "_mmap_js") && self.memalign.is_none() && self.malloc.is_none() {
            return Err(Error::MissingExport("emscripten_builtin_memalign (or malloc)"));
        }
        Ok(())
    }
}

/// A trap saying the guest's export `what` is needed but missing (only
/// reachable before `bind`, or when `bind`'s check was skipped).
pub(crate) fn missing(what: &str) -> RuntimeError {
    RuntimeError::new(format!(
        "the emscripten imports need the guest export {what}, which is not bound"
    ))
}

/// The bound exports (a clone: calling back into the guest needs the store).
pub(crate) fn guest(ctx: &Ctx<'_>) -> Result<Guest, RuntimeError> {
    ctx.data()
        .state
        .guest
        .clone()
        .ok_or_else(|| missing("table and helpers (call Emscripten::bind first)"))
}

/// Most calls from the host into the guest that may be active at once
/// (`invoke_*`, signal handlers, the guest's allocator and exception
/// helpers), whatever the stack budget. wasmer gives every call from the
/// host into the guest its own wasm stack (1 MiB of address space each),
/// and aborts the process when it cannot map another; this bound keeps
/// nesting below that, however the guest calls back into the host.
pub const MAX_INVOKE_DEPTH: u32 = 5000;

/// Runs `call` (a call into the guest, named `name` in errors) as one
/// more nested host-to-guest call, or traps when the depth or the host
/// stack nested calls have used passes its bound (see
/// [`crate::Emscripten::set_invoke_stack_budget`]): a guest that calls
/// back into the host from each such call cannot overflow the host's
/// stack or make wasmer abort.
pub(crate) fn nested<T>(
    ctx: &mut Ctx<'_>, name: &str, call: impl FnOnce(&mut Ctx<'_>) -> Result<T, RuntimeError>,
) -> Result<T, RuntimeError> {
    // The stack grows down: how far below the outermost active call's
    // frame this one is.
    let here = &call as *const _ as usize;
    let state = &mut ctx.data_mut().state;
    if state.invoke_depth == 0 {
        state.invoke_stack_base = here;
    }
    if state.invoke_depth >= MAX_INVOKE_DEPTH
        || state.invoke_stack_base.saturating_sub(here) > state.invoke_stack_budget
    {
        return Err(RuntimeError::new(format!(
            "{name}: call stack exhausted ({} nested calls into the guest; at most {MAX_INVOKE_DEPTH}, within {} bytes of host stack)",
            state.invoke_depth, state.invoke_stack_budget
        )));
    }
    state.invoke_depth += 1;
    let result = call(ctx);
    ctx.data_mut().state.invoke_depth -= 1;
    result
}

/// Calls `f` with i32 arguments; returns its first result as i32 (0 if none).
pub(crate) fn call_i32(ctx: &mut Ctx<'_>, f: &Option<Function>, name: &str, args: &[i32]) -> Result<i32, RuntimeError> {
    let f = f.as_ref().ok_or_else(|| missing(name))?;
    let args: Vec<Value> = args.iter().map(|&a| Value::I32(a)).collect();
    let ret = nested(ctx, name, |ctx| f.call(ctx, &args))?;
    Ok(match ret.first() {
        Some(Value::I32(v)) => *v,
        _ => 0,
    })
}

/// Allocates `size` bytes with the guest's `malloc`. Null: a trap (the
/// glue would go on with a null pointer and corrupt memory).
pub(crate) fn malloc(ctx: &mut Ctx<'_>, size: u32) -> Result<u32, RuntimeError> {
    let g = guest(ctx)?;
    let p = call_i32(ctx, &g.malloc, "malloc", &[size as i32])? as u32;
    if p == 0 {
        return Err(RuntimeError::new(format!(
            "malloc({size}) failed in an emscripten import"
        )));
    }
    Ok(p)
}

/// Frees with the guest's `free`.
pub(crate) fn free(ctx: &mut Ctx<'_>, ptr: u32) -> Result<(), RuntimeError> {
    let g = guest(ctx)?;
    call_i32(ctx, &g.free, "free", &[ptr as i32]).map(drop)
}

/// Sets the guest's `errno` (through `__errno_location`), as the glue's
/// `setErrNo` does; a guest without that export keeps its `errno`.
pub(crate) fn set_errno(ctx: &mut Ctx<'_>, e: Errno) -> Result<(), RuntimeError> {
    let g = guest(ctx)?;
    if g.errno_location.is_none() {
        return Ok(());
    }
    let at = call_i32(ctx, &g.errno_location, "__errno_location", &[])? as u32;
    with_memory(ctx, |_, mem| mem.write_u32(at, u32::from(e as u16))).map_err(mem_trap)
}

/// A trap for a guest pointer outside its memory where the glue has no
/// error return (it would throw a `RangeError`).
pub(crate) fn mem_trap(e: Errno) -> RuntimeError {
    RuntimeError::new(format!("emscripten import: {e} (a guest pointer outside its memory)"))
}

/// Builds `argv` on the guest's stack the way the glue's `callMain` does:
/// each argument as a NUL-terminated string, then the pointer array with a
/// null at the end. Returns `(argc, argv)`.
pub(crate) fn build_argv(ctx: &mut Ctx<'_>) -> Result<(i32, i32), RuntimeError> {
    let g = guest(ctx)?;
    // A `main` that reads no arguments (`MAIN_READS_PARAMS=0`): a
    // release build exports no allocator for argv, and its glue passes
    // `main(0, 0)` (`src/postamble.js` `callMain`).
    if g.stack_alloc.is_none() && g.malloc.is_none() {
        return Ok((0, 0));
    }
    let args = ctx.data().host.args.clone();
    let argc = i32::try_from(args.len()).map_err(|_| RuntimeError::new("too many arguments"))?;
    let mut ptrs = Vec::with_capacity(args.len() + 1);
    for a in &args {
        let len = u32::try_from(a.len() + 1).map_err(|_| RuntimeError::new("argument too long"))?;
        let p = alloc_stack(ctx, &g, len)?;
        with_memory(ctx, |_, mem| {
            mem.write(p, a.as_bytes())?;
            mem.write_u8(p + len - 1, 0)
        })
        .map_err(mem_trap)?;
        ptrs.push(p);
    }
    ptrs.push(0);
    let argv = alloc_stack(ctx, &g, (ptrs.len() * 4) as u32)?;
    with_memory(ctx, |_, mem| {
        for (i, p) in ptrs.iter().enumerate() {
            mem.write_u32(argv + 4 * i as u32, *p)?;
        }
        Ok(())
    })
    .map_err(mem_trap)?;
    Ok((argc, argv as i32))
}

fn alloc_stack(ctx: &mut Ctx<'_>, g: &Guest, len: u32) -> Result<u32, RuntimeError> {
    if g.stack_alloc.is_some() {
        return Ok(call_i32(ctx, &g.stack_alloc, "stackAlloc", &[len as i32])? as u32);
    }
    if g.malloc.is_none() {
        return Err(missing(
            "stackAlloc (or _emscripten_stack_alloc, or malloc) to build argv",
        ));
    }
    malloc(ctx, len)
}

/// The NUL-terminated string at `ptr` (lossy UTF-8; at most 64 KiB, so a
/// missing NUL cannot make the host scan all of memory repeatedly).
/// Errors: `EFAULT`.
pub(crate) fn c_string(mem: &imports::GuestMemory<'_>, ptr: u32) -> Result<String, Errno> {
    Ok(String::from_utf8_lossy(c_bytes(mem, ptr)?).into_owned())
}

/// The bytes of the NUL-terminated string at `ptr`, as [`c_string`]
/// bounds them, for a caller that counts the guest's own bytes.
pub(crate) fn c_bytes<'m>(mem: &'m imports::GuestMemory<'_>, ptr: u32) -> Result<&'m [u8], Errno> {
    let bytes = mem.bytes();
    let start = ptr as usize;
    if start >= bytes.len() {
        return Err(Errno::Fault);
    }
    let end = (start + 65536).min(bytes.len());
    let nul = bytes[start..end].iter().position(|&b| b == 0).ok_or(Errno::Fault)?;
    Ok(&bytes[start..start + nul])
}
