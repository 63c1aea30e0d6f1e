/*
 * outdir.c - safe names and temp-then-rename files under -o DIR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/scheme.h"
#include "cofetch/error.h"
#include "output/outdir.h"

/* Removes the ".cofetch-PID-N.part" files of runs that are gone (a SIGKILL, a crash):
 * only those whose PID is no running process; another cofetch's are left alone. */
static void sweep_parts(int dirfd)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;

    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        long pid;
        unsigned long n;
        int end = 0;
        if (sscanf(e->d_name, ".cofetch-%ld-%lu.part%n", &pid, &n, &end) == 2 &&
            e->d_name[end] == '\0' && pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            unlinkat(dirfd, e->d_name, 0);
    }
    closedir(d);
}

int outdir_open(struct outdir *od, const char *path, int no_clobber)
{
    od->path = path;
    od->no_clobber = no_clobber;
    od->buffers.held = 0;
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cofetch: cannot create %s: %s\n", path, strerror(errno));
        return CF_EIO;
    }
    od->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (od->dirfd < 0) {
        fprintf(stderr, "cofetch: cannot open %s: %s\n", path, strerror(errno));
        return CF_EIO;
    }
    sweep_parts(od->dirfd);
    return 0;
}

void outdir_close(struct outdir *od)
{
    if (od->dirfd >= 0)
        close(od->dirfd);
    od->dirfd = -1;
}

static int keep(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
}

/* "scheme:/": how every URL that passes line_check() starts. */
static int looks_like_url(const char *s)
{
    size_t n = scheme_len(s);
    return n && s[n + 1] == '/';
}

void outdir_name(const char *url, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *s = url;
    const char *sep = strstr(url, "://");
    const char *end, *userinfo = NULL, *userinfo_end = NULL;
    size_t n = 0;
    int cut = 0;

    /* Drop "http://" (keep other schemes), and the user info of every URL: credentials
     * never reach a file name. */
    if (sep && (size_t)(sep - url) == 4 && strncasecmp(url, "http", 4) == 0)
        s = sep + 3;
    if (sep) {
        const char *auth = sep + 3;
        size_t alen = strcspn(auth, "/?#");
        for (size_t i = 0; i < alen; i++)
            if (auth[i] == '@')
                userinfo = auth, userinfo_end = auth + i + 1;
    }
    /* What is left of an http URL must not read as a URL of its own ("http://ftp:/x"
     * would be named like "ftp:/x"): then the whole URL is the name. */
    if (s != url && looks_like_url(s))
        s = url;
    end = s + strcspn(s, "#");
    for (const char *p = s; p < end; p++) {
        if (p == userinfo) { /* skip "user:password@" */
            p = userinfo_end - 1;
            continue;
        }
        unsigned char c = (unsigned char)*p;
        int dot0 = (n == 0 && c == '.');
        if (keep(c) && !dot0) {
            if (n + 1 > OUTDIR_NAME_MAX) {
                cut = 1;
                break;
            }
            out[n++] = (char)c;
        } else {
            if (n + 3 > OUTDIR_NAME_MAX) {
                cut = 1;
                break;
            }
            out[n++] = '_';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    if (n == 0)
        out[n++] = '_';
    if (cut) {
        /* Room for "-" and 16 hex digits. */
        n = n > OUTDIR_NAME_MAX - 17 ? OUTDIR_NAME_MAX - 17 : n;
        snprintf(out + n, 18, "-%016" PRIx64, fnv1a64(url, strlen(url)));
        return;
    }
    out[n] = '\0';
}

int outdir_exists(struct outdir *od, const char *url, char *out)
{
    outdir_name(url, out);
    return faccessat(od->dirfd, out, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int outdir_begin(struct outdir *od, const char *url, struct outfile *f, struct strbuf *err)
{
    static unsigned long counter;

    outdir_name(url, f->name);
    for (int tries = 0; tries < 100; tries++) {
        snprintf(f->tmp, sizeof f->tmp, ".cofetch-%ld-%lu.part", (long)getpid(), ++counter);
        f->fd = openat(od->dirfd, f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (f->fd >= 0) {
            bw_init(&f->body, f->fd, &od->buffers);
            return 0;
        }
        if (errno != EEXIST)
            break;
    }
    sb_reset(err);
    sb_addf(err, "cannot create a file in %s: %s", od->path, strerror(errno));
    return CF_EIO;
}

int outdir_write(struct outfile *f, const void *data, size_t len)
{
    return bw_write(&f->body, data, len);
}

int outdir_commit(struct outdir *od, struct outfile *f, struct strbuf *err)
{
    int werr = bw_flush(&f->body);
    int cerr = close(f->fd) != 0 ? errno : 0;
    int rc = 0;

    f->fd = -1;
    if (werr || cerr) {
        sb_reset(err);
        sb_addf(err, "writing %s/%s: %s", od->path, f->name, strerror(werr ? werr : cerr));
        outdir_abort(od, f);
        return CF_EIO;
    }
    if (renameat2(od->dirfd, f->tmp, od->dirfd, f->name, od->no_clobber ? RENAME_NOREPLACE : 0)) {
        if (od->no_clobber && errno == EEXIST) {
            rc = 1;
        } else {
            sb_reset(err);
            sb_addf(err, "renaming to %s/%s: %s", od->path, f->name, strerror(errno));
            rc = CF_EIO;
        }
        unlinkat(od->dirfd, f->tmp, 0);
    }
    return rc;
}

void outdir_abort(struct outdir *od, struct outfile *f)
{
    if (f->fd >= 0) {
        bw_drop(&f->body);
        close(f->fd);
    }
    f->fd = -1;
    unlinkat(od->dirfd, f->tmp, 0);
}
