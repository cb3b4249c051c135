//! Property test: every WASI function, called with arbitrary arguments on
//! an arbitrary small memory, returns an errno or ends the guest with an
//! exit code. It never panics the host, never traps otherwise, and never
//! hangs (deterministic clocks make sleeps instant).

mod common;

use common::{Guest, A, FUNCS};
use imports::fs::{FileSystem, MemFs};
use imports::{ExitCode, ModuleConfig};
use proptest::prelude::*;

/// Values that find bugs: zero, small, around the 64 KiB page, and the
/// top of the u32 / u64 ranges.
fn word() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(1),
        Just(3),
        Just(4),
        0u32..64,
        0u32..0x1_0000,
        Just(0xFFF8),
        Just(0xFFFF),
        Just(0x1_0000),
        Just(0x1_0001),
        Just(i32::MAX as u32),
        Just(u32::MAX - 7),
        Just(u32::MAX),
        any::<u32>(),
    ]
}

fn dword() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        0u64..1024,
        Just(i64::MAX as u64),
        Just(u64::MAX),
        Just(1u64 << 63),
        any::<u64>(),
        word().prop_map(u64::from),
    ]
}

fn world() -> Guest {
    let fs = MemFs::new();
    fs.create_dir("d").unwrap();
    fs.write_file("d/f", b"contents").unwrap();
    fs.symlink("d/f", "l").unwrap();
    fs.symlink("../../x", "out").unwrap();
    Guest::new(
        ModuleConfig::new()
            .deterministic(1)
            .args(["p", "a"])
            .env("K", "V")
            .mount("/m", fs),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_call_is_an_errno_or_an_exit(
        func in 0..FUNCS.len(),
        words in proptest::collection::vec(word(), 9),
        dwords in proptest::collection::vec(dword(), 9),
        memory in proptest::collection::vec((0u32..0x1_0000, any::<u8>()), 0..64),
        // Point some word arguments at small valid structures.
        small in proptest::collection::vec(0u32..0x400, 9),
        use_small in proptest::collection::vec(any::<bool>(), 9),
    ) {
        let mut g = world();
        for (at, b) in memory {
            g.write(at, &[b]);
        }
        let (name, params, _) = FUNCS[func];
        let args: Vec<A> = params
            .chars()
            .enumerate()
            .map(|(i, c)| match c {
                'j' => A::J(dwords[i]),
                _ if use_small[i] => A::I(small[i]),
                _ => A::I(words[i]),
            })
            .collect();
        match g.try_call(name, &args) {
            Ok(_) => {}
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(ExitCode::from_runtime_error(e).is_ok(), "{name} trapped: {msg}");
            }
        }
    }
}
