// Prints wall-clock and monotonic times, a sleep's length, and random
// bytes: different on every run, unless the host runs it
// deterministically (wasmer-imports run --deterministic --seed N).
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    struct timespec rt, m0, m1;
    unsigned char r[8];
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &m0);
    struct timespec d = {0, 5000000};
    nanosleep(&d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &m1);
    if (getentropy(r, sizeof r) != 0) return 1;
    printf("realtime %lld.%09ld\n", (long long)rt.tv_sec, rt.tv_nsec);
    printf("monotonic %lld.%09ld\n", (long long)m0.tv_sec, m0.tv_nsec);
    printf("slept %lld ns\n", (long long)(m1.tv_sec - m0.tv_sec) * 1000000000LL + (m1.tv_nsec - m0.tv_nsec));
    printf("random");
    for (unsigned i = 0; i < sizeof r; i++) printf(" %02x", r[i]);
    printf("\n");
    return 0;
}
