/* stat DIR: creates DIR/stat.txt, sets atime/mtime with nanosecond values
 * (utimensat -> path_filestat_set_times), stats it and prints size, type and
 * both timestamps in full nanoseconds; then sets only mtime (atime
 * UTIME_OMIT); then stats a directory (type only) and a missing file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

static const char *kind(mode_t m) {
    if (S_ISLNK(m)) return "symlink";
    if (S_ISDIR(m)) return "dir";
    if (S_ISREG(m)) return "file";
    return "other";
}

static void show_times(const char *path) {
    struct stat st;
    stat(path, &st);
    printf("atime=%lld.%09ld\n", (long long)st.st_atim.tv_sec, (long)st.st_atim.tv_nsec);
    printf("mtime=%lld.%09ld\n", (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    char path[1200], sub[1200], missing[1200];
    snprintf(path, sizeof path, "%s/stat.txt", argv[1]);
    snprintf(sub, sizeof sub, "%s/sub", argv[1]);
    snprintf(missing, sizeof missing, "%s/missing.txt", argv[1]);

    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    printf("create stat.txt: %d bytes\n", (int)write(fd, "0123456789", 10));
    close(fd);

    struct timespec t[2] = {{1600000000, 123456789}, {1700000000, 987654321}};
    if (utimensat(AT_FDCWD, path, t, 0) == 0) printf("set times: ok\n");
    else printf("set times: %s\n", errname(errno));
    struct stat st;
    stat(path, &st);
    printf("stat.txt: size=%lld type=%s\n", (long long)st.st_size, kind(st.st_mode));
    show_times(path);

    struct timespec t2[2] = {{0, UTIME_OMIT}, {1234567890, 1}};
    if (utimensat(AT_FDCWD, path, t2, 0) == 0) printf("set mtime only: ok\n");
    else printf("set mtime only: %s\n", errname(errno));
    show_times(path);

    if (stat(sub, &st) == 0) printf("stat sub: type=%s\n", kind(st.st_mode));
    else printf("stat sub: %s\n", errname(errno));
    if (stat(missing, &st) == 0) printf("stat missing.txt: type=%s\n", kind(st.st_mode));
    else printf("stat missing.txt: %s\n", errname(errno));
    return 0;
}
