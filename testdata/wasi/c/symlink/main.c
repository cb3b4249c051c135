/* symlink DIR: symlinks inside DIR (a writable mount holding target.txt and
 * tdir/inner.txt): create, readlink, read through, lstat vs stat, a symlink to
 * a directory, a dangling link, a loop, and links pointing outside the mount
 * (creating them may succeed, following them must fail).
 * Errors are printed as errno names (own table, not strerror). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errname(int e) {
    static char buf[32];
    switch (e) {
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOENT: return "ENOENT";
    case ENOSYS: return "ENOSYS";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTSUP: return "ENOTSUP";
    case EPERM: return "EPERM";
    case EROFS: return "EROFS";
    case EXDEV: return "EXDEV";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
    default: snprintf(buf, sizeof buf, "E#%d", e); return buf;
    }
}

static void put_esc(const unsigned char *b, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = b[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') putchar(c);
        else printf("\\x%02x", c);
    }
    putchar('"');
}

static char dir[1024];
static const char *p(const char *name) {
    static char buf[1200];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static const char *kind(mode_t m) {
    if (S_ISLNK(m)) return "symlink";
    if (S_ISDIR(m)) return "dir";
    if (S_ISREG(m)) return "file";
    return "other";
}

static void do_symlink(const char *name, const char *target) {
    if (symlink(target, p(name)) == 0) printf("symlink %s -> %s: ok\n", name, target);
    else printf("symlink %s -> %s: %s\n", name, target, errname(errno));
}

static void do_readlink(const char *name) {
    char buf[512];
    ssize_t n = readlink(p(name), buf, sizeof buf - 1);
    if (n >= 0) printf("readlink %s: %.*s\n", name, (int)n, buf);
    else printf("readlink %s: %s\n", name, errname(errno));
}

static void do_read(const char *name) {
    unsigned char buf[4096];
    int fd = open(p(name), O_RDONLY);
    if (fd < 0) {
        printf("read %s: %s\n", name, errname(errno));
        return;
    }
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf && (r = read(fd, buf + n, sizeof buf - n)) > 0) n += (size_t)r;
    close(fd);
    printf("read %s: ", name);
    put_esc(buf, n);
    putchar('\n');
}

static void do_lstat(const char *name) {
    struct stat st;
    if (lstat(p(name), &st) == 0) printf("lstat %s: %s\n", name, kind(st.st_mode));
    else printf("lstat %s: %s\n", name, errname(errno));
}

static void do_stat(const char *name) {
    struct stat st;
    if (stat(p(name), &st) == 0) printf("stat %s: %s\n", name, kind(st.st_mode));
    else printf("stat %s: %s\n", name, errname(errno));
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void do_list(const char *name) {
    DIR *d = opendir(p(name));
    if (!d) {
        printf("list %s: %s\n", name, errname(errno));
        return;
    }
    char *v[64];
    int k = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && k < 64) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        v[k++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(v, (size_t)k, sizeof *v, cmp_str);
    printf("list %s:", name);
    for (int i = 0; i < k; i++) printf(" %s", v[i]);
    putchar('\n');
}

static void do_unlink(const char *name) {
    if (unlink(p(name)) == 0) printf("unlink %s: ok\n", name);
    else printf("unlink %s: %s\n", name, errname(errno));
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    snprintf(dir, sizeof dir, "%s", argv[1]);

    do_symlink("link.txt", "target.txt");
    do_readlink("link.txt");
    do_read("link.txt");
    do_lstat("link.txt");
    do_stat("link.txt");

    do_symlink("linkdir", "tdir");
    do_list("linkdir");
    do_read("linkdir/inner.txt");
    do_lstat("linkdir");
    do_stat("linkdir");

    do_symlink("dangling", "nowhere.txt");
    do_readlink("dangling");
    do_read("dangling");
    do_lstat("dangling");
    do_stat("dangling");

    do_symlink("link.txt", "other.txt");

    do_symlink("loop_a", "loop_b");
    do_symlink("loop_b", "loop_a");
    do_read("loop_a");

    do_symlink("escape_rel", "../../etc/passwd");
    do_readlink("escape_rel");
    do_read("escape_rel");
    do_symlink("escape_abs", "/etc/passwd");
    do_readlink("escape_abs");
    do_read("escape_abs");
    do_symlink("up", "..");
    do_list("up");

    do_readlink("target.txt");
    do_unlink("link.txt");
    do_stat("target.txt");
    do_unlink("linkdir");
    do_stat("tdir");
    return 0;
}
