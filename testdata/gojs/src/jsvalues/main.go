// jsvalues drives syscall/js directly: objects, arrays, typed arrays,
// strings, numbers, instanceof, deleting properties, errors thrown by JS,
// and Go functions called back synchronously from JS (re-entering the
// guest, deep enough to grow the goroutine stack in between).
package main

import (
	"fmt"
	"syscall/js"
)

func deep(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + 1
}

func main() {
	g := js.Global()
	obj := g.Get("Object").New()
	obj.Set("name", "gopher")
	obj.Set("n", 42)
	obj.Set("pi", 3.5)
	obj.Set("yes", true)
	obj.Set("nothing", nil)
	fmt.Println("name:", obj.Get("name").String(), obj.Get("name").Type())
	fmt.Println("n:", obj.Get("n").Int(), obj.Get("n").Type())
	fmt.Println("pi:", obj.Get("pi").Float())
	fmt.Println("yes:", obj.Get("yes").Bool(), obj.Get("yes").Type())
	fmt.Println("nothing is null:", obj.Get("nothing").IsNull())
	fmt.Println("missing is undefined:", obj.Get("missing").IsUndefined())
	obj.Delete("name")
	fmt.Println("deleted:", obj.Get("name").IsUndefined())
	fmt.Println("instanceof Object:", obj.InstanceOf(g.Get("Object")))
	fmt.Println("NaN:", js.ValueOf(js.ValueOf(0).Float()/js.ValueOf(0).Float()).IsNaN())

	arr := g.Get("Array").New(3)
	for i := 0; i < 3; i++ {
		arr.SetIndex(i, i*10)
	}
	fmt.Println("array length:", arr.Length(), "arr[2]:", arr.Index(2).Int())
	fmt.Println("instanceof Array:", arr.InstanceOf(g.Get("Array")), arr.InstanceOf(g.Get("Uint8Array")))
	v := js.ValueOf([]interface{}{1, "two", true})
	fmt.Println("ValueOf slice:", v.Length(), v.Index(1).String())
	m := js.ValueOf(map[string]interface{}{"k": "v"})
	fmt.Println("ValueOf map:", m.Get("k").String())

	u8 := g.Get("Uint8Array").New(5)
	n := js.CopyBytesToJS(u8, []byte("hello world"))
	back := make([]byte, 8)
	k := js.CopyBytesToGo(back, u8)
	fmt.Printf("bytes: %d %d %q %d\n", n, k, back[:k], u8.Index(1).Int())

	s := js.ValueOf("héllo, 世界")
	fmt.Println("string:", s.String(), s.Type())

	calls := 0
	f := js.FuncOf(func(this js.Value, args []js.Value) interface{} {
		calls++
		return deep(2000) + args[0].Int() + len(args)
	})
	defer f.Release()
	fmt.Println("func type:", f.Type())
	for i := 0; i < 3; i++ {
		fmt.Println("invoke:", f.Invoke(i, "x").Int())
	}
	obj.Set("cb", f)
	fmt.Println("call method:", obj.Call("cb", 100).Int(), "calls:", calls)

	func() {
		defer func() {
			r := recover()
			if e, ok := r.(js.Error); ok {
				fmt.Println("js error caught:", e.Value.Get("name").String())
			} else {
				fmt.Println("unexpected:", r)
			}
		}()
		obj.Call("missingMethod")
	}()

	d := g.Get("Date").New()
	fmt.Println("date is object:", d.Type() == js.TypeObject, d.InstanceOf(g.Get("Date")))
	buf := g.Get("Uint8Array").New(16)
	g.Get("crypto").Call("getRandomValues", buf)
	fmt.Println("random buffer length:", buf.Get("length").Int())
	fmt.Println("process.cwd type:", g.Get("process").Call("cwd").Type())
}
