//! Memory: heap growth, `emscripten_memcpy_big`, file mappings. Source:
//! `src/library.js` and `src/library_syscall.js` of emcc 3.1.6.

use crate::guest::{call_i32, free, guest, malloc, mem_trap};
use crate::syscall::neg;
use crate::Ctx;
use imports::descriptor::{Access, OpenFile};
use imports::{with_memory, Errno};
use std::io::{IoSlice, IoSliceMut};
use wasmer::{Pages, RuntimeError, WASM_PAGE_SIZE};

/// The most a 3.1.6 heap may grow to without `-sMAXIMUM_MEMORY=4GB`:
/// 2 GiB (`emscripten_get_heap_max`).
pub const DEFAULT_HEAP_MAX: u64 = 2 << 30;

const MAP_SHARED: i32 = 1;
const PROT_WRITE: i32 = 2;

fn memory(ctx: &Ctx<'_>) -> Result<wasmer::Memory, RuntimeError> {
    ctx.data()
        .host
        .memory
        .clone()
        .ok_or_else(|| RuntimeError::new("emscripten import called before the memory was bound"))
}

fn heap_max(ctx: &Ctx<'_>, memory: &wasmer::Memory) -> u64 {
    let max_pages = memory.ty(ctx).maximum.map_or(65536, |p| u64::from(p.0));
    (max_pages * WASM_PAGE_SIZE as u64).min(DEFAULT_HEAP_MAX)
}

/// `emscripten_resize_heap(requested_size) -> bool`: grows memory to at
/// least `requested_size` bytes (rounded up to whole pages). Returns 0 when
/// that exceeds the memory's maximum (malloc then returns NULL), 1 when
/// done or already that large.
pub fn emscripten_resize_heap(ctx: Ctx<'_>, requested: u32) -> Result<i32, RuntimeError> {
    let memory = memory(&ctx)?;
    let requested = u64::from(requested);
    let current = memory.view(&ctx).data_size();
    if requested <= current {
        return Ok(1);
    }
    if requested > heap_max(&ctx, &memory) {
        return Ok(0);
    }
    let delta = (requested - current).div_ceil(WASM_PAGE_SIZE as u64);
    let mut ctx = ctx;
    Ok(i32::from(memory.grow(&mut ctx, Pages(delta as u32)).is_ok()))
}

/// `emscripten_get_heap_max() -> bytes`: the memory's maximum, at most 2 GiB.
pub fn emscripten_get_heap_max(ctx: Ctx<'_>) -> Result<u32, RuntimeError> {
    let memory = memory(&ctx)?;
    Ok(heap_max(&ctx, &memory).min(u64::from(u32::MAX - WASM_PAGE_SIZE as u32 + 1)) as u32)
}

