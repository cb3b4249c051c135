//! `emscripten::glue`: the name maps read from the glue of real emcc
//! 6.0.5 release builds (testdata/emscripten/minified-*), from glue in the
//! shapes older emcc versions write (3.1.5x, 3.1.6x, MODULARIZE with
//! EXPORT_ES6, unminified import modules), and refusals of what is not
//! emcc's glue, hostile input included.

use emscripten::glue::{Glue, GlueError, Import, Names, Wasm};
use std::path::PathBuf;

fn testdata(program: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/emscripten");
    dir.join(program).join(format!("{program}.js"))
}

fn parse_file(program: &str) -> Glue {
    let source = std::fs::read_to_string(testdata(program)).unwrap();
    Glue::parse(&source).unwrap_or_else(|e| panic!("{program}: {e}"))
}

fn stands_for(names: &Names, module: &str, name: &str) -> (String, String) {
    let i = names
        .lookup(module, name)
        .unwrap_or_else(|| panic!("{module}.{name} not mapped"));
    (i.module.clone(), i.name.clone())
}

fn pair(module: &str, name: &str) -> (String, String) {
    (module.to_string(), name.to_string())
}

#[test]
fn emcc_6_release_builds() {
    for program in ["minified-hello-O3", "minified-hello-Oz"] {
        let g = parse_file(program);
        assert_eq!(g.wasm, Wasm::File(format!("{program}.wasm")));
        let n = &g.names;
        assert_eq!(stands_for(n, "a", "a"), pair("wasi_snapshot_preview1", "fd_write"));
        assert_eq!(stands_for(n, "a", "b"), pair("env", "emscripten_resize_heap"));
        assert_eq!(n.export_name("main"), "e");
        assert_eq!(n.export_name("memory"), "c");
        assert_eq!(n.export_name("__wasm_call_ctors"), "d");
        assert_eq!(n.export_name("_emscripten_stack_alloc"), "f");
        assert_eq!(n.export_name("__indirect_function_table"), "__indirect_function_table");
    }
    let words = parse_file("minified-words-O3");
    assert_eq!(stands_for(&words.names, "a", "b"), pair("env", "__cxa_throw"));
    assert_eq!(
        stands_for(&words.names, "a", "h"),
        pair("wasi_snapshot_preview1", "fd_seek")
    );
}

#[test]
fn single_file_embeds_the_module() {
    let g = parse_file("minified-single");
    let Wasm::Embedded(bytes) = &g.wasm else {
        panic!("expected an embedded module, got {:?}", g.wasm)
    };
    let beside = std::fs::read(testdata("minified-hello-O3").with_extension("wasm")).unwrap();
    assert_eq!(bytes, &beside, "the same program at the same level");
    assert_eq!(g.names.export_name("main"), "e");
}

#[test]
fn em_asm_is_javascript_with_its_source() {
    let g = parse_file("minified-emasm");
    let i = g.names.lookup("a", "b").unwrap();
    assert_eq!(i.name, "emscripten_asm_const_int");
    assert_eq!(i.js.as_deref(), Some("ASM_CONSTS={1716:$0=>$0*7}"));
}

/// 3.1.5x: lazy export wrappers, `addOnInit`, `wasmMemory`/`wasmTable`,
/// `var info = {"a": wasmImports}` in `createWasm`, unmangled system
/// exports, `invoke_*` and an EM_JS function by their own names.
const EMCC_3_1_5X: &str = r#"
var Module = typeof Module != "undefined" ? Module : {};
var wasmBinaryFile;
wasmBinaryFile = "app.wasm";
if (!isDataURI(wasmBinaryFile)) { wasmBinaryFile = locateFile(wasmBinaryFile); }
function createWasm() {
  var info = { "a": wasmImports };
  function receiveInstance(instance, module) {
    wasmExports = instance.exports;
    wasmMemory = wasmExports["j"];
    updateMemoryViews();
    wasmTable = wasmExports["m"];
    addOnInit(wasmExports["k"]);
    return wasmExports;
  }
  return {};
}
var ___syscall_openat = function (dirfd, path, flags, varargs) { return 0; };
var _fd_write = (fd, iov, iovcnt, pnum) => 0;
function my_em_js(x) { console.log("from JS", x); }
function invoke_vii(index, a1, a2) {}
var wasmImports = { a: ___syscall_openat, b: _fd_write, c: invoke_vii, d: my_em_js, e: () => 1 };
var wasmExports = createWasm();
var ___wasm_call_ctors = () => (___wasm_call_ctors = wasmExports["k"])();
var _main = Module["_main"] = (a0, a1) => (_main = Module["_main"] = wasmExports["l"])(a0, a1);
var stackSave = () => (stackSave = wasmExports["n"])();
"#;

