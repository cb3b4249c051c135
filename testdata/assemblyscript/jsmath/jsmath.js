async function instantiate(module, imports = {}) {
  const adaptedImports = {
    env: Object.setPrototypeOf({
      "Math.E": (
        // ~lib/bindings/dom/Math.E: f64
        Math.E
      ),
      abort(message, fileName, lineNumber, columnNumber) {
        // ~lib/builtins/abort(~lib/string/String | null?, ~lib/string/String | null?, u32?, u32?) => void
        message = __liftString(message >>> 0);
        fileName = __liftString(fileName >>> 0);
        lineNumber = lineNumber >>> 0;
        columnNumber = columnNumber >>> 0;
        (() => {
          // @external.js
          throw Error(`${message} in ${fileName}:${lineNumber}:${columnNumber}`);
        })();
      },
      "console.log"(text) {
        // ~lib/bindings/dom/console.log(~lib/string/String) => void
        text = __liftString(text >>> 0);
        console.log(text);
      },
      "Math.PI": (
        // ~lib/bindings/dom/Math.PI: f64
        Math.PI
      ),
      "Math.LN2": (
        // ~lib/bindings/dom/Math.LN2: f64
        Math.LN2
      ),
      "Math.LN10": (
        // ~lib/bindings/dom/Math.LN10: f64
        Math.LN10
      ),
      "Math.LOG2E": (
        // ~lib/bindings/dom/Math.LOG2E: f64
        Math.LOG2E
      ),
      "Math.LOG10E": (
        // ~lib/bindings/dom/Math.LOG10E: f64
        Math.LOG10E
      ),
      "Math.SQRT1_2": (
        // ~lib/bindings/dom/Math.SQRT1_2: f64
        Math.SQRT1_2
      ),
      "Math.SQRT2": (
        // ~lib/bindings/dom/Math.SQRT2: f64
        Math.SQRT2
      ),
      "Math.abs"(x) {
        // ~lib/bindings/dom/Math.abs(f64) => f64
        return Math.abs(x);
      },
      "Math.ceil"(x) {
        // ~lib/bindings/dom/Math.ceil(f64) => f64
        return Math.ceil(x);
      },
      "Math.floor"(x) {
        // ~lib/bindings/dom/Math.floor(f64) => f64
        return Math.floor(x);
      },
      "Math.trunc"(x) {
        // ~lib/bindings/dom/Math.trunc(f64) => f64
        return Math.trunc(x);
      },
      "Math.sqrt"(x) {
        // ~lib/bindings/dom/Math.sqrt(f64) => f64
        return Math.sqrt(x);
      },
      "Math.cbrt"(x) {
        // ~lib/bindings/dom/Math.cbrt(f64) => f64
        return Math.cbrt(x);
      },
      "Math.round"(x) {
        // ~lib/bindings/dom/Math.round(f64) => f64
        return Math.round(x);
      },
      "Math.sign"(x) {
        // ~lib/bindings/dom/Math.sign(f64) => f64
        return Math.sign(x);
      },
      "Math.max"(value1, value2) {
        // ~lib/bindings/dom/Math.max(f64, f64) => f64
        return Math.max(value1, value2);
      },
      "Math.min"(value1, value2) {
        // ~lib/bindings/dom/Math.min(f64, f64) => f64
        return Math.min(value1, value2);
      },
      "Math.pow"(base, exponent) {
        // ~lib/bindings/dom/Math.pow(f64, f64) => f64
        return Math.pow(base, exponent);
      },
      "Math.clz32"(x) {
        // ~lib/bindings/dom/Math.clz32(f64) => f64
        return Math.clz32(x);
      },
      "Math.imul"(a, b) {
        // ~lib/bindings/dom/Math.imul(f64, f64) => f64
        return Math.imul(a, b);
      },
      "Math.fround"(x) {
        // ~lib/bindings/dom/Math.fround(f64) => f32
        return Math.fround(x);
      },
      "Math.hypot"(value1, value2) {
        // ~lib/bindings/dom/Math.hypot(f64, f64) => f64
        return Math.hypot(value1, value2);
      },
      "Math.atan2"(y, x) {
        // ~lib/bindings/dom/Math.atan2(f64, f64) => f64
        return Math.atan2(y, x);
      },
      "Math.sin"(x) {
        // ~lib/bindings/dom/Math.sin(f64) => f64
        return Math.sin(x);
      },
      "Math.cos"(x) {
        // ~lib/bindings/dom/Math.cos(f64) => f64
        return Math.cos(x);
      },
      "Math.exp"(x) {
        // ~lib/bindings/dom/Math.exp(f64) => f64
        return Math.exp(x);
      },
      "Math.log"(x) {
        // ~lib/bindings/dom/Math.log(f64) => f64
        return Math.log(x);
      },
      "Math.log2"(x) {
        // ~lib/bindings/dom/Math.log2(f64) => f64
        return Math.log2(x);
      },
      "Math.log10"(x) {
        // ~lib/bindings/dom/Math.log10(f64) => f64
        return Math.log10(x);
      },
      "Math.log1p"(x) {
        // ~lib/bindings/dom/Math.log1p(f64) => f64
        return Math.log1p(x);
      },
      "Math.expm1"(x) {
        // ~lib/bindings/dom/Math.expm1(f64) => f64
        return Math.expm1(x);
      },
      "Math.tanh"(x) {
        // ~lib/bindings/dom/Math.tanh(f64) => f64
        return Math.tanh(x);
      },
      "Math.asinh"(x) {
        // ~lib/bindings/dom/Math.asinh(f64) => f64
        return Math.asinh(x);
      },
      "Math.acosh"(x) {
        // ~lib/bindings/dom/Math.acosh(f64) => f64
        return Math.acosh(x);
      },
      "Math.atanh"(x) {
        // ~lib/bindings/dom/Math.atanh(f64) => f64
        return Math.atanh(x);
      },
      "Math.sinh"(x) {
        // ~lib/bindings/dom/Math.sinh(f64) => f64
        return Math.sinh(x);
      },
      "Math.cosh"(x) {
        // ~lib/bindings/dom/Math.cosh(f64) => f64
        return Math.cosh(x);
      },
      "Math.tan"(x) {
        // ~lib/bindings/dom/Math.tan(f64) => f64
        return Math.tan(x);
      },
      "Math.asin"(x) {
        // ~lib/bindings/dom/Math.asin(f64) => f64
        return Math.asin(x);
      },
      "Math.acos"(x) {
        // ~lib/bindings/dom/Math.acos(f64) => f64
        return Math.acos(x);
      },
      "Math.atan"(x) {
        // ~lib/bindings/dom/Math.atan(f64) => f64
        return Math.atan(x);
      },
      "Math.random"() {
        // ~lib/bindings/dom/Math.random() => f64
        return Math.random();
      },
    }, Object.assign(Object.create(globalThis), imports.env || {})),
  };
  const { exports } = await WebAssembly.instantiate(module, adaptedImports);
  const memory = exports.memory || imports.env.memory;
  function __liftString(pointer) {
    if (!pointer) return null;
    const
      end = pointer + new Uint32Array(memory.buffer)[pointer - 4 >>> 2] >>> 1,
      memoryU16 = new Uint16Array(memory.buffer);
    let
      start = pointer >>> 1,
      string = "";
    while (end - start > 1024) string += String.fromCharCode(...memoryU16.subarray(start, start += 1024));
    return string + String.fromCharCode(...memoryU16.subarray(start, end));
  }
  exports._start();
  return exports;
}
export const {
  memory,
} = await (async url => instantiate(
  await (async () => {
    const isNodeOrBun = typeof process != "undefined" && process.versions != null && (process.versions.node != null || process.versions.bun != null);
    if (isNodeOrBun) { return globalThis.WebAssembly.compile(await (await import("node:fs/promises")).readFile(url)); }
    else { return await globalThis.WebAssembly.compileStreaming(globalThis.fetch(url)); }
  })(), {
  }
))(new URL("jsmath.wasm", import.meta.url));
