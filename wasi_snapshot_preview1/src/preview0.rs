//! WASI preview0 (`wasi_unstable`), used by older Rust and C toolchains.
//!
//! preview0 is preview1 with three layout differences
//! (`phases/old/snapshot_0/witx/typenames.witx` in WebAssembly/WASI):
//! `filestat::nlink` is a `u32` (`linkcount`), `whence` is numbered
//! `cur`=0, `end`=1, `set`=2, and `subscription_clock` starts with an
//! `identifier` field. The functions that see those types are redefined
//! here ([`Functions::PREVIEW0`]); every other function is preview1's own
//! (the same `Function` handles, registered under both module names,
//! unless logged), so a fix lands once.

use crate::fs::fd_seek;
use crate::types::{filetype, whence, Layout, SubscriptionLayout};
use crate::Functions;
use imports::define::Table;
use imports::fs::Stat;
use imports::log::Results;
use imports::{AsHost, Errno, GuestMemory};
use wasmer::FunctionEnvMut;

/// The module name preview0 guests import from.
pub const MODULE: &str = "wasi_unstable";

/// Size of preview0's `filestat`.
pub const FILESTAT_SIZE: u32 = 56;

/// preview0's layouts: 56-byte subscriptions (clock fields after
/// `identifier`), 56-byte `filestat` (`nlink` a `u32`, saturating).
pub struct Preview0;

impl Layout for Preview0 {
    const SUBSCRIPTION: SubscriptionLayout = SubscriptionLayout { size: 56, clock_id: 24 };
    fn write_filestat(mem: &mut GuestMemory<'_>, ptr: u32, st: &Stat) -> Result<(), Errno> {
        write_filestat(mem, ptr, st)
    }
}

/// Writes a preview0 `filestat` at `ptr` (`nlink` saturates at `u32::MAX`).
fn write_filestat(mem: &mut GuestMemory<'_>, ptr: u32, st: &Stat) -> Result<(), Errno> {
    let b = mem.slice_mut(ptr, FILESTAT_SIZE)?;
    b.fill(0);
    b[0..8].copy_from_slice(&st.dev.to_le_bytes());
    b[8..16].copy_from_slice(&st.ino.to_le_bytes());
    b[16] = filetype(st.filetype);
    b[20..24].copy_from_slice(&u32::try_from(st.nlink).unwrap_or(u32::MAX).to_le_bytes());
    b[24..32].copy_from_slice(&st.size.to_le_bytes());
    b[32..40].copy_from_slice(&st.atim.to_le_bytes());
    b[40..48].copy_from_slice(&st.mtim.to_le_bytes());
    b[48..56].copy_from_slice(&st.ctim.to_le_bytes());
    Ok(())
}

/// preview0 `fd_seek(fd, offset, whence)` with preview0's whence
/// numbering (0 cur, 1 end, 2 set). Errors as preview1's; an unknown
/// whence is `EINVAL`.
pub fn fd_seek0<S: AsHost>(
    ctx: FunctionEnvMut<'_, S>, fd: u32, offset: u64, w: u32, newoffset: u32,
) -> Result<(), Errno> {
    let w = match w {
        0 => whence::CUR,
        1 => whence::END,
        2 => whence::SET,
        _ => return Err(Errno::Inval),
    };
    fd_seek(ctx, fd, offset, w, newoffset)
}

impl<S: AsHost> Functions<S> {
    /// preview0's functions: preview1's, with the four whose layouts differ
    /// replaced, and without `sock_accept`, which preview0 does not have.
    /// Logged as preview1's are, under `wasi_unstable`.
    pub const PREVIEW0: Table<S> = Table {
        rows: imports::import_rows! { env: S;
            "fd_filestat_get" [FILESYSTEM] (fd, buf) => crate::fs::fd_filestat_get::<S, Preview0>;
            "path_filestat_get" [FILESYSTEM] (fd, flags, path: str, path_len, buf) => crate::path::path_filestat_get::<S, Preview0>;
            "fd_seek" [FILESYSTEM] (fd, offset, whence, newoffset: out64) => fd_seek0::<S>;
            "poll_oneoff" [POLL] (subscriptions, events, nsubscriptions, nevents: out32) => crate::poll::poll_oneoff::<S, Preview0>;
        },
        base: Some((&Functions::<S>::PREVIEW1, &["sock_accept"])),
        results: Results::Errno,
    };
}
