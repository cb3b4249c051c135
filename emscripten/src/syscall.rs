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

use crate::{Ctx, EmEnv};
use imports::descriptor::{Descriptor, FdFlags, OpenDir, OpenFile, Rights};
use imports::fs::{
    open_resolved, resolve, DirEntry, FileSystem, FileType, OpenOptions, OpenRequest, Opened, Resolved, Stat,
};
use imports::{with_memory, Errno, GuestMemory};
use std::sync::Arc;

/// `AT_FDCWD`: "relative to the current directory".
pub const AT_FDCWD: i32 = -100;
const AT_SYMLINK_NOFOLLOW: i32 = 0x100;
const AT_REMOVEDIR: i32 = 0x200;
const AT_EMPTY_PATH: i32 = 0x1000;

const O_ACCMODE: i32 = 3;
const O_CREAT: i32 = 0o100;
const O_EXCL: i32 = 0o200;
const O_TRUNC: i32 = 0o1000;
const O_APPEND: i32 = 0o2000;
const O_NONBLOCK: i32 = 0o4000;
const O_DIRECTORY: i32 = 0o200000;
const O_NOFOLLOW: i32 = 0o400000;

/// Size of `struct stat` (wasm32 musl as Emscripten builds it).
pub const STAT_SIZE: u32 = 88;
/// Size of one `struct dirent` record written by `getdents64`.
pub const DIRENT_SIZE: u32 = 280;

/// Longest path read from the guest (Linux's `PATH_MAX`).
const PATH_MAX: usize = 4096;

/// The negated errno a syscall returns.
pub(crate) fn neg(e: Errno) -> i32 {
    -i32::from(e as u16)
}

fn ret(r: Result<i32, Errno>) -> i32 {
    r.unwrap_or_else(neg)
}

