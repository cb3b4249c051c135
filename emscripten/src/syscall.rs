//! `__syscall_*`: Emscripten's file system calls (`src/library_syscall.js`
//! of emcc 3.1.6), over the shared descriptor table and mounts.
//!
//! The guest sees one absolute namespace, as a `-sNODERAWFS` build sees the
//! host: an absolute path (or one relative to the current directory) is
//! normalised lexically (`.`, `..`, `//`, as the glue's `PATH.normalize`
//! does) and looked up in the mount table ([`imports::mount::Mounts::find`]);
//! the rest is resolved beneath that mount by [`imports::fs::resolve`], so
//! no path leaves a mount. A path relative to a directory descriptor
//! (`*at` calls) is resolved beneath that directory.
//!
//! Results follow the kernel ABI: a value `>= 0`, or a negated errno.
//! Emscripten's libc numbers errno as WASI does
//! (`system/lib/libc/musl/arch/emscripten/bits/errno.h` defines `ENOENT` as
//! `__WASI_ERRNO_NOENT`), so `-(Errno as i32)` is what it expects.

use crate::layout::{write_stat, write_statfs};
use crate::{Ctx, EmEnv};
use imports::descriptor::{Descriptor, FdFlags};
use imports::fs::SetTime;
use imports::posix::linux::{
    open_flags, status_flags, AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, O_APPEND, O_CLOEXEC,
    O_DIRECTORY, O_NONBLOCK,
};
use imports::posix::{self, dir, fd as fdops, path as ops, Base, Namespace};
use imports::{with_memory, Errno, GuestMemory};

/// Size of one `struct dirent` record written by `getdents64`.
pub const DIRENT_SIZE: u32 = 280;

/// The negated errno a syscall returns.
pub(crate) fn neg(e: Errno) -> i32 {
    -i32::from(e as u16)
}

/// Runs `f` with the environment and memory; a syscall result.
pub(crate) fn sys<F>(ctx: &mut Ctx<'_>, f: F) -> i32
where
    F: FnOnce(&mut EmEnv, &mut GuestMemory<'_>) -> Result<i32, Errno>,
{
    with_memory(ctx, f).unwrap_or_else(neg)
}

/// Runs `f`, a syscall that answers 0 on success.
pub(crate) fn sys0<F>(ctx: &mut Ctx<'_>, f: F) -> i32
where
    F: FnOnce(&mut EmEnv, &mut GuestMemory<'_>) -> Result<(), Errno>,
{
    sys(ctx, |env, mem| f(env, mem).map(|()| 0))
}

/// A descriptor argument: negative is `EBADF`.
pub(crate) fn fd(fd: i32) -> Result<u32, Errno> {
    u32::try_from(fd).map_err(|_| Errno::Badf)
}

/// The NUL-terminated string at `ptr`. No NUL within `PATH_MAX` bytes:
/// `ENAMETOOLONG`; none before the end of memory: `EFAULT`; not UTF-8:
/// `EILSEQ`.
fn cstr<'m>(mem: &'m GuestMemory<'_>, ptr: u32) -> Result<&'m str, Errno> {
    let bytes = mem.bytes();
    let start = ptr as usize;
    if start >= bytes.len() {
        return Err(Errno::Fault);
    }
    let max = posix::namespace::PATH_MAX;
    let end = (start + max + 1).min(bytes.len());
    let Some(nul) = bytes[start..end].iter().position(|&b| b == 0) else {
        return Err(if end - start > max {
            Errno::Nametoolong
        } else {
            Errno::Fault
        });
    };
    std::str::from_utf8(&bytes[start..start + nul]).map_err(|_| Errno::Ilseq)
}

/// What the path of an `*at` call is relative to: the namespace for
/// [`AT_FDCWD`] and absolute paths (which ignore `dirfd`, as POSIX
/// says), else beneath the directory `dirfd`.
fn at<'n>(ns: &'n Namespace, dirfd: i32, path: &str) -> Result<Base<'n>, Errno> {
    if dirfd == AT_FDCWD || path.starts_with('/') {
        Ok(Base::Root(ns))
    } else {
        Ok(Base::Dir(fd(dirfd)?))
    }
}

/// The path argument of an `*at` call: the C string at `ptr` and what it
/// is relative to (see [`at`]).
fn path_at<'n, 'm>(
    ns: &'n Namespace, mem: &'m GuestMemory<'_>, dirfd: i32, ptr: u32,
) -> Result<(Base<'n>, &'m str), Errno> {
    let p = cstr(mem, ptr)?;
    Ok((at(ns, dirfd, p)?, p))
}

/// `__syscall_open(path, flags, varargs) -> fd`: as `openat(AT_FDCWD, ...)`.
pub fn open(ctx: Ctx<'_>, path: u32, flags: i32, varargs: u32) -> i32 {
    openat(ctx, AT_FDCWD, path, flags, varargs)
}

/// `__syscall_openat(dirfd, path, flags, varargs) -> fd`: opens (or, with
/// `O_CREAT`, creates) a file or directory at the lowest free descriptor
/// ([`posix::open::open`]). The mode argument is ignored (the glue's
/// MEMFS keeps it, but nothing here reads it back). Errors: `ENOENT`,
/// `EEXIST` (`O_CREAT|O_EXCL`), `EISDIR` (a directory for writing),
/// `ENOTDIR` (`O_DIRECTORY` on a file), `ELOOP` (`O_NOFOLLOW` on a
/// symlink), `EINVAL` (bad access mode), `EROFS`, `EMFILE`, `EPERM`
/// (leaving a mount), `EFAULT`.
pub fn openat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, flags: i32, _varargs: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let open = open_flags(flags, None)?;
        let (base, p) = path_at(&env.state.ns, mem, dirfd, path)?;
        let fd = posix::open::open(&mut env.host, base, p, &open)?;
        i32::try_from(fd).map_err(|_| Errno::Mfile)
    })
}

