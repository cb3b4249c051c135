/* args: argc, every argument after argv[0] as `arg[i]=...`, then the number
 * of environment variables and every variable sorted by name (bytewise). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp_env(const void *a, const void *b) {
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strcspn(x, "="), ly = strcspn(y, "=");
    int c = memcmp(x, y, lx < ly ? lx : ly);
    if (c) return c;
    if (lx != ly) return lx < ly ? -1 : 1;
    return strcmp(x, y);
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("arg[%d]=%s\n", i, argv[i]);
    size_t n = 0;
    while (environ && environ[n]) n++;
    char **vars = malloc((n ? n : 1) * sizeof *vars);
    memcpy(vars, environ, n * sizeof *vars);
    qsort(vars, n, sizeof *vars, cmp_env);
    printf("envc=%zu\n", n);
    for (size_t i = 0; i < n; i++) printf("%s\n", vars[i]);
    free(vars);
    return 0;
}
