// zone prints the local time zone Go's time package builds on js/wasm:
// time/zoneinfo_js.go reads `new Date().getTimezoneOffset()` once, so
// time.Local is one fixed offset (cases use zones without daylight time).
package main

import (
	"fmt"
	"time"
)

func main() {
	name, offset := time.Now().Zone()
	fmt.Println("now:", name, offset)
	t := time.Unix(1720000000, 0)
	fmt.Println("local:", t.Format("2006-01-02 15:04:05 -0700 MST"))
	fmt.Println("utc:", t.UTC().Format("2006-01-02 15:04:05 -0700 MST"))
	fmt.Println("date:", time.Date(2024, 1, 15, 12, 0, 0, 0, time.Local).Unix())
}
