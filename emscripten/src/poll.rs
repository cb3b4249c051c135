//! `__syscall_pipe2`, `__syscall_poll` and `__syscall_poll_nonblocking`
//! (emcc 6.x; `src/lib/libsyscall.js`) over the core's in-process pipes
//! and readiness ([`imports::posix::pipe`]).

use crate::syscall::{neg, sys, sys0};
use crate::Ctx;
use imports::descriptor::FdFlags;
use imports::posix::linux::{O_CLOEXEC, O_NONBLOCK};
use imports::posix::pipe::{self, poll_one};
use imports::{Errno, GuestMemory};
use wasmer::RuntimeError;

/// `struct pollfd`: i32 `fd`, i16 `events`, i16 `revents`.
const POLLFD_SIZE: u32 = 8;
/// How often a waiting `poll` looks again, in ns.
const POLL_SLICE_NS: u64 = 10_000_000;

/// `__syscall_pipe2(fds, flags)`: a new pipe, its read end in `fds[0]`
/// and its write end in `fds[1]`. Errors: `EFAULT` (null `fds`),
/// `ENOTSUP` (flags other than `O_CLOEXEC`, `O_NONBLOCK`, as the glue),
/// `EMFILE`.
pub fn pipe2(mut ctx: Ctx<'_>, fds: u32, flags: i32) -> i32 {
    sys0(&mut ctx, |env, mem| {
        if fds == 0 {
            return Err(Errno::Fault);
        }
        if flags & !(O_CLOEXEC | O_NONBLOCK) != 0 {
            return Err(Errno::Notsup);
        }
        mem.slice(fds, 8)?;
        let fl = if flags & O_NONBLOCK != 0 {
            FdFlags::NONBLOCK
        } else {
            FdFlags(0)
        };
        let (r, w) = pipe::pipe(&mut env.host.fds, fl)?;
        mem.write_u32(fds, r)?;
        mem.write_u32(fds + 4, w)
    })
}

/// `__syscall_pipe(fds)` (emcc before 4.0): `pipe2(fds, 0)`.
pub fn pipe(ctx: Ctx<'_>, fds: u32) -> i32 {
    pipe2(ctx, fds, 0)
}

/// One pass over the `nfds` records at `fds`: sets each `revents`,
/// returns how many are non-zero. Errors: `EFAULT`, `EINVAL` (more
/// records than fit in memory).
fn poll_pass(env: &mut crate::EmEnv, mem: &mut GuestMemory<'_>, fds: u32, nfds: u32) -> Result<i32, Errno> {
    let len = nfds.checked_mul(POLLFD_SIZE).ok_or(Errno::Inval)?;
    mem.slice(fds, len)?;
    let mut ready = 0;
    for i in 0..nfds {
        let at = fds + i * POLLFD_SIZE;
        let fd = mem.read_u32(at)? as i32;
        let events = mem.read_u16(at + 4)?;
        let revents = match fd {
            fd if fd < 0 => 0,
            fd => poll_one(&mut env.host.fds, fd as u32, events),
        };
        mem.write_u16(at + 6, revents)?;
        ready += i32::from(revents != 0);
    }
    Ok(ready)
}

/// `__syscall_poll_nonblocking(fds, nfds) -> ready`: one look at each
/// descriptor ([`poll_one`]: `POLLIN`, `POLLOUT`, `POLLNVAL`; a negative
/// `fd` is skipped). Errors: `EFAULT`, `EINVAL`.
pub fn poll_nonblocking(mut ctx: Ctx<'_>, fds: u32, nfds: i32) -> i32 {
    let nfds = match u32::try_from(nfds) {
        Ok(n) => n,
        Err(_) => return neg(Errno::Inval),
    };
    sys(&mut ctx, |env, mem| poll_pass(env, mem, fds, nfds))
}

/// `__syscall_poll(fds, nfds, timeout_ms) -> ready`: as
/// [`poll_nonblocking`], looking again every 10 ms while nothing is ready
/// and `timeout_ms` has not passed. A negative timeout does not wait
/// forever: one look, as the glue's synchronous `poll` (which ignores
/// every timeout) answers (RATIONALE.md, "Pipes never block"). Errors:
/// the guest's timeout ([`imports::TimedOut`]) once its time is up, so a
/// guest polling in a loop stops there.
pub fn poll(mut ctx: Ctx<'_>, fds: u32, nfds: i32, timeout: i32) -> Result<i32, RuntimeError> {
    let mut left = u64::try_from(timeout).unwrap_or(0) * 1_000_000;
    loop {
        if let Some(trap) = ctx.data().host.time_up() {
            return Err(trap);
        }
        let n = poll_nonblocking(ctx.as_mut(), fds, nfds);
        if n != 0 || left == 0 {
            return Ok(n);
        }
        // A clock that does not block (a deterministic run's) passes the
        // whole wait at once: nothing can become ready meanwhile.
        let sleeper = ctx.data().host.nanosleep.clone();
        let slice = if sleeper.blocks() {
            left.min(POLL_SLICE_NS)
        } else {
            left
        };
        sleeper.nanosleep(slice);
        left -= slice;
    }
}
