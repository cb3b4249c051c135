//! One guest's world shared by its threads (the wasi-threads proposal:
//! every thread is an instance of its own, in a store of its own, on an OS
//! thread of its own, over one shared memory).
//!
//! The threads of a guest see one descriptor table, one set of mounts,
//! one stdio, one clock and random source: one [`Host`]. It lives in a
//! [`SharedHost`]; each thread's environment holds a stand-in `Host`,
//! and every host function of a threaded guest is wrapped ([`locked`]) so
//! that, for the length of the call, the shared `Host` is swapped into
//! the thread's environment under one lock, and swapped back before the
//! call returns to the guest. So host functions stay written for one
//! `Host`, no lock is held while guest code runs, and a guest that never
//! spawns is never wrapped: its calls take no lock at all. The memory
//! stays each thread's own handle (they all view the one shared memory).

use crate::host::Host;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionEnvMut, RuntimeError, Value};

/// The `Host` every thread of one guest works on, and whether the guest
/// has ended (an exit or a trap in any thread).
#[derive(Debug)]
pub struct SharedHost {
    host: Mutex<Host>,
    ended: AtomicBool,
}

impl SharedHost {
    /// Shares `host` (its memory is dropped: each thread binds its own).
    pub fn new(mut host: Host) -> Arc<SharedHost> {
        host.memory = None;
        Arc::new(SharedHost {
            host: Mutex::new(host),
            ended: AtomicBool::new(false),
        })
    }

    /// Marks the guest ended: every host call from now on, in any thread,
    /// is a trap, so threads still running stop at their next call.
    pub fn end(&self) {
        self.ended.store(true, Ordering::SeqCst);
    }

    /// Whether [`Self::end`] was called.
    pub fn ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
    }

    /// Runs `f` on the shared host, under the lock: for a thread's set-up
    /// (its stand-in takes the shared clocks), and for inspection.
    pub fn with<R>(&self, f: impl FnOnce(&mut Host) -> R) -> R {
        f(&mut self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Host> {
        // A host function does not panic on guest input; should one have
        // panicked anyway, the world it left is still the best there is.
        self.host.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Swaps `a` and `b` but for their memories, which stay where they were.
fn swap_world(a: &mut Host, b: &mut Host) {
    std::mem::swap(a, b);
    std::mem::swap(&mut a.memory, &mut b.memory);
}

/// `inner` (a host function over `env`), run with the shared world
/// swapped into the thread's environment under `shared`'s lock. After
/// the guest ended, a trap.
pub fn locked(
    store: &mut impl AsStoreMut, env: &FunctionEnv<Host>, shared: Arc<SharedHost>, inner: Function,
) -> Function {
    locked_unless(store, env, shared, inner, |_, _| false)
}

/// Says of one call (its context and arguments) whether it needs nothing
/// of the shared world but what every thread's stand-in `Host` shares
/// (the clocks), so it may run without the lock: a sleep, which must not
/// stop the other threads' calls while it waits.
pub type Unshared = fn(&mut FunctionEnvMut<'_, Host>, &[Value]) -> bool;

/// [`locked`], but a call `unshared` says needs no shared state runs on
/// the thread's stand-in `Host`, without the lock.
pub fn locked_unless(
    store: &mut impl AsStoreMut, env: &FunctionEnv<Host>, shared: Arc<SharedHost>, inner: Function, unshared: Unshared,
) -> Function {
    let ty = inner.ty(store);
    Function::new_with_env(
        store,
        env,
        ty,
        move |mut ctx: FunctionEnvMut<'_, Host>, args: &[Value]| {
            if shared.ended() {
                return Err(RuntimeError::new(
                    "the guest has ended (another thread exited or trapped)",
                ));
            }
            if unshared(&mut ctx, args) {
                return inner.call(&mut ctx, args).map(|values| values.into_vec());
            }
            let mut world = shared.lock();
            swap_world(ctx.data_mut(), &mut world);
            let result = inner.call(&mut ctx, args);
            swap_world(ctx.data_mut(), &mut world);
            result.map(|values| values.into_vec())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ModuleConfig;

    #[test]
    fn the_shared_world_is_swapped_in_and_out_but_memory_stays() {
        let shared = SharedHost::new(ModuleConfig::new().arg("shared").build().unwrap());
        let mut local = ModuleConfig::new().arg("local").build().unwrap();
        let mut world = shared.lock();
        swap_world(&mut local, &mut world);
        assert_eq!(local.args, ["shared"]);
        swap_world(&mut local, &mut world);
        assert_eq!(local.args, ["local"]);
        assert_eq!(world.args, ["shared"]);
        drop(world);
        assert!(!shared.ended());
        shared.end();
        assert!(shared.ended());
    }
}
