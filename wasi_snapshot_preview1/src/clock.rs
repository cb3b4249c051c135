//! `clock_res_get`, `clock_time_get`.

use crate::types::clockid;
use imports::{with_memory, AsHost, Errno, Host};
use wasmer::FunctionEnvMut;

/// The current time of clock `id` in ns. Unknown id: `EINVAL`.
pub(crate) fn now(host: &Host, id: u32) -> Result<u64, Errno> {
    Ok(match id {
        clockid::REALTIME => host.walltime.walltime(),
        clockid::MONOTONIC => host.nanotime.nanotime(),
        clockid::PROCESS_CPUTIME_ID => host.cputime.process_cputime(),
        clockid::THREAD_CPUTIME_ID => host.cputime.thread_cputime(),
        _ => return Err(Errno::Inval),
    })
}

/// `clock_res_get(id) -> timestamp`: the resolution of clock `id` in ns.
/// Errors: `EINVAL` (unknown clock), `EFAULT`. Source: preview1
/// `clock_res_get`.
pub fn clock_res_get<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, id: u32, resolution: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host();
        let res = match id {
            clockid::REALTIME => h.walltime.walltime_resolution(),
            clockid::MONOTONIC => h.nanotime.nanotime_resolution(),
            clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => h.cputime.cputime_resolution(),
            _ => return Err(Errno::Inval),
        };
        mem.write_u64(resolution, res)
    })
}

/// `clock_time_get(id, precision) -> timestamp`: the time of clock `id` in
/// ns (realtime: since the epoch; monotonic and CPU clocks: since an
/// arbitrary start). `precision` is a hint and is ignored. Errors:
/// `EINVAL`, `EFAULT`.
pub fn clock_time_get<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, id: u32, precision: u64, time: u32,
) -> Result<(), Errno> {
    let _ = precision;
    with_memory(&mut ctx, |s, mem| {
        let t = now(s.host(), id)?;
        mem.write_u64(time, t)
    })
}
