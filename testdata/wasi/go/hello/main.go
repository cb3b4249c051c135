// hello: one line to stdout, exit code 3 via os.Exit. (No fmt: keeps the module small.)
package main

import "os"

func main() {
	os.Stdout.WriteString("hello from go\n")
	os.Exit(3)
}
