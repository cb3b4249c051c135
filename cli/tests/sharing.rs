//! One MemFs shared by guests of different import sets: a WASI guest
//! writes what an Emscripten guest reads, and both run at once on two
//! threads over the same tree.

mod common;

use imports::fs::MemFs;
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use wasmer::{Module, Store};

#[path = "../../emscripten/examples/shared_memfs.rs"]
#[allow(dead_code)]
mod example;

fn fixture() -> MemFs {
    let fs = MemFs::new();
    fs.write_file("a.txt", b"a\n").unwrap();
    fs.write_file("b.txt", b"bb\n").unwrap();
    fs
}

fn emscripten_reader(store: &mut Store, module: &Module, fs: &MemFs) -> String {
    let out = OutputBuffer::new();
    let config = ModuleConfig::new()
        .arg("files")
        .arg("/data")
        .stdout(out.clone())
        .mount("/data", fs.clone());
    // The program exits with 3 by design (testdata/emscripten/files-O0/main.exit).
    assert_eq!(emscripten::run(store, module, config).unwrap(), 3);
    out.to_string_lossy()
}

fn reader_module(store: &Store) -> Module {
    Module::new(
        store,
        std::fs::read(common::testdata().join("emscripten/files-O0/files-O0.wasm")).unwrap(),
    )
    .unwrap()
}

#[test]
fn a_wasi_guest_writes_what_an_emscripten_guest_reads() {
    let fs = fixture();
    let mut store = Store::default();
    let writer = Module::new(&store, example::WASI_WRITER).unwrap();
    let code =
        wasi_snapshot_preview1::run(&mut store, &writer, ModuleConfig::new().mount("/data", fs.clone())).unwrap();
    assert_eq!(code, 0);
    assert_eq!(fs.read_file("input.txt").unwrap(), b"shared by a WASI guest\n");
    let reader = reader_module(&store);
    let out = emscripten_reader(&mut store, &reader, &fs);
    assert!(
        out.starts_with("read input.txt: 23 bytes: shared by a WASI guest\n"),
        "{out}"
    );
}

#[test]
fn guests_of_two_import_sets_share_a_tree_from_two_threads_at_once() {
    let fs = fixture();
    fs.write_file("input.txt", b"hello input\n").unwrap();
    let emscripten_thread = {
        let fs = fs.clone();
        std::thread::spawn(move || {
            let mut store = Store::default();
            let module = reader_module(&store);
            for _ in 0..5 {
                let out = emscripten_reader(&mut store, &module, &fs);
                assert!(out.starts_with("read input.txt: 12 bytes: hello input\n"), "{out}");
            }
        })
    };
    let wasi_thread = {
        let fs = fs.clone();
        std::thread::spawn(move || {
            let cat = common::testdata().join("wasi/c/cat/cat.wasm");
            let mut store = Store::default();
            let module = Module::new(&store, std::fs::read(cat).unwrap()).unwrap();
            for _ in 0..20 {
                let out = OutputBuffer::new();
                let config = ModuleConfig::new()
                    .args(["cat", "/data/input.txt"])
                    .stdout(out.clone())
                    .mount("/data", fs.clone());
                assert_eq!(wasi_snapshot_preview1::run(&mut store, &module, config).unwrap(), 0);
                assert_eq!(out.contents(), b"hello input\n");
            }
        })
    };
    emscripten_thread.join().unwrap();
    wasi_thread.join().unwrap();
    assert_eq!(fs.read_file("input.txt").unwrap(), b"hello input\n");
}
