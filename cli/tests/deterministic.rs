//! `--deterministic`: two runs of a guest that prints clock readings, a
//! sleep's length and random bytes are byte-identical; the seed changes
//! the random bytes; without the flag, runs differ.

mod common;

use std::process::Command;

fn run(flags: &[&str]) -> String {
    let guest = common::testdata().join("deterministic/clockrand.wasm");
    let o = Command::new(env!("CARGO_BIN_EXE_wasmer-imports"))
        .arg("run")
        .args(flags)
        .arg(guest)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn deterministic_runs_repeat_exactly() {
    let a = run(&["--deterministic", "--seed", "7"]);
    assert_eq!(a, run(&["--deterministic", "--seed", "7"]));
    // The fake wall clock starts at 2022-01-01T00:00:00Z and the sleep
    // advanced the fake monotonic clock by what was asked, at once.
    assert!(a.starts_with("realtime 1640995200."), "{a}");
    let slept: u64 = a
        .lines()
        .find_map(|l| l.strip_prefix("slept ")?.strip_suffix(" ns")?.parse().ok())
        .unwrap();
    assert!(slept >= 5_000_000, "{a}");
    let other_seed = run(&["--deterministic", "--seed", "8"]);
    assert_ne!(a, other_seed);
    let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        lines(&a)[..3],
        lines(&other_seed)[..3],
        "the seed changes only the random bytes"
    );
    assert_ne!(run(&[]), run(&[]), "real clocks and entropy differ between runs");
}
