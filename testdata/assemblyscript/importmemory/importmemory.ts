// Built with --importMemory: the host creates the memory from the module's
// declared limits. Growing it must keep strings readable.
console.log("pages at start: " + memory.size().toString());
let parts = new Array<string>();
for (let i = 0; i < 2000; i++) parts.push("part " + i.toString() + " of a long string that needs memory");
let joined = parts.join(", ");
console.log("pages after allocating: " + (memory.size() > 1).toString());
console.log("joined length " + joined.length.toString());
console.log(joined.slice(joined.length - 40));
export function pages(): i32 {
  return memory.size();
}
