// args: argc, every argument after argv[0] as `arg[i]=...`, then the number
// of environment variables and every variable sorted by name (bytewise).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("argc={}", args.len());
    for (i, a) in args.iter().enumerate().skip(1) {
        println!("arg[{}]={}", i, a);
    }
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    println!("envc={}", vars.len());
    for (k, v) in vars {
        println!("{}={}", k, v);
    }
}
