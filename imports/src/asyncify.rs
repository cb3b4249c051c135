//! Suspending a guest in a blocking host call and resuming it later, for
//! modules transformed with Binaryen's Asyncify (`wasm-opt --asyncify`).
//!
//! An async driver ([`drive`]) calls the guest's entry point. When a host
//! call would block (a sleep in `poll_oneoff`, `sched_yield`, a read with
//! no data yet) and the guest can be suspended, the host function records
//! what it waits for ([`Wait`]), starts an unwind
//! (`asyncify_start_unwind`) and returns; the guest's instrumented code
//! saves its call stack into the unwind buffer and returns from the entry
//! point. The driver then awaits the wait without blocking its thread,
//! starts a rewind (`asyncify_start_rewind`) and calls the entry point
//! again; the guest restores its stack and calls the same import again,
//! which ends the rewind ([`resume_point`]) and finishes the call, now
//! without blocking. The protocol and the buffer's header (`{u32 stack
//! position, u32 stack end}`, growing up) are Binaryen's:
//! `src/passes/Asyncify.cpp` and its documentation.
//!
//! The unwind buffer comes from, in this order: a memory of its own the
//! module exports (multi-memory Asyncify: `asyncify_unwind_stack_memory_heap`,
//! or binaryen's name `asyncify_memory`); the guest's
//! `asyncify_malloc_buffer(size)` (and `asyncify_free_buffer(addr, size)`
//! if exported); its `malloc`/`free`; else pages the host adds at the end
//! of its memory (`memory.grow`, so the guest's own allocator, which grows
//! memory the same way, never hands them out).

pub(crate) mod state;

use crate::errno::Errno;
use crate::host::{AsHost, Host};
use crate::limits::Deadline;
use state::{Free, Source};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use wasmer::{AsStoreMut, FunctionEnv, FunctionEnvMut, Memory, RuntimeError};

pub use state::{Asyncify, AsyncifyError, Step, Wait, BUFFER_MEMORY_NAMES, DEFAULT_BUFFER_SIZE};

/// How often a guest waiting to read a descriptor that cannot wake us is
/// looked at again.
const RECHECK: Duration = Duration::from_millis(1);

