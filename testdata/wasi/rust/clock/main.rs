// clock: realtime after 2020-01-01, monotonic never goes backwards, a 50 ms
// thread::sleep (-> poll_oneoff) advances monotonic by >= 50 ms, and both
// clocks report a resolution > 0 (clock_res_get: no std API, raw import).
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn clock_res_get(id: u32, resolution: *mut u64) -> u16;
}

fn main() {
    let mut ok = true;
    let mut check = |cond: bool, what: &str| {
        println!("{} {}", what, if cond { "ok" } else { "FAIL" });
        ok &= cond;
    };

    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    check(now.as_secs() > 1_577_836_800, "realtime");

    let t1 = Instant::now();
    let t2 = Instant::now();
    check(t2 >= t1, "monotonic");

    std::thread::sleep(Duration::from_millis(50));
    let t3 = Instant::now();
    check(t3.duration_since(t2) >= Duration::from_millis(50), "slept");

    let (mut r0, mut r1) = (0u64, 0u64);
    let e0 = unsafe { clock_res_get(0, &mut r0) }; // realtime
    let e1 = unsafe { clock_res_get(1, &mut r1) }; // monotonic
    check(e0 == 0 && e1 == 0 && r0 > 0 && r1 > 0, "res");

    std::process::exit(if ok { 0 } else { 1 });
}