/// `__syscall_unlink(path)`: removes a non-directory. Errors: `EISDIR`,
/// `ENOENT`, `ENOTDIR`, `EROFS`, `EPERM`.
pub fn unlink(ctx: Ctx<'_>, path: u32) -> i32 {
    unlinkat(ctx, AT_FDCWD, path, 0)
}

/// `__syscall_unlinkat(dirfd, path, flags)`: `unlink`, or `rmdir` with
/// `AT_REMOVEDIR` ([`ops::unlink`], [`ops::rmdir`]). Other flags:
/// `EINVAL`.
pub fn unlinkat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, flags: i32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        let (base, p) = path_at(&env.state.ns, mem, dirfd, path)?;
        match flags {
            0 => ops::unlink(&env.host, base, p),
            AT_REMOVEDIR => ops::rmdir(&env.host, base, p),
            _ => Err(Errno::Inval),
        }
    })
}

/// `__syscall_rmdir(path)`: removes an empty directory. Errors:
/// `ENOTEMPTY`, `ENOTDIR`, `ENOENT`, `EBUSY` (a mount root), `EINVAL`
/// (a final `.`), `EROFS`.
pub fn rmdir(ctx: Ctx<'_>, path: u32) -> i32 {
    unlinkat(ctx, AT_FDCWD, path, AT_REMOVEDIR)
}

/// `__syscall_mkdir(path, mode)`: creates a directory (mode ignored).
/// Errors: `EEXIST`, `ENOENT`, `ENOTDIR`, `EROFS`, `EPERM`.
pub fn mkdir(ctx: Ctx<'_>, path: u32, mode: i32) -> i32 {
    mkdirat(ctx, AT_FDCWD, path, mode)
}

/// `__syscall_mkdirat(dirfd, path, mode)`: as `mkdir`, relative to `dirfd`
/// ([`ops::mkdir`]).
pub fn mkdirat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, _mode: i32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        let (base, p) = path_at(&env.state.ns, mem, dirfd, path)?;
        ops::mkdir(&env.host, base, p, None)
    })
}

/// `__syscall_rename(old, new)`: renames within one mount. Errors:
/// `EXDEV` (different mounts), `ENOENT`, `ENOTDIR`, `EISDIR`,
/// `ENOTEMPTY`, `EBUSY` (a mount root), `EINVAL`, `EROFS`.
pub fn rename(ctx: Ctx<'_>, old: u32, new: u32) -> i32 {
    renameat(ctx, AT_FDCWD, old, AT_FDCWD, new)
}

