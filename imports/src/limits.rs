//! Limits on what a guest may take: its linear memory, through wasmer's
//! tunables (every memory an engine creates, the module's own or one the
//! host makes for it, goes through them).

use std::ptr::NonNull;
use wasmer::sys::vm::{VMMemory, VMMemoryDefinition, VMTable, VMTableDefinition};
use wasmer::sys::{BaseTunables, Tunables};
use wasmer::{MemoryError, MemoryStyle, MemoryType, Pages, TableStyle, TableType};

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
/// NativeEngineExt`); the CLI's `--max-memory`.
pub struct MemoryLimit {
    base: BaseTunables,
    max: Pages,
}

impl std::fmt::Debug for MemoryLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MemoryLimit({} pages)", self.max.0)
    }
}

impl MemoryLimit {
    /// A cap of `max_bytes` (whole pages below it; at least none).
    pub fn new(max_bytes: u64) -> MemoryLimit {
        let pages = (max_bytes / wasmer::WASM_PAGE_SIZE as u64).min(u64::from(u32::MAX)) as u32;
        MemoryLimit {
            base: BaseTunables::new(),
            max: Pages(pages),
        }
    }

    /// `ty` with its maximum no higher than the cap. Its minimum over the
    /// cap: an error that names both.
    fn capped(&self, ty: &MemoryType) -> Result<MemoryType, MemoryError> {
        if ty.minimum > self.max {
            return Err(MemoryError::Generic(format!(
                "the module needs {} pages of memory at least; the limit is {} pages",
                ty.minimum.0, self.max.0
            )));
        }
        let maximum = Some(ty.maximum.map_or(self.max, |m| m.min(self.max)));
        Ok(MemoryType { maximum, ..*ty })
    }
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
        other => return Err(format!("{text:?}: unknown unit {other:?} (use KiB, MiB or GiB)")),
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
}
