//! The contents of a [`MemFs`](super::MemFs) regular file: sparse chunks,
//! the size and attributes, and the account of bytes stored against the
//! tree's capacity.

use super::times::{now_ns, Times};
use crate::errno::Result;
use crate::fs::{FileType, Stat};
use crate::Errno;
use std::collections::BTreeMap;
use std::io::{IoSlice, IoSliceMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The largest size a [`MemFs`](super::MemFs) file can have, in bytes (`i64::MAX`, as
/// `off_t` allows). Writing or extending beyond it is `EFBIG`.
pub(super) const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// Size in bytes of one storage chunk of a [`MemFs`](super::MemFs) file. A chunk is
/// allocated (and grows up to this size) only where data is written.
pub(super) const CHUNK: usize = 64 * 1024;

/// An inode number: unique within one tree, never reused.
pub(super) type Ino = u64;

/// Bytes stored by the files of one tree, against its limit.
pub(super) struct Usage {
    used: AtomicU64,
    limit: u64,
}

impl Usage {
    /// Nothing stored yet, against a limit of `limit` bytes.
    pub(super) fn new(limit: u64) -> Usage {
        Usage {
            used: AtomicU64::new(0),
            limit,
        }
    }

    /// Bytes stored now.
    pub(super) fn used(&self) -> u64 {
        self.used.load(Ordering::Acquire)
    }

    /// Accounts for `n` more bytes, or `ENOSPC` if that passes the limit.
    fn reserve(&self, n: u64) -> Result<()> {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| {
                u.checked_add(n).filter(|&t| t <= self.limit)
            })
            .map(|_| ())
            .map_err(|_| Errno::Nospc)
    }

    /// Bytes that can still be reserved now (at most `usize::MAX`).
    fn available(&self) -> usize {
        let free = self.limit.saturating_sub(self.used.load(Ordering::Acquire));
        usize::try_from(free).unwrap_or(usize::MAX)
    }

    /// Gives back `n` bytes.
    pub(super) fn release(&self, n: u64) {
        if n > 0 {
            let _ = self
                .used
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |u| Some(u.saturating_sub(n)));
        }
    }
}

/// A regular file: shared by its directory entries and its open handles.
pub(super) struct FileNode {
    pub(super) ino: Ino,
    pub(super) dev: u64,
    pub(super) usage: Arc<Usage>,
    pub(super) data: Mutex<FileData>,
}

impl Drop for FileNode {
    fn drop(&mut self) {
        let data = self.data.get_mut().unwrap_or_else(|e| e.into_inner());
        self.usage.release(data.stored());
    }
}

/// The contents and attributes of a regular file.
///
/// Invariant: every stored byte lies below `size`; chunk `i` holds bytes
/// `i * CHUNK ..`, and whatever lies between a chunk's end and the next
/// chunk (or `size`) is a hole that reads as zeros.
pub(super) struct FileData {
    chunks: BTreeMap<u64, Vec<u8>>,
    pub(super) size: u64,
    pub(super) nlink: u64,
    pub(super) times: Times,
    /// Permission bits (`chmod`); 0o644 at creation.
    pub(super) mode: u32,
}

