//! Limits on what a guest may take: its linear memory, through wasmer's
//! tunables (every memory an engine creates, the module's own or one the
//! host makes for it, goes through them), and its running time
//! ([`Deadline`]; enforced by the driver with the `interrupt` feature).
//!
//! An engine-wide cap is [`MemoryLimit::new`]. A per-guest cap
//! (`ModuleConfig::max_memory`) needs the same tunables, since wasmer's
//! tunables know nothing of the store a memory is made for: the driver
//! opens a [`GuestCap`] on its thread around everything that makes the
//! guest's memories, and [`MemoryLimit`] applies the smaller of its own
//! cap and that one.

use std::cell::Cell;
use std::ptr::NonNull;
use std::time::{Duration, Instant};
use wasmer::sys::vm::{VMMemory, VMMemoryDefinition, VMTable, VMTableDefinition};
use wasmer::sys::{BaseTunables, NativeEngineExt, Tunables};
use wasmer::{MemoryError, MemoryStyle, MemoryType, Pages, TableStyle, TableType};

/// The per-guest cap open on this thread, and whether a [`MemoryLimit`]
/// has read it since it was opened.
#[derive(Clone, Copy, Default)]
struct Scope {
    cap: Option<Pages>,
    consulted: bool,
}

thread_local! {
    static SCOPE: Cell<Scope> = const { Cell::new(Scope { cap: None, consulted: false }) };
}

/// The scoped cap, marking it read.
fn consult_scope() -> Option<Pages> {
    SCOPE.with(|s| {
        let scope = s.get();
        s.set(Scope {
            consulted: true,
            ..scope
        });
        scope.cap
    })
}

/// Whole pages in `bytes`, at most `u32::MAX` of them.
fn pages(bytes: u64) -> Pages {
    Pages((bytes / wasmer::WASM_PAGE_SIZE as u64).min(u64::from(u32::MAX)) as u32)
}

/// Tunables that cap every linear memory at `max` bytes (rounded down to
/// whole 64 KiB pages): a memory's maximum becomes the smaller of its own
/// and the cap, so `memory.grow` past it returns -1, as the core
/// specification says a failed grow does. A memory whose minimum is over
/// the cap cannot be made (instantiation fails, saying so). Memory styles
/// are the base tunables', so modules compiled with or without the cap
/// (and cached) are the same.
///
/// Use: `engine.set_tunables(MemoryLimit::new(16 << 20))` on the
/// `wasmer::Engine` the guest's store is made from (`wasmer::sys::
/// NativeEngineExt`); the CLI's `--max-memory`. The same tunables apply
/// each guest's `ModuleConfig::max_memory` while the driver makes its
/// memories ([`GuestCap`]), the smaller cap winning;
/// [`MemoryLimit::per_guest`] (or [`engine_with_limits`]) has no cap of
/// its own.
pub struct MemoryLimit {
    base: BaseTunables,
    max: Option<Pages>,
}

impl std::fmt::Debug for MemoryLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.max {
            Some(max) => write!(f, "MemoryLimit({} pages)", max.0),
            None => f.write_str("MemoryLimit(per guest)"),
        }
    }
}

impl MemoryLimit {
    /// A cap of `max_bytes` on every memory (whole pages below it; at
    /// least none).
    pub fn new(max_bytes: u64) -> MemoryLimit {
        MemoryLimit {
            base: BaseTunables::new(),
            max: Some(pages(max_bytes)),
        }
    }

    /// No cap of its own: only the per-guest caps of
    /// `ModuleConfig::max_memory` apply, while the driver makes a guest's
    /// memories.
    pub fn per_guest() -> MemoryLimit {
        MemoryLimit {
            base: BaseTunables::new(),
            max: None,
        }
    }

