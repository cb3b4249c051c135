//! Fuzzes the WASI preview1 import set: the input is a sequence of calls
//! (function, arguments, and bytes poked into guest memory first) made
//! through the test guest that re-exports every WASI import. Any host
//! panic, or a trap other than an exit, is a finding.

#![no_main]

#[path = "../../wasi_snapshot_preview1/tests/common.rs"]
mod common;

use common::{Guest, A, FUNCS};
use imports::fs::{FileSystem, MemFs};
use imports::{ExitCode, ModuleConfig};
use libfuzzer_sys::fuzz_target;

/// Reads little-endian integers off the input, zero when it runs out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut b = [0u8; N];
        let n = N.min(self.0.len());
        b[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        b
    }
    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
}

fuzz_target!(|data: &[u8]| {
    let fs = MemFs::with_capacity_limit(1 << 20);
    let _ = fs.create_dir("d");
    let _ = fs.write_file("d/f", b"contents");
    let _ = fs.symlink("d/f", "l");
    let _ = fs.symlink("../../x", "out");
    let mut g = Guest::new(
        ModuleConfig::new()
            .deterministic(1)
            .args(["p", "a"])
            .env("K", "V")
            .mount("/m", fs),
    );
    let mut input = Input(data);
    for _ in 0..16 {
        if input.0.is_empty() {
            break;
        }
        // Up to 4 bytes poked into memory, mostly in the low 4 KiB where
        // small argument values point.
        for _ in 0..(input.u8() % 5) {
            let at = u32::from(input.u8()) << 4 | u32::from(input.u8() & 0xf);
            g.write(at, &[input.u8()]);
        }
        let (name, params, _) = FUNCS[usize::from(input.u8()) % FUNCS.len()];
        let args: Vec<A> = params
            .chars()
            .map(|c| match c {
                'j' => A::J(input.u64()),
                // Small values most of the time: they reach deeper code.
                _ => match input.u8() % 4 {
                    0 => A::I(input.u32()),
                    _ => A::I(u32::from(input.u8()) << 4),
                },
            })
            .collect();
        if let Err(e) = g.try_call(name, &args) {
            let msg = e.to_string();
            assert!(ExitCode::from_runtime_error(e).is_ok(), "{name} trapped: {msg}");
            break;
        }
    }
});
