// Opens files through os.Root (Go 1.24+), which opens with its own
// rights sets: append, write-only, read-only, create, and an escape
// attempt. Go's own os test TestAppend/InRoot does the first; a runtime
// that lets rights refuse what the open flags ask for fails it.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	root, err := os.OpenRoot(os.Args[1])
	if err != nil {
		fmt.Println("OpenRoot:", err)
		os.Exit(1)
	}
	defer root.Close()

	try("append", func() error {
		f, err := root.OpenFile("append.txt", os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.WriteString("second\n")
		return err
	})
	try("create write-only", func() error {
		f, err := root.OpenFile("new.txt", os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.WriteString("made in root\n")
		return err
	})
	for _, name := range []string{"append.txt", "new.txt"} {
		try("read "+name, func() error {
			f, err := root.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			b, err := io.ReadAll(f)
			fmt.Printf("%q\n", b)
			return err
		})
	}
	try("escape", func() error {
		_, err := root.Open("../outside.txt")
		return err
	})
	// A root follows its directory when the directory is renamed, as an OS
	// handle does (Go's own TestRootRenameAfterOpen).
	try("rename after open", func() error {
		dir := os.Args[1] + "/before"
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dir+"/f", []byte("followed\n"), 0o644); err != nil {
			return err
		}
		moved, err := os.OpenRoot(dir)
		if err != nil {
			return err
		}
		defer moved.Close()
		if err := os.Rename(dir, os.Args[1]+"/after"); err != nil {
			return err
		}
		b, err := moved.ReadFile("f")
		fmt.Printf("%q\n", b)
		return err
	})
}

func try(what string, f func() error) {
	if err := f(); err != nil {
		fmt.Printf("%s: %v\n", what, err)
	} else {
		fmt.Printf("%s: ok\n", what)
	}
}
