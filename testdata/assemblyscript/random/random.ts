// Math.random (seeded through env.seed) and crypto.getRandomValues (env.
// crypto.getRandomValuesN, which allocates its result through __new).
let inRange = true;
let distinct = false;
let first = Math.random();
for (let i = 0; i < 1000; i++) {
  let r = Math.random();
  if (r < 0 || r >= 1) inRange = false;
  if (r != first) distinct = true;
}
console.log("Math.random in [0, 1): " + inRange.toString());
console.log("Math.random varies: " + distinct.toString());

let bytes = new Uint8Array(32);
crypto.getRandomValues(bytes);
let nonzero = 0;
for (let i = 0; i < bytes.length; i++) if (bytes[i] != 0) nonzero++;
console.log("crypto bytes: " + bytes.length.toString() + ", some nonzero: " + (nonzero > 0).toString());

let empty = new Uint8Array(0);
crypto.getRandomValues(empty);
console.log("empty array: " + empty.length.toString());

// Many allocations: the collector runs between host allocations, so the
// arrays the host hands back must be valid, reachable objects.
let kept = new Array<Uint8Array>();
let total = 0;
for (let i = 0; i < 2000; i++) {
  let a = new Uint8Array(i % 97 + 1);
  crypto.getRandomValues(a);
  total += a.length;
  if (i % 100 == 0) kept.push(a);
}
__collect();
let keptTotal = 0;
for (let i = 0; i < kept.length; i++) keptTotal += kept[i].length;
console.log("filled " + total.toString() + " bytes in 2000 arrays, kept " + kept.length.toString() + " (" + keptTotal.toString() + " bytes)");

// Web Crypto's limit: at most 65536 bytes per call.
let big = new Uint8Array(65536);
crypto.getRandomValues(big);
let counts = new Array<i32>(256).fill(0);
for (let i = 0; i < big.length; i++) counts[big[i]]++;
let seen = 0;
for (let i = 0; i < 256; i++) if (counts[i] > 0) seen++;
console.log("65536 bytes cover all 256 values: " + (seen == 256).toString());

// Past the limit, getRandomValues throws QuotaExceededError (a trap here).
export function tooLarge(): void {
  let a = new Uint8Array(65537);
  crypto.getRandomValues(a);
  console.log("not reached");
}

// One Math.random value, for checking that a seeded host repeats it.
export function sample(): f64 {
  return Math.random();
}
