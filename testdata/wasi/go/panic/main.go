// panic: recovers from one panic (nil map write), then panics for real.
// The Go runtime prints "panic: boom ..." and a goroutine trace to stderr
// and exits with code 2 (proc_exit(2)). Only stdout + exit are recorded.
package main

import (
	"fmt"
	"os"
)

func recovered() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint("recovered: ", r)
		}
	}()
	var m map[string]int
	m["x"] = 1
	return "not reached"
}

func main() {
	fmt.Println(recovered())
	fmt.Println("about to panic")
	os.Stdout.Sync()
	panic("boom")
}
