//! [`ReadOnly`], a wrapper that refuses every change, and [`NullFs`], an
//! empty read-only directory.

use super::{DirEntry, File, FileSystem, FileType, OpenOptions, SetTime, Stat};
use crate::errno::Result;
use crate::Errno;
use std::io::{IoSlice, IoSliceMut, SeekFrom};

/// Any [`FileSystem`], read-only: every mutating method is `EROFS` and
/// never reaches the wrapped file system.
///
/// - `open` with `write`, `append`, `create` or `truncate` is `EROFS`,
///   checked before the inner file system is touched (so an `O_TRUNC` can
///   never truncate through the wrapper). Other opens pass through, and the
///   handle is wrapped too: `write`/`pwrite` are `EBADF` (the handle is not
///   open for writing), `set_len`, `allocate` and `set_times` are `EROFS`.
/// - `create_dir`, `remove_dir`, `remove_file`, `rename`, `hard_link`,
///   `symlink`, `set_mode`, `set_times`: `EROFS`, whatever the paths.
/// - `stat`, `read_dir`, `read_link` pass through.
/// - [`FileSystem::is_read_only`] is `true`.
#[derive(Clone, Debug, Default)]
pub struct ReadOnly<F>(pub F);

impl<F> ReadOnly<F> {
    /// Wraps `fs`.
    pub fn new(fs: F) -> ReadOnly<F> {
        ReadOnly(fs)
    }

    /// The wrapped file system (for reading; writing through it bypasses
    /// the wrapper).
    pub fn inner(&self) -> &F {
        &self.0
    }

    /// Unwraps.
    pub fn into_inner(self) -> F {
        self.0
    }
}

/// The [`FileSystem`] methods that change something, each `EROFS`
/// whatever its arguments, and `is_read_only`: one list for [`ReadOnly`]
/// and [`NullFs`], so the two cannot drift apart.
macro_rules! refuse_changes {
    () => {
        fn create_dir(&self, _path: &str) -> Result<()> {
            Err(Errno::Rofs)
        }

        fn remove_dir(&self, _path: &str) -> Result<()> {
            Err(Errno::Rofs)
        }

        fn remove_file(&self, _path: &str) -> Result<()> {
            Err(Errno::Rofs)
        }

        fn rename(&self, _from: &str, _to: &str) -> Result<()> {
            Err(Errno::Rofs)
        }

        fn hard_link(&self, _from: &str, _to: &str) -> Result<()> {
            Err(Errno::Rofs)
        }

        fn symlink(&self, _target: &str, _link: &str) -> Result<()> {
            Err(Errno::Rofs)
        }

        fn set_mode(&self, _path: &str, _mode: u32) -> Result<()> {
            Err(Errno::Rofs)
        }

        fn set_times(&self, _path: &str, _atim: SetTime, _mtim: SetTime) -> Result<()> {
            Err(Errno::Rofs)
        }

        fn is_read_only(&self) -> bool {
            true
        }
    };
}

/// Whether `opts` asks for anything a read-only file system must refuse.
fn wants_write(opts: &OpenOptions) -> bool {
    opts.write || opts.append || opts.create || opts.truncate || opts.exclusive
}

impl<F: FileSystem> FileSystem for ReadOnly<F> {
    fn stat(&self, path: &str) -> Result<Stat> {
        self.0.stat(path)
    }

    /// `EROFS` if `opts` has `write`, `append`, `create`, `exclusive` or
    /// `truncate`; otherwise the inner open, read-only.
    fn open(&self, path: &str, opts: &OpenOptions) -> Result<Box<dyn File>> {
        if wants_write(opts) {
            return Err(Errno::Rofs);
        }
        let read_only = OpenOptions {
            read: true,
            ..OpenOptions::default()
        };
        let inner = self.0.open(path, &read_only)?;
        Ok(Box::new(ReadOnlyFile(inner)))
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        self.0.read_dir(path)
    }

    fn read_link(&self, path: &str) -> Result<String> {
        self.0.read_link(path)
    }

    refuse_changes!();
}

/// A file opened through [`ReadOnly`]: reads and seeks pass through,
/// changes are refused.
#[derive(Debug)]
struct ReadOnlyFile(Box<dyn File>);

impl File for ReadOnlyFile {
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {
        self.0.read_vectored(bufs)
    }

