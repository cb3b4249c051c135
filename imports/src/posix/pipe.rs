//! `pipe` and `poll`: an in-process pipe between two descriptors of one
//! guest, and readiness of descriptors without blocking.
//!
//! A pipe holds at most [`PIPE_CAPACITY`] bytes, as Linux's default pipe
//! does, so a guest cannot take the host's memory by writing to a pipe
//! nobody reads. A guest's host calls are not concurrent with each other,
//! so a read of an empty pipe whose write end is open, or a write to a
//! full one, could never finish: both answer `EAGAIN` (RATIONALE.md,
//! "Pipes never block"), as Emscripten's `PIPEFS` does for the first.

use crate::descriptor::{Access, Descriptor, Descriptors, FdFlags, OpenFile};
use crate::errno::{Errno, Result};
use crate::fs::{File, FileType, Stat};
use std::collections::VecDeque;
use std::io::{IoSlice, IoSliceMut};
use std::sync::{Arc, Mutex, PoisonError};

/// Bytes a pipe holds before a write answers `EAGAIN`.
pub const PIPE_CAPACITY: usize = 64 * 1024;

#[derive(Debug, Default)]
struct Shared {
    bytes: VecDeque<u8>,
    readers: usize,
    writers: usize,
}

/// One end of a pipe.
#[derive(Debug)]
struct End {
    shared: Arc<Mutex<Shared>>,
    write: bool,
}

