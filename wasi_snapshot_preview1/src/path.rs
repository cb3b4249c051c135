//! The `path_*` functions: operations on paths relative to a directory
//! descriptor.
//!
//! Every path goes through [`imports::fs::resolve`], which keeps it
//! beneath the directory descriptor it is relative to: `..` above it, an
//! absolute path, or a symlink leading out is `EPERM`.

use crate::fs::set_times;
use crate::types::{oflags, Layout, LOOKUP_SYMLINK_FOLLOW};
use imports::descriptor::{FdFlags, Rights};
use imports::fs::{OpenOptions, OpenRequest};
use imports::posix::open::Open;
use imports::posix::{self, path as ops, Base};
use imports::{with_memory, AsHost, Errno, GuestMemory, Host};
use wasmer::FunctionEnvMut;

/// A path argument: the guest's `(ptr, len)` string, relative to the
/// directory `fd`, which must hold `right` (else `ENOTCAPABLE`; not a
/// directory: `ENOTDIR`). The core keeps the path beneath `fd`.
fn beneath<'m>(
    host: &mut Host, mem: &'m GuestMemory<'_>, fd: u32, right: Rights, path: (u32, u32),
) -> Result<(Base<'static>, &'m str), Errno> {
    host.fds.dir(fd, right)?;
    Ok((Base::Dir(fd), mem.str(path.0, path.1)?))
}

/// Runs `op` with the host and the path argument `(ptr, len)` beneath
/// directory `fd`, which must hold `right` (see [`beneath`]).
fn with_path<S: AsHost, R>(
    ctx: &mut FunctionEnvMut<'_, S>, (fd, path, path_len): (u32, u32, u32), right: Rights,
    op: impl FnOnce(&Host, Base<'static>, &str) -> Result<R, Errno>,
) -> Result<R, Errno> {
    with_memory(ctx, |s, mem| {
        let h = s.host_mut();
        let (base, p) = beneath(h, mem, fd, right, (path, path_len))?;
        op(h, base, p)
    })
}

/// Whether `lookupflags` asks to follow a final symlink.
fn follows(lookupflags: u32) -> bool {
    lookupflags & LOOKUP_SYMLINK_FOLLOW != 0
}

/// `path_create_directory(fd, path)`: creates a directory
/// ([`ops::mkdir`]). Errors: `EEXIST` (also `.`/`..`), `ENOENT`,
/// `ENOTDIR`, `EPERM` (escape), `ENOTCAPABLE` (no
/// `PATH_CREATE_DIRECTORY`), `EROFS`, `EFAULT`, `EILSEQ`.
pub fn path_create_directory<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, path: u32, path_len: u32,
) -> Result<(), Errno> {
    let right = Rights::PATH_CREATE_DIRECTORY;
    with_path(&mut ctx, (fd, path, path_len), right, |h, b, p| {
        ops::mkdir(h, b, p, None)
    })
}

/// `path_filestat_get(fd, flags, path) -> filestat`: attributes of the
/// file at `path`, following a final symlink if `flags` has
/// `SYMLINK_FOLLOW`. Errors: `ENOENT`, `ENOTDIR`, `ELOOP`, `EPERM`,
/// `ENOTCAPABLE` (no `PATH_FILESTAT_GET`), `EFAULT`.
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
    let (base, p) = beneath(host, mem, fd, Rights::PATH_FILESTAT_GET, (path, path_len))?;
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
    let right = Rights::PATH_FILESTAT_SET_TIMES;
    with_path(&mut ctx, (fd, path, path_len), right, |h, b, p| {
        ops::utimes(h, b, p, follows(flags), times)
    })
}

