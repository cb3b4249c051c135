//! Imports in the legalized form of builds without `WASM_BIGINT`.
//!
//! JavaScript before BigInt could not pass an i64, so emcc (Binaryen's
//! `LegalizeJSInterface` pass) gives every import that has one a legal
//! type: each i64 parameter becomes two i32s (low half first), and an i64
//! result becomes an i32 (the low half) with the high half left in
//! `tempRet0`. From emcc 4.0 `WASM_BIGINT` is the default and i64 crosses
//! whole; `-sWASM_BIGINT=0` still legalizes, WASI imports included
//! (`fd_seek` then takes five i32s). The host functions are written with
//! whole i64s; [`adapter`] gives one the legalized type a module imports.
//!
//! Where the high half goes: since emcc 3.1.20 `tempRet0` is a global in
//! the guest, set through its export `_emscripten_tempret_set`; older
//! modules import `getTempRet0` from the host ([`set_temp_ret0`]).

use crate::guest::call_i32;
use crate::{Ctx, EmEnv};
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionType, RuntimeError, Type, Value};

/// `ty` as emcc legalizes it: i64 parameters split in two i32s, an i64
/// result narrowed to i32.
pub fn legal(ty: &FunctionType) -> FunctionType {
    let params: Vec<Type> = ty.params().iter().flat_map(|&t| split(t)).collect();
    let results: Vec<Type> = ty
        .results()
        .iter()
        .map(|&t| if t == Type::I64 { Type::I32 } else { t })
        .collect();
    FunctionType::new(params, results)
}

fn split(t: Type) -> Vec<Type> {
    match t {
        Type::I64 => vec![Type::I32, Type::I32],
        t => vec![t],
    }
}

/// `inner` (of type `own`) under the type `wanted`, when `wanted` is the
/// legalized form of `own` and differs from it; `None` otherwise. The
/// adapter joins each split pair into an i64 and, for an i64 result,
/// returns the low half and sets `tempRet0` to the high half.
pub fn adapter(
    store: &mut impl AsStoreMut, env: &FunctionEnv<EmEnv>, inner: &Function, own: &FunctionType, wanted: &FunctionType,
) -> Option<Function> {
    if own == wanted || &legal(own) != wanted {
        return None;
    }
    let (inner, own) = (inner.clone(), own.clone());
    Some(Function::new_with_env(
        store,
        env,
        wanted.clone(),
        move |mut ctx: Ctx<'_>, args: &[Value]| {
            let joined = join(own.params(), args)?;
            let results = inner.call(&mut ctx, &joined)?;
            narrow(&mut ctx, results.into_vec())
        },
    ))
}

/// The arguments of a legalized call as the whole-i64 function takes them.
fn join(params: &[Type], args: &[Value]) -> Result<Vec<Value>, RuntimeError> {
    let mut it = args.iter();
    let mut next = || {
        it.next()
            .ok_or_else(|| RuntimeError::new("legalized import: missing argument"))
    };
    params
        .iter()
        .map(|t| match t {
            Type::I64 => {
                let lo = next()?.i32().unwrap_or(0);
                let hi = next()?.i32().unwrap_or(0);
                Ok(Value::I64((i64::from(hi) << 32) | i64::from(lo as u32)))
            }
            _ => next().cloned(),
        })
        .collect()
}

/// An i64 result as its low half, the high half into `tempRet0`.
fn narrow(ctx: &mut Ctx<'_>, results: Vec<Value>) -> Result<Vec<Value>, RuntimeError> {
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Value::I64(v) => {
                set_temp_ret0(ctx, (v >> 32) as i32)?;
                out.push(Value::I32(v as i32));
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Sets `tempRet0`: through the guest's `_emscripten_tempret_set` when it
/// exports one (emcc 3.1.20 and later), else in the host's state, which
/// the `getTempRet0` import of older modules reads.
pub fn set_temp_ret0(ctx: &mut Ctx<'_>, value: i32) -> Result<(), RuntimeError> {
    let set = ctx.data().state.guest.as_ref().and_then(|g| g.tempret_set.clone());
    match set {
        Some(f) => call_i32(ctx, &Some(f), "_emscripten_tempret_set", &[value]).map(drop),
        None => {
            ctx.data_mut().state.temp_ret0 = value;
            Ok(())
        }
    }
}
