//! Go's stack frame as an imported function sees it: typed, named slots
//! for its arguments and results, and the guest memory they live in,
//! borrowed through the core's [`imports::with_memory`].
//!
//! Every function wasm_exec.js provides has type `(i32 sp) -> ()`. The word
//! at `sp` is Go's return address; the arguments, then the results, follow
//! it, each starting a new 8-byte slot: slot `i` is at `sp + 8 + 8*i`. A
//! value takes one slot per word of its Go representation: `int`, `int64`,
//! `int32`, `bool`, pointers and refs one, a string (pointer, length) two,
//! a slice (pointer, length, capacity) three. The slot layout, and the
//! reads and writes per type (`getInt64`, `loadString`, `loadValue`,
//! `storeValue`...), are wasm_exec.js's (`misc/wasm` in Go <= 1.23,
//! `lib/wasm` since); wazero's `internal/gojs/goos.Stack` reads the same
//! frames.
//!
//! A frame is declared once per function with `frames!`, from its Go
//! signature; [`Stack`] reads and writes a slot by its type. Every access
//! is bounds-checked against guest memory in 64-bit arithmetic, so a
//! hostile `sp` or header is [`Trap::Memory`], never a host panic.

use crate::refs::NAN_HEAD;
use crate::value::Value;
use crate::{GoJs, Trap};
use imports::{Errno, GuestMemory};
use std::marker::PhantomData;
use wasmer::{FunctionEnvMut, RuntimeError};

/// How many 8-byte slots a Go type takes in a frame.
pub trait GoType {
    /// Slots taken.
    const SLOTS: u32;
}

