//! C++ exceptions in Emscripten's JS-exception mode (`-fexceptions`
//! without wasm EH), following `src/library_exceptions.js` of emcc 3.1.6;
//! a guest of a later emcc, which keeps the bookkeeping itself, is served
//! by [`crate::cxa`].
//!
//! A thrown object is preceded in guest memory by a 16-byte
//! `__cxa_exception` header (`cxa_exception.h`, `__USING_EMSCRIPTEN_EXCEPTIONS__`):
//! `referenceCount` (+0), `exceptionType` (+4), `exceptionDestructor` (+8),
//! `caught` (+12, u8), `rethrown` (+13, u8). A catch is described by an
//! 8-byte "catch info" the host allocates with the guest's `malloc`:
//! the thrown object (+0) and the pointer adjusted to the caught type (+4).
//! Throwing is an [`Unwind::Exception`] trap, caught by the nearest
//! `invoke_*` (see [`crate::invoke`]); type matching is done by the guest's
//! own `__cxa_can_catch` and `__cxa_is_pointer_type`.

use crate::cxa;
use crate::guest::{call_i32, free, guest, malloc, mem_trap, missing, nested, Guest};
use crate::invoke::Unwind;
use crate::proc::Aborted;
use crate::{Ctx, EmEnv};
use imports::with_memory;
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionType, RuntimeError, Type, Value};

/// Size of the `__cxa_exception` header before a thrown object.
pub const HEADER: u32 = 16;
const REFCOUNT: u32 = 0;
const TYPE: u32 = 4;
const DESTRUCTOR: u32 = 8;
const CAUGHT: u32 = 12;
const RETHROWN: u32 = 13;

pub use crate::caught::{Exceptions, MAX_ACTIVE_HANDLERS};

/// Whether the bound guest follows the current model ([`cxa`]).
fn current(ctx: &Ctx<'_>) -> bool {
    ctx.data().state.guest.as_ref().is_some_and(Guest::current_exceptions)
}

fn state<'c>(ctx: &'c mut Ctx<'_>) -> &'c mut Exceptions {
    &mut ctx.data_mut().state.exceptions
}

fn header(ptr: u32) -> Result<u32, RuntimeError> {
    ptr.checked_sub(HEADER)
        .ok_or_else(|| RuntimeError::new(format!("{ptr:#x} is not a thrown C++ object")))
}

fn read_u32(ctx: &mut Ctx<'_>, at: u32) -> Result<u32, RuntimeError> {
    with_memory(ctx, |_, mem| mem.read_u32(at)).map_err(mem_trap)
}

fn write_u32(ctx: &mut Ctx<'_>, at: u32, v: u32) -> Result<(), RuntimeError> {
    with_memory(ctx, |_, mem| mem.write_u32(at, v)).map_err(mem_trap)
}

fn read_u8(ctx: &mut Ctx<'_>, at: u32) -> Result<u8, RuntimeError> {
    with_memory(ctx, |_, mem| mem.read_u8(at)).map_err(mem_trap)
}

fn write_u8(ctx: &mut Ctx<'_>, at: u32, v: u8) -> Result<(), RuntimeError> {
    with_memory(ctx, |_, mem| mem.write_u8(at, v)).map_err(mem_trap)
}

fn at(base: u32, off: u32) -> Result<u32, RuntimeError> {
    base.checked_add(off).ok_or_else(|| mem_trap(imports::Errno::Fault))
}

/// `__cxa_allocate_exception(size) -> ptr`: room for a thrown object of
/// `size` bytes after its header, from the guest's `malloc`.
pub fn cxa_allocate_exception(mut ctx: Ctx<'_>, size: u32) -> Result<u32, RuntimeError> {
    let total = size
        .checked_add(HEADER)
        .ok_or_else(|| RuntimeError::new("__cxa_allocate_exception: size too large"))?;
    Ok(malloc(&mut ctx, total)? + HEADER)
}

/// `__cxa_free_exception(ptr)`: frees a thrown object and its header.
pub fn cxa_free_exception(mut ctx: Ctx<'_>, ptr: u32) -> Result<(), RuntimeError> {
    let h = header(ptr)?;
    free(&mut ctx, h)
}

