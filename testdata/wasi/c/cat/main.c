/* cat: copies each argument to stdout; `-` is stdin; no arguments means `-`.
 * A file that cannot be opened prints `cat: <path>: error` and exits 1 at once. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void copy(int fd) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, stdout);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        copy(0);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            copy(0);
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            printf("cat: %s: error\n", argv[i]);
            exit(1);
        }
        copy(fd);
        close(fd);
    }
    return 0;
}
