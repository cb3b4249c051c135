//! `process.exit` from the std bindings (`~lib/bindings/node.ts`).

use crate::AsAssemblyScript;
use wasmer::{FunctionEnvMut, RuntimeError};

/// `process.exit(code)`: ends the guest with `code` (an `i32`, kept as its
/// `u32` bits; a process sees the low 8 bits, as with node's exit).
pub fn exit<S: AsAssemblyScript>(ctx: FunctionEnvMut<'_, S>, code: i32) -> Result<(), RuntimeError> {
    Err(ctx.data().host().exit(code as u32))
}
