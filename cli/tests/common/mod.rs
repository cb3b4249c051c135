//! The testdata case runner shared by every import set's tests: reads
//! `testdata/<subdir>/**/<case>.case` with its expected `<case>.stdout` and
//! `<case>.exit` (format: testdata/README.md) and runs cases through the
//! CLI binary.

#![allow(dead_code)]

use imports::fs::OsDir;
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use wasmer::{Module, Store};

/// One `.case` file and its expectations.
pub struct Case {
    pub name: String,
    pub wasm: PathBuf,
    /// A minified Emscripten build's glue (`minified-*/<program>.js`, or
    /// the case's `glue FILE`), which the CLI runs instead of the module.
    pub glue: Option<PathBuf>,
    /// `js IMPORT VALUE`: the glue's JavaScript for the canonical import
    /// IMPORT, which the CLI refuses; the embedding API runs the case
    /// with IMPORT defined as a host function returning VALUE.
    pub js: Option<(String, i32)>,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub dirs: Vec<(PathBuf, String)>,
    pub stdin: Option<PathBuf>,
    pub stdout: Vec<u8>,
    pub exit: u32,
}

pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

pub fn cases(subdir: &str) -> Vec<Case> {
    let mut out = Vec::new();
    let root = testdata().join(subdir);
    let mut programs: Vec<PathBuf> = Vec::new();
    // A program directory holds `*.case` files; others group programs
    // (`src` holds sources, and the cases new builds start from).
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        let entries: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .map(|e| e.unwrap().path())
            .collect();
        if entries.iter().any(|p| p.extension().is_some_and(|e| e == "case")) {
            programs.push(d);
        } else {
            stack.extend(
                entries
                    .into_iter()
                    .filter(|p| p.is_dir() && !p.ends_with("fixture") && !p.ends_with("src")),
            );
        }
    }
    programs.sort();
    for dir in programs {
        let prog = dir.file_name().unwrap().to_string_lossy().into_owned();
        let wasm = dir.join(format!("{prog}.wasm"));
        let glue = Some(dir.join(format!("{prog}.js"))).filter(|_| prog.starts_with("minified-"));
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "case")) {
            let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
            let mut c = Case {
                name: format!("{}/{stem}", dir.strip_prefix(&root).unwrap().display()),
                wasm: wasm.clone(),
                glue: glue.clone(),
                js: None,
                args: vec![],
                env: vec![],
                dirs: vec![],
                stdin: None,
                stdout: std::fs::read(dir.join(format!("{stem}.stdout"))).unwrap(),
                exit: std::fs::read_to_string(dir.join(format!("{stem}.exit")))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap(),
            };
            for line in std::fs::read_to_string(f).unwrap().lines() {
                let t = line.trim_start();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                let (key, value) = t.split_once(' ').unwrap_or((t, ""));
                match key {
                    "arg" => c.args.push(value.to_string()),
                    "env" => {
                        let (n, v) = value.split_once('=').unwrap();
                        c.env.push((n.into(), v.into()));
                    }
                    "dir" => {
                        let (h, g) = value.split_once("::").unwrap();
                        c.dirs.push((dir.join(h), g.into()));
                    }
                    "stdin" => c.stdin = Some(dir.join(value)),
                    "glue" => c.glue = Some(dir.join(value)),
                    "js" => {
                        let (name, v) = value.split_once(' ').unwrap();
                        c.js = Some((name.into(), v.parse().unwrap()));
                    }
                    other => panic!("{}: unknown case key {other:?}", f.display()),
                }
            }
            out.push(c);
        }
    }
    out
}

pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Fresh copies of the case's fixtures: (temp dir guard, host path, guest path).
pub fn fixtures(c: &Case) -> Vec<(tempfile::TempDir, PathBuf, String)> {
    c.dirs
        .iter()
        .map(|(src, guest)| {
            let t = tempfile::tempdir().unwrap();
            let host = t.path().join("mnt");
            copy_dir(src, &host);
            (t, host, guest.clone())
        })
        .collect()
}

pub fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn check(failures: &mut Vec<String>, c: &Case, how: &str, stdout: &[u8], exit: Option<u32>) {
    if stdout != c.stdout.as_slice() || exit != Some(c.exit) {
        failures.push(format!(
            "{} via {how}: exit {:?} (want {})\n--- got stdout\n{}--- want stdout\n{}",
            c.name,
            exit,
            c.exit,
            show(stdout),
            show(&c.stdout)
        ));
    }
}

