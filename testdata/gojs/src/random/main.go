// random reads from crypto/rand (Go 1.19: crypto.getRandomValues) and
// uses math/rand (seeded by runtime.getRandomData in newer Go).
package main

import (
	"crypto/rand"
	"fmt"
	"math/big"
)

func main() {
	a := make([]byte, 32)
	b := make([]byte, 32)
	if _, err := rand.Read(a); err != nil {
		fmt.Println("error:", err)
		return
	}
	if _, err := rand.Read(b); err != nil {
		fmt.Println("error:", err)
		return
	}
	zero := true
	for _, x := range a {
		if x != 0 {
			zero = false
		}
	}
	fmt.Println("nonzero:", !zero)
	fmt.Println("differ:", string(a) != string(b))
	n, err := rand.Int(rand.Reader, big.NewInt(1000))
	fmt.Println("rand.Int in range:", err == nil && n.Int64() >= 0 && n.Int64() < 1000)
	big := make([]byte, 100000)
	_, err = rand.Read(big)
	fmt.Println("large read ok:", err == nil)
}