/// Locks a file's data; a poisoned lock is recovered (see the module
/// documentation of [`MemFs`](super::MemFs)).
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl FileData {
    /// An empty file, one link, all times `now`, mode 0o644.
    pub(super) fn new(now: u64) -> FileData {
        FileData {
            chunks: BTreeMap::new(),
            size: 0,
            nlink: 1,
            times: Times::new(now),
            mode: 0o644,
        }
    }

    /// Bytes actually stored (holes excluded).
    fn stored(&self) -> u64 {
        self.chunks.values().map(|c| c.len() as u64).sum()
    }

    /// The file's attributes, for the inode `ino` of device `dev`.
    pub(super) fn stat(&self, dev: u64, ino: Ino) -> Stat {
        Stat {
            dev,
            ino,
            filetype: FileType::RegularFile,
            nlink: self.nlink,
            size: self.size,
            atim: self.times.atim,
            mtim: self.times.mtim,
            ctim: self.times.ctim,
            mode: self.mode,
        }
    }

    /// Copies bytes at `pos` into `dst`, up to the end of `pos`'s chunk.
    /// The caller keeps `pos + dst.len() <= size`. Returns the bytes copied.
    fn copy_out(&self, pos: u64, dst: &mut [u8]) -> usize {
        let idx = pos / CHUNK as u64;
        let within = (pos % CHUNK as u64) as usize;
        let n = dst.len().min(CHUNK - within);
        let dst = &mut dst[..n];
        match self.chunks.get(&idx) {
            Some(c) if within < c.len() => {
                let avail = n.min(c.len() - within);
                dst[..avail].copy_from_slice(&c[within..within + avail]);
                dst[avail..].fill(0);
            }
            _ => dst.fill(0),
        }
        n
    }

    /// Reads into `bufs` at `offset`; returns the bytes read (0 at or past
    /// the end).
    pub(super) fn read_at(&self, offset: u64, bufs: &mut [IoSliceMut<'_>]) -> usize {
        let mut pos = offset;
        let mut total = 0usize;
        for buf in bufs.iter_mut() {
            let mut filled = 0usize;
            while filled < buf.len() && pos < self.size {
                let left = (self.size - pos).min((buf.len() - filled) as u64) as usize;
                let n = self.copy_out(pos, &mut buf[filled..filled + left]);
                filled += n;
                pos += n as u64;
            }
            total += filled;
            if pos >= self.size {
                break;
            }
        }
        total
    }

    /// Writes `src` at `pos`, up to the end of `pos`'s chunk, allocating as
    /// needed. Returns the bytes written; on error nothing was changed.
    fn write_piece(&mut self, pos: u64, src: &[u8], usage: &Usage) -> Result<usize> {
        let idx = pos / CHUNK as u64;
        let within = (pos % CHUNK as u64) as usize;
        let mut n = src.len().min(CHUNK - within);
        let mut end = within + n;
        let chunk = self.chunks.entry(idx).or_default();
        let mut grown = Ok(());
        if chunk.len() < end {
            grown = reserve_chunk(chunk, end, usage);
            if grown.is_err() {
                // Near the capacity limit: write what still fits.
                let fits = chunk.len().saturating_add(usage.available());
                if fits > within && fits < end {
                    end = fits;
                    n = end - within;
                    grown = reserve_chunk(chunk, end, usage);
                }
            }
        }
        match grown {
            Ok(()) => {
                // Bytes past the chunk's end are appended rather than
                // zeroed and then overwritten: one pass over them, not two.
                if chunk.len() < within {
                    chunk.resize(within, 0);
                }
                let overlap = (chunk.len() - within).min(n);
                chunk[within..within + overlap].copy_from_slice(&src[..overlap]);
                chunk.extend_from_slice(&src[overlap..n]);
                Ok(n)
            }
            Err(e) => {
                if chunk.is_empty() {
                    self.chunks.remove(&idx);
                }
                Err(e)
            }
        }
    }

    /// Writes `bufs` in order at `offset`, extending the file (with a hole
    /// if `offset` is past the end). A write that would pass
    /// [`MAX_FILE_SIZE`] or the capacity is cut short; if nothing can be
    /// written: `EFBIG` or `ENOSPC`.
    pub(super) fn write_at(&mut self, offset: u64, bufs: &[IoSlice<'_>], usage: &Usage) -> Result<usize> {
        let total = bufs.iter().map(|b| b.len() as u64).fold(0u64, u64::saturating_add);
        if total == 0 {
            return Ok(0);
        }
        if offset >= MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        let limit = total.min(MAX_FILE_SIZE - offset);
        let mut pos = offset;
        let mut written = 0u64;
        let mut failure = None;
        'bufs: for buf in bufs {
            let mut src: &[u8] = buf;
            while !src.is_empty() {
                if written == limit {
                    break 'bufs;
                }
                let take = (src.len() as u64).min(limit - written) as usize;
                match self.write_piece(pos, &src[..take], usage) {
                    Ok(n) => {
                        pos += n as u64;
                        written += n as u64;
                        src = &src[n..];
                    }
                    Err(e) => {
                        failure = Some(e);
                        break 'bufs;
                    }
                }
            }
        }
        if written == 0 {
            return Err(failure.unwrap_or(Errno::Fbig));
        }
        if pos > self.size {
            self.size = pos;
        }
        self.times.modified(now_ns());
        Ok(written as usize)
    }

    /// Truncates or extends (with a hole) to `size` bytes.
    pub(super) fn set_len(&mut self, size: u64, usage: &Usage) -> Result<()> {
        if size > MAX_FILE_SIZE {
            return Err(Errno::Fbig);
        }
        if size < self.size {
            // Chunks wholly at or past the new end go; the one straddling
            // it is cut.
            let first_dead = size.div_ceil(CHUNK as u64);
            let dead = self.chunks.split_off(&first_dead);
            usage.release(dead.values().map(|c| c.len() as u64).sum());
            let within = (size % CHUNK as u64) as usize;
            if within != 0 {
                if let Some(c) = self.chunks.get_mut(&(size / CHUNK as u64)) {
                    if c.len() > within {
                        usage.release((c.len() - within) as u64);
                        c.truncate(within);
                        c.shrink_to_fit();
                    }
                }
            }
        }
        if size != self.size {
            self.size = size;
            self.times.modified(now_ns());
        }
        Ok(())
    }
}

/// Makes room in `chunk` for `end` bytes (`end <= CHUNK`) and accounts
/// for the new ones; the caller then fills them. Errors: the capacity
/// limit (`ENOSPC`, from [`Usage::reserve`]); allocation failure, `ENOSPC`.
fn reserve_chunk(chunk: &mut Vec<u8>, end: usize, usage: &Usage) -> Result<()> {
    let grow = end - chunk.len();
    usage.reserve(grow as u64)?;
    if chunk.capacity() < end {
        let target = end.max(chunk.capacity().saturating_mul(2)).min(CHUNK);
        if chunk.try_reserve_exact(target - chunk.len()).is_err() {
            usage.release(grow as u64);
            return Err(Errno::Nospc);
        }
    }
    Ok(())
}
