//! One declarative table per import set, driving everything an import
//! set does with its functions: defining them (only those a module
//! imports), logging their calls, and telling a tool which imports it
//! provides.
//!
//! A [`Table`] lists [`Import`]s: a name, a logging scope, how each
//! argument is shown in the log ([`Param`]), the import's type and how to
//! build it. [`import_rows!`](crate::import_rows) writes the rows from a
//! line per function; the Rust function's own signature gives the wasm
//! type ([`HostFn`]), and what it returns is turned into what the guest
//! receives by [`Reply`]. Whether a function logs is decided when it is
//! defined, from the guest's [`LogScopes`]: a function whose scope is off
//! is the bare typed host function and pays nothing for logging; one whose
//! scope is on is wrapped ([`logged`]).
//!
//! Defining a host function costs about half a microsecond (BENCHMARKS.md):
//! an import set with dozens of functions, defined eagerly, spends more on
//! its definitions than on the rest of a guest's set-up, so a table defines
//! only the names a filter accepts ([`imported_by`]).

use crate::errno::Errno;
use crate::host::{with_memory, AsHost};
use crate::log::{self, LogScopes, Param, Results, Site, TARGET};
use crate::memory::GuestMemory;
use wasmer::{
    AsStoreMut, Exports, Extern, ExternType, FromToNativeWasmType, Function, FunctionEnv, FunctionEnvMut, FunctionType,
    Module, RuntimeError, StoreMut, Value, WasmTypeList,
};

#[doc(hidden)]
pub use wasmer as __wasmer;

/// One import of an import set: a row of its [`Table`].
pub struct Import<S: 'static> {
    /// The name a guest imports it by.
    pub name: &'static str,
    /// The logging scope its calls belong to ([`LogScopes::NONE`]: never
    /// logged).
    pub scope: LogScopes,
    /// How its arguments are shown in the log; arguments past the end are
    /// shown by position, as values.
    pub params: &'static [Param],
    /// Its type.
    pub ty: fn() -> ExternType,
    /// Builds it over an environment, unlogged.
    pub make: fn(&mut StoreMut<'_>, &FunctionEnv<S>) -> Extern,
}

