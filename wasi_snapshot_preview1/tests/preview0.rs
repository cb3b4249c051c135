//! `wasi_unstable` (preview0): the layouts that differ from preview1.

use imports::fs::{FileSystem, MemFs};
use imports::ModuleConfig;
use wasmer::{Instance, Module, Store, Value};

const WAT: &str = r#"(module
  (import "wasi_unstable" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fstat (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get" (func $pstat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x100) "f.txt")
  (func (export "open") (result i32)
    (call $open (i32.const 3) (i32.const 1) (i32.const 0x100) (i32.const 5) (i32.const 0)
      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 0x200)))
  (func (export "seek") (param i32 i64 i32) (result i32)
    (call $seek (local.get 0) (local.get 1) (local.get 2) (i32.const 0x300)))
  (func (export "fstat") (param i32) (result i32) (call $fstat (local.get 0) (i32.const 0x400)))
  (func (export "pstat") (result i32)
    (call $pstat (i32.const 3) (i32.const 1) (i32.const 0x100) (i32.const 5) (i32.const 0x500)))
  (func (export "poll") (result i32)
    (call $poll (i32.const 0x600) (i32.const 0x700) (i32.const 1) (i32.const 0x800))))"#;

fn call(store: &mut Store, i: &Instance, name: &str, args: &[Value]) -> i32 {
    i.exports.get_function(name).unwrap().call(store, args).unwrap()[0].unwrap_i32()
}

#[test]
fn preview0_layouts() {
    let fs = MemFs::new();
    fs.write_file("f.txt", b"0123456789").unwrap();
    fs.hard_link("f.txt", "g.txt").unwrap();
    let mut store = Store::default();
    let module = Module::new(&store, WAT).unwrap();
    let wasi = wasi_snapshot_preview1::instantiate(
        &mut store,
        ModuleConfig::new().deterministic(0).mount("/", fs).build().unwrap(),
    );
    let i = Instance::new(&mut store, &module, wasi.imports()).unwrap();
    wasi.bind(&mut store, &i).unwrap();
    let mem = i.exports.get_memory("memory").unwrap().clone();
    let read = |store: &Store, at: u64, n: usize| {
        let mut b = vec![0u8; n];
        mem.view(store).read(at, &mut b).unwrap();
        b
    };
    assert_eq!(call(&mut store, &i, "open", &[]), 0);
    let fd = u32::from_le_bytes(read(&store, 0x200, 4).try_into().unwrap()) as i32;
    // whence: 2 is SET, 1 is END, 0 is CUR in preview0.
    let seek = |store: &mut Store, off: i64, w: i32| {
        let e = call(store, &i, "seek", &[Value::I32(fd), Value::I64(off), Value::I32(w)]);
        (e, u64::from_le_bytes(read(store, 0x300, 8).try_into().unwrap()))
    };
    assert_eq!(seek(&mut store, 4, 2), (0, 4));
    assert_eq!(seek(&mut store, 1, 0), (0, 5));
    assert_eq!(seek(&mut store, -2, 1), (0, 8));
    assert_eq!(seek(&mut store, 0, 3).0, 28); // EINVAL
                                              // filestat: nlink is a u32 at 20, size at 24.
    assert_eq!(call(&mut store, &i, "fstat", &[Value::I32(fd)]), 0);
    let st = read(&store, 0x400, 56);
    assert_eq!(st[16], 4); // regular file
    assert_eq!(u32::from_le_bytes(st[20..24].try_into().unwrap()), 2);
    assert_eq!(u64::from_le_bytes(st[24..32].try_into().unwrap()), 10);
    assert_eq!(call(&mut store, &i, "pstat", &[]), 0);
    assert_eq!(read(&store, 0x500, 56), st);
    // A relative monotonic clock subscription: identifier at 16, id at
    // 24, timeout at 32; the event carries the subscription's userdata.
    let mut sub = [0u8; 56];
    sub[0..8].copy_from_slice(&77u64.to_le_bytes());
    sub[16..24].copy_from_slice(&5u64.to_le_bytes());
    sub[24..28].copy_from_slice(&1u32.to_le_bytes());
    sub[32..40].copy_from_slice(&1_000_000u64.to_le_bytes());
    mem.view(&store).write(0x600, &sub).unwrap();
    assert_eq!(call(&mut store, &i, "poll", &[]), 0);
    assert_eq!(u32::from_le_bytes(read(&store, 0x800, 4).try_into().unwrap()), 1);
    assert_eq!(u64::from_le_bytes(read(&store, 0x700, 8).try_into().unwrap()), 77);
    assert_eq!(u16::from_le_bytes(read(&store, 0x708, 2).try_into().unwrap()), 0);
}
