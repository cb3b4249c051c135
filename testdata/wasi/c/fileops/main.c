/* fileops DIR: create / write / append / seek+overwrite / ftruncate / rename /
 * unlink / mkdir / rmdir inside DIR (a writable mount holding existing.txt),
 * printing every result. Errors are printed as errno names (own table, not
 * strerror). */
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

static char dir[1024];
static const char *p(const char *name) {
    static char bufs[2][1200];
    static int k;
    k ^= 1;
    snprintf(bufs[k], sizeof bufs[k], "%s/%s", dir, name);
    return bufs[k];
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

/* reads a whole file; returns length or -1 (errno set) */
static long slurp(const char *path, unsigned char *buf, size_t cap) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    size_t n = 0;
    ssize_t r;
    while (n < cap && (r = read(fd, buf + n, cap - n)) > 0) n += (size_t)r;
    close(fd);
    return (long)n;
}

static void show(const char *label, int rc) {
    if (rc == 0) printf("%s: ok\n", label);
    else printf("%s: %s\n", label, errname(errno));
}

static void show_read(const char *label, const char *path) {
    unsigned char buf[4096];
    long n = slurp(path, buf, sizeof buf);
    printf("%s: ", label);
    if (n < 0) printf("%s", errname(errno));
    else put_esc(buf, (size_t)n);
    putchar('\n');
}

static void show_size(const char *label, const char *path) {
    struct stat st;
    if (stat(path, &st) == 0) printf("%s: size=%lld\n", label, (long long)st.st_size);
    else printf("%s: %s\n", label, errname(errno));
}

static int write_file(const char *path, const char *s) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    ssize_t n = write(fd, s, strlen(s));
    close(fd);
    return (int)n;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    snprintf(dir, sizeof dir, "%s", argv[1]);
    unsigned char buf[4096];
    long n;
    int fd;
    struct stat st;

    show_read("read existing.txt", p("existing.txt"));

    printf("write a.txt: %d bytes\n", write_file(p("a.txt"), "hello world"));

    fd = open(p("a.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644);
    show("create_new a.txt", fd < 0 ? -1 : 0);
    if (fd >= 0) close(fd);

    /* O_APPEND: writes go to the end even after seeking to 0. */
    fd = open(p("a.txt"), O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "!!", 2);
    write(fd, "??", 2);
    close(fd);
    n = slurp(p("a.txt"), buf, sizeof buf);
    printf("append: size=%ld ", n);
    put_esc(buf, (size_t)n);
    putchar('\n');

    fd = open(p("a.txt"), O_RDWR);
    lseek(fd, 6, SEEK_SET);
    write(fd, "there", 5);
    printf("overwrite: pos=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("seek end-3: pos=%lld\n", (long long)lseek(fd, -3, SEEK_END));
    lseek(fd, 0, SEEK_SET);
    n = 0;
    ssize_t r;
    while ((r = read(fd, buf + n, sizeof buf - (size_t)n)) > 0) n += r;
    printf("overwrite: ");
    put_esc(buf, (size_t)n);
    putchar('\n');

    ftruncate(fd, 5);
    fstat(fd, &st);
    printf("truncate 5: size=%lld ", (long long)st.st_size);
    n = slurp(p("a.txt"), buf, sizeof buf);
    put_esc(buf, (size_t)n);
    putchar('\n');
    ftruncate(fd, 8);
    fstat(fd, &st);
    printf("truncate 8: size=%lld ", (long long)st.st_size);
    n = slurp(p("a.txt"), buf, sizeof buf);
    put_esc(buf, (size_t)n);
    putchar('\n');
    close(fd);

    show("rename a.txt b.txt", rename(p("a.txt"), p("b.txt")));
    show_size("stat a.txt", p("a.txt"));
    show_size("stat b.txt", p("b.txt"));

    write_file(p("c.txt"), "c");
    show("rename b.txt c.txt (replace)", rename(p("b.txt"), p("c.txt")));
    show_read("read c.txt", p("c.txt"));
    show("unlink c.txt", unlink(p("c.txt")));
    show("unlink c.txt", unlink(p("c.txt")));

    show("mkdir d", mkdir(p("d"), 0755));
    show("mkdir d", mkdir(p("d"), 0755));
    printf("write d/inner.txt: %d bytes\n", write_file(p("d/inner.txt"), "x"));
    show("rmdir d", rmdir(p("d")));
    show("unlink d", unlink(p("d")));
    show("rmdir existing.txt", rmdir(p("existing.txt")));
    show("unlink d/inner.txt", unlink(p("d/inner.txt")));
    show("rmdir d", rmdir(p("d")));
    show("rmdir d", rmdir(p("d")));
    fd = open(p("missing.txt"), O_RDONLY);
    show("open missing.txt", fd < 0 ? -1 : 0);

    /* final listing, without . and .. */
    char *names[64];
    int k = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && k < 64) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        names[k++] = strdup(e->d_name);
    }
    if (d) closedir(d);
    for (int i = 1; i < k; i++) /* insertion sort, bytewise */
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j]; names[j] = names[j - 1]; names[j - 1] = t;
        }
    printf("final:");
    for (int i = 0; i < k; i++) printf(" %s", names[i]);
    putchar('\n');
    return 0;
}
