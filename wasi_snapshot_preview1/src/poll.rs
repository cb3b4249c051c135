//! `poll_oneoff`: waiting for clocks and descriptor readiness.

use crate::clock::now;
use crate::types::{clockid, eventtype, Layout, SubscriptionLayout, EVENT_SIZE, SUBSCRIPTION_CLOCK_ABSTIME};
use imports::asyncify::{self, Step, Wait};
use imports::descriptor::{Access, Descriptor};
use imports::{with_memory, AsHost, Errno, GuestMemory, Host};
use wasmer::{FunctionEnvMut, RuntimeError};

/// How long to wait between readiness checks when a descriptor is not
/// ready and no clock fires sooner.
const RECHECK_NS: u64 = 1_000_000;

/// One subscription, as read from guest memory.
enum Sub {
    /// Fires at `deadline` on the monotonic clock (ns).
    Clock { deadline: u64 },
    /// A clock subscription with an invalid clock id.
    BadClock,
    /// Descriptor readiness.
    Fd { fd: u32, write: bool },
}

fn read_sub(
    host: &Host, mem: &GuestMemory<'_>, layout: &SubscriptionLayout, at: u32, start: u64,
) -> Result<(u64, Sub), Errno> {
    let userdata = mem.read_u64(at)?;
    let tag = mem.read_u8(at + 8)?;
    let sub = match tag {
        eventtype::CLOCK => {
            let id = mem.read_u32(at + layout.clock_id)?;
            let timeout = mem.read_u64(at + layout.clock_id + 8)?;
            let flags = mem.read_u16(at + layout.clock_id + 24)?;
            let abs = flags & SUBSCRIPTION_CLOCK_ABSTIME != 0;
            match id {
                clockid::REALTIME | clockid::MONOTONIC => {
                    // Convert to a deadline on the monotonic clock, read once
                    // per call (`start`) so all subscriptions agree.
                    let rel = if abs {
                        let t = if id == clockid::REALTIME {
                            host.walltime.walltime()
                        } else {
                            start
                        };
                        timeout.saturating_sub(t)
                    } else {
                        timeout
                    };
                    Sub::Clock {
                        deadline: start.saturating_add(rel),
                    }
                }
                clockid::PROCESS_CPUTIME_ID | clockid::THREAD_CPUTIME_ID => {
                    // CPU time does not advance while we sleep: treat the
                    // timeout as elapsed time, the only finite reading.
                    let rel = if abs {
                        timeout.saturating_sub(now(host, id)?)
                    } else {
                        timeout
                    };
                    Sub::Clock {
                        deadline: start.saturating_add(rel),
                    }
                }
                _ => Sub::BadClock,
            }
        }
        eventtype::FD_READ | eventtype::FD_WRITE => Sub::Fd {
            fd: mem.read_u32(at + 16)?,
            write: tag == eventtype::FD_WRITE,
        },
        _ => return Err(Errno::Inval),
    };
    Ok((userdata, sub))
}

/// Readiness of a descriptor: `Ok(Some(nbytes))` ready, `Ok(None)` not
/// yet, `Err` an event with that error.
fn fd_ready(host: &mut Host, fd: u32, write: bool) -> Result<Option<u64>, Errno> {
    match host.fds.get_mut(fd)? {
        Descriptor::File(f) => {
            // Waiting to read a write-only descriptor (or the reverse) would
            // wait forever: it fires at once with EBADF, as read/write would.
            let needed = if write { Access::WRITE } else { Access::READ };
            if !f.access.covers(needed) {
                return Err(Errno::Badf);
            }
            if write {
                Ok(f.file.is_writable().then_some(0))
            } else {
                f.file.bytes_readable()
            }
        }
        Descriptor::Dir(_) => Err(Errno::Isdir),
        Descriptor::Listener(_) => Ok(Some(0)),
    }
}

fn write_event(
    mem: &mut GuestMemory<'_>, at: u32, userdata: u64, error: Errno, kind: u8, nbytes: u64,
) -> Result<(), Errno> {
    let b = mem.slice_mut(at, EVENT_SIZE)?;
    b.fill(0);
    b[0..8].copy_from_slice(&userdata.to_le_bytes());
    b[8..10].copy_from_slice(&(error as u16).to_le_bytes());
    b[10] = kind;
    b[16..24].copy_from_slice(&nbytes.to_le_bytes());
    Ok(())
}

/// The subscription array of one `poll_oneoff` call.
struct Subs<'l> {
    layout: &'l SubscriptionLayout,
    at: u32,
    n: u32,
}

impl Subs<'_> {
    /// Address of subscription `i`.
    fn addr(&self, i: u32) -> u32 {
        self.at + i * self.layout.size
    }
}

/// Pass 1: `None` when some subscription fires now, else how long to
/// wait before looking again (at most [`RECHECK_NS`] while a descriptor
/// is not ready, since readiness comes without notice).
fn scan(h: &mut Host, mem: &GuestMemory<'_>, subs: &Subs<'_>, start: u64) -> Result<Option<u64>, Errno> {
    let now = h.nanotime.nanotime();
    let (mut fired, mut waiting_on_fd, mut next) = (false, false, None::<u64>);
    // Every subscription is read, even after one fired: a bad one fails
    // the call before any event is written.
    for i in 0..subs.n {
        match read_sub(h, mem, subs.layout, subs.addr(i), start)?.1 {
            Sub::Clock { deadline } if deadline <= now => fired = true,
            Sub::Clock { deadline } => next = Some(next.map_or(deadline, |n| n.min(deadline))),
            Sub::BadClock => fired = true,
            Sub::Fd { fd, write } => match fd_ready(h, fd, write) {
                Ok(None) => waiting_on_fd = true,
                _ => fired = true,
            },
        }
    }
    Ok((!fired).then(|| match next {
        Some(d) if waiting_on_fd => (d - now).min(RECHECK_NS),
        Some(d) => d - now,
        None => RECHECK_NS,
    }))
}

