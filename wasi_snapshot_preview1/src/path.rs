//! The `path_*` functions: operations on paths relative to a directory
//! descriptor.
//!
//! Every path goes through [`imports::fs::resolve`], which keeps it
//! beneath the directory descriptor it is relative to: `..` above it, an
//! absolute path, or a symlink leading out is `EPERM`.

use crate::fs::set_times;
use crate::rights::Rights;
use crate::types::{oflags, Layout, LOOKUP_SYMLINK_FOLLOW};
use imports::descriptor::FdFlags;
use imports::fs::{OpenOptions, OpenRequest};
use imports::posix::open::Open;
use imports::posix::{self, path as ops, Base};
use imports::{with_memory, AsHost, Errno, GuestMemory, Host};
use wasmer::FunctionEnvMut;

/// A path argument: the guest's `(ptr, len)` string, relative to the
/// directory `fd` (not a directory: `ENOTDIR`). The core keeps the path
/// beneath `fd`.
fn beneath<'m>(
    host: &mut Host, mem: &'m GuestMemory<'_>, fd: u32, path: (u32, u32),
) -> Result<(Base<'static>, &'m str), Errno> {
    host.fds.dir(fd)?;
    Ok((Base::Dir(fd), mem.str(path.0, path.1)?))
}

/// Runs `op` with the host and the path argument `(ptr, len)` beneath
/// directory `fd` (see [`beneath`]).
fn with_path<S: AsHost, R>(
    ctx: &mut FunctionEnvMut<'_, S>, (fd, path, path_len): (u32, u32, u32),
    op: impl FnOnce(&Host, Base<'static>, &str) -> Result<R, Errno>,
) -> Result<R, Errno> {
    with_memory(ctx, |s, mem| {
        let h = s.host_mut();
        let (base, p) = beneath(h, mem, fd, (path, path_len))?;
        op(h, base, p)
    })
}

/// Whether `lookupflags` asks to follow a final symlink.
fn follows(lookupflags: u32) -> bool {
    lookupflags & LOOKUP_SYMLINK_FOLLOW != 0
}

/// `path_create_directory(fd, path)`: creates a directory ([`ops::mkdir`]).
/// Errors: `EEXIST` (also `.`/`..`), `ENOENT`, `ENOTDIR`, `EPERM` (escape),
/// `EROFS`, `EFAULT`, `EILSEQ`.
pub fn path_create_directory<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, path: u32, path_len: u32,
) -> Result<(), Errno> {
    with_path(&mut ctx, (fd, path, path_len), |h, b, p| ops::mkdir(h, b, p, None))
}

/// `path_filestat_get(fd, flags, path) -> filestat`: attributes of the
/// file at `path`, following a final symlink if `flags` has
/// `SYMLINK_FOLLOW`. Errors: `ENOENT`, `ENOTDIR`, `ELOOP`, `EPERM`,
/// `EFAULT`.
pub fn path_filestat_get<S: AsHost, L: Layout>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, flags: u32, path: u32, path_len: u32, buf: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let st = stat_at(s.host_mut(), mem, fd, flags, path, path_len)?;
        L::write_filestat(mem, buf, &st)
    })
}

/// The attributes `path_filestat_get` reports ([`ops::stat`]).
pub(crate) fn stat_at(
    host: &mut Host, mem: &GuestMemory<'_>, fd: u32, flags: u32, path: u32, path_len: u32,
) -> Result<imports::fs::Stat, Errno> {
    let (base, p) = beneath(host, mem, fd, (path, path_len))?;
    ops::stat(host, base, p, follows(flags))
}

/// `path_filestat_set_times(fd, flags, path, atim, mtim, fst_flags)`:
/// sets the access and/or modification time (ns since the epoch, or now)
/// of the file at `path` ([`ops::utimes`]). Errors: as
/// `path_filestat_get`, `EINVAL` (bad `fst_flags`), `EROFS`.
pub fn path_filestat_set_times<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32,
) -> Result<(), Errno> {
    let times = set_times(atim, mtim, fst_flags)?;
    with_path(&mut ctx, (fd, path, path_len), |h, b, p| {
        ops::utimes(h, b, p, follows(flags), times)
    })
}

/// `path_link(old_fd, old_flags, old_path, new_fd, new_path)`: creates a hard
/// link `new_path` to the file `old_path` (following a final symlink of
/// `old_path` only with `SYMLINK_FOLLOW`; [`ops::link`]). Errors: `EEXIST`,
/// `ENOENT`, `EPERM` (a directory, or an escape), `EXDEV` (different mounts),
/// `EROFS`.
pub fn path_link<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32, new_fd: u32,
    new_path: u32, new_path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let (from, p) = beneath(h, mem, old_fd, (old_path, old_path_len))?;
        let (to, q) = beneath(h, mem, new_fd, (new_path, new_path_len))?;
        ops::link(h, (from, p, follows(old_flags)), (to, q))
    })
}

