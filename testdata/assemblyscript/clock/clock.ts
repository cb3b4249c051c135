// Date.now and performance.now: plausible and monotonic.
let d0 = Date.now();
console.log("Date.now after 2020: " + (d0 > 1577836800000).toString());
console.log("Date.now is whole milliseconds: " + (<f64>d0 == Math.floor(<f64>d0)).toString());
let p0 = performance.now();
console.log("performance.now non-negative: " + (p0 >= 0).toString());
let monotonic = true;
let last = p0;
let lastD = d0;
for (let i = 0; i < 10000; i++) {
  let p = performance.now();
  if (p < last) monotonic = false;
  last = p;
  let d = Date.now();
  if (d < lastD) monotonic = false;
  lastD = d;
}
// Spin until time visibly passes.
let spins = 0;
while (performance.now() - p0 < 5 && spins < 100000000) spins++;
console.log("monotonic: " + monotonic.toString());
console.log("performance.now advanced: " + (performance.now() > p0).toString());
let h0 = process.hrtime();
let h1 = process.hrtime();
console.log("process.hrtime monotonic: " + (h1 >= h0).toString());
console.log("process.time plausible: " + (process.time() > 1577836800000).toString());
let dt = new Date(Date.now());
console.log("year plausible: " + (dt.getUTCFullYear() >= 2024).toString());
console.time("work");
console.timeLog("work");
console.timeEnd("work");
console.time();
console.timeEnd();
