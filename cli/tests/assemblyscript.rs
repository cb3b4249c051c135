//! Runs every AssemblyScript program in `testdata/assemblyscript` (built by
//! asc 0.28) and compares its stdout, stderr and exit code with what its
//! generated ESM bindings did under node (`testdata/assemblyscript/
//! record.mjs`), once through the embedding API and once through the
//! `wasmer-imports` binary.
//!
//! Besides the `.case` format (testdata/README.md), a case may have a
//! `<case>.options` file (`trace off|stdout|stderr`, `invoke NAME`; the
//! `arg` lines are then NAME's arguments) and always has a `<case>.stderr`.
//! `console.time` durations differ between runs and are compared masked.

mod common;

use assemblyscript::invoke::{format_value, invoke, Outcome};
use assemblyscript::{Options, Trace};
use common::{cases, report, run_cli, show, Case};
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use std::collections::HashMap;
use std::path::PathBuf;
use wasmer::{Module, Store};

/// Every case of every program: fewer means some were lost.
const AT_LEAST: usize = 25;

/// A case's `.options`.
struct CaseOptions {
    trace: Trace,
    invoke: Option<String>,
}

fn options(c: &Case) -> CaseOptions {
    let dir = c.wasm.parent().unwrap();
    let stem = c.name.rsplit('/').next().unwrap();
    let mut o = CaseOptions {
        trace: Trace::Off,
        invoke: None,
    };
    let Ok(text) = std::fs::read_to_string(dir.join(format!("{stem}.options"))) else {
        return o;
    };
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        match line.split_once(' ') {
            Some(("trace", "off")) => o.trace = Trace::Off,
            Some(("trace", "stdout")) => o.trace = Trace::Stdout,
            Some(("trace", "console")) => o.trace = Trace::Console,
            Some(("trace", "stderr")) => o.trace = Trace::Stderr,
            Some(("invoke", name)) => o.invoke = Some(name.trim().to_string()),
            _ => panic!("{}: bad option line {line:?}", c.name),
        }
    }
    o
}

fn expected_stderr(c: &Case) -> Vec<u8> {
    let stem = c.name.rsplit('/').next().unwrap();
    std::fs::read(c.wasm.parent().unwrap().join(format!("{stem}.stderr"))).unwrap()
}

/// `console.time` lines (`label: 0.583ms`) with the duration replaced, as
/// record.mjs compares them.
fn mask(b: &[u8]) -> String {
    show(b)
        .split_inclusive('\n')
        .map(|line| {
            let body = line.trim_end_matches('\n');
            match body.rsplit_once(": ") {
                Some((label, d))
                    if (d.ends_with("ms") || d.ends_with('s'))
                        && d.trim_end_matches(['m', 's']).parse::<f64>().is_ok() =>
                {
                    format!("{label}: <duration>{}", &line[body.len()..])
                }
                _ => line.to_string(),
            }
        })
        .collect()
}

/// Compares one run with the recording. stderr is compared exactly, except
/// after a trap (exit 134), where wasmer-imports prints its own report: it
/// must then contain what node printed.
fn check(failures: &mut Vec<String>, c: &Case, how: &str, stdout: &[u8], stderr: Option<&[u8]>, exit: Option<u32>) {
    let mut problems = Vec::new();
    if exit != Some(c.exit) {
        problems.push(format!("exit {exit:?}, want {}", c.exit));
    }
    if mask(stdout) != mask(&c.stdout) {
        problems.push(format!(
            "--- got stdout\n{}--- want stdout\n{}",
            show(stdout),
            show(&c.stdout)
        ));
    }
    if let Some(stderr) = stderr {
        let want = expected_stderr(c);
        let ok = if c.exit == 134 {
            show(stderr).contains(show(&want).trim_end())
        } else {
            mask(stderr) == mask(&want)
        };
        if !ok {
            problems.push(format!(
                "--- got stderr\n{}--- want stderr\n{}",
                show(stderr),
                show(&want)
            ));
        }
    }
    if !problems.is_empty() {
        failures.push(format!("{} via {how}: {}", c.name, problems.join("\n")));
    }
}

#[test]
fn testdata_through_the_embedding_api() {
    let all = cases("assemblyscript");
    let mut store = Store::default();
    let mut modules: HashMap<PathBuf, Module> = HashMap::new();
    let mut failures = Vec::new();
    for c in &all {
        let module = modules
            .entry(c.wasm.clone())
            .or_insert_with(|| Module::new(&store, std::fs::read(&c.wasm).unwrap()).unwrap())
            .clone();
        let o = options(c);
        let (out, err) = (OutputBuffer::new(), OutputBuffer::new());
        let config = ModuleConfig::new().stdout(out.clone()).stderr(err.clone());
        let opts = Options::new().trace(o.trace);
        let exit = match &o.invoke {
            None => assemblyscript::run(&mut store, &module, config, opts),
            Some(name) => match invoke(&mut store, &module, config, opts, name, &c.args) {
                Ok(Outcome::Exited(code)) => Ok(code),
                Ok(Outcome::Returned(values)) => {
                    let mut w = out.clone();
                    for v in values.iter() {
                        std::io::Write::write_all(&mut w, format!("{}\n", format_value(v).unwrap()).as_bytes())
                            .unwrap();
                    }
                    Ok(0)
                }
                Err(e) => Err(e),
            },
        };
        let exit = match exit {
            Ok(code) => Some(code),
            // A trap: its message stands in for what the CLI prints.
            Err(assemblyscript::Error::Trap(e)) => {
                std::io::Write::write_all(&mut err.clone(), e.message().as_bytes()).unwrap();
                Some(134)
            }
            Err(e) => {
                failures.push(format!("{}: {e}", c.name));
                continue;
            }
        };
        check(
            &mut failures,
            c,
            "the embedding API",
            &out.contents(),
            Some(&err.contents()),
            exit,
        );
    }
    report(failures, all.len(), AT_LEAST);
}

/// The CLI's `--trace` modes are the recordings' `console` (its default),
/// `stderr` (`--trace loader`) and `off`; it has no loader form on
/// stdout. Stderr is compared where the recording's trace mode was
/// `stderr` or the program does not trace at all.
#[test]
fn testdata_through_the_cli() {
    let all = cases("assemblyscript");
    let mut failures = Vec::new();
    let mut ran = 0;
    for c in &all {
        let o = options(c);
        if o.trace == Trace::Stdout {
            continue;
        }
        let traces = std::fs::read(&c.wasm).unwrap().windows(5).any(|w| w == b"trace");
        let mut extra: Vec<&str> = match &o.invoke {
            Some(name) => vec!["--invoke", name],
            None => vec![],
        };
        match o.trace {
            Trace::Off => extra.extend(["--trace", "off"]),
            Trace::Stderr => extra.extend(["--trace", "loader"]),
            _ => {}
        }
        let (stdout, stderr, exit) = run_cli(c, &extra);
        let compare_stderr = o.trace == Trace::Stderr || !traces;
        check(
            &mut failures,
            c,
            "the CLI",
            &stdout,
            compare_stderr.then_some(&stderr[..]),
            exit,
        );
        ran += 1;
    }
    report(failures, ran, AT_LEAST - 1);
}
