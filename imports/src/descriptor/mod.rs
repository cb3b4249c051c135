//! The descriptor table: what a guest's file descriptors refer to.
//!
//! Descriptors 0, 1 and 2 are stdio; mounts are opened as directories from
//! 3 on, in the order they were configured (WASI's preopens). New
//! descriptors take the lowest free number, as POSIX `open` does. Each
//! descriptor carries the access and flags it was opened with. WASI's
//! rights are not kept here: they refuse nothing (RATIONALE.md, "Rights
//! report, access decides"), and the WASI import set derives the rights it
//! reports from a descriptor's type and access.

mod access;
mod socket;

pub use access::{Access, FdFlags};
pub use socket::{Listener, OpenListener, TcpSocket};

use crate::errno::{Errno, Result};
use crate::fs::{DirEntry, File, FileSystem, FileType};
use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Arc, Mutex};

/// An open file (regular file, stream, device, connected socket).
#[derive(Debug)]
pub struct OpenFile {
    /// The file itself.
    pub file: Box<dyn File>,
    /// Type reported by `fd_fdstat_get`.
    pub filetype: FileType,
    /// The access it was opened with.
    pub access: Access,
    /// Flags the file was opened with (or set since).
    pub flags: FdFlags,
}

/// An open directory: a path in a mounted file system.
pub struct OpenDir {
    /// The file system the directory is in.
    pub fs: Arc<dyn FileSystem>,
    /// Its resolved path in `fs` (`""` for the mount root).
    pub path: String,
    /// For a preopened mount: the guest path it was mounted at.
    pub preopen: Option<String>,
    /// Flags it was opened with.
    pub flags: FdFlags,
    /// The listing being read by `fd_readdir`, kept between calls so a
    /// guest reading with small buffers sees one consistent listing;
    /// refreshed when it starts again at cookie 0.
    pub listing: Option<Vec<DirEntry>>,
}

impl fmt::Debug for OpenDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenDir")
            .field("path", &self.path)
            .field("preopen", &self.preopen)
            .field("flags", &self.flags)
            .finish_non_exhaustive()
    }
}

/// What a descriptor refers to.
#[derive(Debug)]
pub enum Descriptor {
    /// A file, stream or connected socket.
    File(OpenFile),
    /// A directory.
    Dir(OpenDir),
    /// A listening socket.
    Listener(OpenListener),
}

/// Most descriptors one guest may hold open; past it, `EMFILE`.
pub const MAX_DESCRIPTORS: usize = 1 << 16;

/// A guest's descriptor table.
#[derive(Debug, Default)]
pub struct Descriptors {
    slots: Vec<Option<Descriptor>>,
    /// The empty slots below `slots.len()`, so the lowest free number is
    /// found in O(log n), not by a scan a guest holding 65,536
    /// descriptors would make slow on every open.
    free: BTreeSet<u32>,
}

impl Descriptors {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Puts `d` at the lowest free number and returns it. Full: `EMFILE`.
    pub fn insert(&mut self, d: Descriptor) -> Result<u32> {
        if let Some(i) = self.free.pop_first() {
            self.slots[i as usize] = Some(d);
            return Ok(i);
        }
        if self.slots.len() >= MAX_DESCRIPTORS {
            return Err(Errno::Mfile);
        }
        self.slots.push(Some(d));
        Ok((self.slots.len() - 1) as u32)
    }

    /// Puts `d` at number `fd`, replacing what was there.
    pub fn insert_at(&mut self, fd: u32, d: Descriptor) -> Result<()> {
        let i = fd as usize;
        if i >= MAX_DESCRIPTORS {
            return Err(Errno::Badf);
        }
        if i >= self.slots.len() {
            self.free.extend(self.slots.len() as u32..fd);
            self.slots.resize_with(i + 1, || None);
        } else {
            self.free.remove(&fd);
        }
        self.slots[i] = Some(d);
        Ok(())
    }

    /// The descriptor `fd`. None: `EBADF`.
    pub fn get(&self, fd: u32) -> Result<&Descriptor> {
        self.slots.get(fd as usize).and_then(Option::as_ref).ok_or(Errno::Badf)
    }

    /// The descriptor `fd`, mutably. None: `EBADF`.
    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Descriptor> {
        self.slots
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(Errno::Badf)
    }

