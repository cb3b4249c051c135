//! The `path_*` functions: operations on paths relative to a directory
//! descriptor.
//!
//! Every path goes through [`imports::fs::resolve`], which keeps it
//! beneath the directory descriptor it is relative to: `..` above it, an
//! absolute path, or a symlink leading out is `EPERM`.

use crate::fs::set_times;
use crate::types::{oflags, LOOKUP_SYMLINK_FOLLOW};
use imports::descriptor::{Descriptor, FdFlags, OpenDir, OpenFile, Rights};
use imports::fs::{open_resolved, resolve, FileSystem, FileType, OpenOptions, OpenRequest, Opened, Resolved};
use imports::{with_memory, AsHost, Errno, GuestMemory, Host};
use std::sync::Arc;
use wasmer::FunctionEnvMut;

/// A directory descriptor's file system and path, after checking `right`.
fn dir_of(host: &mut Host, fd: u32, right: Rights) -> Result<(Arc<dyn FileSystem>, String), Errno> {
    let d = host.fds.dir(fd, right)?;
    Ok((d.fs.clone(), d.path.clone()))
}

/// Checks `r` can name a new link (`path_link`, `path_symlink`): `.`,
/// `..` and the directory itself exist already (`EEXIST`); a trailing `/`
/// asks for a directory a link cannot be (`ENOENT`, as Linux answers).
fn new_name(r: &Resolved) -> Result<(), Errno> {
    if r.ends_in_dot || r.path.is_empty() {
        return Err(Errno::Exist);
    }
    if r.must_be_dir {
        return Err(Errno::Noent);
    }
    Ok(())
}

/// Reads the guest path and resolves it beneath directory `fd`.
fn lookup(
    host: &mut Host,
    mem: &GuestMemory<'_>,
    fd: u32,
    right: Rights,
    path: u32,
    path_len: u32,
    follow: bool,
) -> Result<(Arc<dyn FileSystem>, Resolved), Errno> {
    let (fs, base) = dir_of(host, fd, right)?;
    let p = mem.str(path, path_len)?;
    let r = resolve(fs.as_ref(), &base, p, follow)?;
    Ok((fs, r))
}

/// `path_create_directory(fd, path)`: creates a directory. Errors:
/// `EEXIST` (also `.`/`..`), `ENOENT`, `ENOTDIR`, `EPERM` (escape),
/// `ENOTCAPABLE` (no `PATH_CREATE_DIRECTORY`), `EROFS`, `EFAULT`, `EILSEQ`.
pub fn path_create_directory<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let (fs, r) = lookup(
            s.host_mut(),
            mem,
            fd,
            Rights::PATH_CREATE_DIRECTORY,
            path,
            path_len,
            false,
        )?;
        if r.ends_in_dot || r.path.is_empty() {
            return Err(Errno::Exist);
        }
        fs.create_dir(&r.path)
    })
}

/// `path_filestat_get(fd, flags, path) -> filestat`: attributes of the
/// file at `path`, following a final symlink if `flags` has
/// `SYMLINK_FOLLOW`. Errors: `ENOENT`, `ENOTDIR`, `ELOOP`, `EPERM`,
/// `ENOTCAPABLE` (no `PATH_FILESTAT_GET`), `EFAULT`.
pub fn path_filestat_get<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    buf: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let st = stat_at(s.host_mut(), mem, fd, flags, path, path_len)?;
        crate::types::write_filestat(mem, buf, &st)
    })
}

/// The attributes `path_filestat_get` reports.
pub(crate) fn stat_at(
    host: &mut Host,
    mem: &GuestMemory<'_>,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
) -> Result<imports::fs::Stat, Errno> {
    let follow = flags & LOOKUP_SYMLINK_FOLLOW != 0;
    let (fs, r) = lookup(host, mem, fd, Rights::PATH_FILESTAT_GET, path, path_len, follow)?;
    fs.stat(&r.path)
}

/// `path_filestat_set_times(fd, flags, path, atim, mtim, fst_flags)`:
/// sets the access and/or modification time (ns since the epoch, or now)
/// of the file at `path`. Errors: as `path_filestat_get`, `EINVAL` (bad
/// `fst_flags`), `EROFS`.
pub fn path_filestat_set_times<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> Result<(), Errno> {
    let (a, m) = set_times(atim, mtim, fst_flags)?;
    with_memory(&mut ctx, |s, mem| {
        let follow = flags & LOOKUP_SYMLINK_FOLLOW != 0;
        let (fs, r) = lookup(
            s.host_mut(),
            mem,
            fd,
            Rights::PATH_FILESTAT_SET_TIMES,
            path,
            path_len,
            follow,
        )?;
        fs.set_times(&r.path, a, m)
    })
}