/// Pass 2: writes an event at `events` for each subscription that fired;
/// returns how many.
fn write_events(
    h: &mut Host, mem: &mut GuestMemory<'_>, subs: &Subs<'_>, start: u64, events: u32,
) -> Result<u32, Errno> {
    let now = h.nanotime.nanotime();
    let mut n = 0u32;
    for i in 0..subs.n {
        let (userdata, sub) = read_sub(h, mem, subs.layout, subs.addr(i), start)?;
        let out = events + n * EVENT_SIZE;
        let (error, kind, nbytes) = match sub {
            Sub::Clock { deadline } if deadline <= now => (Errno::Success, eventtype::CLOCK, 0),
            Sub::Clock { .. } => continue,
            Sub::BadClock => (Errno::Inval, eventtype::CLOCK, 0),
            Sub::Fd { fd, write } => {
                let kind = if write { eventtype::FD_WRITE } else { eventtype::FD_READ };
                match fd_ready(h, fd, write) {
                    Ok(None) => continue,
                    Ok(Some(nbytes)) => (Errno::Success, kind, nbytes),
                    Err(e) => (e, kind, 0),
                }
            }
        };
        write_event(mem, out, userdata, error, kind, nbytes)?;
        n += 1;
    }
    Ok(n)
}

/// `poll_oneoff(in, out, nsubscriptions) -> nevents`: waits until at
/// least one subscription fires, then writes an event for every one that
/// has: clocks (realtime or monotonic, relative or absolute; CPU-time
/// clocks count elapsed time) whose time has come, and descriptors ready
/// for reading (`nbytes` = bytes available where known) or writing.
/// Invalid clocks and bad descriptors fire at once as events carrying
/// their error (`EINVAL`, `EBADF`, `ENOTCAPABLE`), as the specification
/// says. Sleeping uses the guest's `Nanosleep` (deterministic mode does not
/// block). Under an async driver of an Asyncify guest, a wait suspends
/// the guest instead of blocking the thread ([`imports::asyncify`]), and
/// the resumed call keeps its start time. Errors: `EINVAL` (no
/// subscriptions, unknown event type), `EFAULT`; a trap if suspending
/// fails.
pub fn poll_oneoff<S: AsHost, L: Layout>(
    ctx: FunctionEnvMut<'_, S>, subscriptions: u32, events: u32, nsubscriptions: u32, nevents: u32,
) -> Result<Errno, RuntimeError> {
    poll(ctx, &L::SUBSCRIPTION, subscriptions, events, nsubscriptions, nevents)
}

/// `poll_oneoff` for a given subscription layout, as a synchronous host
/// function (an Asyncify guest suspends in it; [`asyncify::step`]).
pub(crate) fn poll<S: AsHost>(
    mut ctx: FunctionEnvMut<'_, S>, layout: &SubscriptionLayout, subscriptions: u32, events: u32, nsubscriptions: u32,
    nevents: u32,
) -> Result<Errno, RuntimeError> {
    asyncify::step(&mut ctx, |ctx, origin| {
        poll_step(ctx, layout, subscriptions, events, nsubscriptions, nevents, origin)
    })
}

/// One attempt at `poll_oneoff`: finishes, or (when the guest can be
/// suspended) says how long to wait, with the call's start time as the
/// origin to resume from, so relative timeouts keep counting from the
/// first attempt.
pub(crate) fn poll_step<S: AsHost>(
    ctx: &mut FunctionEnvMut<'_, S>, layout: &SubscriptionLayout, subscriptions: u32, events: u32, nsubscriptions: u32,
    nevents: u32, origin: Option<u64>,
) -> Result<Step, RuntimeError> {
    if nsubscriptions == 0 {
        return Ok(Step::Done(Errno::Inval));
    }
    let step = with_memory(ctx, |s, mem| {
        let h = s.host_mut();
        let subs = Subs {
            layout,
            at: subscriptions,
            n: nsubscriptions,
        };
        mem.slice(
            subscriptions,
            nsubscriptions.checked_mul(layout.size).ok_or(Errno::Fault)?,
        )?;
        mem.slice(events, nsubscriptions.checked_mul(EVENT_SIZE).ok_or(Errno::Fault)?)?;
        mem.write_u32(nevents, 0)?;
        let start = origin.unwrap_or_else(|| h.nanotime.nanotime());
        loop {
            if let Some(wait) = scan(h, mem, &subs, start)? {
                if asyncify::can_suspend(h) && h.nanosleep.blocks() {
                    return Ok(Some((wait, start)));
                }
                if h.time_up().is_some() {
                    return Err(Errno::Intr);
                }
                h.nanosleep.nanosleep(wait);
                continue;
            }
            // Readiness may change between the passes: then wait again.
            let n = write_events(h, mem, &subs, start, events)?;
            if n > 0 {
                mem.write_u32(nevents, n)?;
                return Ok(None);
            }
        }
    });
    if let Some(trap) = ctx.data().host().time_up() {
        return Err(trap);
    }
    Ok(match step {
        Ok(None) => Step::Done(Errno::Success),
        Ok(Some((wait, start))) => Step::Wait(Wait::Sleep(wait), start),
        Err(e) => Step::Done(e),
    })
}
