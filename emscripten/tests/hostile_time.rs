//! The current glue's time functions given hostile arguments: `i64`
//! extremes, `struct tm` fields at the `i32` extremes, pointers past the
//! end of memory. Each answers (1 or -1 where `Date` is `NaN`) or traps
//! cleanly, never panics, in a zone with daylight saving time.

use imports::zone::{days_from_civil, Zone};
use imports::ModuleConfig;
use wasmer::{Instance, Module, Store, Value};

const WAT: &str = r#"(module
  (import "env" "_localtime_js" (func $localtime (param i64 i32) (result i32)))
  (import "env" "_gmtime_js" (func $gmtime (param i64 i32) (result i32)))
  (import "env" "_mktime_js" (func $mktime (param i32) (result i64)))
  (import "env" "_timegm_js" (func $timegm (param i32) (result i64)))
  (import "env" "_tzset_js" (func $tzset (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (export "localtime" (func $localtime))
  (export "gmtime" (func $gmtime))
  (export "mktime" (func $mktime))
  (export "timegm" (func $timegm))
  (export "tzset" (func $tzset)))"#;

/// New York, checked to be the zone with daylight saving time: without
/// the host's zoneinfo `Zone::parse` falls back to UTC, and the tests
/// would pass without exercising it.
fn new_york() -> Zone {
    let zone = Zone::parse("America/New_York");
    assert!(Zone::is_known("America/New_York"), "no zoneinfo for America/New_York");
    let noon = |month| days_from_civil(2024, month, 15) * 86_400 + 12 * 3_600;
    let (january, july) = (zone.offset_seconds(noon(1)), zone.offset_seconds(noon(7)));
    assert_eq!(
        (january, july),
        (Some(-5 * 3_600), Some(-4 * 3_600)),
        "America/New_York resolved to another zone"
    );
    assert!(zone.tzset(2024).daylight());
    zone
}

fn guest() -> (Store, Instance) {
    let mut store = Store::default();
    let module = Module::new(&store, WAT).unwrap();
    let host = ModuleConfig::new().time_zone(new_york()).build().unwrap();
    let em = emscripten::instantiate(&mut store, host, &module).unwrap();
    let instance = Instance::new(&mut store, &module, em.imports()).unwrap();
    em.bind(&mut store, &instance).unwrap();
    (store, instance)
}

fn call(g: &mut (Store, Instance), name: &str, args: &[Value]) -> Result<Value, wasmer::RuntimeError> {
    let f = g.1.exports.get_function(name).unwrap().clone();
    Ok(f.call(&mut g.0, args)?.first().cloned().unwrap_or(Value::I32(0)))
}

fn put_tm(g: &mut (Store, Instance), fields: [i32; 10]) {
    let bytes: Vec<u8> = fields.iter().flat_map(|f| f.to_le_bytes()).collect();
    let mem = g.1.exports.get_memory("memory").unwrap();
    mem.view(&g.0).write(64, &bytes).unwrap();
}

#[test]
fn extreme_times_are_nan_dates() {
    let mut g = guest();
    for t in [i64::MIN, i64::MAX, -8_640_000_000_001, 8_640_000_000_001] {
        for f in ["localtime", "gmtime"] {
            assert_eq!(
                call(&mut g, f, &[Value::I64(t), Value::I32(64)]).unwrap(),
                Value::I32(1),
                "{f} {t}"
            );
        }
    }
    for t in [-8_640_000_000_000, 0, 8_640_000_000_000] {
        assert_eq!(
            call(&mut g, "localtime", &[Value::I64(t), Value::I32(64)]).unwrap(),
            Value::I32(0)
        );
    }
}

#[test]
fn extreme_fields_are_minus_one_and_bad_pointers_trap() {
    let mut g = guest();
    for v in [i32::MIN, i32::MAX] {
        put_tm(&mut g, [v; 10]);
        assert_eq!(call(&mut g, "mktime", &[Value::I32(64)]).unwrap(), Value::I64(-1));
        put_tm(&mut g, [v; 10]);
        assert_eq!(call(&mut g, "timegm", &[Value::I32(64)]).unwrap(), Value::I64(-1));
    }
    let bad = Value::I32(65_530);
    assert!(call(&mut g, "localtime", &[Value::I64(0), bad.clone()]).is_err());
    assert!(call(&mut g, "mktime", std::slice::from_ref(&bad)).is_err());
    assert!(call(&mut g, "timegm", &[Value::I32(-4)]).is_err());
    let ok = Value::I32(0);
    assert!(call(&mut g, "tzset", &[ok.clone(), ok.clone(), ok.clone(), bad]).is_err());
    assert!(call(&mut g, "tzset", &[ok.clone(), ok.clone(), ok.clone(), Value::I32(-1)]).is_err());
    call(
        &mut g,
        "tzset",
        &[ok.clone(), Value::I32(4), Value::I32(8), Value::I32(32)],
    )
    .unwrap();
}
