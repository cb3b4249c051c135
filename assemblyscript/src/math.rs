//! `Math.*` from the std bindings: what `JSMath` (`~lib/math.ts`, the
//! host's `Math`, e.g. with `asc --use Math=JSMath`) imports. Results
//! follow ECMAScript's definitions where Rust's differ (`pow`, `round`,
//! `sign`, `max`, `min`, `clz32`, `imul`); the transcendental functions
//! use the host's libm, which may differ from V8's in the last bit.

use crate::{trap, AsAssemblyScript};
use wasmer::{FunctionEnvMut, RuntimeError};

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

/// `Math.clz32(x)`: leading zero bits of `ToUint32(x)`.
pub fn clz32(x: f64) -> f64 {
    f64::from(to_uint32(x).leading_zeros())
}

/// `Math.imul(a, b)`: the 32-bit product of `ToInt32(a)` and `ToInt32(b)`.
pub fn imul(a: f64, b: f64) -> f64 {
    f64::from((to_uint32(a) as i32).wrapping_mul(to_uint32(b) as i32))
}

/// `Math.fround(x)`: the nearest `f32`.
pub fn fround(x: f64) -> f32 {
    x as f32
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
