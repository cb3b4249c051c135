//! `Math.*` from the std bindings: what `JSMath` (`~lib/math.ts`, the
//! host's `Math`, e.g. with `asc --use Math=JSMath`) imports. Results
//! follow ECMAScript's definitions where Rust's differ (`pow`, `round`,
//! `sign`, `max`, `min`, `clz32`, `imul`); the transcendental functions
//! use the host's libm, which may differ from V8's in the last bit.

use crate::{trap, AsAssemblyScript};
use imports::define::Defs;
use wasmer::{AsStoreMut, Function, FunctionEnv, FunctionEnvMut, Global, RuntimeError, Value};

/// ECMAScript `ToUint32`.
fn to_uint32(x: f64) -> u32 {
    if !x.is_finite() {
        return 0;
    }
    x.trunc().rem_euclid(4294967296.0) as u32
}

/// `Math.round`: rounds half up (towards +∞), keeps `-0`, and gives `-0`
/// for `-0.5 <= x < 0`.
pub fn round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if (-0.5..0.0).contains(&x) {
        return -0.0;
    }
    let f = x.floor();
    if x - f >= 0.5 {
        f + 1.0
    } else {
        f
    }
}

/// `Math.pow`: as `powf`, except that a NaN exponent is NaN and `±1` to an
/// infinite power is NaN.
pub fn pow(x: f64, y: f64) -> f64 {
    if y.is_nan() || (x.abs() == 1.0 && y.is_infinite()) {
        return f64::NAN;
    }
    x.powf(y)
}

/// `Math.sign`: NaN for NaN, `x` itself for `±0`, else `±1`.
pub fn sign(x: f64) -> f64 {
    if x.is_nan() || x == 0.0 {
        x
    } else {
        x.signum()
    }
}

/// `Math.max(a, b)`: NaN if either is, and `+0` above `-0`.
pub fn max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_positive() {
            a
        } else {
            b
        }
    } else {
        a.max(b)
    }
}

/// `Math.min(a, b)`: NaN if either is, and `-0` below `+0`.
pub fn min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() {
            a
        } else {
            b
        }
    } else {
        a.min(b)
    }
}

/// Defines the `Math.*` functions and constants.
pub(crate) fn define<S: AsAssemblyScript>(store: &mut impl AsStoreMut, env: &FunctionEnv<S>, e: &mut Defs<'_>) {
    macro_rules! unary {
        ($($name:literal => $f:expr),* $(,)?) => {$(
            e.add(concat!("Math.", $name), || Function::new_typed(store, $f as fn(f64) -> f64));
        )*};
    }
    macro_rules! binary {
        ($($name:literal => $f:expr),* $(,)?) => {$(
            e.add(concat!("Math.", $name), || Function::new_typed(store, $f as fn(f64, f64) -> f64));
        )*};
    }
    unary! {
        "abs" => f64::abs, "acos" => f64::acos, "acosh" => f64::acosh, "asin" => f64::asin,
        "asinh" => f64::asinh, "atan" => f64::atan, "atanh" => f64::atanh, "cbrt" => f64::cbrt,
        "ceil" => f64::ceil, "cos" => f64::cos, "cosh" => f64::cosh, "exp" => f64::exp,
        "expm1" => f64::exp_m1, "floor" => f64::floor, "log" => f64::ln, "log10" => f64::log10,
        "log1p" => f64::ln_1p, "log2" => f64::log2, "round" => round, "sign" => sign,
        "sin" => f64::sin, "sinh" => f64::sinh, "sqrt" => f64::sqrt, "tan" => f64::tan,
        "tanh" => f64::tanh, "trunc" => f64::trunc,
        "clz32" => |x| f64::from(to_uint32(x).leading_zeros()),
    }
    binary! {
        "atan2" => f64::atan2, "hypot" => f64::hypot, "max" => max, "min" => min, "pow" => pow,
        "imul" => |a, b| f64::from((to_uint32(a) as i32).wrapping_mul(to_uint32(b) as i32)),
    }
    e.add("Math.fround", || Function::new_typed(store, |x: f64| x as f32));
    e.add("Math.random", || Function::new_typed_with_env(store, env, random::<S>));
    for (name, value) in [
        ("Math.E", std::f64::consts::E),
        ("Math.LN2", std::f64::consts::LN_2),
        ("Math.LN10", std::f64::consts::LN_10),
        ("Math.LOG2E", std::f64::consts::LOG2_E),
        ("Math.LOG10E", std::f64::consts::LOG10_E),
        ("Math.PI", std::f64::consts::PI),
        ("Math.SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
        ("Math.SQRT2", std::f64::consts::SQRT_2),
    ] {
        e.add(name, || Global::new(store, Value::F64(value)));
    }
}

/// `Math.random() -> f64`: uniform in `[0, 1)` with 53 random bits from
/// the guest's random source. Errors: a trap if the source fails.
pub fn random<S: AsAssemblyScript>(mut ctx: FunctionEnvMut<'_, S>) -> Result<f64, RuntimeError> {
    let mut bytes = [0u8; 8];
    ctx.data_mut()
        .host_mut()
        .random
        .try_fill_bytes(&mut bytes)
        .map_err(|e| trap(format!("env.Math.random: the random source failed: {e}")))?;
    Ok((u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_semantics() {
        assert_eq!(round(2.5), 3.0);
        assert_eq!(round(-2.5), -2.0);
        assert!(round(-0.4).is_sign_negative());
        assert_eq!(round(0.49999999999999994), 0.0);
        assert!(pow(1.0, f64::NAN).is_nan());
        assert!(pow(-1.0, f64::INFINITY).is_nan());
        assert_eq!(pow(f64::NAN, 0.0), 1.0);
        assert!(sign(-0.0).is_sign_negative());
        assert!(max(-0.0, 0.0).is_sign_positive());
        assert!(min(0.0, -0.0).is_sign_negative());
        assert!(max(1.0, f64::NAN).is_nan());
        assert_eq!(to_uint32(-1.0), u32::MAX);
        assert_eq!(to_uint32(4294967297.5), 1);
    }
}
