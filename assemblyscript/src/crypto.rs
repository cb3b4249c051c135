//! `crypto.getRandomValuesN` from the std bindings, which
//! `crypto.getRandomValues(array)` calls: the host allocates a fresh
//! `Uint8Array` inside the guest and fills it.

use crate::{trap, with_memory, AsAssemblyScript, Runtime};
use imports::GuestMemory;
use wasmer::{FunctionEnvMut, RuntimeError};

/// Web Crypto's limit on one `getRandomValues` call, in bytes; past it
/// node throws `QuotaExceededError`.
pub const MAX_BYTES: u32 = 65536;

/// `ArrayBuffer`'s class id, fixed by the compiler (`~lib/rt/common.ts`).
const ARRAYBUFFER_ID: i32 = 1;

/// The flags (`~lib/shared/typeinfo.ts`) of an unsigned byte view:
/// `ARRAYBUFFERVIEW | VALUE_ALIGN_0`.
const UINT8_VIEW_FLAGS: u32 = (1 << 0) | (1 << 6);

/// `crypto.getRandomValuesN(n) -> Uint8Array`: a new `Uint8Array` of `n`
/// bytes from the guest's random source, allocated as the bindings'
/// `__lowerTypedArray` does: the buffer with `__new(n, ArrayBuffer)` and
/// pinned, the view's 12-byte header (`buffer`, `dataStart`, `byteLength`)
/// with `__new(12, Uint8Array)`, then the buffer unpinned.
///
/// Errors (traps): `n` above [`MAX_BYTES`] (`QuotaExceededError`, as node's
/// `crypto.getRandomValues`); a module that does not export `__new`,
/// `__pin`, `__unpin` and `__rtti_base` (build with `--bindings` or
/// `--exportRuntime`) or has no `Uint8Array` class; an allocation the
/// guest returns out of bounds; a failing random source. An `abort` inside
/// `__new` (out of memory) ends the guest as any abort does.
pub fn get_random_values_n<S: AsAssemblyScript>(mut ctx: FunctionEnvMut<'_, S>, n: i32) -> Result<i32, RuntimeError> {
    const NAME: &str = "crypto.getRandomValuesN";
    let n = n as u32;
    if n > MAX_BYTES {
        return Err(trap(format!(
            "QuotaExceededError: The requested length exceeds 65,536 bytes (env.{NAME}({n}))"
        )));
    }
    let (Runtime { new, pin, unpin, .. }, id) = runtime_and_view_id(&mut ctx)?;
    let buffer = new.call(&mut ctx, n as i32, ARRAYBUFFER_ID)?;
    let buffer = pin.call(&mut ctx, buffer)?;
    let header = new.call(&mut ctx, 12, id as i32)?;
    with_memory(&mut ctx, NAME, |s, mem| fill(s, mem, header as u32, buffer as u32, n))??;
    unpin.call(&mut ctx, buffer)?;
    Ok(header)
}

/// The guest's runtime exports and its `Uint8Array` class id; traps
/// naming what a module built without them lacks.
fn runtime_and_view_id<S: AsAssemblyScript>(ctx: &mut FunctionEnvMut<'_, S>) -> Result<(Runtime, u32), RuntimeError> {
    const NAME: &str = "crypto.getRandomValuesN";
    let Some(
        runtime @ Runtime {
            rtti_base: Some(rtti_base),
            ..
        },
    ) = ctx.data().assemblyscript().runtime.clone()
    else {
        return Err(trap(format!(
            "env.{NAME} allocates in the guest: the module must export __new, __pin, __unpin and __rtti_base \
             (build with --bindings esm or --exportRuntime)"
        )));
    };
    let id = with_memory(ctx, NAME, |_, mem| uint8array_id(mem, rtti_base))?.ok_or_else(|| {
        trap(format!(
            "env.{NAME}: the module's runtime type information has no Uint8Array"
        ))
    })?;
    Ok((runtime, id))
}

/// Writes the view's header at `header` (`buffer`, `dataStart`,
/// `byteLength`) and fills its `n` bytes at `buffer` from the guest's
/// random source.
fn fill<S: AsAssemblyScript>(
    s: &mut S, mem: &mut GuestMemory<'_>, header: u32, buffer: u32, n: u32,
) -> Result<(), RuntimeError> {
    const NAME: &str = "crypto.getRandomValuesN";
    let bad = |_| trap(format!("env.{NAME}: __new returned memory outside the guest's memory"));
    mem.write_u32(header, buffer).map_err(bad)?;
    mem.write_u32(header + 4, buffer).map_err(bad)?;
    mem.write_u32(header + 8, n).map_err(bad)?;
    let bytes = mem.slice_mut(buffer, n).map_err(bad)?;
    s.host_mut()
        .random
        .try_fill_bytes(bytes)
        .map_err(|e| trap(format!("env.{NAME}: the random source failed: {e}")))
}

/// The class id of `Uint8Array` in the runtime type information at
/// `rtti_base` (a `u32` count, then one `u32` of flags per id): the first
/// class whose flags are exactly an unsigned byte view. `Uint8ClampedArray`
/// has the same flags and the same layout, so either is a valid object for
/// the guest's collector. `None` if there is none or the table is out of
/// bounds.
fn uint8array_id(mem: &imports::GuestMemory<'_>, rtti_base: u32) -> Option<u32> {
    let count = mem.read_u32(rtti_base).ok()?;
    for id in 0..count {
        // Out of bounds ends the search: a bad table cannot loop long.
        let at = u32::try_from(u64::from(rtti_base) + 4 + 4 * u64::from(id)).ok()?;
        if mem.read_u32(at).ok()? == UINT8_VIEW_FLAGS {
            return Some(id);
        }
    }
    None
}
