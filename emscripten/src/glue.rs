//! Reading the JavaScript glue of a release build, whose wasm import and
//! export names emcc minified.
//!
//! An `-O2`/`-O3`/`-Os`/`-Oz` build with JavaScript output imports
//! `a.a`, `a.b`, ... and exports `c`, `d`, ...: emcc's import and export
//! minification (`tools/emscripten.py` `create_sending` and
//! `create_receiving`, renamed by `tools/building.py`'s
//! `minify_wasm_imports_and_exports`) leaves the real names only in the
//! glue. [`Glue::parse`] reads them back with a JavaScript parser (oxc),
//! from the shapes emcc 3.1.5x to 6.x write:
//!
//! - imports: the object `var wasmImports = {a: ___syscall_openat, ...}`
//!   (or `wasmImports = {...}` in a threaded build), each value the JS
//!   name of a library function: a C name with `_` put before it
//!   (`asmjs_mangle`), or the bare name of `invoke_*` and EM_JS functions;
//! - the import module: the key whose value is `wasmImports` in
//!   `getWasmImports`/`createWasm` (`src/preamble.js`:
//!   `var info = {"a": wasmImports}`, or `env` and
//!   `wasi_snapshot_preview1` unminified);
//! - exports: every assignment from `wasmExports["c"]`:
//!   `var _main = Module["_main"] = wasmExports["c"]` (3.1.6x),
//!   the lazy `(a0, a1) => (_main = wasmExports["c"])(a0, a1)` (3.1.5x),
//!   `function assignWasmExports(wasmExports){_main = ...}` (6.x),
//!   `wasmMemory = wasmExports["j"]` (the memory), `wasmTable = ...` (the
//!   table), and the constructors: `addOnInit(wasmExports["k"])` (3.1.x)
//!   or the bare call `wasmExports["d"]()` in `initRuntime` (4.x on);
//! - the module: a `"x.wasm"` literal (`findWasmBinary`, `locateFile`,
//!   `wasmBinaryFile = "x.wasm"`, `new URL("x.wasm", import.meta.url)`), or
//!   with `-sSINGLE_FILE` the module itself: a
//!   `data:application/octet-stream;base64,` URI (3.1.x),
//!   `base64Decode("...")` or `binaryDecode("...")` (`src/binaryDecode.js`,
//!   6.x), whichever decodes to bytes starting with `\0asm`.
//!
//! `-sMODULARIZE` and `-sEXPORT_ES6` wrap all of this in a function or an
//! ES module; the parser reads through both. A `--closure 1` build renames
//! `wasmImports` itself and cannot be read ([`GlueError::NoImports`]).
//!
//! An import whose function this crate does not provide is JavaScript only
//! the glue has: an `EM_ASM` block (`emscripten_asm_const_*`, whose code is
//! in `var ASM_CONSTS = {...}`), an `EM_JS` function, or a library function
//! outside the import set. [`Names`] keeps the glue's source of each such
//! import, so that running it can be refused with the code quoted.

use base64::Engine as _;
use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, AssignmentExpression, AssignmentTarget, BindingPattern, CallExpression, Expression, ObjectExpression,
    ObjectPropertyKind, Statement, StringLiteral, VariableDeclarator,
};
use oxc_ast_visit::{walk, Visit};
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType, Span};
use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

/// The glue's prefix of an embedded module's data URI (3.1.x `SINGLE_FILE`).
const DATA_URI: &str = "data:application/octet-stream;base64,";

/// The longest quote of a JavaScript snippet in an error, in characters.
const SNIPPET_CHARS: usize = 160;

/// The longest glue read, in bytes (oxc's spans are 32-bit).
const MAX_LEN: usize = 1 << 30;

/// The parser (oxc) recurses once per level of nesting, with no limit of
/// its own. It runs on a thread of its own whose stack has room for as
/// many levels as the input could make ([`parser_stack`]): this much,
/// and [`STACK_PER_LEVEL`] per level (measured in a debug build: under 256
/// bytes a level of `!`, under 4 KiB one of `(`; [`GROUP_LEVELS`] and
/// twice that for margin). The stack is reserved, not committed: a 60 KB
/// glue reserves under 100 MiB of address space, a 20 MB `SINGLE_FILE`
/// glue a few GiB.
const BASE_STACK: u64 = 64 << 20;

