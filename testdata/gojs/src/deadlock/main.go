// deadlock blocks every goroutine: Go reports
// "fatal error: all goroutines are asleep - deadlock!" and exits with 2.
package main

import "fmt"

func main() {
	fmt.Println("before deadlock")
	c := make(chan int)
	go func() { c <- 1 }()
	<-c
	<-c
	fmt.Println("unreachable")
}