/// Decodes `path_open`'s flags and rights into the core's [`Open`]. The
/// rights pick the access only, as wasmtime reads them: write with
/// `FD_WRITE` or `TRUNC`; read with `FD_READ`, or when `FD_WRITE` is not
/// asked for (rights of 0, as hand-written modules pass, read).
/// Errors: `EINVAL` (unknown `oflags` or `fdflags`, `CREAT|DIRECTORY`).
fn open_request(dirflags: u32, oflags: u32, base: Rights, fdflags: u32) -> Result<Open, Errno> {
    let known = oflags::CREAT | oflags::DIRECTORY | oflags::EXCL | oflags::TRUNC;
    let has = |bit: u32| oflags & bit != 0;
    if oflags & !known != 0 || (has(oflags::CREAT) && has(oflags::DIRECTORY)) {
        return Err(Errno::Inval);
    }
    let flags = u16::try_from(fdflags)
        .ok()
        .filter(|f| f & !FdFlags::ALL.0 == 0)
        .map(FdFlags)
        .ok_or(Errno::Inval)?;
    let asks_write = base.contains(Rights::FD_WRITE);
    let options = OpenOptions {
        read: base.contains(Rights::FD_READ) || !asks_write,
        write: asks_write || has(oflags::TRUNC),
        append: flags.contains(FdFlags::APPEND),
        create: has(oflags::CREAT),
        exclusive: has(oflags::CREAT) && has(oflags::EXCL),
        truncate: has(oflags::TRUNC),
    };
    let request = OpenRequest {
        follow: follows(dirflags),
        directory: has(oflags::DIRECTORY),
        options,
    };
    Ok(Open {
        request,
        flags,
        mode: None,
    })
}

/// `path_open(fd, dirflags, path, oflags, rights_base, rights_inheriting,
/// fdflags) -> fd`: opens (or creates) a file or directory beneath
/// directory `fd`, at the lowest free descriptor ([`posix::open::open`]).
///
/// The rights asked for pick the access (write with `FD_WRITE` or
/// `TRUNC`; read with `FD_READ` or without `FD_WRITE`) and refuse
/// nothing; `rights_inheriting` is not read ([`crate::rights`]).
/// Errors: `ENOENT`, `EEXIST` (`CREAT|EXCL`), `ENOTDIR` (`DIRECTORY` on a
/// non-directory, or a symlink not followed), `EISDIR` (write access or
/// `TRUNC` on a directory; `CREAT|EXCL` never follows a final symlink and
/// is `EEXIST` on one), `ELOOP` (a final symlink without
/// `SYMLINK_FOLLOW`), `EPERM` (escape), `EINVAL` (unknown flags,
/// `CREAT|DIRECTORY`), `EROFS`, `EMFILE`.
pub fn path_open<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, base: u64,
    _inheriting: u64, fdflags: u32, opened_fd: u32,
) -> Result<(), Errno> {
    let open = open_request(dirflags, oflags, Rights(base), fdflags)?;
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let (at, p) = beneath(h, mem, fd, (path, path_len))?;
        let new_fd = posix::open::open(h, at, p, &open)?;
        mem.write_u32(opened_fd, new_fd).inspect_err(|_| {
            let _ = h.fds.remove(new_fd);
        })
    })
}

/// `path_readlink(fd, path, buf, buf_len) -> bufused`: the content of the
/// symbolic link at `path`, truncated to `buf_len` bytes (no NUL);
/// `bufused` is the number of bytes written. Errors: `EINVAL` (not a
/// symlink), `ENOENT`, `EPERM`,
/// `EFAULT`.
pub fn path_readlink<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let (base, p) = beneath(h, mem, fd, (path, path_len))?;
        let target = ops::readlink(h, base, p)?;
        let out = mem.slice_mut(buf, buf_len)?;
        let n = target.len().min(out.len());
        out[..n].copy_from_slice(&target.as_bytes()[..n]);
        mem.write_u32(bufused, n as u32)
    })
}

/// `path_remove_directory(fd, path)`: removes an empty directory
/// ([`ops::rmdir`]). Errors: `ENOTEMPTY`, `ENOENT`, `ENOTDIR`, `EINVAL` (`.`),
/// `EBUSY` (a mount root), `EPERM`, `EROFS`.
pub fn path_remove_directory<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, path: u32, path_len: u32,
) -> Result<(), Errno> {
    with_path(&mut ctx, (fd, path, path_len), |h, b, p| ops::rmdir(h, b, p))
}

/// `path_rename(fd, old_path, new_fd, new_path)`: renames a file or directory,
/// replacing `new_path` as POSIX `rename` does ([`ops::rename`]). Errors:
/// `ENOENT`, `ENOTDIR`, `EISDIR`, `ENOTEMPTY`, `EINVAL` (a directory into
/// itself, `.`), `EBUSY` (a mount root), `EXDEV` (different mounts), `EPERM`,
/// `EROFS`.
pub fn path_rename<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32,
    new_path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let from = beneath(h, mem, fd, (old_path, old_path_len))?;
        let to = beneath(h, mem, new_fd, (new_path, new_path_len))?;
        ops::rename(h, from, to).map(drop)
    })
}

/// `path_symlink(old_path, fd, new_path)`: creates a symbolic link at
/// `new_path` whose content is `old_path`, verbatim ([`ops::symlink`]).
/// An absolute target is refused (`EPERM`), as wasmtime does
/// (RATIONALE.md); a relative one may point anywhere, since following it
/// never leaves the directory it is resolved from. Errors: `EEXIST`,
/// `ENOENT`, `ENOTDIR`, `EPERM`,
/// `EROFS`, `EFAULT`, `EILSEQ`.
pub fn path_symlink<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let target = mem.str(old_path, old_path_len)?;
        let (base, p) = beneath(h, mem, fd, (new_path, new_path_len))?;
        ops::symlink(h, target, base, p)
    })
}

/// `path_unlink_file(fd, path)`: removes a non-directory (a symlink itself,
/// never its target; [`ops::unlink`]). Errors: `EISDIR`, `ENOENT`, `ENOTDIR` (a
/// trailing `/`), `EPERM`, `EROFS`.
pub fn path_unlink_file<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, path: u32, path_len: u32,
) -> Result<(), Errno> {
    with_path(&mut ctx, (fd, path, path_len), |h, b, p| ops::unlink(h, b, p))
}
