//! The `fd_*` functions: operations on open descriptors.
//!
//! Errno choices where the specification is silent follow wasmtime (the
//! reference runtime for our expected outputs); see RATIONALE.md.

use crate::rights;
use crate::types::{self, fstflags, whence, Layout, FDSTAT_SIZE, PREOPENTYPE_DIR};
use imports::asyncify::{self, Step, Wait};
use imports::descriptor::{Access, Descriptor, Descriptors, FdFlags, OpenFile};
use imports::fs::{FileType, SetTime, Stat};
use imports::{with_memory, AsHost, Errno};
use std::io::SeekFrom;
use wasmer::{FunctionEnvMut, RuntimeError};

/// The open file `fd` for reading (`needed` = [`Access::READ`]) or
/// writing. A file opened without that access is `EBADF`, as POSIX says;
/// so is a directory, as wasmtime answers (POSIX `read` says `EISDIR`).
pub(crate) fn io_file(fds: &mut Descriptors, fd: u32, needed: Access) -> Result<&mut OpenFile, Errno> {
    fds.file_or(fd, needed, Errno::Badf)
}

/// Checks a positioned operation (`fd_seek`, `fd_tell`, `fd_pread`,
/// `fd_pwrite`) may run on `f`: a stream (stdio, pipe, socket) has no
/// position, which is `ESPIPE` as POSIX says and toolchains expect (Zig
/// falls back to streaming writes on it).
fn seekable(f: &OpenFile) -> Result<(), Errno> {
    match f.filetype {
        FileType::RegularFile | FileType::BlockDevice => Ok(()),
        _ => Err(Errno::Spipe),
    }
}

/// Reads a `SetTime` pair from `fst_flags`. Both a time and "now" for the
/// same stamp, or unknown bits: `EINVAL`.
pub(crate) fn set_times(atim: u64, mtim: u64, flags: u32) -> Result<(SetTime, SetTime), Errno> {
    use fstflags::*;
    if flags & !(ATIM | ATIM_NOW | MTIM | MTIM_NOW) != 0
        || (flags & ATIM != 0 && flags & ATIM_NOW != 0)
        || (flags & MTIM != 0 && flags & MTIM_NOW != 0)
    {
        return Err(Errno::Inval);
    }
    let pick = |t: u64, set: u32, now: u32| {
        if flags & now != 0 {
            SetTime::Now
        } else if flags & set != 0 {
            SetTime::At(t)
        } else {
            SetTime::Omit
        }
    };
    Ok((pick(atim, ATIM, ATIM_NOW), pick(mtim, MTIM, MTIM_NOW)))
}

/// `fd_advise(fd, offset, len, advice)`: advice about an access pattern. Advice
/// is only a hint; it is checked and accepted. Errors: `EBADF`, `EINVAL`
/// (unknown advice, or `offset + len` overflows), `ESPIPE` (not a regular
/// file).
pub fn fd_advise<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, offset: u64, len: u64, advice: u32,
) -> Result<(), Errno> {
    if advice > 5 || offset.checked_add(len).is_none_or(|end| end > i64::MAX as u64) {
        return Err(Errno::Inval);
    }
    let f = ctx.data_mut().host_mut().fds.file_or(fd, Access::NONE, Errno::Badf)?;
    if f.filetype != FileType::RegularFile {
        return Err(Errno::Spipe);
    }
    Ok(())
}

/// `fd_allocate(fd, offset, len)`: makes sure `offset..offset+len` is
/// allocated, extending the file with zeros if shorter. Errors: `EBADF`,
/// `EINVAL` (`len` 0), `EFBIG` (overflow).
pub fn fd_allocate<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, offset: u64, len: u64) -> Result<(), Errno> {
    if len == 0 {
        return Err(Errno::Inval);
    }
    let end = offset
        .checked_add(len)
        .filter(|&e| e <= i64::MAX as u64)
        .ok_or(Errno::Fbig)?;
    let f = ctx.data_mut().host_mut().fds.file_or(fd, Access::WRITE, Errno::Badf)?;
    f.file.allocate(offset, end - offset)
}

/// `fd_close(fd)`: closes `fd` (preopens too). Errors: `EBADF`.
pub fn fd_close<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32) -> Result<(), Errno> {
    ctx.data_mut().host_mut().fds.remove(fd).map(drop)
}

/// `fd_datasync(fd)`: flushes the file's data to storage. Errors: `EBADF`,
/// `EIO`.
pub fn fd_datasync<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32) -> Result<(), Errno> {
    match ctx.data_mut().host_mut().fds.get_mut(fd)? {
        Descriptor::File(f) => f.file.sync_data(),
        Descriptor::Dir(_) => Ok(()),
        Descriptor::Listener(_) => Err(Errno::Inval),
    }
}

