// stdin reads standard input line by line (fs.read on fd 0) and echoes it
// upper-cased with line numbers, then reports the byte count.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	n, bytes := 0, 0
	for sc.Scan() {
		n++
		bytes += len(sc.Bytes()) + 1
		fmt.Printf("%d: %s\n", n, strings.ToUpper(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Printf("%d lines, %d bytes\n", n, bytes)
}
