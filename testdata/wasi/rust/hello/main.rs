// hello: one line to stdout, exit code 3 (via `main() -> ExitCode`, i.e. the
// normal return path, which std turns into proc_exit(3)).
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("hello from rust");
    ExitCode::from(3)
}
