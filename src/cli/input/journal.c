/*
 * journal.c - --journal: read the finished lines of earlier runs, append this run's.
 *
 * The format and the rules are in journal.h. Entries read at start are kept in an open
 * addressing hash table keyed by identity (16 bytes a slot).
 *
 * On a thread pool the appends are double buffered: the entries ready to go are moved
 * into the write's own buffer and a worker writes them while new ones gather in
 * j->buf; a flush while that write is in flight only notes how far stdout has got, and
 * the write's done callback flushes again. The write lives on the heap (struct
 * jwrite): a journal closed while its done callback is still to come leaves it to that
 * callback to free.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/strbuf.h"
#include "base/writefull.h"
#include "cofetch/error.h"
#include "input/journal.h"

static const char HEADER[] =
    "# cofetch journal v2: status<TAB>identity<TAB>source<TAB>line<TAB>url "
    "(status ok or failed; only identity is the key; \\xNN escapes)\n";

struct entry {
    uint64_t ident;
    int used; /* 0: free slot */
    int ok;
};

/* An entry not yet written: where it ends in buf, and the output's byte count once the
 * record it covers is out. */
struct pending {
    size_t end;
    uint64_t mark;
};

/* An append on a worker: its bytes, its error, and a flag the loop's thread can wait on
 * at close (mu, cv). */
struct jwrite {
    struct journal *j; /* NULL once the journal is closed */
    int fd;
    struct strbuf bytes;
    int err;     /* errno of the write */
    int busy;    /* submitted, its done callback not yet run (loop thread) */
    int written; /* the worker is done with it (under mu) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

struct journal {
    int fd;
    cf_pool *pool;    /* NULL: appends are written here */
    struct jwrite *w; /* on a pool: the append in flight, or the one to use next */
    uint64_t written; /* how far stdout has got: the last flush's count */
    int retry_failed;
    int write_failed;
    const char *path;
    struct entry *tab;
    size_t cap, n; /* cap: 0 or a power of two */
    unsigned long skipped;
    struct strbuf buf;     /* entries not yet written */
    struct pending *marks; /* one per entry in buf, in order */
    size_t nmarks, capmarks;
    struct strbuf key; /* scratch: a v1 entry's URL, unescaped */
};

/* s[0..len) with '\\', bytes below 0x20 and 0x7f as \xNN. */
static int add_escaped(struct strbuf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    int rc = 0;

    for (size_t i = 0; i < len && rc == 0; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '\\') {
            char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            rc = sb_add(out, esc, 4);
        } else {
            rc = sb_addc(out, (char)c);
        }
    }
    return rc;
}

int journal_key(struct strbuf *out, uint64_t ident, const char *src, unsigned long lineno,
                const char *url, size_t len)
{
    int rc;

    src = src ? src : "?";
    rc = sb_addf(out, "%016llx\t", (unsigned long long)ident);
    rc = rc ? rc : add_escaped(out, src, strlen(src));
    rc = rc ? rc : sb_addf(out, "\t%lu\t", lineno);
    return rc ? rc : add_escaped(out, url, len);
}

static struct entry *find(const struct journal *j, uint64_t ident)
{
    if (!j->cap)
        return NULL;
    for (size_t i = ident & (j->cap - 1);; i = (i + 1) & (j->cap - 1)) {
        struct entry *e = &j->tab[i];
        if (!e->used || e->ident == ident)
            return e;
    }
}

static int grow(struct journal *j)
{
    size_t cap = j->cap ? j->cap * 2 : 1024;
    struct entry *old = j->tab;
    size_t oldcap = j->cap;

    j->tab = calloc(cap, sizeof *j->tab);
    if (!j->tab) {
        j->tab = old;
        return CF_ENOMEM;
    }
    j->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].used)
            *find(j, old[i].ident) = old[i];
    free(old);
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* A v1 entry's URL field, its \xNN escapes undone, into out. 0, 1 (malformed), CF_ENOMEM. */
static int unescape(struct strbuf *out, const char *s, size_t len)
{
    sb_reset(out);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\\') {
            int hi, lo;
            if (i + 3 >= len)
                return 1;
            if (s[i + 1] != 'x' || (hi = hexval(s[i + 2])) < 0 || (lo = hexval(s[i + 3])) < 0)
                return 1;
            c = (char)(hi << 4 | lo);
            i += 3;
        }
        if (sb_addc(out, c))
            return CF_ENOMEM;
    }
    return 0;
}

/* The identity of an entry's fields after the status: v2's IDENTITY, SOURCE, LINE, URL
 * (three tabs) or v1's SOURCE, LINE, URL (two). 0, 1 (malformed: ignored), CF_ENOMEM. */
