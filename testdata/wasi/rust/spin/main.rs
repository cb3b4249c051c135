//! A guest that never ends by itself, for `--timeout`: `spin` loops in
//! its own code, `sleep` sleeps an hour in a host call (`poll_oneoff`).

fn main() {
    println!("started");
    match std::env::args().nth(1).as_deref() {
        Some("sleep") => std::thread::sleep(std::time::Duration::from_secs(3600)),
        _ => {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
    }
}
