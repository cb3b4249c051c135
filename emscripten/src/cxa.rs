//! C++ exceptions in JS-exception mode as current emcc builds them
//! (`src/lib/libexceptions.js` of emcc 3.1.2x to 6.x): the guest owns the
//! exception's bookkeeping.
//!
//! The guest allocates a thrown object itself, after a 24-byte
//! `__cxa_exception` header (`exceptionType` +4, `exceptionDestructor`
//! +8, `caught` +12 (u8), `rethrown` +13 (u8), `adjustedPtr` +16), and
//! exports what the glue calls back: `__cxa_increment_exception_refcount`,
//! `__cxa_decrement_exception_refcount` (which runs the destructor and
//! frees the object), `__cxa_get_exception_ptr` and `__cxa_can_catch`.
//! A landing pad receives the thrown object itself (no host-made catch
//! info), and the selected type goes to `tempRet0`. Which model a guest
//! follows is told by its exports ([`Guest::current_exceptions`]); the
//! functions of `exceptions.rs` call these for a current guest.

use crate::guest::{call_i32, guest, mem_trap, Guest};
use crate::invoke::Unwind;
use crate::proc::Aborted;
use crate::Ctx;
use imports::with_memory;
use wasmer::RuntimeError;

/// Size of the header before a thrown object.
pub const HEADER: u32 = 24;
const TYPE: u32 = 4;
const DESTRUCTOR: u32 = 8;
const CAUGHT: u32 = 12;
const RETHROWN: u32 = 13;
const ADJUSTED: u32 = 16;

/// The address of field `off` of the header of the thrown object `ptr`.
fn field(ptr: u32, off: u32) -> Result<u32, RuntimeError> {
    ptr.checked_sub(HEADER)
        .and_then(|h| h.checked_add(off))
        .ok_or_else(|| RuntimeError::new(format!("{ptr:#x} is not a thrown C++ object")))
}

fn read_u32(ctx: &mut Ctx<'_>, at: u32) -> Result<u32, RuntimeError> {
    with_memory(ctx, |_, mem| mem.read_u32(at)).map_err(mem_trap)
}

fn write(ctx: &mut Ctx<'_>, at: u32, v: u32, width: u8) -> Result<(), RuntimeError> {
    with_memory(ctx, |_, mem| match width {
        1 => mem.write_u8(at, v as u8),
        _ => mem.write_u32(at, v),
    })
    .map_err(mem_trap)
}

fn call(
    ctx: &mut Ctx<'_>, pick: fn(&Guest) -> &Option<wasmer::Function>, name: &str, args: &[i32],
) -> Result<i32, RuntimeError> {
    let g = guest(ctx)?;
    call_i32(ctx, pick(&g), name, args)
}

fn incref(ctx: &mut Ctx<'_>, ptr: u32) -> Result<(), RuntimeError> {
    call(
        ctx,
        |g| &g.cxa_increment_refcount,
        "__cxa_increment_exception_refcount",
        &[ptr as i32],
    )
    .map(drop)
}

/// Unwinds with `ptr` in flight, as the glue's `throw exceptionLast`.
fn unwind(ctx: &mut Ctx<'_>, ptr: u32, uncaught: bool) -> Result<(), RuntimeError> {
    incref(ctx, ptr)?;
    let s = &mut ctx.data_mut().state.exceptions;
    s.last = ptr;
    if uncaught {
        s.uncaught = s.uncaught.saturating_add(1);
    }
    Err(Unwind::Exception(ptr).trap())
}

/// `__cxa_throw(ptr, type, destructor)`.
pub fn throw(ctx: &mut Ctx<'_>, ptr: u32, ty: u32, destructor: u32) -> Result<(), RuntimeError> {
    write(ctx, field(ptr, ADJUSTED)?, 0, 4)?;
    write(ctx, field(ptr, TYPE)?, ty, 4)?;
    write(ctx, field(ptr, DESTRUCTOR)?, destructor, 4)?;
    unwind(ctx, ptr, true)
}

