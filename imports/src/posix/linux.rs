//! The Linux numbering of `open` flags and `*at` flags, which Emscripten's
//! musl (`system/lib/libc/musl/arch/emscripten/bits/fcntl.h`) and node's
//! `fs.constants` (what Go's `syscall/fs_js.go` reads) share, and its
//! decoding into an [`Open`].

use super::open::Open;
use crate::descriptor::FdFlags;
use crate::errno::{Errno, Result};
use crate::fs::{OpenOptions, OpenRequest};

/// `O_ACCMODE`: the access-mode bits.
pub const O_ACCMODE: i32 = 3;
/// `O_RDONLY`.
pub const O_RDONLY: i32 = 0;
/// `O_WRONLY`.
pub const O_WRONLY: i32 = 1;
/// `O_RDWR`.
pub const O_RDWR: i32 = 2;
/// `O_CREAT`.
pub const O_CREAT: i32 = 0o100;
/// `O_EXCL`.
pub const O_EXCL: i32 = 0o200;
/// `O_TRUNC`.
pub const O_TRUNC: i32 = 0o1000;
/// `O_APPEND`.
pub const O_APPEND: i32 = 0o2000;
/// `O_NONBLOCK`.
pub const O_NONBLOCK: i32 = 0o4000;
/// `O_SYNC`.
pub const O_SYNC: i32 = 0o4010000;
/// `O_DIRECTORY`.
pub const O_DIRECTORY: i32 = 0o200000;
/// `O_NOFOLLOW`.
pub const O_NOFOLLOW: i32 = 0o400000;
/// `O_CLOEXEC`.
pub const O_CLOEXEC: i32 = 0o2000000;

/// `AT_FDCWD`: "relative to the current directory".
pub const AT_FDCWD: i32 = -100;
/// `AT_SYMLINK_NOFOLLOW`.
pub const AT_SYMLINK_NOFOLLOW: i32 = 0x100;
/// `AT_REMOVEDIR`.
pub const AT_REMOVEDIR: i32 = 0x200;
/// `AT_SYMLINK_FOLLOW` (`linkat`).
pub const AT_SYMLINK_FOLLOW: i32 = 0x400;
/// `AT_EMPTY_PATH`.
pub const AT_EMPTY_PATH: i32 = 0x1000;

/// `F_OK`, `R_OK`, `W_OK`, `X_OK` of `access`.
pub const ACCESS_MODES: i32 = 7;
/// `W_OK`.
pub const W_OK: i32 = 2;

/// Decodes `open`'s `flags` (and the `mode` for a file it creates).
/// `O_TRUNC` without write access does nothing, as on Linux. An access
/// mode of 3: `EINVAL`.
pub fn open_flags(flags: i32, mode: Option<u32>) -> Result<Open> {
    let (read, write) = match flags & O_ACCMODE {
        O_RDONLY => (true, false),
        O_WRONLY => (false, true),
        O_RDWR => (true, true),
        _ => return Err(Errno::Inval),
    };
    let has = |bit: i32| flags & bit != 0;
    let mut fdflags = 0;
    if has(O_APPEND) {
        fdflags |= FdFlags::APPEND.0;
    }
    if has(O_NONBLOCK) {
        fdflags |= FdFlags::NONBLOCK.0;
    }
    Ok(Open {
        request: OpenRequest {
            follow: !has(O_NOFOLLOW),
            directory: has(O_DIRECTORY),
            options: OpenOptions {
                read,
                write,
                append: has(O_APPEND),
                create: has(O_CREAT),
                exclusive: has(O_CREAT) && has(O_EXCL),
                truncate: has(O_TRUNC) && write,
            },
        },
        flags: FdFlags(fdflags),
        mode,
    })
}

/// The `O_*` flags `fcntl(F_GETFL)` reports for an open file.
pub fn status_flags(read: bool, write: bool, flags: FdFlags) -> i32 {
    let mut fl = match (read, write) {
        (true, true) => O_RDWR,
        (false, true) => O_WRONLY,
        _ => O_RDONLY,
    };
    if flags.contains(FdFlags::APPEND) {
        fl |= O_APPEND;
    }
    if flags.contains(FdFlags::NONBLOCK) {
        fl |= O_NONBLOCK;
    }
    fl
}