    /// The open file `fd`, opened with at least the access `needed`
    /// ([`Access::NONE`] for an operation that reads and writes nothing).
    /// Not open, or opened without that access: `EBADF`, as POSIX `read`
    /// and `write` say; a directory: `EISDIR`; a listener: `EBADF`... as
    /// [`Self::file_or`].
    pub fn file(&mut self, fd: u32, needed: Access) -> Result<&mut OpenFile> {
        self.file_or(fd, needed, Errno::Isdir)
    }

    /// The open file `fd` opened with the access `needed`; `on_dir` is
    /// the error when it is a directory (the operations disagree:
    /// `fd_read` says `EISDIR`, `fd_seek` says `EBADF`...).
    pub fn file_or(&mut self, fd: u32, needed: Access, on_dir: Errno) -> Result<&mut OpenFile> {
        match self.get_mut(fd)? {
            Descriptor::File(f) if f.access.covers(needed) => Ok(f),
            Descriptor::Dir(_) => Err(on_dir),
            _ => Err(Errno::Badf),
        }
    }

    /// The open directory `fd`. Not open: `EBADF`; not a directory:
    /// `ENOTDIR`.
    pub fn dir(&mut self, fd: u32) -> Result<&mut OpenDir> {
        match self.get_mut(fd)? {
            Descriptor::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    /// After `from` was renamed to `to` in `fs`, the open directories at
    /// or beneath `from` are at or beneath `to`: a directory descriptor
    /// follows its directory, as an OS handle does (Go's
    /// `TestRootRenameAfterOpen`; RATIONALE.md).
    pub fn follow_rename(&mut self, fs: &Arc<dyn FileSystem>, from: &str, to: &str) {
        for slot in self.slots.iter_mut().flatten() {
            let Descriptor::Dir(d) = slot else { continue };
            if !Arc::ptr_eq(&d.fs, fs) {
                continue;
            }
            let rest = match d.path.strip_prefix(from) {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_string(),
                _ => continue,
            };
            d.path = format!("{to}{rest}");
            d.listing = None;
        }
    }

    /// Closes `fd`, returning what it referred to. Not open: `EBADF`.
    pub fn remove(&mut self, fd: u32) -> Result<Descriptor> {
        let d = self
            .slots
            .get_mut(fd as usize)
            .and_then(Option::take)
            .ok_or(Errno::Badf)?;
        self.free.insert(fd);
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
            self.free.remove(&(self.slots.len() as u32));
        }
        Ok(d)
    }

    /// Moves `from` to number `to`, closing what `to` held (WASI
    /// `fd_renumber`). Either not open: `EBADF`.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<()> {
        self.get(from)?;
        self.get(to)?;
        if from == to {
            return Ok(());
        }
        let d = self.remove(from)?;
        self.insert_at(to, d)
    }

    /// Duplicates `fd` at the lowest free number not below `min` (POSIX
    /// `dup`, `fcntl(F_DUPFD)`). Both numbers then refer to one open file:
    /// they share its offset, as POSIX requires. Errors: `EBADF` (`fd`
    /// not open), `EMFILE` (no number left), `ENOTSUP` (a listening
    /// socket).
    pub fn duplicate(&mut self, fd: u32, min: u32) -> Result<u32> {
        let copy = self.share(fd)?;
        let start = min as usize;
        if start >= MAX_DESCRIPTORS {
            return Err(Errno::Mfile);
        }
        let at = match self.free.range(min..).next() {
            Some(&i) => i as usize,
            None => self.slots.len().max(start),
        };
        if at >= MAX_DESCRIPTORS {
            return Err(Errno::Mfile);
        }
        self.insert_at(at as u32, copy)?;
        Ok(at as u32)
    }

    /// Duplicates `fd` onto number `to`, closing what `to` held (POSIX
    /// `dup2`). `fd == to` does nothing. Errors: `EBADF`, `ENOTSUP`.
    pub fn duplicate_to(&mut self, fd: u32, to: u32) -> Result<()> {
        if fd == to {
            return self.get(fd).map(drop);
        }
        if to as usize >= MAX_DESCRIPTORS {
            return Err(Errno::Badf);
        }
        let copy = self.share(fd)?;
        self.insert_at(to, copy)
    }

