/* ls DIR [TARGET LINK]: if TARGET and LINK are given, first creates the
 * symlink LINK -> TARGET (fixtures carry no symlinks). Then lists DIR sorted
 * by name (bytewise), one `<name> <type>` line, type in dir/file/symlink/other,
 * INCLUDING `.` and `..` exactly as readdir (fd_readdir) returns them. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ent {
    char *name;
    unsigned char type;
};

static int cmp_ent(const void *a, const void *b) {
    return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

static const char *type_name(unsigned char t) {
    switch (t) {
    case DT_DIR: return "dir";
    case DT_REG: return "file";
    case DT_LNK: return "symlink";
    default: return "other";
    }
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (argc >= 4 && symlink(argv[2], argv[3]) != 0) {
        printf("symlink failed: %d\n", errno);
        return 1;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        printf("ls: %s: error\n", argv[1]);
        return 1;
    }
    size_t n = 0, cap = 16;
    struct ent *v = malloc(cap * sizeof *v);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        v[n].name = strdup(e->d_name);
        v[n].type = e->d_type;
        n++;
    }
    closedir(d);
    qsort(v, n, sizeof *v, cmp_ent);
    for (size_t i = 0; i < n; i++) printf("%s %s\n", v[i].name, type_name(v[i].type));
    return 0;
}