/// The imports of one import set, under whatever module name it is
/// registered (Go's set answers `go` and `gojs`; WASI's preview1 functions
/// are also preview0's).
pub struct Table<S: 'static> {
    /// Its own rows.
    pub rows: &'static [Import<S>],
    /// A table whose own rows this one has too, but for those it has
    /// itself and those named in the list (preview0 is preview1 with four
    /// functions of other layouts, and without `sock_accept`).
    pub base: Option<(&'static Table<S>, &'static [&'static str])>,
    /// How its functions' results are shown in the log.
    pub results: Results,
}

impl<S: AsHost> Table<S> {
    /// Every row: its own, then those of the base's own it keeps.
    pub fn rows(&self) -> impl Iterator<Item = &'static Import<S>> + '_ {
        let own = self.rows.iter();
        let inherited = self.base.iter().flat_map(move |(base, dropped)| {
            base.rows
                .iter()
                .filter(move |r| !dropped.contains(&r.name) && !self.rows.iter().any(|o| o.name == r.name))
        });
        own.chain(inherited)
    }

    /// The row named `name`, if the table has one.
    pub fn get(&self, name: &str) -> Option<&'static Import<S>> {
        self.rows().find(|r| r.name == name)
    }

    /// The row named `name` whose type is `ty`, else the first named
    /// `name` (whose type then tells what was expected): a table may
    /// list one name with several types (Emscripten's `_localtime_js`
    /// across emcc versions).
    pub fn get_typed(&self, name: &str, ty: &FunctionType) -> Option<&'static Import<S>> {
        let want = ExternType::Function(ty.clone());
        self.rows()
            .find(|r| r.name == name && (r.ty)() == want)
            .or_else(|| self.get(name))
    }

    /// Whether the table has an import named `name` (what a tool such as
    /// `wasmer-imports inspect` reports as provided).
    pub fn provides(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// What the log says of `row` when registered under `module`.
    pub fn site(&self, module: &'static str, row: &Import<S>) -> Site {
        Site {
            module,
            name: row.name.into(),
            params: row.params,
            results: self.results,
        }
    }

    /// Defines the rows `wanted` names, as an export set for `module`:
    /// each logged ([`logged`]) when its scope is on in the guest's
    /// [`LogScopes`] (read here, once), the bare typed function otherwise.
    pub fn define(
        &self, store: &mut impl AsStoreMut, env: &FunctionEnv<S>, module: &'static str, wanted: &dyn Fn(&str) -> bool,
    ) -> Exports {
        let scopes = env.as_ref(store).host().log;
        let mut out = Exports::new();
        let mut add = |row: &Import<S>| {
            if wanted(row.name) {
                out.insert(row.name, self.build(store, env, module, row, scopes));
            }
        };
        // Most tables have no base: their own rows, without the chain.
        match self.base {
            None => self.rows.iter().for_each(&mut add),
            Some(_) => self.rows().for_each(&mut add),
        }
        out
    }

    /// [`Table::define`] for a table with a base, given what the base
    /// table defined for the same filter (`base_exports`): its functions
    /// are reused for the rows this table inherits, but for those whose
    /// scope is logged, which are defined again so that the log names
    /// `module`. Costs what defining the table's own rows costs.
    pub fn define_over(
        &self, store: &mut impl AsStoreMut, env: &FunctionEnv<S>, module: &'static str, wanted: &dyn Fn(&str) -> bool,
        base_exports: &Exports,
    ) -> Exports {
        let scopes = env.as_ref(store).host().log;
        let mut out = Exports::new();
        let (base, dropped) = self.base.unwrap_or((self, &[]));
        for (name, ext) in base_exports.iter() {
            if dropped.contains(&name.as_str()) || self.rows.iter().any(|r| r.name == name) {
                continue;
            }
            // The row is looked up only when something is logged: set-up
            // without logging stays a copy of the handles.
            let logged_row = match scopes {
                LogScopes::NONE => None,
                _ => base.rows.iter().find(|r| r.name == name && scopes.contains(r.scope)),
            };
            let ext = match logged_row {
                Some(row) => self.build(store, env, module, row, scopes),
                None => ext.clone(),
            };
            out.insert(name.clone(), ext);
        }
        for row in self.rows.iter().filter(|r| wanted(r.name)) {
            out.insert(row.name, self.build(store, env, module, row, scopes));
        }
        out
    }

    /// Builds `row` for `module`, logged when its scope is on.
    pub fn make(
        &self, store: &mut impl AsStoreMut, env: &FunctionEnv<S>, module: &'static str, row: &Import<S>,
    ) -> Extern {
        let scopes = env.as_ref(store).host().log;
        self.build(store, env, module, row, scopes)
    }

    /// Builds `row` for `module`, logged when its scope is in `scopes`.
    fn build(
        &self, store: &mut impl AsStoreMut, env: &FunctionEnv<S>, module: &'static str, row: &Import<S>,
        scopes: LogScopes,
    ) -> Extern {
        match (row.make)(&mut store.as_store_mut(), env) {
            Extern::Function(f) if scopes.contains(row.scope) => {
                Extern::Function(logged(store, env, self.site(module, row), f))
            }
            other => other,
        }
    }

    /// `f` (a function standing in for the row `name`, such as its async
    /// form on coroutines), wrapped to log as that row does when the
    /// row's scope is on in the guest's [`LogScopes`]; `f` itself
    /// otherwise.
    pub fn logged_as(
        &self, store: &mut impl AsStoreMut, env: &FunctionEnv<S>, module: &'static str, name: &str, f: Function,
    ) -> Function {
        let scopes = env.as_ref(store).host().log;
        match self.get(name) {
            Some(row) if scopes.contains(row.scope) => logged(store, env, self.site(module, row), f),
            _ => f,
        }
    }
}

/// `inner`, wrapped so each call logs `==> module.name(args)` before and
/// `<== (results)` or `<== (trap)` after, as `site` describes it, through
/// `tracing` (target [`TARGET`]). The wrapper is untyped (it serves every
/// signature) and costs a few hundred nanoseconds a call, which logging
/// spends many times over; unlogged functions are never wrapped. An async
/// `inner` may wait inside it: on a coroutine the wrapper's frame waits
/// with it.
pub fn logged<S: AsHost>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>, site: Site, inner: Function) -> Function {
    let ty = inner.ty(store);
    Function::new_with_env(store, env, ty, move |mut ctx: FunctionEnvMut<'_, S>, args: &[Value]| {
        let line = with_log_memory(&mut ctx, |mem| log::call_line(&site, args, mem));
        tracing::info!(target: TARGET, "{line}");
        let r = inner.call(&mut ctx, args);
        let line = with_log_memory(&mut ctx, |mem| log::result_line(&site, args, r.as_deref().ok(), mem));
        tracing::info!(target: TARGET, "{line}");
        r.map(|b| b.into_vec())
    })
}

