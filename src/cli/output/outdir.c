/*
 * outdir.c - where bodies are saved: safe names and temp-then-rename files under
 * --output-dir DIR (or the current directory), for -o FILE, -O and URL-derived names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base/monotime.h"
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

/* mkdir -p of the first len bytes of path, relative to dirfd. 0 or an errno value. */
static int make_dirs(int dirfd, const char *path, size_t len)
{
    char buf[PATH_MAX];

    if (len >= sizeof buf)
        return ENAMETOOLONG;
    memcpy(buf, path, len);
    buf[len] = '\0';
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdirat(dirfd, buf, 0777) != 0 && errno != EEXIST)
            return errno;
        if (i < len)
            buf[i] = '/';
    }
    return 0;
}

int outdir_open(struct outdir *od, const char *path, int no_clobber, int create_dirs)
{
    od->path = path ? path : ".";
    od->no_clobber = no_clobber;
    od->create_dirs = create_dirs;
    od->buffers.held = 0;
    od->pool = NULL;
    od->disk_slow = 0;
    if (!path) {
        od->dirfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (od->dirfd < 0) {
            fprintf(stderr, "cofetch: cannot open the current directory: %s\n", strerror(errno));
            return CF_EIO;
        }
        return 0;
    }
    if (create_dirs && (errno = make_dirs(AT_FDCWD, path, strlen(path))) != 0) {
        fprintf(stderr, "cofetch: cannot create %s: %s\n", path, strerror(errno));
        return CF_EIO;
    }
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

/* A URL without "scheme://" is named as the URL with the scheme libcurl guesses for it
 * (as the fetch does): "host/x" as "http://host/x", "ftp.host/x" as "ftp://ftp.host/x". 0,
 * or -1 (no guess: named as it is). */
static int name_guessed(const char *url, char *out)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *full = NULL;
    int rc = -1;

    if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK && scheme &&
        (full = malloc(strlen(scheme) + 3 + strlen(url) + 1)) != NULL) {
        sprintf(full, "%s://%s", scheme, url);
        outdir_name(full, out);
        rc = 0;
    }
    free(full);
    curl_free(scheme);
    curl_url_cleanup(u);
    return rc;
}

void outdir_name(const char *url, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *s = url;
    const char *sep = strstr(url, "://");
    const char *end, *userinfo = NULL, *userinfo_end = NULL;
    size_t n = 0;
    int cut = 0;

    if (!sep && name_guessed(url, out) == 0)
        return;
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

int outdir_remote_name(const char *url, char *out, size_t cap)
{
    CURLU *u = curl_url();
    char *path = NULL;
    const char *seg;
    int rc = -1;

    if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && path) {
        seg = strrchr(path, '/');
        seg = seg ? seg + 1 : path;
        if (*seg && strcmp(seg, ".") != 0 && strcmp(seg, "..") != 0 && strlen(seg) < cap) {
            snprintf(out, cap, "%s", seg);
            rc = 0;
        }
    }
    curl_free(path);
    curl_url_cleanup(u);
    return rc;
}

