//! File systems a guest can see, and the open files it holds.
//!
//! A [`FileSystem`] is mounted at a guest path by the mount table, the
//! layer above this one (so this module names it only in prose: the
//! `mount` module depends on this one, never the reverse). Every
//! method takes a path *relative to the mount root*, already resolved by
//! [`resolve`]: no `.`, no `..`, no empty components, no leading `/`, and no
//! symbolic link in any component but possibly the last. The empty path is
//! the root itself. Implementations never follow symbolic links: every
//! method acts on the link itself (as `lstat`, `unlinkat`, `O_NOFOLLOW` do),
//! and [`resolve`] follows them when the caller asked for it. That keeps the
//! rules about `..`, absolute paths and symlink escapes in one place for all
//! file systems and all import sets.
//!
//! Implementations: [`OsDir`] (a host directory, sandboxed with cap-std),
//! [`MemFs`] (in memory, shareable), [`ReadOnly`] (a wrapper) and
//! [`NullFs`] (an empty, read-only directory). The first four pass one
//! conformance suite (`conformance.rs`, tests only), which says where they
//! legitimately differ.

#[cfg(test)]
mod conformance;
mod memfs;
mod open;
mod osdir;
mod readonly;
mod resolve;

pub use memfs::MemFs;
pub use open::{open_resolved, OpenRequest, Opened};
pub use osdir::OsDir;
pub use readonly::{NullFs, ReadOnly};
pub use resolve::{check_path, resolve, Resolved, MAX_SYMLINK_HOPS, PATH_MAX};

use crate::errno::Result;
use std::fmt::Debug;
use std::io::{IoSlice, IoSliceMut, SeekFrom};

/// The type of a file, as WASI preview1's `filetype` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FileType {
    /// The type is not known, or is none of the others.
    #[default]
    Unknown,
    /// A block device.
    BlockDevice,
    /// A character device, such as a terminal or `/dev/null`.
    CharacterDevice,
    /// A directory.
    Directory,
    /// A regular file.
    RegularFile,
    /// A datagram socket.
    SocketDgram,
    /// A stream socket.
    SocketStream,
    /// A symbolic link.
    SymbolicLink,
    /// A pipe (FIFO). WASI has no such type and reports it as `Unknown`.
    Pipe,
}

/// File attributes, as WASI preview1's `filestat`. Timestamps are
/// nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Stat {
    /// Device ID of the device containing the file.
    pub dev: u64,
    /// File serial number (inode).
    pub ino: u64,
    /// File type.
    pub filetype: FileType,
    /// Number of hard links.
    pub nlink: u64,
    /// Size in bytes (for a symbolic link, the length of its target).
    pub size: u64,
    /// Last data access, ns since the epoch.
    pub atim: u64,
    /// Last data modification, ns since the epoch.
    pub mtim: u64,
    /// Last status change, ns since the epoch.
    pub ctim: u64,
    /// Permission bits (`0o7777` of `st_mode`); 0 when the file system
    /// keeps none.
    pub mode: u32,
}

/// What to do with one timestamp in a `set_times` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetTime {
    /// Leave it as it is.
    Omit,
    /// Set it to the host's current time.
    Now,
    /// Set it to this many ns since the epoch.
    At(u64),
}

/// How to open a regular file. Directories are opened by the descriptor
/// layer, not through [`FileSystem::open`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Open for reading.
    pub read: bool,
    /// Open for writing.
    pub write: bool,
    /// Every write goes to the end of the file.
    pub append: bool,
    /// Create the file if it does not exist (`O_CREAT`).
    pub create: bool,
    /// With `create`: fail with `EEXIST` if it exists (`O_EXCL`).
    pub exclusive: bool,
    /// Truncate to length 0 (`O_TRUNC`); needs `write`.
    pub truncate: bool,
}

/// One entry of a directory listing (never `.` or `..`: the descriptor layer
/// adds those).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// The entry's name: one path component.
    pub name: String,
    /// The entry's type, without following symlinks.
    pub filetype: FileType,
    /// The entry's inode number.
    pub ino: u64,
}

/// A file system mounted into a guest's view. All paths are relative to the
/// mount root and pre-resolved (see the module documentation); no method
/// follows a symbolic link.
///
/// Errors are POSIX errors: `ENOENT`, `EEXIST`, `ENOTDIR`, `EISDIR`,
/// `ENOTEMPTY`, `EROFS`, `EXDEV`, `EPERM`, ...
pub trait FileSystem: Send + Sync + Debug + 'static {
    /// Attributes of the file at `path` (`lstat`: a symlink is described as
    /// itself).
    fn stat(&self, path: &str) -> Result<Stat>;

    /// Opens (or creates) the regular file at `path`. A directory is
    /// `EISDIR`; a symbolic link is `ELOOP`.
    fn open(&self, path: &str, opts: &OpenOptions) -> Result<Box<dyn File>>;

    /// The entries of the directory at `path`, without `.` and `..`, in no
    /// particular but stable order.
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>>;

    /// Creates a directory (`mkdirat`). Exists: `EEXIST`.
    fn create_dir(&self, path: &str) -> Result<()>;

    /// Removes an empty directory (`unlinkat(AT_REMOVEDIR)`). Not empty:
    /// `ENOTEMPTY`; not a directory: `ENOTDIR`.
    fn remove_dir(&self, path: &str) -> Result<()>;

    /// Removes a non-directory (`unlinkat`). A directory: `EISDIR`.
    fn remove_file(&self, path: &str) -> Result<()>;

    /// Renames `from` to `to` within this file system (`renameat`), with
    /// POSIX's rules for replacing an existing `to`.
    fn rename(&self, from: &str, to: &str) -> Result<()>;

    /// Creates a hard link `to` for the existing non-directory `from`
    /// (`linkat` without `AT_SYMLINK_FOLLOW`).
    fn hard_link(&self, from: &str, to: &str) -> Result<()>;

    /// Creates a symbolic link at `link` whose content is `target`, stored
    /// verbatim (`symlinkat`).
    fn symlink(&self, target: &str, link: &str) -> Result<()>;

    /// The content of the symbolic link at `path` (`readlinkat`). Not a
    /// link: `EINVAL`.
    fn read_link(&self, path: &str) -> Result<String>;

    /// Sets the access and modification times of `path` without following
    /// a final symlink (`utimensat(AT_SYMLINK_NOFOLLOW)`).
    fn set_times(&self, path: &str, atim: SetTime, mtim: SetTime) -> Result<()>;

    /// Sets the permission bits (`mode & 0o7777`) of `path` (`chmod`; a
    /// final symlink has been followed already). A file system that keeps
    /// no permission bits: `ENOTSUP`.
    fn set_mode(&self, path: &str, mode: u32) -> Result<()> {
        let _ = (path, mode);
        Err(crate::Errno::Notsup)
    }

    /// Whether writes are refused (`EROFS`) everywhere in this file system.
    fn is_read_only(&self) -> bool {
        false
    }
}

