// timers exercises time.Sleep, timers, tickers, time.After in select and
// stopping a timer, and checks the clocks move forward.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("slept at least 20ms:", time.Since(start) >= 20*time.Millisecond)

	t := time.NewTimer(time.Hour)
	fmt.Println("stopped long timer:", t.Stop())

	tick := time.NewTicker(5 * time.Millisecond)
	for i := 0; i < 3; i++ {
		<-tick.C
		fmt.Println("tick", i)
	}
	tick.Stop()

	done := make(chan string)
	go func() {
		time.Sleep(10 * time.Millisecond)
		done <- "worker done"
	}()
	select {
	case s := <-done:
		fmt.Println(s)
	case <-time.After(5 * time.Second):
		fmt.Println("timeout")
	}
	select {
	case <-done:
		fmt.Println("unexpected")
	case <-time.After(15 * time.Millisecond):
		fmt.Println("time.After fired")
	}
	fired := make(chan int, 3)
	for i := 3; i >= 1; i-- {
		i := i
		time.AfterFunc(time.Duration(i)*3*time.Millisecond, func() { fired <- i })
	}
	got := <-fired + <-fired + <-fired
	fmt.Println("AfterFunc fired all:", got == 6)
	fmt.Println("year after 2020:", time.Now().Year() > 2020)
	fmt.Println("UTC zone:", time.Now().UTC().Location())
}
