// random: 32 random bytes twice via the WASI import random_get (std has no
// public API for it); `random ok` if neither buffer is all zero and they differ.
#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn random_get(buf: *mut u8, len: usize) -> u16;
}

fn main() {
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    let ea = unsafe { random_get(a.as_mut_ptr(), a.len()) };
    let eb = unsafe { random_get(b.as_mut_ptr(), b.len()) };
    let ok = ea == 0 && eb == 0 && a.iter().any(|&x| x != 0) && b.iter().any(|&x| x != 0) && a != b;
    println!("random {}", if ok { "ok" } else { "FAIL" });
    std::process::exit(if ok { 0 } else { 1 });
}
