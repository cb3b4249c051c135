// abort: a failed assertion, a thrown Error, and abort() with null strings.
// Called through --invoke so that one module covers every shape.
console.log("started");

export function assertFails(n: i32): i32 {
  console.log("checking " + n.toString());
  assert(n < 10, "n must be < 10");
  return n * 2;
}

export function throws(): void {
  console.log("about to throw");
  throw new Error("boom");
}

export function abortNull(): void {
  abort();
}

export function abortNoFile(): void {
  abort("only a message");
}
