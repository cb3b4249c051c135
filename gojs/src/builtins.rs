//! The JS built-ins Go's `syscall/js` and standard library use: the
//! constructors `Object`, `Array`, `Uint8Array`, `Date` and `Error`, called
//! or constructed, and `Date`'s methods. The clock is the host's; the
//! time zone is the guest's (`Host::zone`; RATIONALE.md, "Local time").

use crate::natives::Native;
use crate::value::{number_to_string, to_number, to_uint8, Func, HeapFull, Kind, Value};
use crate::world::{throw, JsResult};
use crate::{GoJs, Trap};

/// Longest `Uint8Array`/`Array` a constructor makes (node's limit for
/// typed arrays is larger; the heap limit is the real bound).
pub const MAX_ARRAY_LENGTH: f64 = (1u64 << 28) as f64;

/// Milliseconds since the epoch, whole as JS `Date` keeps them.
pub(crate) fn now_ms(s: &GoJs) -> f64 {
    (s.host.walltime.walltime() / 1_000_000) as f64
}

/// `Date()` called without `new`: the current time as a string.
pub(crate) fn date_string(s: &GoJs) -> Value {
    Value::str(&number_to_string(now_ms(s)))
}

/// `Date.prototype.getTime()`; `this` not a Date: a TypeError.
pub(crate) fn get_time(s: &mut GoJs, this: &Value) -> Result<JsResult, Trap> {
    if let Value::Object(id) = this {
        if let Some(Kind::Date(ms)) = s.world.heap.get(*id).map(|o| &o.kind) {
            return Ok(Ok(Value::Number(*ms)));
        }
    }
    throw(s, "TypeError", "this is not a Date object.", None)
}

/// `Date.prototype.getTimezoneOffset()`: UTC minus local time at the
/// Date's instant, in whole minutes (positive west of Greenwich), as V8
/// truncates it; `NaN` for an invalid Date or one past `Date`'s range.
/// Go's `time` reads it once, from `new Date()`, for `time.Local`.
/// `this` not a Date: a TypeError.
pub(crate) fn get_timezone_offset(s: &mut GoJs, this: &Value) -> Result<JsResult, Trap> {
    let ms = match this {
        Value::Object(id) => match s.world.heap.get(*id).map(|o| &o.kind) {
            Some(Kind::Date(ms)) => Some(*ms),
            _ => None,
        },
        _ => None,
    };
    let Some(ms) = ms else {
        return throw(s, "TypeError", "this is not a Date object.", None);
    };
    // `as` saturates (NaN is 0), and the zone answers None past the range.
    let seconds = (ms / 1000.0).floor() as i64;
    let offset = match ms.is_finite() {
        true => s.host.zone.offset_seconds(seconds),
        false => None,
    };
    Ok(Ok(Value::Number(offset.map_or(f64::NAN, |o| f64::from(-(o / 60))))))
}

/// `Reflect.construct(f, args)`: only the built-in constructors
/// construct; anything else is a TypeError.
pub(crate) fn construct(s: &mut GoJs, f: &Value, args: &[Value]) -> Result<JsResult, Trap> {
    let native = match f {
        Value::Object(id) => match s.world.heap.get(*id).map(|o| &o.kind) {
            Some(Kind::Function(Func::Native(n))) => Some(*n),
            _ => None,
        },
        _ => None,
    };
    match native {
        Some(n @ (Native::Object | Native::Array | Native::Uint8Array | Native::Date | Native::Error)) => {
            construct_native(s, n, args)
        }
        _ => {
            let msg = format!("{} is not a constructor", s.world.describe(f));
            throw(s, "TypeError", &msg, None)
        }
    }
}

/// `new n(...args)` for a built-in constructor `n` (`Object`, `Array`,
/// `Uint8Array` and `Error` construct when merely called, too).
pub(crate) fn construct_native(s: &mut GoJs, n: Native, args: &[Value]) -> Result<JsResult, Trap> {
    let arg0 = args.first().cloned().unwrap_or(Value::Undefined);
    let kind = match n {
        Native::Object => match arg0 {
            v @ Value::Object(_) => return Ok(Ok(v)),
            _ => Kind::Plain,
        },
        Native::Array => match (args.len(), &arg0) {
            (1, Value::Number(len)) => match array_length(*len) {
                Some(len) => Kind::Array(vec![Value::Undefined; len]),
                None => return throw(s, "RangeError", "Invalid array length", None),
            },
            _ => Kind::Array(args.to_vec()),
        },
        Native::Uint8Array => match uint8_array_of(s, &arg0) {
            Some(bytes) => Kind::Bytes(bytes),
            None => return throw(s, "RangeError", "Invalid typed array length", None),
        },
        Native::Date => Kind::Date(match &arg0 {
            Value::Undefined => now_ms(s),
            v => to_number(v),
        }),
        Native::Error => return Ok(Ok(new_error(s, &arg0)?)),
        _ => return throw(s, "TypeError", "not a constructor", None),
    };
    Ok(Ok(Value::Object(s.world.heap.alloc(kind)?)))
}

/// `new Error(message)`.
fn new_error(s: &mut GoJs, message: &Value) -> Result<Value, HeapFull> {
    let msg = match message {
        Value::Undefined => String::new(),
        v => s.world.to_js_string(v),
    };
    s.world.error("Error", &msg, None)
}

/// `new Array(len)`'s length: a whole number up to [`MAX_ARRAY_LENGTH`].
fn array_length(len: f64) -> Option<usize> {
    (len >= 0.0 && len.fract() == 0.0 && len <= MAX_ARRAY_LENGTH).then_some(len as usize)
}

/// The bytes of `new Uint8Array(arg)`: empty, a copy of a typed array or
/// of an array's elements (`ToUint8`), or `ToNumber(arg)` zeros. `None`:
/// a length out of range (a RangeError).
fn uint8_array_of(s: &GoJs, arg: &Value) -> Option<Vec<u8>> {
    match arg {
        Value::Undefined => Some(Vec::new()),
        Value::Object(id) => Some(match (s.world.bytes(arg), s.world.heap.get(*id).map(|o| &o.kind)) {
            (Some(b), _) => b.to_vec(),
            (None, Some(Kind::Array(items))) => items.iter().map(|v| to_uint8(to_number(v))).collect(),
            _ => Vec::new(),
        }),
        v => {
            let len = to_number(v);
            let len = if len.is_nan() { 0.0 } else { len.trunc() };
            (0.0..=MAX_ARRAY_LENGTH).contains(&len).then(|| vec![0; len as usize])
        }
    }
}