/// `__syscall_renameat(olddirfd, old, newdirfd, new)` ([`ops::rename`]);
/// the working directory follows a renamed directory above it.
pub fn renameat(mut ctx: Ctx<'_>, old_dirfd: i32, old: u32, new_dirfd: i32, new: u32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        let from = path_at(&env.state.ns, mem, old_dirfd, old)?;
        let to = path_at(&env.state.ns, mem, new_dirfd, new)?;
        let renamed = ops::rename(&mut env.host, from, to)?;
        env.state.ns.follow_rename(&env.host.mounts, &renamed);
        Ok(())
    })
}

/// `__syscall_getcwd(buf, size) -> buf`: the current directory. Errors:
/// `EINVAL` (size 0), `ERANGE` (too small), `EFAULT`.
pub fn getcwd(mut ctx: Ctx<'_>, buf: u32, size: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        if size == 0 {
            return Err(Errno::Inval);
        }
        let cwd = env.state.ns.cwd.as_bytes();
        if (size as usize) < cwd.len() + 1 {
            return Err(Errno::Range);
        }
        mem.write(buf, cwd)?;
        mem.write_u8(buf + cwd.len() as u32, 0)?;
        Ok(buf as i32)
    })
}

/// `__syscall_chdir(path)`: changes the current directory
/// ([`Namespace::chdir`]). Errors: `ENOENT`, `ENOTDIR`.
pub fn chdir(mut ctx: Ctx<'_>, path: u32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        env.state.ns.chdir(&env.host.mounts, cstr(mem, path)?)
    })
}

/// `__syscall_fchdir(fd)`: changes to the directory `fd`. Errors: `EBADF`,
/// `ENOTDIR`, `ENOENT` (its mount is not in the namespace).
pub fn fchdir(mut ctx: Ctx<'_>, dirfd: i32) -> i32 {
    sys0(&mut ctx, |env, _| {
        fdops::fchdir(&env.host, &mut env.state.ns, fd(dirfd)?)
    })
}

/// `__syscall_stat64(path, buf)`: `struct stat` of `path`, following
/// symlinks. Errors: `ENOENT`, `ENOTDIR`, `ELOOP`, `EFAULT`.
pub fn stat64(ctx: Ctx<'_>, path: u32, buf: u32) -> i32 {
    fstatat64(ctx, AT_FDCWD, path, buf, 0)
}

/// `__syscall_lstat64(path, buf)`: as `stat64`, describing a final
/// symlink itself.
pub fn lstat64(ctx: Ctx<'_>, path: u32, buf: u32) -> i32 {
    fstatat64(ctx, AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW)
}

/// `__syscall_fstat64(fd, buf)`: `struct stat` of an open descriptor
/// ([`fdops::fstat`]). Errors: `EBADF`, `EFAULT`.
pub fn fstat64(mut ctx: Ctx<'_>, fd: i32, buf: u32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        let st = fdops::fstat(&mut env.host.fds, self::fd(fd)?)?;
        write_stat(mem, buf, &st, env.state.stat_layout)
    })
}

/// `__syscall_fstatat64(dirfd, path, buf, flags)` (and `newfstatat`):
/// `stat64` relative to `dirfd`; `AT_SYMLINK_NOFOLLOW` as `lstat64`;
/// `AT_EMPTY_PATH` with an empty path as `fstat64(dirfd)`. Other flags:
/// `EINVAL`.
pub fn fstatat64(mut ctx: Ctx<'_>, dirfd: i32, path: u32, buf: u32, flags: i32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
            return Err(Errno::Inval);
        }
        let st = if flags & AT_EMPTY_PATH != 0 && cstr(mem, path)?.is_empty() {
            fdops::fstat(&mut env.host.fds, fd(dirfd)?)?
        } else {
            let (base, p) = path_at(&env.state.ns, mem, dirfd, path)?;
            ops::stat(&env.host, base, p, flags & AT_SYMLINK_NOFOLLOW == 0)?
        };
        write_stat(mem, buf, &st, env.state.stat_layout)
    })
}

