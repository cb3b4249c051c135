//! A WAT guest that re-exports every WASI preview1 import as `call_NAME`,
//! so tests can call any host function with any (hostile) arguments.

#![allow(dead_code)]

use imports::{Errno, ExitCode, ModuleConfig};
use std::sync::OnceLock;
use wasmer::{Engine, Instance, Module, RuntimeError, Store, Value};

/// The guest compiled once per test binary; each `Guest` gets its own
/// store on the same engine.
fn compiled() -> &'static (Engine, Module) {
    static COMPILED: OnceLock<(Engine, Module)> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let engine = Engine::default();
        let module = Module::new(&engine, wat()).expect("generated WAT compiles");
        (engine, module)
    })
}

/// (name, parameter types, returns an errno).
pub const FUNCS: &[(&str, &str, bool)] = &[
    ("args_get", "ii", true),
    ("args_sizes_get", "ii", true),
    ("environ_get", "ii", true),
    ("environ_sizes_get", "ii", true),
    ("clock_res_get", "ii", true),
    ("clock_time_get", "iji", true),
    ("fd_advise", "ijji", true),
    ("fd_allocate", "ijj", true),
    ("fd_close", "i", true),
    ("fd_datasync", "i", true),
    ("fd_fdstat_get", "ii", true),
    ("fd_fdstat_set_flags", "ii", true),
    ("fd_fdstat_set_rights", "ijj", true),
    ("fd_filestat_get", "ii", true),
    ("fd_filestat_set_size", "ij", true),
    ("fd_filestat_set_times", "ijji", true),
    ("fd_pread", "iiiji", true),
    ("fd_prestat_get", "ii", true),
    ("fd_prestat_dir_name", "iii", true),
    ("fd_pwrite", "iiiji", true),
    ("fd_read", "iiii", true),
    ("fd_readdir", "iiiji", true),
    ("fd_renumber", "ii", true),
    ("fd_seek", "ijii", true),
    ("fd_sync", "i", true),
    ("fd_tell", "ii", true),
    ("fd_write", "iiii", true),
    ("path_create_directory", "iii", true),
    ("path_filestat_get", "iiiii", true),
    ("path_filestat_set_times", "iiiijji", true),
    ("path_link", "iiiiiii", true),
    ("path_open", "iiiiijjii", true),
    ("path_readlink", "iiiiii", true),
    ("path_remove_directory", "iii", true),
    ("path_rename", "iiiiii", true),
    ("path_symlink", "iiiii", true),
    ("path_unlink_file", "iii", true),
    ("poll_oneoff", "iiii", true),
    ("proc_exit", "i", false),
    ("proc_raise", "i", true),
    ("sched_yield", "", true),
    ("random_get", "ii", true),
    ("sock_accept", "iii", true),
    ("sock_recv", "iiiiii", true),
    ("sock_send", "iiiii", true),
    ("sock_shutdown", "ii", true),
];

fn wat() -> String {
    let mut s = String::from("(module\n");
    for (name, params, ret) in FUNCS {
        let ps: Vec<&str> = params.chars().map(|c| if c == 'j' { "i64" } else { "i32" }).collect();
        let result = if *ret { "(result i32)" } else { "" };
        s += &format!(
            "  (import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {}) {result}))\n",
            ps.join(" ")
        );
    }
    s += "  (memory (export \"memory\") 1)\n";
    for (name, params, ret) in FUNCS {
        let ps: Vec<&str> = params.chars().map(|c| if c == 'j' { "i64" } else { "i32" }).collect();
        let result = if *ret { "(result i32)" } else { "" };
        let gets: String = (0..ps.len()).map(|i| format!("local.get {i} ")).collect();
        s += &format!(
            "  (func (export \"call_{name}\") (param {}) {result} {gets} call ${name})\n",
            ps.join(" ")
        );
    }
    s + ")\n"
}

/// A guest instance whose WASI functions tests call directly.
pub struct Guest {
    pub store: Store,
    pub instance: Instance,
}

/// An argument: i32 or i64 as the function's signature needs.
pub enum A {
    I(u32),
    J(u64),
}

