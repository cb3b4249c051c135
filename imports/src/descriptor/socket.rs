//! Sockets in the descriptor table: listening sockets handed to a guest
//! ([`Listener`], [`OpenListener`]) and connected TCP streams as open
//! files ([`TcpSocket`]).

use super::access::FdFlags;
use crate::errno::{Errno, Result};
use crate::fs::{File, FileType};
use std::fmt;
use std::net::{TcpListener, TcpStream};

/// A listening socket handed to a guest (WASI `sock_accept`): TCP by
/// default, or anything an embedder implements (an in-process pipe, a
/// Unix socket...).
pub trait Listener: Send + fmt::Debug {
    /// Accepts one connection as an open stream. Nothing pending in
    /// non-blocking mode: `EAGAIN`.
    fn accept(&mut self) -> Result<Box<dyn File>>;
    /// Switches non-blocking mode.
    fn set_nonblocking(&mut self, on: bool) -> Result<()>;
}

impl Listener for TcpListener {
    fn accept(&mut self) -> Result<Box<dyn File>> {
        let (stream, _) = TcpListener::accept(self)?;
        // Accepted sockets start blocking whatever the listener's mode.
        stream.set_nonblocking(false)?;
        Ok(Box::new(TcpSocket(stream)))
    }
    fn set_nonblocking(&mut self, on: bool) -> Result<()> {
        Ok(TcpListener::set_nonblocking(self, on)?)
    }
}

/// A listening socket in the descriptor table.
#[derive(Debug)]
pub struct OpenListener {
    /// The socket.
    pub listener: Box<dyn Listener>,
    /// Flags (`NONBLOCK` makes `sock_accept` return `EAGAIN`).
    pub flags: FdFlags,
}

/// A connected TCP stream as an open file (`sock_recv`/`sock_send`, and
/// `fd_read`/`fd_write` as on POSIX).
#[derive(Debug)]
pub struct TcpSocket(pub TcpStream);

impl File for TcpSocket {
    fn read_vectored(&mut self, bufs: &mut [std::io::IoSliceMut<'_>]) -> Result<usize> {
        use std::io::Read;
        Ok(self.0.read_vectored(bufs)?)
    }
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> Result<usize> {
        use std::io::Write;
        Ok(self.0.write_vectored(bufs)?)
    }
    fn stat(&mut self) -> Result<crate::fs::Stat> {
        Ok(crate::fs::Stat {
            filetype: FileType::SocketStream,
            nlink: 1,
            ..Default::default()
        })
    }
    fn bytes_readable(&mut self) -> Result<Option<u64>> {
        let mut b = [0u8; 1];
        self.0.set_nonblocking(true)?;
        let r = self.0.peek(&mut b);
        self.0.set_nonblocking(false)?;
        match r {
            Ok(_) => Ok(Some(0)),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(None),
            Err(_) => Ok(Some(0)),
        }
    }
    fn peek(&mut self, buf: &mut [u8]) -> Result<usize> {
        Ok(self.0.peek(buf)?)
    }
    fn set_nonblocking(&mut self, on: bool) -> Result<()> {
        Ok(self.0.set_nonblocking(on)?)
    }
    fn shutdown(&mut self, read: bool, write: bool) -> Result<()> {
        use std::net::Shutdown;
        let how = match (read, write) {
            (true, true) => Shutdown::Both,
            (true, false) => Shutdown::Read,
            (false, true) => Shutdown::Write,
            (false, false) => return Err(Errno::Inval),
        };
        Ok(self.0.shutdown(how)?)
    }
}
