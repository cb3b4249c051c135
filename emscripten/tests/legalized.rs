//! A current build without `WASM_BIGINT` imports `_mktime_js` and
//! `_timegm_js` as `(tm) -> i32`, the very type emcc 3.1.6 gave them, but
//! means the legalized `(tm) -> i64`: the low half returned, the high half
//! through the guest's `_emscripten_tempret_set`. A guest that exports
//! that gets the i64 form; one that does not keeps 3.1.6's.

use imports::zone::Zone;
use imports::ModuleConfig;
use wasmer::{Module, Store};

/// A guest that calls `import` on 1960-01-01 00:00:00 (UTC: -315619200 s,
/// high half -1) and exits 7 when the low half is right and the high half
/// came through `_emscripten_tempret_set` (`with_tempret`), 8 when the
/// low half is right and no high half came, 1 otherwise.
fn exit_of(import: &str, with_tempret: bool) -> u32 {
    let tempret = match with_tempret {
        true => r#"(func (export "_emscripten_tempret_set") (param i32) (global.set $hi (local.get 0)))"#,
        false => "",
    };
    let wat = format!(
        r#"(module
        (import "env" "{import}" (func $f (param i32) (result i32)))
        (memory (export "memory") 1)
        (global $hi (mut i32) (i32.const 0))
        {tempret}
        (data (i32.const 100) "\00\00\00\00\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\3c\00\00\00")
        (func (export "main") (result i32) (local $lo i32)
          (local.set $lo (call $f (i32.const 100)))
          (if (result i32) (i32.ne (local.get $lo) (i32.const -315619200))
            (then (i32.const 1))
            (else (if (result i32) (i32.eq (global.get $hi) (i32.const -1))
              (then (i32.const 7))
              (else (i32.const 8)))))))"#
    );
    let mut store = Store::default();
    let module = Module::new(&store, wat).unwrap();
    let config = ModuleConfig::new().time_zone(Zone::utc());
    emscripten::run(&mut store, &module, config).unwrap()
}

#[test]
fn mktime_and_timegm_give_the_high_half_to_a_guest_that_keeps_tempret0() {
    assert_eq!(exit_of("_mktime_js", true), 7);
    assert_eq!(exit_of("_timegm_js", true), 7);
}

#[test]
fn mktime_and_timegm_stay_32_bit_for_an_emcc_3_1_6_guest() {
    assert_eq!(exit_of("_mktime_js", false), 8);
    assert_eq!(exit_of("_timegm_js", false), 8);
}
