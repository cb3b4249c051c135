//! Runs every WASI program in `testdata/` (built by real toolchains) and
//! compares its stdout and exit code with what the reference runtime
//! recorded (`testdata/record.py`, wasmtime), once through the embedding
//! API and once through the `wasmer-imports` binary.

use imports::fs::OsDir;
use imports::stdio::OutputBuffer;
use imports::ModuleConfig;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use wasmer::{Module, Store};

/// One `.case` file and its expectations.
struct Case {
    name: String,
    wasm: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    dirs: Vec<(PathBuf, String)>,
    stdin: Option<PathBuf>,
    stdout: Vec<u8>,
    exit: u32,
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let root = testdata().join("wasi");
    let mut programs: Vec<PathBuf> = Vec::new();
    for lang in std::fs::read_dir(&root).expect("testdata/wasi exists") {
        for prog in std::fs::read_dir(lang.unwrap().path()).unwrap() {
            programs.push(prog.unwrap().path());
        }
    }
    programs.sort();
    for dir in programs {
        let prog = dir.file_name().unwrap().to_string_lossy().into_owned();
        let wasm = dir.join(format!("{prog}.wasm"));
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "case")) {
            let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
            let mut c = Case {
                name: format!("{}/{stem}", dir.strip_prefix(&root).unwrap().display()),
                wasm: wasm.clone(),
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
                    other => panic!("{}: unknown case key {other:?}", f.display()),
                }
            }
            out.push(c);
        }
    }
    out
}

fn copy_dir(src: &Path, dst: &Path) {
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
fn fixtures(c: &Case) -> Vec<(tempfile::TempDir, PathBuf, String)> {
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

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn check(failures: &mut Vec<String>, c: &Case, how: &str, stdout: &[u8], exit: Option<u32>) {
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

fn report(failures: Vec<String>, ran: usize) {
    // The suite must actually exercise the programs: both languages, all of them.
    assert!(ran >= 30, "only {ran} testdata cases found");
    assert!(
        failures.is_empty(),
        "{} of {ran} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn testdata_through_the_embedding_api() {
    let all = cases();
    let mut store = Store::default();
    let mut modules: HashMap<PathBuf, Module> = HashMap::new();
    let mut failures = Vec::new();
    for c in &all {
        let module = modules
            .entry(c.wasm.clone())
            .or_insert_with(|| Module::new(&store, std::fs::read(&c.wasm).unwrap()).unwrap())
            .clone();
        let out = OutputBuffer::new();
        let mut cfg = ModuleConfig::new()
            .arg(c.wasm.file_name().unwrap().to_string_lossy())
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
        let exit = match wasi_snapshot_preview1::run(&mut store, &module, cfg) {
            Ok(code) => Some(code),
            Err(e) => {
                failures.push(format!("{}: {e}", c.name));
                continue;
            }
        };
        check(&mut failures, c, "the embedding API", &out.contents(), exit);
    }
    report(failures, all.len());
}

#[test]
fn testdata_through_the_cli() {
    let all = cases();
    let mut failures = Vec::new();
    for c in &all {
        let mounts = fixtures(c);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"));
        cmd.arg("run");
        for (_, host, guest) in &mounts {
            cmd.arg("--dir").arg(format!("{}::{guest}", host.display()));
        }
        for (n, v) in &c.env {
            cmd.arg("--env").arg(format!("{n}={v}"));
        }
        cmd.arg(&c.wasm).arg("--").args(&c.args);
        cmd.env_clear();
        cmd.stdin(match &c.stdin {
            Some(p) => Stdio::from(std::fs::File::open(p).unwrap()),
            None => Stdio::null(),
        });
        let out = cmd.output().unwrap();
        let exit = out.status.code().map(|c| c as u32);
        check(&mut failures, c, "the CLI", &out.stdout, exit);
        if !out.stderr.is_empty() && exit != Some(c.exit) {
            failures.push(format!("{} stderr: {}", c.name, show(&out.stderr)));
        }
    }
    report(failures, all.len());
}