/// Writes one `struct dirent` record for `e` at `rec` (280 bytes, zeroed
/// first): `d_ino` +0 i64, `d_off` +8 i64 (`next`), `d_reclen` +16 u16,
/// `d_type` +18, `d_name` +19 (NUL-terminated, at most 255 bytes).
fn write_dirent(rec: &mut [u8], e: &imports::fs::DirEntry, next: u32) {
    rec.fill(0);
    rec[0..8].copy_from_slice(&e.ino.to_le_bytes());
    rec[8..16].copy_from_slice(&u64::from(next).to_le_bytes());
    rec[16..18].copy_from_slice(&(DIRENT_SIZE as u16).to_le_bytes());
    rec[18] = e.filetype.d_type();
    let name = e.name.as_bytes();
    let n = name.len().min(255);
    rec[19..19 + n].copy_from_slice(&name[..n]);
}

/// `__syscall_getdents64(fd, dirp, count) -> bytes`: fills `dirp` with as
/// many 280-byte `struct dirent` records as fit in `count`, `.` and `..`
/// first ([`dir::listing`]); 0 at the end. The listing is taken at the
/// first call and consumed by later ones. Errors: `EBADF`, `ENOTDIR`,
/// `EINVAL` (`count` too small for one record), `EFAULT`.
pub fn getdents64(mut ctx: Ctx<'_>, dirfd: i32, dirp: u32, count: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let Descriptor::Dir(d) = env.host.fds.get_mut(fd(dirfd)?)? else {
            return Err(Errno::Notdir);
        };
        if d.listing.is_none() {
            // Consumed from the front: kept reversed so each record is a pop.
            d.listing = Some(dir::listing(d)?.into_iter().rev().collect());
        }
        let list = d.listing.as_mut().ok_or(Errno::Io)?;
        let mut pos = 0u32;
        while let Some(e) = list.last() {
            if pos.saturating_add(DIRENT_SIZE) > count {
                break;
            }
            let at = dirp.checked_add(pos).ok_or(Errno::Fault)?;
            write_dirent(mem.slice_mut(at, DIRENT_SIZE)?, e, pos + DIRENT_SIZE);
            list.pop();
            pos += DIRENT_SIZE;
        }
        if pos == 0 && !list.is_empty() {
            return Err(Errno::Inval);
        }
        Ok(pos as i32)
    })
}

const F_DUPFD: i32 = 0;
const F_GETFD: i32 = 1;
const F_SETFD: i32 = 2;
const F_GETFL: i32 = 3;
const F_SETFL: i32 = 4;
const F_GETLK: i32 = 5;
const F_SETLK: i32 = 6;
const F_SETLKW: i32 = 7;
const F_DUPFD_CLOEXEC: i32 = 1030;
const F_UNLCK: u16 = 2;

/// `__syscall_dup(fd) -> newfd`: a second descriptor, the lowest free,
/// for the same open file (shared offset). Errors: `EBADF`, `EMFILE`.
pub fn dup(mut ctx: Ctx<'_>, oldfd: i32) -> i32 {
    sys(&mut ctx, |env, _| Ok(env.host.fds.duplicate(fd(oldfd)?, 0)? as i32))
}

/// `__syscall_dup3(fd, newfd, flags) -> newfd` (what `dup2` calls):
/// makes `newfd` refer to `fd`'s open file, closing what it held.
/// `flags` may only be `O_CLOEXEC` (meaningless here). Errors: `EBADF`,
/// `EINVAL` (`fd == newfd`, other flags).
pub fn dup3(mut ctx: Ctx<'_>, oldfd: i32, newfd: i32, flags: i32) -> i32 {
    sys(&mut ctx, |env, _| {
        // Linux checks these before the descriptors: dup3(-1, -1, 0) is EINVAL.
        if oldfd == newfd || flags & !O_CLOEXEC != 0 {
            return Err(Errno::Inval);
        }
        let (from, to) = (fd(oldfd)?, fd(newfd)?);
        env.host.fds.duplicate_to(from, to)?;
        Ok(newfd)
    })
}