/// `__cxa_rethrow()`: the innermost handler's exception, again.
pub fn rethrow(ctx: &mut Ctx<'_>) -> Result<(), RuntimeError> {
    let Some(&ptr) = ctx.data().state.exceptions.caught.last() else {
        return Err(Aborted("no exception to throw".into()).trap());
    };
    write(ctx, field(ptr, RETHROWN)?, 1, 1)?;
    write(ctx, field(ptr, CAUGHT)?, 0, 1)?;
    unwind(ctx, ptr, true)
}

/// `__cxa_begin_catch(ptr) -> adjusted`: enters a handler.
pub fn begin_catch(ctx: &mut Ctx<'_>, ptr: u32) -> Result<u32, RuntimeError> {
    let caught = with_memory(ctx, |_, mem| {
        mem.read_u8(field(ptr, CAUGHT).map_err(|_| imports::Errno::Fault)?)
    })
    .map_err(mem_trap)?;
    if caught == 0 {
        write(ctx, field(ptr, CAUGHT)?, 1, 1)?;
        let s = &mut ctx.data_mut().state.exceptions;
        s.uncaught = s.uncaught.saturating_sub(1);
    }
    write(ctx, field(ptr, RETHROWN)?, 0, 1)?;
    ctx.data_mut().state.exceptions.begin_catch(ptr)?;
    Ok(call(
        ctx,
        |g| &g.cxa_get_exception_ptr,
        "__cxa_get_exception_ptr",
        &[ptr as i32],
    )? as u32)
}

/// `__cxa_end_catch()`: leaves the innermost handler.
pub fn end_catch(ctx: &mut Ctx<'_>) -> Result<(), RuntimeError> {
    call(ctx, |g| &g.set_threw, "setThrew", &[0, 0])?;
    let Some(ptr) = ctx.data_mut().state.exceptions.caught.pop() else {
        return Err(Aborted("__cxa_end_catch with no active handler".into()).trap());
    };
    call(
        ctx,
        |g| &g.cxa_decrement_refcount,
        "__cxa_decrement_exception_refcount",
        &[ptr as i32],
    )?;
    ctx.data_mut().state.exceptions.last = 0;
    Ok(())
}

/// `__resumeException(ptr)`: unwinding goes on after a cleanup pad.
pub fn resume(ctx: &mut Ctx<'_>, ptr: u32) -> Result<(), RuntimeError> {
    let s = &mut ctx.data_mut().state.exceptions;
    if s.last == 0 {
        s.last = ptr;
    }
    Err(Unwind::Exception(ptr).trap())
}

/// `__cxa_find_matching_catch_N(types...)`: the thrown object and the
/// selected type (for `tempRet0`): the first clause that is `catch (...)`,
/// the thrown type, or one the guest's `__cxa_can_catch` accepts; none:
/// the thrown type, so the landing pad resumes unwinding.
pub fn find_matching_catch(ctx: &mut Ctx<'_>, types: &[u32]) -> Result<(u32, u32), RuntimeError> {
    let thrown = ctx.data().state.exceptions.last;
    if thrown == 0 {
        return Ok((0, 0));
    }
    write(ctx, field(thrown, ADJUSTED)?, thrown, 4)?;
    let thrown_type = read_u32(ctx, field(thrown, TYPE)?)?;
    if thrown_type == 0 {
        return Ok((thrown, 0));
    }
    let adjusted_addr = field(thrown, ADJUSTED)? as i32;
    for &caught in types {
        if caught == 0 || caught == thrown_type {
            break;
        }
        let args = [caught as i32, thrown_type as i32, adjusted_addr];
        if call(ctx, |g| &g.cxa_can_catch, "__cxa_can_catch", &args)? != 0 {
            return Ok((thrown, caught));
        }
    }
    Ok((thrown, thrown_type))
}