/// `emscripten_notify_memory_growth(memory_index)`: standalone builds
/// report a `memory.grow` they did themselves. Nothing to do: every host
/// call takes a fresh view of memory.
pub fn emscripten_notify_memory_growth(_ctx: Ctx<'_>, _index: u32) {}

/// `emscripten_memcpy_js(dest, src, n)` (emcc 3.1.47 to 3.1.56; renamed
/// `_emscripten_memcpy_js` until 3.1.74, gone with bulk memory in 4.0):
/// as [`emscripten_memcpy_big`], without a result.
pub fn emscripten_memcpy_js(ctx: Ctx<'_>, dest: u32, src: u32, n: u32) -> Result<(), RuntimeError> {
    emscripten_memcpy_big(ctx, dest, src, n).map(drop)
}

/// `emscripten_memcpy_big(dest, src, n) -> dest`: `memmove` within guest
/// memory. Out of bounds: a trap.
pub fn emscripten_memcpy_big(mut ctx: Ctx<'_>, dest: u32, src: u32, n: u32) -> Result<u32, RuntimeError> {
    with_memory(&mut ctx, |_, mem| {
        mem.slice(src, n)?;
        mem.slice(dest, n)?;
        let (s, d, n) = (src as usize, dest as usize, n as usize);
        mem.bytes_mut().copy_within(s..s + n, d);
        Ok(dest)
    })
    .map_err(mem_trap)
}

/// `_mmap_js(len, prot, flags, fd, offset, allocated, addr) -> 0` (emcc
/// 3.1.2x and later; `offset` an i64, split in two i32s without
/// `WASM_BIGINT`): maps `len` bytes of the file `fd` from `offset` into a
/// fresh, zeroed block of whole pages from the guest's
/// `emscripten_builtin_memalign` (or `malloc`) (a copy; `*allocated = 1`
/// so `munmap` frees it), as MEMFS does, and stores the block's address
/// at `addr`. Anonymous maps never get here (libc serves them). Errors
/// (negated): `EBADF`, `EACCES` (not readable), `EINVAL` (negative offset,
/// length 0), `ENOMEM`, `EFAULT`.
pub fn mmap_js(
    mut ctx: Ctx<'_>, len: u32, _prot: i32, _flags: i32, fd: i32, offset: i64, allocated: u32, addr: u32,
) -> Result<i32, RuntimeError> {
    // `addr` is checked first: a block made for nowhere would leak.
    if let Err(e) = with_memory(&mut ctx, |_, mem| mem.read_u32(addr)) {
        return Ok(neg(e));
    }
    let ptr = match map(ctx.as_mut(), len, fd, offset, allocated)? {
        Ok(ptr) => ptr,
        Err(e) => return Ok(neg(e)),
    };
    let r = with_memory(&mut ctx, |_, mem| mem.write_u32(addr, ptr));
    Ok(r.map_or_else(neg, |()| 0))
}

/// `_mmap_js(addr, len, prot, flags, fd, offset, allocated) -> ptr` of
/// emcc 3.1.6 (`offset` an i32; the block's address is the result): as
/// [`mmap_js`] (an address of 2 GiB or more reads as an error there, as
/// it does for the 3.1.6 glue's caller).
pub fn mmap_js_3_1_6(
    ctx: Ctx<'_>, _addr: i32, len: u32, _prot: i32, _flags: i32, fd: i32, offset: i32, allocated: u32,
) -> Result<i32, RuntimeError> {
    Ok(map(ctx, len, fd, i64::from(offset), allocated)?.map_or_else(neg, |ptr| ptr as i32))
}

/// Makes the block of a mapping and fills it: its address, or the errno.
fn map(mut ctx: Ctx<'_>, len: u32, fd: i32, offset: i64, allocated: u32) -> Result<Result<u32, Errno>, RuntimeError> {
    let size = match map_size(&mut ctx, fd, offset, len) {
        Ok(size) => size,
        Err(e) => return Ok(Err(e)),
    };
    let ptr = map_alloc(&mut ctx, size)?;
    if ptr == 0 {
        return Ok(Err(Errno::Nomem));
    }
    let r = with_memory(&mut ctx, |s, mem| {
        let file = s.host.fds.file(fd as u32, Access::READ)?;
        mem.slice_mut(ptr, size)?.fill(0);
        read_full_at(file, mem.slice_mut(ptr, len)?, offset as u64)?;
        mem.write_u32(allocated, 1)
    });
    if r.is_err() && guest(&ctx)?.free.is_some() {
        // The guest never learns of the block: it is given back.
        free(&mut ctx, ptr)?;
    }
    Ok(r.map(|()| ptr))
}

/// The size of the block a mapping of `len` bytes of `fd` at `offset`
/// takes: whole pages, as the glue's `mmapAlloc`. Errors: `EINVAL`
/// (negative offset, length 0), `EBADF`, `EACCES` (not open for reading).
fn map_size(ctx: &mut Ctx<'_>, fd: i32, offset: i64, len: u32) -> Result<u32, Errno> {
    if offset < 0 {
        return Err(Errno::Inval);
    }
    ctx.data_mut()
        .host
        .fds
        .file(fd as u32, Access::READ)
        .map_err(|e| match e {
            Errno::Notcapable => Errno::Acces,
            e => e,
        })?;
    len.checked_next_multiple_of(WASM_PAGE_SIZE as u32)
        .filter(|s| *s > 0)
        .ok_or(Errno::Inval)
}

/// A block of `size` bytes for a mapping, as the glue's `mmapAlloc`:
/// page-aligned when the guest exports its aligned allocator, else from
/// `malloc`. 0 when the guest is out of memory.
fn map_alloc(ctx: &mut Ctx<'_>, size: u32) -> Result<u32, RuntimeError> {
    let g = guest(ctx)?;
    if g.memalign.is_none() {
        return Ok(malloc(ctx, size).unwrap_or(0));
    }
    let align = WASM_PAGE_SIZE as i32;
    Ok(call_i32(ctx, &g.memalign, "emscripten_builtin_memalign", &[align, size as i32])? as u32)
}

/// Reads `buf` from `offset` of the file, until it is full or the file
/// ends (the rest stays as it was).
fn read_full_at(file: &mut OpenFile, buf: &mut [u8], offset: u64) -> Result<(), Errno> {
    let mut done = 0usize;
    while done < buf.len() {
        let n = file
            .file
            .pread(&mut [IoSliceMut::new(&mut buf[done..])], offset + done as u64)?;
        if n == 0 {
            break;
        }
        done += n;
    }
    Ok(())
}

/// Writes all of `data` at `offset` of the file. Errors: `EIO` when the
/// file takes nothing.
fn write_all_at(file: &mut OpenFile, data: &[u8], offset: u64) -> Result<(), Errno> {
    let mut done = 0usize;
    while done < data.len() {
        let n = file.file.pwrite(&[IoSlice::new(&data[done..])], offset + done as u64)?;
        if n == 0 {
            return Err(Errno::Io);
        }
        done += n;
    }
    Ok(())
}

/// `_munmap_js(addr, len, prot, flags, fd, offset) -> 0` (`offset` an
/// i64 from emcc 3.1.2x on): writes a shared, writable mapping back to its
/// file (`msync`), as MEMFS does; the guest frees the block itself.
/// Errors (negated): `EBADF`, `EFAULT`, `EINVAL` (negative offset).
pub fn munmap_js(
    mut ctx: Ctx<'_>, addr: u32, len: u32, prot: i32, flags: i32, fd: i32, offset: i64,
) -> Result<i32, RuntimeError> {
    if flags & MAP_SHARED == 0 || prot & PROT_WRITE == 0 || fd < 0 {
        return Ok(0);
    }
    let r = with_memory(&mut ctx, |s, mem| {
        let offset = u64::try_from(offset).map_err(|_| Errno::Inval)?;
        let file = s.host.fds.file(fd as u32, Access::WRITE)?;
        write_all_at(file, mem.slice(addr, len)?, offset)
    });
    Ok(r.map_or_else(neg, |()| 0))
}

/// `_munmap_js` of emcc 3.1.6 (`offset` an i32): as [`munmap_js`].
pub fn munmap_js_3_1_6(
    ctx: Ctx<'_>, addr: u32, len: u32, prot: i32, flags: i32, fd: i32, offset: i32,
) -> Result<i32, RuntimeError> {
    munmap_js(ctx, addr, len, prot, flags, fd, i64::from(offset))
}