/// `f` with the guest's memory, or with none when it is not bound yet (a
/// start section's calls).
fn with_log_memory<S: AsHost>(
    ctx: &mut FunctionEnvMut<'_, S>, f: impl Fn(Option<&GuestMemory<'_>>) -> String,
) -> String {
    let mut line = None;
    let _ = with_memory(ctx, |_, mem| {
        line = Some(f(Some(mem)));
        Ok(())
    });
    line.unwrap_or_else(|| f(None))
}

/// A filter for [`Table::define`] (and the import sets' `*_where`
/// functions): the names `module` imports from any of `namespaces`.
pub fn imported_by(module: &Module, namespaces: &[&str]) -> impl Fn(&str) -> bool {
    let names: Vec<String> = module
        .imports()
        .filter(|i| namespaces.contains(&i.module()))
        .map(|i| i.name().to_string())
        .collect();
    // A table asks for each of its rows, most of which the module does not
    // import: the lengths it imports (bit `len % 64`) turn most away
    // before any comparison.
    let lengths = names.iter().fold(0u64, |m, n| m | 1 << (n.len() % 64));
    move |name| lengths & 1 << (name.len() % 64) != 0 && names.iter().any(|n| n == name)
}

/// What a host function's body returns, turned into what the guest
/// receives: a wasm value (or none) as it is, a `Result` whose error is a
/// trap, or an [`Errno`] as WASI returns it (its discriminant, the
/// preview1 `errno` number).
pub trait Reply {
    /// The wasm results.
    type Wasm: WasmTypeList;
    /// The results, or the trap that ends the call.
    fn into_wasm(self) -> Result<Self::Wasm, RuntimeError>;
}

macro_rules! reply_values {
    ($($t:ty),*) => {$(
        impl Reply for $t {
            type Wasm = $t;
            #[inline]
            fn into_wasm(self) -> Result<$t, RuntimeError> {
                Ok(self)
            }
        }
        impl Reply for Result<$t, RuntimeError> {
            type Wasm = $t;
            #[inline]
            fn into_wasm(self) -> Result<$t, RuntimeError> {
                self
            }
        }
    )*};
}

reply_values!((), i32, u32, i64, u64, f32, f64);

impl Reply for Result<(), Errno> {
    type Wasm = i32;
    #[inline]
    fn into_wasm(self) -> Result<i32, RuntimeError> {
        Ok(match self {
            Ok(()) => 0,
            Err(e) => i32::from(e as u16),
        })
    }
}

impl Reply for Result<Errno, RuntimeError> {
    type Wasm = i32;
    #[inline]
    fn into_wasm(self) -> Result<i32, RuntimeError> {
        self.map(|e| i32::from(e as u16))
    }
}

/// A Rust function that is a host function over environment `S`:
/// `fn(FunctionEnvMut<S>, A1, ..., An) -> R` where each `Ai` is a wasm
/// value type and `R` a [`Reply`]. `Args` is `(A1, ..., An)`.
pub trait HostFn<S, Args>: Copy + Send + Sync + 'static {
    /// The typed host function (what `Function::new_typed_with_env`
    /// makes: the cheap kind to call).
    fn function(self, store: &mut impl AsStoreMut, env: &FunctionEnv<S>) -> Function;
    /// Its wasm type.
    fn ty() -> FunctionType;
}

/// A Rust function that is a host function with no environment:
/// `fn(A1, ..., An) -> R` (AssemblyScript's `Math.*`).
pub trait PlainFn<Args>: Copy + Send + Sync + 'static {
    /// The typed host function.
    fn function(self, store: &mut impl AsStoreMut) -> Function;
    /// Its wasm type.
    fn ty() -> FunctionType;
}

