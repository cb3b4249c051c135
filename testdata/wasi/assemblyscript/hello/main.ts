// hello: one line to stdout via console.log, exit code 3 via process.exit.
console.log("hello from assemblyscript");
process.exit(3);