/// Runs `f` with the environment and memory; a syscall result.
fn sys<F>(ctx: &mut Ctx<'_>, f: F) -> i32
where
    F: FnOnce(&mut EmEnv, &mut GuestMemory<'_>) -> Result<i32, Errno>,
{
    ret(with_memory(ctx, f))
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
    let end = (start + PATH_MAX + 1).min(bytes.len());
    let Some(nul) = bytes[start..end].iter().position(|&b| b == 0) else {
        return Err(if end - start > PATH_MAX {
            Errno::Nametoolong
        } else {
            Errno::Fault
        });
    };
    std::str::from_utf8(&bytes[start..start + nul]).map_err(|_| Errno::Ilseq)
}

/// `path` (absolute) with `.`, `..` and repeated `/` removed lexically;
/// `..` at `/` stays at `/`. Always starts with `/`, never ends with one
/// (except `/` itself).
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A looked-up path: its file system, where it is in it, and (for paths
/// in the absolute namespace) its normalised absolute guest path.
struct Target {
    fs: Arc<dyn FileSystem>,
    r: Resolved,
    abs: Option<String>,
}

/// Looks `path` up relative to `dirfd` (or the current directory for
/// [`AT_FDCWD`] and absolute paths). Errors: `ENOENT` (empty, or outside
/// every mount), `EBADF`/`ENOTDIR` (bad `dirfd`), and [`resolve`]'s.
fn lookup(env: &EmEnv, dirfd: i32, path: &str, follow: bool) -> Result<Target, Errno> {
    if path.is_empty() {
        return Err(Errno::Noent);
    }
    if !path.starts_with('/') && dirfd != AT_FDCWD {
        let fd = u32::try_from(dirfd).map_err(|_| Errno::Badf)?;
        let Descriptor::Dir(d) = env.host.fds.get(fd)? else {
            return Err(Errno::Notdir);
        };
        let r = resolve(d.fs.as_ref(), &d.path, path, follow)?;
        return Ok(Target {
            fs: d.fs.clone(),
            r,
            abs: None,
        });
    }
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", env.state.cwd)
    };
    let abs = normalize(&joined);
    let (mount, rest) = env.host.mounts.find(&abs).ok_or(Errno::Noent)?;
    let mut rel = if rest.is_empty() {
        ".".to_string()
    } else {
        rest.to_string()
    };
    if path.ends_with('/') && rel != "." {
        rel.push('/');
    }
    let r = resolve(mount.fs.as_ref(), "", &rel, follow)?;
    let fs = mount.fs.clone();
    Ok(Target { fs, r, abs: Some(abs) })
}

fn lookup_at(env: &EmEnv, mem: &GuestMemory<'_>, dirfd: i32, path: u32, follow: bool) -> Result<Target, Errno> {
    let p = cstr(mem, path)?;
    lookup(env, dirfd, p, follow)
}

/// `st_mode` for a file type (permission bits as a typical host shows them).
fn mode(t: FileType) -> u32 {
    match t {
        FileType::Directory => 0o040755,
        FileType::RegularFile | FileType::Unknown => 0o100644,
        FileType::SymbolicLink => 0o120777,
        FileType::CharacterDevice => 0o020666,
        FileType::BlockDevice => 0o060666,
        FileType::SocketStream | FileType::SocketDgram => 0o140666,
        FileType::Pipe => 0o010666,
    }
}

/// Writes `struct stat` (88 bytes) as the glue's `doStat` lays it out:
/// `st_dev` +0, `__st_ino_truncated` +8, `st_mode` +12, `st_nlink` +16,
/// `st_uid`/`st_gid`/`st_rdev` +20/+24/+28 (0), `st_size` +40 (i64),
/// `st_blksize` +48 (4096), `st_blocks` +52, `st_atim`/`st_mtim`/`st_ctim`
/// +56/+64/+72 (i32 seconds, i32 ns), `st_ino` +80 (i64).
fn write_stat(mem: &mut GuestMemory<'_>, buf: u32, st: &Stat) -> Result<(), Errno> {
    let b = mem.slice_mut(buf, STAT_SIZE)?;
    b.fill(0);
    let mut put = |off: usize, bytes: &[u8]| b[off..off + bytes.len()].copy_from_slice(bytes);
    put(0, &(st.dev as u32).to_le_bytes());
    put(8, &(st.ino as u32).to_le_bytes());
    put(12, &mode(st.filetype).to_le_bytes());
    put(16, &(st.nlink.min(u64::from(u32::MAX)) as u32).to_le_bytes());
    put(40, &st.size.to_le_bytes());
    put(48, &4096u32.to_le_bytes());
    put(
        52,
        &(st.size.div_ceil(512).min(u64::from(u32::MAX)) as u32).to_le_bytes(),
    );
    for (off, t) in [(56, st.atim), (64, st.mtim), (72, st.ctim)] {
        put(off, &((t / 1_000_000_000) as u32).to_le_bytes());
        put(off + 4, &((t % 1_000_000_000) as u32).to_le_bytes());
    }
    put(80, &st.ino.to_le_bytes());
    Ok(())
}

fn stat_path(
    env: &EmEnv,
    mem: &mut GuestMemory<'_>,
    dirfd: i32,
    path: u32,
    buf: u32,
    follow: bool,
) -> Result<i32, Errno> {
    let t = lookup_at(env, mem, dirfd, path, follow)?;
    let st = t.fs.stat(&t.r.path)?;
    write_stat(mem, buf, &st)?;
    Ok(0)
}

fn stat_fd(env: &mut EmEnv, fd: i32) -> Result<Stat, Errno> {
    let fd = u32::try_from(fd).map_err(|_| Errno::Badf)?;
    match env.host.fds.get_mut(fd)? {
        Descriptor::File(f) => f.file.stat(),
        Descriptor::Dir(d) => d.fs.stat(&d.path),
        Descriptor::Listener(_) => Ok(Stat {
            filetype: FileType::SocketStream,
            nlink: 1,
            ..Stat::default()
        }),
    }
}

/// `__syscall_open(path, flags, varargs) -> fd`: as `openat(AT_FDCWD, ...)`.
pub fn open(mut ctx: Ctx<'_>, path: u32, flags: i32, _varargs: u32) -> i32 {
    sys(&mut ctx, |env, mem| do_open(env, mem, AT_FDCWD, path, flags))
}

/// `__syscall_openat(dirfd, path, flags, varargs) -> fd`: opens (or, with
/// `O_CREAT`, creates) a file or directory at the lowest free descriptor.
/// The mode argument is ignored (mounts have no permissions). Errors:
/// `ENOENT`, `EEXIST` (`O_CREAT|O_EXCL`), `EISDIR` (a directory for
/// writing), `ENOTDIR` (`O_DIRECTORY` on a file), `ELOOP` (`O_NOFOLLOW` on
/// a symlink), `EINVAL` (bad access mode), `EROFS`, `EMFILE`, `EPERM`
/// (leaving a mount), `EFAULT`.
pub fn openat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, flags: i32, _varargs: u32) -> i32 {
    sys(&mut ctx, |env, mem| do_open(env, mem, dirfd, path, flags))
}

fn do_open(env: &mut EmEnv, mem: &mut GuestMemory<'_>, dirfd: i32, path: u32, flags: i32) -> Result<i32, Errno> {
    let (read, write) = match flags & O_ACCMODE {
        0 => (true, false),
        1 => (false, true),
        2 => (true, true),
        _ => return Err(Errno::Inval),
    };
    let create = flags & O_CREAT != 0;
    let append = flags & O_APPEND != 0;
    let req = OpenRequest {
        follow: flags & O_NOFOLLOW == 0,
        directory: flags & O_DIRECTORY != 0,
        options: OpenOptions {
            read,
            write,
            append,
            create,
            exclusive: create && flags & O_EXCL != 0,
            truncate: flags & O_TRUNC != 0 && write,
        },
    };
    let t = lookup_at(env, mem, dirfd, path, req.follows())?;
    let descriptor = match open_resolved(t.fs.as_ref(), t.r, &req)? {
        Opened::Dir { path } => Descriptor::Dir(OpenDir {
            fs: t.fs,
            path,
            preopen: None,
            rights: Rights::DIRECTORY,
            inheriting: Rights::DIRECTORY | Rights::REGULAR_FILE,
            flags: FdFlags::default(),
            listing: None,
        }),
        Opened::File { file, filetype, .. } => {
            let mut rights = Rights::REGULAR_FILE.0;
            if !read {
                rights &= !Rights::FD_READ.0;
            }
            if !write {
                rights &= !Rights::FD_WRITE.0;
            }
            let mut fdflags = 0;
            if append {
                fdflags |= FdFlags::APPEND.0;
            }
            if flags & O_NONBLOCK != 0 {
                fdflags |= FdFlags::NONBLOCK.0;
            }
            Descriptor::File(OpenFile {
                file,
                filetype,
                rights: Rights(rights),
                inheriting: Rights::NONE,
                flags: FdFlags(fdflags),
            })
        }
    };
    let fd = env.host.fds.insert(descriptor)?;
    i32::try_from(fd).map_err(|_| Errno::Mfile)
}

/// `__syscall_unlink(path)`: removes a non-directory. Errors: `EISDIR`,
/// `ENOENT`, `ENOTDIR`, `EROFS`, `EPERM`.
pub fn unlink(mut ctx: Ctx<'_>, path: u32) -> i32 {
    sys(&mut ctx, |env, mem| remove(env, mem, AT_FDCWD, path, false))
}

/// `__syscall_unlinkat(dirfd, path, flags)`: `unlink`, or `rmdir` with
/// `AT_REMOVEDIR`. Other flags: `EINVAL`.
pub fn unlinkat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, flags: i32) -> i32 {
    sys(&mut ctx, |env, mem| match flags {
        0 => remove(env, mem, dirfd, path, false),
        AT_REMOVEDIR => remove(env, mem, dirfd, path, true),
        _ => Err(Errno::Inval),
    })
}

