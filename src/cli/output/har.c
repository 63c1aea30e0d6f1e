/*
 * har.c - the HAR 1.2 log, written incrementally and valid after every write.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/monotime.h"
#include "base/config.h"
#include "cofetch/error.h"
#include "output/har.h"
#include "output/json.h"

enum { BATCH_BYTES = 64 * 1024, MAX_PAGES = 4 };
static const double BATCH_SECS = 1.0;

struct har_page {
    char title[32];
    struct timeval started; /* the wall clock when the run began */
    double wall;            /* seconds, once over (< 0: running) */
};

/* What every entry of one request spec repeats, around its URL and query string. */
struct req_parts {
    struct strbuf method;  /* from "method" to "url": */
    struct strbuf reqhdrs; /* ... from "cookies" to "queryString": */
    struct strbuf reqend;  /* ... from "headersSize" to the request's end */
};

struct har {
    int fd;
    int err;                    /* errno of the first failed write */
    off_t end;                  /* where the closing brackets start: after the last entry written */
    off_t size;                 /* the file's size after the last write */
    unsigned long n;            /* entries written or buffered */
    struct strbuf buf;          /* entries not written yet */
    struct strbuf out;          /* a write: the batch, then the closing brackets */
    struct strbuf timing, hdrs; /* an entry's parts, reused */
    struct req_parts parts;     /* the command line's request, made once */
    struct req_parts gparts;    /* a later --next group's ... */
    const void *gparts_of;      /* ... that group's (NULL: none made yet) */
    double last;                /* CLOCK_MONOTONIC of the last write */
    const struct har_req *req;
    struct har_page pages[MAX_PAGES];
    int npages;
    time_t iso_t; /* the second iso holds, "YYYY-MM-DDTHH:MM:SS" (iso_t 0: none yet) */
    char iso[32];
};

/* "2026-12-01T14:20:00.123Z" for tv + secs; the date and time of the second is kept
 * in h, for a run's entries are mostly within the same second as the last. */
static int iso8601(struct har *h, struct strbuf *sb, struct timeval tv, double secs)
{
    long long ms = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000 + (long long)(secs * 1000);
    time_t t = (time_t)(ms / 1000);
    int rc;

    if (t != h->iso_t || !h->iso[0]) {
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(h->iso, sizeof h->iso, "%Y-%m-%dT%H:%M:%S", &tm);
        h->iso_t = t;
    }
    rc = SB_LIT(sb, "\"");
    rc |= sb_put(sb, h->iso, strlen(h->iso));
    rc |= sb_put(sb,
                 (char[6]){'.', (char)('0' + ms % 1000 / 100), (char)('0' + ms % 100 / 10),
                           (char)('0' + ms % 10), 'Z', '"'},
                 6);
    return rc;
}

static int pages_json(struct har *h, struct strbuf *sb)
{
    int rc = sb_adds(sb, "\n],\"pages\":[");

    for (int i = 0; i < h->npages; i++) {
        const struct har_page *p = &h->pages[i];
        rc |= sb_adds(sb, i ? ",{\"startedDateTime\":" : "{\"startedDateTime\":");
        rc |= iso8601(h, sb, p->started, 0);
        rc |= sb_addf(sb, ",\"id\":\"page_%d\",\"title\":", i + 1);
        rc |= json_str(sb, p->title, strlen(p->title));
        if (p->wall >= 0)
            rc |= sb_addf(sb, ",\"pageTimings\":{\"onLoad\":%.3f}}", p->wall * 1000);
        else
            rc |= sb_adds(sb, ",\"pageTimings\":{}}");
    }
    rc |= sb_adds(sb, "]}}\n");
    return rc;
}

/* The buffered entries and the closing brackets at h->end, in one write. */
static void write_batch(struct har *h)
{
    size_t entries = h->buf.len;
    struct iovec iov[2];
    off_t size;
    ssize_t w;

    h->last = mono_secs();
    if (h->err)
        return;
    sb_reset(&h->out);
    if (pages_json(h, &h->out)) {
        h->err = ENOMEM;
        return;
    }
    iov[0] = (struct iovec){h->buf.buf, entries};
    iov[1] = (struct iovec){h->out.buf, h->out.len};
    w = pwritev(h->fd, iov, 2, h->end);
    sb_reset(&h->buf);
    size = h->end + (off_t)(entries + h->out.len);
    /* A log only grows (pages end, entries and pages are added); the truncate is for
     * closing brackets that came out shorter than the ones they overwrote. */
    if (w == (ssize_t)(entries + h->out.len) && (size >= h->size || ftruncate(h->fd, size) == 0)) {
        h->end += (off_t)entries;
        h->size = size;
    } else {
        h->err = w < 0 ? errno : EIO;
    }
}

