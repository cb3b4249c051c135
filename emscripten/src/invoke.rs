//! `invoke_*` trampolines and longjmp.
//!
//! Emscripten lowers every call that may unwind (a C++ throw through a
//! frame with a landing pad, a longjmp past a setjmp) to an `invoke_<sig>`
//! import: `invoke_<sig>(index, args...)` calls table entry `index`. The
//! glue's version (`make_invoke` in `tools/js_manipulation.py`) is:
//!
//! ```js
//! var sp = stackSave();
//! try { return getWasmTableEntry(index)(a1, ...); }
//! catch (e) { stackRestore(sp); if (e !== e+0) throw e; _setThrew(1, 0); }
//! ```
//!
//! Here an unwind is an [`Unwind`] trap raised by `__cxa_throw` &
//! co. or `_emscripten_throw_longjmp`; it crosses the wasm frames up to the
//! nearest trampoline, which restores the stack pointer, calls the guest's
//! `setThrew(1, 0)` and returns zeros. The code after the call reads
//! `__THREW__` and dispatches. Any other trap passes through.
//!
//! The trampoline's type is the import's own type (any mix of i32, i64,
//! f32, f64), never parsed from the name.

use crate::guest::{call_i32, guest, missing, nested};
use crate::{Ctx, EmEnv};
use thiserror::Error;
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionType, RuntimeError, Type, Value};

/// Host stack, in bytes, that nested `invoke_*` calls may use by default
/// (see [`crate::Emscripten::set_invoke_stack_budget`]). Each nested call
/// runs host frames on the embedder's thread stack, which wasmer's own
/// stack check does not see: past the budget the call traps ("call stack
/// exhausted") instead of overflowing that stack. 1 MiB suits a 2 MiB
/// thread (Rust's default for spawned threads) and allows a few hundred
/// levels in a debug build, a few thousand in a release build.
pub const DEFAULT_INVOKE_STACK: usize = 1 << 20;

pub use crate::guest::MAX_INVOKE_DEPTH;

/// An unwind in flight: what the glue throws as a JS number.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
pub enum Unwind {
    /// A C++ exception; the thrown object is at this guest address.
    #[error("uncaught C++ exception (thrown object at guest address {0:#x})")]
    Exception(u32),
    /// A longjmp (`_emscripten_throw_longjmp`); the target is recorded in
    /// the guest's `__THREW__`/`__threwValue`.
    #[error("longjmp with no matching setjmp on the stack")]
    Longjmp,
}

impl Unwind {
    /// This unwind as a trap for a host function to return.
    pub fn trap(self) -> RuntimeError {
        RuntimeError::user(Box::new(self))
    }
}

/// Whether an `invoke_*` import of type `ty` can be a trampoline: a table
/// index, then the callee's arguments; at most one result.
pub fn fits(ty: &FunctionType) -> bool {
    ty.params().first() == Some(&Type::I32) && ty.results().len() <= 1
}

/// `invoke_<sig>` for an import of type `ty`: `(i32 index, args...) ->
/// results`. `None` when `ty` cannot be one (no leading i32, or more than
/// one result).
pub fn trampoline(
    store: &mut impl AsStoreMut, env: &FunctionEnv<EmEnv>, sig: &str, ty: &FunctionType,
) -> Option<Function> {
    if !fits(ty) {
        return None;
    }
    let callee = FunctionType::new(ty.params()[1..].to_vec(), ty.results().to_vec());
    let name = format!("invoke_{sig}");
    Some(Function::new_with_env(
        store,
        env,
        ty.clone(),
        move |mut ctx: Ctx<'_>, args: &[Value]| {
            let index = match args.first() {
                Some(Value::I32(i)) => *i as u32,
                _ => return Err(RuntimeError::new(format!("{name}: bad arguments"))),
            };
            let g = guest(&ctx)?;
            let func = table_entry(&mut ctx, &g, index, &name, &callee)?;
            let sp = call_i32(&mut ctx, &g.stack_save, "stackSave", &[])?;
            match nested(&mut ctx, &name, |ctx| func.call(ctx, &args[1..])) {
                Ok(results) => Ok(results.into_vec()),
                Err(e) if e.is::<Unwind>() => {
                    call_i32(&mut ctx, &g.stack_restore, "stackRestore", &[sp])?;
                    call_i32(&mut ctx, &g.set_threw, "setThrew", &[1, 0])?;
                    Ok(callee.results().iter().map(|t| zero(*t)).collect())
                }
                Err(e) => Err(e),
            }
        },
    ))
}

/// The function at `index` of the guest's table, which must have the
/// call site's type `callee`: else a trap naming what was found.
pub(crate) fn table_entry(
    ctx: &mut Ctx<'_>, g: &crate::guest::Guest, index: u32, name: &str, callee: &FunctionType,
) -> Result<Function, RuntimeError> {
    let table = g.table.as_ref().ok_or_else(|| missing("__indirect_function_table"))?;
    let func = match table.get(ctx, index) {
        Some(Value::FuncRef(Some(f))) => f,
        Some(_) => return Err(RuntimeError::new(format!("{name}: table entry {index} is null"))),
        None => return Err(RuntimeError::new(format!("{name}: table index {index} out of bounds"))),
    };
    let found = func.ty(ctx);
    if &found != callee {
        return Err(RuntimeError::new(format!(
            "{name}: table entry {index} has type {found}, the call site expects {callee}"
        )));
    }
    Ok(func)
}

fn zero(t: Type) -> Value {
    match t {
        Type::I64 => Value::I64(0),
        Type::F32 => Value::F32(0.0),
        Type::F64 => Value::F64(0.0),
        _ => Value::I32(0),
    }
}

/// `_emscripten_throw_longjmp()`: starts a longjmp unwind (the guest's
/// `emscripten_longjmp` has already recorded the target with `setThrew`).
/// Source: `library.js` (`throw Infinity`).
pub fn emscripten_throw_longjmp(_ctx: Ctx<'_>) -> Result<(), RuntimeError> {
    Err(Unwind::Longjmp.trap())
}

/// `emscripten_longjmp(env, value)`, imported by builds whose libc leaves
/// it to the glue: records the target with the guest's `setThrew(env,
/// value)` and unwinds. Source: `emscripten_setjmp.c`.
pub fn emscripten_longjmp(mut ctx: Ctx<'_>, env: i32, value: i32) -> Result<(), RuntimeError> {
    let g = guest(&ctx)?;
    call_i32(&mut ctx, &g.set_threw, "setThrew", &[env, value])?;
    Err(Unwind::Longjmp.trap())
}
