// hello prints one line to stdout, one to stderr, and exits with code 3.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("hello from Go js/wasm")
	fmt.Fprintln(os.Stderr, "this goes to stderr")
	println("runtime println also goes to stderr")
	os.Exit(3)
}