#[test]
fn emcc_3_1_5x_shapes() {
    let g = Glue::parse(EMCC_3_1_5X).unwrap();
    assert_eq!(g.wasm, Wasm::File("app.wasm".into()));
    let n = &g.names;
    assert_eq!(stands_for(n, "a", "a"), pair("env", "__syscall_openat"));
    assert_eq!(stands_for(n, "a", "b"), pair("wasi_snapshot_preview1", "fd_write"));
    assert_eq!(stands_for(n, "a", "c"), pair("env", "invoke_vii"));
    let em_js = n.lookup("a", "d").unwrap();
    assert_eq!(em_js.name, "my_em_js");
    assert_eq!(
        em_js.js.as_deref(),
        Some(r#"function my_em_js(x) { console.log("from JS", x); }"#)
    );
    assert_eq!(n.lookup("a", "e").unwrap().js.as_deref(), Some("() => 1"));
    for (canonical, minified) in [
        ("memory", "j"),
        ("__indirect_function_table", "m"),
        ("__wasm_call_ctors", "k"),
        ("main", "l"),
        ("stackSave", "n"),
    ] {
        assert_eq!(n.export_name(canonical), minified, "{canonical}");
    }
}

/// 3.1.6x: `getWasmImports`, direct export assignments, and SINGLE_FILE's
/// data URI in `findWasmBinary`.
const EMCC_3_1_6X: &str = r#"
function findWasmBinary() {
  var f = "data:application/octet-stream;base64,AGFzbQEAAAA=";
  if (!isDataURI(f)) { return locateFile(f); }
  return f;
}
function getWasmImports() { return { "a": wasmImports }; }
var _emscripten_memcpy_js = (dest, src, num) => HEAPU8.copyWithin(dest, src, src + num);
var wasmImports = { a: _emscripten_memcpy_js };
var wasmExports = createWasm();
var ___wasm_call_ctors = wasmExports["b"];
var _main = Module["_main"] = wasmExports["c"];
var __emscripten_stack_restore = wasmExports["d"];
"#;

#[test]
fn emcc_3_1_6x_shapes() {
    let g = Glue::parse(EMCC_3_1_6X).unwrap();
    assert_eq!(g.wasm, Wasm::Embedded(b"\0asm\x01\0\0\0".to_vec()));
    let n = &g.names;
    let memcpy = n.lookup("a", "a").unwrap();
    // Provided or not (the set's table decides), it stands for the C name.
    assert_eq!(memcpy.name, "emscripten_memcpy_js");
    assert_eq!(n.export_name("__wasm_call_ctors"), "b");
    assert_eq!(n.export_name("main"), "c");
    assert_eq!(n.export_name("_emscripten_stack_restore"), "d");
}

/// `-sMODULARIZE -sEXPORT_ES6` on 6.x: everything inside an async
/// function of an ES module, `new URL("x.wasm", import.meta.url)`,
/// `assignWasmExports`, and the constructors called in `initRuntime`.
const EMCC_6_ES6: &str = r#"
async function Module(moduleArg = {}) {
  var moduleRtn;
  var Module = moduleArg;
  function findWasmBinary() { return new URL("app.wasm", import.meta.url).href; }
  function getWasmImports() { var imports = { a: wasmImports }; return imports; }
  function initRuntime() { runtimeInitialized = true; wasmExports["d"](); }
  var _fd_write = (fd) => 0;
  var _main, memory;
  function assignWasmExports(wasmExports) {
    _main = Module["_main"] = wasmExports["e"];
    memory = wasmMemory = wasmExports["c"];
  }
  var wasmImports = { a: _fd_write };
  return moduleRtn;
}
export default Module;
"#;

#[test]
fn modularize_export_es6() {
    let g = Glue::parse(EMCC_6_ES6).unwrap();
    assert_eq!(g.wasm, Wasm::File("app.wasm".into()));
    assert_eq!(
        stands_for(&g.names, "a", "a"),
        pair("wasi_snapshot_preview1", "fd_write")
    );
    assert_eq!(g.names.export_name("main"), "e");
    assert_eq!(g.names.export_name("memory"), "c");
    assert_eq!(g.names.export_name("__wasm_call_ctors"), "d");
}

/// Unminified import modules (`env` and `wasi_snapshot_preview1`),
/// shorthand properties, and 6.x's `binaryDecode` (a byte of 0 written as
/// U+0100).
#[test]
fn unminified_modules_and_binary_decode() {
    let source = r#"
      function findWasmBinary() { return binaryDecode("\u0100asm\x01\0\0\0"); }
      var info = { "env": wasmImports, "wasi_snapshot_preview1": wasmImports };
      var ___syscall_openat = () => 0, _fd_write = () => 0;
      var wasmImports = { __syscall_openat: ___syscall_openat, fd_write: _fd_write, invoke_vii };
      function invoke_vii() {}
      _main = wasmExports["main"];
    "#;
    let g = Glue::parse(source).unwrap();
    assert_eq!(g.wasm, Wasm::Embedded(b"\0asm\x01\0\0\0".to_vec()));
    let n = &g.names;
    assert_eq!(
        stands_for(n, "env", "__syscall_openat"),
        pair("env", "__syscall_openat")
    );
    assert_eq!(
        stands_for(n, "wasi_snapshot_preview1", "fd_write"),
        pair("wasi_snapshot_preview1", "fd_write")
    );
    assert_eq!(stands_for(n, "env", "invoke_vii"), pair("env", "invoke_vii"));
    assert_eq!(n.export_name("main"), "main");
}

#[test]
fn names_by_hand() {
    let n = Names::new()
        .import("a", "x", "env", "__syscall_openat")
        .js_only("a", "y", "my_js", "function my_js() {}")
        .export("main", "q");
    assert_eq!(n.canonical("a", "x"), ("env", "__syscall_openat"));
    assert_eq!(n.canonical("env", "abort"), ("env", "abort"));
    assert_eq!(n.export_name("main"), "q");
    assert_eq!(n.export_name("free"), "free");
    assert_eq!(
        n.lookup("a", "y"),
        Some(&Import {
            module: "env".into(),
            name: "my_js".into(),
            js: Some("function my_js() {}".into())
        })
    );
    assert!(Names::new().is_empty() && !n.is_empty());
}

#[test]
fn what_is_not_emcc_glue_is_refused() {
    let cases: &[(&str, GlueError)] = &[
        ("", GlueError::NoImports),
        ("console.log('hi')", GlueError::NoImports),
        ("var wasmImports = {a: _x};", GlueError::NoImportModule),
        (
            "var wasmImports = {a: _x}; var i = {a: wasmImports};",
            GlueError::NoExports,
        ),
        (
            "var wasmImports = {a: _x}; var i = {a: wasmImports}; _main = wasmExports.b;",
            GlueError::NoModule,
        ),
        (
            // A name that leaves the glue's directory is no module file.
            "var wasmImports={}; var i={a:wasmImports}; _m=wasmExports.b; locateFile('../x.wasm')",
            GlueError::NoModule,
        ),
    ];
    for (source, want) in cases {
        assert_eq!(Glue::parse(source).unwrap_err(), *want, "{source}");
    }
    let e = Glue::parse("var wasmImports = {a: ").unwrap_err();
    assert!(matches!(e, GlueError::Syntax(_)), "{e:?}");
    assert!(!e.to_string().contains('\n'), "{e}");
}

/// A chain `a = a = ... = 1` is read in time linear in its length (each
/// link once): two million links, which a quadratic walk would take
/// hours over, are refused as not glue within seconds.
#[test]
fn a_long_assignment_chain_is_read_once() {
    let source = format!("{}1;", "a=".repeat(2_000_000));
    let start = std::time::Instant::now();
    assert_eq!(Glue::parse(&source).unwrap_err(), GlueError::NoImports);
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
}

#[test]
fn hostile_input_is_refused_without_a_crash() {
    // Deep nesting of every kind the parser recurses on; the last one
    // hides its depth behind what looks like a string to a naive lexer.
    let deep = [
        "(".repeat(1_000_000),
        "[".repeat(1_000_000),
        "{".repeat(1_000_000),
        "`${".repeat(300_000),
        format!("x = {}1", "!".repeat(2_000_000)),
        format!("x = {}1", "- ".repeat(1_000_000)),
        format!("x = {}c", "a ? b : ".repeat(20_000)),
        format!("x = {}1", "a = ".repeat(20_000)),
        format!("x = {}1", "() => ".repeat(20_000)),
        format!("x = {}1", "typeof ".repeat(300_000)),
        format!("x = {}1", "new ".repeat(300_000)),
        format!("{}1", "if (1) ".repeat(100_000)),
        format!("if (a) /\"/; x = {}1;\"", "!".repeat(2_000_000)),
        // Left-deep trees: the parser loops, the walk over them recurses.
        format!("x = a{}", ".a".repeat(2_000_000)),
        format!("x = a{}", "||a".repeat(2_000_000)),
        format!("x = a{}", "&&a".repeat(2_000_000)),
        format!("x = a{}", " in a".repeat(1_000_000)),
        format!("x = a{}", " instanceof a".repeat(1_000_000)),
        format!("x = a{}", "[0]".repeat(1_000_000)),
        format!("x = a{}", "()".repeat(1_000_000)),
    ];
    for source in &deep {
        assert!(Glue::parse(source).is_err(), "{}", &source[..20]);
    }
    let real = std::fs::read_to_string(testdata("minified-words-O3")).unwrap();
    for cut in (0..real.len()).step_by(97) {
        if real.is_char_boundary(cut) {
            let _ = Glue::parse(&real[..cut]);
        }
    }
}