/// `__cxa_throw(ptr, type, destructor)`: fills the header and unwinds.
pub fn cxa_throw(mut ctx: Ctx<'_>, ptr: u32, ty: u32, destructor: u32) -> Result<(), RuntimeError> {
    if current(&ctx) {
        return cxa::throw(&mut ctx, ptr, ty, destructor);
    }
    let h = header(ptr)?;
    write_u32(&mut ctx, at(h, TYPE)?, ty)?;
    write_u32(&mut ctx, at(h, DESTRUCTOR)?, destructor)?;
    write_u32(&mut ctx, at(h, REFCOUNT)?, 0)?;
    write_u8(&mut ctx, at(h, CAUGHT)?, 0)?;
    write_u8(&mut ctx, at(h, RETHROWN)?, 0)?;
    let s = state(&mut ctx);
    s.last = ptr;
    s.uncaught = s.uncaught.saturating_add(1);
    Err(Unwind::Exception(ptr).trap())
}

/// `__cxa_rethrow()`: rethrows the exception of the innermost active
/// handler. None: abort ("no exception to throw").
pub fn cxa_rethrow(mut ctx: Ctx<'_>) -> Result<(), RuntimeError> {
    if current(&ctx) {
        return cxa::rethrow(&mut ctx);
    }
    let Some(catch_info) = state(&mut ctx).caught.pop() else {
        return Err(Aborted("no exception to throw".into()).trap());
    };
    let ptr = read_u32(&mut ctx, catch_info)?;
    let h = header(ptr)?;
    if read_u8(&mut ctx, at(h, RETHROWN)?)? == 0 {
        state(&mut ctx).caught.push(catch_info);
        write_u8(&mut ctx, at(h, RETHROWN)?, 1)?;
        write_u8(&mut ctx, at(h, CAUGHT)?, 0)?;
        let s = state(&mut ctx);
        s.uncaught = s.uncaught.saturating_add(1);
    } else {
        free(&mut ctx, catch_info)?;
    }
    state(&mut ctx).last = ptr;
    Err(Unwind::Exception(ptr).trap())
}

/// `llvm_eh_typeid_for(type) -> type`: type ids are the type_info addresses.
pub fn llvm_eh_typeid_for(_ctx: Ctx<'_>, ty: u32) -> u32 {
    ty
}

/// The pointer a handler receives for the catch info at `catch_info`: the
/// object itself for a pointer type, else the adjusted pointer (or the
/// object when there is none).
fn exception_ptr(ctx: &mut Ctx<'_>, catch_info: u32) -> Result<u32, RuntimeError> {
    let base = read_u32(ctx, catch_info)?;
    let ty = read_u32(ctx, at(header(base)?, TYPE)?)?;
    let g = guest(ctx)?;
    if call_i32(ctx, &g.cxa_is_pointer_type, "__cxa_is_pointer_type", &[ty as i32])? != 0 {
        return read_u32(ctx, base);
    }
    let adjusted = read_u32(ctx, at(catch_info, 4)?)?;
    Ok(if adjusted != 0 { adjusted } else { base })
}

/// `__cxa_begin_catch(catch_info) -> ptr`: enters a handler; returns the
/// pointer the handler's parameter binds to.
pub fn cxa_begin_catch(mut ctx: Ctx<'_>, catch_info: u32) -> Result<u32, RuntimeError> {
    if current(&ctx) {
        return cxa::begin_catch(&mut ctx, catch_info);
    }
    let base = read_u32(&mut ctx, catch_info)?;
    let h = header(base)?;
    if read_u8(&mut ctx, at(h, CAUGHT)?)? == 0 {
        write_u8(&mut ctx, at(h, CAUGHT)?, 1)?;
        let s = state(&mut ctx);
        s.uncaught = s.uncaught.saturating_sub(1);
    }
    write_u8(&mut ctx, at(h, RETHROWN)?, 0)?;
    state(&mut ctx).begin_catch(catch_info)?;
    let rc = read_u32(&mut ctx, at(h, REFCOUNT)?)?;
    write_u32(&mut ctx, at(h, REFCOUNT)?, rc.wrapping_add(1))?;
    exception_ptr(&mut ctx, catch_info)
}