/// The levels [`nesting_bound`] counts for a group (`(`, `[`, a template).
const GROUP_LEVELS: u64 = 8;

/// Stack bytes allowed for each level of nesting.
const STACK_PER_LEVEL: u64 = 512;

/// The largest parser stack reserved; glue that could need more is
/// refused ([`GlueError::TooComplex`]).
const MAX_STACK: u64 = 8 << 30;

/// Why a glue file could not be read. Each message is one line.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum GlueError {
    /// Not JavaScript that oxc can parse.
    #[error("the glue is not valid JavaScript: {0}")]
    Syntax(String),
    /// Longer than [`MAX_LEN`] bytes.
    #[error("the glue is larger than 1 GiB")]
    TooLarge,
    /// So many brackets and operators that parsing could need more stack
    /// than is reserved for it.
    #[error("the glue has too many brackets and operators to parse safely")]
    TooComplex,
    /// No `wasmImports` object: not emcc's glue, or a `--closure` build.
    #[error("the glue defines no wasmImports object (not emcc output, or built with --closure)")]
    NoImports,
    /// `wasmImports` is never passed to the instance under a module name.
    #[error("the glue never passes wasmImports to the module under an import module name")]
    NoImportModule,
    /// Nothing is read from `wasmExports`.
    #[error("the glue reads no exports from wasmExports")]
    NoExports,
    /// Neither a `.wasm` file name nor an embedded module.
    #[error("the glue names no .wasm file and embeds no module")]
    NoModule,
}

/// Where the glue finds its module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wasm {
    /// A file, relative to the glue's directory (`x.wasm`).
    File(String),
    /// Embedded in the glue (`-sSINGLE_FILE`): the module's bytes.
    Embedded(Vec<u8>),
}

/// What the glue says: the name maps and where the module is.
#[derive(Clone, Debug)]
pub struct Glue {
    /// The minified import and export names and what they stand for.
    pub names: Names,
    /// Where the module is.
    pub wasm: Wasm,
}

/// What one minified import stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The canonical module: [`crate::MODULE`] (`env`) or
    /// `wasi_snapshot_preview1`.
    pub module: String,
    /// The canonical name (`__syscall_openat`, `fd_write`).
    pub name: String,
    /// For an import that only the glue's JavaScript implements (EM_ASM,
    /// EM_JS, a library function outside this set): its source in the glue.
    pub js: Option<String>,
}

/// The name maps of a minified build: each import `(module, name)` to what
/// it stands for, each canonical export name to the minified one. Empty
/// (the default), every name stands for itself. Made by [`Glue::parse`],
/// or by hand; given to the import set with [`crate::Options::names`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    imports: BTreeMap<(String, String), Import>,
    exports: BTreeMap<String, String>,
}

impl Names {
    /// No names: every import and export stands for itself.
    pub fn new() -> Self {
        Self::default()
    }

    /// Maps the import `module.name` to `canonical_module.canonical`.
    pub fn import(mut self, module: &str, name: &str, canonical_module: &str, canonical: &str) -> Self {
        self.insert(module, name, canonical_module, canonical, None);
        self
    }

    /// Marks the import `module.name` (standing for `env.canonical`) as
    /// JavaScript only the glue has, `source` being that JavaScript.
    pub fn js_only(mut self, module: &str, name: &str, canonical: &str, source: &str) -> Self {
        self.insert(module, name, crate::MODULE, canonical, Some(source.to_string()));
        self
    }

    /// Maps the canonical export `canonical` to the module's `minified`.
    pub fn export(mut self, canonical: &str, minified: &str) -> Self {
        self.exports.insert(canonical.to_string(), minified.to_string());
        self
    }

    fn insert(&mut self, module: &str, name: &str, cmodule: &str, canonical: &str, js: Option<String>) {
        let import = Import {
            module: cmodule.to_string(),
            name: canonical.to_string(),
            js,
        };
        self.imports.insert((module.to_string(), name.to_string()), import);
    }

