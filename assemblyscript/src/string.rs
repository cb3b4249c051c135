//! AssemblyScript strings in guest memory, read the way the generated
//! bindings' `__liftString` reads them, and written to a guest stream
//! without allocating.
//!
//! A string is UTF-16LE code units at `ptr`, its length in bytes the `u32`
//! at `ptr - 4` (`~lib/rt/common.ts`, `OBJECT.rtSize`). Null (`ptr == 0`)
//! lifts to JavaScript's `null`, printed `null`. Like the bindings:
//! an odd byte length drops the last byte; a length running past the end
//! of memory is cut at the end; a header outside memory reads as an empty
//! string; lone surrogates become U+FFFD, as node does when it writes them
//! as UTF-8. Nothing here panics or allocates in proportion to guest input.

use imports::descriptor::{Access, Descriptors};
use imports::GuestMemory;
use std::io::IoSlice;

/// The code units of the string at `ptr`, as a range of `u16` indexes into
/// memory, or `None` for null. Mirrors `__liftString` in the bindings:
/// `end = ptr + U32[ptr - 4 >>> 2] >>> 1`, `start = ptr >>> 1`, both then
/// clamped to memory as `Uint16Array.subarray` clamps them.
pub fn units(mem: &GuestMemory<'_>, ptr: u32) -> Option<std::ops::Range<usize>> {
    if ptr == 0 {
        return None;
    }
    let words = mem.len() / 4;
    let header = (ptr.wrapping_sub(4) >> 2) as usize;
    let Some(len) = (header < words)
        .then(|| mem.read_u32((header * 4) as u32).ok())
        .flatten()
    else {
        // `U32[...]` is `undefined` past the end; `ptr + undefined` is NaN,
        // which `>>> 1` turns into 0: an empty string.
        return Some(0..0);
    };
    let end = (ptr.wrapping_add(len) >> 1) as usize;
    let start = (ptr >> 1) as usize;
    let limit = mem.len() / 2;
    let (start, end) = (start.min(limit), end.min(limit));
    Some(start..end.max(start))
}

/// The characters of the string at `ptr` (`None` for null), lone
/// surrogates replaced by U+FFFD.
pub fn chars<'m>(mem: &'m GuestMemory<'_>, ptr: u32) -> Option<impl Iterator<Item = char> + 'm> {
    let range = units(mem, ptr)?;
    let bytes = &mem.bytes()[range.start * 2..range.end * 2];
    let units = bytes.chunks_exact(2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    Some(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)))
}

/// The string at `ptr` as a Rust string (`"null"` for null), at most
/// `max_chars` characters: for the few places that must keep a string
/// (console.time labels).
pub fn lift(mem: &GuestMemory<'_>, ptr: u32, max_chars: usize) -> String {
    match chars(mem, ptr) {
        Some(c) => c.take(max_chars).collect(),
        None => "null".into(),
    }
}

/// A line of output for one of the guest's streams (fd 1 or 2 of the
/// shared descriptor table), assembled in a fixed buffer and written as it
/// fills. Write errors are dropped, as node drops a console write that
/// fails: output is best effort and never ends the guest.
pub struct Sink<'d> {
    fds: &'d mut Descriptors,
    fd: u32,
    buf: [u8; 4096],
    len: usize,
}

impl<'d> Sink<'d> {
    /// Output to `fd` (1: stdout, 2: stderr).
    pub fn new(fds: &'d mut Descriptors, fd: u32) -> Self {
        Sink {
            fds,
            fd,
            buf: [0; 4096],
            len: 0,
        }
    }

    /// Appends text.
    pub fn str(&mut self, s: &str) -> &mut Self {
        for chunk in s.as_bytes().chunks(self.buf.len()) {
            if self.buf.len() - self.len < chunk.len() {
                self.flush();
            }
            self.buf[self.len..self.len + chunk.len()].copy_from_slice(chunk);
            self.len += chunk.len();
        }
        self
    }

    /// Appends one character.
    pub fn char(&mut self, c: char) -> &mut Self {
        if self.buf.len() - self.len < 4 {
            self.flush();
        }
        self.len += c.encode_utf8(&mut self.buf[self.len..]).len();
        self
    }

    /// Appends the AssemblyScript string at `ptr` (`null` for null).
    pub fn guest(&mut self, mem: &GuestMemory<'_>, ptr: u32) -> &mut Self {
        match chars(mem, ptr) {
            Some(chars) => {
                for c in chars {
                    self.char(c);
                }
                self
            }
            None => self.str("null"),
        }
    }

    fn flush(&mut self) {
        let mut at = 0;
        while at < self.len {
            let Ok(f) = self.fds.file(self.fd, Access::WRITE) else {
                break;
            };
            match f.file.write_vectored(&[IoSlice::new(&self.buf[at..self.len])]) {
                Ok(0) | Err(_) => break,
                Ok(n) => at += n,
            }
        }
        self.len = 0;
    }
}

impl Drop for Sink<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Memory with an AssemblyScript string of `units` at 16 (header at 12).
    fn memory(units: &[u16], byte_len: u32) -> Vec<u8> {
        let mut m = vec![0u8; 64];
        m[12..16].copy_from_slice(&byte_len.to_le_bytes());
        for (i, u) in units.iter().enumerate() {
            m[16 + 2 * i..18 + 2 * i].copy_from_slice(&u.to_le_bytes());
        }
        m
    }

    fn text(mem: &[u8], ptr: u32) -> String {
        let mut m = mem.to_vec();
        lift(&GuestMemory::new(&mut m), ptr, usize::MAX)
    }

    #[test]
    fn strings_lift_as_the_bindings_lift_them() {
        let hi: Vec<u16> = "hé🎉".encode_utf16().collect();
        let m = memory(&hi, 2 * hi.len() as u32);
        assert_eq!(text(&m, 16), "hé🎉");
        assert_eq!(text(&m, 0), "null");
        // Odd length: the last byte is dropped.
        assert_eq!(text(&memory(&[0x61, 0x62], 3), 16), "a");
        // Lone surrogates: U+FFFD.
        assert_eq!(text(&memory(&[0xd800, 0x61, 0xdc00], 6), 16), "\u{fffd}a\u{fffd}");
        // A length past the end of memory is cut there.
        let long = text(&memory(&[0x61], u32::MAX - 100), 16);
        assert_eq!(long.len(), 24, "{long:?}");
        // Headers outside memory, pointers near the ends: empty, no panic.
        for ptr in [1, 2, 3, 4, 62, 63, 64, 65, 1 << 20, u32::MAX - 3, u32::MAX] {
            let _ = text(&m, ptr);
        }
        assert_eq!(text(&m, 1 << 20), "");
        assert_eq!(text(&m, u32::MAX), "");
    }
}