pub fn report(failures: Vec<String>, ran: usize, at_least: usize) {
    // The suite must actually exercise the programs, all of them.
    assert!(
        ran >= at_least,
        "only {ran} testdata cases found, expected at least {at_least}"
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs `c` through the `wasmer-imports` binary: `run`, one `--dir` per
/// fixture, `--env` per variable, `extra` flags, then the file and its
/// arguments after `--`, with an empty environment. Returns (stdout,
/// stderr, exit code).
pub fn run_cli(c: &Case, extra: &[&str]) -> (Vec<u8>, Vec<u8>, Option<u32>) {
    let mounts = fixtures(c);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"));
    cmd.arg("run");
    for (_, host, guest) in &mounts {
        cmd.arg("--dir").arg(format!("{}::{guest}", host.display()));
    }
    for (n, v) in &c.env {
        cmd.arg("--env").arg(format!("{n}={v}"));
    }
    // One compiled-module cache for the whole test run: each module is
    // compiled once, however many cases run it.
    cmd.arg("--cache-dir")
        .arg(Path::new(env!("CARGO_TARGET_TMPDIR")).join("module-cache"));
    cmd.args(extra);
    cmd.arg(c.glue.as_ref().unwrap_or(&c.wasm)).arg("--").args(&c.args);
    cmd.env_clear();
    cmd.stdin(match &c.stdin {
        Some(p) => Stdio::from(std::fs::File::open(p).unwrap()),
        None => Stdio::null(),
    });
    let out = cmd.output().unwrap();
    (out.stdout, out.stderr, out.status.code().map(|c| c as u32))
}

/// Checks every case of `testdata/<subdir>` through the CLI.
pub fn check_all_through_cli(subdir: &str, at_least: usize) {
    let all = cases(subdir);
    let mut failures = Vec::new();
    for c in &all {
        let (stdout, stderr, exit) = run_cli(c, &[]);
        if let Some((import, _)) = &c.js {
            check_refused(&mut failures, c, import, &stdout, &stderr, exit);
            continue;
        }
        check(&mut failures, c, "the CLI", &stdout, exit);
        if exit != Some(c.exit) && !stderr.is_empty() {
            failures.push(format!("{} stderr: {}", c.name, show(&stderr)));
        }
    }
    report(failures, all.len(), at_least);
}

/// A case whose glue has JavaScript for `import` (`js` in the case): the
/// CLI must refuse it before running, in one line naming the import.
fn check_refused(failures: &mut Vec<String>, c: &Case, import: &str, stdout: &[u8], stderr: &[u8], exit: Option<u32>) {
    let stderr = show(stderr);
    let named = stderr.contains(&format!("({import}) is JavaScript in the glue"));
    if exit != Some(1) || !stdout.is_empty() || stderr.lines().count() != 1 || !named {
        failures.push(format!(
            "{} via the CLI: expected a one-line refusal naming {import}, got exit {exit:?}\n--- stderr\n{stderr}",
            c.name
        ));
    }
}

/// The configuration of case `c` run from `file`: argv[0] the file's
/// name, the case's arguments, environment and stdin, fresh copies of its
/// fixtures mounted (kept while the guard lives), stdout captured in the
/// buffer returned.
pub fn config(c: &Case, file: &Path) -> (ModuleConfig, OutputBuffer, Vec<(tempfile::TempDir, PathBuf, String)>) {
    let out = OutputBuffer::new();
    let mut cfg = ModuleConfig::new()
        .arg(file.file_name().unwrap().to_string_lossy())
        .args(c.args.iter().cloned())
        .stdout(out.clone());
    for (n, v) in &c.env {
        cfg = cfg.env(n, v);
    }
    if let Some(s) = &c.stdin {
        cfg = cfg.stdin(std::fs::File::open(s).unwrap());
    }
    let mounts = fixtures(c);
    for (_, host, guest) in &mounts {
        cfg = cfg.mount(guest.clone(), OsDir::open(host).unwrap());
    }
    (cfg, out, mounts)
}

/// Checks every case of `testdata/<subdir>` through the embedding API,
/// but those run from their glue (see `glue.rs`).
/// `run` gets a store, the module (compiled once per file), the case's
/// configuration (argv[0] the file's name, its arguments, environment,
/// stdin, fresh copies of its fixtures mounted, stdout captured) and the
/// case; it returns the exit code, or an error to report.
pub fn check_all_through_api(
    subdir: &str, at_least: usize, run: impl FnMut(&mut Store, &Module, ModuleConfig, &Case) -> Result<u32, String>,
) {
    check_through_api_where(subdir, at_least, |c| c.glue.is_none(), run)
}

/// [`check_all_through_api`] for the cases `only` selects.
pub fn check_through_api_where(
    subdir: &str, at_least: usize, only: impl Fn(&Case) -> bool,
    mut run: impl FnMut(&mut Store, &Module, ModuleConfig, &Case) -> Result<u32, String>,
) {
    let all: Vec<Case> = cases(subdir).into_iter().filter(|c| only(c)).collect();
    let mut store = Store::default();
    let mut modules: HashMap<PathBuf, Module> = HashMap::new();
    let mut failures = Vec::new();
    for c in &all {
        let module = modules
            .entry(c.wasm.clone())
            .or_insert_with(|| Module::new(&store, std::fs::read(&c.wasm).unwrap()).unwrap())
            .clone();
        let (cfg, out, _mounts) = config(c, &c.wasm);
        match run(&mut store, &module, cfg, c) {
            Ok(code) => check(&mut failures, c, "the embedding API", &out.contents(), Some(code)),
            Err(e) => failures.push(format!("{}: {e}", c.name)),
        }
    }
    report(failures, all.len(), at_least);
}