/// `F_GETFL`: the access mode and status flags of `d`.
fn get_fl(d: &Descriptor) -> i32 {
    match d {
        Descriptor::File(f) => status_flags(f.access.read, f.access.write, f.flags),
        Descriptor::Dir(_) => O_DIRECTORY,
        Descriptor::Listener(l) => status_flags(true, true, l.flags),
    }
}

/// `F_SETFL`: `O_APPEND` and `O_NONBLOCK` of an open file; the rest, and
/// other descriptors, unchanged.
fn set_fl(d: &mut Descriptor, arg: i32) -> Result<i32, Errno> {
    if let Descriptor::File(f) = d {
        let append = arg & O_APPEND != 0;
        if f.filetype == imports::fs::FileType::RegularFile {
            f.file.set_append(append)?;
        }
        let mut fl = f.flags.0 & !(FdFlags::APPEND.0 | FdFlags::NONBLOCK.0);
        if append {
            fl |= FdFlags::APPEND.0;
        }
        if arg & O_NONBLOCK != 0 {
            fl |= FdFlags::NONBLOCK.0;
        }
        f.flags = FdFlags(fl);
    }
    Ok(0)
}

/// `__syscall_fcntl64(fd, cmd, varargs)`: `F_GETFD`/`F_SETFD` (0: no
/// `exec`), `F_GETFL` (access mode, `O_APPEND`, `O_NONBLOCK`,
/// `O_DIRECTORY`), `F_SETFL` (`O_APPEND`, `O_NONBLOCK`), `F_GETLK` (always
/// unlocked), `F_SETLK`/`F_SETLKW` (succeed: one process),
/// `F_DUPFD`/`F_DUPFD_CLOEXEC` (the lowest free descriptor not below the
/// argument, sharing the open file); other commands: `EINVAL`. Errors:
/// `EBADF`, `EFAULT`, `EMFILE`.
pub fn fcntl64(mut ctx: Ctx<'_>, fildes: i32, cmd: i32, varargs: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let fd = fd(fildes)?;
        let d = env.host.fds.get_mut(fd)?;
        match cmd {
            F_GETFD | F_SETFD | F_SETLK | F_SETLKW => Ok(0),
            F_GETFL => Ok(get_fl(d)),
            F_SETFL => set_fl(d, mem.read_u32(varargs)? as i32),
            F_GETLK => {
                let flock = mem.read_u32(varargs)?;
                mem.write_u16(flock, F_UNLCK)?;
                Ok(0)
            }
            F_DUPFD | F_DUPFD_CLOEXEC => {
                let min = u32::try_from(mem.read_u32(varargs)? as i32).map_err(|_| Errno::Inval)?;
                Ok(env.host.fds.duplicate(fd, min)? as i32)
            }
            _ => Err(Errno::Inval),
        }
    })
}

/// `__syscall_ioctl(fd, op, varargs)`: no descriptor is a terminal here, so
/// the terminal requests (`TCGETS`, `TCSETS*`, `TIOCGWINSZ`, `TIOCGPGRP`,
/// `TIOCSPGRP`, ...) are `ENOTTY`, as the glue answers for a non-tty
/// stream; other requests `EINVAL`. Errors: `EBADF`.
pub fn ioctl(mut ctx: Ctx<'_>, fildes: i32, op: i32, _varargs: u32) -> i32 {
    sys(&mut ctx, |env, _| {
        env.host.fds.get(fd(fildes)?)?;
        // 0x5401..=0x5414: TCGETS..TIOCSWINSZ and friends; 0x541b FIONREAD.
        if (0x5401..=0x5420).contains(&op) {
            Err(Errno::Notty)
        } else {
            Err(Errno::Inval)
        }
    })
}

/// `__syscall_faccessat(dirfd, path, amode, flags)`: whether `path` exists
/// (`F_OK`) and may be read/written/executed ([`ops::access`]: the mounts
/// have no permission bits, so only a read-only mount refuses `W_OK`,
/// with `EROFS`). Errors: `ENOENT`, `ENOTDIR`, `EINVAL` (unknown bits).
pub fn faccessat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, amode: i32, flags: i32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        let (base, p) = path_at(&env.state.ns, mem, dirfd, path)?;
        ops::access(&env.host, base, p, flags & AT_SYMLINK_NOFOLLOW == 0, amode)
    })
}