/// `fd_sync(fd)`: flushes data and metadata to storage. Errors: `EBADF`, `EIO`.
pub fn fd_sync<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32) -> Result<(), Errno> {
    match ctx.data_mut().host_mut().fds.get_mut(fd)? {
        Descriptor::File(f) => f.file.sync(),
        Descriptor::Dir(_) => Ok(()),
        Descriptor::Listener(_) => Err(Errno::Inval),
    }
}

/// `fd_fdstat_get(fd) -> fdstat`: the descriptor's type, flags (as opened
/// or set since; none for preopened directories) and rights. Errors:
/// `EBADF`, `EFAULT`.
pub fn fd_fdstat_get<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, stat: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let d = s.host().fds.get(fd)?;
        let (filetype, flags) = match d {
            Descriptor::File(f) => (f.filetype, f.flags),
            Descriptor::Dir(d) => (FileType::Directory, d.flags),
            Descriptor::Listener(l) => (FileType::SocketStream, l.flags),
        };
        let (base, inheriting) = rights::reported(d);
        let b = mem.slice_mut(stat, FDSTAT_SIZE)?;
        b.fill(0);
        b[0] = types::filetype(filetype);
        b[2..4].copy_from_slice(&flags.0.to_le_bytes());
        b[8..16].copy_from_slice(&base.0.to_le_bytes());
        b[16..24].copy_from_slice(&inheriting.0.to_le_bytes());
        Ok(())
    })
}

/// `fd_fdstat_set_flags(fd, flags)`: sets `APPEND` (switching the file's write
/// mode) and records `NONBLOCK`, `DSYNC`, `RSYNC`, `SYNC`. Errors: `EBADF`,
/// `EINVAL` (unknown bits), `ENOTSUP` (a file that cannot switch append mode).
pub fn fd_fdstat_set_flags<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, flags: u32) -> Result<(), Errno> {
    let flags = u16::try_from(flags)
        .ok()
        .filter(|f| f & !FdFlags::ALL.0 == 0)
        .ok_or(Errno::Inval)?;
    let flags = FdFlags(flags);
    match ctx.data_mut().host_mut().fds.get_mut(fd)? {
        Descriptor::File(f) => {
            if f.filetype == FileType::RegularFile {
                f.file.set_append(flags.contains(FdFlags::APPEND))?;
            } else {
                f.file.set_nonblocking(flags.contains(FdFlags::NONBLOCK))?;
            }
            f.flags = flags;
        }
        Descriptor::Dir(d) => {
            d.flags = flags;
        }
        Descriptor::Listener(l) => {
            l.listener.set_nonblocking(flags.contains(FdFlags::NONBLOCK))?;
            l.flags = flags;
        }
    }
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: `ENOTSUP` for an open
/// descriptor, as wasmtime answers: rights decide nothing here (see
/// [`rights`]), so there is nothing to drop. Errors: `EBADF`, `ENOTSUP`.
pub fn fd_fdstat_set_rights<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, _base: u64, _inheriting: u64,
) -> Result<(), Errno> {
    ctx.data_mut().host_mut().fds.get(fd)?;
    Err(Errno::Notsup)
}

/// Attributes of descriptor `fd` ([`imports::posix::fd::fstat`]).
pub(crate) fn fd_stat(fds: &mut Descriptors, fd: u32) -> Result<Stat, Errno> {
    imports::posix::fd::fstat(fds, fd)
}

/// `fd_filestat_get(fd) -> filestat`: the open file's attributes, with
/// nanosecond timestamps. Errors: `EBADF`, `EFAULT`, `EIO`.
pub fn fd_filestat_get<S: AsHost, L: Layout>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, buf: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let st = fd_stat(&mut s.host_mut().fds, fd)?;
        L::write_filestat(mem, buf, &st)
    })
}