/// `path_link(old_fd, old_flags, old_path, new_fd, new_path)`: creates a
/// hard link `new_path` to the file `old_path` (following a final symlink
/// of `old_path` only with `SYMLINK_FOLLOW`). Errors: `EEXIST`, `ENOENT`,
/// `EPERM` (a directory, or an escape), `EXDEV` (different mounts),
/// `ENOTCAPABLE` (no `PATH_LINK_SOURCE`/`PATH_LINK_TARGET`), `EROFS`.
pub fn path_link<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>,
    old_fd: u32,
    old_flags: u32,
    old_path: u32,
    old_path_len: u32,
    new_fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let follow = old_flags & LOOKUP_SYMLINK_FOLLOW != 0;
        let (fs, from) = lookup(h, mem, old_fd, Rights::PATH_LINK_SOURCE, old_path, old_path_len, follow)?;
        let (fs2, to) = lookup(h, mem, new_fd, Rights::PATH_LINK_TARGET, new_path, new_path_len, false)?;
        if !Arc::ptr_eq(&fs, &fs2) {
            return Err(Errno::Xdev);
        }
        if from.must_be_dir || from.ends_in_dot || from.path.is_empty() {
            return Err(Errno::Perm);
        }
        new_name(&to)?;
        fs.hard_link(&from.path, &to.path)
    })
}

/// `path_open(fd, dirflags, path, oflags, rights_base, rights_inheriting,
/// fdflags) -> fd`: opens (or creates) a file or directory beneath
/// directory `fd`, at the lowest free descriptor.
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
    mut ctx: FunctionEnvMut<'_, S>,
    fd: u32,
    dirflags: u32,
    path: u32,
    path_len: u32,
    oflags: u32,
    base: u64,
    inheriting: u64,
    fdflags: u32,
    opened_fd: u32,
) -> Result<(), Errno> {
    if oflags & !(oflags::CREAT | oflags::DIRECTORY | oflags::EXCL | oflags::TRUNC) != 0 {
        return Err(Errno::Inval);
    }
    let fdflags = u16::try_from(fdflags)
        .ok()
        .filter(|f| f & !FdFlags::ALL.0 == 0)
        .map(FdFlags)
        .ok_or(Errno::Inval)?;
    let create = oflags & oflags::CREAT != 0;
    let want_dir = oflags & oflags::DIRECTORY != 0;
    let truncate = oflags & oflags::TRUNC != 0;
    if create && want_dir {
        return Err(Errno::Inval);
    }
    let mut needed = Rights::PATH_OPEN;
    if create {
        needed = needed | Rights::PATH_CREATE_FILE;
    }
    if truncate {
        needed = needed | Rights::PATH_FILESTAT_SET_SIZE;
    }
    let (base, inheriting) = (Rights(base), Rights(inheriting));
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let parent_inheriting = h.fds.dir(fd, needed)?.inheriting;
        let write = base.contains(Rights::FD_WRITE) || truncate;
        let req = OpenRequest {
            follow: dirflags & LOOKUP_SYMLINK_FOLLOW != 0,
            directory: want_dir,
            options: OpenOptions {
                read: base.contains(Rights::FD_READ) || !write,
                write,
                append: fdflags.contains(FdFlags::APPEND),
                create,
                exclusive: create && oflags & oflags::EXCL != 0,
                truncate,
            },
        };
        let (fs, r) = lookup(h, mem, fd, needed, path, path_len, req.follows())?;
        let descriptor = match open_resolved(fs.as_ref(), r, &req)? {
            Opened::Dir { path } => {
                let rights = base.intersect(parent_inheriting).intersect(Rights::DIRECTORY);
                Descriptor::Dir(OpenDir {
                    fs,
                    path,
                    preopen: None,
                    rights,
                    inheriting: inheriting.intersect(parent_inheriting),
                    flags: fdflags,
                    listing: None,
                })
            }
            Opened::File { file, filetype, .. } => {
                let mut rights = base.intersect(parent_inheriting).intersect(Rights::REGULAR_FILE);
                if !req.options.read {
                    rights = Rights(rights.0 & !Rights::FD_READ.0);
                }
                Descriptor::File(OpenFile {
                    file,
                    filetype,
                    rights,
                    inheriting: inheriting.intersect(parent_inheriting),
                    flags: fdflags,
                })
            }
        };
        let new_fd = h.fds.insert(descriptor)?;
        if let Err(e) = mem.write_u32(opened_fd, new_fd) {
            let _ = h.fds.remove(new_fd);
            return Err(e);
        }
        Ok(())
    })
}

/// `path_readlink(fd, path, buf, buf_len) -> bufused`: the content of the
/// symbolic link at `path`, truncated to `buf_len` bytes (no NUL);
/// `bufused` is the number of bytes written. Errors: `EINVAL` (not a
/// symlink), `ENOENT`, `EPERM`, `ENOTCAPABLE` (no `PATH_READLINK`),
/// `EFAULT`.
pub fn path_readlink<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>,
    fd: u32,
    path: u32,
    path_len: u32,
    buf: u32,
    buf_len: u32,
    bufused: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let (fs, r) = lookup(s.host_mut(), mem, fd, Rights::PATH_READLINK, path, path_len, false)?;
        let target = fs.read_link(&r.path)?;
        let out = mem.slice_mut(buf, buf_len)?;
        let n = target.len().min(out.len());
        out[..n].copy_from_slice(&target.as_bytes()[..n]);
        mem.write_u32(bufused, n as u32)
    })
}

