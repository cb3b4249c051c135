// A library: no top-level output; exports called with --invoke. The start
// section (no --exportStart) initialises `base` at instantiation.
let base: i32 = 40 + <i32>Math.sqrt(4.0);

export function add(a: i32, b: i32): i32 {
  return a + b;
}

export function answer(): i32 {
  return base;
}

export function hypot(x: f64, y: f64): f64 {
  return Math.sqrt(x * x + y * y);
}

export function third(x: f64): f64 {
  return x / 3;
}

export function fib(n: i32): i64 {
  let a: i64 = 0, b: i64 = 1;
  for (let i = 0; i < n; i++) {
    let t = a + b;
    a = b;
    b = t;
  }
  return a;
}

export function half(x: f32): f32 {
  return x / 2;
}

export function greet(times: i32): void {
  for (let i = 0; i < times; i++) console.log("greeting " + i.toString());
}
