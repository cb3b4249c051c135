//! Host functions given hostile arguments: bad pointers, missing NULs,
//! tiny or huge buffers, unknown descriptors, paths that try to leave their
//! mount. Each must answer with a negated errno or a clean trap, never a
//! host panic. The guest re-exports the imports so the test can call them
//! directly.

use emscripten::EmEnv;
use imports::fs::{FileSystem, MemFs, OpenOptions};
use imports::ModuleConfig;
use std::io::IoSlice;
use std::sync::Arc;
use wasmer::{Instance, Module, Store, Value};

const WAT: &str = r#"(module
  (import "env" "__syscall_open" (func $open (param i32 i32 i32) (result i32)))
  (import "env" "__syscall_stat64" (func $stat (param i32 i32) (result i32)))
  (import "env" "__syscall_getdents64" (func $getdents (param i32 i32 i32) (result i32)))
  (import "env" "__syscall_getcwd" (func $getcwd (param i32 i32) (result i32)))
  (import "env" "__syscall_chdir" (func $chdir (param i32) (result i32)))
  (import "env" "__syscall_fcntl64" (func $fcntl (param i32 i32 i32) (result i32)))
  (import "env" "__syscall_rename" (func $rename (param i32 i32) (result i32)))
  (import "env" "emscripten_memcpy_big" (func $memcpy (param i32 i32 i32) (result i32)))
  (import "env" "strftime" (func $strftime (param i32 i32 i32 i32) (result i32)))
  (import "env" "strptime" (func $strptime (param i32 i32 i32) (result i32)))
  (import "env" "_mmap_js" (func $mmap (param i32 i32 i32 i32 i64 i32 i32) (result i32)))
  (import "env" "emscripten_resize_heap" (func $resize (param i32) (result i32)))
  (memory (export "memory") 1 4)
  (export "open" (func $open))
  (export "stat" (func $stat))
  (export "getdents" (func $getdents))
  (export "getcwd" (func $getcwd))
  (export "chdir" (func $chdir))
  (export "fcntl" (func $fcntl))
  (export "rename" (func $rename))
  (export "memcpy" (func $memcpy))
  (export "strftime" (func $strftime))
  (export "strptime" (func $strptime))
  (func (export "malloc") (param i32) (result i32) (i32.const 0))
  (func (export "mmap_into") (param $addr i32) (result i32)
    (call $mmap (i32.const 4096) (i32.const 1) (i32.const 1) (i32.const 99) (i64.const 0) (i32.const 0) (local.get $addr)))
  (export "resize" (func $resize)))"#;

// Linux-style negated WASI errno numbers, as Emscripten's libc expects.
const EFAULT: i32 = -21;
const EINVAL: i32 = -28;
const ENAMETOOLONG: i32 = -37;
const ENOENT: i32 = -44;
const EBADF: i32 = -8;
const ERANGE: i32 = -68;
const EPERM: i32 = -63;
const EXDEV: i32 = -75;

struct Guest {
    store: Store,
    instance: Instance,
}

impl Guest {
    fn new() -> Guest {
        let data: Arc<dyn FileSystem> = Arc::new(MemFs::new());
        data.create_dir("dir").unwrap();
        let opts = OpenOptions {
            write: true,
            create: true,
            ..OpenOptions::default()
        };
        let mut f = data.open("dir/file.txt", &opts).unwrap();
        f.write_vectored(&[IoSlice::new(b"hello")]).unwrap();
        data.symlink("../../escape", "dir/out").unwrap();
        let other: Arc<dyn FileSystem> = Arc::new(MemFs::new());
        let config = ModuleConfig::new()
            .mount_shared("/data", data)
            .mount_shared("/other", other);
        let mut store = Store::default();
        let module = Module::new(&store, WAT).unwrap();
        let em = emscripten::instantiate(&mut store, config.build().unwrap(), &module).unwrap();
        let instance = Instance::new(&mut store, &module, em.imports()).unwrap();
        em.bind(&mut store, &instance).unwrap();
        let _: &wasmer::FunctionEnv<EmEnv> = em.env();
        Guest { store, instance }
    }

    fn call(&mut self, name: &str, args: &[i32]) -> Result<i32, wasmer::RuntimeError> {
        let f = self.instance.exports.get_function(name).unwrap().clone();
        let args: Vec<Value> = args.iter().map(|a| Value::I32(*a)).collect();
        let r = f.call(&mut self.store, &args)?;
        Ok(r.first().and_then(Value::i32).unwrap_or(0))
    }