/// An open file: a regular file, a stdio stream, a device.
///
/// Methods take `&mut self`: the descriptor table owns each open file, and
/// a guest's host calls are not concurrent. State shared between handles
/// (the bytes of a [`MemFs`] file) is synchronised by the implementation.
pub trait File: Send + Debug {
    /// Reads into `bufs` in order at the current offset, advancing it.
    /// Returns the bytes read; 0 at end of file.
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize>;

    /// Writes `bufs` in order at the current offset (or the end, in append
    /// mode), advancing it. Returns the bytes written.
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> Result<usize>;

    /// Reads at `offset` without moving the current offset. Not seekable:
    /// `ESPIPE`.
    fn pread(&mut self, bufs: &mut [IoSliceMut<'_>], offset: u64) -> Result<usize> {
        let _ = (bufs, offset);
        Err(crate::Errno::Spipe)
    }

    /// Writes at `offset` without moving the current offset. Not seekable:
    /// `ESPIPE`.
    fn pwrite(&mut self, bufs: &[IoSlice<'_>], offset: u64) -> Result<usize> {
        let _ = (bufs, offset);
        Err(crate::Errno::Spipe)
    }

    /// Moves the current offset; returns the new one. Not seekable:
    /// `ESPIPE`; a negative result: `EINVAL`.
    fn seek(&mut self, pos: SeekFrom) -> Result<u64> {
        let _ = pos;
        Err(crate::Errno::Spipe)
    }

    /// Attributes of the open file.
    fn stat(&mut self) -> Result<Stat>;

    /// Truncates or extends (with zeros) to `size` bytes.
    fn set_len(&mut self, size: u64) -> Result<()> {
        let _ = size;
        Err(crate::Errno::Inval)
    }

    /// Sets access and modification times.
    fn set_times(&mut self, atim: SetTime, mtim: SetTime) -> Result<()> {
        let _ = (atim, mtim);
        Err(crate::Errno::Inval)
    }

    /// Flushes data and metadata to storage (`fsync`).
    fn sync(&mut self) -> Result<()> {
        Ok(())
    }

    /// Flushes data to storage (`fdatasync`).
    fn sync_data(&mut self) -> Result<()> {
        self.sync()
    }

    /// Makes sure `offset..offset+len` is allocated: extends the file with
    /// zeros if it is shorter (`posix_fallocate`).
    fn allocate(&mut self, offset: u64, len: u64) -> Result<()> {
        let end = offset.checked_add(len).ok_or(crate::Errno::Fbig)?;
        if end > self.stat()?.size {
            self.set_len(end)?;
        }
        Ok(())
    }

    /// Bytes that a read would return now without blocking, for
    /// `poll_oneoff`: `Some(n)` when readable (`n` may be 0 at end of file),
    /// `None` when a read would block.
    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        let st = self.stat()?;
        let pos = self.seek(SeekFrom::Current(0)).unwrap_or(0);
        Ok(Some(st.size.saturating_sub(pos)))
    }

    /// Whether a write would succeed now without blocking.
    fn is_writable(&mut self) -> bool {
        true
    }

    /// Whether this handle was opened in append mode.
    fn is_append(&self) -> bool {
        false
    }

    /// Switches append mode on or off (`fcntl(F_SETFL, O_APPEND)`).
    fn set_append(&mut self, append: bool) -> Result<()> {
        if append == self.is_append() {
            Ok(())
        } else {
            Err(crate::Errno::Notsup)
        }
    }

    /// Reads without consuming (`recv` with `MSG_PEEK`). Not a socket:
    /// `ENOTSOCK`.
    fn peek(&mut self, buf: &mut [u8]) -> Result<usize> {
        let _ = buf;
        Err(crate::Errno::Notsock)
    }

    /// Shuts down the read and/or write half (`shutdown(2)`). Not a
    /// socket: `ENOTSOCK`.
    fn shutdown(&mut self, read: bool, write: bool) -> Result<()> {
        let _ = (read, write);
        Err(crate::Errno::Notsock)
    }

    /// Switches non-blocking mode (`O_NONBLOCK`); meaningless for regular
    /// files, where it does nothing.
    fn set_nonblocking(&mut self, on: bool) -> Result<()> {
        let _ = on;
        Ok(())
    }

    /// Sets the open file's permission bits (`fchmod`). Default:
    /// `ENOTSUP`.
    fn set_mode(&mut self, mode: u32) -> Result<()> {
        let _ = mode;
        Err(crate::Errno::Notsup)
    }
}
