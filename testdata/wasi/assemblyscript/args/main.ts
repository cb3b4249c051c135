// args: argc, every argument after argv[0] as `arg[i]=...`, then the number
// of environment variables and every variable sorted by name. Same output as
// c/args and rust/args (process.argv / process.env from the WASI shim).
const argv = process.argv;
let out = "argc=" + argv.length.toString() + "\n";
for (let i = 1; i < argv.length; i++) {
  out += "arg[" + i.toString() + "]=" + argv[i] + "\n";
}
const env = process.env;
const names = env.keys();
names.sort((a: string, b: string): i32 => (a < b ? -1 : a > b ? 1 : 0));
out += "envc=" + names.length.toString() + "\n";
for (let i = 0; i < names.length; i++) {
  out += names[i] + "=" + env.get(names[i]) + "\n";
}
process.stdout.write(out);
