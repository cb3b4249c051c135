/* clock: realtime after 2020-01-01, monotonic never goes backwards, a 50 ms
 * nanosleep (-> poll_oneoff) advances monotonic by >= 50 ms, and both clocks
 * report a resolution > 0 (clock_getres). */
#include <stdio.h>
#include <time.h>

static int ok = 1;
static void check(int cond, const char *what) {
    printf("%s %s\n", what, cond ? "ok" : "FAIL");
    if (!cond) ok = 0;
}

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
    struct timespec now, t1, t2, t3, r0, r1;
    clock_gettime(CLOCK_REALTIME, &now);
    check(now.tv_sec > 1577836800, "realtime");

    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    check(ns(t2) >= ns(t1), "monotonic");

    struct timespec d = {0, 50000000};
    nanosleep(&d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t3);
    check(ns(t3) - ns(t2) >= 50000000LL, "slept");

    int e0 = clock_getres(CLOCK_REALTIME, &r0);
    int e1 = clock_getres(CLOCK_MONOTONIC, &r1);
    check(e0 == 0 && e1 == 0 && ns(r0) > 0 && ns(r1) > 0, "res");
    return ok ? 0 : 1;
}
