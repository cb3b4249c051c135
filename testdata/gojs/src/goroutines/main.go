// goroutines runs many goroutines that talk over channels, a WaitGroup
// and a mutex, and a pipeline, and prints deterministic results.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for i := 1; i <= 200; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			runtime.Gosched()
			mu.Lock()
			sum += n
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	fmt.Println("sum:", sum)

	src := make(chan int)
	sq := make(chan int)
	go func() {
		for i := 0; i < 10; i++ {
			src <- i
		}
		close(src)
	}()
	go func() {
		for v := range src {
			sq <- v * v
		}
		close(sq)
	}()
	total := 0
	for v := range sq {
		total += v
	}
	fmt.Println("sum of squares:", total)

	results := make(chan string, 4)
	for _, name := range []string{"a", "b", "c", "d"} {
		go func(s string) { results <- s + s }(name)
	}
	got := map[string]bool{}
	for i := 0; i < 4; i++ {
		got[<-results] = true
	}
	fmt.Println("results:", len(got), got["aa"], got["dd"])

	var once sync.Once
	for i := 0; i < 3; i++ {
		once.Do(func() { fmt.Println("once") })
	}
	fmt.Println("GOOS/GOARCH:", runtime.GOOS, runtime.GOARCH)
}