/// `__syscall_rmdir(path)`: removes an empty directory. Errors:
/// `ENOTEMPTY`, `ENOTDIR`, `ENOENT`, `EBUSY` (a mount root), `EROFS`.
pub fn rmdir(mut ctx: Ctx<'_>, path: u32) -> i32 {
    sys(&mut ctx, |env, mem| remove(env, mem, AT_FDCWD, path, true))
}

fn remove(env: &mut EmEnv, mem: &mut GuestMemory<'_>, dirfd: i32, path: u32, dir: bool) -> Result<i32, Errno> {
    let t = lookup_at(env, mem, dirfd, path, false)?;
    if t.r.path.is_empty() {
        return Err(if dir { Errno::Busy } else { Errno::Isdir });
    }
    if t.r.ends_in_dot {
        return Err(if dir { Errno::Inval } else { Errno::Isdir });
    }
    if dir {
        t.fs.remove_dir(&t.r.path)?;
    } else {
        if t.r.must_be_dir {
            let st = t.fs.stat(&t.r.path)?;
            return Err(if st.filetype == FileType::Directory {
                Errno::Isdir
            } else {
                Errno::Notdir
            });
        }
        t.fs.remove_file(&t.r.path)?;
    }
    Ok(0)
}

/// `__syscall_mkdir(path, mode)`: creates a directory (mode ignored).
/// Errors: `EEXIST`, `ENOENT`, `ENOTDIR`, `EROFS`, `EPERM`.
pub fn mkdir(mut ctx: Ctx<'_>, path: u32, mode: i32) -> i32 {
    mkdirat(ctx.as_mut(), AT_FDCWD, path, mode)
}