    fn write_vectored(&mut self, _bufs: &[IoSlice<'_>]) -> Result<usize> {
        Err(Errno::Badf)
    }

    fn pread(&mut self, bufs: &mut [IoSliceMut<'_>], offset: u64) -> Result<usize> {
        self.0.pread(bufs, offset)
    }

    fn pwrite(&mut self, _bufs: &[IoSlice<'_>], _offset: u64) -> Result<usize> {
        Err(Errno::Badf)
    }

    fn seek(&mut self, pos: SeekFrom) -> Result<u64> {
        self.0.seek(pos)
    }

    fn stat(&mut self) -> Result<Stat> {
        self.0.stat()
    }

    fn set_len(&mut self, _size: u64) -> Result<()> {
        Err(Errno::Rofs)
    }

    fn set_mode(&mut self, _mode: u32) -> Result<()> {
        Err(Errno::Rofs)
    }

    fn set_times(&mut self, _atim: SetTime, _mtim: SetTime) -> Result<()> {
        Err(Errno::Rofs)
    }

    fn sync(&mut self) -> Result<()> {
        Ok(())
    }

    fn sync_data(&mut self) -> Result<()> {
        Ok(())
    }

    fn allocate(&mut self, _offset: u64, _len: u64) -> Result<()> {
        Err(Errno::Rofs)
    }

    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        self.0.bytes_readable()
    }

    fn is_writable(&mut self) -> bool {
        false
    }

    fn is_append(&self) -> bool {
        false
    }

    /// Append mode means nothing for a handle that cannot write: turning it
    /// off succeeds, turning it on is `EROFS`.
    fn set_append(&mut self, append: bool) -> Result<()> {
        if append {
            Err(Errno::Rofs)
        } else {
            Ok(())
        }
    }
}

/// An empty, read-only directory.
///
/// `stat("")` is a directory (inode 1, 2 links, all times 0) and
/// `read_dir("")` is empty. Any other path is `ENOENT` for `stat`,
/// `read_dir`, `read_link` and a plain `open`; `read_link("")` is `EINVAL`
/// and opening `""` is `EISDIR`. Every mutating call (and an `open` asking
/// to write, append, create or truncate) is `EROFS`.
#[derive(Clone, Copy, Debug, Default)]
pub struct NullFs;

impl NullFs {
    /// The empty directory.
    pub fn new() -> NullFs {
        NullFs
    }

    fn root_only(path: &str) -> Result<()> {
        if path.is_empty() {
            Ok(())
        } else {
            Err(Errno::Noent)
        }
    }
}

impl FileSystem for NullFs {
    fn stat(&self, path: &str) -> Result<Stat> {
        NullFs::root_only(path)?;
        Ok(Stat {
            dev: 0,
            ino: 1,
            filetype: FileType::Directory,
            nlink: 2,
            ..Stat::default()
        })
    }

    fn open(&self, path: &str, opts: &OpenOptions) -> Result<Box<dyn File>> {
        if wants_write(opts) {
            return Err(Errno::Rofs);
        }
        NullFs::root_only(path)?;
        Err(Errno::Isdir)
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        NullFs::root_only(path)?;
        Ok(Vec::new())
    }

    fn read_link(&self, path: &str) -> Result<String> {
        NullFs::root_only(path)?;
        Err(Errno::Inval)
    }

    refuse_changes!();
}

#[cfg(test)]
mod tests {
    //! [`NullFs`]. What [`ReadOnly`] refuses and passes through is in the
    //! conformance suite (`fs/conformance.rs`), which runs it over `MemFs`
    //! and `OsDir`.

    use super::*;
    use crate::fs::conformance::{read_only, writing_opens};

    #[test]
    fn null_fs_is_an_empty_read_only_root() {
        let fs = NullFs::new();
        assert!(fs.is_read_only());
        let st = fs.stat("").unwrap();
        assert_eq!(st.filetype, FileType::Directory);
        assert_eq!(st.nlink, 2);
        assert!(fs.read_dir("").unwrap().is_empty());
        assert_eq!(fs.stat("a").unwrap_err(), Errno::Noent);
        assert_eq!(fs.stat("a/b").unwrap_err(), Errno::Noent);
        assert_eq!(fs.read_dir("a").unwrap_err(), Errno::Noent);
        assert_eq!(fs.read_link("a").unwrap_err(), Errno::Noent);
        assert_eq!(fs.read_link("").unwrap_err(), Errno::Inval);
        assert_eq!(fs.open("a", &read_only()).unwrap_err(), Errno::Noent);
        assert_eq!(fs.open("", &read_only()).unwrap_err(), Errno::Isdir);
        for o in writing_opens() {
            assert_eq!(fs.open("a", &o).unwrap_err(), Errno::Rofs);
        }
        assert_eq!(fs.create_dir("a").unwrap_err(), Errno::Rofs);
        assert_eq!(fs.remove_dir("").unwrap_err(), Errno::Rofs);
        assert_eq!(fs.remove_file("a").unwrap_err(), Errno::Rofs);
        assert_eq!(fs.rename("a", "b").unwrap_err(), Errno::Rofs);
        assert_eq!(fs.hard_link("a", "b").unwrap_err(), Errno::Rofs);
        assert_eq!(fs.symlink("a", "b").unwrap_err(), Errno::Rofs);
        assert_eq!(fs.set_times("", SetTime::Now, SetTime::Now).unwrap_err(), Errno::Rofs);
        let wrapped = ReadOnly(NullFs);
        assert_eq!(wrapped.stat("").unwrap().filetype, FileType::Directory);
    }
}
