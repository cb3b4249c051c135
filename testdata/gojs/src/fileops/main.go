// fileops works in the directory given as argv[1]: reads, creates, writes,
// seeks, truncates, renames and removes files, makes and lists directories,
// and creates and reads symbolic links. It never prints the directory's
// own path, so the output is the same wherever it is mounted.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: unexpected error: %v\n", what, err)
		os.Exit(1)
	}
}

func list(dir string) {
	entries, err := os.ReadDir(dir)
	check("readdir", err)
	var names []string
	for _, e := range entries {
		kind := "file"
		if e.IsDir() {
			kind = "dir"
		} else if e.Type()&fs.ModeSymlink != 0 {
			kind = "symlink"
		}
		names = append(names, e.Name()+"("+kind+")")
	}
	sort.Strings(names)
	fmt.Printf("%s: %s\n", dir, strings.Join(names, " "))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Println("usage: fileops DIR")
		os.Exit(2)
	}
	check("chdir", os.Chdir(os.Args[1]))

	data, err := os.ReadFile("input.txt")
	check("read input", err)
	fmt.Printf("input.txt: %q\n", data)

	f, err := os.Create("out.txt")
	check("create", err)
	_, err = f.WriteString("0123456789")
	check("write", err)
	_, err = f.Seek(2, io.SeekStart)
	check("seek", err)
	_, err = f.Write([]byte("AB"))
	check("write at 2", err)
	end, err := f.Seek(0, io.SeekEnd)
	check("seek end", err)
	fmt.Println("size after writes:", end)
	check("truncate", f.Truncate(6))
	check("sync", f.Sync())
	check("close", f.Close())

	data, err = os.ReadFile("out.txt")
	check("read back", err)
	fmt.Printf("out.txt: %q\n", data)

	f, err = os.OpenFile("out.txt", os.O_APPEND|os.O_WRONLY, 0)
	check("open append", err)
	_, err = f.WriteString("+tail")
	check("append", err)
	f.Close()
	st, err := os.Stat("out.txt")
	check("stat", err)
	fmt.Println("stat:", st.Name(), st.Size(), st.Mode().IsRegular(), st.IsDir())

	f, err = os.Open("out.txt")
	check("open", err)
	buf := make([]byte, 4)
	n, err := f.ReadAt(buf, 3)
	check("readat", err)
	fmt.Printf("readat 3: %q\n", buf[:n])
	n, err = f.Read(buf)
	check("read", err)
	fmt.Printf("read: %q\n", buf[:n])
	rest, err := io.ReadAll(f)
	check("readall", err)
	fmt.Printf("rest: %q\n", rest)
	f.Close()

	check("mkdir", os.Mkdir("sub", 0o755))
	check("mkdirall", os.MkdirAll("sub/deep/deeper", 0o755))
	check("write nested", os.WriteFile(filepath.Join("sub", "deep", "x.txt"), []byte("x"), 0o644))
	check("rename", os.Rename("out.txt", "sub/moved.txt"))
	list(".")
	list("sub")

	_, err = os.Stat("out.txt")
	fmt.Println("old name gone:", errors.Is(err, fs.ErrNotExist))
	_, err = os.Open("missing.txt")
	fmt.Println("missing:", err, errors.Is(err, fs.ErrNotExist))
	err = os.Mkdir("sub", 0o755)
	fmt.Println("mkdir again:", errors.Is(err, fs.ErrExist))
	err = os.Remove("sub")
	fmt.Println("remove non-empty dir fails:", err != nil)

	check("symlink", os.Symlink("sub/moved.txt", "link"))
	target, err := os.Readlink("link")
	check("readlink", err)
	fmt.Println("readlink:", target)
	lst, err := os.Lstat("link")
	check("lstat", err)
	fmt.Println("lstat is symlink:", lst.Mode()&fs.ModeSymlink != 0)
	data, err = os.ReadFile("link")
	check("read through link", err)
	fmt.Printf("through link: %q\n", data)
	wd, err := os.Getwd()
	check("getwd", err)
	check("absolute symlink", os.Symlink(filepath.Join(wd, "sub", "moved.txt"), "abslink"))
	data, err = os.ReadFile("abslink")
	check("read through absolute link", err)
	fmt.Printf("through absolute link: %q\n", data)
	check("dir symlink", os.Symlink("sub", "dirlink"))
	list("dirlink")
	_, err = os.Stat("dirlink/../input.txt")
	fmt.Println("dirlink/.. is the link's parent:", err == nil)
	check("remove abslink", os.Remove("abslink"))
	check("remove dirlink", os.Remove("dirlink"))
	check("hard link", os.Link("sub/moved.txt", "hard.txt"))
	hst, err := os.Stat("hard.txt")
	check("stat hard", err)
	fmt.Println("hard link size:", hst.Size())

	check("remove link", os.Remove("link"))
	check("remove hard", os.Remove("hard.txt"))
	check("removeall", os.RemoveAll("sub"))
	list(".")
	wd, err = os.Getwd()
	check("getwd", err)
	fmt.Println("getwd is absolute:", filepath.IsAbs(wd))
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fmt.Println("walk:", p, d.IsDir())
		return nil
	})
	check("walk", err)
}
