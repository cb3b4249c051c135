// Minified-glue test program: printf, puts, argv, exit code.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    puts("hello from a minified emscripten build");
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=\"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    char *p = malloc(64);
    snprintf(p, 64, "%d squared is %d", argc + 6, (argc + 6) * (argc + 6));
    puts(p);
    free(p);
    return argc > 2 ? 5 : 3;
}