/// Drops one reference to the thrown object `ptr`; the last one (unless it
/// is being rethrown) runs its destructor and frees it.
fn dec_ref(ctx: &mut Ctx<'_>, ptr: u32) -> Result<(), RuntimeError> {
    let h = header(ptr)?;
    let rc = read_u32(ctx, at(h, REFCOUNT)?)?;
    write_u32(ctx, at(h, REFCOUNT)?, rc.wrapping_sub(1))?;
    if rc == 1 && read_u8(ctx, at(h, RETHROWN)?)? == 0 {
        let destructor = read_u32(ctx, at(h, DESTRUCTOR)?)?;
        if destructor != 0 {
            call_table(ctx, destructor, &[Value::I32(ptr as i32)])?;
        }
        free(ctx, h)?;
    }
    Ok(())
}

/// Calls table entry `index` with `args` (a destructor: `(i32) -> i32` or
/// `(i32) -> ()`).
fn call_table(ctx: &mut Ctx<'_>, index: u32, args: &[Value]) -> Result<(), RuntimeError> {
    let g = guest(ctx)?;
    let table = g.table.as_ref().ok_or_else(|| missing("__indirect_function_table"))?;
    let Some(Value::FuncRef(Some(f))) = table.get(ctx, index) else {
        return Err(RuntimeError::new(format!(
            "exception destructor {index} is not in the table"
        )));
    };
    let ty = f.ty(ctx);
    if ty.params() != [Type::I32] {
        return Err(RuntimeError::new(format!("exception destructor {index} has type {ty}")));
    }
    nested(ctx, "exception destructor", |ctx| f.call(ctx, args)).map(drop)
}

/// `__cxa_end_catch()`: leaves the innermost handler, releasing its
/// exception. Source: `library_exceptions.js` (`_setThrew(0)` first).
pub fn cxa_end_catch(mut ctx: Ctx<'_>) -> Result<(), RuntimeError> {
    if current(&ctx) {
        return cxa::end_catch(&mut ctx);
    }
    let g = guest(&ctx)?;
    call_i32(&mut ctx, &g.set_threw, "setThrew", &[0, 0])?;
    let Some(catch_info) = state(&mut ctx).caught.pop() else {
        return Err(Aborted("__cxa_end_catch with no active handler".into()).trap());
    };
    let base = read_u32(&mut ctx, catch_info)?;
    dec_ref(&mut ctx, base)?;
    free(&mut ctx, catch_info)?;
    state(&mut ctx).last = 0;
    Ok(())
}

/// `__cxa_uncaught_exceptions() -> count`.
pub fn cxa_uncaught_exceptions(mut ctx: Ctx<'_>) -> i32 {
    state(&mut ctx).uncaught
}

/// `__cxa_get_exception_ptr(catch_info) -> ptr`: what `__cxa_begin_catch`
/// would return, without entering the handler.
pub fn cxa_get_exception_ptr(mut ctx: Ctx<'_>, catch_info: u32) -> Result<u32, RuntimeError> {
    exception_ptr(&mut ctx, catch_info)
}

/// `__cxa_increment_exception_refcount(ptr)` (`std::exception_ptr`).
pub fn cxa_increment_exception_refcount(mut ctx: Ctx<'_>, ptr: u32) -> Result<(), RuntimeError> {
    if ptr == 0 {
        return Ok(());
    }
    let rc = at(header(ptr)?, REFCOUNT)?;
    let v = read_u32(&mut ctx, rc)?;
    write_u32(&mut ctx, rc, v.wrapping_add(1))
}

/// `__cxa_decrement_exception_refcount(ptr)` (`std::exception_ptr`).
pub fn cxa_decrement_exception_refcount(mut ctx: Ctx<'_>, ptr: u32) -> Result<(), RuntimeError> {
    if ptr == 0 {
        return Ok(());
    }
    dec_ref(&mut ctx, ptr)
}

/// `__resumeException(catch_info)`: continues unwinding after a cleanup
/// landing pad (destructors) ran.
pub fn resume_exception(mut ctx: Ctx<'_>, catch_info: u32) -> Result<(), RuntimeError> {
    if current(&ctx) {
        return cxa::resume(&mut ctx, catch_info);
    }
    let ptr = read_u32(&mut ctx, catch_info)?;
    let s = state(&mut ctx);
    if s.last == 0 {
        s.last = ptr;
    }
    free(&mut ctx, catch_info)?;
    Err(Unwind::Exception(ptr).trap())
}

