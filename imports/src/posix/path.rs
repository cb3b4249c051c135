//! Operations on a path: `mkdir`, `unlink`, `rmdir`, `rename`, `link`,
//! `symlink`, `readlink`, `stat`/`lstat`, `utimes`, `chmod`, `chown`,
//! `truncate`, `access`, each as POSIX (Linux) answers, for every ABI.
//!
//! Each takes the [`Base`] its path is relative to; the answers for the
//! corners ([`Resolved::ends_in_dot`], [`Resolved::must_be_dir`], a mount's
//! root) are decided here once.

use super::namespace::Links;
use super::{locate, Base, Located, Renamed};
use crate::errno::{Errno, Result};
use crate::fs::{FileType, OpenOptions, Resolved, SetTime, Stat};
use crate::host::Host;

/// The one owner of every file a guest sees: its own user (uid and gid
/// 0, as Go's `process.getuid()` and Emscripten's `getuid()` report).
pub const OWNER: u32 = 0;

/// `mkdirat`: creates a directory with permission bits `mode` (after the
/// caller's umask; `None`: the file system's default). Errors: `EEXIST`
/// (also `.`, `..` and a mount's root), `ENOENT`, `ENOTDIR`, `EPERM`,
/// `EROFS`.
pub fn mkdir(host: &Host, base: Base<'_>, path: &str, mode: Option<u32>) -> Result<()> {
    let at = locate(host, base, path, false)?;
    if at.r.ends_in_dot || at.r.path.is_empty() {
        return Err(Errno::Exist);
    }
    at.fs.create_dir(&at.r.path)?;
    if let Some(mode) = mode {
        // Best effort: a file system that keeps no bits shows defaults.
        let _ = at.fs.set_mode(&at.r.path, mode & 0o7777);
    }
    Ok(())
}

/// `unlinkat(0)`: removes a non-directory (a symlink itself). Errors:
/// `EISDIR` (a directory, `.`, a mount's root), `ENOTDIR` (a trailing `/`
/// on a non-directory), `ENOENT`, `EPERM`, `EROFS`.
pub fn unlink(host: &Host, base: Base<'_>, path: &str) -> Result<()> {
    let at = locate(host, base, path, false)?;
    if at.r.ends_in_dot || at.r.path.is_empty() {
        return Err(Errno::Isdir);
    }
    if at.r.must_be_dir {
        return Err(match at.fs.stat(&at.r.path)?.filetype {
            FileType::Directory => Errno::Isdir,
            _ => Errno::Notdir,
        });
    }
    at.fs.remove_file(&at.r.path)
}

/// `unlinkat(AT_REMOVEDIR)`: removes an empty directory. Errors: `EINVAL`
/// (a final `.` or `..`), `EBUSY` (a mount's root), `ENOTEMPTY`,
/// `ENOTDIR`, `ENOENT`, `EPERM`, `EROFS`.
pub fn rmdir(host: &Host, base: Base<'_>, path: &str) -> Result<()> {
    let at = locate(host, base, path, false)?;
    if at.r.ends_in_dot {
        return Err(Errno::Inval);
    }
    if at.r.path.is_empty() {
        return Err(Errno::Busy);
    }
    at.fs.remove_dir(&at.r.path)
}

/// Looks up the two paths of a `rename` or `link`; they must be in one
/// file system (else `EXDEV`).
fn pair(host: &Host, from: (Base<'_>, &str, bool), to: (Base<'_>, &str)) -> Result<(Located, Resolved)> {
    let a = locate(host, from.0, from.1, from.2)?;
    let b = locate(host, to.0, to.1, false)?;
    if !a.same_fs(&b) {
        return Err(Errno::Xdev);
    }
    Ok((a, b.r))
}

/// `renameat`: renames a file or directory within one mount, replacing
/// the destination as POSIX does. Errors: `EXDEV` (different mounts),
/// `EINVAL` (a final `.`, a directory into itself), `EBUSY` (a mount's
/// root), `ENOTDIR` (a trailing `/` on a non-directory source),
/// `ENOENT`, `EISDIR`, `ENOTEMPTY`, `EPERM`, `EROFS`. Open directory
/// descriptors at or beneath the old path follow it; the caller's
/// working directory follows the returned [`Renamed`]
/// ([`super::Namespace::follow_rename`]).
pub fn rename(host: &mut Host, from: (Base<'_>, &str), to: (Base<'_>, &str)) -> Result<Renamed> {
    let (a, b) = pair(host, (from.0, from.1, false), to)?;
    if a.r.ends_in_dot || b.ends_in_dot {
        return Err(Errno::Inval);
    }
    if a.r.path.is_empty() || b.path.is_empty() {
        return Err(Errno::Busy);
    }
    let src = a.fs.stat(&a.r.path)?;
    if (a.r.must_be_dir || b.must_be_dir) && src.filetype != FileType::Directory {
        return Err(Errno::Notdir);
    }
    a.fs.rename(&a.r.path, &b.path)?;
    host.fds.follow_rename(&a.fs, &a.r.path, &b.path);
    Ok(Renamed {
        fs: a.fs,
        from: a.r.path,
        to: b.path,
    })
}

/// Checks `r` can name a new file (`link`, `symlink`): `.`, `..` and a
/// mount's root exist already (`EEXIST`); a trailing `/` asks for a
/// directory a link cannot be (`ENOENT`, as Linux answers).
fn new_name(r: &Resolved) -> Result<()> {
    if r.ends_in_dot || r.path.is_empty() {
        return Err(Errno::Exist);
    }
    if r.must_be_dir {
        return Err(Errno::Noent);
    }
    Ok(())
}