/// Runs a blocking host call written as attempts (`attempt(ctx, origin)`)
/// as a synchronous host function: when the guest is being rewound into
/// it, ends the rewind and passes the origin back; when the attempt says
/// to wait, suspends the guest ([`suspend`]). Without a driver an attempt
/// never waits (it blocks in place), so this is the plain call. Returns
/// the errno for the guest. Errors: a trap while suspending or resuming.
pub fn step<S: AsHost>(
    ctx: &mut FunctionEnvMut<'_, S>,
    attempt: impl FnOnce(&mut FunctionEnvMut<'_, S>, Option<u64>) -> Result<Step, RuntimeError>,
) -> Result<Errno, RuntimeError> {
    let origin = resume_point(ctx)?;
    match attempt(ctx, origin)? {
        Step::Done(e) => Ok(e),
        Step::Wait(wait, origin) => {
            suspend(ctx, wait, origin)?;
            Ok(Errno::Success)
        }
    }
}

/// Runs a blocking host call written as attempts as the body of an async
/// host function (wasmer's `experimental-async`: the guest, untransformed,
/// runs on a coroutine that yields while this awaits). Each attempt runs
/// under the store's lock; waits happen outside it. Returns the errno as
/// the guest's `i32`. Errors: a trap from an attempt.
pub async fn coroutine<S, F>(env: wasmer::AsyncFunctionEnvMut<S>, mut attempt: F) -> Result<i32, RuntimeError>
where
    S: AsHost,
    F: FnMut(&mut FunctionEnvMut<'_, S>, Option<u64>) -> Result<Step, RuntimeError>,
{
    let mut origin = None;
    loop {
        let step = {
            let mut handle = env.write().await;
            attempt(&mut handle.as_function_env_mut(), origin)?
        };
        let (wait, from) = match step {
            Step::Done(e) => return Ok(i32::from(e as u16)),
            Step::Wait(wait, from) => (wait, from),
        };
        origin = Some(from);
        let deadline = env.write().await.data_mut().host().limits.deadline;
        wait_out(wait, deadline, async |fd| {
            readable(env.write().await.data_mut().host_mut(), fd)
        })
        .await;
        if let Some(trap) = env.write().await.data_mut().host().time_up() {
            return Err(trap);
        }
    }
}

/// Waits out `wait` without blocking the thread, no later than
/// `deadline`; `readable(fd)` tells whether a descriptor has something
/// to read (asked again every [`RECHECK`]: a stream cannot wake us).
async fn wait_out(wait: Wait, deadline: Option<Deadline>, mut readable: impl AsyncFnMut(u32) -> bool) {
    let cut = |ns: u64| deadline.map_or(ns, |d| d.cut(ns));
    match wait {
        Wait::Sleep(ns) => sleep(cut(ns)).await,
        Wait::Yield => YieldNow(false).await,
        Wait::Readable(fd) => {
            while !readable(fd).await && !deadline.is_some_and(|d| d.passed()) {
                futures_timer::Delay::new(Duration::from_nanos(cut(RECHECK.as_nanos() as u64))).await;
            }
        }
    }
}

/// Where the buffer is, as `(memory, header address, size)`,
/// allocating it on first use.
fn buffer<S: AsHost>(ctx: &mut FunctionEnvMut<'_, S>) -> Result<(Memory, u32, u32), RuntimeError> {
    let host = ctx.data().host();
    let main = host
        .memory
        .clone()
        .ok_or_else(|| RuntimeError::new("no memory bound to suspend into"))?;
    let a = asyncify(host)?;
    let (source, data, size) = (a.source.clone(), a.data, a.size);
    let (memory, data, size) = match (&source, data) {
        (Source::Memory(m), _) => {
            let len = m.view(&*ctx).data_size();
            (m.clone(), 0, u32::try_from(len).unwrap_or(u32::MAX))
        }
        (_, Some(data)) => (main, data, size),
        (Source::Allocator { alloc, .. }, None) => {
            let addr = alloc.clone().call(ctx, size as i32)? as u32;
            if addr == 0 {
                return Err(RuntimeError::new(format!(
                    "the guest's allocator returned NULL for the {size}-byte Asyncify buffer"
                )));
            }
            (main, addr, size)
        }
        (Source::Reserve, None) => {
            let pages = size.div_ceil(wasmer::WASM_PAGE_SIZE as u32);
            let old = main
                .grow(ctx, pages)
                .map_err(|e| RuntimeError::new(format!("cannot reserve the Asyncify buffer: {e}")))?;
            let addr = u32::try_from(old.bytes().0)
                .map_err(|_| RuntimeError::new("cannot reserve the Asyncify buffer past 4 GiB"))?;
            (main, addr, pages * wasmer::WASM_PAGE_SIZE as u32)
        }
    };
    asyncify_mut(ctx.data_mut().host_mut())?.data = Some(data);
    Ok((memory, data, size))
}

fn asyncify(host: &Host) -> Result<&Asyncify, RuntimeError> {
    host.asyncify
        .as_ref()
        .ok_or_else(|| RuntimeError::new("the guest is not run by an Asyncify driver"))
}

fn asyncify_mut(host: &mut Host) -> Result<&mut Asyncify, RuntimeError> {
    host.asyncify
        .as_mut()
        .ok_or_else(|| RuntimeError::new("the guest is not run by an Asyncify driver"))
}

/// Whether a host call that would block should wait instead (return
/// [`Step::Wait`]): an async driver runs this guest, by Asyncify or on a
/// coroutine (`Host::coroutine`). (A sleep on a clock that does not block,
/// `Nanosleep::blocks`, need not wait.)
pub fn can_suspend(host: &Host) -> bool {
    host.asyncify.is_some() || host.coroutine
}

/// Call first in a host function that may suspend. While the guest is
/// being rewound into that call, ends the rewind (`asyncify_stop_rewind`)
/// and returns the origin [`suspend`] was given, so the call can finish
/// where it left off (a `poll_oneoff` keeps its start time). Otherwise
/// `None`. Errors: a trap in the guest's `asyncify_stop_rewind`.
pub fn resume_point<S: AsHost>(ctx: &mut FunctionEnvMut<'_, S>) -> Result<Option<u64>, RuntimeError> {
    let Some(a) = ctx.data_mut().host_mut().asyncify.as_mut() else {
        return Ok(None);
    };
    let Some(origin) = a.rewinding.take() else {
        return Ok(None);
    };
    let stop = a.stop_rewind.clone();
    guarded(ctx, |ctx| stop.call(ctx))?;
    Ok(Some(origin))
}

/// Runs `f`, which calls into the guest's Asyncify or allocator
/// functions, refusing a suspending call from inside it: a guest whose
/// `malloc` or `asyncify_start_unwind` calls `sched_yield` would otherwise
/// recurse through the host until the host's stack overflowed.
fn guarded<S: AsHost, R>(
    ctx: &mut FunctionEnvMut<'_, S>, f: impl FnOnce(&mut FunctionEnvMut<'_, S>) -> Result<R, RuntimeError>,
) -> Result<R, RuntimeError> {
    let a = asyncify_mut(ctx.data_mut().host_mut())?;
    if a.busy {
        return Err(RuntimeError::new(
            "a suspending call re-entered the host from inside the guest's Asyncify or allocator functions",
        ));
    }
    a.busy = true;
    let r = f(ctx);
    if let Some(a) = ctx.data_mut().host_mut().asyncify.as_mut() {
        a.busy = false;
    }
    r
}

/// Suspends the guest until `wait` is over: allocates the unwind buffer
/// on first use, resets its header and starts the unwind. The host
/// function must return at once after this; what it returns is not seen
/// (the guest unwinds) and it is called again on resumption, when
/// [`resume_point`] gives back `origin`. Errors: no driver, a failed
/// buffer allocation, a trap in the guest's Asyncify functions.
pub fn suspend<S: AsHost>(ctx: &mut FunctionEnvMut<'_, S>, wait: Wait, origin: u64) -> Result<(), RuntimeError> {
    guarded(ctx, |ctx| start_unwind(ctx, wait, origin))
}

fn start_unwind<S: AsHost>(ctx: &mut FunctionEnvMut<'_, S>, wait: Wait, origin: u64) -> Result<(), RuntimeError> {
    let (memory, data, size) = buffer(ctx)?;
    let start = data
        .checked_add(8)
        .ok_or_else(|| RuntimeError::new("Asyncify buffer at the end of memory"))?;
    let end = data.saturating_add(size);
    let mut header = [0u8; 8];
    header[..4].copy_from_slice(&start.to_le_bytes());
    header[4..].copy_from_slice(&end.to_le_bytes());
    memory
        .view(&*ctx)
        .write(u64::from(data), &header)
        .map_err(|e| RuntimeError::new(format!("cannot write the Asyncify buffer header: {e}")))?;
    let a = asyncify_mut(ctx.data_mut().host_mut())?;
    a.pending = Some((wait, origin));
    a.suspensions += 1;
    let start_unwind = a.start_unwind.clone();
    start_unwind.call(ctx, data as i32)
}

/// Runs a guest entry point through `call` until it finishes, awaiting
/// every suspension in between; the guest's environment `env` holds its
/// [`Asyncify`] state (`Host::asyncify`). Sleeps use a timer that needs no
/// particular executor (`futures-timer`); a read waits by checking the
/// descriptor again every millisecond. Returns what the last call
/// returned. Errors: the guest's trap; a trap while unwinding (most often
/// an unwind buffer too small for the guest's stack, reported as such).
pub async fn drive<S, R, F>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>, mut call: F) -> Result<R, RuntimeError>
where
    S: AsHost,
    F: FnMut(&mut wasmer::StoreMut<'_>) -> Result<R, RuntimeError>,
{
    loop {
        let result = call(&mut store.as_store_mut());
        let host = env.as_mut(store).host_mut();
        let Some(a) = host.asyncify.as_mut() else {
            return result;
        };
        let Some((wait, origin)) = a.pending.take() else {
            return result;
        };
        if let Err(e) = result {
            return Err(RuntimeError::new(format!(
                "the guest trapped while unwinding to suspend (is its {}-byte Asyncify buffer too small?): {e}",
                a.size
            )));
        }
        let (stop_unwind, start_rewind) = (a.stop_unwind.clone(), a.start_rewind.clone());
        let data = a.data.unwrap_or(0);
        stop_unwind.call(store)?;
        let deadline = deadline_of(store, env);
        wait_out(wait, deadline, async |fd| readable(env.as_mut(store).host_mut(), fd)).await;
        if let Some(trap) = env.as_mut(store).host().time_up() {
            return Err(trap);
        }
        asyncify_mut(env.as_mut(store).host_mut())?.rewinding = Some(origin);
        start_rewind.call(store, data as i32)?;
    }
}

/// The deadline of the guest in `env`, if it has a timeout.
pub(crate) fn deadline_of<S: AsHost>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>) -> Option<Deadline> {
    env.as_mut(store).host().limits.deadline
}