impl From<u32> for A {
    fn from(v: u32) -> A {
        A::I(v)
    }
}

impl Guest {
    pub fn new(cfg: ModuleConfig) -> Guest {
        let (engine, module) = compiled();
        let mut store = Store::new(engine.clone());
        let wasi = wasi_snapshot_preview1::instantiate(&mut store, cfg.build().unwrap());
        let instance = Instance::new(&mut store, module, wasi.imports()).unwrap();
        wasi.bind(&mut store, &instance).unwrap();
        Guest { store, instance }
    }

    /// Calls `call_NAME` and returns the errno, or the trap.
    pub fn try_call(&mut self, name: &str, args: &[A]) -> Result<Errno, RuntimeError> {
        let f = self
            .instance
            .exports
            .get_function(&format!("call_{name}"))
            .unwrap()
            .clone();
        let vals: Vec<Value> = args
            .iter()
            .map(|a| match a {
                A::I(v) => Value::I32(*v as i32),
                A::J(v) => Value::I64(*v as i64),
            })
            .collect();
        let r = f.call(&mut self.store, &vals)?;
        Ok(r.first()
            .map_or(Errno::Success, |v| Errno::from_wasi(v.unwrap_i32() as u16).unwrap()))
    }

    /// Calls `call_NAME`, which must not trap.
    pub fn call(&mut self, name: &str, args: &[A]) -> Errno {
        self.try_call(name, args)
            .unwrap_or_else(|e| panic!("{name} trapped: {e}"))
    }

    /// The exit code a call ended the guest with.
    pub fn exit_of(&mut self, name: &str, args: &[A]) -> u32 {
        let e = self.try_call(name, args).expect_err("expected an exit");
        ExitCode::from_runtime_error(e).expect("an ExitCode trap").0
    }

    fn memory(&self) -> wasmer::Memory {
        self.instance.exports.get_memory("memory").unwrap().clone()
    }

    pub fn write(&mut self, ptr: u32, bytes: &[u8]) {
        self.memory().view(&self.store).write(u64::from(ptr), bytes).unwrap();
    }

    pub fn read(&self, ptr: u32, len: usize) -> Vec<u8> {
        let mut b = vec![0; len];
        self.memory().view(&self.store).read(u64::from(ptr), &mut b).unwrap();
        b
    }

    pub fn u32_at(&self, ptr: u32) -> u32 {
        u32::from_le_bytes(self.read(ptr, 4).try_into().unwrap())
    }

    pub fn u64_at(&self, ptr: u32) -> u64 {
        u64::from_le_bytes(self.read(ptr, 8).try_into().unwrap())
    }

    /// Writes `s` at `ptr`, returns (ptr, len) as arguments.
    pub fn str(&mut self, ptr: u32, s: &str) -> (A, A) {
        self.write(ptr, s.as_bytes());
        (A::I(ptr), A::I(s.len() as u32))
    }

    /// Writes one iovec at `at` pointing at `buf`/`len`.
    pub fn iovec(&mut self, at: u32, buf: u32, len: u32) {
        self.write(at, &buf.to_le_bytes());
        self.write(at + 4, &len.to_le_bytes());
    }

    /// path_open relative to `dirfd`; returns the new fd or the errno.
    pub fn open(&mut self, dirfd: u32, path: &str, oflags: u32, base: u64, follow: bool) -> Result<u32, Errno> {
        let (p, l) = self.str(0x8000, path);
        let e = self.call(
            "path_open",
            &[
                A::I(dirfd),
                A::I(follow as u32),
                p,
                l,
                A::I(oflags),
                A::J(base),
                A::J(u64::MAX),
                A::I(0),
                A::I(0x7000),
            ],
        );
        if e == Errno::Success {
            Ok(self.u32_at(0x7000))
        } else {
            Err(e)
        }
    }
}

/// Rights to read and write a file.
pub const RW: u64 = (1 << 1) | (1 << 6) | (1 << 2) | (1 << 5) | (1 << 21) | (1 << 22);
/// `oflags`.
pub const CREAT: u32 = 1;
pub const DIRECTORY: u32 = 2;
pub const EXCL: u32 = 4;
pub const TRUNC: u32 = 8;