    /// `ty` with its maximum no higher than the cap in force (the smaller
    /// of this one and the scoped one; none: `ty` as it is). Its minimum
    /// over the cap: an error that names both.
    fn capped(&self, ty: &MemoryType) -> Result<MemoryType, MemoryError> {
        let cap = match (self.max, consult_scope()) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return Ok(*ty),
        };
        if ty.minimum > cap {
            return Err(MemoryError::Generic(format!(
                "the module needs {} pages of memory at least; the limit is {} pages",
                ty.minimum.0, cap.0
            )));
        }
        let maximum = Some(ty.maximum.map_or(cap, |m| m.min(cap)));
        Ok(MemoryType { maximum, ..*ty })
    }
}

/// A default engine whose tunables are [`MemoryLimit::per_guest`]: what
/// `ModuleConfig::max_memory` needs, and no cap otherwise.
pub fn engine_with_limits() -> wasmer::Engine {
    let mut engine = wasmer::Engine::default();
    engine.set_tunables(MemoryLimit::per_guest());
    engine
}

/// A per-guest memory cap open on this thread until dropped: every memory
/// the engine's [`MemoryLimit`] makes meanwhile is capped at it too.
/// Opened by the driver around instantiation (and by WASI's threads
/// around their memory and instances).
#[must_use]
pub struct GuestCap {
    previous: Scope,
}

/// A per-guest memory cap asked of an engine whose tunables cannot apply
/// it (not [`MemoryLimit`]); `crate::ConfigError::MaxMemoryNeedsLimit`
/// to the embedder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "ModuleConfig::max_memory needs an engine with imports::limits::MemoryLimit tunables \
     (see imports::limits::engine_with_limits)"
)]
pub struct NeedsMemoryLimit;

impl GuestCap {
    /// Opens a cap of `max_bytes` for memories `engine` makes on this
    /// thread. `Ok(None)` without a cap. Errors: [`NeedsMemoryLimit`]
    /// when `engine`'s tunables do not apply it ([`enforces_guest_caps`]).
    pub fn open(engine: &wasmer::Engine, max_bytes: Option<u64>) -> Result<Option<GuestCap>, NeedsMemoryLimit> {
        let Some(max) = max_bytes else {
            return Ok(None);
        };
        if !enforces_guest_caps(engine) {
            return Err(NeedsMemoryLimit);
        }
        let previous = SCOPE.replace(Scope {
            cap: Some(pages(max)),
            consulted: false,
        });
        Ok(Some(GuestCap { previous }))
    }
}

impl Drop for GuestCap {
    fn drop(&mut self) {
        SCOPE.set(self.previous);
    }
}

/// Whether `engine`'s tunables apply a per-guest cap: asked to make a
/// one-page memory under a cap of none, a [`MemoryLimit`] (or tunables
/// that hand memories to one) reads the cap and refuses without making
/// anything. This asks the tunables themselves rather than checking the
/// guest's memories after instantiation, which would miss memories the
/// module does not export and would let the guest's start section run
/// uncapped.
pub fn enforces_guest_caps(engine: &wasmer::Engine) -> bool {
    let tunables = engine.tunables();
    let ty = MemoryType::new(1, None, false);
    let style = tunables.memory_style(&ty);
    let previous = SCOPE.replace(Scope {
        cap: Some(Pages(0)),
        consulted: false,
    });
    let refused = tunables.create_host_memory(&ty, &style).is_err();
    SCOPE.replace(previous).consulted && refused
}

impl Tunables for MemoryLimit {
    fn memory_style(&self, memory: &MemoryType) -> MemoryStyle {
        self.base.memory_style(memory)
    }

    fn table_style(&self, table: &TableType) -> TableStyle {
        self.base.table_style(table)
    }

    fn create_host_memory(&self, ty: &MemoryType, style: &MemoryStyle) -> Result<VMMemory, MemoryError> {
        self.base.create_host_memory(&self.capped(ty)?, style)
    }

    unsafe fn create_vm_memory(
        &self, ty: &MemoryType, style: &MemoryStyle, definition: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        // SAFETY: the caller's promise about `definition` is passed on.
        unsafe { self.base.create_vm_memory(&self.capped(ty)?, style, definition) }
    }

    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        self.base.create_host_table(ty, style)
    }

    unsafe fn create_vm_table(
        &self, ty: &TableType, style: &TableStyle, definition: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        // SAFETY: the caller's promise about `definition` is passed on.
        unsafe { self.base.create_vm_table(ty, style, definition) }
    }
}