/// `fd_filestat_set_size(fd, size)`: truncates or zero-extends to `size` bytes.
/// Errors: `EBADF` (not open for writing), `EISDIR`, `EFBIG` (over
/// `i64::MAX`), `EINVAL` (not a regular file).
pub fn fd_filestat_set_size<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, size: u64) -> Result<(), Errno> {
    if size > i64::MAX as u64 {
        return Err(Errno::Fbig);
    }
    let f = ctx.data_mut().host_mut().fds.file(fd, Access::WRITE)?;
    f.file.set_len(size)
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`: sets the access and/or
/// modification time (ns since the epoch, or now). Errors: `EBADF`, `EINVAL`
/// (both a time and now for one stamp).
pub fn fd_filestat_set_times<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, atim: u64, mtim: u64, fst_flags: u32,
) -> Result<(), Errno> {
    let (a, m) = set_times(atim, mtim, fst_flags)?;
    match ctx.data_mut().host_mut().fds.get_mut(fd)? {
        Descriptor::File(f) => f.file.set_times(a, m),
        Descriptor::Dir(d) => d.fs.set_times(&d.path, a, m),
        Descriptor::Listener(_) => Err(Errno::Inval),
    }
}

/// `fd_pread(fd, iovs, iovs_len, offset) -> nread`: reads at `offset` without
/// moving the file offset. Errors: `EBADF`, `ESPIPE` (not seekable),
/// `EFAULT`, `EINVAL` (offset over `i64::MAX`).
pub fn fd_pread<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32,
) -> Result<(), Errno> {
    if offset > i64::MAX as u64 {
        return Err(Errno::Inval);
    }
    with_memory(&mut ctx, |s, mem| {
        let f = io_file(&mut s.host_mut().fds, fd, Access::READ)?;
        seekable(f)?;
        let mut at = offset;
        let n = mem.scatter(iovs, iovs_len, |bufs| {
            let n = f.file.pread(bufs, at)?;
            at += n as u64;
            Ok(n)
        })?;
        mem.write_u32(nread, n as u32)
    })
}

/// `fd_pwrite(fd, iovs, iovs_len, offset) -> nwritten`: writes at
/// `offset` without moving the file offset. Errors: as `fd_pread`, with
/// `FD_WRITE`; `EFBIG`.
pub fn fd_pwrite<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32,
) -> Result<(), Errno> {
    if offset > i64::MAX as u64 {
        return Err(Errno::Inval);
    }
    with_memory(&mut ctx, |s, mem| {
        let f = io_file(&mut s.host_mut().fds, fd, Access::WRITE)?;
        seekable(f)?;
        let mut at = offset;
        let n = mem.gather(iovs, iovs_len, |bufs| {
            let n = f.file.pwrite(bufs, at)?;
            at += n as u64;
            Ok(n)
        })?;
        mem.write_u32(nwritten, n as u32)
    })
}

/// `fd_prestat_get(fd) -> prestat`: for a preopened directory, its type
/// (`dir`) and the length of its guest path. Errors: `EBADF` (not a
/// preopen), `EFAULT`.
pub fn fd_prestat_get<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, buf: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let name = preopen_name(&s.host().fds, fd)?;
        let len = u32::try_from(name.len()).map_err(|_| Errno::Nametoolong)?;
        mem.write_u32(buf, u32::from(PREOPENTYPE_DIR))?;
        mem.write_u32(buf + 4, len)
    })
}

fn preopen_name(fds: &Descriptors, fd: u32) -> Result<&str, Errno> {
    match fds.get(fd)? {
        Descriptor::Dir(d) => d.preopen.as_deref().ok_or(Errno::Badf),
        _ => Err(Errno::Badf),
    }
}

/// `fd_prestat_dir_name(fd, path, path_len)`: copies the preopen's guest
/// path (no NUL) to `path`. A buffer shorter than the name is
/// `ENAMETOOLONG` and nothing is written (RATIONALE.md). Errors: `EBADF`,
/// `EFAULT`.
pub fn fd_prestat_dir_name<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, path: u32, path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let name = preopen_name(&s.host().fds, fd)?;
        if (path_len as usize) < name.len() {
            return Err(Errno::Nametoolong);
        }
        mem.write(path, name.as_bytes())
    })
}

/// `fd_read(fd, iovs, iovs_len) -> nread`: reads into the buffers in
/// order, from the file offset. 0 at end of file. Errors: `EBADF` (not
/// open for reading, or a directory), `EFAULT`, `EINVAL` (buffers over 4 GiB in
/// all), `EIO`, `EAGAIN`. Under an async driver of an Asyncify guest, a
/// stream with no data yet suspends the guest until it has some
/// ([`imports::asyncify`]).
pub fn fd_read<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, iovs: u32, iovs_len: u32, nread: u32,
) -> Result<Errno, RuntimeError> {
    asyncify::step(&mut ctx, |ctx, _| fd_read_step(ctx, fd, iovs, iovs_len, nread))
}

/// One attempt at `fd_read`: reads, or (when the guest can be suspended
/// and the stream says it has nothing yet) waits for data.
pub(crate) fn fd_read_step<S: AsHost>(
    ctx: &mut FunctionEnvMut<'_, S>, fd: u32, iovs: u32, iovs_len: u32, nread: u32,
) -> Result<Step, RuntimeError> {
    let r = with_memory(ctx, |s, mem| {
        let suspend = asyncify::can_suspend(s.host());
        let f = io_file(&mut s.host_mut().fds, fd, Access::READ)?;
        // Only a stream that can tell it has nothing yet suspends; a
        // plain `Read` reports itself ready and may block, as in the
        // synchronous API.
        if suspend && matches!(f.file.bytes_readable(), Ok(None)) {
            return Ok(true);
        }
        let n = mem.scatter(iovs, iovs_len, |bufs| f.file.read_vectored(bufs))?;
        mem.write_u32(nread, n as u32)?;
        Ok(false)
    });
    Ok(match r {
        Ok(false) => Step::Done(Errno::Success),
        Ok(true) => Step::Wait(Wait::Readable(fd), 0),
        Err(e) => Step::Done(e),
    })
}

/// `fd_write(fd, iovs, iovs_len) -> nwritten`: writes the gathered
/// buffers with one vectored write (per 64 buffers), at the file offset or
/// the end in append mode. Errors: `EBADF` (not open for writing),
/// `EFAULT` (any buffer out of bounds: nothing is written), `EINVAL`,
/// `EIO`, `ENOSPC`, `EPIPE`.
pub fn fd_write<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, iovs: u32, iovs_len: u32, nwritten: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let f = io_file(&mut s.host_mut().fds, fd, Access::WRITE)?;
        let n = mem.gather(iovs, iovs_len, |bufs| f.file.write_vectored(bufs))?;
        mem.write_u32(nwritten, n as u32)
    })
}

/// Fills `out` with the `dirent` records of `listing` from entry `cookie`
/// on, the last one cut off where `out` ends; returns the bytes used.
fn write_dirents(out: &mut [u8], listing: &[imports::fs::DirEntry], cookie: u64) -> usize {
    let mut used = 0;
    let from = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, e) in listing.iter().enumerate().skip(from) {
        if used == out.len() {
            break;
        }
        let header = types::dirent(i as u64 + 1, e.ino, e.name.len() as u32, e.filetype);
        for part in [&header[..], e.name.as_bytes()] {
            let k = part.len().min(out.len() - used);
            out[used..used + k].copy_from_slice(&part[..k]);
            used += k;
        }
    }
    used
}

/// `fd_readdir(fd, buf, buf_len, cookie) -> bufused`: fills `buf` with
/// `dirent` records (24-byte header, then the name without NUL) starting
/// at entry `cookie` (0 = first; each record's `d_next` is the next
/// cookie). `.` and `..` come first, in every directory. The last record
/// may be cut off at `buf_len`: `bufused == buf_len` tells the guest to
/// call again from that record's cookie. The listing is taken at cookie 0
/// and kept until the next cookie-0 call, so resumed reads are consistent.
/// Errors: `EBADF` (also not a directory), `EFAULT`.
pub fn fd_readdir<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        // Not a directory is EBADF, as wasmtime and wazero answer (TinyGo's
        // `fdopendir` expects it), not POSIX getdents' ENOTDIR.
        let d = s.host_mut().fds.dir(fd).map_err(|_| Errno::Badf)?;
        mem.slice(buf, buf_len)?;
        mem.write_u32(bufused, 0)?;
        if cookie == 0 || d.listing.is_none() {
            d.listing = Some(imports::posix::dir::listing(d)?);
        }
        let listing = d.listing.as_deref().unwrap_or_default();
        let used = write_dirents(mem.slice_mut(buf, buf_len)?, listing, cookie);
        mem.write_u32(bufused, used as u32)
    })
}

/// `fd_renumber(fd, to)`: moves descriptor `fd` to number `to`, closing
/// what `to` held. Errors: `EBADF` (either not open).
pub fn fd_renumber<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, to: u32) -> Result<(), Errno> {
    ctx.data_mut().host_mut().fds.renumber(fd, to)
}

/// `fd_seek(fd, offset, whence) -> newoffset`: moves the file offset (`offset`
/// is a signed `filedelta`). Needs `FD_SEEK`, or only `FD_TELL` for `(0, CUR)`.
/// Errors: `EBADF` (also a directory), `EINVAL` (bad whence, negative result),
/// `ESPIPE` (a stream), `EFAULT`.
pub fn fd_seek<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, offset: u64, whence: u32, newoffset: u32,
) -> Result<(), Errno> {
    let delta = offset as i64;
    let pos = match whence {
        whence::SET => SeekFrom::Start(u64::try_from(delta).map_err(|_| Errno::Inval)?),
        whence::CUR => SeekFrom::Current(delta),
        whence::END => SeekFrom::End(delta),
        _ => return Err(Errno::Inval),
    };
    with_memory(&mut ctx, |s, mem| {
        let f = s.host_mut().fds.file_or(fd, Access::NONE, Errno::Badf)?;
        seekable(f)?;
        let at = f.file.seek(pos)?;
        mem.write_u64(newoffset, at)
    })
}

/// `fd_tell(fd) -> offset`: the file offset. Errors: `EBADF`, `ESPIPE`,
/// `EFAULT`.
pub fn fd_tell<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, offset: u32) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let f = s.host_mut().fds.file_or(fd, Access::NONE, Errno::Badf)?;
        seekable(f)?;
        let at = f.file.seek(SeekFrom::Current(0))?;
        mem.write_u64(offset, at)
    })
}
