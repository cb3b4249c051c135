//! Operations on an open descriptor: `fstat`, `ftruncate`, `fchmod`,
//! `fchown`, `fsync`, `fchdir`, as POSIX (Linux) answers, for every ABI.

use super::path::owner_ok;
use super::Namespace;
use crate::descriptor::{Descriptor, Descriptors};
use crate::errno::{Errno, Result};
use crate::fs::{FileType, Stat};
use crate::host::Host;

/// `fstat`: the attributes of what `fd` refers to. An open file whose
/// file system cannot tell its type shows the type it was opened as; a
/// listening socket is a stream socket with one link, as `fstat` on a
/// socket answers on Linux (RATIONALE.md, "`fstat` of a listening
/// socket"). Errors: `EBADF`, `EIO`.
pub fn fstat(fds: &mut Descriptors, fd: u32) -> Result<Stat> {
    match fds.get_mut(fd)? {
        Descriptor::File(f) => {
            let mut st = f.file.stat()?;
            if st.filetype == FileType::Unknown {
                st.filetype = f.filetype;
            }
            Ok(st)
        }
        Descriptor::Dir(d) => d.fs.stat(&d.path),
        Descriptor::Listener(_) => Ok(Stat {
            filetype: FileType::SocketStream,
            nlink: 1,
            ..Stat::default()
        }),
    }
}

/// `ftruncate`: sets the length of the file open for writing at `fd`.
/// Errors: `EINVAL` (negative; a directory or a file not open for
/// writing, as Linux's `do_sys_ftruncate` and Emscripten's glue answer;
/// not a regular file), `EBADF`, `EFBIG`.
pub fn ftruncate(fds: &mut Descriptors, fd: u32, len: i64) -> Result<()> {
    let len = u64::try_from(len).map_err(|_| Errno::Inval)?;
    match fds.get_mut(fd)? {
        Descriptor::File(f) if f.access.write => f.file.set_len(len),
        _ => Err(Errno::Inval),
    }
}

/// `fchmod`: sets the permission bits of what `fd` refers to. Errors:
/// `EBADF` (not open, a socket), `ENOTSUP` (no bits kept), `EROFS`.
pub fn fchmod(fds: &mut Descriptors, fd: u32, mode: u32) -> Result<()> {
    match fds.get_mut(fd)? {
        Descriptor::File(f) => f.file.set_mode(mode & 0o7777),
        Descriptor::Dir(d) => d.fs.set_mode(&d.path, mode & 0o7777),
        Descriptor::Listener(_) => Err(Errno::Badf),
    }
}

/// `fchown`: as [`super::path::chown`] for an open descriptor. Errors:
/// `EBADF`, `EPERM`.
pub fn fchown(fds: &mut Descriptors, fd: u32, ids: (Option<u32>, Option<u32>)) -> Result<()> {
    fstat(fds, fd)?;
    owner_ok(ids)
}

/// `fsync`: flushes a file; a directory or socket has nothing to flush.
/// Errors: `EBADF`, `EIO`.
pub fn fsync(fds: &mut Descriptors, fd: u32) -> Result<()> {
    match fds.get_mut(fd)? {
        Descriptor::File(f) => f.file.sync(),
        _ => Ok(()),
    }
}

/// `fchdir`: makes the directory `fd` the namespace's working directory.
/// Errors: `EBADF`, `ENOTDIR`, `ENOENT` (its mount is not in the table).
pub fn fchdir(host: &Host, ns: &mut Namespace, fd: u32) -> Result<()> {
    let Descriptor::Dir(d) = host.fds.get(fd)? else {
        return Err(Errno::Notdir);
    };
    ns.chdir_to(&host.mounts, &d.fs, &d.path)
}
