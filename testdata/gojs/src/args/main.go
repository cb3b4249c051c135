// args prints its arguments (after argv[0]) and selected environment
// variables, the working directory, and returns normally (exit 0).
package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

func main() {
	fmt.Printf("argc=%d\n", len(os.Args))
	for i, a := range os.Args[1:] {
		fmt.Printf("arg[%d]=%q\n", i+1, a)
	}
	fmt.Printf("FOO=%q\n", os.Getenv("FOO"))
	v, ok := os.LookupEnv("EMPTY")
	fmt.Printf("EMPTY=%q set=%v\n", v, ok)
	_, ok = os.LookupEnv("UNSET_VARIABLE")
	fmt.Printf("UNSET_VARIABLE set=%v\n", ok)
	n := 0
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GOJS_") {
			fmt.Println("env", kv)
			n++
		}
	}
	fmt.Println("GOJS_ vars:", n)
	fmt.Println("pid positive:", syscall.Getpid() > 0)
}
