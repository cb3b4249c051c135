//! The open-file handle of a [`MemFs`](super::MemFs) regular file.

use super::data::{lock, FileNode, MAX_FILE_SIZE};
use super::times::now_ns;
use crate::errno::Result;
use crate::fs::{File, OpenOptions, SetTime, Stat};
use crate::Errno;
use std::fmt;
use std::io::{IoSlice, IoSliceMut, SeekFrom};
use std::sync::Arc;

/// An open [`MemFs`](super::MemFs) file: the shared file, this handle's
/// offset and mode.
pub(super) struct MemFile {
    node: Arc<FileNode>,
    pos: u64,
    append: bool,
    readable: bool,
    writable: bool,
}

impl MemFile {
    /// A handle on `node` at offset 0, opened as `opts` says: without
    /// `write` or `append` it reads (as `O_RDONLY`).
    pub(super) fn new(node: Arc<FileNode>, opts: &OpenOptions) -> MemFile {
        let writable = opts.write || opts.append;
        MemFile {
            node,
            pos: 0,
            append: opts.append,
            readable: opts.read || !writable,
            writable,
        }
    }
}

impl fmt::Debug for MemFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemFile")
            .field("ino", &self.node.ino)
            .field("pos", &self.pos)
            .field("append", &self.append)
            .field("readable", &self.readable)
            .field("writable", &self.writable)
            .finish()
    }
}

impl File for MemFile {
    /// Not opened for reading: `EBADF`.
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {
        let n = self.pread(bufs, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }

    /// Not opened for writing: `EBADF`; past [`MAX_FILE_SIZE`]: `EFBIG`;
    /// over the capacity: `ENOSPC` (a write that fits partly is cut short).
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> Result<usize> {
        if !self.writable {
            return Err(Errno::Badf);
        }
        let mut d = lock(&self.node.data);
        if self.append {
            self.pos = d.size;
        }
        let n = d.write_at(self.pos, bufs, &self.node.usage)?;
        self.pos += n as u64;
        Ok(n)
    }

    /// Reads at `offset` (past the end: 0 bytes).
    fn pread(&mut self, bufs: &mut [IoSliceMut<'_>], offset: u64) -> Result<usize> {
        if !self.readable {
            return Err(Errno::Badf);
        }
        let mut d = lock(&self.node.data);
        let n = d.read_at(offset, bufs);
        d.times.accessed();
        Ok(n)
    }

    /// Writes at `offset`, even in append mode (as POSIX specifies; Linux
    /// would append instead).
    fn pwrite(&mut self, bufs: &[IoSlice<'_>], offset: u64) -> Result<usize> {
        if !self.writable {
            return Err(Errno::Badf);
        }
        lock(&self.node.data).write_at(offset, bufs, &self.node.usage)
    }

    /// A result below 0 or above [`MAX_FILE_SIZE`]: `EINVAL`. Seeking past
    /// the end is allowed; a later write leaves a hole.
    fn seek(&mut self, pos: SeekFrom) -> Result<u64> {
        let new = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => lock(&self.node.data).size.checked_add_signed(d),
        };
        match new {
            Some(n) if n <= MAX_FILE_SIZE => {
                self.pos = n;
                Ok(n)
            }
            _ => Err(Errno::Inval),
        }
    }

    fn stat(&mut self) -> Result<Stat> {
        Ok(lock(&self.node.data).stat(self.node.dev, self.node.ino))
    }

    /// Not opened for writing: `EINVAL` (as Linux's `ftruncate`); beyond
    /// [`MAX_FILE_SIZE`]: `EFBIG`. Extending leaves a hole (no memory used).
    fn set_len(&mut self, size: u64) -> Result<()> {
        if !self.writable {
            return Err(Errno::Inval);
        }
        lock(&self.node.data).set_len(size, &self.node.usage)
    }

    fn set_times(&mut self, atim: SetTime, mtim: SetTime) -> Result<()> {
        lock(&self.node.data).times.set(atim, mtim);
        Ok(())
    }

    /// `fchmod`, whatever the handle's access mode (as POSIX allows).
    fn set_mode(&mut self, mode: u32) -> Result<()> {
        let mut data = lock(&self.node.data);
        data.mode = mode & 0o7777;
        data.times.ctim = now_ns();
        Ok(())
    }

    /// Not opened for writing: `EBADF`; `offset + len` overflows or passes
    /// [`MAX_FILE_SIZE`]: `EFBIG`. Extends with a hole.
    fn allocate(&mut self, offset: u64, len: u64) -> Result<()> {
        if !self.writable {
            return Err(Errno::Badf);
        }
        let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
        let mut d = lock(&self.node.data);
        if end > d.size {
            d.set_len(end, &self.node.usage)?;
        }
        Ok(())
    }

    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        Ok(Some(lock(&self.node.data).size.saturating_sub(self.pos)))
    }

    fn is_append(&self) -> bool {
        self.append
    }

    fn set_append(&mut self, append: bool) -> Result<()> {
        self.append = append;
        Ok(())
    }
}
