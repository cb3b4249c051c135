// process.exit ends the program at once with its code.
console.log("before exit");
process.exit(3);
console.log("not printed");
