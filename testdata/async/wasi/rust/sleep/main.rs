// sleep: five 10 ms std::thread::sleep calls (-> poll_oneoff with one clock
// subscription), a line after each, then a check that the monotonic clock
// advanced by >= 50 ms. Every sleep is a point where an Asyncify host may
// suspend the guest. Prints the same text as ../../c/sleep.
use std::io::Write;
use std::time::{Duration, Instant};

fn main() {
    let t0 = Instant::now();
    let mut out = std::io::stdout();
    for i in 0..5 {
        std::thread::sleep(Duration::from_millis(10));
        writeln!(out, "tick {i}").unwrap();
        out.flush().unwrap();
    }
    let ok = t0.elapsed() >= Duration::from_millis(50);
    println!("elapsed {}", if ok { "ok" } else { "FAIL" });
    println!("slept");
}
