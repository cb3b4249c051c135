// sleep: time.Sleep(20ms) (poll_oneoff), wall and monotonic clocks, goroutines,
// channels, sync.WaitGroup, select with a timer, time.AfterFunc. Prints only
// deterministic facts (comparisons, not times).
package main

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	fmt.Println("wall clock after 2020:", start.Year() >= 2020)

	time.Sleep(20 * time.Millisecond)
	el := time.Since(start)
	fmt.Println("slept >= 20ms:", el >= 20*time.Millisecond)
	fmt.Println("slept < 10s:", el < 10*time.Second)

	// 4 goroutines, results over a channel, collected with a WaitGroup.
	results := make(chan string, 4)
	var wg sync.WaitGroup
	for i := 1; i <= 4; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			time.Sleep(time.Duration(5-n) * time.Millisecond)
			sum := 0
			for k := 1; k <= n*1000; k++ {
				sum += k
			}
			results <- fmt.Sprintf("worker %d: sum=%d", n, sum)
		}(i)
	}
	wg.Wait()
	close(results)
	var lines []string
	for r := range results {
		lines = append(lines, r)
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}

	// Unbuffered ping-pong between two goroutines.
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v * 2
		}
		close(pong)
	}()
	total := 0
	for i := 1; i <= 10; i++ {
		ping <- i
		total += <-pong
	}
	close(ping)
	_, open := <-pong
	fmt.Println("ping-pong total:", total, "pong closed:", !open)

	// select: a value that arrives after 10ms vs a 5s timeout.
	ch := make(chan string)
	go func() {
		time.Sleep(10 * time.Millisecond)
		ch <- "value"
	}()
	select {
	case v := <-ch:
		fmt.Println("select got:", v)
	case <-time.After(5 * time.Second):
		fmt.Println("select: timeout")
	}

	// select: timer wins against a channel nobody sends on.
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("select: impossible")
	case <-time.After(15 * time.Millisecond):
		fmt.Println("select: timer fired")
	}

	done := make(chan bool)
	t0 := time.Now()
	time.AfterFunc(10*time.Millisecond, func() { done <- true })
	<-done
	fmt.Println("AfterFunc after >= 10ms:", time.Since(t0) >= 10*time.Millisecond)

	// A mutex-protected counter incremented by 8 goroutines.
	var mu sync.Mutex
	count := 0
	var wg2 sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for k := 0; k < 1000; k++ {
				mu.Lock()
				count++
				mu.Unlock()
			}
		}()
	}
	wg2.Wait()
	fmt.Println("counter:", count)
	fmt.Println("monotonic total >= 45ms:", time.Since(start) >= 45*time.Millisecond)
	os.Exit(0)
}
