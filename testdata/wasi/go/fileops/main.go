// fileops DIR: create / write / read back / O_EXCL / O_APPEND / truncate /
// mkdir / rename / stat / ReadDir (sorted) / remove inside DIR (a writable
// mount holding input.txt and sub/nested.txt). Errors are printed as WASI
// errno names (own table); file contents quoted, bytes outside printable
// ASCII as \xNN.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

var w = bufio.NewWriter(os.Stdout)

func errname(err error) string {
	var e syscall.Errno
	if !errors.As(err, &e) {
		return "error: " + err.Error()
	}
	names := map[syscall.Errno]string{
		syscall.EACCES: "EACCES", syscall.EBADF: "EBADF", syscall.EEXIST: "EEXIST",
		syscall.EINVAL: "EINVAL", syscall.EIO: "EIO", syscall.EISDIR: "EISDIR",
		syscall.ELOOP: "ELOOP", syscall.ENAMETOOLONG: "ENAMETOOLONG",
		syscall.ENOENT: "ENOENT", syscall.ENOSYS: "ENOSYS", syscall.ENOTDIR: "ENOTDIR",
		syscall.ENOTEMPTY: "ENOTEMPTY", syscall.ENOTSUP: "ENOTSUP", syscall.EPERM: "EPERM",
		syscall.EROFS: "EROFS", syscall.EXDEV: "EXDEV", syscall.ENOTCAPABLE: "ENOTCAPABLE",
	}
	if n, ok := names[e]; ok {
		return n
	}
	return fmt.Sprintf("E#%d", uintptr(e))
}

func esc(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			s.WriteByte(c)
		} else {
			fmt.Fprintf(&s, "\\x%02x", c)
		}
	}
	s.WriteByte('"')
	return s.String()
}

func show(label string, err error) {
	if err == nil {
		fmt.Fprintf(w, "%s: ok\n", label)
	} else {
		fmt.Fprintf(w, "%s: %s\n", label, errname(err))
	}
}

func showRead(dir, name string) {
	b, err := os.ReadFile(dir + "/" + name)
	if err != nil {
		fmt.Fprintf(w, "read %s: %s\n", name, errname(err))
	} else {
		fmt.Fprintf(w, "read %s: %s\n", name, esc(b))
	}
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "dir"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m.IsRegular():
		return "file"
	}
	return "other"
}

func list(dir, name string) {
	ents, err := os.ReadDir(dir + "/" + name) // sorted by file name
	if err != nil {
		fmt.Fprintf(w, "list %s: %s\n", name, errname(err))
		return
	}
	fmt.Fprintf(w, "list %s:", name)
	for _, e := range ents {
		fmt.Fprintf(w, " %s(%s)", e.Name(), kind(e.Type()))
	}
	fmt.Fprintln(w)
}

func main() {
	defer w.Flush()
	if len(os.Args) != 2 {
		fmt.Fprintln(w, "usage: fileops DIR")
		return
	}
	d := os.Args[1]
	p := func(n string) string { return d + "/" + n }

	showRead(d, "input.txt")
	showRead(d, "sub/nested.txt")
	showRead(d, "missing.txt")

	f, err := os.Create(p("out.txt"))
	show("create out.txt", err)
	if err == nil {
		n, err := f.WriteString("written by go\n\x00\xff")
		fmt.Fprintf(w, "write out.txt: %d bytes, %v\n", n, err)
		show("close out.txt", f.Close())
	}
	showRead(d, "out.txt")

	_, err = os.OpenFile(p("out.txt"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	show("create_new out.txt", err)

	f, err = os.OpenFile(p("out.txt"), os.O_APPEND|os.O_WRONLY, 0)
	show("open append out.txt", err)
	if err == nil {
		f.WriteString("+more\n")
		f.Close()
	}
	showRead(d, "out.txt")

	show("truncate out.txt 5", os.Truncate(p("out.txt"), 5))
	showRead(d, "out.txt")
	if st, err := os.Stat(p("out.txt")); err == nil {
		fmt.Fprintf(w, "stat out.txt: size=%d %s\n", st.Size(), kind(st.Mode()))
	} else {
		fmt.Fprintf(w, "stat out.txt: %s\n", errname(err))
	}

	show("mkdir newdir", os.Mkdir(p("newdir"), 0o755))
	show("mkdir newdir", os.Mkdir(p("newdir"), 0o755))
	show("rename out.txt newdir/moved.txt", os.Rename(p("out.txt"), p("newdir/moved.txt")))
	_, err = os.Stat(p("out.txt"))
	show("stat out.txt", err)
	if st, err := os.Stat(p("newdir")); err == nil {
		fmt.Fprintf(w, "stat newdir: %s\n", kind(st.Mode()))
	}
	showRead(d, "newdir/moved.txt")
	list(d, ".")
	list(d, "newdir")

	show("remove newdir", os.Remove(p("newdir")))
	show("remove newdir/moved.txt", os.Remove(p("newdir/moved.txt")))
	show("remove newdir/moved.txt", os.Remove(p("newdir/moved.txt")))
	show("remove newdir", os.Remove(p("newdir")))
	show("mkdirall a/b/c", os.MkdirAll(p("a/b/c"), 0o755))
	show("write a/b/c/f.txt", os.WriteFile(p("a/b/c/f.txt"), []byte("deep\n"), 0o644))
	list(d, "a/b/c")
	show("removeall a", os.RemoveAll(p("a")))
	list(d, ".")
	list(d, "sub")
	list(d, "missing")
}