/// `__syscall_mkdirat(dirfd, path, mode)`: as `mkdir`, relative to `dirfd`.
pub fn mkdirat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, _mode: i32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let t = lookup_at(env, mem, dirfd, path, false)?;
        if t.r.path.is_empty() || t.r.ends_in_dot {
            return Err(Errno::Exist);
        }
        t.fs.create_dir(&t.r.path)?;
        Ok(0)
    })
}

/// `__syscall_rename(old, new)`: renames within one mount. Errors:
/// `EXDEV` (different mounts), `ENOENT`, `ENOTDIR`, `EISDIR`,
/// `ENOTEMPTY`, `EBUSY` (a mount root), `EINVAL`, `EROFS`.
pub fn rename(mut ctx: Ctx<'_>, old: u32, new: u32) -> i32 {
    renameat(ctx.as_mut(), AT_FDCWD, old, AT_FDCWD, new)
}

/// `__syscall_renameat(olddirfd, old, newdirfd, new)`.
pub fn renameat(mut ctx: Ctx<'_>, old_dirfd: i32, old: u32, new_dirfd: i32, new: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let from = lookup_at(env, mem, old_dirfd, old, false)?;
        let to = lookup_at(env, mem, new_dirfd, new, false)?;
        if !Arc::ptr_eq(&from.fs, &to.fs) {
            return Err(Errno::Xdev);
        }
        if from.r.path.is_empty() || to.r.path.is_empty() {
            return Err(Errno::Busy);
        }
        if from.r.ends_in_dot || to.r.ends_in_dot {
            return Err(Errno::Inval);
        }
        from.fs.rename(&from.r.path, &to.r.path)?;
        Ok(0)
    })
}

/// `__syscall_getcwd(buf, size) -> buf`: the current directory. Errors:
/// `EINVAL` (size 0), `ERANGE` (too small), `EFAULT`.
pub fn getcwd(mut ctx: Ctx<'_>, buf: u32, size: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        if size == 0 {
            return Err(Errno::Inval);
        }
        let cwd = env.state.cwd.as_bytes();
        if (size as usize) < cwd.len() + 1 {
            return Err(Errno::Range);
        }
        mem.write(buf, cwd)?;
        mem.write_u8(buf + cwd.len() as u32, 0)?;
        Ok(buf as i32)
    })
}

/// `__syscall_chdir(path)`: changes the current directory. Errors:
/// `ENOENT`, `ENOTDIR`.
pub fn chdir(mut ctx: Ctx<'_>, path: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let t = lookup_at(env, mem, AT_FDCWD, path, true)?;
        if t.fs.stat(&t.r.path)?.filetype != FileType::Directory {
            return Err(Errno::Notdir);
        }
        env.state.cwd = t.abs.ok_or(Errno::Noent)?;
        Ok(0)
    })
}