static int request_headers(struct strbuf *sb, const char *const *lines);

/* The request's parts that every entry of req repeats: its method, headers, body size. */
static int request_parts(struct req_parts *p, const struct har_req *req)
{
    const char *method = req->method ? req->method : req->body_len ? "POST" : "GET";
    int rc;

    sb_reset(&p->method);
    sb_reset(&p->reqhdrs);
    sb_reset(&p->reqend);
    rc = SB_LIT(&p->method, ",\"request\":{\"method\":");
    rc |= json_str(&p->method, method, strlen(method));
    rc |= SB_LIT(&p->method, ",\"url\":");
    rc |= SB_LIT(&p->reqhdrs, ",\"cookies\":[],\"headers\":");
    rc |= request_headers(&p->reqhdrs, req->headers);
    rc |= SB_LIT(&p->reqhdrs, ",\"queryString\":");
    rc |= SB_LIT(&p->reqend, ",\"headersSize\":-1,\"bodySize\":");
    rc |= sb_addll(&p->reqend, (long long)req->body_len);
    return rc | SB_LIT(&p->reqend, "}");
}

static void parts_free(struct req_parts *p)
{
    sb_free(&p->method);
    sb_free(&p->reqhdrs);
    sb_free(&p->reqend);
}

int har_open(struct har **hp, const char *path, const struct har_req *req, char *errbuf,
             size_t errlen)
{
    static const char head[] = "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"cofetch\","
                               "\"version\":\"" CF_VERSION "\"},\"entries\":[";
    struct har *h = calloc(1, sizeof *h);

    *hp = NULL;
    if (!h) {
        snprintf(errbuf, errlen, "out of memory");
        return CF_ENOMEM;
    }
    h->req = req;
    h->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (h->fd < 0) {
        snprintf(errbuf, errlen, "%s", strerror(errno));
        free(h);
        return CF_EIO;
    }
    if (sb_adds(&h->buf, head) || request_parts(&h->parts, req)) {
        snprintf(errbuf, errlen, "out of memory");
        har_close(h, NULL);
        return CF_ENOMEM;
    }
    write_batch(h);
    if (h->err) {
        snprintf(errbuf, errlen, "%s", strerror(h->err));
        har_close(h, NULL);
        return CF_EIO;
    }
    *hp = h;
    return 0;
}

void har_page(struct har *h, const char *title)
{
    struct har_page *p;

    if (!h || h->npages == MAX_PAGES)
        return;
    p = &h->pages[h->npages++];
    snprintf(p->title, sizeof p->title, "%s", title ? title : "");
    gettimeofday(&p->started, NULL);
    p->wall = -1;
}

void har_page_end(struct har *h, double wall)
{
    if (h && h->npages)
        h->pages[h->npages - 1].wall = wall;
}

/* {"name":...,"value":...}, after a comma unless first: one reservation, then written
 * in place (an entry has a dozen of these). */
static int nv(struct strbuf *sb, int first, const char *name, size_t nlen, const char *val,
              size_t vlen)
{
    static const char pre[] = ",{\"name\":\"", mid[] = "\",\"value\":\"";
    char *p;

    if (sb->cap - sb->len <= 6 * (nlen + vlen) + 32 && sb_reserve(sb, 6 * (nlen + vlen) + 32))
        return CF_ENOMEM;
    p = sb->buf + sb->len;
    memcpy(p, pre + first, sizeof pre - 1);
    p += sizeof pre - 1 - (first ? 1 : 0);
    p = json_esc(p, name, nlen);
    memcpy(p, mid, sizeof mid - 1);
    p = json_esc(p + sizeof mid - 1, val, vlen);
    memcpy(p, "\"}", 2);
    sb->len = (size_t)(p + 2 - sb->buf);
    sb->buf[sb->len] = '\0';
    return 0;
}

struct picked {
    const char *ctype, *location, *reason; /* values in the block, or NULL */
    size_t ctype_len, location_len, reason_len;
};

