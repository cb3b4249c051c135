//! The compiled-module cache: used on the second run, recompiled (never
//! trusted) when an entry (the serialized module and its checksum file)
//! is truncated or corrupt, off with --no-cache.

mod common;

use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .args(args)
        .env_clear()
        .output()
        .unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned())
}

/// The cached modules (`.module` files; each has a `.sum` beside it).
fn entries(dir: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(d) => d
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "module"))
            .collect(),
        Err(_) => vec![],
    }
}

/// What changes when a file is rewritten: (inode, length, modification time).
fn stamp(file: &Path) -> (u64, u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(file).unwrap();
    (m.ino(), m.len(), m.modified().unwrap())
}

#[test]
fn cache_is_used_and_never_trusted_blindly() {
    let hello = common::testdata().join("wasi/c/hello/hello.wasm");
    let hello = hello.to_str().unwrap();
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("cache");
    let d = dir.to_str().unwrap();
    let want = (Some(3), "hello from c\n".to_string());

    assert_eq!(run(&["run", "--no-cache", "--cache-dir", d, hello]), want);
    assert!(entries(&dir).is_empty(), "--no-cache wrote a cache entry");

    assert_eq!(run(&["run", "--cache-dir", d, hello]), want);
    let files = entries(&dir);
    assert_eq!(files.len(), 1, "one entry per module");
    let entry = &files[0];
    let good = std::fs::read(entry).unwrap();
    let sum = entry.with_extension("sum");
    let good_sum = std::fs::read(&sum).unwrap();
    assert!(good_sum.starts_with(b"WIMCACHE"));
    let before = [stamp(entry), stamp(&sum)];
    assert_eq!(run(&["run", "--cache-dir", d, hello]), want);
    // Used, not rewritten: a rewrite renames a new file into place (a new
    // inode) and would set a new modification time.
    assert_eq!([stamp(entry), stamp(&sum)], before, "the second run rewrote the entry");
    assert_eq!(entries(&dir), files, "the second run wrote another entry");

    // Truncated, flipped, emptied, or replaced by junk: recompiled and rewritten.
    let damaged: Vec<Vec<u8>> = vec![
        good[..good.len() / 2].to_vec(),
        {
            let mut b = good.clone();
            let i = b.len() - 100;
            b[i] ^= 0xff;
            b
        },
        vec![],
        b"WIMCACHE but not really".to_vec(),
    ];
    for bad in damaged {
        std::fs::write(entry, &bad).unwrap();
        assert_eq!(run(&["run", "--cache-dir", d, hello]), want);
        assert_eq!(std::fs::read(entry).unwrap(), good, "the entry was not rewritten");
    }
    // So is an entry whose checksum file is damaged or gone.
    for bad_sum in [Some(b"WIMCACHE".to_vec()), Some(good_sum[..20].to_vec()), None] {
        match bad_sum {
            Some(b) => std::fs::write(&sum, b).unwrap(),
            None => std::fs::remove_file(&sum).unwrap(),
        }
        assert_eq!(run(&["run", "--cache-dir", d, hello]), want);
        assert_eq!(std::fs::read(&sum).unwrap(), good_sum, "the checksum was not rewritten");
    }

    // A different module gets its own entry.
    let args = common::testdata().join("wasi/c/args/args.wasm");
    assert_eq!(run(&["run", "--cache-dir", d, args.to_str().unwrap()]).0, Some(0));
    assert_eq!(entries(&dir).len(), 2);
}
