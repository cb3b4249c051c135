//! Bounds- and overflow-checked access to a guest's linear memory.
//!
//! A host call borrows the whole memory once (`imports::with_memory`) and works on
//! the resulting [`GuestMemory`], a `&mut [u8]` with checked accessors:
//! every guest pointer and length is validated in `u64` arithmetic, and a
//! bad one is `EFAULT`, never a host panic. Integers are little-endian, as
//! WebAssembly's memory is.
//!
//! The iovec walks are `#[inline]`, as is `imports::with_memory`: each is
//! then compiled next to the host function that borrows the memory
//! (`fd_write`, `fd_read`) and inlined into it; left to where their
//! definitions sit, they end up apart and a 16-byte `fd_write` costs ~25
//! instructions more (BENCHMARKS.md).

use crate::errno::{Errno, Result};
use byteorder::{ByteOrder, LittleEndian};
use std::io::{IoSlice, IoSliceMut};

/// Most iovecs gathered into one vectored host call. Longer lists are
/// handled in chunks of this size (a short transfer ends the call), so no
/// call allocates.
pub const IOV_CHUNK: usize = 64;

/// A guest's linear memory, borrowed for the duration of one host call.
pub struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

/// One `iovec`/`ciovec`: a guest pointer and length (WASI preview1
/// `iovec`, 8 bytes: `buf: u32`, `buf_len: u32`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Iovec {
    /// Guest address of the buffer.
    pub buf: u32,
    /// Length of the buffer in bytes.
    pub len: u32,
}

impl<'a> GuestMemory<'a> {
    /// Wraps a byte slice (the whole guest memory, or a test buffer).
    pub fn new(bytes: &'a mut [u8]) -> Self {
        GuestMemory { bytes }
    }

