//! Standard input, output and error: streams the descriptor table holds at
//! fds 0, 1 and 2.
//!
//! A stream is any `Read` (stdin) or `Write` (stdout, stderr), a buffer the
//! embedder can read back ([`OutputBuffer`]), or the host process's own
//! stdio ([`HostStream`], written with `writev(2)` directly, unbuffered).

use crate::errno::{Errno, Result};
use crate::fs::{File, FileType, Stat};
use std::fmt;
use std::io::{IoSlice, IoSliceMut, IsTerminal, Read, Write};
use std::os::fd::AsFd;
use std::sync::{Arc, Mutex};

/// A readable stream (stdin) over any `Read`. Generic rather than boxed so
/// a read is one dynamic call (the descriptor's `Box<dyn File>`), not two.
pub struct ReadStream<R>(pub R);

impl<R> fmt::Debug for ReadStream<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReadStream")
    }
}

impl<R: Read + Send + 'static> File for ReadStream<R> {
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {
        Ok(self.0.read_vectored(bufs)?)
    }
    fn write_vectored(&mut self, _: &[IoSlice<'_>]) -> Result<usize> {
        Err(Errno::Badf)
    }
    fn stat(&mut self) -> Result<Stat> {
        Ok(stream_stat(FileType::Unknown))
    }
    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        // A `Read` cannot be asked; a read returns what is there (or blocks).
        Ok(Some(0))
    }
}

/// A writable stream (stdout, stderr) over any `Write`. Generic rather than
/// boxed so a write is one dynamic call (the descriptor's `Box<dyn File>`),
/// not two: the sink's type is resolved when the guest is configured.
pub struct WriteStream<W>(pub W);

impl<W> fmt::Debug for WriteStream<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WriteStream")
    }
}

impl<W: Write + Send + 'static> File for WriteStream<W> {
    fn read_vectored(&mut self, _: &mut [IoSliceMut<'_>]) -> Result<usize> {
        Err(Errno::Badf)
    }
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> Result<usize> {
        let first = self.0.write_vectored(bufs)?;
        // One buffer: whatever the writer took is its own short write.
        if bufs.len() <= 1 {
            return Ok(first);
        }
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        if first >= total {
            return Ok(first);
        }
        // `Write::write_vectored`'s default takes only the first buffer: a
        // legal short write, but every writer that keeps it would turn a
        // guest's one `writev` into several. Go on buffer by buffer until
        // all is taken, the writer takes nothing, or it fails (after some
        // progress, the progress is the result).
        let mut done = first;
        let mut skip = first;
        for b in bufs {
            let mut part: &[u8] = b;
            if skip >= part.len() {
                skip -= part.len();
                continue;
            }
            part = &part[skip..];
            skip = 0;
            while !part.is_empty() {
                match self.0.write(part) {
                    Ok(0) | Err(_) => return Ok(done),
                    Ok(n) => {
                        done += n;
                        part = &part[n..];
                    }
                }
            }
        }
        Ok(done)
    }
    fn stat(&mut self) -> Result<Stat> {
        Ok(stream_stat(FileType::Unknown))
    }
    fn sync(&mut self) -> Result<()> {
        Ok(self.0.flush()?)
    }
    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        Ok(None)
    }
}

fn stream_stat(filetype: FileType) -> Stat {
    Stat {
        filetype,
        nlink: 1,
        ..Stat::default()
    }
}

/// One of the host process's own stdio streams, duplicated (`dup(2)`) so
/// the guest's writes go straight to the host's fd with one `writev`.
/// Reported as a character device when it is a terminal, else as a stream
/// of unknown type (a pipe or a redirected file).
#[derive(Debug)]
pub struct HostStream {
    file: std::fs::File,
    tty: bool,
    readable: bool,
}

impl HostStream {
    /// The host's stdin.
    pub fn stdin() -> std::io::Result<Self> {
        let s = std::io::stdin();
        Ok(HostStream {
            tty: s.is_terminal(),
            file: std::fs::File::from(s.as_fd().try_clone_to_owned()?),
            readable: true,
        })
    }

    /// Reads from a host descriptor (a pipe's read end, a socket, a file)
    /// with `read(2)`. Unlike a plain `Read`, it can tell whether data is
    /// waiting (`poll(2)`), so an async driver suspends a guest reading it
    /// instead of blocking its thread.
    pub fn reader(fd: impl Into<std::os::fd::OwnedFd>) -> Self {
        let file = std::fs::File::from(fd.into());
        HostStream {
            tty: file.is_terminal(),
            file,
            readable: true,
        }
    }

    /// The host's stdout.
    pub fn stdout() -> std::io::Result<Self> {
        let s = std::io::stdout();
        Ok(HostStream {
            tty: s.is_terminal(),
            file: std::fs::File::from(s.as_fd().try_clone_to_owned()?),
            readable: false,
        })
    }

    /// The host's stderr.
    pub fn stderr() -> std::io::Result<Self> {
        let s = std::io::stderr();
        Ok(HostStream {
            tty: s.is_terminal(),
            file: std::fs::File::from(s.as_fd().try_clone_to_owned()?),
            readable: false,
        })
    }
}

impl File for HostStream {
    fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> Result<usize> {
        if !self.readable {
            return Err(Errno::Badf);
        }
        Ok(self.file.read_vectored(bufs)?)
    }
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> Result<usize> {
        if self.readable {
            return Err(Errno::Badf);
        }
        Ok(self.file.write_vectored(bufs)?)
    }
    fn stat(&mut self) -> Result<Stat> {
        Ok(stream_stat(if self.tty {
            FileType::CharacterDevice
        } else {
            FileType::Unknown
        }))
    }
    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        if !self.readable {
            return Ok(None);
        }
        use rustix::event::{poll, PollFd, PollFlags};
        let mut fds = [PollFd::new(&self.file, PollFlags::IN)];
        let zero = rustix::event::Timespec { tv_sec: 0, tv_nsec: 0 };
        match poll(&mut fds, Some(&zero)) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(0)),
            Err(e) => Err(std::io::Error::from(e).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer with `Write`'s default `write_vectored` (first buffer
    /// only) that takes at most 3 bytes a call.
    struct Dribble(Vec<u8>);

    impl Write for Dribble {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            let n = b.len().min(3);
            self.0.extend_from_slice(&b[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stream_takes_every_buffer_from_a_writer_that_takes_one() {
        let mut s = WriteStream(Dribble(Vec::new()));
        let bufs = [IoSlice::new(b"hello "), IoSlice::new(b""), IoSlice::new(b"world")];
        assert_eq!(s.write_vectored(&bufs).unwrap(), 11);
        assert_eq!(s.0 .0, b"hello world");
    }
}

/// A shared, growable byte buffer to capture a guest's stdout or stderr.
/// Clones share the same bytes.
#[derive(Clone, Debug, Default)]
pub struct OutputBuffer(Arc<Mutex<Vec<u8>>>);

impl OutputBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Everything written so far, as (lossy) UTF-8.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.contents()).into_owned()
    }
}

impl Write for OutputBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut v = self.0.lock().unwrap_or_else(|e| e.into_inner());
        v.try_reserve(buf.len())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
        v.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> std::io::Result<usize> {
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let mut v = self.0.lock().unwrap_or_else(|e| e.into_inner());
        v.try_reserve(total)
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
        for b in bufs {
            v.extend_from_slice(b);
        }
        Ok(total)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
