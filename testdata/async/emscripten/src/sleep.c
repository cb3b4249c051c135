/* sleep: Emscripten -sASYNCIFY guest. emscripten_sleep(10) five times (the
 * glue unwinds the stack, waits on a JS timer, rewinds), a line before and
 * after each, a counter kept on the stack across the sleeps, then a check that
 * >= 50 ms passed (emscripten_get_now), and exit(3): with ASYNCIFY the glue
 * loses main's return value, so exit() is called explicitly. */
#include <emscripten.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    volatile unsigned sum = 0;
    double t0 = emscripten_get_now();
    for (int i = 0; i < 5; i++) {
        printf("before %d\n", i);
        emscripten_sleep(10);
        sum += (unsigned)(i + 1) * 10;
        printf("tick %d sum=%u\n", i, sum);
    }
    double dt = emscripten_get_now() - t0;
    printf("elapsed %s\n", dt >= 50.0 ? "ok" : "FAIL");
    printf("slept\n");
    exit(3);
}