    /// A second descriptor for what `fd` refers to, making the open file
    /// shared between them first.
    fn share(&mut self, fd: u32) -> Result<Descriptor> {
        Ok(match self.get_mut(fd)? {
            Descriptor::File(f) => {
                let shared = SharedFile(Arc::new(Mutex::new(std::mem::replace(
                    &mut f.file,
                    Box::new(crate::stdio::WriteStream(std::io::sink())),
                ))));
                f.file = Box::new(shared.clone());
                Descriptor::File(OpenFile {
                    file: Box::new(shared),
                    filetype: f.filetype,
                    access: f.access,
                    flags: f.flags,
                })
            }
            Descriptor::Dir(d) => Descriptor::Dir(OpenDir {
                fs: d.fs.clone(),
                path: d.path.clone(),
                preopen: None,
                flags: d.flags,
                listing: None,
            }),
            Descriptor::Listener(_) => return Err(Errno::Notsup),
        })
    }

    /// Numbers of the open descriptors, ascending.
    pub fn open_fds(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_some())
            .map(|(i, _)| i as u32)
    }
}

/// One open file behind several descriptors (after `dup`): each call
/// locks it for its duration, so the descriptors share one offset.
#[derive(Clone, Debug)]
pub struct SharedFile(Arc<Mutex<Box<dyn File>>>);

