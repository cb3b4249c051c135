// panic recovers from a runtime error and a custom panic, then panics
// without recovering: Go prints the panic to stderr and exits with 2.
package main

import (
	"errors"
	"fmt"
)

func try(f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Println("recovered:", r)
		}
	}()
	f()
}

func main() {
	try(func() {
		var m map[string]int
		m["x"] = 1
	})
	try(func() {
		a := []int{1, 2, 3}
		i := 5
		fmt.Println(a[i])
	})
	try(func() { panic(errors.New("custom error")) })
	fmt.Println("about to panic for real")
	panic("unrecovered")
}
