//! `environ_get`, `environ_sizes_get`: the guest's environment.

use crate::args::{write_sizes, write_strings};
use imports::{with_memory, AsHost, Errno};
use wasmer::FunctionEnvMut;

/// `environ_get(environ, environ_buf)`: writes a pointer per `NAME=VALUE`
/// string at `environ` and the NUL-terminated strings at `environ_buf`.
/// Errors: `EFAULT`. Source: preview1 `environ_get`.
pub fn environ_get<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, environ: u32, environ_buf: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        write_strings(mem, &s.host().environ, environ, environ_buf)
    })
}

/// `environ_sizes_get() -> (count, buf_size)`. Errors: `EFAULT`.
pub fn environ_sizes_get<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, count: u32, buf_size: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| write_sizes(mem, &s.host().environ, count, buf_size))
}
