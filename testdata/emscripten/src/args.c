// Prints argv and a few environment variables, then exits with 3 via exit().
#include <stdio.h>
#include <stdlib.h>

static void show(const char *name) {
    const char *v = getenv(name);
    printf("%s=%s\n", name, v ? v : "(unset)");
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    show("FOO");
    show("EMPTY");
    show("NOPE");
    exit(3);
}
