/* stdin: Emscripten glue build, *not* Asyncify-transformed. Reads all of
 * stdin with read(0, buf, 16) and prints every line upper-cased with its
 * 1-based number, then the totals, as ../../wasi/c/stdin/main.c does.
 * main calls setjmp, so emcc routes each call main makes, read() included,
 * through an invoke_* import: the read runs in a guest call the host makes
 * from inside a host function. The end of input is reached by longjmp.
 * A host running this on coroutines suspends the guest in that nested read
 * while the pipe is empty. */
#include <setjmp.h>
#include <stdio.h>
#include <unistd.h>

static jmp_buf done;
static char line[4096];
static size_t len;
static int lines;
static long total;

static void flush_line(void) {
    lines++;
    printf("%d: %.*s\n", lines, (int)len, line);
    fflush(stdout);
    len = 0;
}

__attribute__((noinline)) static void finish(int status) { longjmp(done, status); }

int main(void) {
    char buf[16];
    int status = setjmp(done);
    if (status == 0) {
        for (;;) {
            ssize_t n = read(0, buf, sizeof buf);
            if (n < 0) finish(2);
            if (n == 0) finish(1);
            total += n;
            for (ssize_t i = 0; i < n; i++) {
                char c = buf[i];
                if (c == '\n') {
                    flush_line();
                } else if (len < sizeof line) {
                    line[len++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
                }
            }
        }
    }
    if (status == 2) {
        printf("read failed\n");
        return 1;
    }
    if (len > 0) flush_line();
    printf("lines=%d bytes=%ld\n", lines, total);
    return 0;
}
