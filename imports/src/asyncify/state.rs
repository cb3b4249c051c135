//! A guest's Asyncify exports and suspension state: what the host keeps
//! between the calls of a suspension (the protocol is the parent
//! module's). Kept apart from the driver, which works on the host this
//! state lives in.

use thiserror::Error;
use wasmer::{AsStoreRef, Exports, Instance, Memory, TypedFunction, WasmTypeList};

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

/// Where the unwind buffer of `instance` comes from: a memory of its own,
/// the guest's allocator, or pages the host adds. Errors:
/// [`AsyncifyError::HiddenMemory`].
fn buffer_source(
    store: &impl AsStoreRef, instance: &Instance, name: &dyn Fn(&str) -> String,
) -> Result<Source, AsyncifyError> {
    let e = &instance.exports;
    if let Some(m) = BUFFER_MEMORY_NAMES.iter().find_map(|n| e.get_memory(&name(n)).ok()) {
        return Ok(Source::Memory(m.clone()));
    }
    // Imported and defined memories alike.
    let memories = instance.module().info().memories.len();
    if memories > 1 {
        return Err(AsyncifyError::HiddenMemory(memories));
    }
    if let Ok(alloc) = typed_export(store, e, name, "asyncify_malloc_buffer") {
        let free = typed_export(store, e, name, "asyncify_free_buffer").ok();
        return Ok(Source::Allocator {
            alloc,
            free: free.map(Free::Sized),
        });
    }
    if let Ok(alloc) = typed_export(store, e, name, "malloc") {
        let free = typed_export(store, e, name, "free").ok();
        return Ok(Source::Allocator {
            alloc,
            free: free.map(Free::Plain),
        });
    }
    Ok(Source::Reserve)
}

/// The export named `name(canonical)` as a typed function. Errors:
/// [`AsyncifyError::Exports`] naming `canonical`, when it is missing or of
/// another type.
fn typed_export<A: WasmTypeList, R: WasmTypeList>(
    store: &impl AsStoreRef, exports: &Exports, name: &dyn Fn(&str) -> String, canonical: &'static str,
) -> Result<TypedFunction<A, R>, AsyncifyError> {
    exports
        .get_typed_function(store, &name(canonical))
        .map_err(|_| AsyncifyError::Exports(canonical))
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
        Asyncify::from_named_exports(store, instance, size, &|name| name.to_string())
    }

    /// [`Asyncify::from_instance`] for a module whose exports are renamed:
    /// `name` gives the module's name of each canonical export
    /// (`asyncify_start_unwind`, `malloc`, ...), as an Emscripten release
    /// build's glue maps them.
    pub fn from_named_exports(
        store: &impl AsStoreRef, instance: &Instance, size: u32, name: &dyn Fn(&str) -> String,
    ) -> Result<Option<Asyncify>, AsyncifyError> {
        let e = &instance.exports;
        let function = |n: &str| e.get_function(&name(n)).ok();
        if function("asyncify_start_unwind").is_none() && function("asyncify_start_rewind").is_none() {
            return Ok(None);
        }
        let start_unwind = typed_export(store, e, name, "asyncify_start_unwind")?;
        let stop_unwind = typed_export(store, e, name, "asyncify_stop_unwind")?;
        let start_rewind = typed_export(store, e, name, "asyncify_start_rewind")?;
        let stop_rewind = typed_export(store, e, name, "asyncify_stop_rewind")?;
        let source = buffer_source(store, instance, name)?;
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