/* "Name: value" lines as [{name, value}], the Content-Type and Location picked out. */
static int header_list(struct strbuf *sb, const char *block, size_t len, struct picked *pk)
{
    const char *p = block, *end = block + len;
    int rc = SB_LIT(sb, "["), first = 1;

    while (p && p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end, *colon;
        size_t n;
        while (le > p && (le[-1] == '\r' || le[-1] == '\n'))
            le--;
        n = (size_t)(le - p);
        colon = memchr(p, ':', n);
        if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
            /* "HTTP/1.1 200 OK": the reason phrase after the second space */
            const char *sp = memchr(p, ' ', n);
            sp = sp ? memchr(sp + 1, ' ', (size_t)(le - sp - 1)) : NULL;
            pk->reason = sp ? sp + 1 : le;
            pk->reason_len = (size_t)(le - pk->reason);
        } else if (colon && colon > p) {
            const char *v = colon + 1;
            while (v < le && (*v == ' ' || *v == '\t'))
                v++;
            rc |= nv(sb, first, p, (size_t)(colon - p), v, (size_t)(le - v));
            first = 0;
            if (colon - p == 12 && strncasecmp(p, "content-type", 12) == 0) {
                pk->ctype = v;
                pk->ctype_len = (size_t)(le - v);
            } else if (colon - p == 8 && strncasecmp(p, "location", 8) == 0) {
                pk->location = v;
                pk->location_len = (size_t)(le - v);
            }
        }
        p = eol ? eol + 1 : end;
    }
    return rc | SB_LIT(sb, "]");
}

static int request_headers(struct strbuf *sb, const char *const *lines)
{
    int rc = SB_LIT(sb, "["), first = 1;

    for (size_t i = 0; lines && lines[i]; i++) {
        const char *colon = strchr(lines[i], ':'), *v;
        if (!colon || colon == lines[i])
            continue;
        v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        rc |= nv(sb, first, lines[i], (size_t)(colon - lines[i]), v, strlen(v));
        first = 0;
    }
    return rc | SB_LIT(sb, "]");
}

/* The URL's query as [{name, value}], each pair as written (not percent-decoded). */
static int query_list(struct strbuf *sb, const char *url, size_t len)
{
    const char *q = memchr(url, '?', len), *end = url + len;
    int rc = SB_LIT(sb, "["), first = 1;

    if (q) {
        const char *hash = memchr(q, '#', (size_t)(end - q));
        if (hash)
            end = hash;
        q++;
    }
    while (q && q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q)), *stop = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(stop - q));
        if (stop > q)
            rc |= nv(sb, first, q, (size_t)((eq ? eq : stop) - q), eq ? eq + 1 : stop,
                     eq ? (size_t)(stop - eq - 1) : 0);
        first = first && stop == q;
        q = amp ? amp + 1 : end;
    }
    return rc | SB_LIT(sb, "]");
}

static long long us(double secs)
{
    return secs > 0 ? (long long)(secs * 1e6 + 0.5) : 0;
}

static long long max2(long long a, long long b)
{
    return a > b ? a : b;
}

/* ,"name":v with v in milliseconds from microseconds */
#define MS(sb, name, v) (SB_LIT(sb, ",\"" name "\":") | sb_addmilli(sb, v))

/* The timings object and the entry's time: libcurl's cumulative counters made into
 * consecutive phases in whole microseconds, so they add up exactly. */
static int timings(struct strbuf *sb, const struct rec *r, long long *total)
{
    const struct cf_timings *t = &r->resp.t;
    long long dns = us(t->dns), tcp = max2(dns, us(t->connect));
    long long tls = t->tls > 0 ? max2(tcp, us(t->tls)) : tcp;
    long long first = max2(tls, us(t->ttfb)), done = max2(first, us(t->total));
    long long all = us(rec_time(r)), blocked = all > done ? all - done : 0;
    int rc;

    *total = blocked + done;
    rc = SB_LIT(sb, ",\"timings\":{\"blocked\":");
    rc |= sb_addmilli(sb, blocked);
    rc |= MS(sb, "dns", dns);
    rc |= MS(sb, "connect", tls - dns);
    if (t->tls > 0)
        rc |= MS(sb, "ssl", tls - tcp);
    else
        rc |= SB_LIT(sb, ",\"ssl\":-1");
    rc |= SB_LIT(sb, ",\"send\":0");
    rc |= MS(sb, "wait", first - tls);
    rc |= MS(sb, "receive", done - first);
    return rc | SB_LIT(sb, "}");
}

/* ,"httpVersion":"HTTP/1.1" ("" when there was no response) */
static int version(struct strbuf *sb, const char *ver)
{
    int rc;

    if (!*ver)
        return SB_LIT(sb, ",\"httpVersion\":\"\"");
    rc = SB_LIT(sb, ",\"httpVersion\":\"HTTP/");
    rc |= sb_put(sb, ver, strlen(ver));
    return rc | SB_LIT(sb, "\"");
}

