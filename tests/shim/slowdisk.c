/*
 * slowdisk.c - an LD_PRELOAD shim that makes one directory a slow disk, so a test can
 * see what a stalled write, fsync or rename there does to the rest of a batch.
 *
 * SLOWDISK_DIR=PATH (absolute, no trailing '/'): write, pwrite, fsync, fdatasync on a
 * descriptor of a file under PATH, and rename, renameat, renameat2 of a name under it,
 * first sleep SLOWDISK_MS milliseconds (default 300), then do what was asked. Each call
 * it slowed adds one to the count in the file SLOWDISK_LOG names (a byte appended), if
 * set, so the test can check that the shim was in the path. Unset: nothing is slowed.
 *
 * Preloaded after the sanitizers' runtime in a sanitized build (the test names both), so
 * their interceptors reach these through dlsym(RTLD_NEXT).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int under(const char *path)
{
    const char *dir = getenv("SLOWDISK_DIR");
    size_t n = dir ? strlen(dir) : 0;

    return n && strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int fd_under(int fd)
{
    char link[64], path[PATH_MAX];
    ssize_t n;

    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return under(path);
}

/* The name `name` relative to dirfd, as an absolute path, is under the directory. */
static int at_under(int dirfd, const char *name)
{
    char path[PATH_MAX];

    if (name[0] == '/')
        return under(name);
    if (dirfd == AT_FDCWD) {
        if (!getcwd(path, sizeof path))
            return 0;
    } else {
        char link[64];
        ssize_t n;
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        n = readlink(link, path, sizeof path - 1);
        if (n <= 0)
            return 0;
        path[n] = '\0';
    }
    if (strlen(path) + 1 + strlen(name) >= sizeof path)
        return 0;
    strcat(path, "/");
    strcat(path, name);
    return under(path);
}

/* fp = the next definition of name (POSIX's way to a function pointer from dlsym). */
#define NEXT(fp, name) (*(void **)(&(fp)) = dlsym(RTLD_NEXT, name))

static void stall(void)
{
    const char *ms = getenv("SLOWDISK_MS");
    const char *log = getenv("SLOWDISK_LOG");
    long n = ms ? atol(ms) : 300;
    struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
    ssize_t (*real_write)(int, const void *, size_t);

    NEXT(real_write, "write");

    if (log) {
        int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
            if (real_write(fd, "x", 1) < 0) {
            }
            close(fd);
        }
    }
    while (nanosleep(&ts, &ts) != 0) {
    }
}

ssize_t write(int fd, const void *buf, size_t len)
{
    ssize_t (*real)(int, const void *, size_t);

    if (fd > 2 && fd_under(fd))
        stall();
    NEXT(real, "write");
    return real(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    ssize_t (*real)(int, const void *, size_t, off_t);

    if (fd_under(fd))
        stall();
    NEXT(real, "pwrite");
    return real(fd, buf, len, off);
}

int fsync(int fd)
{
    int (*real)(int);

    if (fd_under(fd))
        stall();
    NEXT(real, "fsync");
    return real(fd);
}

int fdatasync(int fd)
{
    int (*real)(int);

    if (fd_under(fd))
        stall();
    NEXT(real, "fdatasync");
    return real(fd);
}

int rename(const char *from, const char *to)
{
    int (*real)(const char *, const char *);

    if (at_under(AT_FDCWD, from))
        stall();
    NEXT(real, "rename");
    return real(from, to);
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
    int (*real)(int, const char *, int, const char *);

    if (at_under(fromfd, from))
        stall();
    NEXT(real, "renameat");
    return real(fromfd, from, tofd, to);
}

int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags)
{
    int (*real)(int, const char *, int, const char *, unsigned);

    if (at_under(fromfd, from))
        stall();
    NEXT(real, "renameat2");
    return real(fromfd, from, tofd, to, flags);
}