    /// What the import `module.name` stands for, if the map has it.
    pub fn lookup(&self, module: &str, name: &str) -> Option<&Import> {
        // Most modules come with no map: no key to build for them.
        if self.imports.is_empty() {
            return None;
        }
        self.imports.get(&(module.to_string(), name.to_string()))
    }

    /// The canonical `(module, name)` of the import `module.name`: the
    /// map's, or the import's own.
    pub fn canonical<'s>(&'s self, module: &'s str, name: &'s str) -> (&'s str, &'s str) {
        match self.lookup(module, name) {
            Some(i) => (&i.module, &i.name),
            None => (module, name),
        }
    }

    /// The module's name for the export `canonical`: the map's, or
    /// `canonical` itself.
    pub fn export_name<'s>(&'s self, canonical: &'s str) -> &'s str {
        self.exports.get(canonical).map_or(canonical, String::as_str)
    }

    /// Every mapped import: `((module, name), what it stands for)`.
    pub fn imports(&self) -> impl Iterator<Item = (&(String, String), &Import)> {
        self.imports.iter()
    }

    /// Every mapped export: `(canonical, minified)`.
    pub fn exports(&self) -> impl Iterator<Item = (&String, &String)> {
        self.exports.iter()
    }

    /// Whether the map is empty (names stand for themselves).
    pub fn is_empty(&self) -> bool {
        self.imports.is_empty() && self.exports.is_empty()
    }
}

impl Glue {
    /// Reads the glue `source` emcc wrote. Errors: see [`GlueError`]; never
    /// panics, whatever the input.
    pub fn parse(source: &str) -> Result<Glue, GlueError> {
        if source.len() > MAX_LEN {
            return Err(GlueError::TooLarge);
        }
        let stack = parser_stack(source).ok_or(GlueError::TooComplex)?;
        let found = on_big_stack(stack, || collect(source))??;
        found.into_glue(source)
    }
}

/// Runs `f` on a thread with a `stack`-byte stack. Errors: the thread
/// could not start.
fn on_big_stack<R: Send>(stack: usize, f: impl FnOnce() -> R + Send) -> Result<R, GlueError> {
    let failed = |e: &dyn std::fmt::Display| GlueError::Syntax(format!("cannot start the parser thread: {e}"));
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("glue parser".into())
            .stack_size(stack)
            .spawn_scoped(scope, f)
            .map_err(|e| failed(&e))?;
        handle.join().map_err(|_| failed(&"it panicked"))
    })
}

/// Parses `source` and collects what the glue says.
fn collect(source: &str) -> Result<Found, GlueError> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::unambiguous()).parse();
    if let Some(e) = parsed.diagnostics.first() {
        return Err(GlueError::Syntax(one_line(&e.to_string())));
    }
    let mut found = Found::default();
    found.visit_program(&parsed.program);
    Ok(found)
}

/// A value in the `wasmImports` object.
#[derive(Debug)]
enum Value {
    /// A JavaScript name: the function's.
    Name(String),
    /// Anything else, kept as its source.
    Code(Span),
}

/// What the walk over the glue found.
#[derive(Debug, Default)]
struct Found {
    /// The `wasmImports` object's properties: minified name, value.
    imports: Option<Vec<(String, Value)>>,
    /// The import module names `wasmImports` is passed under.
    modules: Vec<String>,
    /// Canonical export name, minified name, in order.
    exports: Vec<(String, String)>,
    /// The constructors' minified name, from `addOnInit` or a bare call.
    ctors: Option<String>,
    /// Where each top-level name is defined (`var x = ...`, `function x`).
    definitions: HashMap<String, Span>,
    /// The first `"x.wasm"` literal.
    file: Option<String>,
    /// The first embedded module.
    embedded: Option<Vec<u8>>,
}