/// `__syscall_fchdir(fd)`: changes to the directory `fd`. Errors: `EBADF`,
/// `ENOTDIR`, `ENOENT` (its mount is not in the namespace).
pub fn fchdir(mut ctx: Ctx<'_>, fd: i32) -> i32 {
    sys(&mut ctx, |env, _| {
        let fd = u32::try_from(fd).map_err(|_| Errno::Badf)?;
        let Descriptor::Dir(d) = env.host.fds.get(fd)? else {
            return Err(Errno::Notdir);
        };
        let mount = env
            .host
            .mounts
            .0
            .iter()
            .find(|m| Arc::ptr_eq(&m.fs, &d.fs))
            .ok_or(Errno::Noent)?;
        let cwd = normalize(&format!("/{}/{}", mount.guest_path, d.path));
        env.state.cwd = cwd;
        Ok(0)
    })
}

/// `__syscall_stat64(path, buf)`: `struct stat` of `path`, following
/// symlinks. Errors: `ENOENT`, `ENOTDIR`, `ELOOP`, `EFAULT`.
pub fn stat64(mut ctx: Ctx<'_>, path: u32, buf: u32) -> i32 {
    sys(&mut ctx, |env, mem| stat_path(env, mem, AT_FDCWD, path, buf, true))
}

/// `__syscall_lstat64(path, buf)`: as `stat64`, describing a final
/// symlink itself.
pub fn lstat64(mut ctx: Ctx<'_>, path: u32, buf: u32) -> i32 {
    sys(&mut ctx, |env, mem| stat_path(env, mem, AT_FDCWD, path, buf, false))
}

/// `__syscall_fstat64(fd, buf)`: `struct stat` of an open descriptor.
/// Errors: `EBADF`, `EFAULT`.
pub fn fstat64(mut ctx: Ctx<'_>, fd: i32, buf: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let st = stat_fd(env, fd)?;
        write_stat(mem, buf, &st)?;
        Ok(0)
    })
}

/// `__syscall_fstatat64(dirfd, path, buf, flags)`: `stat64` relative to
/// `dirfd`; `AT_SYMLINK_NOFOLLOW` as `lstat64`; `AT_EMPTY_PATH` with an
/// empty path as `fstat64(dirfd)`. Other flags: `EINVAL`.
pub fn fstatat64(mut ctx: Ctx<'_>, dirfd: i32, path: u32, buf: u32, flags: i32) -> i32 {
    sys(&mut ctx, |env, mem| {
        if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
            return Err(Errno::Inval);
        }
        if flags & AT_EMPTY_PATH != 0 && cstr(mem, path)?.is_empty() {
            let st = stat_fd(env, dirfd)?;
            write_stat(mem, buf, &st)?;
            return Ok(0);
        }
        stat_path(env, mem, dirfd, path, buf, flags & AT_SYMLINK_NOFOLLOW == 0)
    })
}

