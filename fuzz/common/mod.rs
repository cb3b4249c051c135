//! A generic fuzz harness for an import set: from the functions the set
//! defines (their wasmer types), it builds a guest that imports every one
//! and exports a wrapper `call_N` for each, plus a memory and a bump
//! allocator (`__new`, for AssemblyScript-style runtimes). The input then
//! picks functions, arguments and bytes to poke into memory. A host panic
//! (or a hang, or unbounded allocation) is a finding; an errno, an exit or
//! a clean trap is what a hostile guest should get.

#![allow(dead_code)]

use std::fmt::Write;
use wasmer::{Engine, Extern, FunctionType, Imports, Instance, Module, Store, Type, Value};

/// The compiled guest and the functions it calls, in `call_N` order.
pub struct Harness {
    pub engine: Engine,
    pub module: Module,
    pub funcs: Vec<(String, String, FunctionType)>,
}

fn wat_type(t: &Type) -> &'static str {
    match t {
        Type::I32 => "i32",
        Type::I64 => "i64",
        Type::F32 => "f32",
        Type::F64 => "f64",
        _ => "externref",
    }
}

/// The functions `imports` (made on `store`) holds, with their types.
pub fn functions(store: &Store, imports: &Imports) -> Vec<(String, String, FunctionType)> {
    imports
        .clone()
        .into_iter()
        .filter_map(|((m, n), e)| match e {
            Extern::Function(f) => Some((m, n, f.ty(store))),
            _ => None,
        })
        .filter(|(_, _, t)| {
            t.params()
                .iter()
                .chain(t.results())
                .all(|p| !matches!(wat_type(p), "externref"))
        })
        .collect()
}

/// Builds the guest for the functions `imports` (made on `store`) holds.
pub fn harness(engine: Engine, store: &Store, imports: &Imports) -> Harness {
    harness_for(engine, functions(store, imports))
}

/// Builds the guest for `funcs` (duplicates dropped).
pub fn harness_for(engine: Engine, mut funcs: Vec<(String, String, FunctionType)>) -> Harness {
    funcs.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    funcs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut w = String::from("(module\n");
    let sig = |t: &FunctionType| {
        let p: Vec<&str> = t.params().iter().map(wat_type).collect();
        let r: Vec<&str> = t.results().iter().map(wat_type).collect();
        format!("(param {}) (result {})", p.join(" "), r.join(" "))
    };
    for (i, (m, n, t)) in funcs.iter().enumerate() {
        let _ = writeln!(w, "  (import {m:?} {n:?} (func $f{i} {}))", sig(t));
    }
    w += "  (memory (export \"memory\") 1)\n  (global $top (mut i32) (i32.const 0x8000))\n";
    // A bump allocator in the upper half of the page, wrapping around.
    w += "  (func $new (export \"__new\") (param i32 i32) (result i32) (local $p i32)\n";
    w += "    (local.set $p (global.get $top))\n";
    w += "    (global.set $top (i32.add (global.get $top) (i32.and (i32.add (local.get 0) (i32.const 23)) (i32.const 0x7ff8))))\n";
    w += "    (if (i32.gt_u (global.get $top) (i32.const 0xf000)) (then (global.set $top (i32.const 0x8000))))\n";
    w += "    (i32.add (local.get $p) (i32.const 16)))\n";
    w += "  (func (export \"__pin\") (param i32) (result i32) (local.get 0))\n";
    w += "  (func (export \"__unpin\") (param i32))\n";
    // What Emscripten-style import sets call back into: a table, stack
    // helpers, setThrew, malloc/free and the exception-type queries.
    w += "  (global $sp (mut i32) (i32.const 0x7000))\n";
    w += "  (func $save (export \"stackSave\") (result i32) (global.get $sp))\n";
    w += "  (func (export \"stackRestore\") (param i32) (global.set $sp (i32.and (local.get 0) (i32.const 0x7fff))))\n";
    w += "  (func (export \"stackAlloc\") (param i32) (result i32)\n";
    w += "    (global.set $sp (i32.and (i32.sub (global.get $sp) (i32.and (local.get 0) (i32.const 0xfff))) (i32.const 0x7ff0)))\n";
    w += "    (global.get $sp))\n";
    w += "  (global $threw (mut i32) (i32.const 0))\n";
    w += "  (func (export \"setThrew\") (param i32 i32) (global.set $threw (local.get 0)))\n";
    w += "  (func (export \"malloc\") (param i32) (result i32) (call $new (local.get 0) (i32.const 0)))\n";
    w += "  (func (export \"free\") (param i32))\n";
    w += "  (func (export \"__cxa_can_catch\") (param i32 i32 i32) (result i32) (i32.const 0))\n";
    w += "  (func (export \"__cxa_is_pointer_type\") (param i32) (result i32) (i32.const 0))\n";
    // ...and what Go's runtime exports: its memory as `mem`, `getsp`, `resume`.
    w += "  (export \"mem\" (memory 0))\n";
    w += "  (func (export \"getsp\") (result i32) (global.get $sp))\n";
    w += "  (func (export \"resume\"))\n";
    w += "  (table (export \"__indirect_function_table\") 4 funcref)\n";
    w += "  (elem (i32.const 1) $save)\n";
    for (i, (_, _, t)) in funcs.iter().enumerate() {
        let gets: String = (0..t.params().len()).map(|k| format!("local.get {k} ")).collect();
        let _ = writeln!(w, "  (func (export \"call_{i}\") {} {gets} call $f{i})", sig(t));
    }
    w += ")\n";
    let module = Module::new(&engine, w).expect("the generated guest compiles");
    Harness { engine, module, funcs }
}

/// Reads little-endian values off the fuzz input, zeros when it runs out.
pub struct Input<'a>(pub &'a [u8]);

impl Input<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut b = [0u8; N];
        let n = N.min(self.0.len());
        b[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        b
    }
    pub fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
    /// Mostly small values (they reach deeper code), sometimes any.
    pub fn word(&mut self) -> u32 {
        match self.u8() % 4 {
            0 => self.u32(),
            _ => u32::from(self.u8()) << 4,
        }
    }
}

/// Runs up to 16 calls chosen by `data` on `instance` (bound already).
pub fn drive(h: &Harness, store: &mut Store, instance: &Instance, data: &[u8]) {
    let memory = instance.exports.get_memory("memory").expect("memory").clone();
    let mut input = Input(data);
    for _ in 0..16 {
        if input.0.is_empty() || h.funcs.is_empty() {
            break;
        }
        for _ in 0..(input.u8() % 5) {
            let at = u64::from(input.u8()) << 4 | u64::from(input.u8() & 0xf);
            let _ = memory.view(store).write(at, &[input.u8()]);
        }
        let i = usize::from(input.u8()) % h.funcs.len();
        let (m, n, t) = &h.funcs[i];
        let args: Vec<Value> = t
            .params()
            .iter()
            .map(|p| match p {
                Type::I64 => Value::I64(input.u64() as i64),
                Type::F32 => Value::F32(f32::from_bits(input.u32())),
                Type::F64 => Value::F64(f64::from_bits(input.u64())),
                _ => Value::I32(input.word() as i32),
            })
            .collect();
        let f = instance.exports.get_function(&format!("call_{i}")).expect("wrapper");
        if f.call(store, &args).is_err() {
            // The guest ended (an exit or a clean trap): nothing more to call.
            let _ = (m, n);
            break;
        }
    }
}