/// A guest's limits, as its `ModuleConfig` set them ([`crate::Host`]
/// keeps them for the driver).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuestLimits {
    /// The cap on each of its linear memories, in bytes.
    pub max_memory: Option<u64>,
    /// When its time is up.
    pub deadline: Option<Deadline>,
}

/// A sleeper that never sleeps past a [`Deadline`]: the host's sleeper
/// for a guest with a timeout, so a guest sleeping in a host call
/// (`poll_oneoff`, `emscripten_sleep`) wakes when its time is up. A
/// sleeper that does not block (a fake clock) is left as it is.
#[derive(Debug)]
pub struct DeadlineSleep {
    /// The sleeper that waits.
    pub inner: std::sync::Arc<dyn crate::clock::Nanosleep>,
    /// When to stop waiting.
    pub deadline: Deadline,
}

impl crate::clock::Nanosleep for DeadlineSleep {
    fn nanosleep(&self, ns: u64) {
        match self.inner.blocks() {
            true => self.inner.nanosleep(self.deadline.cut(ns)),
            false => self.inner.nanosleep(ns),
        }
    }

    fn blocks(&self) -> bool {
        self.inner.blocks()
    }
}

/// When a guest's time is up: its `ModuleConfig::timeout`, counted from
/// the moment the driver built its world. Host calls that wait stop
/// waiting at it (the host's sleeper is cut, an async wait ends); the
/// driver's watchdog interrupts the running guest (feature `interrupt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// The time the guest was given.
    pub limit: Duration,
    /// When it is up.
    pub at: Instant,
}

impl Deadline {
    /// A deadline `limit` from now (far in the future when that
    /// overflows).
    pub fn after(limit: Duration) -> Deadline {
        let now = Instant::now();
        let at = now
            .checked_add(limit)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400));
        Deadline { limit, at }
    }

    /// Whether the time is up.
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }

    /// `ns` nanoseconds, or what is left before the deadline if less.
    pub fn cut(&self, ns: u64) -> u64 {
        let left = self.at.saturating_duration_since(Instant::now());
        ns.min(u64::try_from(left.as_nanos()).unwrap_or(u64::MAX))
    }

    /// The error that ends a guest whose time is up.
    pub fn trap(&self) -> wasmer::RuntimeError {
        crate::exit::TimedOut(self.limit).trap()
    }
}

/// The stores of a guest that runs in several (WASI's threads), to
/// interrupt together when its time is up: those of the threads still
/// running, so a guest that spawns short-lived threads without end does
/// not grow it. Without the `interrupt` feature it holds nothing and
/// interrupts nothing (a timeout is refused before any guest runs).
#[derive(Default)]
pub struct Interrupters {
    #[cfg(feature = "interrupt")]
    stores: std::sync::Mutex<(u64, std::collections::HashMap<u64, wasmer::Interrupter>)>,
}

impl std::fmt::Debug for Interrupters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Interrupters")
    }
}

/// A store's place among [`Interrupters`]; dropping it (when the store's
/// thread ends) takes the store out.
#[must_use]
pub struct Registered<'a> {
    #[cfg(feature = "interrupt")]
    owner: &'a Interrupters,
    #[cfg(feature = "interrupt")]
    key: u64,
    #[cfg(not(feature = "interrupt"))]
    _owner: std::marker::PhantomData<&'a Interrupters>,
}

