//! Grows its memory 64 KiB at a time until the runtime says no, then
//! prints how many pages it ended with: a guest that "grows its memory
//! without end", for `--max-memory`. Allocation failure is caught
//! (`try_reserve`), so the program ends normally. It stops by itself at
//! 1 GiB, so it is safe to run without a limit.

fn main() {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    let mut refused = false;
    while blocks.len() < 16 * 1024 {
        let mut block = Vec::new();
        if block.try_reserve_exact(64 * 1024).is_err() {
            refused = true;
            break;
        }
        block.resize(64 * 1024, 1);
        blocks.push(block);
    }
    let pages = core::arch::wasm32::memory_size(0);
    println!("grew to {pages} pages ({} KiB blocks held); refused: {refused}", blocks.len() * 64);
}