macro_rules! host_fns {
    ($(($($a:ident $v:ident),*))*) => {$(
        #[allow(unused_parens)]
        impl<S, F, R, $($a),*> HostFn<S, ($($a,)*)> for F
        where
            S: Send + 'static,
            F: Fn(FunctionEnvMut<'_, S>, $($a),*) -> R + Copy + Send + Sync + 'static,
            R: Reply,
            $($a: FromToNativeWasmType + 'static,)*
        {
            fn function(self, store: &mut impl AsStoreMut, env: &FunctionEnv<S>) -> Function {
                Function::new_typed_with_env(store, env, move |ctx: FunctionEnvMut<'_, S>, $($v: $a),*| {
                    self(ctx, $($v),*).into_wasm()
                })
            }
            fn ty() -> FunctionType {
                FunctionType::new(<($($a),*) as WasmTypeList>::wasm_types(), R::Wasm::wasm_types())
            }
        }

        #[allow(unused_parens)]
        impl<F, R, $($a),*> PlainFn<($($a,)*)> for F
        where
            F: Fn($($a),*) -> R + Copy + Send + Sync + 'static,
            R: Reply,
            $($a: FromToNativeWasmType + 'static,)*
        {
            fn function(self, store: &mut impl AsStoreMut) -> Function {
                Function::new_typed(store, move |$($v: $a),*| self($($v),*).into_wasm())
            }
            fn ty() -> FunctionType {
                FunctionType::new(<($($a),*) as WasmTypeList>::wasm_types(), R::Wasm::wasm_types())
            }
        }
    )*};
}

host_fns! {
    ()
    (A1 a1)
    (A1 a1, A2 a2)
    (A1 a1, A2 a2, A3 a3)
    (A1 a1, A2 a2, A3 a3, A4 a4)
    (A1 a1, A2 a2, A3 a3, A4 a4, A5 a5)
    (A1 a1, A2 a2, A3 a3, A4 a4, A5 a5, A6 a6)
    (A1 a1, A2 a2, A3 a3, A4 a4, A5 a5, A6 a6, A7 a7)
    (A1 a1, A2 a2, A3 a3, A4 a4, A5 a5, A6 a6, A7 a7, A8 a8)
    (A1 a1, A2 a2, A3 a3, A4 a4, A5 a5, A6 a6, A7 a7, A8 a8, A9 a9)
}

/// `f` as a typed host function over `env` (a row's `make`).
pub fn typed<S, A, F: HostFn<S, A>>(store: &mut StoreMut<'_>, env: &FunctionEnv<S>, f: F) -> Extern {
    Extern::Function(f.function(store, env))
}

/// The type of the host function `f` (a row's `ty`).
pub fn typed_ty<S, A, F: HostFn<S, A>>(_f: F) -> ExternType {
    ExternType::Function(F::ty())
}

/// `f` as a typed host function with no environment (a row's `make`).
pub fn plain<A, F: PlainFn<A>>(store: &mut StoreMut<'_>, f: F) -> Extern {
    Extern::Function(f.function(store))
}

/// The type of the host function `f` (a row's `ty`).
pub fn plain_ty<A, F: PlainFn<A>>(_f: F) -> ExternType {
    ExternType::Function(F::ty())
}

/// The rows of an import set's [`Table`], one line each:
///
/// ```text
/// "name" [SCOPE] (params) => function;     a host function over the env
/// "name" [SCOPE] plain => function;        a host function with no env
/// "name" [SCOPE] global => f64 value;      an immutable f64 global
/// ```
///
/// `SCOPE` is a [`LogScopes`] constant (`NONE`: never logged). `(params)`
/// is optional and says how the log shows the arguments, in order: `name`
/// (an unsigned number), `name: str` (a guest string, its length the next
/// argument), `name: out32`/`out64` (a pointer to a result), or `_`,
/// `_: cstr`, `_: utf16` for arguments shown by position (`a0=`).
/// `env: S` names the environment type (the impl's type parameter for a
/// generic table). Expands to a `&'static [Import<S>]` in a constant.
#[macro_export]
macro_rules! import_rows {
    (env: $env:ty; $($name:literal [$scope:ident] $($kind:ident)? $(($($p:tt $(: $show:ident)?),*))? => $f:expr;)*) => {
        &[$($crate::__import_row!($env, $name, $scope, [$($kind)?], [$($($p $(: $show)?),*)?], $f)),*]
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __import_row {
    ($env:ty, $name:literal, $scope:ident, [], [$($p:tt $(: $show:ident)?),*], $f:expr) => {
        $crate::define::Import::<$env> {
            name: $name,
            scope: $crate::log::LogScopes::$scope,
            params: &[$($crate::__import_param!($p $(: $show)?)),*],
            ty: || $crate::define::typed_ty::<$env, _, _>($f),
            make: |store, env| $crate::define::typed(store, env, $f),
        }
    };
    ($env:ty, $name:literal, $scope:ident, [plain], [], $f:expr) => {
        $crate::define::Import::<$env> {
            name: $name,
            scope: $crate::log::LogScopes::$scope,
            params: &[],
            ty: || $crate::define::plain_ty($f),
            make: |store, _| $crate::define::plain(store, $f),
        }
    };
    ($env:ty, $name:literal, $scope:ident, [global], [], $v:expr) => {
        $crate::define::Import::<$env> {
            name: $name,
            scope: $crate::log::LogScopes::$scope,
            params: &[],
            ty: || $crate::define::__wasmer::ExternType::Global($crate::define::__wasmer::GlobalType::new(
                $crate::define::__wasmer::Type::F64,
                $crate::define::__wasmer::Mutability::Const,
            )),
            make: |store, _| {
                use $crate::define::__wasmer::{Extern, Global, Value};
                Extern::Global(Global::new(store, Value::F64($v)))
            },
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __import_param {
    (_) => {
        $crate::log::Param {
            name: "",
            show: $crate::log::Show::Value,
        }
    };
    (_: $show:ident) => {
        $crate::log::Param {
            name: "",
            show: $crate::__import_show!($show),
        }
    };
    ($name:ident) => {
        $crate::log::Param {
            name: stringify!($name),
            show: $crate::log::Show::Unsigned,
        }
    };
    ($name:ident: $show:ident) => {
        $crate::log::Param {
            name: stringify!($name),
            show: $crate::__import_show!($show),
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __import_show {
    (str) => {
        $crate::log::Show::Str
    };
    (out32) => {
        $crate::log::Show::Out32
    };
    (out64) => {
        $crate::log::Show::Out64
    };
    (cstr) => {
        $crate::log::Show::CStr
    };
    (utf16) => {
        $crate::log::Show::Utf16
    };
    (value) => {
        $crate::log::Show::Value
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Host;

    fn never(_: &mut StoreMut<'_>, _: &FunctionEnv<Host>) -> Extern {
        unreachable!("not defined in these tests")
    }

    const fn row(name: &'static str, scope: LogScopes) -> Import<Host> {
        Import {
            name,
            scope,
            params: &[],
            ty: || ExternType::Function(FunctionType::new([], [])),
            make: never,
        }
    }

    const BASE: Table<Host> = Table {
        rows: &[
            row("a", LogScopes::NONE),
            row("b", LogScopes::NONE),
            row("c", LogScopes::NONE),
        ],
        base: None,
        results: Results::Values,
    };

    const DERIVED: Table<Host> = Table {
        rows: &[row("b", LogScopes::PROC)],
        base: Some((&BASE, &["c"])),
        results: Results::Values,
    };

    #[test]
    fn a_derived_table_replaces_and_drops_rows_of_its_base() {
        let names: Vec<&str> = DERIVED.rows().map(|r| r.name).collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(DERIVED.get("b").map(|r| r.scope), Some(LogScopes::PROC));
        assert!(DERIVED.provides("a") && !DERIVED.provides("c") && BASE.provides("c"));
    }

    fn answer(_ctx: FunctionEnvMut<'_, Host>, x: u32, y: u64) -> Result<(), Errno> {
        match x as u64 == y {
            true => Ok(()),
            false => Err(Errno::Inval),
        }
    }

    #[test]
    fn a_rust_function_gives_its_wasm_type() {
        use wasmer::Type::{I32, I64};
        assert_eq!(
            typed_ty::<Host, _, _>(answer),
            ExternType::Function(FunctionType::new([I32, I64], [I32]))
        );
        let fround = |x: f64| x as f32;
        let want = FunctionType::new([wasmer::Type::F64], [wasmer::Type::F32]);
        assert_eq!(plain_ty(fround), ExternType::Function(want));
    }
}