impl<'a> Visit<'a> for Found {
    fn visit_statement(&mut self, it: &Statement<'a>) {
        if let Statement::FunctionDeclaration(f) = it {
            if let Some(id) = &f.id {
                self.definitions.entry(id.name.to_string()).or_insert(f.span);
            }
        }
        walk::walk_statement(self, it);
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let (BindingPattern::BindingIdentifier(id), Some(init)) = (&it.id, &it.init) {
            self.definitions.entry(id.name.to_string()).or_insert(it.span);
            self.assigned(&id.name, init);
        }
        walk::walk_variable_declarator(self, it);
    }

    /// A chain `a = b = ... = value` is taken whole, once: each target
    /// is assigned `value` (reading it once per link instead would be
    /// quadratic in the chain's length), then the targets and `value`
    /// are walked.
    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        let mut links = vec![it];
        while let Expression::AssignmentExpression(next) = links[links.len() - 1].right.without_parentheses() {
            links.push(next);
        }
        let value = &links[links.len() - 1].right;
        for link in &links {
            if let Some(target) = target_name(&link.left) {
                self.assigned(target, value);
            }
        }
        for link in &links {
            self.visit_assignment_target(&link.left);
        }
        self.visit_expression(value);
    }

    fn visit_object_expression(&mut self, it: &ObjectExpression<'a>) {
        for p in &it.properties {
            let ObjectPropertyKind::ObjectProperty(p) = p else {
                continue;
            };
            if p.value.without_parentheses().is_specific_id("wasmImports") {
                if let Some(key) = p.key.static_name() {
                    self.modules.push(key.into_owned());
                }
            }
        }
        walk::walk_object_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        self.call(it);
        walk::walk_call_expression(self, it);
    }

    fn visit_string_literal(&mut self, it: &StringLiteral<'a>) {
        let value = it.value.as_str();
        if let Some(data) = value.strip_prefix(DATA_URI) {
            self.embed(base64(data));
        } else if self.file.is_none() && is_wasm_file(value) {
            self.file = Some(value.to_string());
        }
    }
}

impl Found {
    /// `target = value`, or `var target = value`: the import object, or
    /// an export read from `wasmExports`.
    fn assigned(&mut self, target: &str, value: &Expression<'_>) {
        let value = value.without_parentheses();
        if target == "wasmImports" {
            if let Expression::ObjectExpression(object) = value {
                self.imports.get_or_insert_with(|| import_object(object));
            }
            return;
        }
        if let Some(minified) = export_read(value) {
            for canonical in canonical_export(target) {
                self.exports.push((canonical, minified.to_string()));
            }
        }
    }

    /// `addOnInit(wasmExports["k"])`, a bare `wasmExports["d"]()` (the
    /// constructors), and `base64Decode("...")` / `binaryDecode("...")`.
    fn call(&mut self, it: &CallExpression<'_>) {
        let callee = it.callee.without_parentheses();
        let only = match it.arguments.as_slice() {
            [Argument::StringLiteral(s)] => Some(s.value.as_str()),
            _ => None,
        };
        let first = it.arguments.first().and_then(Argument::as_expression);
        if callee.is_specific_id("addOnInit") {
            if let Some(k) = first.and_then(export_read) {
                self.ctors.get_or_insert_with(|| k.to_string());
            }
        } else if it.arguments.is_empty() && callee.as_member_expression().is_some() {
            if let Some(k) = export_read(callee) {
                self.ctors.get_or_insert_with(|| k.to_string());
            }
        } else if let (true, Some(s)) = (callee.is_specific_id("base64Decode"), only) {
            self.embed(base64(s));
        } else if let (true, Some(s)) = (callee.is_specific_id("binaryDecode"), only) {
            self.embed(Some(binary_decode(s)));
        }
    }

    /// Keeps `bytes` as the embedded module if they are one and none was
    /// found before.
    fn embed(&mut self, bytes: Option<Vec<u8>>) {
        if self.embedded.is_none() {
            self.embedded = bytes.filter(|b| b.starts_with(b"\0asm"));
        }
    }