/// `__syscall_readlinkat(dirfd, path, buf, bufsize) -> len`: the target of
/// a symlink, truncated to `bufsize`, without a NUL. Errors: `EINVAL` (not
/// a symlink, or `bufsize` 0), `ENOENT`, `EFAULT`.
pub fn readlinkat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, buf: u32, bufsize: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        if bufsize == 0 {
            return Err(Errno::Inval);
        }
        let (base, p) = path_at(&env.state.ns, mem, dirfd, path)?;
        let target = ops::readlink(&env.host, base, p)?;
        let n = target.len().min(bufsize as usize);
        mem.write(buf, &target.as_bytes()[..n])?;
        Ok(n as i32)
    })
}

/// `__syscall_symlinkat(target, newdirfd, linkpath)`: creates a symlink
/// ([`ops::symlink`]). An absolute target is refused (`EPERM`: links
/// resolve within their mount here, so it could only point outside the
/// sandbox). Errors: `EEXIST`, `ENOENT`, `EROFS`, `EFAULT`.
pub fn symlinkat(mut ctx: Ctx<'_>, target: u32, dirfd: i32, linkpath: u32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        let (base, p) = path_at(&env.state.ns, mem, dirfd, linkpath)?;
        ops::symlink(&env.host, cstr(mem, target)?, base, p)
    })
}

/// `__syscall_ftruncate64(fd, length)`: sets the file's length
/// ([`fdops::ftruncate`]); builds without `WASM_BIGINT` pass `length` as
/// two i32 halves ([`crate::legalize`]). Errors: `EBADF`, `EINVAL`
/// (negative, or not a regular file open for writing).
pub fn ftruncate64(mut ctx: Ctx<'_>, fildes: i32, len: i64) -> i32 {
    sys0(&mut ctx, |env, _| fdops::ftruncate(&mut env.host.fds, fd(fildes)?, len))
}

/// `__syscall_chmod(path, mode)`: as `fchmodat(AT_FDCWD, path, mode, 0)`.
pub fn chmod(ctx: Ctx<'_>, path: u32, mode: i32) -> i32 {
    fchmodat2(ctx, AT_FDCWD, path, mode, 0)
}

/// `__syscall_fchmodat2(dirfd, path, mode, flags)`: sets the permission
/// bits of `path` ([`ops::chmod`]; `AT_SYMLINK_NOFOLLOW` changes the
/// link's own, which no file system here keeps: `ENOTSUP`). Errors:
/// `ENOENT`, `ENOTSUP`, `EROFS`, `EFAULT`.
pub fn fchmodat2(mut ctx: Ctx<'_>, dirfd: i32, path: u32, mode: i32, flags: i32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        let (base, p) = path_at(&env.state.ns, mem, dirfd, path)?;
        ops::chmod(&env.host, base, p, flags & AT_SYMLINK_NOFOLLOW == 0, mode as u32)
    })
}

/// `__syscall_fchmod(fd, mode)`: as [`fdops::fchmod`]. Errors: `EBADF`,
/// `ENOTSUP`, `EROFS`.
pub fn fchmod(mut ctx: Ctx<'_>, fildes: i32, mode: i32) -> i32 {
    sys0(&mut ctx, |env, _| {
        fdops::fchmod(&mut env.host.fds, fd(fildes)?, mode as u32)
    })
}

/// `__syscall_fchown32(fd, owner, group)`: as [`fdops::fchown`] (-1 keeps
/// an id). Errors: `EBADF`, `EPERM` (an owner other than
/// [`ops::OWNER`]).
pub fn fchown32(mut ctx: Ctx<'_>, fildes: i32, owner: i32, group: i32) -> i32 {
    let id = |v: i32| (v != -1).then_some(v as u32);
    sys0(&mut ctx, |env, _| {
        fdops::fchown(&mut env.host.fds, fd(fildes)?, (id(owner), id(group)))
    })
}