static int entry_ident(struct journal *j, const char *s, size_t len, uint64_t *ident)
{
    const char *end = s + len, *first = memchr(s, '\t', len), *p = s;
    int tabs = 0;

    while ((p = memchr(p, '\t', (size_t)(end - p))) != NULL) {
        tabs++;
        p++;
    }
    if (tabs == 2) { /* v1: the URL line's identity, the hash of its text */
        const char *url = (const char *)memchr(first + 1, '\t', (size_t)(end - first - 1)) + 1;
        int rc = unescape(&j->key, url, (size_t)(end - url));
        if (rc == 0)
            *ident = fnv1a64(sb_cstr(&j->key), j->key.len);
        return rc;
    }
    if (tabs != 3 || first - s != 16)
        return 1;
    *ident = 0;
    for (int i = 0; i < 16; i++) {
        int v = hexval(s[i]);
        if (v < 0)
            return 1;
        *ident = *ident << 4 | (uint64_t)v;
    }
    return 0;
}

/* One line of the file (without its newline). Malformed lines are ignored. */
static int load_line(struct journal *j, const char *s, size_t len)
{
    const char *tab = memchr(s, '\t', len);
    struct entry *e;
    uint64_t ident;
    int ok, rc;

    if (len == 0 || s[0] == '#' || !tab)
        return 0;
    if ((size_t)(tab - s) == 2 && memcmp(s, "ok", 2) == 0)
        ok = 1;
    else if ((size_t)(tab - s) == 6 && memcmp(s, "failed", 6) == 0)
        ok = 0;
    else
        return 0;
    rc = entry_ident(j, tab + 1, len - (size_t)(tab + 1 - s), &ident);
    if (rc)
        return rc < 0 ? rc : 0;
    if ((j->n + 1) * 2 > j->cap && grow(j))
        return CF_ENOMEM;
    e = find(j, ident);
    if (e->used) {
        e->ok |= ok; /* an "ok" wins over a "failed" of an earlier run */
        return 0;
    }
    *e = (struct entry){.ident = ident, .used = 1, .ok = ok};
    j->n++;
    return 0;
}

/* Reads the whole journal; *torn: the file does not end with a newline. */
static int load(struct journal *j, int fd, int *torn)
{
    struct strbuf line = STRBUF_INIT;
    char buf[65536];
    ssize_t n;
    int rc = 0;

    *torn = 0;
    while (rc == 0 && (n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = CF_EIO;
            break;
        }
        for (const char *p = buf, *end = buf + n; p < end && rc == 0;) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t take = nl ? (size_t)(nl - p) : (size_t)(end - p);
            rc = sb_add(&line, p, take);
            if (rc == 0 && nl) {
                rc = load_line(j, line.buf ? line.buf : "", line.len);
                sb_reset(&line);
            }
            p += take + (nl != NULL);
        }
    }
    *torn = line.len > 0; /* a last line without its newline: ignored */
    sb_free(&line);
    return rc;
}

/* Notes that buf's entries up to its end are written once the output has taken mark. */
static int push_mark(struct journal *j, uint64_t mark)
{
    if (j->nmarks == j->capmarks) {
        size_t cap = j->capmarks ? j->capmarks * 2 : 64;
        struct pending *p = realloc(j->marks, cap * sizeof *p);
        if (!p)
            return CF_ENOMEM;
        j->marks = p;
        j->capmarks = cap;
    }
    j->marks[j->nmarks++] = (struct pending){.end = j->buf.len, .mark = mark};
    return 0;
}

int journal_open(struct journal **out, const char *path, int retry_failed)
{
    struct journal *j = calloc(1, sizeof *j);
    int torn = 0, rc;
    off_t size;

    if (!j)
        return CF_ENOMEM;
    j->path = path;
    j->retry_failed = retry_failed;
    j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (j->fd < 0) {
        fprintf(stderr, "cofetch: cannot open the journal %s: %s\n", path, strerror(errno));
        free(j);
        return CF_EIO;
    }
    /* One run at a time per journal: a second would fetch what the first is doing. */
    if (flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            fprintf(stderr, "cofetch: the journal %s is in use by another cofetch\n", path);
        else
            fprintf(stderr, "cofetch: cannot lock the journal %s: %s\n", path, strerror(errno));
        close(j->fd);
        free(j);
        return CF_EIO;
    }
    rc = load(j, j->fd, &torn);
    if (rc) {
        if (rc == CF_EIO)
            fprintf(stderr, "cofetch: cannot read the journal %s: %s\n", path, strerror(errno));
        journal_close(j);
        return rc;
    }
    size = lseek(j->fd, 0, SEEK_END);
    /* A torn last line is ended, so the next entry starts on a line of its own. */
    if ((torn && sb_addc(&j->buf, '\n')) || (size == 0 && sb_adds(&j->buf, HEADER)) ||
        (j->buf.len && push_mark(j, 0))) {
        journal_close(j);
        return CF_ENOMEM;
    }
    *out = j;
    return 0;
}

int journal_skip(struct journal *j, uint64_t ident)
{
    struct entry *e;

    if (!j->n)
        return 0;
    e = find(j, ident);
    if (!e || !e->used || (!e->ok && j->retry_failed))
        return 0;
    j->skipped++;
    return 1;
}

unsigned long journal_skipped(const struct journal *j)
{
    return j ? j->skipped : 0;
}

