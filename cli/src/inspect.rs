//! `wasmer-imports inspect`: what a module needs and whether we provide it.

use crate::cache::Cache;
use crate::detect::{detect, Toolchain};
use crate::error::CliError;
use crate::glue::load_any;
use crate::guest::kind;
use crate::sets::set;
use emscripten::Names;
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;
use wasmer::{ExternType, ImportType, Module};

#[derive(Serialize)]
struct Report {
    file: String,
    toolchain: String,
    all_provided: bool,
    imports: Vec<Import>,
    start: Vec<String>,
    memory: Option<String>,
    table: Option<String>,
    exports: Vec<Export>,
}

#[derive(Serialize)]
struct Import {
    module: String,
    name: String,
    /// What a minified build's import stands for (`env.__syscall_openat`).
    #[serde(skip_serializing_if = "Option::is_none")]
    stands_for: Option<String>,
    kind: String,
    provided: bool,
}

#[derive(Serialize)]
struct Export {
    name: String,
    kind: String,
}

/// Entry points the toolchains' runners call, in the order we look.
const STARTS: &[&str] = &["_start", "main", "__main_argc_argv", "run", "resume"];

/// Prints the detected toolchain, every import grouped by module with
/// whether its import set provides it (from the set's tables), the
/// exports that matter (entry points, memory, table) and all exports; as
/// text or `--json`. Exits 1 if any import is unprovided.
pub fn inspect(file: &Path, json: bool) -> Result<ExitCode, CliError> {
    let (_, module, names) = load_any(file, &Cache::new(None, true), None)?;
    let report = report(file, &module, names.as_ref());
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| CliError::Setup(e.to_string()))?
        );
    } else {
        print_text(&report);
    }
    Ok(if report.all_provided {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// What `inspect` says of `module`: its toolchain, whether the toolchain's
/// import set provides each import, its entry points, memory, table and
/// exports.
fn report(file: &Path, module: &Module, names: Option<&Names>) -> Report {
    let toolchain = match names {
        Some(_) => Toolchain::Emscripten,
        None => detect(module),
    };
    let provides = |i: &ImportType| match names {
        Some(names) => emscripten::provides_named(names, i),
        None => (set(toolchain).provides)(i),
    };
    let imports: Vec<Import> = module
        .imports()
        .map(|i| Import {
            module: i.module().to_string(),
            name: i.name().to_string(),
            stands_for: names
                .and_then(|n| n.lookup(i.module(), i.name()))
                .map(|s| format!("{}.{}", s.module, s.name)),
            kind: kind(i.ty()),
            provided: provides(&i),
        })
        .collect();
    let exports: Vec<Export> = module
        .exports()
        .map(|e| Export {
            name: e.name().to_string(),
            kind: kind(e.ty()),
        })
        .collect();
    let find = |want: fn(&ExternType) -> bool| {
        module
            .exports()
            .find(|e| want(e.ty()))
            .map(|e| format!("{} ({})", e.name(), describe(e.ty())))
    };
    let imported = |want: fn(&ExternType) -> bool| {
        module
            .imports()
            .find(|i| want(i.ty()))
            .map(|i| format!("imported {}.{} ({})", i.module(), i.name(), describe(i.ty())))
    };
    Report {
        file: file.display().to_string(),
        toolchain: toolchain.to_string(),
        all_provided: imports.iter().all(|i| i.provided),
        start: STARTS
            .iter()
            .filter(|s| {
                let name = names.map_or(**s, |n| n.export_name(s));
                module
                    .exports()
                    .any(|e| e.name() == name && matches!(e.ty(), ExternType::Function(_)))
            })
            .map(|s| s.to_string())
            .collect(),
        memory: find(|t| matches!(t, ExternType::Memory(_)))
            .or_else(|| imported(|t| matches!(t, ExternType::Memory(_)))),
        table: find(|t| matches!(t, ExternType::Table(_))).or_else(|| imported(|t| matches!(t, ExternType::Table(_)))),
        imports,
        exports,
    }
}

fn describe(t: &ExternType) -> String {
    match t {
        ExternType::Memory(m) => match m.maximum {
            Some(max) => format!("{} to {} pages", m.minimum.0, max.0),
            None => format!("{} pages or more", m.minimum.0),
        },
        ExternType::Table(t) => format!("{} entries of {}", t.minimum, t.ty),
        other => kind(other),
    }
}

fn print_text(r: &Report) {
    println!("file: {}", r.file);
    println!("toolchain: {}", r.toolchain);
    println!("imports:");
    let mut modules: Vec<&str> = r.imports.iter().map(|i| i.module.as_str()).collect();
    modules.dedup();
    let mut seen = Vec::new();
    for m in modules {
        if seen.contains(&m) {
            continue;
        }
        seen.push(m);
        let of: Vec<&Import> = r.imports.iter().filter(|i| i.module == m).collect();
        let ok = of.iter().filter(|i| i.provided).count();
        println!("  {m} ({ok} of {} provided)", of.len());
        for i in of {
            let mark = if i.provided { "provided" } else { "MISSING " };
            match &i.stands_for {
                Some(canonical) => println!("    {mark} {} = {canonical} ({})", i.name, i.kind),
                None => println!("    {mark} {} ({})", i.name, i.kind),
            }
        }
    }
    println!(
        "entry points: {}",
        if r.start.is_empty() {
            "none".to_string()
        } else {
            r.start.join(", ")
        }
    );
    println!("memory: {}", r.memory.as_deref().unwrap_or("none"));
    println!("table: {}", r.table.as_deref().unwrap_or("none"));
    println!("exports:");
    for e in &r.exports {
        println!("  {} ({})", e.name, e.kind);
    }
}