    fn put(&mut self, at: u32, bytes: &[u8]) {
        let mem = self.instance.exports.get_memory("memory").unwrap();
        mem.view(&self.store).write(u64::from(at), bytes).unwrap();
    }

    fn get(&mut self, at: u32, len: usize) -> Vec<u8> {
        let mem = self.instance.exports.get_memory("memory").unwrap();
        let mut buf = vec![0; len];
        mem.view(&self.store).read(u64::from(at), &mut buf).unwrap();
        buf
    }

    fn path(&mut self, p: &str) -> i32 {
        let mut b = p.as_bytes().to_vec();
        b.push(0);
        self.put(100, &b);
        100
    }
}

#[test]
fn bad_paths_are_errnos() {
    let mut g = Guest::new();
    assert_eq!(g.call("open", &[-16, 0, 0]).unwrap(), EFAULT);
    g.put(65534, b"ab");
    assert_eq!(g.call("open", &[65534, 0, 0]).unwrap(), EFAULT, "no NUL before the end");
    g.put(1000, &[b'a'; 5000]);
    g.put(6000, &[0]);
    assert_eq!(g.call("open", &[1000, 0, 0]).unwrap(), ENAMETOOLONG);
    let p = g.path("/nowhere/file");
    assert_eq!(g.call("open", &[p, 0, 0]).unwrap(), ENOENT);
    let p = g.path("/data/../../data/dir/file.txt");
    assert!(g.call("open", &[p, 0, 0]).unwrap() >= 0, ".. stops at / as in the glue");
    let p = g.path("/data/dir/out");
    assert_eq!(
        g.call("open", &[p, 0, 0]).unwrap(),
        EPERM,
        "a symlink leaving the mount"
    );
    let p = g.path("/data/dir/file.txt");
    assert_eq!(g.call("stat", &[p, 65530]).unwrap(), EFAULT);
    let (a, b) = (g.path("/data/dir/file.txt"), 200);
    g.put(200, b"/other/x\0");
    assert_eq!(g.call("rename", &[a, b]).unwrap(), EXDEV);
}

#[test]
fn buffers_are_checked() {
    let mut g = Guest::new();
    assert_eq!(g.call("getcwd", &[300, 0]).unwrap(), EINVAL);
    assert_eq!(g.call("getcwd", &[300, 1]).unwrap(), ERANGE);
    assert_eq!(g.call("getcwd", &[65535, 100]).unwrap(), EFAULT);
    let p = g.path("/data/dir");
    assert_eq!(g.call("chdir", &[p]).unwrap(), 0);
    assert_eq!(g.call("getcwd", &[300, 100]).unwrap(), 300);
    assert_eq!(g.get(300, 10), b"/data/dir\0");

    let p = g.path("/data/dir");
    let fd = g.call("open", &[p, 0o200000, 0]).unwrap();
    assert!(fd >= 0);
    assert_eq!(
        g.call("getdents", &[fd, 1000, 10]).unwrap(),
        EINVAL,
        "too small for a record"
    );
    assert_eq!(g.call("getdents", &[fd, 65500, 4096]).unwrap(), EFAULT);
    let n = g.call("getdents", &[fd, 1000, 280 * 8]).unwrap();
    assert_eq!(n, 280 * 4, ". .. file.txt out");
    let names: Vec<String> = (0..4)
        .map(|i| {
            let rec = g.get(1000 + 280 * i, 280);
            let end = rec[19..].iter().position(|&b| b == 0).unwrap();
            String::from_utf8(rec[19..19 + end].to_vec()).unwrap()
        })
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, [".", "..", "file.txt", "out"]);
    assert_eq!(
        g.call("getdents", &[fd, 1000, 280 * 8]).unwrap(),
        0,
        "end of the listing"
    );
    assert_eq!(g.call("getdents", &[99, 1000, 280]).unwrap(), EBADF);
    assert_eq!(g.call("fcntl", &[-1, 3, 0]).unwrap(), EBADF);
    assert_eq!(
        g.call("fcntl", &[fd, 3, 0]).unwrap(),
        0o200000,
        "F_GETFL of a directory"
    );
    assert_eq!(
        g.call("fcntl", &[fd, 4, 65534]).unwrap(),
        EFAULT,
        "F_SETFL reads its argument"
    );
}

