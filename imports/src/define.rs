//! Defining an import set's exports, only those a module imports.
//!
//! Defining a host function costs about half a microsecond (BENCHMARKS.md):
//! an import set with dozens of functions, defined eagerly, spends more
//! on its definitions than on the rest of a guest's set-up. A [`Defs`]
//! skips the names its filter rejects without building them.

use wasmer::{Exports, Extern, Module};

/// An export set being defined, keeping only the names `wanted` accepts.
pub struct Defs<'a> {
    exports: Exports,
    wanted: &'a dyn Fn(&str) -> bool,
}

impl<'a> Defs<'a> {
    /// An empty set that keeps the names `wanted` accepts.
    pub fn new(wanted: &'a dyn Fn(&str) -> bool) -> Self {
        Defs {
            exports: Exports::new(),
            wanted,
        }
    }

    /// Adds `name`, built by `make`, if it is wanted; `make` is not called
    /// otherwise.
    pub fn add<E: Into<Extern>>(&mut self, name: &str, make: impl FnOnce() -> E) {
        if (self.wanted)(name) {
            self.exports.insert(name, make().into());
        }
    }

    /// The exports defined.
    pub fn into_exports(self) -> Exports {
        self.exports
    }
}

/// A filter for [`Defs`] (and the import sets' `*_where` functions):
/// the names `module` imports from any of `namespaces`.
pub fn imported_by(module: &Module, namespaces: &[&str]) -> impl Fn(&str) -> bool {
    let names: Vec<String> = module
        .imports()
        .filter(|i| namespaces.contains(&i.module()))
        .map(|i| i.name().to_string())
        .collect();
    move |name| names.iter().any(|n| n == name)
}
