// exit: prints one line, then std::process::exit(argv[1]).
use std::io::Write;

fn main() {
    let code: i32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    println!("exiting with {}", code);
    std::io::stdout().flush().unwrap();
    std::process::exit(code);
}