/// `path_link(old_fd, old_flags, old_path, new_fd, new_path)`: creates a
/// hard link `new_path` to the file `old_path` (following a final symlink
/// of `old_path` only with `SYMLINK_FOLLOW`; [`ops::link`]). Errors:
/// `EEXIST`, `ENOENT`, `EPERM` (a directory, or an escape), `EXDEV`
/// (different mounts), `ENOTCAPABLE` (no `PATH_LINK_SOURCE`/
/// `PATH_LINK_TARGET`), `EROFS`.
pub fn path_link<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32, new_fd: u32,
    new_path: u32, new_path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let (from, p) = beneath(h, mem, old_fd, Rights::PATH_LINK_SOURCE, (old_path, old_path_len))?;
        let (to, q) = beneath(h, mem, new_fd, Rights::PATH_LINK_TARGET, (new_path, new_path_len))?;
        ops::link(h, (from, p, follows(old_flags)), (to, q))
    })
}

/// The rights `path_open` needs on the directory: `PATH_OPEN`, and
/// `PATH_CREATE_FILE` for `CREAT`, `PATH_FILESTAT_SET_SIZE` for `TRUNC`.
fn open_needs(oflags: u32) -> Rights {
    let mut needed = Rights::PATH_OPEN;
    if oflags & oflags::CREAT != 0 {
        needed = needed | Rights::PATH_CREATE_FILE;
    }
    if oflags & oflags::TRUNC != 0 {
        needed = needed | Rights::PATH_FILESTAT_SET_SIZE;
    }
    needed
}

/// Decodes `path_open`'s flags and rights into the core's [`Open`]: read
/// or write access follows the `FD_READ`/`FD_WRITE` rights asked for.
/// Errors: `EINVAL` (unknown `oflags` or `fdflags`, `CREAT|DIRECTORY`).
fn open_request(dirflags: u32, oflags: u32, rights: (u64, u64), fdflags: u32) -> Result<Open, Errno> {
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
    let base = Rights(rights.0);
    let write = base.contains(Rights::FD_WRITE) || has(oflags::TRUNC);
    let options = OpenOptions {
        read: base.contains(Rights::FD_READ) || !write,
        write,
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
    let (rights, inheriting) = (base, Rights(rights.1));
    Ok(Open {
        request,
        flags,
        mode: None,
        rights,
        inheriting,
    })
}

/// `path_open(fd, dirflags, path, oflags, rights_base, rights_inheriting,
/// fdflags) -> fd`: opens (or creates) a file or directory beneath
/// directory `fd`, at the lowest free descriptor ([`posix::open::open`]).
///
/// The new descriptor's rights are those asked for, limited to what `fd`
/// may hand on (its inheriting rights) and to what fits the file type.
/// Read or write access follows the `FD_READ`/`FD_WRITE` rights asked for.
/// Errors: `ENOENT`, `EEXIST` (`CREAT|EXCL`), `ENOTDIR` (`DIRECTORY` on a
/// non-directory, or a symlink not followed), `EISDIR` (write access or
/// `TRUNC` on a directory; `CREAT|EXCL` never follows a final symlink and
/// is `EEXIST` on one), `ELOOP` (a final symlink without
/// `SYMLINK_FOLLOW`), `EPERM` (escape), `EINVAL` (unknown flags,
/// `CREAT|DIRECTORY`), `ENOTCAPABLE` (no `PATH_OPEN`, or `PATH_CREATE_FILE`
/// for `CREAT`, `PATH_FILESTAT_SET_SIZE` for `TRUNC`), `EROFS`, `EMFILE`.
pub fn path_open<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, base: u64,
    inheriting: u64, fdflags: u32, opened_fd: u32,
) -> Result<(), Errno> {
    let mut open = open_request(dirflags, oflags, (base, inheriting), fdflags)?;
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let (at, p) = beneath(h, mem, fd, open_needs(oflags), (path, path_len))?;
        let parent = h.fds.dir(fd, Rights::NONE)?.inheriting;
        open.rights = open.rights.intersect(parent);
        open.inheriting = open.inheriting.intersect(parent);
        let new_fd = posix::open::open(h, at, p, &open)?;
        mem.write_u32(opened_fd, new_fd).inspect_err(|_| {
            let _ = h.fds.remove(new_fd);
        })
    })
}