#[test]
fn memory_functions_trap_or_refuse() {
    let mut g = Guest::new();
    assert!(g.call("memcpy", &[0, 65000, 1000]).is_err(), "source out of bounds");
    assert!(
        g.call("memcpy", &[65000, 0, 1000]).is_err(),
        "destination out of bounds"
    );
    g.put(0, b"abcdef");
    assert_eq!(g.call("memcpy", &[2, 0, 4]).unwrap(), 2);
    assert_eq!(g.get(0, 6), b"ababcd", "overlapping copy is a memmove");
    assert_eq!(
        g.call("resize", &[5 * 65536]).unwrap(),
        0,
        "beyond the maximum of 4 pages"
    );
    assert_eq!(g.call("resize", &[3 * 65536]).unwrap(), 1);
    assert_eq!(g.call("resize", &[-1]).unwrap(), 0);
    // strftime: a tm outside memory traps; a result that does not fit is 0.
    assert!(g.call("strftime", &[0, 100, 0, 3 * 65536 - 10]).is_err());
    g.put(500, b"%Y-%m-%d %A\0");
    g.put(600, &[0; 44]);
    assert_eq!(g.call("strftime", &[700, 5, 500, 600]).unwrap(), 0);
    assert_eq!(g.call("strftime", &[700, 100, 500, 600]).unwrap(), 17);
    assert_eq!(g.get(700, 18), b"1900-01-00 Sunday\0");
    // Every field i32::MAX (tm_zone null), every conversion: no
    // overflow, some answer.
    g.put(500, b"%a%A%b%B%c%C%d%D%e%F%g%G%H%I%j%m%M%p%r%R%S%T%u%U%V%w%W%y%Y%z\0");
    g.put(600, &i32::MAX.to_le_bytes().repeat(10));
    g.put(640, &[0; 4]);
    assert!(g.call("strftime", &[700, 60000, 500, 600]).unwrap() > 0);
    // mmap: where to store the block's address is checked before any
    // block is made (else it would leak): EFAULT, not the fd's EBADF.
    assert_eq!(g.call("mmap_into", &[-4]).unwrap(), EFAULT);
    // strptime's end is counted in the guest's bytes, whatever they are:
    // "\xffx" is two bytes, though it reads as three and one characters.
    g.put(800, b"\xffx\0");
    g.put(810, b"%Y\0");
    assert_eq!(g.call("strptime", &[800, 810, 600]).unwrap(), 0, "no year there");
    g.put(830, b"\xffx\0");
    let end = g.call("strptime", &[800, 830, 600]).unwrap();
    assert!(end == 0 || (800..=802).contains(&end), "{end}");
}

/// Runs `wat` as an Emscripten program; its trap's message.
fn trap_of(wat: &str) -> String {
    let mut store = Store::default();
    let module = Module::new(&store, wat).unwrap();
    match emscripten::run(&mut store, &module, imports::ModuleConfig::new()) {
        Err(emscripten::Error::Trap(t)) => t.message(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

/// A signal handler that raises its signal again re-enters the host
/// without end: a trap saying the call stack is exhausted, not a host
/// stack overflow or wasmer's abort when it runs out of wasm stacks.
#[test]
fn a_signal_handler_that_raises_again_traps() {
    let message = trap_of(
        r#"(module
        (import "env" "__call_sighandler" (func $call (param i32 i32)))
        (memory (export "memory") 1)
        (table (export "__indirect_function_table") 2 funcref)
        (elem (i32.const 1) $handler)
        (func $handler (param $sig i32) (call $call (i32.const 1) (local.get $sig)))
        (func (export "main") (result i32) (call $call (i32.const 1) (i32.const 10)) (i32.const 0)))"#,
    );
    assert!(message.contains("call stack exhausted"), "{message}");
}

/// `__throw_exception_with_stack_trace` with a `__cpp_exception` tag whose
/// payload is not one i32 (wasmer would panic making the exception): a
/// trap naming the tag.
#[test]
fn a_cpp_exception_tag_of_another_type_is_a_trap() {
    let message = trap_of(
        r#"(module
        (import "env" "__throw_exception_with_stack_trace" (func $throw (param i32)))
        (tag $t (export "__cpp_exception") (param i64))
        (memory (export "memory") 1)
        (table (export "__indirect_function_table") 1 funcref)
        (func (export "main") (result i32) (call $throw (i32.const 8)) (i32.const 0)))"#,
    );
    assert!(message.contains("__cpp_exception (a tag of one i32)"), "{message}");
}
