//! `Date.now` and `performance.now` from the std bindings, on the guest's
//! clocks.

use crate::AsAssemblyScript;
use imports::define::Defs;
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionEnvMut};

/// Defines `Date.now` and `performance.now`.
pub(crate) fn define<S: AsAssemblyScript>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>, e: &mut Defs<'_>) {
    e.add("Date.now", || Function::new_typed_with_env(store, env, date_now::<S>));
    e.add("performance.now", || {
        Function::new_typed_with_env(store, env, performance_now::<S>)
    });
}

/// `Date.now() -> f64`: whole milliseconds since the Unix epoch, from the
/// guest's wall clock (JavaScript's time value).
pub fn date_now<S: AsAssemblyScript>(ctx: FunctionEnvMut<'_, S>) -> f64 {
    (ctx.data().host().walltime.walltime() / 1_000_000) as f64
}

/// `performance.now() -> f64`: milliseconds, with a fraction, from the
/// guest's monotonic clock; never decreases.
pub fn performance_now<S: AsAssemblyScript>(ctx: FunctionEnvMut<'_, S>) -> f64 {
    ctx.data().host().nanotime.nanotime() as f64 / 1e6
}
