//! Rust's std threads on wasi-threads, one case per argv[1]. Built for
//! `wasm32-wasip1-threads` and natively from this same source; the native
//! build's output is the expected one. Every case prints the same bytes
//! however the threads are scheduled.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::thread;

fn main() {
    match std::env::args().nth(1).as_deref().unwrap_or("") {
        "sum" => sum(),
        "mutex" => mutex(),
        "channels" => channels(),
        "scoped" => scoped(),
        "barrier" => barrier(),
        "tls" => tls(),
        "panic" => panic(),
        "exit" => exit(),
        other => {
            eprintln!("unknown case {other:?}");
            std::process::exit(2);
        }
    }
}

/// Eight threads sum slices of 1..=800000; joined and added up.
fn sum() {
    let handles: Vec<_> = (0..8u64)
        .map(|i| thread::spawn(move || (i * 100_000 + 1..=(i + 1) * 100_000).sum::<u64>()))
        .collect();
    let parts: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("parts {parts:?}");
    println!("total {}", parts.iter().sum::<u64>());
}

/// Eight threads increment one counter behind a mutex 10000 times each.
fn mutex() {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let c = counter.clone();
            thread::spawn(move || {
                for _ in 0..10_000 {
                    *c.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    println!("counter {}", counter.lock().unwrap());
}

/// Four producers send 1000 numbers each down one channel.
fn channels() {
    let (tx, rx) = mpsc::channel();
    for p in 0..4u64 {
        let tx = tx.clone();
        thread::spawn(move || {
            for i in 0..1000 {
                tx.send(p * 1000 + i).unwrap();
            }
        });
    }
    drop(tx);
    let got: Vec<u64> = rx.iter().collect();
    println!("received {} numbers, sum {}", got.len(), got.iter().sum::<u64>());
}

/// Scoped threads borrow a vector's chunks and write into them.
fn scoped() {
    let mut data: Vec<u32> = (0..64).collect();
    thread::scope(|s| {
        for chunk in data.chunks_mut(16) {
            s.spawn(move || chunk.iter_mut().for_each(|x| *x *= *x));
        }
    });
    println!("squares {:?}", &data[..8]);
    println!("sum {}", data.iter().sum::<u32>());
}

/// Eight threads meet at a barrier: one leader, all eight past it.
fn barrier() {
    let barrier = Arc::new(Barrier::new(8));
    let past = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (b, p) = (barrier.clone(), past.clone());
            thread::spawn(move || {
                let leader = b.wait().is_leader();
                p.fetch_add(1, Ordering::SeqCst);
                leader
            })
        })
        .collect();
    let leaders = handles.into_iter().map(|h| h.join().unwrap()).filter(|l| *l).count();
    println!("leaders {leaders}, past the barrier {}", past.load(Ordering::SeqCst));
}

thread_local! {
    static COUNT: Cell<u32> = const { Cell::new(0) };
}

/// Each thread counts in its own thread-local; the main thread's stays 0.
fn tls() {
    let handles: Vec<_> = (0..6u32)
        .map(|i| {
            thread::spawn(move || {
                for _ in 0..(i + 1) * 10 {
                    COUNT.with(|c| c.set(c.get() + 1));
                }
                COUNT.with(Cell::get)
            })
        })
        .collect();
    let counts: Vec<u32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("thread counts {counts:?}, main {}", COUNT.with(Cell::get));
}

/// A spawned thread panics. On wasm32 a panic aborts the whole program,
/// as a native build with `-C panic=abort` does.
fn panic() {
    println!("before the panic");
    let h = thread::spawn(|| {
        let v: Vec<u32> = Vec::new();
        v[3]
    });
    let _ = h.join();
    println!("not reached");
}

/// A spawned thread exits the process with code 3 while main waits.
fn exit() {
    println!("main waits");
    let (_keep, rx) = mpsc::channel::<()>();
    thread::spawn(|| std::process::exit(3));
    let _ = rx.recv();
    println!("not reached");
}
