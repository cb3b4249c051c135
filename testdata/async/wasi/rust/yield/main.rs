// yield: std::thread::yield_now() (-> WASI sched_yield) five times with a line
// after each; a counter on the stack changes between yields, so a host that
// suspends at the yield must restore the frame to print the right numbers.
// Prints the same text as ../../c/yield.
use std::hint::black_box;
use std::io::Write;

fn main() {
    let mut sum = 0u32;
    let mut out = std::io::stdout();
    for i in 0..5u32 {
        std::thread::yield_now();
        sum = black_box(sum + (i + 1) * 10);
        writeln!(out, "yield {i} sum={sum}").unwrap();
        out.flush().unwrap();
    }
    println!("yielded");
}
