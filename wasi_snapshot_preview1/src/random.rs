//! `random_get`.

use imports::{with_memory, AsHost, Errno};
use wasmer::FunctionEnvMut;

/// `random_get(buf, buf_len)`: fills `buf_len` bytes at `buf` from the
/// guest's random source (OS entropy, or seeded in deterministic mode).
/// Errors: `EFAULT`, `EIO` (the source failed). Source: preview1
/// `random_get`.
pub fn random_get<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, buf: u32, buf_len: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let out = mem.slice_mut(buf, buf_len)?;
        s.host_mut().random.try_fill_bytes(out).map_err(|_| Errno::Io)
    })
}