void journal_add(struct journal *j, uint64_t mark, int ok, uint64_t ident, const char *src,
                 unsigned long lineno, const char *url, size_t len)
{
    size_t start = j->buf.len;
    int rc = sb_adds(&j->buf, ok ? "ok\t" : "failed\t");

    rc = rc ? rc : journal_key(&j->buf, ident, src, lineno, url, len);
    rc = rc ? rc : sb_addc(&j->buf, '\n');
    rc = rc ? rc : push_mark(j, mark);
    if (rc) /* out of memory: drop the partial entry; the line is redone on a rerun */
        j->buf.len = start;
}

static void write_failed(struct journal *j, int err)
{
    fprintf(stderr, "cofetch: writing the journal %s: %s\n", j->path, strerror(err));
    j->write_failed = 1;
}

static int append_job(void *arg, void **result)
{
    struct jwrite *w = arg;

    (void)result;
    w->err = write_full(w->fd, w->bytes.buf, w->bytes.len);
    pthread_mutex_lock(&w->mu);
    w->written = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

static void jwrite_free(struct jwrite *w)
{
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    sb_free(&w->bytes);
    free(w);
}

/* The worker is done with w (the loop's thread, w busy): its outcome to the journal. */
static void append_over(struct journal *j, struct jwrite *w)
{
    w->busy = 0;
    w->written = 0;
    if (w->err && !j->write_failed)
        write_failed(j, w->err);
    sb_reset(&w->bytes);
}

static void append_done(void *arg, void *result, int code)
{
    struct jwrite *w = arg;
    struct journal *j = w->j;

    (void)result;
    if (!j) { /* closed meanwhile: journal_settle waited for the write */
        jwrite_free(w);
        return;
    }
    if (code == CF_ECANCELED) /* the pool went first: written here, then */
        append_job(w, NULL);
    append_over(j, w);
    journal_flush(j, j->written); /* what gathered meanwhile */
}

/* The first upto bytes of j->buf to the journal: written here, or handed to a worker.
 * 0, or an errno value of a write made here. */
static int append(struct journal *j, size_t upto)
{
    struct jwrite *w = j->w;

    if (!j->pool || !w)
        return write_full(j->fd, j->buf.buf, upto);
    if (sb_add(&w->bytes, j->buf.buf, upto) == 0 &&
        cf_pool_submit(j->pool, append_job, w, append_done) == 0) {
        w->busy = 1;
        return 0;
    }
    sb_reset(&w->bytes);
    return write_full(j->fd, j->buf.buf, upto);
}

void journal_use_pool(struct journal *j, cf_pool *pool)
{
    struct jwrite *w;

    if (!j || j->w || !(w = calloc(1, sizeof *w)))
        return; /* out of memory: written here */
    w->j = j;
    w->fd = j->fd;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    j->w = w;
    j->pool = pool;
}

int journal_flush(struct journal *j, uint64_t written)
{
    size_t n = 0, upto;
    int err;

    if (!j)
        return 0;
    if (written > j->written)
        j->written = written;
    if (j->w && j->w->busy)
        return j->write_failed ? CF_EIO : 0; /* append_done comes back here */
    written = j->written;
    while (n < j->nmarks && j->marks[n].mark <= written)
        n++;
    if (n && !j->write_failed) {
        upto = j->marks[n - 1].end;
        err = append(j, upto);
        if (err)
            write_failed(j, err);
    }
    if (j->write_failed) { /* nothing is written again: drop what waits */
        sb_reset(&j->buf);
        j->nmarks = 0;
        return CF_EIO;
    }
    if (n == 0)
        return 0;
    memmove(j->buf.buf, j->buf.buf + upto, j->buf.len - upto);
    j->buf.len -= upto;
    for (size_t i = n; i < j->nmarks; i++)
        j->marks[i - n] = (struct pending){.end = j->marks[i].end - upto, .mark = j->marks[i].mark};
    j->nmarks -= n;
    return 0;
}

size_t journal_pending(const struct journal *j)
{
    return j ? j->buf.len : 0;
}

int journal_failed(const struct journal *j)
{
    return j && j->write_failed;
}

void journal_settle(struct journal *j)
{
    struct jwrite *w = j ? j->w : NULL;

    if (!w)
        return;
    if (w->busy) { /* the loop has stopped: its done callback may never come */
        pthread_mutex_lock(&w->mu);
        while (!w->written)
            pthread_cond_wait(&w->cv, &w->mu);
        pthread_mutex_unlock(&w->mu);
        w->j = NULL; /* its done callback frees it */
        if (w->err && !j->write_failed)
            write_failed(j, w->err);
    } else {
        jwrite_free(w);
    }
    j->w = NULL;
    j->pool = NULL;
    journal_flush(j, j->written); /* what waited behind it, here */
}

void journal_close(struct journal *j)
{
    if (!j)
        return;
    journal_settle(j);
    if (j->fd >= 0) {
        fdatasync(j->fd);
        close(j->fd);
    }
    free(j->tab);
    sb_free(&j->buf);
    free(j->marks);
    sb_free(&j->key);
    free(j);
}
