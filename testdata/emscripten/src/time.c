// Time formatting with TZ=UTC: gmtime, localtime, mktime, strftime, and
// that the clocks move.
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>
#include <time.h>

static void show(const char *label, const struct tm *t) {
    char buf[256];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %A %b %B %j %U %u %w %p %I %y %C %e %D %T %R %F %G %g %V %Z %z %%", t);
    printf("%s: [%zu] %s\n", label, n, buf);
    printf("%s fields: sec=%d min=%d hour=%d mday=%d mon=%d year=%d wday=%d yday=%d isdst=%d\n", label, t->tm_sec,
           t->tm_min, t->tm_hour, t->tm_mday, t->tm_mon, t->tm_year, t->tm_wday, t->tm_yday, t->tm_isdst);
}

int main(void) {
    time_t stamps[] = {0, 951782400, 1234567890, 1700000000, 2147483647};
    for (unsigned i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
        struct tm g, l;
        gmtime_r(&stamps[i], &g);
        localtime_r(&stamps[i], &l);
        char label[64];
        snprintf(label, sizeof label, "gm %lld", (long long)stamps[i]);
        show(label, &g);
        snprintf(label, sizeof label, "local %lld", (long long)stamps[i]);
        show(label, &l);
        printf("mktime back: %lld\n", (long long)mktime(&l));
    }
    struct tm t = {0};
    t.tm_year = 124; t.tm_mon = 1; t.tm_mday = 30; t.tm_hour = 25; t.tm_min = 61; t.tm_isdst = -1;
    time_t m = mktime(&t);
    printf("normalised mktime: %lld\n", (long long)m);
    show("normalised", &t);
    char small[8];
    printf("strftime too small: %zu\n", strftime(small, sizeof small, "%Y-%m-%d", &t));

    time_t now = time(NULL);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_REALTIME, &b);
    printf("time after 2020: %s\n", now > 1577836800 ? "yes" : "no");
    printf("gettimeofday agrees: %s\n", tv.tv_sec - now <= 1 && now - tv.tv_sec <= 1 ? "yes" : "no");
    printf("realtime agrees: %s\n", b.tv_sec - now <= 1 && now - b.tv_sec <= 1 ? "yes" : "no");
    volatile unsigned long spin = 0;
    clock_t c0 = clock();
    while (clock() == c0 && spin < 400000000UL) spin++;
    struct timespec a2;
    clock_gettime(CLOCK_MONOTONIC, &a2);
    printf("monotonic moves: %s\n", (a2.tv_sec > a.tv_sec || (a2.tv_sec == a.tv_sec && a2.tv_nsec > a.tv_nsec)) ? "yes" : "no");
    printf("clock moves: %s\n", clock() != c0 ? "yes" : "no");
    unsigned char r[16] = {0};
    int ok = getentropy(r, sizeof r) == 0;
    int nonzero = 0;
    for (int i = 0; i < 16; i++) nonzero |= r[i];
    printf("getentropy: %s\n", ok && nonzero ? "yes" : "no");
    return 0;
}
