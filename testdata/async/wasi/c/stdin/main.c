/* stdin: reads all of stdin with read(0, buf, 16) (many small fd_reads, each a
 * point where an Asyncify host may suspend while the pipe is empty), and
 * prints every line upper-cased with its 1-based number, then the totals.
 * A last line without '\n' is printed like the others.
 * Exports asyncify_malloc_buffer/asyncify_free_buffer (the unwind-buffer
 * source an Asyncify host should prefer) and also malloc/free (which it
 * should then not use). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((export_name("asyncify_malloc_buffer")))
void *asyncify_malloc_buffer(size_t size) { return malloc(size); }

__attribute__((export_name("asyncify_free_buffer")))
void asyncify_free_buffer(void *addr, size_t size) { (void)size; free(addr); }

static char line[4096];
static size_t len;
static int lines;

static void flush_line(void) {
    lines++;
    printf("%d: %.*s\n", lines, (int)len, line);
    fflush(stdout);
    len = 0;
}

int main(void) {
    char buf[16];
    long total = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) {
            printf("read failed\n");
            return 1;
        }
        if (n == 0) break;
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
    if (len > 0) flush_line();
    printf("lines=%d bytes=%ld\n", lines, total);
    return 0;
}
