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
    use super::*;
    use std::fs as stdfs;
    use std::path::PathBuf;

    /// A temp dir holding `root/` (the OsDir) and, outside it, `secret`
    /// and `outdir/`.
    struct Fixture {
        tmp: tempfile::TempDir,
        fs: OsDir,
    }

    impl Fixture {
        fn new() -> Fixture {
            let tmp = tempfile::tempdir().unwrap();
            stdfs::create_dir(tmp.path().join("root")).unwrap();
            stdfs::write(tmp.path().join("secret"), b"secret").unwrap();
            stdfs::create_dir(tmp.path().join("outdir")).unwrap();
            stdfs::write(tmp.path().join("outdir/inner"), b"inner").unwrap();
            let fs = OsDir::open(tmp.path().join("root")).unwrap();
            Fixture { tmp, fs }
        }

        fn root(&self) -> PathBuf {
            self.tmp.path().join("root")
        }

        fn outside(&self, name: &str) -> PathBuf {
            self.tmp.path().join(name)
        }
    }

    fn rw() -> OpenOptions {
        OpenOptions {
            read: true,
            write: true,
            ..Default::default()
        }
    }

    fn create() -> OpenOptions {
        OpenOptions {
            read: true,
            write: true,
            create: true,
            ..Default::default()
        }
    }

    fn write(f: &mut Box<dyn File>, data: &[u8]) -> Result<usize> {
        f.write_vectored(&[IoSlice::new(data)])
    }

    fn read_all(f: &mut Box<dyn File>) -> Vec<u8> {
        let mut buf = vec![0u8; 4096];
        let n = f.read_vectored(&mut [IoSliceMut::new(&mut buf)]).unwrap();
        buf.truncate(n);
        buf
    }

    #[test]
    fn open_missing_host_dir_fails() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(OsDir::open(tmp.path().join("nope")).is_err());
        stdfs::write(tmp.path().join("f"), b"").unwrap();
        assert!(OsDir::open(tmp.path().join("f")).is_err());
    }

    #[test]
    fn files_read_write_seek_stat() {
        let fx = Fixture::new();
        let fs = &fx.fs;
        let root = fs.stat("").unwrap();
        assert_eq!(root.filetype, FileType::Directory);
        let mut f = fs.open("a", &create()).unwrap();
        assert_eq!(
            f.write_vectored(&[IoSlice::new(b"hello "), IoSlice::new(b"world")])
                .unwrap(),
            11
        );
        assert_eq!(f.seek(SeekFrom::Start(0)).unwrap(), 0);
        let (mut a, mut b) = ([0u8; 5], [0u8; 10]);
        assert_eq!(
            f.read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])
                .unwrap(),
            11
        );
        assert_eq!((&a, &b[..6]), (b"hello", &b" world"[..]));
        assert_eq!(f.seek(SeekFrom::End(-5)).unwrap(), 6);
        assert_eq!(f.bytes_readable().unwrap(), Some(5));
        let mut buf = [0u8; 5];
        assert_eq!(f.pread(&mut [IoSliceMut::new(&mut buf)], 0).unwrap(), 5);
        assert_eq!(&buf, b"hello");
        assert_eq!(f.pwrite(&[IoSlice::new(b"J")], 0).unwrap(), 1);
        assert_eq!(f.seek(SeekFrom::Current(0)).unwrap(), 6);
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"Jello world");
        let st = f.stat().unwrap();
        assert_eq!((st.size, st.nlink, st.filetype), (11, 1, FileType::RegularFile));
        assert_eq!(st.ino, fs.stat("a").unwrap().ino);
        assert_eq!(st.dev, root.dev);
        assert_eq!(f.seek(SeekFrom::Current(-100)).unwrap_err(), Errno::Inval);
        // Writes past EOF zero-fill.
        f.pwrite(&[IoSlice::new(b"!")], 14).unwrap();
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"Jello world\0\0\0!");
        f.set_len(5).unwrap();
        f.sync().unwrap();
        f.sync_data().unwrap();
        f.allocate(0, 8).unwrap();
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"Jello\0\0\0");
    }

    #[test]
    fn huge_offsets_fail_cleanly() {
        let fx = Fixture::new();
        let mut f = fx.fs.open("a", &create()).unwrap();
        assert_eq!(f.pwrite(&[IoSlice::new(b"x")], u64::MAX).unwrap_err(), Errno::Inval);
        assert_eq!(
            f.pread(&mut [IoSliceMut::new(&mut [0u8; 1])], u64::MAX).unwrap_err(),
            Errno::Inval
        );
        assert!(f.pwrite(&[IoSlice::new(b"x")], MAX_OFFSET).is_err());
        assert_eq!(f.set_len(u64::MAX).unwrap_err(), Errno::Fbig);
        assert_eq!(f.allocate(u64::MAX, 2).unwrap_err(), Errno::Fbig);
        assert_eq!(f.seek(SeekFrom::Start(u64::MAX)).unwrap_err(), Errno::Inval);
        assert_eq!(f.stat().unwrap().size, 0);
    }

    #[test]
    fn open_flags() {
        let fx = Fixture::new();
        let fs = &fx.fs;
        assert_eq!(fs.open("a", &rw()).unwrap_err(), Errno::Noent);
        stdfs::write(fx.root().join("a"), b"data").unwrap();
        let excl = OpenOptions {
            exclusive: true,
            ..create()
        };
        assert_eq!(fs.open("a", &excl).unwrap_err(), Errno::Exist);
        fs.open("b", &excl).unwrap();
        // O_RDONLY|O_CREAT, with and without O_EXCL.
        let ro_create = OpenOptions {
            read: true,
            create: true,
            ..Default::default()
        };
        let mut f = fs.open("a", &ro_create).unwrap();
        assert_eq!(read_all(&mut f), b"data");
        assert!(write(&mut f, b"x").is_err());
        fs.open("c", &ro_create).unwrap();
        assert_eq!(fs.stat("c").unwrap().size, 0);
        let ro_excl = OpenOptions {
            exclusive: true,
            ..ro_create
        };
        assert_eq!(fs.open("c", &ro_excl).unwrap_err(), Errno::Exist);
        fs.open("d", &ro_excl).unwrap();
        // Truncate needs write.
        let bad = OpenOptions {
            read: true,
            truncate: true,
            ..Default::default()
        };
        assert_eq!(fs.open("a", &bad).unwrap_err(), Errno::Inval);
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"data");
        let trunc = OpenOptions {
            write: true,
            truncate: true,
            ..Default::default()
        };
        drop(fs.open("a", &trunc).unwrap());
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"");
        // Neither read nor write: read-only.
        stdfs::write(fx.root().join("a"), b"data").unwrap();
        let mut f = fs.open("a", &OpenOptions::default()).unwrap();
        assert_eq!(read_all(&mut f), b"data");
        // Directories.
        stdfs::create_dir(fx.root().join("dir")).unwrap();
        assert_eq!(fs.open("dir", &OpenOptions::default()).unwrap_err(), Errno::Isdir);
        assert_eq!(fs.open("dir", &rw()).unwrap_err(), Errno::Isdir);
        assert_eq!(fs.open("", &OpenOptions::default()).unwrap_err(), Errno::Isdir);
        assert_eq!(fs.open("a/b", &create()).unwrap_err(), Errno::Notdir);
    }

    #[test]
    fn append_mode() {
        let fx = Fixture::new();
        let fs = &fx.fs;
        stdfs::write(fx.root().join("a"), b"abc").unwrap();
        let mut f = fs
            .open(
                "a",
                &OpenOptions {
                    read: true,
                    append: true,
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(f.is_append());
        f.seek(SeekFrom::Start(0)).unwrap();
        write(&mut f, b"de").unwrap();
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"abcde");
        // pwrite writes at its offset even in append mode, and append stays on.
        f.pwrite(&[IoSlice::new(b"X")], 0).unwrap();
        write(&mut f, b"f").unwrap();
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"Xbcdef");
        f.set_append(false).unwrap();
        assert!(!f.is_append());
        f.seek(SeekFrom::Start(1)).unwrap();
        write(&mut f, b"Y").unwrap();
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"XYcdef");
        f.set_append(true).unwrap();
        f.seek(SeekFrom::Start(0)).unwrap();
        write(&mut f, b"g").unwrap();
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"XYcdefg");
        // Append with truncate (cap-std alone refuses the pair).
        let opts = OpenOptions {
            append: true,
            truncate: true,
            ..Default::default()
        };
        let mut f = fs.open("a", &opts).unwrap();
        write(&mut f, b"z").unwrap();
        assert_eq!(stdfs::read(fx.root().join("a")).unwrap(), b"z");
    }

    #[test]
    fn unlinked_file_stays_usable_through_handle() {
        let fx = Fixture::new();
        let mut f = fx.fs.open("a", &create()).unwrap();
        write(&mut f, b"keep").unwrap();
        fx.fs.remove_file("a").unwrap();
        assert_eq!(fx.fs.stat("a").unwrap_err(), Errno::Noent);
        assert_eq!(f.stat().unwrap().nlink, 0);
        write(&mut f, b" me").unwrap();
        f.seek(SeekFrom::Start(0)).unwrap();
        assert_eq!(read_all(&mut f), b"keep me");
    }

    #[test]
    fn directories_and_links() {
        let fx = Fixture::new();
        let fs = &fx.fs;
        fs.create_dir("d").unwrap();
        assert_eq!(fs.create_dir("d").unwrap_err(), Errno::Exist);
        assert_eq!(fs.create_dir("").unwrap_err(), Errno::Exist);
        fs.create_dir("d/e").unwrap();
        stdfs::write(fx.root().join("d/f"), b"").unwrap();
        fs.symlink("f", "d/l").unwrap();
        let entries = fs.read_dir("d").unwrap();
        let names: Vec<_> = entries.iter().map(|e| (e.name.as_str(), e.filetype)).collect();
        assert_eq!(
            names,
            [
                ("e", FileType::Directory),
                ("f", FileType::RegularFile),
                ("l", FileType::SymbolicLink)
            ]
        );
        assert_eq!(entries[1].ino, fs.stat("d/f").unwrap().ino);
        assert_eq!(fs.read_dir("").unwrap().len(), 1);
        assert_eq!(fs.read_dir("d/f").unwrap_err(), Errno::Notdir);
        assert_eq!(fs.stat("d").unwrap().nlink, 3);
        assert_eq!(fs.remove_dir("d").unwrap_err(), Errno::Notempty);
        assert_eq!(fs.remove_dir("d/f").unwrap_err(), Errno::Notdir);
        assert_eq!(fs.remove_file("d/e").unwrap_err(), Errno::Isdir);
        assert_eq!(fs.remove_dir("").unwrap_err(), Errno::Busy);
        assert_eq!(fs.remove_file("").unwrap_err(), Errno::Isdir);
        // Hard links.
        fs.hard_link("d/f", "d/g").unwrap();
        assert_eq!(fs.stat("d/f").unwrap().nlink, 2);
        assert_eq!(fs.stat("d/g").unwrap().ino, fs.stat("d/f").unwrap().ino);
        assert_eq!(fs.hard_link("d/e", "d/e2").unwrap_err(), Errno::Perm);
        assert_eq!(fs.hard_link("", "x").unwrap_err(), Errno::Perm);
        assert_eq!(fs.hard_link("d/f", "d/g").unwrap_err(), Errno::Exist);
        // Symlinks.
        assert_eq!(fs.read_link("d/l").unwrap(), "f");
        assert_eq!(fs.read_link("d/f").unwrap_err(), Errno::Inval);
        assert_eq!(fs.stat("d/l").unwrap().size, 1);
        assert_eq!(fs.open("d/l", &rw()).unwrap_err(), Errno::Loop);
        fs.remove_file("d/l").unwrap();
        fs.remove_file("d/g").unwrap();
        fs.remove_file("d/f").unwrap();
        fs.remove_dir("d/e").unwrap();
        fs.remove_dir("d").unwrap();
        assert!(fs.read_dir("").unwrap().is_empty());
    }

    #[test]
    fn rename_posix_rules() {
        let fx = Fixture::new();
        let fs = &fx.fs;
        let root = fx.root();
        stdfs::write(root.join("a"), b"A").unwrap();
        stdfs::write(root.join("b"), b"B").unwrap();
        fs.rename("a", "b").unwrap();
        assert_eq!(stdfs::read(root.join("b")).unwrap(), b"A");
        fs.rename("b", "b").unwrap();
        stdfs::create_dir_all(root.join("d/sub")).unwrap();
        stdfs::create_dir(root.join("empty")).unwrap();
        stdfs::create_dir_all(root.join("full/x")).unwrap();
        assert_eq!(fs.rename("d", "full").unwrap_err(), Errno::Notempty);
        fs.rename("d", "empty").unwrap();
        assert!(root.join("empty/sub").is_dir());
        assert_eq!(fs.rename("empty", "b").unwrap_err(), Errno::Notdir);
        assert_eq!(fs.rename("b", "empty").unwrap_err(), Errno::Isdir);
        assert_eq!(fs.rename("empty", "empty/sub/x").unwrap_err(), Errno::Inval);
        assert_eq!(fs.rename("", "x").unwrap_err(), Errno::Busy);
        assert_eq!(fs.rename("b", "").unwrap_err(), Errno::Busy);
    }

    #[test]
    fn timestamps_have_ns_precision() {
        let fx = Fixture::new();
        let fs = &fx.fs;
        stdfs::write(fx.root().join("a"), b"x").unwrap();
        fs.set_times("a", SetTime::At(1_000_000_123), SetTime::At(2_000_000_456))
            .unwrap();
        let st = fs.stat("a").unwrap();
        assert_eq!((st.atim, st.mtim), (1_000_000_123, 2_000_000_456));
        fs.set_times("a", SetTime::Omit, SetTime::At(7)).unwrap();
        let st = fs.stat("a").unwrap();
        assert_eq!((st.atim, st.mtim), (1_000_000_123, 7));
        fs.set_times("a", SetTime::Now, SetTime::Omit).unwrap();
        assert!(fs.stat("a").unwrap().atim > 1_600_000_000_000_000_000);
        fs.set_times("a", SetTime::Omit, SetTime::Omit).unwrap();
        assert_eq!(
            fs.set_times("nope", SetTime::Omit, SetTime::Omit).unwrap_err(),
            Errno::Noent
        );
        assert_eq!(
            fs.set_times("nope", SetTime::Now, SetTime::Now).unwrap_err(),
            Errno::Noent
        );
        let mut f = fs.open("a", &rw()).unwrap();
        f.set_times(SetTime::At(3_000_000_001), SetTime::At(4_000_000_002))
            .unwrap();
        let st = f.stat().unwrap();
        assert_eq!((st.atim, st.mtim), (3_000_000_001, 4_000_000_002));
        fs.set_times("", SetTime::At(5), SetTime::At(6)).unwrap();
        let st = fs.stat("").unwrap();
        assert_eq!((st.atim, st.mtim), (5, 6));
        // A symlink's own times change, not its target's.
        fs.symlink("a", "l").unwrap();
        fs.set_times("l", SetTime::At(8), SetTime::At(9)).unwrap();
        assert_eq!(fs.stat("l").unwrap().mtim, 9);
        assert_eq!(fs.stat("a").unwrap().mtim, 4_000_000_002);
    }

    /// Symlinks inside the root pointing outside: every method sees the
    /// link, never what it points at, and nothing outside changes.
    #[test]
    fn symlinks_pointing_outside_are_never_followed() {
        let fx = Fixture::new();
        let fs = &fx.fs;
        let secret = fx.outside("secret");
        let outdir = fx.outside("outdir");
        let abs_secret = secret.to_str().unwrap().to_owned();
        fs.symlink("../secret", "up").unwrap();
        fs.symlink("/etc/passwd", "passwd").unwrap();
        fs.symlink(&abs_secret, "abs").unwrap();
        fs.symlink("..", "dotdot").unwrap();
        fs.symlink("../outdir", "updir").unwrap();
        fs.symlink(outdir.to_str().unwrap(), "absdir").unwrap();
        let secret_before = stdfs::metadata(&secret).unwrap();
        let links = ["up", "passwd", "abs", "dotdot", "updir", "absdir"];
        for l in links {
            // Targets are stored and read back verbatim.
            let st = fs.stat(l).unwrap();
            assert_eq!(st.filetype, FileType::SymbolicLink, "{l}");
            assert_eq!(st.size as usize, fs.read_link(l).unwrap().len(), "{l}");
            // Opening never follows, whatever the flags.
            for o in [
                OpenOptions {
                    read: true,
                    ..Default::default()
                },
                rw(),
                create(),
                OpenOptions {
                    write: true,
                    truncate: true,
                    ..Default::default()
                },
                OpenOptions {
                    append: true,
                    ..Default::default()
                },
                OpenOptions {
                    read: true,
                    create: true,
                    ..Default::default()
                },
            ] {
                assert_eq!(fs.open(l, &o).unwrap_err(), Errno::Loop, "{l} {o:?}");
            }
            let excl = OpenOptions {
                exclusive: true,
                ..create()
            };
            assert_eq!(fs.open(l, &excl).unwrap_err(), Errno::Exist, "{l}");
            assert_eq!(fs.read_dir(l).unwrap_err(), Errno::Notdir, "{l}");
            assert_eq!(fs.remove_dir(l).unwrap_err(), Errno::Notdir, "{l}");
            assert_eq!(fs.create_dir(l).unwrap_err(), Errno::Exist, "{l}");
            assert_eq!(fs.symlink("x", l).unwrap_err(), Errno::Exist, "{l}");
            // set_times touches the link only.
            fs.set_times(l, SetTime::At(1), SetTime::At(2)).unwrap();
            assert_eq!(fs.stat(l).unwrap().mtim, 2);
            // A hard link to the link is a link.
            let copy = format!("{l}.hard");
            fs.hard_link(l, &copy).unwrap();
            assert_eq!(fs.stat(&copy).unwrap().filetype, FileType::SymbolicLink);
            assert_eq!(fs.read_link(&copy).unwrap(), fs.read_link(l).unwrap());
            // Renaming moves the link.
            let moved = format!("{l}.moved");
            fs.rename(l, &moved).unwrap();
            assert_eq!(fs.stat(&moved).unwrap().filetype, FileType::SymbolicLink);
            fs.rename(&moved, l).unwrap();
        }
        assert_eq!(fs.read_link("up").unwrap(), "../secret");
        assert_eq!(fs.read_link("passwd").unwrap(), "/etc/passwd");
        assert_eq!(fs.read_link("abs").unwrap(), abs_secret);
        // Paths through a link to outside are refused, never resolved there.
        for p in ["dotdot/secret", "updir/inner", "absdir/inner", "dotdot/root/up"] {
            assert!(fs.stat(p).is_err(), "{p}");
            assert!(fs.open(p, &OpenOptions::default()).is_err(), "{p}");
            assert!(
                fs.open(
                    p,
                    &OpenOptions {
                        write: true,
                        truncate: true,
                        ..Default::default()
                    }
                )
                .is_err(),
                "{p}"
            );
            assert!(fs.read_dir(p).is_err(), "{p}");
            assert!(fs.remove_file(p).is_err(), "{p}");
            assert!(fs.rename(p, "stolen").is_err(), "{p}");
            assert!(fs.hard_link(p, "stolen").is_err(), "{p}");
            assert!(fs.set_times(p, SetTime::At(1), SetTime::At(1)).is_err(), "{p}");
            assert!(fs.read_link(p).is_err(), "{p}");
        }
        for p in ["dotdot/new", "updir/new", "absdir/new"] {
            assert!(fs.open(p, &create()).is_err(), "{p}");
            assert!(fs.create_dir(p).is_err(), "{p}");
            assert!(fs.symlink("x", p).is_err(), "{p}");
            assert!(fs.hard_link("up", p).is_err(), "{p}");
            assert!(fs.rename("up", p).is_err(), "{p}");
        }
        assert_eq!(fs.read_dir("dotdot").unwrap_err(), Errno::Notdir);
        // Removing the links leaves the targets alone.
        for l in links {
            fs.remove_file(l).unwrap();
        }
        // Nothing outside changed.
        assert_eq!(stdfs::read(&secret).unwrap(), b"secret");
        let secret_after = stdfs::metadata(&secret).unwrap();
        assert_eq!(secret_before.modified().unwrap(), secret_after.modified().unwrap());
        assert_eq!(stdfs::read(outdir.join("inner")).unwrap(), b"inner");
        let mut out: Vec<_> = stdfs::read_dir(&outdir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        out.sort();
        assert_eq!(out, ["inner"]);
        assert!(!fx.outside("new").exists());
        assert!(!fx.outside("stolen").exists());
    }

    /// Paths that name something outside the root are refused.
    #[test]
    fn paths_never_resolve_outside_the_root() {
        let fx = Fixture::new();
        let fs = &fx.fs;
        let abs_secret = fx.outside("secret").to_str().unwrap().to_owned();
        stdfs::create_dir(fx.root().join("sub")).unwrap();
        for p in [
            "..",
            "../secret",
            "sub/../../secret",
            "/etc/passwd",
            abs_secret.as_str(),
            "/",
        ] {
            assert!(fs.stat(p).is_err(), "{p}");
            assert!(fs.open(p, &OpenOptions::default()).is_err(), "{p}");
            assert!(
                fs.open(
                    p,
                    &OpenOptions {
                        write: true,
                        truncate: true,
                        ..Default::default()
                    }
                )
                .is_err(),
                "{p}"
            );
            assert!(fs.read_dir(p).is_err(), "{p}");
            assert!(fs.remove_file(p).is_err(), "{p}");
            assert!(fs.remove_dir(p).is_err(), "{p}");
            assert!(fs.rename(p, "x").is_err(), "{p}");
            assert!(fs.hard_link(p, "x").is_err(), "{p}");
            assert!(fs.set_times(p, SetTime::At(1), SetTime::At(1)).is_err(), "{p}");
            assert!(fs.read_link(p).is_err(), "{p}");
        }
        for p in ["../new", "/tmp/wasmer-imports-osdir-escape", "sub/../../new"] {
            assert!(fs.open(p, &create()).is_err(), "{p}");
            assert!(fs.create_dir(p).is_err(), "{p}");
            assert!(fs.symlink("x", p).is_err(), "{p}");
        }
        assert!(!fx.outside("new").exists());
        assert!(!Path::new("/tmp/wasmer-imports-osdir-escape").exists());
        assert_eq!(stdfs::read(fx.outside("secret")).unwrap(), b"secret");
        // `..` that stays inside is fine for cap-std.
        stdfs::write(fx.root().join("f"), b"f").unwrap();
        assert_eq!(fs.stat("sub/../f").unwrap().size, 1);
    }

    #[test]
    fn os_dir_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<OsDir>();
    }
}
