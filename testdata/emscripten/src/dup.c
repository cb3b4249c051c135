// dup, dup2/dup3 and fcntl(F_DUPFD). Only what Emscripten 3.1.6's glue
// (the reference) and POSIX agree on is printed: the glue neither shares
// offsets between duplicates nor keeps stdout working after dup2 onto it
// (RATIONALE.md, "Emscripten: dup follows POSIX"); the shared offset is
// tested in the core (imports/src/descriptor.rs).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static void show(const char *what, int fd) {
    char buf[8] = {0};
    int got = read(fd, buf, 3);
    printf("%s: read %d: %.*s\n", what, got, got > 0 ? got : 0, buf);
}

int main(int argc, char **argv) {
    char a[256], b[256];
    const char *dir = argc > 1 ? argv[1] : ".";
    snprintf(a, sizeof a, "%s/input.txt", dir);
    snprintf(b, sizeof b, "%s/other.txt", dir);
    int fd = open(a, O_RDONLY);
    if (fd < 0) { printf("open: %d\n", errno); return 1; }
    int d = dup(fd);
    printf("dup gives the lowest free number: %s\n", d == fd + 1 ? "yes" : "no");
    close(fd);
    show("the duplicate outlives the original", d);
    int high = fcntl(d, F_DUPFD, 20);
    printf("F_DUPFD 20 gives %d\n", high);
    printf("dup of a closed fd: %s\n", dup(99) < 0 && errno == EBADF ? "EBADF" : "?");
    printf("dup2 onto itself: %s\n", dup2(d, d) == d ? "same fd" : "?");
    int o = open(b, O_RDONLY);
    int fresh = open(a, O_RDONLY);
    printf("dup2 onto an open fd: %s\n", dup2(fresh, o) == o ? "ok" : "failed");
    show("it now reads input.txt", o);
    printf("dup2 of a closed fd: %s\n", dup2(99, o) < 0 && errno == EBADF ? "EBADF" : "?");
    return 3;
}