/// `linkat`: a hard link `to` for the non-directory `from` (its final
/// symlink followed when `from.2`). Errors: `EXDEV`, `EPERM` (a
/// directory), `EEXIST`, `ENOENT`, `EROFS`.
pub fn link(host: &Host, from: (Base<'_>, &str, bool), to: (Base<'_>, &str)) -> Result<()> {
    let (a, b) = pair(host, from, to)?;
    let is_dir = a.r.path.is_empty() || a.r.ends_in_dot || a.r.must_be_dir;
    if is_dir || a.fs.stat(&a.r.path)?.filetype == FileType::Directory {
        return Err(Errno::Perm);
    }
    new_name(&b)?;
    a.fs.hard_link(&a.r.path, &b.path)
}

/// `symlinkat`: a symbolic link at `path` whose content is `target`,
/// stored verbatim. An absolute target is refused (`EPERM`) unless links
/// expand across the namespace's root ([`Links::AcrossMounts`]): anywhere
/// else it could only point out of the sandbox (RATIONALE.md). Errors:
/// `EINVAL` (a NUL in `target`), `EEXIST`, `ENOENT`, `EPERM`, `EROFS`.
pub fn symlink(host: &Host, target: &str, base: Base<'_>, path: &str) -> Result<()> {
    if target.contains('\0') {
        return Err(Errno::Inval);
    }
    let absolute_ok = matches!(base, Base::Root(ns) if ns.links == Links::AcrossMounts);
    if target.starts_with('/') && !absolute_ok {
        return Err(Errno::Perm);
    }
    let at = locate(host, base, path, false)?;
    new_name(&at.r)?;
    at.fs.symlink(target, &at.r.path)
}

/// `readlinkat`: the content of the symbolic link at `path`. Errors:
/// `EINVAL` (not a link), `ENOENT`, `EPERM`.
pub fn readlink(host: &Host, base: Base<'_>, path: &str) -> Result<String> {
    let at = locate(host, base, path, false)?;
    at.fs.read_link(&at.r.path)
}

/// `fstatat`: the attributes of `path` (`stat` when `follow`, else
/// `lstat`). Errors: `ENOENT`, `ENOTDIR`, `ELOOP`, `EPERM`.
pub fn stat(host: &Host, base: Base<'_>, path: &str, follow: bool) -> Result<Stat> {
    let at = locate(host, base, path, follow)?;
    at.fs.stat(&at.r.path)
}

/// `utimensat`: sets the access and modification times of `path`.
/// Errors: as [`stat`], `EROFS`.
pub fn utimes(host: &Host, base: Base<'_>, path: &str, follow: bool, times: (SetTime, SetTime)) -> Result<()> {
    let at = locate(host, base, path, follow)?;
    at.fs.set_times(&at.r.path, times.0, times.1)
}

/// `fchmodat`: sets the permission bits of `path` (`mode & 0o7777`).
/// Errors: as [`stat`], `ENOTSUP` (a file system keeping no bits, or a
/// link's own mode), `EROFS`.
pub fn chmod(host: &Host, base: Base<'_>, path: &str, follow: bool, mode: u32) -> Result<()> {
    let at = locate(host, base, path, follow)?;
    at.fs.set_mode(&at.r.path, mode & 0o7777)
}

/// `fchownat`: the shared file systems have one owner ([`OWNER`]), so
/// giving a file to it, or keeping an id (`None`), succeeds once `path` is
/// found, and anyone else is `EPERM` (RATIONALE.md). Errors: as [`stat`].
pub fn chown(host: &Host, base: Base<'_>, path: &str, follow: bool, ids: (Option<u32>, Option<u32>)) -> Result<()> {
    stat(host, base, path, follow)?;
    owner_ok(ids)
}

/// Whether a `chown` to `ids` is allowed (see [`chown`]).
pub fn owner_ok(ids: (Option<u32>, Option<u32>)) -> Result<()> {
    let ours = |id: Option<u32>| id.is_none_or(|id| id == OWNER);
    if ours(ids.0) && ours(ids.1) {
        Ok(())
    } else {
        Err(Errno::Perm)
    }
}

/// `truncate`: sets the length of the regular file at `path` (a final
/// symlink followed). Errors: `EINVAL` (negative, not a regular file),
/// `EISDIR`, `EFBIG`, as [`stat`], `EROFS`.
pub fn truncate(host: &Host, base: Base<'_>, path: &str, len: i64) -> Result<()> {
    let len = u64::try_from(len).map_err(|_| Errno::Inval)?;
    let at = locate(host, base, path, true)?;
    match at.fs.stat(&at.r.path)?.filetype {
        FileType::Directory => return Err(Errno::Isdir),
        FileType::RegularFile => {}
        _ => return Err(Errno::Inval),
    }
    let write = OpenOptions {
        write: true,
        ..OpenOptions::default()
    };
    at.fs.open(&at.r.path, &write)?.set_len(len)
}

/// `faccessat`: whether `path` exists and may be accessed as `amode`
/// (`F_OK` 0, or `R_OK` 4 | `W_OK` 2 | `X_OK` 1). The mounts keep no
/// owners, so only a read-only mount refuses `W_OK`, with `EROFS`.
/// Errors: `EINVAL` (unknown bits), as [`stat`].
pub fn access(host: &Host, base: Base<'_>, path: &str, follow: bool, amode: i32) -> Result<()> {
    use super::linux::{ACCESS_MODES, W_OK};
    if amode & !ACCESS_MODES != 0 {
        return Err(Errno::Inval);
    }
    let at = locate(host, base, path, follow)?;
    at.fs.stat(&at.r.path)?;
    if amode & W_OK != 0 && at.fs.is_read_only() {
        return Err(Errno::Rofs);
    }
    Ok(())
}
