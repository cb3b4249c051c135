//! The POSIX corners the three ABIs used to answer each in their own way
//! (issue 14's "what drifted"), as Emscripten's syscalls answer them now
//! that one core operation decides for all. The same cases run through
//! WASI in `wasi_snapshot_preview1/tests/posix.rs` and through Go in
//! `gojs/src/fs.rs`.

use imports::fs::{FileSystem, MemFs};
use imports::ModuleConfig;
use wasmer::{Instance, Module, Store, Value};

const WAT: &str = r#"(module
  (import "env" "__syscall_renameat" (func $renameat (param i32 i32 i32 i32) (result i32)))
  (import "env" "__syscall_unlinkat" (func $unlinkat (param i32 i32 i32) (result i32)))
  (import "env" "__syscall_mkdirat" (func $mkdirat (param i32 i32 i32) (result i32)))
  (import "env" "__syscall_fstat64" (func $fstat (param i32 i32) (result i32)))
  (import "env" "__syscall_stat64" (func $stat (param i32 i32) (result i32)))
  (import "env" "__syscall_fchownat" (func $fchownat (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (export "renameat" (func $renameat))
  (export "unlinkat" (func $unlinkat))
  (export "mkdirat" (func $mkdirat))
  (export "fstat" (func $fstat))
  (export "stat" (func $stat))
  (export "fchownat" (func $fchownat)))"#;

const AT_FDCWD: i32 = -100;
const AT_REMOVEDIR: i32 = 0x200;
// Negated WASI errno numbers, as Emscripten's libc expects.
const EBUSY: i32 = -10;
const EEXIST: i32 = -20;
const EINVAL: i32 = -28;
const EISDIR: i32 = -31;
const ENOENT: i32 = -44;
const ENOTDIR: i32 = -54;
const EPERM: i32 = -63;
const AT_SYMLINK_NOFOLLOW: i32 = 0x100;

struct Guest {
    store: Store,
    instance: Instance,
}

impl Guest {
    fn new(config: ModuleConfig) -> Guest {
        Guest::of(WAT, config)
    }

    fn of(wat: &str, config: ModuleConfig) -> Guest {
        let mut store = Store::default();
        let module = Module::new(&store, wat).unwrap();
        let em = emscripten::instantiate(&mut store, config.build().unwrap(), &module).unwrap();
        let instance = Instance::new(&mut store, &module, em.imports()).unwrap();
        em.bind(&mut store, &instance).unwrap();
        Guest { store, instance }
    }

    fn with_files() -> Guest {
        let fs = MemFs::new();
        fs.create_dir("dir").unwrap();
        fs.write_file("file", b"x").unwrap();
        fs.write_file("private", b"x").unwrap();
        fs.set_mode("private", 0o600).unwrap();
        Guest::new(ModuleConfig::new().mount("/data", fs))
    }

    fn call(&mut self, name: &str, args: &[i32]) -> i32 {
        let f = self.instance.exports.get_function(name).unwrap().clone();
        let args: Vec<Value> = args.iter().map(|a| Value::I32(*a)).collect();
        f.call(&mut self.store, &args).unwrap()[0].unwrap_i32()
    }

    /// Puts the NUL-terminated `p` at `at`; returns `at`.
    fn path(&mut self, at: i32, p: &str) -> i32 {
        let mem = self.instance.exports.get_memory("memory").unwrap();
        let mut b = p.as_bytes().to_vec();
        b.push(0);
        mem.view(&self.store).write(at as u64, &b).unwrap();
        at
    }

    fn u32_at(&self, at: u64) -> u32 {
        let mem = self.instance.exports.get_memory("memory").unwrap();
        let mut b = [0; 4];
        mem.view(&self.store).read(at, &mut b).unwrap();
        u32::from_le_bytes(b)
    }

    fn rename(&mut self, from: &str, to: &str) -> i32 {
        let (a, b) = (self.path(100, from), self.path(300, to));
        self.call("renameat", &[AT_FDCWD, a, AT_FDCWD, b])
    }

    fn at(&mut self, name: &str, p: &str, flags: i32) -> i32 {
        let p = self.path(100, p);
        self.call(name, &[AT_FDCWD, p, flags])
    }
}

#[test]
fn rename_refuses_a_trailing_slash_on_a_non_directory() {
    let mut g = Guest::with_files();
    assert_eq!(g.rename("/data/file", "/data/new/"), ENOTDIR);
    assert_eq!(g.rename("/data/file/", "/data/new"), ENOTDIR);
    assert_eq!(g.rename("/data", "/data/x"), EBUSY);
    assert_eq!(g.rename("/data/dir", "/data/dir2/"), 0);
}

#[test]
fn final_dots_and_slashes() {
    let mut g = Guest::with_files();
    assert_eq!(g.at("unlinkat", "/data/dir/.", AT_REMOVEDIR), EINVAL);
    assert_eq!(g.at("unlinkat", "/data", AT_REMOVEDIR), EBUSY);
    assert_eq!(g.at("unlinkat", "/data/file/", 0), ENOTDIR);
    assert_eq!(g.at("unlinkat", "/data/dir/", 0), EISDIR);
    assert_eq!(g.at("mkdirat", "/data/dir/.", 0o777), EEXIST);
    assert_eq!(g.at("mkdirat", "", 0o777), ENOENT);
}

/// `fchownat` (7-Zip's extraction imports it): one owner, 0, whom a file
/// may be given to or kept by (-1); anyone else is `EPERM`, a missing
/// file `ENOENT`, an unknown flag `EINVAL`.
#[test]
fn fchownat_knows_one_owner() {
    let mut g = Guest::with_files();
    let p = g.path(100, "/data/file");
    assert_eq!(g.call("fchownat", &[AT_FDCWD, p, 0, 0, 0]), 0);
    assert_eq!(g.call("fchownat", &[AT_FDCWD, p, -1, -1, AT_SYMLINK_NOFOLLOW]), 0);
    assert_eq!(g.call("fchownat", &[AT_FDCWD, p, 1000, -1, 0]), EPERM);
    assert_eq!(g.call("fchownat", &[AT_FDCWD, p, 0, 0, 0x1000]), EINVAL);
    let p = g.path(100, "/data/none");
    assert_eq!(g.call("fchownat", &[AT_FDCWD, p, 0, 0, 0]), ENOENT);
}

/// `st_mode` of the current `struct stat` (emcc 3.1.42 on: +4).
const ST_MODE: u64 = 4;

#[test]
fn st_mode_shows_the_permission_bits_a_file_system_keeps() {
    let mut g = Guest::with_files();
    let (p, buf) = (g.path(100, "/data/private"), 1000);
    assert_eq!(g.call("stat", &[p, buf]), 0);
    assert_eq!(g.u32_at(1000 + ST_MODE), 0o100600);
    let p = g.path(100, "/data/dir");
    assert_eq!(g.call("stat", &[p, buf]), 0);
    assert_eq!(g.u32_at(1000 + ST_MODE), 0o040755);
}

/// A module importing what only emcc before 3.1.20 imported
/// (`setTempRet0`) gets the legacy `struct stat` (`st_mode` at +12, size
/// at +40); the current one has the size at +24 (`layout.rs`).
#[test]
fn the_stat_layout_follows_the_modules_emcc() {
    let fs = MemFs::new();
    fs.write_file("file", b"12345").unwrap();
    let legacy = WAT.replacen(
        "(module",
        r#"(module (import "env" "setTempRet0" (func (param i32)))"#,
        1,
    );
    let mut g = Guest::of(&legacy, ModuleConfig::new().mount("/data", fs.clone()));
    let p = g.path(100, "/data/file");
    assert_eq!(g.call("stat", &[p, 1000]), 0);
    assert_eq!(g.u32_at(1000 + 12), 0o100644);
    assert_eq!(g.u32_at(1000 + 40), 5);
    let mut g = Guest::new(ModuleConfig::new().mount("/data", fs));
    let p = g.path(100, "/data/file");
    assert_eq!(g.call("stat", &[p, 1000]), 0);
    assert_eq!(g.u32_at(1000 + ST_MODE), 0o100644);
    assert_eq!(g.u32_at(1000 + 24), 5);
}

#[test]
fn fstat_of_a_listening_socket_is_a_socket() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut g = Guest::new(ModuleConfig::new().listener(listener));
    assert_eq!(g.call("fstat", &[3, 1000]), 0);
    assert_eq!(g.u32_at(1000 + ST_MODE) & 0o170000, 0o140000);
}