macro_rules! go_types {
    ($($(#[$doc:meta])* $name:ident = $slots:literal,)*) => {$(
        $(#[$doc])*
        #[derive(Debug)]
        pub enum $name {}
        impl GoType for $name {
            const SLOTS: u32 = $slots;
        }
    )*};
}

go_types! {
    /// `int`, `int64`, `uintptr` (`getInt64`/`setInt64`).
    Int64 = 1,
    /// `int32` (`getInt32`/`setInt32`: the slot's low 4 bytes).
    Int32 = 1,
    /// `unsafe.Pointer` (`getInt64`): an address in guest memory.
    Pointer = 1,
    /// `bool`, as a result (`setUint8`).
    Bool = 1,
    /// `ref`, a NaN-boxed JS value (`loadValue`/`storeValue`).
    Ref = 1,
    /// `string` (`loadString`): pointer and length.
    Str = 2,
    /// `[]byte` (`loadSlice`): pointer, length and capacity.
    Bytes = 3,
    /// `[]ref` (`loadSliceOfValues`): pointer, length and capacity.
    RefSlice = 3,
}

/// Slot `index` of a frame, holding a `T`.
#[derive(Debug)]
pub struct Slot<T> {
    index: u32,
    go: PhantomData<T>,
}

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Slot<T> {}

impl<T: GoType> Slot<T> {
    /// The slot at `index` (0 is `sp + 8`).
    pub const fn at(index: u32) -> Slot<T> {
        Slot { index, go: PhantomData }
    }

    /// The index of the slot after this value.
    pub const fn next(self) -> u32 {
        self.index + T::SLOTS
    }
}

/// Declares frames: for each `NAME: Type(args) -> (results);` a struct
/// `Type` with a [`Slot`] field per argument and result, and a constant
/// `NAME` placing them in signature order, so no offset is written by hand.
macro_rules! frames {
    ($($(#[$doc:meta])* $konst:ident: $name:ident($($p:ident: $pt:ident),*) -> ($($r:ident: $rt:ident),*);)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name {
            $(#[doc = concat!("Argument `", stringify!($p), "`.")] pub $p: $crate::stack::Slot<$crate::stack::$pt>,)*
            $(#[doc = concat!("Result `", stringify!($r), "`.")] pub $r: $crate::stack::Slot<$crate::stack::$rt>,)*
        }

        $(#[$doc])*
        pub const $konst: $name = {
            let next = 0;
            $(let $p = $crate::stack::Slot::<$crate::stack::$pt>::at(next); let next = $p.next();)*
            $(let $r = $crate::stack::Slot::<$crate::stack::$rt>::at(next); let next = $r.next();)*
            let _ = next;
            $name { $($p,)* $($r,)* }
        };
    )*};
}
pub(crate) use frames;

/// `EFAULT` as a trap: Go passed a bad pointer, length or `sp`.
fn fault() -> Trap {
    Trap::Memory(Errno::Fault)
}

/// A function's frame at `sp` in the guest's memory.
pub struct Stack<'m, 'a> {
    mem: &'m mut GuestMemory<'a>,
    sp: u32,
}

impl<'m, 'a> Stack<'m, 'a> {
    /// The frame at `sp` in `mem`.
    pub fn new(mem: &'m mut GuestMemory<'a>, sp: u32) -> Self {
        Stack { mem, sp }
    }

    /// The address of slot `index`; past 4 GiB: `EFAULT`.
    fn addr(&self, index: u32) -> Result<u32, Trap> {
        let a = u64::from(self.sp) + 8 + 8 * u64::from(index);
        u32::try_from(a).map_err(|_| fault())
    }

    fn word(&self, index: u32) -> Result<i64, Trap> {
        Ok(self.mem.read_u64(self.addr(index)?)? as i64)
    }

    /// The memory the frame lives in.
    pub fn memory(&mut self) -> &mut GuestMemory<'a> {
        self.mem
    }

    /// `getInt64`.
    pub fn int64(&self, s: Slot<Int64>) -> Result<i64, Trap> {
        self.word(s.index)
    }

    /// `getInt32`.
    pub fn int32(&self, s: Slot<Int32>) -> Result<i32, Trap> {
        Ok(self.mem.read_u32(self.addr(s.index)?)? as i32)
    }

    /// `getUint32`: an `int32` slot read unsigned.
    pub fn uint32(&self, s: Slot<Int32>) -> Result<u32, Trap> {
        Ok(self.mem.read_u32(self.addr(s.index)?)?)
    }

    /// An `unsafe.Pointer`: beyond 32 bits, `EFAULT`.
    pub fn pointer(&self, s: Slot<Pointer>) -> Result<u32, Trap> {
        u32::try_from(self.word(s.index)?).map_err(|_| fault())
    }

    /// The (pointer, length) header starting at slot `index`, the whole
    /// range inside guest memory.
    fn header(&self, index: u32) -> Result<(u32, u32), Trap> {
        let ptr = u32::try_from(self.word(index)?).map_err(|_| fault())?;
        let len = u32::try_from(self.word(index + 1)?).map_err(|_| fault())?;
        self.mem.slice(ptr, len)?;
        Ok((ptr, len))
    }

    /// `loadSlice`: the bytes of a `[]byte`.
    pub fn bytes(&self, s: Slot<Bytes>) -> Result<&[u8], Trap> {
        let (ptr, len) = self.header(s.index)?;
        Ok(self.mem.slice(ptr, len)?)
    }

    /// `loadSlice`, writable.
    pub fn bytes_mut(&mut self, s: Slot<Bytes>) -> Result<&mut [u8], Trap> {
        let (ptr, len) = self.header(s.index)?;
        Ok(self.mem.slice_mut(ptr, len)?)
    }

    /// `loadString`: decoded as TextDecoder does (invalid UTF-8 becomes
    /// U+FFFD).
    pub fn string(&self, s: Slot<Str>) -> Result<String, Trap> {
        let (ptr, len) = self.header(s.index)?;
        Ok(String::from_utf8_lossy(self.mem.slice(ptr, len)?).into_owned())
    }

    /// The id of a ref (`getUint32`), for `finalizeRef`.
    pub fn ref_id(&self, s: Slot<Ref>) -> Result<u32, Trap> {
        Ok(self.mem.read_u32(self.addr(s.index)?)?)
    }

    /// `loadValue`.
    pub fn value(&self, go: &GoJs, s: Slot<Ref>) -> Result<Value, Trap> {
        load_value(go, self.mem, self.addr(s.index)?)
    }

    /// `loadSliceOfValues`.
    pub fn values(&self, go: &GoJs, s: Slot<RefSlice>) -> Result<Vec<Value>, Trap> {
        let (ptr, len) = self.header(s.index)?;
        // The header only promised `len` bytes; the refs take 8 each.
        self.mem.slice(ptr, len.checked_mul(8).ok_or_else(fault)?)?;
        (0..len).map(|i| load_value(go, self.mem, ptr + i * 8)).collect()
    }

    /// `setInt64`.
    pub fn set_int64(&mut self, s: Slot<Int64>, v: i64) -> Result<(), Trap> {
        Ok(self.mem.write_u64(self.addr(s.index)?, v as u64)?)
    }

    /// `setInt32`.
    pub fn set_int32(&mut self, s: Slot<Int32>, v: i32) -> Result<(), Trap> {
        Ok(self.mem.write_u32(self.addr(s.index)?, v as u32)?)
    }

    /// `setUint8(b ? 1 : 0)`.
    pub fn set_bool(&mut self, s: Slot<Bool>, v: bool) -> Result<(), Trap> {
        Ok(self.mem.write_u8(self.addr(s.index)?, u8::from(v))?)
    }

    /// `storeValue`.
    pub fn set_value(&mut self, go: &mut GoJs, s: Slot<Ref>, v: &Value) -> Result<(), Trap> {
        store_value(go, self.mem, self.addr(s.index)?, v)
    }
}

/// `loadValue` at `addr`: 0 is `undefined`, any other non-NaN is a
/// number, a NaN's low 32 bits are an id.
fn load_value(go: &GoJs, mem: &GuestMemory<'_>, addr: u32) -> Result<Value, Trap> {
    let f = mem.read_f64(addr)?;
    if f == 0.0 {
        return Ok(Value::Undefined);
    }
    if !f.is_nan() {
        return Ok(Value::Number(f));
    }
    Ok(go.world.refs.get(mem.read_u32(addr)?))
}

/// `storeValue` at `addr`: numbers inline, everything else by id with Go's
/// count of references incremented.
fn store_value(go: &mut GoJs, mem: &mut GuestMemory<'_>, addr: u32, v: &Value) -> Result<(), Trap> {
    // Checked before Go's count of references moves.
    mem.slice(addr, 8)?;
    let (low, high) = match v {
        Value::Undefined => return Ok(mem.write_f64(addr, 0.0)?),
        Value::Number(n) if n.is_nan() => (0, NAN_HEAD),
        Value::Number(n) if *n != 0.0 => return Ok(mem.write_f64(addr, *n)?),
        v => {
            let (id, flag) = go.world.refs.id_for(v, &go.world.heap)?;
            (id, NAN_HEAD | flag)
        }
    };
    Ok(mem.write_u64(addr, u64::from(high) << 32 | u64::from(low))?)
}

/// Runs `f` with the guest state and its whole memory, borrowed once
/// through the core. No memory bound yet: [`Trap::NotBound`].
pub(crate) fn with_mem<R>(
    ctx: &mut FunctionEnvMut<'_, GoJs>, f: impl FnOnce(&mut GoJs, &mut GuestMemory<'_>) -> Result<R, Trap>,
) -> Result<R, Trap> {
    // The core's only error is a missing memory: `f`'s own travel inside.
    imports::with_memory(ctx, |s, mem| Ok(f(s, mem))).unwrap_or(Err(Trap::NotBound))
}

/// Runs `f` with the guest state and the frame at `sp`.
pub(crate) fn with_stack<R>(
    ctx: &mut FunctionEnvMut<'_, GoJs>, sp: u32, f: impl FnOnce(&mut GoJs, &mut Stack<'_, '_>) -> Result<R, Trap>,
) -> Result<R, Trap> {
    with_mem(ctx, |s, mem| f(s, &mut Stack::new(mem, sp)))
}

/// `sp`, re-read from the guest's `getsp` export if the guest ran since
/// the host call began (`before`, a count of re-entries): Go may have
/// moved its stack meanwhile, as wasm_exec.js's `valueCall` allows for.
pub(crate) fn refreshed_sp(ctx: &mut FunctionEnvMut<'_, GoJs>, sp: u32, before: u64) -> Result<u32, RuntimeError> {
    if ctx.data().reentries == before {
        return Ok(sp);
    }
    let guest = ctx.data().guest.clone().ok_or(Trap::NotBound)?;
    Ok(guest.getsp.call(ctx)? as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    frames! {
        /// `func valueCall(v ref, m string, args []ref) (ref, bool)`.
        CALL: Call(v: Ref, m: Str, args: RefSlice) -> (result: Ref, ok: Bool);
        /// `func walltime() (sec int64, nsec int32)`.
        WALL: Wall() -> (sec: Int64, nsec: Int32);
    }

    #[test]
    fn slots_follow_the_signature() {
        // wasm_exec.js: valueCall reads sp+8, +16, +32; writes +56, +64.
        let idx = |i: u32| 8 + 8 * i;
        assert_eq!(
            [
                CALL.v.index,
                CALL.m.index,
                CALL.args.index,
                CALL.result.index,
                CALL.ok.index
            ]
            .map(idx),
            [8, 16, 32, 56, 64]
        );
        assert_eq!([WALL.sec.index, WALL.nsec.index].map(idx), [8, 16]);
    }

    #[test]
    fn a_frame_past_memory_or_4_gib_faults() {
        let mut buf = vec![0u8; 64];
        let mut mem = GuestMemory::new(&mut buf);
        let st = Stack::new(&mut mem, u32::MAX - 4);
        assert!(matches!(st.int64(Slot::at(0)), Err(Trap::Memory(Errno::Fault))));
        let mut mem = GuestMemory::new(&mut buf);
        // Slot 1 of a frame at 40 is the last 8 bytes of a 64-byte memory.
        let st = Stack::new(&mut mem, 40);
        assert!(st.int64(Slot::at(1)).is_ok());
        assert!(st.int64(Slot::at(2)).is_err());
        // A header whose bytes run off the end.
        let mut mem = GuestMemory::new(&mut buf);
        mem.write_u64(8, 60).unwrap();
        mem.write_u64(16, 8).unwrap();
        assert!(Stack::new(&mut mem, 0).bytes(Slot::at(0)).is_err());
    }

    #[test]
    fn values_store_as_wasm_exec_js_boxes_them() {
        let mut go = crate::tests::guest();
        let mut buf = vec![0u8; 64];
        let mut mem = GuestMemory::new(&mut buf);
        let mut st = Stack::new(&mut mem, 0);
        st.set_value(&mut go, Slot::at(0), &Value::Number(f64::NAN)).unwrap();
        st.set_value(&mut go, Slot::at(1), &Value::Null).unwrap();
        st.set_value(&mut go, Slot::at(2), &Value::Number(1.5)).unwrap();
        assert_eq!(st.word(0).unwrap() as u64, 0x7ff8_0000_0000_0000);
        assert_eq!(st.word(1).unwrap() as u64, 0x7ff8_0000_0000_0002);
        assert_eq!(st.value(&go, Slot::at(1)).unwrap(), Value::Null);
        assert_eq!(st.value(&go, Slot::at(2)).unwrap(), Value::Number(1.5));
        assert_eq!(st.value(&go, Slot::at(3)).unwrap(), Value::Undefined);
    }
}