    /// Size of the memory in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the memory has no bytes at all.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn range(&self, ptr: u32, len: u64) -> Result<std::ops::Range<usize>> {
        let start = u64::from(ptr);
        let end = start.checked_add(len).ok_or(Errno::Fault)?;
        if end > self.bytes.len() as u64 {
            return Err(Errno::Fault);
        }
        Ok(start as usize..end as usize)
    }

    /// `len` bytes at `ptr`. Out of bounds: `EFAULT`.
    pub fn slice(&self, ptr: u32, len: u32) -> Result<&[u8]> {
        let r = self.range(ptr, u64::from(len))?;
        Ok(&self.bytes[r])
    }

    /// `len` writable bytes at `ptr`. Out of bounds: `EFAULT`.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8]> {
        let r = self.range(ptr, u64::from(len))?;
        Ok(&mut self.bytes[r])
    }

    /// The whole memory as bytes.
    pub fn bytes(&self) -> &[u8] {
        self.bytes
    }

    /// The whole memory as mutable bytes.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        self.bytes
    }

    /// A UTF-8 string of `len` bytes at `ptr`. Out of bounds: `EFAULT`;
    /// not UTF-8: `EILSEQ`.
    pub fn str(&self, ptr: u32, len: u32) -> Result<&str> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)
    }

    /// Copies `data` to `ptr`. Out of bounds: `EFAULT`.
    pub fn write(&mut self, ptr: u32, data: &[u8]) -> Result<()> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::Fault)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    /// Reads a `u8` at `ptr`.
    pub fn read_u8(&self, ptr: u32) -> Result<u8> {
        Ok(self.slice(ptr, 1)?[0])
    }

    /// Reads a little-endian `u16` at `ptr`.
    pub fn read_u16(&self, ptr: u32) -> Result<u16> {
        Ok(LittleEndian::read_u16(self.slice(ptr, 2)?))
    }

    /// Reads a little-endian `u32` at `ptr`.
    pub fn read_u32(&self, ptr: u32) -> Result<u32> {
        Ok(LittleEndian::read_u32(self.slice(ptr, 4)?))
    }

    /// Reads a little-endian `u64` at `ptr`.
    pub fn read_u64(&self, ptr: u32) -> Result<u64> {
        Ok(LittleEndian::read_u64(self.slice(ptr, 8)?))
    }

    /// Reads a little-endian `f64` at `ptr`.
    pub fn read_f64(&self, ptr: u32) -> Result<f64> {
        Ok(LittleEndian::read_f64(self.slice(ptr, 8)?))
    }

    /// Writes a `u8` at `ptr`.
    pub fn write_u8(&mut self, ptr: u32, v: u8) -> Result<()> {
        self.slice_mut(ptr, 1)?[0] = v;
        Ok(())
    }

    /// Writes a little-endian `u16` at `ptr`.
    pub fn write_u16(&mut self, ptr: u32, v: u16) -> Result<()> {
        LittleEndian::write_u16(self.slice_mut(ptr, 2)?, v);
        Ok(())
    }

    /// Writes a little-endian `u32` at `ptr`.
    pub fn write_u32(&mut self, ptr: u32, v: u32) -> Result<()> {
        LittleEndian::write_u32(self.slice_mut(ptr, 4)?, v);
        Ok(())
    }

    /// Writes a little-endian `u64` at `ptr`.
    pub fn write_u64(&mut self, ptr: u32, v: u64) -> Result<()> {
        LittleEndian::write_u64(self.slice_mut(ptr, 8)?, v);
        Ok(())
    }

    /// Writes a little-endian `f64` at `ptr`.
    pub fn write_f64(&mut self, ptr: u32, v: f64) -> Result<()> {
        LittleEndian::write_f64(self.slice_mut(ptr, 8)?, v);
        Ok(())
    }

    /// The `i`-th iovec of the array at `iovs` (8 bytes each).
    pub fn iovec(&self, iovs: u32, i: u32) -> Result<Iovec> {
        let at = u64::from(iovs) + u64::from(i) * 8;
        let at = u32::try_from(at).map_err(|_| Errno::Fault)?;
        Ok(Iovec::parse(self.slice(at, 8)?))
    }

    /// Where the iovec array (`count` entries at `iovs`) lies in memory.
    #[inline]
    fn iovec_array(&self, iovs: u32, count: u32) -> Result<std::ops::Range<usize>> {
        self.range(iovs, u64::from(count) * 8)
    }

    /// Checks every buffer of an iovec array and that their total fits the
    /// `u32` a guest receives (`EINVAL` beyond, as POSIX's `readv`/`writev`
    /// are past `SSIZE_MAX`). Only needed when the array is longer than
    /// one chunk: a single chunk is checked while it is sliced.
    fn check_buffers(&self, array: std::ops::Range<usize>) -> Result<()> {
        let mut total: u64 = 0;
        for raw in self.bytes[array].chunks_exact(8) {
            let v = Iovec::parse(raw);
            self.range(v.buf, u64::from(v.len))?;
            total += u64::from(v.len);
        }
        if total > u64::from(u32::MAX) {
            return Err(Errno::Inval);
        }
        Ok(())
    }

    /// Gathers the `count` buffers of the iovec array at `iovs` and hands
    /// them, up to [`IOV_CHUNK`] at a time, to `write`, which returns how
    /// much it took. Stops after a short write. Returns the total written.
    ///
    /// Every buffer is checked before anything is written: a bad pointer
    /// anywhere is `EFAULT` with nothing written. The total is capped so it
    /// fits the `u32` the guest receives (`EINVAL` beyond, as POSIX's
    /// `writev` does past `SSIZE_MAX`).
    #[inline]
    pub fn gather<F>(&self, iovs: u32, count: u32, write: F) -> Result<usize>
    where
        F: FnMut(&[IoSlice<'_>]) -> Result<usize>,
    {
        let array = self.iovec_array(iovs, count)?;
        // The slice array lives on the stack and is initialised whole on
        // each call: size it to the call, as most calls pass one or two
        // iovecs and 64 empty slices cost more than the copy they carry.
        match count {
            0..=4 => self.gather_chunks::<4, F>(array, write),
            5..=16 => self.gather_chunks::<16, F>(array, write),
            _ => {
                if count as usize > IOV_CHUNK {
                    self.check_buffers(array.clone())?;
                }
                self.gather_chunks::<IOV_CHUNK, F>(array, write)
            }
        }
    }

    #[inline]
    fn gather_chunks<const N: usize, F>(&self, array: std::ops::Range<usize>, mut write: F) -> Result<usize>
    where
        F: FnMut(&[IoSlice<'_>]) -> Result<usize>,
    {
        let mut done = 0usize;
        for chunk in self.bytes[array].chunks(N * 8) {
            let mut slices = [IoSlice::new(&[]); N];
            let mut want = 0u64;
            for (slot, raw) in slices.iter_mut().zip(chunk.chunks_exact(8)) {
                let v = Iovec::parse(raw);
                let buf = self.slice(v.buf, v.len)?;
                want += u64::from(v.len);
                *slot = IoSlice::new(buf);
            }
            if want > u64::from(u32::MAX) {
                return Err(Errno::Inval);
            }
            let wrote = write(&slices[..chunk.len() / 8])?;
            done += wrote;
            if (wrote as u64) < want {
                break;
            }
        }
        Ok(done)
    }

    /// Scatters into the `count` buffers of the iovec array at `iovs`: hands
    /// them, up to [`IOV_CHUNK`] at a time, to `read`, which returns how
    /// much it filled. Stops after a short read. Returns the total read.
    ///
    /// Buffers are checked first (`EFAULT`, nothing read). Buffers that
    /// overlap each other cannot be handed out as distinct `&mut` slices;
    /// those are filled one call per buffer instead.
    #[inline]
    pub fn scatter<F>(&mut self, iovs: u32, count: u32, read: F) -> Result<usize>
    where
        F: FnMut(&mut [IoSliceMut<'_>]) -> Result<usize>,
    {
        let array = self.iovec_array(iovs, count)?;
        match count {
            0..=4 => self.scatter_chunks::<4, F>(array, read),
            5..=16 => self.scatter_chunks::<16, F>(array, read),
            _ => {
                if count as usize > IOV_CHUNK {
                    self.check_buffers(array.clone())?;
                }
                self.scatter_chunks::<IOV_CHUNK, F>(array, read)
            }
        }
    }

    #[inline]
    fn scatter_chunks<const N: usize, F>(&mut self, array: std::ops::Range<usize>, mut read: F) -> Result<usize>
    where
        F: FnMut(&mut [IoSliceMut<'_>]) -> Result<usize>,
    {
        let mut done = 0usize;
        let mut at = array.start;
        while at < array.end {
            let end = array.end.min(at + N * 8);
            let n = (end - at) / 8;
            // Copied out first: a read may overwrite the array itself.
            let mut vecs = [Iovec::default(); N];
            let mut want = 0u64;
            for (slot, raw) in vecs.iter_mut().zip(self.bytes[at..end].chunks_exact(8)) {
                *slot = Iovec::parse(raw);
                self.range(slot.buf, u64::from(slot.len))?;
                want += u64::from(slot.len);
            }
            if want > u64::from(u32::MAX) {
                return Err(Errno::Inval);
            }
            let got = match split_disjoint::<N>(self.bytes, &vecs[..n]) {
                Some(mut slices) => read(&mut slices[..n])?,
                None => {
                    // Overlapping buffers: one read per buffer.
                    let mut got = 0;
                    for v in &vecs[..n] {
                        let buf = self.slice_mut(v.buf, v.len)?;
                        let len = buf.len();
                        let r = read(&mut [IoSliceMut::new(buf)])?;
                        got += r;
                        if r < len {
                            break;
                        }
                    }
                    got
                }
            };
            done += got;
            if (got as u64) < want {
                break;
            }
            at = end;
        }
        Ok(done)
    }
}

impl Iovec {
    /// Decodes one 8-byte `iovec` record.
    fn parse(raw: &[u8]) -> Iovec {
        Iovec {
            buf: LittleEndian::read_u32(&raw[0..4]),
            len: LittleEndian::read_u32(&raw[4..8]),
        }
    }
}

/// Carves `vecs` (all in bounds, at most `N`) out of `bytes` as distinct
/// mutable slices, in `vecs` order; `None` if two non-empty buffers overlap.
fn split_disjoint<'m, const N: usize>(bytes: &'m mut [u8], vecs: &[Iovec]) -> Option<[IoSliceMut<'m>; N]> {
    let n = vecs.len();
    let mut order = [0usize; N];
    for (k, o) in order.iter_mut().enumerate().take(n) {
        *o = k;
    }
    order[..n].sort_unstable_by_key(|&k| vecs[k].buf);
    let mut parts: [&'m mut [u8]; N] = std::array::from_fn(|_| <&mut [u8]>::default());
    let mut rest: &'m mut [u8] = bytes;
    let mut offset = 0usize;
    for &k in &order[..n] {
        let v = vecs[k];
        if v.len == 0 {
            continue;
        }
        let start = (v.buf as usize).checked_sub(offset)?;
        let tail = std::mem::take(&mut rest).get_mut(start..)?;
        let (buf, after) = tail.split_at_mut_checked(v.len as usize)?;
        parts[k] = buf;
        rest = after;
        offset = v.buf as usize + v.len as usize;
    }
    Some(parts.map(IoSliceMut::new))
}

/// For a module that imports its memory from `namespace` (`asc
/// --importMemory`, `emcc -sIMPORTED_MEMORY`): its name and a new memory
/// of the module's declared limits, which the caller defines as that
/// import and binds as the guest's memory. `None` when it imports none.
/// Errors: wasmer's reason the memory cannot be made (a limit past the
/// engine's cap, say), as text.
pub fn imported(
    store: &mut impl wasmer::AsStoreMut, module: &wasmer::Module, namespace: &str,
) -> std::result::Result<Option<(String, wasmer::Memory)>, String> {
    let Some((name, ty)) = module.imports().find_map(|i| match i.ty() {
        wasmer::ExternType::Memory(ty) if i.module() == namespace => Some((i.name().to_string(), *ty)),
        _ => None,
    }) else {
        return Ok(None);
    };
    let memory = wasmer::Memory::new(store, wasmer::MemoryType::new(ty.minimum, ty.maximum, ty.shared))
        .map_err(|e| e.to_string())?;
    Ok(Some((name, memory)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put_iov(mem: &mut GuestMemory<'_>, at: u32, list: &[(u32, u32)]) {
        for (i, (b, l)) in list.iter().enumerate() {
            mem.write_u32(at + 8 * i as u32, *b).unwrap();
            mem.write_u32(at + 8 * i as u32 + 4, *l).unwrap();
        }
    }

    #[test]
    fn integers_and_bounds() {
        let mut buf = vec![0u8; 64];
        let mut m = GuestMemory::new(&mut buf);
        m.write_u32(60, 0xdead_beef).unwrap();
        assert_eq!(m.read_u32(60).unwrap(), 0xdead_beef);
        assert_eq!(m.read_u32(61), Err(Errno::Fault));
        assert_eq!(m.read_u64(u32::MAX), Err(Errno::Fault));
        assert_eq!(m.slice(u32::MAX, u32::MAX).unwrap_err(), Errno::Fault);
        assert_eq!(m.slice(64, 0).unwrap().len(), 0);
        assert_eq!(m.slice(65, 0).unwrap_err(), Errno::Fault);
        m.write(0, &[0xff, 0xfe]).unwrap();
        assert_eq!(m.str(0, 2), Err(Errno::Ilseq));
    }

    #[test]
    fn gather_in_order_and_checked() {
        let mut buf = vec![0u8; 256];
        let mut m = GuestMemory::new(&mut buf);
        m.write(100, b"hello").unwrap();
        m.write(200, b" world").unwrap();
        put_iov(&mut m, 0, &[(100, 5), (200, 6), (100, 5)]);
        let mut out = Vec::new();
        let n = m
            .gather(0, 3, |bufs| {
                for b in bufs {
                    out.extend_from_slice(b);
                }
                Ok(bufs.iter().map(|b| b.len()).sum())
            })
            .unwrap();
        assert_eq!(n, 16);
        assert_eq!(out, b"hello worldhello");
        // A bad buffer anywhere: EFAULT before anything is written.
        put_iov(&mut m, 0, &[(100, 5), (250, 10)]);
        let mut called = false;
        let r = m.gather(0, 2, |_| {
            called = true;
            Ok(0)
        });
        assert_eq!(r, Err(Errno::Fault));
        assert!(!called);
        // A huge count is EFAULT, not a long loop or an allocation.
        assert_eq!(m.gather(0, u32::MAX, |_| Ok(0)), Err(Errno::Fault));
    }

    #[test]
    fn gather_many_iovecs_in_chunks() {
        let mut buf = vec![b'x'; 4096];
        let mut m = GuestMemory::new(&mut buf);
        let list: Vec<(u32, u32)> = (0..200).map(|i| (2048 + i, 1)).collect();
        put_iov(&mut m, 0, &list);
        let mut calls = 0;
        let n = m
            .gather(0, 200, |bufs| {
                calls += 1;
                Ok(bufs.len())
            })
            .unwrap();
        assert_eq!((n, calls), (200, 4));
    }

    #[test]
    fn scatter_disjoint_and_overlapping() {
        let mut buf = vec![0u8; 256];
        let mut m = GuestMemory::new(&mut buf);
        put_iov(&mut m, 0, &[(200, 3), (100, 4)]);
        let src = b"abcdefg";
        let fill = |bufs: &mut [IoSliceMut<'_>], src: &[u8]| {
            let mut at = 0;
            for b in bufs.iter_mut() {
                let k = b.len().min(src.len() - at);
                b[..k].copy_from_slice(&src[at..at + k]);
                at += k;
            }
            Ok(at)
        };
        assert_eq!(m.scatter(0, 2, |b| fill(b, src)).unwrap(), 7);
        assert_eq!(m.slice(200, 3).unwrap(), b"abc");
        assert_eq!(m.slice(100, 4).unwrap(), b"defg");
        // Overlapping buffers: still filled, in order, one at a time.
        put_iov(&mut m, 0, &[(150, 4), (152, 4)]);
        let mut pos = 0usize;
        let n = m
            .scatter(0, 2, |b| {
                let r = fill(b, &src[pos..])?;
                pos += r;
                Ok(r)
            })
            .unwrap();
        assert_eq!(n, 7);
        assert_eq!(m.slice(150, 6).unwrap(), b"abefg\0");
    }
}
