//! [`OsDir`]: a host directory, sandboxed with `cap-std`.
//!
//! Every operation goes through one `cap_std::fs::Dir` handle, openat-style:
//! a path is resolved beneath that directory by cap-std (with `openat2`'s
//! `RESOLVE_BENEATH` where the kernel has it, by hand otherwise), so no
//! `..`, absolute path or symbolic link can reach outside it; an attempt is
//! an error (`EPERM`, as cap-std reports escapes, or `ELOOP`/`ENOTDIR`).
//! No method follows a symbolic link in the last component (`lstat`,
//! `O_NOFOLLOW`, `AT_SYMLINK_NOFOLLOW`, `linkat` without follow), so a link
//! pointing outside is only ever seen as a link.

use super::{DirEntry, File, FileSystem, FileType, OpenOptions, SetTime, Stat};
use crate::errno::Result;
use crate::Errno;
use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, SystemTimeSpec};
use cap_std::fs::{Dir, FileTypeExt, MetadataExt, OpenOptionsExt};
use rustix::fs::{AtFlags, OFlags, Timespec, Timestamps, UTIME_NOW, UTIME_OMIT};
use std::io::{self, IoSlice, IoSliceMut, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::DirEntryExt;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

/// The most buffers one `preadv`/`pwritev` takes (Linux's `IOV_MAX`); the
/// rest of a longer list is left for the caller's next call, as a short
/// read or write.
const IOV_MAX: usize = 1024;

/// Largest file offset or size the host accepts (`off_t`).
const MAX_OFFSET: u64 = i64::MAX as u64;

/// A host directory exposed as a [`FileSystem`], sandboxed with cap-std.
///
/// Paths are relative to the directory (`""` is the directory itself) and
/// resolved by cap-std beneath it: nothing outside can be named, opened,
/// stat-ed, linked, renamed or removed, whatever symlinks the directory
/// holds. Errors are the host's (`std::io::Error` mapped to [`Errno`]),
/// plus `EPERM` for a path that would escape.
///
/// `Send + Sync`: the handle is a file descriptor; the kernel serialises
/// concurrent use.
#[derive(Debug)]
pub struct OsDir {
    dir: Dir,
}

impl OsDir {
    /// Opens the host directory `host_path` (resolved with the process's
    /// ambient authority, once, here). Not a directory: `ENOTDIR`; missing:
    /// `ENOENT`, as `std::io::Error`.
    pub fn open(host_path: impl AsRef<Path>) -> io::Result<OsDir> {
        let dir = Dir::open_ambient_dir(host_path, cap_std::ambient_authority())?;
        Ok(OsDir { dir })
    }

    /// Wraps a directory handle already opened with cap-std.
    pub fn from_dir(dir: Dir) -> OsDir {
        OsDir { dir }
    }

    /// Opens `path` with `o` plus `O_NOFOLLOW` and `O_NONBLOCK` (so that a
    /// FIFO does not block the open), refuses a directory (`EISDIR`), then
    /// clears `O_NONBLOCK` and sets `O_APPEND` if asked.
    fn open_raw(&self, path: &str, o: &mut cap_std::fs::OpenOptions, append: bool) -> Result<cap_std::fs::File> {
        o.follow(FollowSymlinks::No);
        o.custom_flags(OFlags::NONBLOCK.bits() as i32);
        let file = self.dir.open_with(path, o)?;
        if file.metadata()?.is_dir() {
            return Err(Errno::Isdir);
        }
        let mut flags = rustix::fs::fcntl_getfl(&file).map_err(io::Error::from)?;
        flags.remove(OFlags::NONBLOCK);
        flags.set(OFlags::APPEND, append);
        rustix::fs::fcntl_setfl(&file, flags).map_err(io::Error::from)?;
        Ok(file)
    }

    /// POSIX `open(O_RDONLY|O_CREAT[|O_EXCL])`, which cap-std (like `std`)
    /// refuses: create the file with a write-only open, then reopen it
    /// read-only.
    fn create_read_only(&self, path: &str, exclusive: bool) -> Result<cap_std::fs::File> {
        let reopen = |fs: &OsDir| {
            let mut o = cap_std::fs::OpenOptions::new();
            o.read(true);
            fs.open_raw(path, &mut o, false)
        };
        if !exclusive {
            match reopen(self) {
                Err(Errno::Noent) => {}
                other => return other,
            }
        }
        let mut c = cap_std::fs::OpenOptions::new();
        c.write(true).create_new(true);
        match self.open_raw(path, &mut c, false) {
            Ok(_) => {}
            Err(Errno::Exist) if !exclusive => {}
            Err(e) => return Err(e),
        }
        reopen(self)
    }
}

/// `""` (the root) as cap-std spells it.
fn rel(path: &str) -> &str {
    if path.is_empty() {
        "."
    } else {
        path
    }
}

/// Seconds and nanoseconds since the epoch as ns (0 before the epoch,
/// saturating far after).
fn ns(secs: i64, nsec: i64) -> u64 {
    if secs < 0 {
        return 0;
    }
    (secs as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(nsec.clamp(0, 999_999_999) as u64)
}

fn filetype(ft: cap_std::fs::FileType) -> FileType {
    if ft.is_dir() {
        FileType::Directory
    } else if ft.is_file() {
        FileType::RegularFile
    } else if ft.is_symlink() {
        FileType::SymbolicLink
    } else if ft.is_block_device() {
        FileType::BlockDevice
    } else if ft.is_char_device() {
        FileType::CharacterDevice
    } else if ft.is_fifo() {
        FileType::Pipe
    } else if ft.is_socket() {
        FileType::SocketStream
    } else {
        FileType::Unknown
    }
}

fn to_stat(md: &cap_std::fs::Metadata) -> Stat {
    Stat {
        dev: md.dev(),
        ino: md.ino(),
        filetype: filetype(md.file_type()),
        nlink: md.nlink(),
        size: md.len(),
        atim: ns(md.atime(), md.atime_nsec()),
        mtim: ns(md.mtime(), md.mtime_nsec()),
        ctim: ns(md.ctime(), md.ctime_nsec()),
        mode: md.mode() & 0o7777,
    }
}

/// `utimensat`/`futimens` timestamps, with `UTIME_NOW`/`UTIME_OMIT`.
fn timestamps(atim: SetTime, mtim: SetTime) -> Timestamps {
    fn one(t: SetTime) -> Timespec {
        match t {
            SetTime::Omit => Timespec {
                tv_sec: 0,
                tv_nsec: UTIME_OMIT,
            },
            SetTime::Now => Timespec {
                tv_sec: 0,
                tv_nsec: UTIME_NOW,
            },
            SetTime::At(ns) => Timespec {
                tv_sec: (ns / 1_000_000_000) as i64,
                tv_nsec: (ns % 1_000_000_000) as _,
            },
        }
    }
    Timestamps {
        last_access: one(atim),
        last_modification: one(mtim),
    }
}

/// A [`SetTime`] as cap-std's `SystemTimeSpec` (`None` for `Omit`).
fn time_spec(t: SetTime) -> Result<Option<SystemTimeSpec>> {
    Ok(match t {
        SetTime::Omit => None,
        SetTime::Now => Some(SystemTimeSpec::SymbolicNow),
        SetTime::At(ns) => {
            let t = UNIX_EPOCH.checked_add(Duration::from_nanos(ns)).ok_or(Errno::Inval)?;
            Some(SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(t)))
        }
    })
}

impl FileSystem for OsDir {
    fn stat(&self, path: &str) -> Result<Stat> {
        let md = if path.is_empty() {
            self.dir.dir_metadata()?
        } else {
            self.dir.symlink_metadata(path)?
        };
        Ok(to_stat(&md))
    }

    /// Opens a regular file (never following a final symlink: `ELOOP`).
    /// As POSIX: `create` without `write` creates and opens read-only;
    /// `append` with `truncate` is allowed; without `write` or `append` the
    /// file is opened for reading. `truncate` without `write`/`append`:
    /// `EINVAL`. A directory: `EISDIR`. A FIFO is opened without blocking.
    fn open(&self, path: &str, opts: &OpenOptions) -> Result<Box<dyn File>> {
        let writable = opts.write || opts.append;
        if opts.truncate && !writable {
            return Err(Errno::Inval);
        }
        if path.is_empty() {
            return Err(if opts.create && opts.exclusive {
                Errno::Exist
            } else {
                Errno::Isdir
            });
        }
        let file = if opts.create && !writable {
            self.create_read_only(path, opts.exclusive)?
        } else {
            // cap-std's `append` forbids `truncate`: open plainly for
            // writing and set `O_APPEND` afterwards.
            let mut o = cap_std::fs::OpenOptions::new();
            o.read(opts.read || !writable).write(writable);
            if opts.create {
                if opts.exclusive {
                    o.create_new(true);
                } else {
                    o.create(true);
                }
            }
            if opts.truncate {
                o.truncate(true);
            }
            self.open_raw(path, &mut o, opts.append)?
        };
        Ok(Box::new(OsFile {
            file,
            append: opts.append,
        }))
    }

    /// Entries sorted by name. Names that are not UTF-8 are left out. A
    /// symlink (even to a directory) is `ENOTDIR`.
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        let entries = if path.is_empty() {
            self.dir.entries()?
        } else {
            match self.dir.open_dir_nofollow(path) {
                Ok(d) => d.entries()?,
                Err(e) => {
                    return Err(match Errno::from(e) {
                        Errno::Loop => Errno::Notdir,
                        other => other,
                    })
                }
            }
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if name == "." || name == ".." {
                continue;
            }
            let filetype = filetype(entry.file_type()?);
            out.push(DirEntry {
                name,
                filetype,
                ino: entry.ino(),
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn create_dir(&self, path: &str) -> Result<()> {
        if path.is_empty() {
            return Err(Errno::Exist);
        }
        Ok(self.dir.create_dir(path)?)
    }

    /// The root: `EBUSY`.
    fn remove_dir(&self, path: &str) -> Result<()> {
        if path.is_empty() {
            return Err(Errno::Busy);
        }
        Ok(self.dir.remove_dir(path)?)
    }

    /// The root or a directory: `EISDIR`. A symlink is removed itself.
    fn remove_file(&self, path: &str) -> Result<()> {
        if path.is_empty() {
            return Err(Errno::Isdir);
        }
        Ok(self.dir.remove_file(path)?)
    }

    /// The host's `renameat`; the root on either side: `EBUSY`.
    fn rename(&self, from: &str, to: &str) -> Result<()> {
        if from.is_empty() || to.is_empty() {
            return Err(Errno::Busy);
        }
        Ok(self.dir.rename(from, &self.dir, to)?)
    }

    /// `linkat` without `AT_SYMLINK_FOLLOW`: a symlink is linked itself. A
    /// directory (or the root): `EPERM`; `to` is the root: `EEXIST`.
    fn hard_link(&self, from: &str, to: &str) -> Result<()> {
        if from.is_empty() {
            return Err(Errno::Perm);
        }
        if to.is_empty() {
            return Err(Errno::Exist);
        }
        Ok(self.dir.hard_link(from, &self.dir, to)?)
    }

    /// Stores `target` verbatim, even if absolute or full of `..`: it is
    /// never followed here, and [`resolve`](super::resolve) follows it inside the
    /// mount. `link` is the root: `EEXIST`.
    fn symlink(&self, target: &str, link: &str) -> Result<()> {
        if link.is_empty() {
            return Err(Errno::Exist);
        }
        Ok(self.dir.symlink_contents(target, link)?)
    }

    /// The target verbatim; not UTF-8: `EILSEQ`; not a link: `EINVAL`.
    fn read_link(&self, path: &str) -> Result<String> {
        if path.is_empty() {
            return Err(Errno::Inval);
        }
        let target = self.dir.read_link_contents(path)?;
        target.into_os_string().into_string().map_err(|_| Errno::Ilseq)
    }

    /// `chmod` through cap-std, which resolves beneath the root: a
    /// component swapped for a link cannot take it outside.
    fn set_mode(&self, path: &str, mode: u32) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let perm = cap_std::fs::Permissions::from_std(std::fs::Permissions::from_mode(mode & 0o7777));
        Ok(self.dir.set_permissions(rel(path), perm)?)
    }

    fn set_times(&self, path: &str, atim: SetTime, mtim: SetTime) -> Result<()> {
        if path.is_empty() {
            // The handle may be `O_PATH` (no `futimens`); `"."` beneath it
            // is the directory itself, with nothing to resolve.
            let ts = timestamps(atim, mtim);
            rustix::fs::utimensat(&self.dir, ".", &ts, AtFlags::empty()).map_err(io::Error::from)?;
            return Ok(());
        }
        let (a, m) = (time_spec(atim)?, time_spec(mtim)?);
        if a.is_none() && m.is_none() {
            // Still report a missing file, as utimensat does.
            self.dir.symlink_metadata(rel(path))?;
            return Ok(());
        }
        Ok(self.dir.set_symlink_times(path, a, m)?)
    }
}

/// An open host file.
#[derive(Debug)]
struct OsFile {
    file: cap_std::fs::File,
    append: bool,
}

impl OsFile {
    fn set_append_flag(&self, append: bool) -> Result<()> {
        let mut flags = rustix::fs::fcntl_getfl(&self.file).map_err(io::Error::from)?;
        flags.set(OFlags::APPEND, append);
        rustix::fs::fcntl_setfl(&self.file, flags).map_err(io::Error::from)?;
        Ok(())
    }
}

impl File for OsFile {
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {
        Ok(self.file.read_vectored(bufs)?)
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> Result<usize> {
        Ok(self.file.write_vectored(bufs)?)
    }

    /// `preadv`; an offset past `i64::MAX`: `EINVAL`.
    fn pread(&mut self, bufs: &mut [IoSliceMut<'_>], offset: u64) -> Result<usize> {
        if offset > MAX_OFFSET {
            return Err(Errno::Inval);
        }
        let n = bufs.len().min(IOV_MAX);
        Ok(rustix::io::preadv(&self.file, &mut bufs[..n], offset).map_err(io::Error::from)?)
    }

    /// `pwritev` at `offset`, also in append mode (POSIX; Linux alone would
    /// append, so `O_APPEND` is lifted for the call). An offset past
    /// `i64::MAX`: `EINVAL`; a write that would end past it: `EFBIG`.
    fn pwrite(&mut self, bufs: &[IoSlice<'_>], offset: u64) -> Result<usize> {
        if offset > MAX_OFFSET {
            return Err(Errno::Inval);
        }
        let n = bufs.len().min(IOV_MAX);
        if !self.append {
            return Ok(rustix::io::pwritev(&self.file, &bufs[..n], offset).map_err(io::Error::from)?);
        }
        self.set_append_flag(false)?;
        let res = rustix::io::pwritev(&self.file, &bufs[..n], offset);
        self.set_append_flag(true)?;
        Ok(res.map_err(io::Error::from)?)
    }

    fn seek(&mut self, pos: SeekFrom) -> Result<u64> {
        Ok(self.file.seek(pos)?)
    }

    fn stat(&mut self) -> Result<Stat> {
        Ok(to_stat(&self.file.metadata()?))
    }

    /// `ftruncate`; past `i64::MAX`: `EFBIG`.
    fn set_len(&mut self, size: u64) -> Result<()> {
        if size > MAX_OFFSET {
            return Err(Errno::Fbig);
        }
        Ok(self.file.set_len(size)?)
    }

    /// `fchmod`.
    fn set_mode(&mut self, mode: u32) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let perm = cap_std::fs::Permissions::from_std(std::fs::Permissions::from_mode(mode & 0o7777));
        Ok(self.file.set_permissions(perm)?)
    }

    /// `futimens`, with ns precision.
    fn set_times(&mut self, atim: SetTime, mtim: SetTime) -> Result<()> {
        rustix::fs::futimens(&self.file, &timestamps(atim, mtim)).map_err(io::Error::from)?;
        Ok(())
    }

    fn sync(&mut self) -> Result<()> {
        Ok(self.file.sync_all()?)
    }

    fn sync_data(&mut self) -> Result<()> {
        Ok(self.file.sync_data()?)
    }

    fn is_append(&self) -> bool {
        self.append
    }

    /// `fcntl(F_SETFL)` with or without `O_APPEND`.
    fn set_append(&mut self, append: bool) -> Result<()> {
        self.set_append_flag(append)?;
        self.append = append;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! What is particular to [`OsDir`]: opening the host directory, and
    //! the sandbox. What every file system must do is in the conformance
    //! suite (`fs/conformance.rs`), which runs on `OsDir` too and checks
    //! after each case that nothing beside the root changed.

    use super::*;
    use crate::fs::conformance::{create, HostDir};
    use std::fs as stdfs;

    /// Every method that names an existing node fails on `p`.
    fn assert_unreachable(fs: &OsDir, p: &str) {
        let trunc = OpenOptions {
            write: true,
            truncate: true,
            ..Default::default()
        };
        assert!(fs.stat(p).is_err(), "{p}");
        assert!(fs.open(p, &OpenOptions::default()).is_err(), "{p}");
        assert!(fs.open(p, &trunc).is_err(), "{p}");
        assert!(fs.read_dir(p).is_err(), "{p}");
        assert!(fs.remove_file(p).is_err(), "{p}");
        assert!(fs.remove_dir(p).is_err(), "{p}");
        assert!(fs.rename(p, "stolen").is_err(), "{p}");
        assert!(fs.hard_link(p, "stolen").is_err(), "{p}");
        assert!(fs.set_times(p, SetTime::At(1), SetTime::At(1)).is_err(), "{p}");
        assert!(fs.read_link(p).is_err(), "{p}");
    }

    /// Every method that creates a node fails to create `p`; `inside`
    /// names an existing node inside the root to link or move there.
    fn assert_cannot_create(fs: &OsDir, p: &str, inside: &str) {
        assert!(fs.open(p, &create()).is_err(), "{p}");
        assert!(fs.create_dir(p).is_err(), "{p}");
        assert!(fs.symlink("x", p).is_err(), "{p}");
        assert!(fs.hard_link(inside, p).is_err(), "{p}");
        assert!(fs.rename(inside, p).is_err(), "{p}");
    }

    #[test]
    fn open_missing_host_dir_fails() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(OsDir::open(tmp.path().join("nope")).is_err());
        stdfs::write(tmp.path().join("f"), b"").unwrap();
        assert!(OsDir::open(tmp.path().join("f")).is_err());
    }

    /// Paths through a symlink inside the root that points outside are
    /// refused, never resolved there, and nothing outside changes. (That
    /// every method sees such a link as itself is in the suite.)
    #[test]
    fn paths_through_links_to_outside_are_refused() {
        let h = HostDir::new();
        let fs = h.open();
        let outdir = h.outside("outdir");
        let links = [
            ("up", "../secret"),
            ("dotdot", ".."),
            ("updir", "../outdir"),
            ("absdir", outdir.to_str().unwrap()),
        ];
        for (link, target) in links {
            fs.symlink(target, link).unwrap();
        }
        for p in ["dotdot/secret", "updir/inner", "absdir/inner", "dotdot/root/up"] {
            assert_unreachable(&fs, p);
        }
        for p in ["dotdot/new", "updir/new", "absdir/new"] {
            assert_cannot_create(&fs, p, "up");
        }
        assert_eq!(fs.read_dir("dotdot").unwrap_err(), Errno::Notdir);
        // Removing the links leaves the targets alone.
        for (link, _) in links {
            fs.remove_file(link).unwrap();
        }
        h.assert_outside_untouched();
    }

    /// Paths that name something outside the root are refused.
    #[test]
    fn paths_never_resolve_outside_the_root() {
        let h = HostDir::new();
        let fs = h.open();
        let abs_secret = h.outside("secret").to_str().unwrap().to_owned();
        stdfs::create_dir(h.root().join("sub")).unwrap();
        stdfs::write(h.root().join("f"), b"f").unwrap();
        let outside = [
            "..",
            "../secret",
            "sub/../../secret",
            "/etc/passwd",
            abs_secret.as_str(),
            "/",
        ];
        for p in outside {
            assert_unreachable(&fs, p);
        }
        for p in ["../new", "/tmp/wasmer-imports-osdir-escape", "sub/../../new"] {
            assert_cannot_create(&fs, p, "f");
        }
        assert!(!Path::new("/tmp/wasmer-imports-osdir-escape").exists());
        h.assert_outside_untouched();
        // `..` that stays inside is fine for cap-std.
        assert_eq!(fs.stat("sub/../f").unwrap().size, 1);
    }

    #[test]
    fn os_dir_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<OsDir>();
    }
}