static int entry(struct har *h, struct strbuf *sb, const struct rec *r)
{
    const struct cf_response *resp = &r->resp;
    const char *ver = rec_http_version(r);
    const struct config *g = r->group && r->group->gidx ? r->group : NULL; /* --next */
    const struct req_parts *parts = &h->parts;
    const char *url = r->url ? r->url : "";
    size_t url_len = r->url ? r->url_len : 0;
    struct picked pk = {0};
    struct strbuf *timing = &h->timing, *hdrs = &h->hdrs;
    long long total = 0;
    int rc;

    sb_reset(timing);
    sb_reset(hdrs);
    rc = timings(timing, r, &total);
    rc |= h->n ? SB_LIT(sb, ",\n{") : SB_LIT(sb, "\n{");
    if (h->npages) {
        rc |= SB_LIT(sb, "\"pageref\":\"page_");
        rc |= sb_addll(sb, h->npages);
        rc |= SB_LIT(sb, "\",");
    }
    rc |= SB_LIT(sb, "\"startedDateTime\":");
    rc |= iso8601(h, sb, h->npages ? h->pages[h->npages - 1].started : (struct timeval){0, 0},
                  r->start);
    rc |= SB_LIT(sb, ",\"time\":");
    rc |= sb_addmilli(sb, total);
    if (g && g != h->gparts_of) { /* made once per run of entries of one group */
        const struct har_req greq = {g->method   ? g->method
                                     : g->nforms ? "POST"
                                                 : NULL,
                                     g->headers, g->data ? g->data_len : 0};
        int prc = request_parts(&h->gparts, &greq);
        h->gparts_of = prc ? NULL : g;
        rc |= prc;
    }
    if (g)
        parts = &h->gparts;
    rc |= sb_put(sb, parts->method.buf, parts->method.len);
    rc |= json_str(sb, url, url_len);
    rc |= version(sb, ver);
    rc |= sb_put(sb, parts->reqhdrs.buf, parts->reqhdrs.len);
    rc |= query_list(sb, url, url_len);
    rc |= sb_put(sb, parts->reqend.buf, parts->reqend.len);
    /* The headers first, for the status text they hold, then the response around them. */
    rc |= header_list(hdrs, resp->headers, resp->headers ? resp->headers_len : 0, &pk);
    rc |= SB_LIT(sb, ",\"response\":{\"status\":");
    rc |= sb_addll(sb, resp->status);
    rc |= SB_LIT(sb, ",\"statusText\":");
    rc |= json_str(sb, pk.reason ? pk.reason : "", pk.reason_len);
    rc |= version(sb, ver);
    rc |= SB_LIT(sb, ",\"cookies\":[],\"headers\":");
    rc |= sb_put(sb, hdrs->buf, hdrs->len);
    rc |= SB_LIT(sb, ",\"content\":{\"size\":");
    rc |= sb_addll(sb, resp->bytes);
    rc |= SB_LIT(sb, ",\"mimeType\":");
    rc |= pk.ctype ? json_str(sb, pk.ctype, pk.ctype_len) : SB_LIT(sb, "\"x-unknown\"");
    rc |= SB_LIT(sb, "},\"redirectURL\":");
    rc |= json_str(sb, pk.location ? pk.location : "", pk.location_len);
    rc |= SB_LIT(sb, ",\"headersSize\":");
    rc |= sb_addll(sb, resp->headers ? (long long)resp->headers_len : -1LL);
    rc |= SB_LIT(sb, ",\"bodySize\":");
    rc |= sb_addll(sb, resp->bytes);
    rc |= SB_LIT(sb, "},\"cache\":{}");
    rc |= sb_put(sb, timing->buf, timing->len);
    if (r->code) {
        const char *e = rec_error(r);
        rc |= SB_LIT(sb, ",\"_error\":");
        rc |= json_str(sb, e, strlen(e));
    }
    return rc | SB_LIT(sb, "}");
}

void har_add(struct har *h, const struct rec *r)
{
    size_t mark;

    if (!h || h->err)
        return;
    mark = h->buf.len;
    if (entry(h, &h->buf, r)) {
        h->buf.len = mark;
        h->err = ENOMEM;
        return;
    }
    h->n++;
    if (h->buf.len >= BATCH_BYTES || mono_secs() - h->last >= BATCH_SECS)
        write_batch(h);
}

void har_flush(struct har *h)
{
    if (h)
        write_batch(h);
}

int har_close(struct har *h, int *err)
{
    int e;

    if (!h) {
        if (err)
            *err = 0;
        return 0;
    }
    write_batch(h);
    e = h->err;
    if (close(h->fd) && !e)
        e = errno;
    sb_free(&h->buf);
    sb_free(&h->out);
    sb_free(&h->timing);
    sb_free(&h->hdrs);
    parts_free(&h->parts);
    parts_free(&h->gparts);
    free(h);
    if (err)
        *err = e;
    return e ? CF_EIO : 0;
}
