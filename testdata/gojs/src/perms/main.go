// perms: chmod, fchmod, chown, fchown and lchown through Go's os package
// (syscall/fs_js.go's fs.chmod, fchmod, chown, fchown, lchown). Ownership
// only changes to the process's own ids, which every host allows.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

func show(what string, err error) {
	switch {
	case err == nil:
		fmt.Printf("%s: ok\n", what)
	case errors.Is(err, os.ErrNotExist):
		fmt.Printf("%s: not exist\n", what)
	case errors.Is(err, os.ErrPermission):
		fmt.Printf("%s: permission\n", what)
	default:
		fmt.Printf("%s: %v\n", what, err)
	}
}

func mode(path string) {
	st, err := os.Lstat(path)
	if err != nil {
		show("stat "+filepath.Base(path), err)
		return
	}
	fmt.Printf("%s: %v\n", filepath.Base(path), st.Mode())
}

func main() {
	dir := os.Args[1]
	f := filepath.Join(dir, "p.txt")
	show("create", os.WriteFile(f, []byte("x"), 0o644))
	show("chmod 0600", os.Chmod(f, 0o600))
	mode(f)
	file, err := os.Open(f)
	show("open", err)
	show("fchmod 0640", file.Chmod(0o640))
	mode(f)
	show("fchown to self", file.Chown(os.Getuid(), os.Getgid()))
	file.Close()
	show("chmod missing", os.Chmod(filepath.Join(dir, "missing"), 0o600))
	sub := filepath.Join(dir, "sub")
	show("mkdir", os.Mkdir(sub, 0o755))
	show("chmod dir 0700", os.Chmod(sub, 0o700))
	mode(sub)
	show("chown to self", os.Chown(f, os.Getuid(), os.Getgid()))
	show("chown keep (-1, -1)", os.Chown(f, -1, -1))
	show("chown missing", os.Chown(filepath.Join(dir, "missing"), -1, -1))
	link := filepath.Join(dir, "link")
	show("symlink", os.Symlink("p.txt", link))
	show("lchown link to self", os.Lchown(link, os.Getuid(), os.Getgid()))
	show("chmod through link 0604", os.Chmod(link, 0o604))
	mode(f)
	os.Exit(3)
}
