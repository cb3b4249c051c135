/* sleep: five 10 ms nanosleeps (wasi-libc: clock_nanosleep -> poll_oneoff with
 * one clock subscription), a line after each, then a check that the monotonic
 * clock advanced by >= 50 ms. Every sleep is a point where an Asyncify host may
 * suspend the guest. stdout is flushed after every line, so each line is its
 * own fd_write between two sleeps.
 * Built with -Wl,--export=malloc -Wl,--export=free: the guest's allocator is
 * the unwind-buffer source for the .asyncify variant (see ../../../README.md). */
#include <stdio.h>
#include <time.h>

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
    struct timespec t0, t1;
    struct timespec d = {0, 10 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 5; i++) {
        if (nanosleep(&d, NULL) != 0) {
            printf("nanosleep failed\n");
            return 1;
        }
        printf("tick %d\n", i);
        fflush(stdout);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("elapsed %s\n", ns(t1) - ns(t0) >= 50000000LL ? "ok" : "FAIL");
    printf("slept\n");
    return 0;
}