/// Frees the unwind buffer through the guest's allocator, if it came from
/// there; call once the guest has finished. Errors: a trap in the guest's
/// `free`.
pub fn release<S: AsHost>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>) -> Result<(), RuntimeError> {
    let Some(a) = env.as_mut(store).host_mut().asyncify.take() else {
        return Ok(());
    };
    match (a.source, a.data) {
        (
            Source::Allocator {
                free: Some(Free::Sized(f)),
                ..
            },
            Some(d),
        ) => f.call(store, d as i32, a.size as i32),
        (
            Source::Allocator {
                free: Some(Free::Plain(f)),
                ..
            },
            Some(d),
        ) => f.call(store, d as i32),
        _ => Ok(()),
    }
}

/// Whether a read from `fd` would not block: data, end of file or an
/// error (which the read will report) are all "readable".
fn readable(host: &mut Host, fd: u32) -> bool {
    match host.fds.get_mut(fd) {
        Ok(crate::descriptor::Descriptor::File(f)) => !matches!(f.file.bytes_readable(), Ok(None)),
        _ => true,
    }
}

/// Returns `Pending` once, waking itself: lets the executor run other
/// tasks before this one goes on.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Waits `ns` nanoseconds without blocking the thread (the timer of
/// [`drive`]; it needs no particular executor). For import sets whose
/// guests return to the host to wait (Go's event loop).
pub async fn sleep(ns: u64) {
    futures_timer::Delay::new(Duration::from_nanos(ns)).await
}

/// The output of `f` if it completes without waiting, polled once: how a
/// synchronous API runs an async sequence written once for both (with no
/// driver installed nothing suspends, so it completes). `None` if it
/// would have waited.
pub fn now<F: Future>(f: F) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(std::task::Waker::noop())) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}