impl End {
    fn with<R>(&self, f: impl FnOnce(&mut Shared) -> R) -> R {
        f(&mut self.shared.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Drop for End {
    fn drop(&mut self) {
        let write = self.write;
        self.with(|s| match write {
            true => s.writers -= 1,
            false => s.readers -= 1,
        });
    }
}

impl File for End {
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {
        if self.write {
            return Err(Errno::Badf);
        }
        self.with(|s| {
            if s.bytes.is_empty() {
                return if s.writers == 0 { Ok(0) } else { Err(Errno::Again) };
            }
            let mut n = 0;
            for buf in bufs.iter_mut() {
                let take = buf.len().min(s.bytes.len());
                for (dst, src) in buf[..take].iter_mut().zip(s.bytes.drain(..take)) {
                    *dst = src;
                }
                n += take;
            }
            Ok(n)
        })
    }

    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> Result<usize> {
        if !self.write {
            return Err(Errno::Badf);
        }
        self.with(|s| {
            if s.readers == 0 {
                return Err(Errno::Pipe);
            }
            let room = PIPE_CAPACITY - s.bytes.len();
            let want: usize = bufs.iter().map(|b| b.len()).sum();
            if room == 0 && want > 0 {
                return Err(Errno::Again);
            }
            let mut n = 0;
            for buf in bufs {
                let take = buf.len().min(room - n);
                s.bytes.extend(&buf[..take]);
                n += take;
            }
            Ok(n)
        })
    }

    fn stat(&mut self) -> Result<Stat> {
        Ok(Stat {
            filetype: FileType::Pipe,
            nlink: 1,
            mode: 0o600,
            ..Stat::default()
        })
    }

    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        if self.write {
            return Ok(None);
        }
        Ok(self.with(|s| match (s.bytes.len(), s.writers) {
            (0, 0) => Some(0),
            (0, _) => None,
            (n, _) => Some(n as u64),
        }))
    }

    fn is_writable(&mut self) -> bool {
        self.write && self.with(|s| s.bytes.len() < PIPE_CAPACITY || s.readers == 0)
    }
}

/// `pipe2`: a new pipe; returns its read and write descriptors, the
/// lowest two free. `flags` are kept on both (`O_NONBLOCK` changes
/// nothing: a pipe never blocks). Errors: `EMFILE`.
pub fn pipe(fds: &mut Descriptors, flags: FdFlags) -> Result<(u32, u32)> {
    let shared = Arc::new(Mutex::new(Shared {
        readers: 1,
        writers: 1,
        ..Shared::default()
    }));
    let end = |write: bool| {
        Descriptor::File(OpenFile {
            file: Box::new(End {
                shared: shared.clone(),
                write,
            }),
            filetype: FileType::Pipe,
            access: if write { Access::WRITE } else { Access::READ },
            flags,
        })
    };
    let read = fds.insert(end(false))?;
    match fds.insert(end(true)) {
        Ok(write) => Ok((read, write)),
        Err(e) => {
            let _ = fds.remove(read);
            Err(e)
        }
    }
}

/// `POLLIN`: data to read (or end of file).
pub const POLLIN: u16 = 0x1;
/// `POLLOUT`: a write would not block.
pub const POLLOUT: u16 = 0x4;
/// `POLLNVAL`: not an open descriptor.
pub const POLLNVAL: u16 = 0x20;

/// `poll` of one descriptor, without waiting: which of `events`
/// (`POLLIN`, `POLLOUT`) it is ready for, `POLLNVAL` for a descriptor
/// that is not open. Regular files and directories are always ready, as
/// POSIX says; a listening socket reports nothing (the [`crate::descriptor::Listener`]
/// trait cannot tell whether a connection is pending).
pub fn poll_one(fds: &mut Descriptors, fd: u32, events: u16) -> u16 {
    let (readable, writable) = match fds.get_mut(fd) {
        Err(_) => return POLLNVAL,
        Ok(Descriptor::File(f)) => (!matches!(f.file.bytes_readable(), Ok(None)), f.file.is_writable()),
        Ok(Descriptor::Dir(_)) => (true, true),
        Ok(Descriptor::Listener(_)) => (false, false),
    };
    let mut revents = 0;
    if readable {
        revents |= POLLIN;
    }
    if writable {
        revents |= POLLOUT;
    }
    revents & (events | POLLNVAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rw(fds: &mut Descriptors, fd: u32) -> &mut OpenFile {
        match fds.get_mut(fd).unwrap() {
            Descriptor::File(f) => f,
            _ => panic!("not a file"),
        }
    }

    fn read(fds: &mut Descriptors, fd: u32, n: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0; n];
        let got = rw(fds, fd).file.read_vectored(&mut [IoSliceMut::new(&mut buf)])?;
        buf.truncate(got);
        Ok(buf)
    }

    fn write(fds: &mut Descriptors, fd: u32, data: &[u8]) -> Result<usize> {
        rw(fds, fd).file.write_vectored(&[IoSlice::new(data)])
    }

    #[test]
    fn bytes_pass_in_order_then_end_of_file() {
        let mut fds = Descriptors::new();
        let (r, w) = pipe(&mut fds, FdFlags(0)).unwrap();
        assert_eq!(read(&mut fds, r, 4), Err(Errno::Again));
        assert_eq!(poll_one(&mut fds, r, POLLIN), 0);
        assert_eq!(write(&mut fds, w, b"ping").unwrap(), 4);
        assert_eq!(poll_one(&mut fds, r, POLLIN), POLLIN);
        assert_eq!(read(&mut fds, r, 2).unwrap(), b"pi");
        assert_eq!(read(&mut fds, r, 8).unwrap(), b"ng");
        fds.remove(w).unwrap();
        assert_eq!(
            read(&mut fds, r, 8).unwrap(),
            b"",
            "end of file once the writer is gone"
        );
        assert_eq!(poll_one(&mut fds, r, POLLIN), POLLIN);
    }

    #[test]
    fn a_full_pipe_refuses_more_and_a_lone_writer_gets_epipe() {
        let mut fds = Descriptors::new();
        let (r, w) = pipe(&mut fds, FdFlags(0)).unwrap();
        let big = vec![7u8; PIPE_CAPACITY + 100];
        assert_eq!(write(&mut fds, w, &big).unwrap(), PIPE_CAPACITY);
        assert_eq!(write(&mut fds, w, b"x"), Err(Errno::Again));
        assert_eq!(poll_one(&mut fds, w, POLLOUT), 0);
        assert_eq!(read(&mut fds, w, 1), Err(Errno::Badf), "the write end does not read");
        fds.remove(r).unwrap();
        assert_eq!(write(&mut fds, w, b"x"), Err(Errno::Pipe));
        assert_eq!(poll_one(&mut fds, 99, POLLIN), POLLNVAL);
    }
}