/// `__syscall_fchownat(dirfd, path, owner, group, flags)`: as
/// [`ops::chown`] (`AT_SYMLINK_NOFOLLOW` for the link itself, -1 keeps an
/// id). Errors: `ENOENT`, `EINVAL` (another flag), `EPERM` (an owner other
/// than [`ops::OWNER`]), `EFAULT`.
pub fn fchownat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, owner: i32, group: i32, flags: i32) -> i32 {
    let id = |v: i32| (v != -1).then_some(v as u32);
    sys0(&mut ctx, |env, mem| {
        if flags & !AT_SYMLINK_NOFOLLOW != 0 {
            return Err(Errno::Inval);
        }
        let (base, p) = path_at(&env.state.ns, mem, dirfd, path)?;
        let follow = flags & AT_SYMLINK_NOFOLLOW == 0;
        ops::chown(&env.host, base, p, follow, (id(owner), id(group)))
    })
}

/// `__syscall_getuid32()` and `__syscall_getgid32()`: the one owner of
/// every file here ([`ops::OWNER`], 0, what the glue answers).
pub fn getuid32(_ctx: Ctx<'_>) -> i32 {
    ops::OWNER as i32
}

const UTIME_NOW: u32 = 0x3fff_ffff;
const UTIME_OMIT: u32 = 0x3fff_fffe;

/// One `struct timespec` (i64 seconds, i32 ns; 16 bytes) of `utimensat`.
fn set_time(mem: &GuestMemory<'_>, at: u32) -> Result<SetTime, Errno> {
    let sec = i64::from_le_bytes(mem.slice(at, 8)?.try_into().map_err(|_| Errno::Fault)?);
    let nsec = mem.read_u32(at.checked_add(8).ok_or(Errno::Fault)?)?;
    match nsec {
        UTIME_NOW => Ok(SetTime::Now),
        UTIME_OMIT => Ok(SetTime::Omit),
        n if n >= 1_000_000_000 => Err(Errno::Inval),
        n => {
            let sec = u64::try_from(sec).map_err(|_| Errno::Inval)?;
            let ns = sec.checked_mul(1_000_000_000).and_then(|s| s.checked_add(u64::from(n)));
            ns.map(SetTime::At).ok_or(Errno::Inval)
        }
    }
}

/// `__syscall_utimensat(dirfd, path, times, flags)`: sets the access and
/// modification times of `path` ([`ops::utimes`]) from two `struct
/// timespec`s (`UTIME_NOW`, `UTIME_OMIT` as POSIX says), or both to now
/// when `times` is null. Errors: `ENOENT`, `EINVAL` (ns out of range, a
/// time before 1970), `EROFS`, `EFAULT`.
pub fn utimensat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, times: u32, flags: i32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        let t = match times {
            0 => (SetTime::Now, SetTime::Now),
            _ => (
                set_time(mem, times)?,
                set_time(mem, times.checked_add(16).ok_or(Errno::Fault)?)?,
            ),
        };
        let (base, p) = path_at(&env.state.ns, mem, dirfd, path)?;
        ops::utimes(&env.host, base, p, flags & AT_SYMLINK_NOFOLLOW == 0, t)
    })
}

/// `__syscall_statfs64(path, size, buf)`: the glue's fixed answer for
/// every file system ([`write_statfs`]) once `path` is found. Errors:
/// `ENOENT`, `EFAULT`.
pub fn statfs64(mut ctx: Ctx<'_>, path: u32, _size: u32, buf: u32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        let (base, p) = path_at(&env.state.ns, mem, AT_FDCWD, path)?;
        ops::stat(&env.host, base, p, true)?;
        write_statfs(mem, buf)
    })
}

/// `__syscall_fstatfs64(fd, size, buf)`: as [`statfs64`] for an open
/// descriptor. Errors: `EBADF`, `EFAULT`.
pub fn fstatfs64(mut ctx: Ctx<'_>, fildes: i32, _size: u32, buf: u32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        env.host.fds.get(fd(fildes)?)?;
        write_statfs(mem, buf)
    })
}