/// `__syscall_getdents64(fd, dirp, count) -> bytes`: fills `dirp` with as
/// many 280-byte `struct dirent` records as fit in `count` (`d_ino` +0
/// i64, `d_off` +8 i64, `d_reclen` +16 u16, `d_type` +18, `d_name` +19,
/// NUL-terminated), `.` and `..` first; 0 at the end. The listing is taken
/// at the first call and consumed by later ones. Errors: `EBADF`,
/// `ENOTDIR`, `EINVAL` (`count` too small for one record), `EFAULT`.
pub fn getdents64(mut ctx: Ctx<'_>, fd: i32, dirp: u32, count: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let fd = u32::try_from(fd).map_err(|_| Errno::Badf)?;
        let Descriptor::Dir(d) = env.host.fds.get_mut(fd)? else {
            return Err(Errno::Notdir);
        };
        if d.listing.is_none() {
            let ino = d.fs.stat(&d.path).map(|s| s.ino).unwrap_or(0);
            let dot = |name: &str| DirEntry {
                name: name.into(),
                filetype: FileType::Directory,
                ino,
            };
            let mut list = vec![dot("."), dot("..")];
            list.extend(d.fs.read_dir(&d.path)?);
            // Consumed from the front: keep it reversed so each record is a pop.
            list.reverse();
            d.listing = Some(list);
        }
        let list = d.listing.as_mut().ok_or(Errno::Io)?;
        let mut pos = 0u32;
        while let Some(e) = list.last() {
            if pos + DIRENT_SIZE > count {
                break;
            }
            let at = dirp.checked_add(pos).ok_or(Errno::Fault)?;
            let rec = mem.slice_mut(at, DIRENT_SIZE)?;
            rec.fill(0);
            rec[0..8].copy_from_slice(&e.ino.to_le_bytes());
            rec[8..16].copy_from_slice(&u64::from(pos + DIRENT_SIZE).to_le_bytes());
            rec[16..18].copy_from_slice(&(DIRENT_SIZE as u16).to_le_bytes());
            rec[18] = match e.filetype {
                FileType::Directory => 4,
                FileType::SymbolicLink => 10,
                FileType::CharacterDevice => 2,
                FileType::BlockDevice => 6,
                FileType::Pipe => 1,
                FileType::SocketStream | FileType::SocketDgram => 12,
                FileType::RegularFile | FileType::Unknown => 8,
            };
            let name = e.name.as_bytes();
            let n = name.len().min(255);
            rec[19..19 + n].copy_from_slice(&name[..n]);
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
pub fn dup(mut ctx: Ctx<'_>, fd: i32) -> i32 {
    sys(&mut ctx, |env, _| {
        let fd = u32::try_from(fd).map_err(|_| Errno::Badf)?;
        Ok(env.host.fds.duplicate(fd, 0)? as i32)
    })
}

/// `__syscall_dup3(fd, newfd, flags) -> newfd` (what `dup2` calls):
/// makes `newfd` refer to `fd`'s open file, closing what it held.
/// `flags` may only be `O_CLOEXEC` (meaningless here). Errors: `EBADF`,
/// `EINVAL` (`fd == newfd`, other flags).
pub fn dup3(mut ctx: Ctx<'_>, fd: i32, newfd: i32, flags: i32) -> i32 {
    const O_CLOEXEC: i32 = 0o2000000;
    sys(&mut ctx, |env, _| {
        let (from, to) = (u32::try_from(fd), u32::try_from(newfd));
        let (Ok(from), Ok(to)) = (from, to) else {
            return Err(Errno::Badf);
        };
        if from == to || flags & !O_CLOEXEC != 0 {
            return Err(Errno::Inval);
        }
        env.host.fds.duplicate_to(from, to)?;
        Ok(newfd)
    })
}

/// `__syscall_fcntl64(fd, cmd, varargs)`: `F_GETFD`/`F_SETFD` (0: no
/// `exec`), `F_GETFL` (access mode, `O_APPEND`, `O_NONBLOCK`,
/// `O_DIRECTORY`), `F_SETFL` (`O_APPEND`, `O_NONBLOCK`), `F_GETLK` (always
/// unlocked), `F_SETLK`/`F_SETLKW` (succeed: one process),
/// `F_DUPFD`/`F_DUPFD_CLOEXEC` (the lowest free descriptor not below the
/// argument, sharing the open file); other commands: `EINVAL`. Errors:
/// `EBADF`, `EFAULT`, `EMFILE`.
pub fn fcntl64(mut ctx: Ctx<'_>, fd: i32, cmd: i32, varargs: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let fd = u32::try_from(fd).map_err(|_| Errno::Badf)?;
        let d = env.host.fds.get_mut(fd)?;
        match cmd {
            F_GETFD | F_SETFD | F_SETLK | F_SETLKW => Ok(0),
            F_GETFL => Ok(match d {
                Descriptor::File(f) => {
                    let acc = match (f.rights.contains(Rights::FD_READ), f.rights.contains(Rights::FD_WRITE)) {
                        (true, true) => 2,
                        (false, true) => 1,
                        _ => 0,
                    };
                    let mut fl = acc;
                    if f.flags.contains(FdFlags::APPEND) {
                        fl |= O_APPEND;
                    }
                    if f.flags.contains(FdFlags::NONBLOCK) {
                        fl |= O_NONBLOCK;
                    }
                    fl
                }
                Descriptor::Dir(_) => O_DIRECTORY,
                Descriptor::Listener(l) => {
                    2 | if l.flags.contains(FdFlags::NONBLOCK) {
                        O_NONBLOCK
                    } else {
                        0
                    }
                }
            }),
            F_SETFL => {
                let arg = mem.read_u32(varargs)? as i32;
                if let Descriptor::File(f) = d {
                    let append = arg & O_APPEND != 0;
                    if f.filetype == FileType::RegularFile {
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
pub fn ioctl(mut ctx: Ctx<'_>, fd: i32, op: i32, _varargs: u32) -> i32 {
    sys(&mut ctx, |env, _| {
        let fd = u32::try_from(fd).map_err(|_| Errno::Badf)?;
        env.host.fds.get(fd)?;
        // 0x5401..=0x5414: TCGETS..TIOCSWINSZ and friends; 0x541b FIONREAD.
        if (0x5401..=0x5420).contains(&op) {
            Err(Errno::Notty)
        } else {
            Err(Errno::Inval)
        }
    })
}

/// `__syscall_faccessat(dirfd, path, amode, flags)`: whether `path` exists
/// (`F_OK`) and may be read/written/executed (`R_OK`/`W_OK`/`X_OK`; the
/// mounts have no permission bits, so only a read-only mount refuses
/// `W_OK`, with `EROFS`). Errors: `ENOENT`, `ENOTDIR`, `EINVAL` (unknown
/// bits).
pub fn faccessat(mut ctx: Ctx<'_>, dirfd: i32, path: u32, amode: i32, flags: i32) -> i32 {
    sys(&mut ctx, |env, mem| {
        if amode & !7 != 0 {
            return Err(Errno::Inval);
        }
        let t = lookup_at(env, mem, dirfd, path, flags & AT_SYMLINK_NOFOLLOW == 0)?;
        t.fs.stat(&t.r.path)?;
        if amode & 2 != 0 && t.fs.is_read_only() {
            return Err(Errno::Rofs);
        }
        Ok(0)
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
        let t = lookup_at(env, mem, dirfd, path, false)?;
        let target = t.fs.read_link(&t.r.path)?;
        let n = target.len().min(bufsize as usize);
        mem.write(buf, &target.as_bytes()[..n])?;
        Ok(n as i32)
    })
}

/// `__syscall_symlinkat(target, newdirfd, linkpath)`: creates a symlink.
/// An absolute target is refused (`EPERM`: it could only point outside
/// the sandbox, as the WASI set decides). Errors: `EEXIST`, `ENOENT`,
/// `EROFS`, `EFAULT`.
pub fn symlinkat(mut ctx: Ctx<'_>, target: u32, dirfd: i32, linkpath: u32) -> i32 {
    sys(&mut ctx, |env, mem| {
        let target = cstr(mem, target)?.to_string();
        if target.starts_with('/') {
            return Err(Errno::Perm);
        }
        let t = lookup_at(env, mem, dirfd, linkpath, false)?;
        if t.r.path.is_empty() || t.r.ends_in_dot {
            return Err(Errno::Exist);
        }
        t.fs.symlink(&target, &t.r.path)?;
        Ok(0)
    })
}

/// `__syscall_ftruncate64(fd, low, high)` (i64 length legalized into two
/// i32 halves, as 3.1.6 builds without `WASM_BIGINT` pass it): sets the
/// file's length. Errors: `EBADF`, `EINVAL` (negative, or not a regular
/// file open for writing).
pub fn ftruncate64(mut ctx: Ctx<'_>, fd: i32, low: u32, high: i32) -> i32 {
    let len = (i64::from(high) << 32) | i64::from(low);
    sys(&mut ctx, |env, _| {
        if len < 0 {
            return Err(Errno::Inval);
        }
        let fd = u32::try_from(fd).map_err(|_| Errno::Badf)?;
        let f = env.host.fds.file_or(fd, Rights::FD_WRITE, Errno::Inval).map_err(|e| {
            if e == Errno::Notcapable {
                Errno::Inval
            } else {
                e
            }
        })?;
        f.file.set_len(len as u64)?;
        Ok(0)
    })
}