impl Interrupters {
    /// Adds `store` to those [`Self::interrupt_all`] interrupts, until
    /// the returned [`Registered`] is dropped.
    pub fn add(&self, store: &mut impl wasmer::AsStoreMut) -> Registered<'_> {
        #[cfg(feature = "interrupt")]
        {
            let mut key = 0;
            if let Ok(mut stores) = self.stores.lock() {
                let (next, map) = &mut *stores;
                key = *next;
                *next = next.wrapping_add(1);
                map.insert(key, store.objects_mut().interrupter());
            }
            Registered { owner: self, key }
        }
        #[cfg(not(feature = "interrupt"))]
        {
            let _ = store;
            Registered {
                _owner: std::marker::PhantomData,
            }
        }
    }

    /// Interrupts the wasm code running in every store added (best
    /// effort: wasmer drops an interrupt for a store running no wasm).
    pub fn interrupt_all(&self) {
        #[cfg(feature = "interrupt")]
        if let Ok(stores) = self.stores.lock() {
            stores.1.values().for_each(wasmer::Interrupter::interrupt);
        }
    }
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        #[cfg(feature = "interrupt")]
        if let Ok(mut stores) = self.owner.stores.lock() {
            stores.1.remove(&self.key);
        }
    }
}

/// Reads a size as the command line takes it: bytes, or a number with
/// `KiB`, `MiB` or `GiB` (also `K`, `M`, `G`, powers of 1024). Errors: a
/// message naming what was wrong.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?}: expected a number of bytes, such as 16MiB"))?;
    let shift = match unit.trim() {
        "" | "B" => 0,
        "K" | "KiB" => 10,
        "M" | "MiB" => 20,
        "G" | "GiB" => 30,
        other => {
            return Err(format!(
                "{text:?}: expected a whole number of B, KiB, MiB or GiB, not the unit {other:?}"
            ))
        }
    };
    n.checked_mul(1 << shift).ok_or_else(|| format!("{text:?}: too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_powers_of_1024() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("1 GiB"), Ok(1 << 30));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("3 parsecs").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn the_cap_lowers_the_maximum_and_refuses_a_larger_minimum() {
        let limit = MemoryLimit::new(16 << 20);
        let unbounded = MemoryType::new(1, None, false);
        assert_eq!(limit.capped(&unbounded).unwrap().maximum, Some(Pages(256)));
        let small = MemoryType::new(1, Some(10), false);
        assert_eq!(limit.capped(&small).unwrap().maximum, Some(Pages(10)));
        assert!(limit.capped(&MemoryType::new(300, None, false)).is_err());
    }

    #[test]
    fn a_guest_cap_applies_while_open_and_the_smaller_cap_wins() {
        let engine = engine_with_limits();
        let (own, unbounded) = (MemoryLimit::new(16 << 20), MemoryType::new(1, None, false));
        let per_guest = MemoryLimit::per_guest();
        assert_eq!(per_guest.capped(&unbounded).unwrap().maximum, None);
        {
            let _cap = GuestCap::open(&engine, Some(8 << 20)).unwrap();
            assert_eq!(per_guest.capped(&unbounded).unwrap().maximum, Some(Pages(128)));
            assert_eq!(own.capped(&unbounded).unwrap().maximum, Some(Pages(128)));
        }
        assert_eq!(per_guest.capped(&unbounded).unwrap().maximum, None);
        let _cap = GuestCap::open(&engine, Some(1 << 30)).unwrap();
        assert_eq!(own.capped(&unbounded).unwrap().maximum, Some(Pages(256)));
    }

    #[test]
    fn only_memory_limit_tunables_enforce_a_guest_cap() {
        assert!(enforces_guest_caps(&engine_with_limits()));
        assert!(!enforces_guest_caps(&wasmer::Engine::default()));
        let refused = GuestCap::open(&wasmer::Engine::default(), Some(1 << 20));
        assert!(matches!(refused, Err(NeedsMemoryLimit)));
        assert!(GuestCap::open(&wasmer::Engine::default(), None).unwrap().is_none());
    }

    #[test]
    fn a_deadline_cuts_sleeps() {
        let far = Deadline::after(Duration::from_secs(3600));
        assert_eq!(far.cut(1_000), 1_000);
        assert!(!far.passed());
        let past = Deadline::after(Duration::ZERO);
        assert_eq!(past.cut(1_000), 0);
        assert!(past.passed());
        assert!(Deadline::after(Duration::MAX).cut(5) == 5);
    }
}