/// `path_readlink(fd, path, buf, buf_len) -> bufused`: the content of the
/// symbolic link at `path`, truncated to `buf_len` bytes (no NUL);
/// `bufused` is the number of bytes written. Errors: `EINVAL` (not a
/// symlink), `ENOENT`, `EPERM`, `ENOTCAPABLE` (no `PATH_READLINK`),
/// `EFAULT`.
pub fn path_readlink<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let (base, p) = beneath(h, mem, fd, Rights::PATH_READLINK, (path, path_len))?;
        let target = ops::readlink(h, base, p)?;
        let out = mem.slice_mut(buf, buf_len)?;
        let n = target.len().min(out.len());
        out[..n].copy_from_slice(&target.as_bytes()[..n]);
        mem.write_u32(bufused, n as u32)
    })
}

/// `path_remove_directory(fd, path)`: removes an empty directory
/// ([`ops::rmdir`]). Errors: `ENOTEMPTY`, `ENOENT`, `ENOTDIR`, `EINVAL`
/// (`.`), `EBUSY` (a mount root), `EPERM`, `ENOTCAPABLE` (no
/// `PATH_REMOVE_DIRECTORY`), `EROFS`.
pub fn path_remove_directory<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, path: u32, path_len: u32,
) -> Result<(), Errno> {
    let right = Rights::PATH_REMOVE_DIRECTORY;
    with_path(&mut ctx, (fd, path, path_len), right, |h, b, p| ops::rmdir(h, b, p))
}

/// `path_rename(fd, old_path, new_fd, new_path)`: renames a file or
/// directory, replacing `new_path` as POSIX `rename` does
/// ([`ops::rename`]). Errors: `ENOENT`, `ENOTDIR`, `EISDIR`, `ENOTEMPTY`,
/// `EINVAL` (a directory into itself, `.`), `EBUSY` (a mount root),
/// `EXDEV` (different mounts), `EPERM`, `ENOTCAPABLE` (no
/// `PATH_RENAME_SOURCE`/`PATH_RENAME_TARGET`), `EROFS`.
pub fn path_rename<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32,
    new_path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let from = beneath(h, mem, fd, Rights::PATH_RENAME_SOURCE, (old_path, old_path_len))?;
        let to = beneath(h, mem, new_fd, Rights::PATH_RENAME_TARGET, (new_path, new_path_len))?;
        ops::rename(h, from, to)
    })
}

/// `path_symlink(old_path, fd, new_path)`: creates a symbolic link at
/// `new_path` whose content is `old_path`, verbatim ([`ops::symlink`]).
/// An absolute target is refused (`EPERM`), as wasmtime does
/// (RATIONALE.md); a relative one may point anywhere, since following it
/// never leaves the directory it is resolved from. Errors: `EEXIST`,
/// `ENOENT`, `ENOTDIR`, `EPERM`, `ENOTCAPABLE` (no `PATH_SYMLINK`),
/// `EROFS`, `EFAULT`, `EILSEQ`.
pub fn path_symlink<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let target = mem.str(old_path, old_path_len)?;
        let (base, p) = beneath(h, mem, fd, Rights::PATH_SYMLINK, (new_path, new_path_len))?;
        ops::symlink(h, target, base, p)
    })
}

/// `path_unlink_file(fd, path)`: removes a non-directory (a symlink
/// itself, never its target; [`ops::unlink`]). Errors: `EISDIR`,
/// `ENOENT`, `ENOTDIR` (a trailing `/`), `EPERM`, `ENOTCAPABLE` (no
/// `PATH_UNLINK_FILE`), `EROFS`.
pub fn path_unlink_file<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, path: u32, path_len: u32,
) -> Result<(), Errno> {
    let right = Rights::PATH_UNLINK_FILE;
    with_path(&mut ctx, (fd, path, path_len), right, |h, b, p| ops::unlink(h, b, p))
}