    /// The glue, from what the walk found.
    fn into_glue(mut self, source: &str) -> Result<Glue, GlueError> {
        let imports = self.imports.take().ok_or(GlueError::NoImports)?;
        if self.modules.is_empty() {
            return Err(GlueError::NoImportModule);
        }
        if self.exports.is_empty() && self.ctors.is_none() {
            return Err(GlueError::NoExports);
        }
        let wasm = match (self.embedded.take(), self.file.take()) {
            (Some(bytes), _) => Wasm::Embedded(bytes),
            (None, Some(file)) => Wasm::File(file),
            (None, None) => return Err(GlueError::NoModule),
        };
        let mut names = Names::new();
        for module in &self.modules {
            for (key, value) in &imports {
                self.name_import(&mut names, source, module, key, value);
            }
        }
        for (canonical, minified) in &self.exports {
            names
                .exports
                .entry(canonical.clone())
                .or_insert_with(|| minified.clone());
        }
        if let Some(ctors) = &self.ctors {
            names
                .exports
                .entry("__wasm_call_ctors".into())
                .or_insert_with(|| ctors.clone());
        }
        Ok(Glue { names, wasm })
    }

    /// Adds the import `module.key` to `names`: a function the import sets
    /// provide, or JavaScript with its source.
    fn name_import(&self, names: &mut Names, source: &str, module: &str, key: &str, value: &Value) {
        let js_name = match value {
            Value::Name(n) => n.as_str(),
            Value::Code(span) => {
                let quoted = quote(source, *span);
                names.insert(module, key, crate::MODULE, key, Some(quoted));
                return;
            }
        };
        let candidates = [js_name.strip_prefix('_').unwrap_or(js_name), js_name];
        if let Some((cmodule, canonical)) = candidates.iter().find_map(|c| provided(c)) {
            names.insert(module, key, cmodule, canonical, None);
            return;
        }
        let canonical = candidates[0];
        let span = match canonical.starts_with("emscripten_asm_const") {
            true => self.definitions.get("ASM_CONSTS"),
            false => None,
        };
        let span = span.or_else(|| self.definitions.get(js_name));
        let quoted = span.map_or_else(|| format!("{js_name} (not defined in the glue)"), |s| quote(source, *s));
        names.insert(module, key, crate::MODULE, canonical, Some(quoted));
    }
}

/// The import module and name under which the import sets provide the
/// function `name`, if they do.
fn provided(name: &str) -> Option<(&'static str, &str)> {
    if wasi_snapshot_preview1::Functions::<crate::EmEnv>::PREVIEW1.provides(name) {
        Some((wasi_snapshot_preview1::MODULE, name))
    } else if crate::provides(name) {
        Some((crate::MODULE, name))
    } else {
        None
    }
}

/// The properties of the `wasmImports` object.
fn import_object(object: &ObjectExpression<'_>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for p in &object.properties {
        let ObjectPropertyKind::ObjectProperty(p) = p else {
            continue;
        };
        let Some(key) = p.key.static_name() else { continue };
        let value = match p.value.without_parentheses() {
            Expression::Identifier(id) => Value::Name(id.name.to_string()),
            other => Value::Code(other.span()),
        };
        out.push((key.into_owned(), value));
    }
    out
}

/// The name an assignment writes: `x` in `x = ...`, `"_x"` in
/// `Module["_x"] = ...`.
fn target_name<'a>(target: &AssignmentTarget<'a>) -> Option<&'a str> {
    match target {
        AssignmentTarget::AssignmentTargetIdentifier(id) => Some(id.name.as_str()),
        other => other.as_member_expression()?.static_property_name(),
    }
}

/// The export `"c"` that `value` reads: `wasmExports["c"]`,
/// `wasmExports.c`, `wasmExports["c"].value` (a global), or the value of
/// an assignment chain ending in one (`x = Module["x"] = wasmExports["c"]`).
fn export_read<'a>(value: &Expression<'a>) -> Option<&'a str> {
    let mut value = value.without_parentheses();
    while let Expression::AssignmentExpression(a) = value {
        value = a.right.without_parentheses();
    }
    let member = value.as_member_expression()?;
    let object = member.object().without_parentheses();
    if object.is_specific_id("wasmExports") {
        return member.static_property_name();
    }
    let inner = object.as_member_expression()?;
    match member.static_property_name() == Some("value") && inner.object().is_specific_id("wasmExports") {
        true => inner.static_property_name(),
        false => None,
    }
}

