// File access through Emscripten's __syscall_* imports (and WASI fd_*):
// read, write, append, stat, mkdir/rmdir, rename, unlink, access, chdir,
// getcwd, listing, mmap of a file, and the errno of failing calls. argv[1] is the directory.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *ename(int e) {
    switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    }
    static char buf[32];
    snprintf(buf, sizeof buf, "E#%d", e);
    return buf;
}

#define CHECK(what, call) do { errno = 0; int r_ = (call); printf("%s: %s\n", what, r_ < 0 ? ename(errno) : "OK"); } while (0)

static char dir[512];

static const char *at(const char *name) {
    static char p[2][700];
    static int k;
    k ^= 1;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path, const char *label) {
    DIR *d = opendir(path);
    if (!d) { printf("opendir %s: %s\n", label, ename(errno)); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *s = malloc(strlen(e->d_name) + 3);
        sprintf(s, "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : "");
        names[n++] = s;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("%s:", label);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

static void cat(const char *path, const char *label) {
    FILE *f = fopen(path, "r");
    if (!f) { printf("read %s: %s\n", label, ename(errno)); return; }
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    printf("read %s: %zu bytes: %s", label, n, buf);
    if (n == 0 || buf[n - 1] != '\n') printf("\n");
}

int main(int argc, char **argv) {
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : "/data");
    cat(at("input.txt"), "input.txt");
    cat(at("missing.txt"), "missing.txt");

    FILE *f = fopen(at("out.txt"), "w");
    if (!f) { printf("create out.txt: %s\n", ename(errno)); return 1; }
    fprintf(f, "line one\n");
    fclose(f);
    f = fopen(at("out.txt"), "a");
    fprintf(f, "line two\n");
    fclose(f);
    cat(at("out.txt"), "out.txt");

    struct stat st;
    CHECK("stat out.txt", stat(at("out.txt"), &st));
    printf("out.txt size=%lld reg=%d dir=%d\n", (long long)st.st_size, S_ISREG(st.st_mode), S_ISDIR(st.st_mode));
    CHECK("lstat dir", lstat(dir, &st));
    printf("dir is dir=%d\n", S_ISDIR(st.st_mode));
    CHECK("stat missing", stat(at("missing"), &st));

    int fd = open(at("input.txt"), O_RDONLY);
    printf("open input.txt: %s\n", fd >= 0 ? "OK" : ename(errno));
    CHECK("fstat input.txt", fstat(fd, &st));
    printf("input.txt size=%lld\n", (long long)st.st_size);
    int fl = fcntl(fd, F_GETFL);
    printf("fcntl F_GETFL accmode rdonly=%d\n", (fl & O_ACCMODE) == O_RDONLY);
    char *map = mmap(NULL, 5, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) printf("mmap: %s\n", ename(errno));
    else { printf("mmap: %.5s\n", map); CHECK("munmap", munmap(map, 5)); }
    CHECK("close", close(fd));
    CHECK("close again", close(fd));
    CHECK("open O_EXCL existing", open(at("input.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644));
    CHECK("open dir for writing", open(dir, O_WRONLY));

    CHECK("access input.txt R_OK", access(at("input.txt"), R_OK));
    CHECK("access missing F_OK", access(at("missing"), F_OK));

    CHECK("mkdir sub", mkdir(at("sub"), 0755));
    CHECK("mkdir sub again", mkdir(at("sub"), 0755));
    CHECK("rename out.txt -> sub/moved.txt", rename(at("out.txt"), at("sub/moved.txt")));
    CHECK("rmdir sub (not empty)", rmdir(at("sub")));
    CHECK("unlink sub (a dir)", unlink(at("sub")));
    list(at("sub"), "sub");

    char cwd[600];
    CHECK("chdir sub", chdir(at("sub")));
    if (getcwd(cwd, sizeof cwd)) {
        size_t k = strlen(dir);
        printf("cwd: <dir>%s\n", strncmp(cwd, dir, k) == 0 ? cwd + k : cwd);
    } else {
        printf("getcwd: %s\n", ename(errno));
    }
    cat("moved.txt", "moved.txt (relative)");
    CHECK("unlink moved.txt (relative)", unlink("moved.txt"));
    CHECK("chdir ..", chdir(".."));
    CHECK("rmdir sub", rmdir(at("sub")));
    CHECK("rmdir sub again", rmdir(at("sub")));
    CHECK("chdir input.txt", chdir(at("input.txt")));
    list(dir, "dir entries");
    return 3;
}
