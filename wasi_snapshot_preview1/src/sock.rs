//! `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`: sockets the
//! embedder preopened (see `ModuleConfig::listener`). Preview1 cannot
//! create sockets; without a preopened one, every call is `EBADF` or
//! `ENOTSOCK`, as the specification says.

use crate::fs::io_file;
use crate::types::{riflags, sdflags};
use imports::descriptor::{Access, Descriptor, FdFlags, OpenFile};
use imports::fs::FileType;
use imports::{with_memory, AsHost, Errno, GuestMemory};
use wasmer::FunctionEnvMut;

/// `sock_accept(fd, flags) -> fd`: accepts a connection on the listening
/// socket `fd` as a new descriptor (`flags` may hold `NONBLOCK`). Errors:
/// `EBADF`, `ENOTSOCK` (not a listener), `EAGAIN` (non-blocking and
/// nothing pending), `EINVAL` (bad flags), `EFAULT`.
pub fn sock_accept<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, flags: u32, new_fd: u32) -> Result<(), Errno> {
    if flags & !u32::from(FdFlags::NONBLOCK.0) != 0 {
        return Err(Errno::Inval);
    }
    with_memory(&mut ctx, |s, mem| {
        let h = s.host_mut();
        let mut file = match h.fds.get_mut(fd)? {
            Descriptor::Listener(l) => l.listener.accept()?,
            _ => return Err(Errno::Notsock),
        };
        file.set_nonblocking(flags != 0)?;
        let d = Descriptor::File(OpenFile {
            file,
            filetype: FileType::SocketStream,
            access: Access::READ_WRITE,
            flags: FdFlags(flags as u16),
        });
        let n = h.fds.insert(d)?;
        mem.write_u32(new_fd, n)
    })
}

/// `sock_recv(fd, ri_data, ri_data_len, ri_flags) -> (ro_datalen,
/// ro_flags)`: receives into the buffers. `RECV_PEEK` leaves the data
/// queued; `RECV_WAITALL` waits until the buffers are full or the peer
/// closes. Errors: `EBADF`, `ENOTSOCK`, `EINVAL` (unknown flags),
/// `EFAULT`, `EAGAIN`, `ECONNRESET`.
pub fn sock_recv<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32,
    ro_flags: u32,
) -> Result<(), Errno> {
    if ri_flags & !(riflags::RECV_PEEK | riflags::RECV_WAITALL) != 0 {
        return Err(Errno::Inval);
    }
    with_memory(&mut ctx, |s, mem| {
        let f = socket(s.host_mut(), fd, Access::READ)?;
        let n = if ri_flags & riflags::RECV_PEEK != 0 {
            peek(f, mem, ri_data, ri_data_len)?
        } else if ri_flags & riflags::RECV_WAITALL != 0 {
            recv_all(f, mem, ri_data, ri_data_len)?
        } else {
            mem.scatter(ri_data, ri_data_len, |bufs| f.file.read_vectored(bufs))?
        };
        mem.write_u32(ro_datalen, n as u32)?;
        mem.write_u16(ro_flags, 0)
    })
}

/// `RECV_PEEK`: fills the first non-empty buffer only, leaving the data
/// queued.
fn peek(f: &mut OpenFile, mem: &mut GuestMemory<'_>, iovs: u32, iovs_len: u32) -> Result<usize, Errno> {
    for i in 0..iovs_len {
        let v = mem.iovec(iovs, i)?;
        if v.len > 0 {
            return f.file.peek(mem.slice_mut(v.buf, v.len)?);
        }
    }
    Ok(0)
}

/// `RECV_WAITALL`: reads until the buffers are full or the peer closes.
fn recv_all(f: &mut OpenFile, mem: &mut GuestMemory<'_>, iovs: u32, iovs_len: u32) -> Result<usize, Errno> {
    let mut total = 0usize;
    loop {
        let n = mem.scatter(iovs, iovs_len, |bufs| {
            let mut rest = past(bufs, total);
            if rest.is_empty() {
                return Ok(0);
            }
            f.file.read_vectored(&mut rest)
        })?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
    }
}

/// The parts of `bufs` after the first `skip` bytes, which earlier rounds
/// filled.
fn past<'a>(bufs: &'a mut [std::io::IoSliceMut<'_>], mut skip: usize) -> Vec<std::io::IoSliceMut<'a>> {
    let mut rest = Vec::new();
    for b in bufs.iter_mut() {
        if skip >= b.len() {
            skip -= b.len();
            continue;
        }
        rest.push(std::io::IoSliceMut::new(&mut b[skip..]));
        skip = 0;
    }
    rest
}

/// `sock_send(fd, si_data, si_data_len, si_flags) -> so_datalen`: sends
/// the gathered buffers. Errors: `EBADF`, `ENOTSOCK`, `EINVAL` (flags
/// other than 0), `EFAULT`, `EPIPE`.
pub fn sock_send<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32,
) -> Result<(), Errno> {
    if si_flags != 0 {
        return Err(Errno::Inval);
    }
    with_memory(&mut ctx, |s, mem| {
        let f = socket(s.host_mut(), fd, Access::WRITE)?;
        let n = mem.gather(si_data, si_data_len, |bufs| f.file.write_vectored(bufs))?;
        mem.write_u32(so_datalen, n as u32)
    })
}

/// `sock_shutdown(fd, how)`: shuts down reads (`RD`), writes (`WR`) or both.
/// Errors: `EBADF`, `ENOTSOCK` (not a socket), `EINVAL` (`how` empty or
/// unknown), `ENOTCONN`.
pub fn sock_shutdown<S: AsHost>(mut ctx: FunctionEnvMut<'_, S>, fd: u32, how: u32) -> Result<(), Errno> {
    let f = match ctx.data_mut().host_mut().fds.get_mut(fd)? {
        Descriptor::File(f) if f.filetype == FileType::SocketStream => f,
        Descriptor::Listener(_) => return Err(Errno::Notconn),
        _ => return Err(Errno::Notsock),
    };
    if how == 0 || how & !(sdflags::RD | sdflags::WR) != 0 {
        return Err(Errno::Inval);
    }
    f.file.shutdown(how & sdflags::RD != 0, how & sdflags::WR != 0)
}

fn socket(h: &mut imports::Host, fd: u32, needed: Access) -> Result<&mut OpenFile, Errno> {
    match h.fds.get(fd)? {
        Descriptor::File(f) if f.filetype == FileType::SocketStream => {}
        _ => return Err(Errno::Notsock),
    }
    io_file(&mut h.fds, fd, needed)
}
