// console.* through the std bindings, and AssemblyScript strings (UTF-16)
// of every shape: empty, non-ASCII, astral, a lone surrogate, and one long
// enough that the bindings lift it in several 1024-unit chunks.
console.log("Hello from AssemblyScript");
console.log();
console.log("");
console.info("info goes to stdout");
console.debug("debug goes to stdout");
console.warn("warn goes to stderr");
console.error("error goes to stderr");
console.assert(true, "not printed");
console.assert(false, "printed to stderr");
console.assert(false);
console.log("héllo wörld, ¿qué tal? 日本語 🎉");
console.log("lone high " + String.fromCharCode(0xd800) + " and low " + String.fromCharCode(0xdc00) + " end");
console.log("pair " + String.fromCharCodes([0xd83d, 0xde00]));
let long = "";
for (let i = 0; i < 300; i++) long += "abc" + (i % 10).toString();
console.log(long);
console.log("length " + long.length.toString());
