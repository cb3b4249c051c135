// misc [abort]: stdin via process.stdin.read (fd_read), process.stdout.write,
// console.info/warn/error (the shim prints them to stdout with a prefix),
// console.assert (stderr), trace (stderr), crypto.getRandomValues
// (random_get), Date.now / performance.now / process.hrtime (clock_time_get),
// string/array/Map work. Prints only deterministic facts. Exit code 3 via
// process.exit; with argument `abort` it throws, which ends in the shim's
// abort: message on stderr and proc_exit(255).

// stdin: read everything, count lines and bytes.
const chunk = new ArrayBuffer(64);
let total = 0;
let lines = 0;
let first = "";
while (true) {
  const n = process.stdin.read(chunk);
  if (n <= 0) break;
  const bytes = Uint8Array.wrap(chunk, 0, n);
  for (let i = 0; i < n; i++) if (bytes[i] == 10) lines++;
  if (total == 0) first = String.UTF8.decode(chunk.slice(0, min(n, 10)));
  total += n;
}
process.stdout.write("stdin: " + total.toString() + " bytes, " + lines.toString() + " lines, starts with \"" + first + "\"\n");

console.info("info line");
console.warn("warn line");
console.error("error line");
console.debug("debug line");
console.assert(false, "this goes to stderr");
trace("trace goes to stderr", 2, 1.5, 2.5);

const rnd = new Uint8Array(32);
crypto.getRandomValues(rnd);
let nonzero = 0;
for (let i = 0; i < rnd.length; i++) if (rnd[i] != 0) nonzero++;
console.log("random: 32 bytes, some nonzero: " + (nonzero > 0 ? "yes" : "no"));
console.log("Math.random in [0,1): " + (Math.random() >= 0 && Math.random() < 1 ? "yes" : "no"));

const now = Date.now();
console.log("Date.now after 2020: " + (now > 1577836800000 ? "yes" : "no"));
const t0 = performance.now();
const h0 = process.hrtime();
let spin: u64 = 0;
for (let i = 0; i < 100000; i++) spin += <u64>i;
const h1 = process.hrtime();
console.log("monotonic: " + (performance.now() >= t0 && h1 >= h0 ? "yes" : "no") + " (spin " + spin.toString() + ")");
console.log("process.time after 2020: " + (process.time() > 1577836800000 ? "yes" : "no"));

const words = "pear apple fig banana apple cherry fig apple".split(" ");
const counts = new Map<string, i32>();
for (let i = 0; i < words.length; i++) {
  const w = words[i];
  counts.set(w, counts.has(w) ? counts.get(w) + 1 : 1);
}
const keys = counts.keys();
keys.sort((a: string, b: string): i32 => (a < b ? -1 : a > b ? 1 : 0));
let line = "counts:";
for (let i = 0; i < keys.length; i++) line += " " + keys[i] + "=" + counts.get(keys[i]).toString();
console.log(line);
console.log("upper: " + "ünïcödé ß".toUpperCase() + ", utf8 bytes: " + String.UTF8.byteLength("ünïcödé ß").toString());
console.log("float: " + (0.1 + 0.2).toString() + " " + (1.0 / 3.0).toString() + " " + (<f64>1e21).toString());
console.log("platform=" + process.platform + " arch=" + process.arch);

const argv = process.argv;
if (argv.length > 1 && argv[1] == "abort") {
  console.log("throwing");
  throw new Error("deliberate");
}
process.exit(3);
