//! A guest's Asyncify exports and suspension state: what the host keeps
//! between the calls of a suspension (the protocol is the parent
//! module's). Kept apart from the driver, which works on the host this
//! state lives in.

use thiserror::Error;
use wasmer::{AsStoreRef, Instance, Memory, TypedFunction};

/// Size of the unwind buffer unless the embedder chooses one: enough for
/// the saved locals of deep C and Rust call stacks.
pub const DEFAULT_BUFFER_SIZE: u32 = 16 * 1024;

/// Names a module may export its own Asyncify memory under: the one
/// wasmer-imports documents, and the one `wasm-opt
/// --pass-arg=asyncify-in-secondary-memory` creates (and does not export;
/// it must be exported after the transform).
pub const BUFFER_MEMORY_NAMES: [&str; 2] = ["asyncify_unwind_stack_memory_heap", "asyncify_memory"];

/// What a suspended guest waits for before it is resumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// This many nanoseconds to pass.
    Sleep(u64),
    /// Other tasks on the executor to run first (`sched_yield`).
    Yield,
    /// Descriptor `fd` to have data (or an end of file, or an error) to
    /// read.
    Readable(u32),
}

/// What one attempt at a blocking host call came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The call finished with this errno.
    Done(crate::errno::Errno),
    /// The call must wait; on resumption it is attempted again with this
    /// origin (see [`super::resume_point`]).
    Wait(Wait, u64),
}

/// Why a module's Asyncify exports could not be used.
#[derive(Debug, Error)]
pub enum AsyncifyError {
    /// Some of the four Asyncify functions are exported, not all, or with
    /// other types.
    #[error("the module exports {0} with the wrong type or not at all: an Asyncify module exports asyncify_start_unwind(i32), asyncify_stop_unwind(), asyncify_start_rewind(i32) and asyncify_stop_rewind()")]
    Exports(&'static str),
    /// The module has a second memory, but not exported: the host cannot
    /// set up the buffer the instrumented code reads from it.
    #[error("the module has {0} memories but exports none of {BUFFER_MEMORY_NAMES:?}: Asyncify keeps its data in a memory the host cannot reach (export it after the transform)")]
    HiddenMemory(usize),
}

/// Where the unwind buffer comes from.
#[derive(Clone)]
pub(super) enum Source {
    /// A memory of its own: the buffer is all of it, from address 0.
    Memory(Memory),
    /// The guest's allocator: `alloc(size) -> addr`, and `free(addr)` or,
    /// for `asyncify_free_buffer`, `free(addr, size)`.
    Allocator {
        alloc: TypedFunction<i32, i32>,
        free: Option<Free>,
    },
    /// Pages the host adds to the end of the guest's memory.
    Reserve,
}

#[derive(Clone)]
pub(super) enum Free {
    Sized(TypedFunction<(i32, i32), ()>),
    Plain(TypedFunction<i32, ()>),
}

/// One guest's Asyncify exports and suspension state, kept in its
/// host state (`Host::asyncify`) while an async driver runs it.
pub struct Asyncify {
    pub(super) start_unwind: TypedFunction<i32, ()>,
    pub(super) stop_unwind: TypedFunction<(), ()>,
    pub(super) start_rewind: TypedFunction<i32, ()>,
    pub(super) stop_rewind: TypedFunction<(), ()>,
    pub(super) source: Source,
    pub(super) size: u32,
    /// The buffer's header address, once allocated.
    pub(super) data: Option<u32>,
    /// What the host call that started the unwind waits for, and the
    /// origin it asked to get back.
    pub(super) pending: Option<(Wait, u64)>,
    /// Set while the guest is rewound into the call that suspended.
    pub(super) rewinding: Option<u64>,
    /// Set while the host calls the guest's Asyncify or allocator
    /// functions: a suspending call from inside them is refused.
    pub(super) busy: bool,
    pub(super) suspensions: u64,
}

impl std::fmt::Debug for Asyncify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Asyncify")
            .field("size", &self.size)
            .field("data", &self.data)
            .field("pending", &self.pending)
            .field("suspensions", &self.suspensions)
            .finish_non_exhaustive()
    }
}

impl Asyncify {
    /// The Asyncify exports of `instance`, with an unwind buffer of
    /// `size` bytes (a memory of its own is used whole). `Ok(None)`: the
    /// module is not Asyncify-transformed (it exports none of them).
    /// Errors: [`AsyncifyError`].
    pub fn from_instance(
        store: &impl AsStoreRef, instance: &Instance, size: u32,
    ) -> Result<Option<Asyncify>, AsyncifyError> {
        let e = &instance.exports;
        if e.get_function("asyncify_start_unwind").is_err() && e.get_function("asyncify_start_rewind").is_err() {
            return Ok(None);
        }
        let start_unwind = e
            .get_typed_function(store, "asyncify_start_unwind")
            .map_err(|_| AsyncifyError::Exports("asyncify_start_unwind"))?;
        let stop_unwind = e
            .get_typed_function(store, "asyncify_stop_unwind")
            .map_err(|_| AsyncifyError::Exports("asyncify_stop_unwind"))?;
        let start_rewind = e
            .get_typed_function(store, "asyncify_start_rewind")
            .map_err(|_| AsyncifyError::Exports("asyncify_start_rewind"))?;
        let stop_rewind = e
            .get_typed_function(store, "asyncify_stop_rewind")
            .map_err(|_| AsyncifyError::Exports("asyncify_stop_rewind"))?;
        let own_memory = BUFFER_MEMORY_NAMES.iter().find_map(|n| e.get_memory(n).ok().cloned());
        // Imported and defined memories alike.
        let memories = instance.module().info().memories.len();
        let source = if let Some(m) = own_memory {
            Source::Memory(m)
        } else if memories > 1 {
            return Err(AsyncifyError::HiddenMemory(memories));
        } else if let Ok(alloc) = e.get_typed_function(store, "asyncify_malloc_buffer") {
            let free = e
                .get_typed_function(store, "asyncify_free_buffer")
                .ok()
                .map(Free::Sized);
            Source::Allocator { alloc, free }
        } else if let Ok(alloc) = e.get_typed_function(store, "malloc") {
            let free = e.get_typed_function(store, "free").ok().map(Free::Plain);
            Source::Allocator { alloc, free }
        } else {
            Source::Reserve
        };
        Ok(Some(Asyncify {
            start_unwind,
            stop_unwind,
            start_rewind,
            stop_rewind,
            source,
            size: size.max(64),
            data: None,
            pending: None,
            rewinding: None,
            busy: false,
            suspensions: 0,
        }))
    }

    /// How many times the guest has been suspended so far.
    pub fn suspensions(&self) -> u64 {
        self.suspensions
    }
}