/// `path_remove_directory(fd, path)`: removes an empty directory. Errors:
/// `ENOTEMPTY`, `ENOENT`, `ENOTDIR`, `EINVAL` (`.`), `EBUSY` (a mount
/// root), `EPERM`, `ENOTCAPABLE` (no `PATH_REMOVE_DIRECTORY`), `EROFS`.
pub fn path_remove_directory<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let (fs, r) = lookup(
            s.host_mut(),
            mem,
            fd,
            Rights::PATH_REMOVE_DIRECTORY,
            path,
            path_len,
            false,
        )?;
        if r.ends_in_dot {
            return Err(Errno::Inval);
        }
        if r.path.is_empty() {
            return Err(Errno::Busy);
        }
        fs.remove_dir(&r.path)
    })
}

/// `path_rename(fd, old_path, new_fd, new_path)`: renames a file or
/// directory, replacing `new_path` as POSIX `rename` does. Errors:
/// `ENOENT`, `ENOTDIR`, `EISDIR`, `ENOTEMPTY`, `EINVAL` (a directory into
/// itself, `.`), `EBUSY` (a mount root), `EXDEV` (different mounts),
/// `EPERM`, `ENOTCAPABLE` (no `PATH_RENAME_SOURCE`/`PATH_RENAME_TARGET`),
/// `EROFS`.
pub fn path_rename<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>,
    fd: u32,
    old_path: u32,
    old_path_len: u32,
    new_fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let (fs, from) = lookup(h, mem, fd, Rights::PATH_RENAME_SOURCE, old_path, old_path_len, false)?;
        let (fs2, to) = lookup(
            h,
            mem,
            new_fd,
            Rights::PATH_RENAME_TARGET,
            new_path,
            new_path_len,
            false,
        )?;
        if !Arc::ptr_eq(&fs, &fs2) {
            return Err(Errno::Xdev);
        }
        if from.ends_in_dot || to.ends_in_dot {
            return Err(Errno::Inval);
        }
        if from.path.is_empty() || to.path.is_empty() {
            return Err(Errno::Busy);
        }
        let src = fs.stat(&from.path)?;
        if (from.must_be_dir || to.must_be_dir) && src.filetype != FileType::Directory {
            return Err(Errno::Notdir);
        }
        fs.rename(&from.path, &to.path)
    })
}

/// `path_symlink(old_path, fd, new_path)`: creates a symbolic link at
/// `new_path` whose content is `old_path`, verbatim. An absolute target is
/// refused (`EPERM`); a relative one may point anywhere, since following
/// it never leaves the directory it is resolved from (see [`resolve`]).
/// Errors: `EEXIST`, `ENOENT`, `ENOTDIR`, `EPERM`, `ENOTCAPABLE` (no
/// `PATH_SYMLINK`), `EROFS`, `EFAULT`, `EILSEQ`.
pub fn path_symlink<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>,
    old_path: u32,
    old_path_len: u32,
    fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let target = mem.str(old_path, old_path_len)?;
        if target.contains('\0') {
            return Err(Errno::Inval);
        }
        // A link that could only ever point outside the sandbox: refused at
        // creation, as wasmtime does (RATIONALE.md).
        if target.starts_with('/') {
            return Err(Errno::Perm);
        }
        let (fs, r) = lookup(
            s.host_mut(),
            mem,
            fd,
            Rights::PATH_SYMLINK,
            new_path,
            new_path_len,
            false,
        )?;
        new_name(&r)?;
        fs.symlink(target, &r.path)
    })
}

/// `path_unlink_file(fd, path)`: removes a non-directory (a symlink
/// itself, never its target). Errors: `EISDIR`, `ENOENT`, `ENOTDIR` (a
/// trailing `/`), `EPERM`, `ENOTCAPABLE` (no `PATH_UNLINK_FILE`), `EROFS`.
pub fn path_unlink_file<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>,
    fd: u32,
    path: u32,
    path_len: u32,
) -> Result<(), Errno> {
    with_memory(&mut ctx, |s, mem| {
        let (fs, r) = lookup(s.host_mut(), mem, fd, Rights::PATH_UNLINK_FILE, path, path_len, false)?;
        if r.ends_in_dot || r.path.is_empty() {
            return Err(Errno::Isdir);
        }
        if r.must_be_dir {
            let st = fs.stat(&r.path)?;
            return Err(if st.filetype == FileType::Directory {
                Errno::Isdir
            } else {
                Errno::Notdir
            });
        }
        fs.remove_file(&r.path)
    })
}