int outdir_file_exists(struct outdir *od, const char *name)
{
    return faccessat(od->dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int outdir_exists(struct outdir *od, const char *url, char *out)
{
    outdir_name(url, out);
    return outdir_file_exists(od, out);
}

/* A block in flight has been written: the end if it waits, else the refused chunk. */
static void file_idle(void *arg)
{
    struct outfile *f = arg;

    if (!f->ending) {
        if (f->on_ready)
            f->on_ready(f->ctx);
    } else if (outdir_end(f->od, f, f->commit) == 1 && f->on_end) {
        f->on_end(f->ctx);
    }
}

/* f's fd is open: its block writer, on the directory's pool if it has one. */
static void file_ready(struct outdir *od, struct outfile *f)
{
    bw_init(&f->body, f->fd, &od->buffers);
    f->od = od;
    f->ending = 0;
    if (od->pool)
        bw_use_pool(&f->body, od->pool, &od->disk_slow, file_idle, f);
}

int outdir_begin(struct outdir *od, const char *url, struct outfile *f, struct strbuf *err)
{
    char name[OUTDIR_NAME_MAX + 1];

    outdir_name(url, name);
    return outdir_begin_file(od, name, f, err);
}

int outdir_begin_file(struct outdir *od, const char *name, struct outfile *f, struct strbuf *err)
{
    static unsigned long counter;
    const char *slash = strrchr(name, '/');
    int e;

    f->fd = -1;
    f->dirfd = od->dirfd;
    f->own_dirfd = 0;
    f->direct = 0;
    if (strlen(name) >= sizeof f->name) {
        errno = ENAMETOOLONG;
        goto fail;
    }
    snprintf(f->name, sizeof f->name, "%s", name);
    f->base = slash ? (size_t)(slash + 1 - name) : 0;
    if (slash) { /* -o a/b/c: the file goes in a/b */
        size_t dlen = slash == name ? 1 : (size_t)(slash - name);
        char dir[sizeof f->name];
        if (od->create_dirs && (e = make_dirs(od->dirfd, name, dlen)) != 0) {
            errno = e;
            goto fail;
        }
        snprintf(dir, sizeof dir, "%.*s", (int)dlen, name);
        f->dirfd = openat(od->dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (f->dirfd < 0)
            goto fail;
        f->own_dirfd = 1;
    }
    {
        struct stat st; /* a device or a FIFO (-o /dev/null) is written, never replaced */
        if (fstatat(f->dirfd, name + f->base, &st, 0) == 0 && !S_ISREG(st.st_mode) &&
            !S_ISDIR(st.st_mode)) {
            f->fd = openat(f->dirfd, name + f->base, O_WRONLY | O_CLOEXEC);
            if (f->fd < 0)
                goto fail;
            f->direct = 1;
            file_ready(od, f);
            return 0;
        }
    }
    for (int tries = 0; tries < 100; tries++) {
        snprintf(f->tmp, sizeof f->tmp, ".cofetch-%ld-%lu.part", (long)getpid(), ++counter);
        f->fd = openat(f->dirfd, f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (f->fd >= 0) {
            file_ready(od, f);
            return 0;
        }
        if (errno != EEXIST)
            break;
    }
fail:
    e = errno;
    if (f->own_dirfd)
        close(f->dirfd);
    f->own_dirfd = 0;
    f->dirfd = -1;
    sb_reset(err);
    sb_addf(err, "cannot create %s/%s: %s", od->path, name, strerror(e));
    return CF_EIO;
}

int outdir_begin_append(struct outdir *od, const char *name, struct outfile *f, long long *size,
                        struct strbuf *err)
{
    struct stat st;
    const char *slash = strrchr(name, '/');
    int e = 0;

    f->dirfd = -1;
    f->own_dirfd = 0;
    f->direct = 1;
    snprintf(f->name, sizeof f->name, "%s", name);
    f->base = slash ? (size_t)(slash + 1 - name) : 0;
    if (slash && od->create_dirs)
        e = make_dirs(od->dirfd, name, slash == name ? 1 : (size_t)(slash - name));
    f->fd = e ? -1 : openat(od->dirfd, name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (f->fd < 0 || fstat(f->fd, &st) != 0) {
        e = e ? e : errno;
        if (f->fd >= 0)
            close(f->fd);
        f->fd = -1;
        sb_reset(err);
        sb_addf(err, "cannot open %s/%s: %s", od->path, name, strerror(e));
        return CF_EIO;
    }
    *size = S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
    file_ready(od, f);
    return 0;
}

int outdir_write(struct outfile *f, const void *data, size_t len)
{
    return bw_write(&f->body, data, len);
}

/* The file's end without its buffers (any thread): what is left written, closed, then
 * renamed into place (commit) or removed. The outcome in end_rc, end_errno, end_what. */
static void end_file(struct outfile *f, int commit)
{
    int werr = commit ? bw_write_rest(&f->body) : 0;
    int cerr = f->fd >= 0 && close(f->fd) != 0 ? errno : 0;

    f->fd = -1;
    f->end_rc = 0;
    if (commit && (werr || cerr)) {
        f->end_rc = CF_EIO;
        f->end_errno = werr ? werr : cerr;
        f->end_what = "writing";
        commit = 0;
    }
    if (commit && !f->direct &&
        renameat2(f->dirfd, f->tmp, f->dirfd, f->name + f->base,
                  f->no_clobber ? RENAME_NOREPLACE : 0)) {
        if (f->no_clobber && errno == EEXIST) {
            f->end_rc = 1;
        } else {
            f->end_rc = CF_EIO;
            f->end_errno = errno;
            f->end_what = "renaming to";
        }
        commit = 0;
    }
    if (!commit && f->dirfd >= 0 && !f->direct)
        unlinkat(f->dirfd, f->tmp, 0);
    if (f->own_dirfd)
        close(f->dirfd);
    f->own_dirfd = 0;
    f->dirfd = -1;
}

int outdir_end_result(struct outdir *od, struct outfile *f, struct strbuf *err)
{
    if (f->end_rc == CF_EIO) {
        sb_reset(err);
        sb_addf(err, "%s %s/%s: %s", f->end_what, od->path, f->name, strerror(f->end_errno));
    }
    return f->end_rc;
}

int outdir_commit(struct outdir *od, struct outfile *f, struct strbuf *err)
{
    f->no_clobber = od->no_clobber;
    end_file(f, 1);
    bw_drop(&f->body);
    return outdir_end_result(od, f, err);
}

void outdir_abort(struct outdir *od, struct outfile *f)
{
    (void)od;
    bw_drop(&f->body);
    end_file(f, 0);
}

/* end_file, timed. */
static void end_timed(struct outfile *f, int commit)
{
    double t0 = mono_secs();
    end_file(f, commit);
    f->end_secs = mono_secs() - t0;
}

static int end_job(void *arg, void **result)
{
    struct outfile *f = arg;

    (void)result;
    end_timed(f, f->commit);
    return 0;
}

static void end_job_done(void *arg, void *result, int code)
{
    struct outfile *f = arg;

    (void)result;
    if (code == CF_ECANCELED) /* the pool was freed first: here, then */
        end_file(f, f->commit);
    else
        f->od->disk_slow = f->end_secs > OUTDIR_FAST_END;
    bw_drop(&f->body);
    if (f->on_end)
        f->on_end(f->ctx);
}

int outdir_end(struct outdir *od, struct outfile *f, int commit)
{
    f->ending = 1;
    f->commit = commit;
    f->no_clobber = od->no_clobber;
    if (bw_busy(&f->body))
        return 0; /* file_idle comes back here */
    if (od->pool && (od->disk_slow || f->body.pooled) &&
        cf_pool_submit(od->pool, end_job, f, end_job_done) == 0)
        return 0;
    end_timed(f, commit); /* a small file on a fast disk, or no job to be had */
    if (f->end_secs > OUTDIR_FAST_END)
        od->disk_slow = 1;
    bw_drop(&f->body);
    return 1;
}
