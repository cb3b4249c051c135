//! `args_get`, `args_sizes_get`: the guest's command-line arguments.

use imports::{with_memory, AsHost, Errno};
use wasmer::FunctionEnvMut;

/// Writes `list` as C strings: pointers into `ptrs` (u32 each) and the
/// NUL-terminated bytes into `buf`. Shared by args and environ.
pub(crate) fn write_strings(
    mem: &mut imports::GuestMemory<'_>, list: &[String], ptrs: u32, buf: u32,
) -> Result<(), Errno> {
    let mut at = u64::from(buf);
    for (i, s) in list.iter().enumerate() {
        let p = u32::try_from(at).map_err(|_| Errno::Fault)?;
        let slot = u64::from(ptrs) + 4 * i as u64;
        mem.write_u32(u32::try_from(slot).map_err(|_| Errno::Fault)?, p)?;
        mem.write(p, s.as_bytes())?;
        let nul = u32::try_from(at + s.len() as u64).map_err(|_| Errno::Fault)?;
        mem.write_u8(nul, 0)?;
        at += s.len() as u64 + 1;
    }
    Ok(())
}

/// Writes the count of `list` and the bytes its C strings need.
pub(crate) fn write_sizes(
    mem: &mut imports::GuestMemory<'_>, list: &[String], count: u32, size: u32,
) -> Result<(), Errno> {
    let bytes: usize = list.iter().map(|s| s.len() + 1).sum();
    mem.write_u32(count, u32::try_from(list.len()).map_err(|_| Errno::Overflow)?)?;
    mem.write_u32(size, u32::try_from(bytes).map_err(|_| Errno::Overflow)?)
}

/// `args_get(argv, argv_buf)`: writes a pointer per argument at `argv`
/// (u32 each) and the NUL-terminated arguments at `argv_buf`, sized by
/// `args_sizes_get`. Errors: `EFAULT`. Source: preview1 `args_get`.
pub fn args_get<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, argv: u32, argv_buf: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| write_strings(mem, &s.host().args, argv, argv_buf))
}

/// `args_sizes_get() -> (argc, argv_buf_size)`: the number of arguments
/// and the bytes they need with their NULs. Errors: `EFAULT`.
pub fn args_sizes_get<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, argc: u32, argv_buf_size: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| write_sizes(mem, &s.host().args, argc, argv_buf_size))
}
