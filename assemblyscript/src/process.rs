//! `process.exit` from the std bindings (`~lib/bindings/node.ts`).

use crate::AsAssemblyScript;
use imports::define::Defs;
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionEnvMut, RuntimeError};

/// Defines `process.exit`.
pub(crate) fn define<S: AsAssemblyScript>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>, e: &mut Defs<'_>) {
    e.add("process.exit", || Function::new_typed_with_env(store, env, exit::<S>));
}

/// `process.exit(code)`: ends the guest with `code` (an `i32`, kept as its
/// `u32` bits; a process sees the low 8 bits, as with node's exit).
pub fn exit<S: AsAssemblyScript>(ctx: FunctionEnvMut<'_, S>, code: i32) -> Result<(), RuntimeError> {
    Err(ctx.data().host().exit(code as u32))
}
