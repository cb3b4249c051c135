// args: argc, every argument after argv[0] as `arg[i]=...`, then the number
// of environment variables and every variable sorted by name (bytewise).
// Same output as c/args and rust/args.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "argc=%d\n", len(os.Args))
	for i, a := range os.Args[1:] {
		fmt.Fprintf(w, "arg[%d]=%s\n", i+1, a)
	}
	env := os.Environ()
	name := func(kv string) string { n, _, _ := strings.Cut(kv, "="); return n }
	sort.SliceStable(env, func(i, j int) bool {
		a, b := name(env[i]), name(env[j])
		if a != b {
			return a < b
		}
		return env[i] < env[j]
	})
	fmt.Fprintf(w, "envc=%d\n", len(env))
	for _, kv := range env {
		fmt.Fprintln(w, kv)
	}
}
