// Local time under the TZ the guest is given (emcc 6.0.5 glue: _tzset_js,
// _localtime_js, _gmtime_js, _mktime_js, _timegm_js): tzset's globals,
// localtime/gmtime of instants on both sides of the 2024 US transitions
// and far from now, mktime with tm_isdst -1/0/1 at ordinary times, in the
// spring-forward gap and in the fall-back overlap, out-of-range fields,
// and musl's strftime (%Z %z %c %H) of the results. Prints only what does
// not depend on the current date: tzset's names and offsets come from the
// current year, so the cases use zones whose rules do not change.
// With the argument `--since-1900`, instants before 1900 are left out
// (a POSIX TZ string and the zone it imitates differ there: the zone's
// local mean time).
#include <stdio.h>
#include <string.h>
#include <time.h>

static void fields(const char *label, const struct tm *t) {
    printf("%s: %04d-%02d-%02d %02d:%02d:%02d wday=%d yday=%d isdst=%d\n", label, t->tm_year + 1900,
           t->tm_mon + 1, t->tm_mday, t->tm_hour, t->tm_min, t->tm_sec, t->tm_wday, t->tm_yday, t->tm_isdst);
}

static void formatted(const char *label, const struct tm *t) {
    char buf[128];
    size_t n = strftime(buf, sizeof buf, "%c|%H|%Z|%z", t);
    printf("%s: [%zu] %s gmtoff=%ld\n", label, n, buf, (long)t->tm_gmtoff);
}

static void instant(long long s) {
    time_t t = (time_t)s;
    struct tm l, g;
    char label[64];
    if (!localtime_r(&t, &l)) {
        printf("localtime %lld: NULL\n", s);
    } else {
        snprintf(label, sizeof label, "local %lld", s);
        fields(label, &l);
        formatted(label, &l);
        struct tm back = l;
        printf("mktime(local %lld) = %lld\n", s, (long long)mktime(&back));
    }
    if (!gmtime_r(&t, &g)) {
        printf("gmtime %lld: NULL\n", s);
    } else {
        snprintf(label, sizeof label, "gm %lld", s);
        fields(label, &g);
        printf("timegm(gm %lld) = %lld\n", s, (long long)timegm(&g));
    }
}

static void make(const char *label, int year, int mon, int mday, int hour, int min, int sec, int isdst) {
    struct tm t;
    memset(&t, 0, sizeof t);
    t.tm_year = year - 1900;
    t.tm_mon = mon;
    t.tm_mday = mday;
    t.tm_hour = hour;
    t.tm_min = min;
    t.tm_sec = sec;
    t.tm_isdst = isdst;
    time_t r = mktime(&t);
    char l[96];
    snprintf(l, sizeof l, "mktime %s isdst=%d -> %lld", label, isdst, (long long)r);
    fields(l, &t);
}

int main(int argc, char **argv) {
    int since_1900 = argc > 1 && strcmp(argv[1], "--since-1900") == 0;
    tzset();
    printf("timezone=%ld daylight=%d tzname=[%s] [%s]\n", (long)timezone, daylight, tzname[0], tzname[1]);

    static const long long stamps[] = {
        0,           // 1970-01-01
        -1,          // 1969-12-31 23:59:59 UTC
        15638400,    // 1970-07-01
        1704067200,  // 2024-01-01
        1710053999,  // 2024-03-10 06:59:59 UTC: last second of EST
        1710054000,  // first second of EDT
        1720000000,  // 2024-07-03
        1730613599,  // 2024-11-03 05:59:59 UTC: last second of EDT
        1730613600,  // first second of EST again
        2147483647,  // 2038-01-19, the last 32-bit second
        2147483648,  // and the next
        2205014400,  // 2039-11-15 (US rules projected)
        2215382400,  // 2040-03-14 (DST)
        4102444800,  // 2100-01-01
        253402300799,  // 9999-12-31 23:59:59
        8640000000000,  // the last second JavaScript's Date holds
        8640000000001,  // one past: localtime fails in the glue
        -8640000000000,
    };
    for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
        if (!since_1900 || stamps[i] >= -2208988800LL) instant(stamps[i]);
    }

    for (int dst = -1; dst <= 1; dst++) {
        make("2024-01-15 12:00", 2024, 0, 15, 12, 0, 0, dst);
        make("2024-07-01 12:00", 2024, 6, 1, 12, 0, 0, dst);
        make("2024-03-10 02:30 (gap)", 2024, 2, 10, 2, 30, 0, dst);
        make("2024-11-03 01:30 (overlap)", 2024, 10, 3, 1, 30, 0, dst);
        make("2024-11-03 00:30", 2024, 10, 3, 0, 30, 0, dst);
        make("2024-11-03 02:30", 2024, 10, 3, 2, 30, 0, dst);
    }
    // Out-of-range fields: 2024 month 14 (2025-03) day -3, 25:-70:3700.
    make("2024-15 -3 25:-70:3700", 2024, 14, -3, 25, -70, 3700, -1);
    make("2024-00-00 00:00:-1", 2024, 0, 0, 0, 0, -1, -1);
    make("1970-13-400", 1970, 12, 400, 0, 0, 0, -1);
    make("2024-03-10 -1:00 + 3h", 2024, 2, 10, -1, 180, 0, -1);
    make("2024-07-01 normal, isdst=5", 2024, 6, 1, 12, 0, 0, 5);
    make("year 275761", 275761, 0, 1, 0, 0, 0, -1);

    time_t summer = 1720000000;
    struct tm l;
    localtime_r(&summer, &l);
    char buf[64];
    printf("strftime short: %zu\n", strftime(buf, 10, "%c %Z", &l));
    printf("ctime: %s", ctime(&summer));
    return 0;
}