impl SharedFile {
    fn lock(&self) -> std::sync::MutexGuard<'_, Box<dyn File>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl File for SharedFile {
    fn read_vectored(&mut self, bufs: &mut [std::io::IoSliceMut<'_>]) -> Result<usize> {
        self.lock().read_vectored(bufs)
    }
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> Result<usize> {
        self.lock().write_vectored(bufs)
    }
    fn pread(&mut self, bufs: &mut [std::io::IoSliceMut<'_>], offset: u64) -> Result<usize> {
        self.lock().pread(bufs, offset)
    }
    fn pwrite(&mut self, bufs: &[std::io::IoSlice<'_>], offset: u64) -> Result<usize> {
        self.lock().pwrite(bufs, offset)
    }
    fn seek(&mut self, pos: std::io::SeekFrom) -> Result<u64> {
        self.lock().seek(pos)
    }
    fn stat(&mut self) -> Result<crate::fs::Stat> {
        self.lock().stat()
    }
    fn set_len(&mut self, size: u64) -> Result<()> {
        self.lock().set_len(size)
    }
    fn set_times(&mut self, atim: crate::fs::SetTime, mtim: crate::fs::SetTime) -> Result<()> {
        self.lock().set_times(atim, mtim)
    }
    fn sync(&mut self) -> Result<()> {
        self.lock().sync()
    }
    fn sync_data(&mut self) -> Result<()> {
        self.lock().sync_data()
    }
    fn allocate(&mut self, offset: u64, len: u64) -> Result<()> {
        self.lock().allocate(offset, len)
    }
    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        self.lock().bytes_readable()
    }
    fn is_writable(&mut self) -> bool {
        self.lock().is_writable()
    }
    fn is_append(&self) -> bool {
        self.lock().is_append()
    }
    fn set_append(&mut self, append: bool) -> Result<()> {
        self.lock().set_append(append)
    }
    fn peek(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.lock().peek(buf)
    }
    fn shutdown(&mut self, read: bool, write: bool) -> Result<()> {
        self.lock().shutdown(read, write)
    }
    fn set_nonblocking(&mut self, on: bool) -> Result<()> {
        self.lock().set_nonblocking(on)
    }
    fn set_mode(&mut self, mode: u32) -> Result<()> {
        self.lock().set_mode(mode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stdio::WriteStream;

    fn file() -> Descriptor {
        Descriptor::File(OpenFile {
            file: Box::new(WriteStream(std::io::sink())),
            filetype: FileType::Unknown,
            access: Access::WRITE,
            flags: FdFlags::default(),
        })
    }

    #[test]
    fn lowest_free_number_is_reused() {
        let mut t = Descriptors::new();
        for want in 0..5 {
            assert_eq!(t.insert(file()).unwrap(), want);
        }
        t.remove(1).unwrap();
        t.remove(3).unwrap();
        assert_eq!(t.insert(file()).unwrap(), 1);
        assert_eq!(t.insert(file()).unwrap(), 3);
        assert_eq!(t.insert(file()).unwrap(), 5);
        assert_eq!(t.remove(99).unwrap_err(), Errno::Badf);
        assert_eq!(t.get(u32::MAX).unwrap_err(), Errno::Badf);
    }

    /// Many opens, closes, dups and renumbers, checked against the lowest
    /// free number found by a scan.
    #[test]
    fn numbers_match_a_scan_of_the_table() {
        let mut t = Descriptors::new();
        let lowest_free = |t: &Descriptors, min: u32| (min..).find(|&i| t.get(i).is_err()).unwrap();
        let mut x = 12345u32;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for _ in 0..5_000 {
            let open: Vec<u32> = t.open_fds().collect();
            let pick = |r: u32| open.get(r as usize % open.len().max(1)).copied();
            match next() % 6 {
                0 | 1 => {
                    let want = lowest_free(&t, 0);
                    assert_eq!(t.insert(file()).unwrap(), want);
                }
                2 => {
                    if let Some(fd) = pick(next()) {
                        t.remove(fd).unwrap();
                    }
                }
                3 => {
                    if let Some(fd) = pick(next()) {
                        let min = next() % 64;
                        let want = lowest_free(&t, min);
                        assert_eq!(t.duplicate(fd, min).unwrap(), want);
                    }
                }
                4 => {
                    if let Some(fd) = pick(next()) {
                        t.duplicate_to(fd, next() % 80).unwrap();
                    }
                }
                _ => {
                    if let (Some(a), Some(b)) = (pick(next()), pick(next())) {
                        t.renumber(a, b).unwrap();
                    }
                }
            }
            let holes: Vec<u32> = (0..t.slots.len() as u32).filter(|&i| t.get(i).is_err()).collect();
            assert_eq!(t.free.iter().copied().collect::<Vec<_>>(), holes);
            assert!(!matches!(t.slots.last(), Some(None)));
        }
    }

    #[test]
    fn renumber_closes_target() {
        let mut t = Descriptors::new();
        t.insert(file()).unwrap();
        t.insert(file()).unwrap();
        t.insert(file()).unwrap();
        t.renumber(2, 0).unwrap();
        assert!(t.get(2).is_err());
        assert!(t.get(0).is_ok());
        assert_eq!(t.renumber(0, 7).unwrap_err(), Errno::Badf);
        assert_eq!(t.renumber(9, 0).unwrap_err(), Errno::Badf);
        assert_eq!(t.open_fds().collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn duplicates_share_one_offset() {
        use crate::fs::{FileSystem, MemFs, OpenOptions};
        use std::io::{IoSlice, IoSliceMut, SeekFrom};
        let fs = MemFs::new();
        fs.write_file("f", b"0123456789").unwrap();
        let opened = fs
            .open(
                "f",
                &OpenOptions {
                    read: true,
                    write: true,
                    ..Default::default()
                },
            )
            .unwrap();
        let mut t = Descriptors::new();
        for _ in 0..3 {
            t.insert(file()).unwrap();
        }
        t.insert(Descriptor::File(OpenFile {
            file: opened,
            filetype: FileType::RegularFile,
            access: Access::READ_WRITE,
            flags: FdFlags::default(),
        }))
        .unwrap();
        assert_eq!(t.duplicate(3, 0).unwrap(), 4);
        assert_eq!(t.duplicate(3, 10).unwrap(), 10);
        t.duplicate_to(4, 1).unwrap();
        let mut buf = [0u8; 4];
        t.file(3, Access::NONE)
            .unwrap()
            .file
            .read_vectored(&mut [IoSliceMut::new(&mut buf)])
            .unwrap();
        assert_eq!(&buf, b"0123");
        // The duplicates continue where the original stopped.
        t.file(10, Access::NONE)
            .unwrap()
            .file
            .read_vectored(&mut [IoSliceMut::new(&mut buf)])
            .unwrap();
        assert_eq!(&buf, b"4567");
        assert_eq!(
            t.file(1, Access::NONE)
                .unwrap()
                .file
                .seek(SeekFrom::Current(0))
                .unwrap(),
            8
        );
        t.remove(3).unwrap();
        t.file(4, Access::NONE)
            .unwrap()
            .file
            .write_vectored(&[IoSlice::new(b"XY")])
            .unwrap();
        assert_eq!(fs.read_file("f").unwrap(), b"01234567XY");
        assert_eq!(t.duplicate(99, 0).unwrap_err(), Errno::Badf);
        assert_eq!(t.duplicate(4, u32::MAX).unwrap_err(), Errno::Mfile);
    }

    #[test]
    fn access_is_checked() {
        let mut t = Descriptors::new();
        t.insert(file()).unwrap();
        assert_eq!(t.file(0, Access::READ).unwrap_err(), Errno::Badf);
        assert!(t.file(0, Access::WRITE).is_ok());
        assert!(t.file(0, Access::NONE).is_ok());
        assert_eq!(t.dir(0).unwrap_err(), Errno::Notdir);
    }
}
