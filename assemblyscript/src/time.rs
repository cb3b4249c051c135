//! `Date.now` and `performance.now` from the std bindings, on the guest's
//! clocks.

use crate::AsAssemblyScript;
use wasmer::FunctionEnvMut;

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