/// The canonical export names a JS name assigned from `wasmExports`
/// stands for: `wasmMemory` the memory, `wasmTable` the table, otherwise
/// the name without the `_` `asmjs_mangle` put before it, and the name
/// itself (system exports of 3.1.5x were not mangled).
fn canonical_export(js_name: &str) -> Vec<String> {
    match js_name {
        "wasmMemory" => vec!["memory".into()],
        "wasmTable" => vec!["__indirect_function_table".into()],
        "wasmExports" | "Module" => vec![],
        _ => match js_name.strip_prefix('_') {
            Some(c) if !c.is_empty() => vec![c.into(), js_name.into()],
            _ => vec![js_name.into()],
        },
    }
}

/// Whether a string literal names the module file: `x.wasm`, relative,
/// with no `..`.
fn is_wasm_file(s: &str) -> bool {
    let Some(stem) = s.strip_suffix(".wasm") else {
        return false;
    };
    !stem.is_empty()
        && !stem.starts_with('.')
        && !s.starts_with('/')
        && !s.contains('\\')
        && !s.contains(':')
        && s.split('/').all(|part| !part.is_empty() && part != "..")
}

/// Base64 data (with or without padding), decoded.
fn base64(data: &str) -> Option<Vec<u8>> {
    let data = data.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD.decode(data).ok()
}

/// `binaryDecode`'s string decoded (`src/binaryDecode.js`): each UTF-16
/// unit `c` is the byte `~c >> 8 & c`.
fn binary_decode(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .map(|c| {
            let c = i32::from(c);
            ((!c >> 8) & c) as u8
        })
        .collect()
}

/// The source at `span`, on one line (runs of white space as one space),
/// at most [`SNIPPET_CHARS`] characters.
fn quote(source: &str, span: Span) -> String {
    let text = source.get(span.start as usize..span.end as usize).unwrap_or("");
    let line = one_line(text);
    match line.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line,
    }
}

/// `text` with each run of white space as one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Prefix keywords, each of which may nest an expression in the one
/// after it, and the binary ones (`in`, which `instanceof` contains).
const PREFIX_KEYWORDS: &[&str] = &["typeof", "void", "delete", "new", "await", "yield", "do", "else", "in"];

/// A bound on how deep `source` can make the parser recurse: every level
/// of JavaScript's nesting takes a bracket, an operator or a prefix
/// keyword, each counted wherever it is (in strings and comments too,
/// since telling those apart is the parser's job: the bound is safe
/// whatever the input).
fn nesting_bound(source: &str) -> u64 {
    let level = |b: &u8| match b {
        // A parenthesis, an array or a template substitution goes down
        // through every level of expression precedence at once.
        b'(' | b'[' | b'`' => GROUP_LEVELS,
        // Operators, and `.`: a chain `a.b.c`, `a || b || c` is a tree
        // as deep as it is long, which the walk over it recurses down.
        b'{' | b'!' | b'~' | b'+' | b'-' | b'?' | b'=' | b':' | b'*' | b'<' | b'>' | b'.' | b'|' | b'&' | b'^'
        | b'%' | b'/' => 1,
        _ => 0,
    };
    let operators: u64 = source.as_bytes().iter().map(level).sum();
    let keywords: usize = PREFIX_KEYWORDS.iter().map(|k| source.matches(k).count()).sum();
    operators + keywords as u64
}

/// The parser thread's stack for `source`: [`BASE_STACK`] and
/// [`STACK_PER_LEVEL`] bytes per level [`nesting_bound`] allows, or
/// `None` past [`MAX_STACK`].
fn parser_stack(source: &str) -> Option<usize> {
    let bytes = nesting_bound(source)
        .checked_mul(STACK_PER_LEVEL)?
        .checked_add(BASE_STACK)?;
    usize::try_from(bytes).ok().filter(|b| *b as u64 <= MAX_STACK)
}
