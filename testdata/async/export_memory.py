#!/usr/bin/env python3
"""Adds an export of one memory to a wasm module (binaryen has no pass for it).

binaryen's `--pass-arg=asyncify-in-secondary-memory` puts the Asyncify data in a
new memory named `asyncify_memory` but does not export it, so a host could not
write the unwind-buffer header there. This appends `(export NAME (memory INDEX))`
to the export section, leaving every other byte as it is.

Usage: export_memory.py IN.wasm OUT.wasm NAME INDEX
"""
import sys


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def enc(n):
    out = bytearray()
    while True:
        x = n & 0x7F
        n >>= 7
        out.append(x | (0x80 if n else 0))
        if not n:
            return bytes(out)


def main():
    src, dst, name, index = sys.argv[1], sys.argv[2], sys.argv[3].encode(), int(sys.argv[4])
    b = open(src, "rb").read()
    assert b[:8] == b"\0asm\1\0\0\0", "not a wasm module"
    i, out, done = 8, bytearray(b[:8]), False
    while i < len(b):
        sid = b[i]
        size, j = leb(b, i + 1)
        body = b[j:j + size]
        if sid == 7:
            n, k = leb(body, 0)
            body = enc(n + 1) + body[k:] + enc(len(name)) + name + b"\x02" + enc(index)
            done = True
        out += bytes([sid]) + enc(len(body)) + body
        i = j + size
    if not done:
        sys.exit(f"{src}: no export section")
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
