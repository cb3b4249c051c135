//! `--invoke NAME [ARGS]`: calling an exported function with numbers from
//! a command line and printing its results, as the reference runner does
//! through the bindings (`String(result)`).

use crate::number::js_number;
use crate::Error;
use wasmer::{AsStoreMut, Instance, Type, Value};

/// Parses `args` as the parameters of `ty`: `i32` as a JavaScript number
/// converted with `ToInt32` (so `4294967295` is `-1` and `1.5` is `1`),
/// `i64` as a decimal integer (a BigInt in JavaScript), `f32`/`f64` as
/// decimal floats (`Infinity` and `NaN` too). Errors: a count mismatch, a
/// string that is not a number, a parameter type that takes no number.
pub fn parse_args(name: &str, params: &[Type], args: &[String]) -> Result<Vec<Value>, Error> {
    if params.len() != args.len() {
        return Err(Error::Arguments(format!(
            "{name} takes {} argument(s), {} given",
            params.len(),
            args.len()
        )));
    }
    let number = |a: &str| -> Result<f64, Error> {
        let t = a.trim();
        let v = match t {
            "Infinity" | "+Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            "NaN" => Some(f64::NAN),
            _ if t.chars().any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E') => None,
            _ => t.parse::<f64>().ok(),
        };
        v.ok_or_else(|| Error::Arguments(format!("{name}: argument {a:?} is not a number")))
    };
    params
        .iter()
        .zip(args)
        .map(|(ty, a)| match ty {
            Type::I32 => {
                let x = number(a)?;
                let bits = if x.is_finite() {
                    x.trunc().rem_euclid(4294967296.0) as u32
                } else {
                    0
                };
                Ok(Value::I32(bits as i32))
            }
            Type::I64 => a
                .trim()
                .parse::<i64>()
                .map(Value::I64)
                .map_err(|_| Error::Arguments(format!("{name}: argument {a:?} is not a 64-bit integer"))),
            Type::F32 => Ok(Value::F32(number(a)? as f32)),
            Type::F64 => Ok(Value::F64(number(a)?)),
            other => Err(Error::Arguments(format!(
                "{name}: a parameter of type {other:?} cannot be given on the command line"
            ))),
        })
        .collect()
}

/// A result as JavaScript's `String()` prints what the bindings return:
/// `i32` signed, `i64` as a BigInt's digits, `f32` widened to `f64`,
/// numbers in shortest round-trip form. `None` for a reference or vector.
pub fn format_value(v: &Value) -> Option<String> {
    Some(match v {
        Value::I32(x) => x.to_string(),
        Value::I64(x) => x.to_string(),
        Value::F32(x) => js_number(f64::from(*x)),
        Value::F64(x) => js_number(*x),
        _ => return None,
    })
}

/// Looks up the exported function `name` and parses `args` for it.
pub fn prepare(
    store: &mut impl AsStoreMut, instance: &Instance, name: &str, args: &[String],
) -> Result<(wasmer::Function, Vec<Value>), Error> {
    let f = instance
        .exports
        .get_function(name)
        .map_err(|_| Error::NoSuchFunction(name.to_string()))?
        .clone();
    let ty = f.ty(&*store);
    let values = parse_args(name, ty.params(), args)?;
    Ok((f, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_convert_as_javascript_numbers_do() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let got = parse_args(
            "f",
            &[Type::I32, Type::I32, Type::F64],
            &s(&["4294967295", "1.9", "1e3"]),
        )
        .unwrap();
        assert_eq!(got, vec![Value::I32(-1), Value::I32(1), Value::F64(1000.0)]);
        assert!(parse_args("f", &[Type::I32], &s(&["abc"])).is_err());
        assert!(parse_args("f", &[Type::I32], &s(&[])).is_err());
        assert_eq!(format_value(&Value::F32(0.1f32 / 2.0)).unwrap(), "0.05000000074505806");
    }
}

/// How a guest run with [`invoke`] ended.
#[derive(Debug)]
pub enum Outcome {
    /// It exited (`abort`: 255, `process.exit(n)`: n) before returning.
    Exited(u32),
    /// The function returned these values.
    Returned(Box<[Value]>),
}

/// Runs a program and calls one of its exports, as `wasmer-imports run
/// --invoke NAME ARGS...` does: [`crate::start`] (the start section runs),
/// check `name` and `args` ([`prepare`]), call `_start` if exported (and
/// not `name` itself), then call `name`. A trap other than an exit is [`Error::Trap`].
pub fn invoke(
    store: &mut impl AsStoreMut, module: &wasmer::Module, config: imports::ModuleConfig, options: crate::Options,
    name: &str, args: &[String],
) -> Result<Outcome, Error> {
    let (_guest, instance) = match crate::start(store, module, config, options)? {
        Ok(started) => started,
        Err(code) => return Ok(Outcome::Exited(code)),
    };
    let (function, values) = prepare(store, &instance, name, args)?;
    let start = instance.exports.get_typed_function::<(), ()>(&*store, "_start");
    if let (Ok(start), false) = (start, name == "_start") {
        if let Err(e) = start.call(store) {
            return crate::exit_code::<()>(Err(e)).map(Outcome::Exited);
        }
    }
    match function.call(store, &values) {
        Ok(results) => Ok(Outcome::Returned(results)),
        Err(e) => crate::exit_code::<()>(Err(e)).map(Outcome::Exited),
    }
}