/// `__throw_exception_with_stack_trace(ex)` (native Wasm exceptions with
/// assertions on, as `-O0` builds have them): throws `ex` into the guest
/// as a Wasm exception of its `__cpp_exception` tag, as the glue's
/// `new WebAssembly.Exception(getCppExceptionTag(), [ex])` does. Errors:
/// a trap when the guest exports no such tag, or one whose payload is not
/// one i32.
pub fn throw_exception_with_stack_trace(mut ctx: Ctx<'_>, ex: u32) -> Result<(), RuntimeError> {
    let g = guest(&ctx)?;
    let tag = g.cpp_exception_tag.ok_or_else(|| missing("__cpp_exception (a tag)"))?;
    // wasmer panics on a payload that does not fit the tag's type.
    if *tag.ty(&ctx).params() != [Type::I32] {
        return Err(missing("__cpp_exception (a tag of one i32)"));
    }
    let exception = wasmer::Exception::new(&mut ctx, &tag, &[Value::I32(ex as i32)]);
    Err(RuntimeError::exception(&ctx, exception))
}

/// `N` for `__cxa_find_matching_catch_N` (any N).
pub fn find_matching_catch_arity(name: &str) -> Option<usize> {
    name.strip_prefix("__cxa_find_matching_catch_")?.parse().ok()
}

/// Whether a `__cxa_find_matching_catch_N` import of type `ty` can be
/// provided: all-i32 parameters, one i32 result.
pub fn find_matching_catch_fits(ty: &FunctionType) -> bool {
    ty.results() == [Type::I32] && ty.params().iter().all(|t| *t == Type::I32)
}

/// `__cxa_find_matching_catch_N(types...) -> catch_info`, with the
/// selected type in `tempRet0`: which of a landing pad's catch clauses
/// (type_info addresses; 0 is `catch (...)`) takes the exception in
/// flight, asking the guest's `__cxa_can_catch`. No match: the thrown
/// type (the landing pad then resumes unwinding). The import's type is
/// its own (`N-2` i32 params in practice); `None` if it is not all-i32 ->
/// i32.
pub fn find_matching_catch(
    store: &mut impl AsStoreMut, env: &FunctionEnv<EmEnv>, _n: usize, ty: &FunctionType,
) -> Option<Function> {
    if !find_matching_catch_fits(ty) {
        return None;
    }
    Some(Function::new_with_env(
        store,
        env,
        ty.clone(),
        |mut ctx: Ctx<'_>, args: &[Value]| {
            let types: Vec<u32> = args.iter().map(|v| v.i32().unwrap_or(0) as u32).collect();
            let (info, selected) = match current(&ctx) {
                true => cxa::find_matching_catch(&mut ctx, &types)?,
                false => match_catch(&mut ctx, &types)?,
            };
            crate::legalize::set_temp_ret0(&mut ctx, selected as i32)?;
            Ok(vec![Value::I32(info as i32)])
        },
    ))
}

fn match_catch(ctx: &mut Ctx<'_>, types: &[u32]) -> Result<(u32, u32), RuntimeError> {
    let thrown = state(ctx).last;
    if thrown == 0 {
        return Ok((0, 0));
    }
    let thrown_type = read_u32(ctx, at(header(thrown)?, TYPE)?)?;
    let info = malloc(ctx, 8)?;
    write_u32(ctx, info, thrown)?;
    write_u32(ctx, at(info, 4)?, thrown)?;
    if thrown_type == 0 {
        return Ok((info, 0));
    }
    let g = guest(ctx)?;
    for &caught in types {
        if caught == 0 || caught == thrown_type {
            break;
        }
        let adjusted_addr = at(info, 4)?;
        let args = [caught as i32, thrown_type as i32, adjusted_addr as i32];
        if call_i32(ctx, &g.cxa_can_catch, "__cxa_can_catch", &args)? != 0 {
            return Ok((info, caught));
        }
    }
    Ok((info, thrown_type))
}
