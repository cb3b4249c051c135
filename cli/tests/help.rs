//! The examples `--help` shows are real: each runs, from the project
//! root, and exits 0 (but for `--tcplisten`, which waits for a client:
//! `tcplisten.rs` runs that program).

use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The example command lines in `text`, as argument lists.
fn examples(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("wasmer-imports "))
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect()
}

#[test]
fn every_help_example_runs() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut ran = 0;
    for args in [&["--help"][..], &["run", "--help"], &["inspect", "--help"]] {
        let shown = examples(&help(args));
        assert!(shown.len() >= 2, "{args:?} shows {} examples", shown.len());
        for ex in shown.iter().filter(|ex| !ex.iter().any(|a| a == "--tcplisten")) {
            let out = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
                .args(ex)
                .current_dir(root)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "wasmer-imports {}: {err}", ex.join(" "));
            ran += 1;
        }
    }
    assert!(ran >= 6, "only {ran} examples ran");
}
