/*
 * htmlreport.c - the HTML report: rows kept per run, the page written at the end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cofetch/error.h"
#include "output/htmlreport.h"

enum { TEXT_MAX = 256, HIST_BINS = 20, MAX_KINDS = 24, MAX_HOSTS = 256, SHOW_HOSTS = 12 };
enum { PH_QUEUE, PH_DNS, PH_CONNECT, PH_TLS, PH_WAIT, PH_RECEIVE, PH_COUNT };

static const char *const phase_names[PH_COUNT] = {"queue", "DNS",  "connect",
                                                  "TLS",   "wait", "receive"};
static const char *const phase_colors[PH_COUNT] = {"#c8c8c8", "#5aa05a", "#e69b3a",
                                                   "#a05ac8", "#4a8fd8", "#2a5fa0"};

struct row {
    double start, end;
    float ph[PH_COUNT]; /* seconds of each phase, consecutive from start */
    long status;
    long long bytes;
    int code;
    unsigned long order;
    long conn;          /* the connection's local port (0: none known) */
    size_t url_at, err; /* where the URL and the error (0: none) start in the run's
                           text, each cut at TEXT_MAX and NUL-terminated */
};

struct kind {
    const char *name; /* cf_strerror's, or a host (owned in hosts) */
    char *owned;
    unsigned long n;
};

struct hrun {
    char label[32];
    int baseline;
    double wall;
    struct row *rows;
    size_t n, cap;
    struct strbuf text; /* the rows' URLs and errors, one after another */
    unsigned long failed;
    long long bytes;
};

struct htmlreport {
    FILE *f;
    int err;
    struct hrun runs[HTMLREPORT_RUNS];
    int nruns;
};

int htmlreport_open(struct htmlreport **hrp, const char *path, char *errbuf, size_t errlen)
{
    struct htmlreport *hr = calloc(1, sizeof *hr);

    *hrp = NULL;
    if (!hr) {
        snprintf(errbuf, errlen, "out of memory");
        return CF_ENOMEM;
    }
    hr->f = fopen(path, "we");
    if (!hr->f) {
        snprintf(errbuf, errlen, "%s", strerror(errno));
        free(hr);
        return CF_EIO;
    }
    *hrp = hr;
    return 0;
}

void htmlreport_run(struct htmlreport *hr, const char *label, int baseline)
{
    struct hrun *run;

    if (!hr || hr->nruns == HTMLREPORT_RUNS)
        return;
    run = &hr->runs[hr->nruns++];
    snprintf(run->label, sizeof run->label, "%s", label ? label : "run");
    run->baseline = baseline;
}

void htmlreport_run_end(struct htmlreport *hr, double wall)
{
    if (hr && hr->nruns)
        hr->runs[hr->nruns - 1].wall = wall;
}

static char *cut(const char *s, size_t len)
{
    char *p;

    if (len > TEXT_MAX)
        len = TEXT_MAX;
    p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static double max2(double a, double b)
{
    return a > b ? a : b;
}

/* libcurl's cumulative counters of the last attempt as consecutive phases; the queue
 * is everything before that attempt began (as in har.c). */
static void phases(struct row *w, const struct rec *r)
{
    const struct cf_timings *t = &r->resp.t;
    double dns = max2(t->dns, 0), tcp = max2(dns, t->connect);
    double tls = t->tls > 0 ? max2(tcp, t->tls) : tcp;
    double first = max2(tls, t->ttfb), done = max2(first, t->total);
    double all = rec_time(r);

    w->ph[PH_QUEUE] = (float)(all > done ? all - done : 0);
    w->ph[PH_DNS] = (float)dns;
    w->ph[PH_CONNECT] = (float)(tcp - dns);
    w->ph[PH_TLS] = (float)(tls - tcp);
    w->ph[PH_WAIT] = (float)(first - tls);
    w->ph[PH_RECEIVE] = (float)(done - first);
}

/* s cut at TEXT_MAX, NUL-terminated, appended to text */
static int keep(struct strbuf *text, const char *s, size_t len)
{
    int rc = sb_put(text, s, len > TEXT_MAX ? TEXT_MAX : len);
    return rc | sb_put(text, "", 1);
}

void htmlreport_add(struct htmlreport *hr, const struct rec *r)
{
    struct hrun *run;
    struct row *w;
    size_t mark;
    int rc;

    if (!hr || !hr->nruns || hr->err)
        return;
    run = &hr->runs[hr->nruns - 1];
    if (run->n == run->cap) {
        size_t cap = run->cap ? run->cap * 2 : 256;
        struct row *p = realloc(run->rows, cap * sizeof *p);
        if (!p) {
            hr->err = ENOMEM;
            return;
        }
        run->rows = p;
        run->cap = cap;
    }
    w = &run->rows[run->n];
    memset(w, 0, sizeof *w);
    w->start = r->start;
    w->end = r->end;
    w->status = r->resp.status;
    w->bytes = r->resp.bytes;
    w->code = r->code;
    w->order = r->order;
    w->conn = r->resp.local_port;
    phases(w, r);
    mark = run->text.len;
    w->url_at = mark;
    rc = keep(&run->text, r->url ? r->url : "", r->url ? r->url_len : 0);
    if (r->code) {
        w->err = run->text.len;
        rc |= keep(&run->text, rec_error(r), strlen(rec_error(r)));
    }
    if (rc) {
        run->text.len = mark;
        hr->err = ENOMEM;
        return;
    }
    run->n++;
    run->bytes += r->resp.bytes;
    if (r->code)
        run->failed++;
}

/* ---- the page ---- */

/* The page is built in a buffer that goes to the file a chunk at a time: tens of
 * thousands of small appends, each a few instructions, not a stdio call. The first
 * failure (no memory, a write) is kept in err. */
enum { PAGE_CHUNK = 64 * 1024 };

struct page {
    struct strbuf sb;
    FILE *f;
    int err;
};

static void page_flush(struct page *pg)
{
    if (pg->sb.len && fwrite(pg->sb.buf, 1, pg->sb.len, pg->f) != pg->sb.len && !pg->err)
        pg->err = EIO;
    sb_reset(&pg->sb);
}

static void pw_slow(struct page *pg, const char *s, size_t n)
{
    if (pg->sb.len >= PAGE_CHUNK)
        page_flush(pg);
    if (sb_put(&pg->sb, s, n) && !pg->err)
        pg->err = ENOMEM;
}

static inline void pw(struct page *pg, const char *s, size_t n)
{
    struct strbuf *sb = &pg->sb;

    if (sb->len >= PAGE_CHUNK || sb->cap - sb->len <= n) {
        pw_slow(pg, s, n);
        return;
    }
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}
#define PL(pg, lit) pw((pg), "" lit, sizeof(lit) - 1)

static void ps(struct page *pg, const char *s)
{
    pw(pg, s, strlen(s));
}

static void pc(struct page *pg, char c)
{
    pw(pg, &c, 1);
}

/* v in decimal, as %ld and %lld write it */
static void pnum(struct page *pg, long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    do
        tmp[--i] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        tmp[--i] = '-';
    pw(pg, tmp + i, sizeof tmp - i);
}

static void pf(struct page *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pf(struct page *pg, const char *fmt, ...)
{
    va_list ap;

    if (pg->sb.len >= PAGE_CHUNK)
        page_flush(pg);
    va_start(ap, fmt);
    if (sb_vaddf(&pg->sb, fmt, ap) && !pg->err)
        pg->err = ENOMEM;
    va_end(ap);
}

static void esc(struct page *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': PL(f, "&amp;"); break;
        case '<': PL(f, "&lt;"); break;
        case '>': PL(f, "&gt;"); break;
        case '"': PL(f, "&quot;"); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                pc(f, *s);
        }
    }
}

static int by_time(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int by_start(const void *a, const void *b)
{
    const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static double pct(const double *sorted, size_t n, double p)
{
    size_t i;

    if (!n)
        return 0;
    i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

/* host of "scheme://host[:port]/..." */
static size_t host_of(const char *url, const char **host)
{
    const char *p = strstr(url, "://");

    p = p ? p + 3 : url;
    *host = p;
    return strcspn(p, "/?#");
}

static void count_kind(struct kind *k, int *nk, int max, const char *name, size_t len)
{
    for (int i = 0; i < *nk; i++)
        if (strlen(k[i].name) == len && strncmp(k[i].name, name, len) == 0) {
            k[i].n++;
            return;
        }
    if (*nk < max) {
        k[*nk].owned = cut(name, len);
        k[*nk].name = k[*nk].owned ? k[*nk].owned : "?";
        k[*nk].n = 1;
        (*nk)++;
    } else {
        k[max - 1].n++; /* the last one stands for the rest */
    }
}

static int by_count(const void *a, const void *b)
{
    const struct kind *x = a, *y = b;
    return x->n > y->n ? -1 : x->n < y->n;
}

static void kinds_table(struct page *f, const char *title, struct kind *k, int nk, int show)
{
    qsort(k, (size_t)nk, sizeof *k, by_count);
    pf(f, "<table class=\"kinds\"><tr><th>%s</th><th>fetches</th></tr>", title);
    for (int i = 0; i < nk && i < show; i++) {
        PL(f, "<tr><td>");
        esc(f, k[i].name);
        pf(f, "</td><td>%lu</td></tr>", k[i].n);
    }
    if (nk > show)
        pf(f, "<tr><td>(%d more)</td><td></td></tr>", nk - show);
    if (!nk)
        PL(f, "<tr><td>none</td><td></td></tr>");
    PL(f, "</table>");
    for (int i = 0; i < nk; i++)
        free(k[i].owned);
}

static void histogram(struct page *f, const double *t, size_t n, double max)
{
    unsigned long bins[HIST_BINS] = {0}, top = 1;
    const int w = 300, h = 80;

    for (size_t i = 0; i < n; i++) {
        int b = max > 0 ? (int)(t[i] / max * HIST_BINS) : 0;
        bins[b >= HIST_BINS ? HIST_BINS - 1 : b]++;
    }
    for (int b = 0; b < HIST_BINS; b++)
        if (bins[b] > top)
            top = bins[b];
    pf(f, "<svg class=\"hist\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", w, h + 14, w,
       h + 14);
    for (int b = 0; b < HIST_BINS; b++) {
        double bh = (double)bins[b] / (double)top * h;
        pf(f,
           "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"#4a8fd8\">"
           "<title>%.3f-%.3f s: %lu</title></rect>",
           b * w / HIST_BINS, h - bh, w / HIST_BINS - 1, bh, max * b / HIST_BINS,
           max * (b + 1) / HIST_BINS, bins[b]);
    }
    pf(f,
       "<text x=\"0\" y=\"%d\" font-size=\"10\">0 s</text><text x=\"%d\" y=\"%d\" "
       "font-size=\"10\" text-anchor=\"end\">%.3f s</text></svg>",
       h + 12, w, h + 12, max);
}

static void summary(struct page *f, const struct hrun *run, double *times)
{
    size_t n = run->n;
    double sum = 0;
    struct kind hosts[MAX_HOSTS], errs[MAX_KINDS];
    int nh = 0, ne = 0;

    for (size_t i = 0; i < n; i++) {
        const char *h;
        size_t hl = host_of(run->text.buf + run->rows[i].url_at, &h);
        times[i] = run->rows[i].end - run->rows[i].start;
        sum += times[i];
        count_kind(hosts, &nh, MAX_HOSTS, h, hl);
        if (run->rows[i].code) {
            const char *e = cf_strerror(run->rows[i].code);
            count_kind(errs, &ne, MAX_KINDS, e, strlen(e));
        }
    }
    qsort(times, n, sizeof *times, by_time);
    PL(f, "<div class=\"summary\"><table class=\"stats\">");
    pf(f, "<tr><th>fetches</th><td class=\"n-fetches\">%zu</td></tr>", n);
    pf(f, "<tr><th>ok</th><td>%zu</td></tr><tr><th>failed</th><td class=\"n-failed\">%lu</td></tr>",
       n - run->failed, run->failed);
    pf(f, "<tr><th>wall</th><td class=\"wall\">%.3f s</td></tr>", run->wall);
    pf(f, "<tr><th>sum of fetch times</th><td class=\"sum\">%.3f s</td></tr>", sum);
    pf(f, "<tr><th>concurrency gain</th><td>%.2fx</td></tr>", run->wall > 0 ? sum / run->wall : 0);
    pf(f, "<tr><th>throughput</th><td>%.1f fetches/s, %lld bytes</td></tr>",
       run->wall > 0 ? (double)n / run->wall : 0, run->bytes);
    pf(f,
       "<tr><th>latency</th><td>p50 %.3f s, p95 %.3f s, p99 %.3f s, max %.3f s</td></tr>"
       "</table>",
       pct(times, n, 50), pct(times, n, 95), pct(times, n, 99), n ? times[n - 1] : 0.0);
    PL(f, "<div class=\"panel\"><h3>latency histogram</h3>");
    histogram(f, times, n, n ? times[n - 1] : 0);
    /* throughput over time: the same bins over the fetches' finishing times */
    PL(f, "</div><div class=\"panel\"><h3>fetches finished over time</h3>");
    for (size_t i = 0; i < n; i++)
        times[i] = run->rows[i].end;
    histogram(f, times, n, max2(run->wall, n ? run->rows[n - 1].end : 0));
    PL(f, "</div><div class=\"panel\">");
    kinds_table(f, "host", hosts, nh, SHOW_HOSTS);
    PL(f, "</div><div class=\"panel\">");
    kinds_table(f, "error", errs, ne, MAX_KINDS);
    PL(f, "</div></div>");
}

/* Whether a is slower than b: it took longer, or as long and is earlier in the run. */
static int slower(const struct row *a, const struct row *b)
{
    double da = a->end - a->start, db = b->end - b->start;
    return da > db || (da == db && a < b);
}

/* The k slowest of v[0..n) moved to v[0..k), in no order (0 < k < n): Hoare's FIND
 * (as Wirth writes it), which leaves v[k - 1] where a sort would put it, the slower
 * ones before it and the rest after. */
static void slowest_first(const struct row **v, size_t n, size_t k)
{
    long lo = 0, hi = (long)n - 1, t = (long)k - 1;

    while (lo < hi) {
        const struct row *x = v[t];
        long i = lo, j = hi;
        do {
            while (slower(v[i], x))
                i++;
            while (slower(x, v[j]))
                j--;
            if (i <= j) {
                const struct row *tmp = v[i];
                v[i++] = v[j];
                v[j--] = tmp;
            }
        } while (i <= j);
        if (j < t)
            lo = i;
        if (t < i)
            hi = j;
    }
}

/* The rows to draw: all, or past HTMLREPORT_ROWS failures, the slowest and a sample. */
static size_t pick(const struct hrun *run, const struct row **out)
{
    size_t n = run->n, k = 0, fail_cap = HTMLREPORT_ROWS / 2, slow_cap = HTMLREPORT_ROWS / 4;
    const struct row **all;
    char *taken;

    if (n <= HTMLREPORT_ROWS) {
        for (size_t i = 0; i < n; i++)
            out[i] = &run->rows[i];
        return n;
    }
    all = malloc(n * sizeof *all);
    taken = calloc(n, 1);
    if (!all || !taken) {
        free(all);
        free(taken);
        for (size_t i = 0; i < HTMLREPORT_ROWS; i++) /* the first ones, at least */
            out[i] = &run->rows[i];
        return HTMLREPORT_ROWS;
    }
    for (size_t i = 0; i < n && k < fail_cap; i++)
        if (run->rows[i].code) {
            out[k++] = &run->rows[i];
            taken[i] = 1;
        }
    {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (!taken[i])
                all[m++] = &run->rows[i];
        if (m > slow_cap)
            slowest_first(all, m, slow_cap);
        for (size_t i = 0; i < m && i < slow_cap; i++) {
            out[k++] = all[i];
            taken[all[i] - run->rows] = 1;
        }
    }
    {
        size_t left = HTMLREPORT_ROWS - k, step = n / (left ? left : 1);
        for (size_t i = 0; i < n && k < HTMLREPORT_ROWS; i += step ? step : 1)
            if (!taken[i]) {
                out[k++] = &run->rows[i];
                taken[i] = 1;
            }
        for (size_t i = 0; i < n && k < HTMLREPORT_ROWS; i++) /* what the steps missed */
            if (!taken[i]) {
                out[k++] = &run->rows[i];
                taken[i] = 1;
            }
    }
    free(all);
    free(taken);
    return k;
}

enum { CHART_X = 60, CHART_W = 900 };

static double xpos(double t, double axis)
{
    return CHART_X + (axis > 0 ? t / axis * CHART_W : 0);
}

static void axis_ticks(struct page *f, double axis, int y0, int height)
{
    double base = 0.001, step = base;

    /* 1, 2, 5 times a power of ten: at most ten ticks */
    for (int k = 0; k < 60 && axis / step > 10; k++) {
        step = base * (k % 3 == 0 ? 2 : k % 3 == 1 ? 5 : 10);
        if (k % 3 == 2)
            base *= 10;
    }
    for (double t = 0; t <= axis * 1.0001 && axis > 0; t += step) {
        double x = xpos(t, axis);
        pf(f,
           "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
           "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%g s</text>",
           x, y0, x, y0 + height, x, y0 - 3, t);
    }
}

/* v with dec (1 or 3) decimals, as %.1f / %.3f write it, without printf: a page holds
 * tens of thousands of these. Not finite or past 1e12: 0. */
static void fnum(struct page *f, double v, int dec)
{
    long long scale = dec == 3 ? 1000 : 10, t;
    char buf[32];
    int i = (int)sizeof buf;

    if (!(v > -1e12 && v < 1e12))
        v = 0;
    t = (long long)(v * (double)scale + (v < 0 ? -0.5 : 0.5));
    int neg = t < 0;
    unsigned long long u = neg ? 0ULL - (unsigned long long)t : (unsigned long long)t;
    for (int d = 0; d < dec; d++, u /= 10)
        buf[--i] = (char)('0' + u % 10);
    buf[--i] = '.';
    do
        buf[--i] = (char)('0' + u % 10);
    while (u /= 10);
    if (neg)
        buf[--i] = '-';
    pw(f, buf + i, sizeof buf - (size_t)i);
}

/* <rect x y width height fill [extra]/>, coordinates with one decimal. */
static void rect(struct page *f, double x, double y, double w, double h, const char *fill,
                 const char *extra)
{
    PL(f, "<rect x=\"");
    fnum(f, x, 1);
    PL(f, "\" y=\"");
    fnum(f, y, 1);
    PL(f, "\" width=\"");
    fnum(f, w, 1);
    PL(f, "\" height=\"");
    fnum(f, h, 1);
    PL(f, "\" fill=\"");
    ps(f, fill);
    ps(f, extra ? "\" " : "\"");
    if (extra)
        ps(f, extra);
    PL(f, "/>");
}

static void waterfall(struct page *f, int ri, const struct hrun *run, double axis)
{
    const struct row **rows = malloc((run->n ? run->n : 1) * sizeof *rows);
    size_t n, i;
    int rh, h, labels;

    if (!rows)
        return;
    n = pick(run, rows);
    qsort(rows, n, sizeof *rows, by_start);
    rh = n > 400 ? 3 : n > 100 ? 6 : 16;
    labels = rh >= 16;
    h = 16 + (int)n * rh + 4;
    if (n < run->n)
        pf(f,
           "<p class=\"aggregate\">%zu of %zu fetches drawn: every failure (up to %d), "
           "the %d slowest and an even sample of the rest.</p>",
           n, run->n, HTMLREPORT_ROWS / 2, HTMLREPORT_ROWS / 4);
    pf(f,
       "<svg class=\"waterfall\" id=\"waterfall-%d\" data-run=\"%d\" data-axis=\"%.6f\" "
       "data-rows=\"%zu\" data-fetches=\"%zu\" width=\"%d\" height=\"%d\" "
       "viewBox=\"0 0 %d %d\">",
       ri, ri, axis, n, run->n, CHART_X + CHART_W + 40, h, CHART_X + CHART_W + 40, h);
    axis_ticks(f, axis, 14, h - 14);
    for (i = 0; i < n; i++) {
        const struct row *w = rows[i];
        double t = w->start, y = 16 + (double)i * rh;
        if (w->code)
            PL(f, "<g class=\"bar failed\"><title>");
        else
            PL(f, "<g class=\"bar\"><title>");
        esc(f, run->text.buf + w->url_at);
        if (w->code) {
            PL(f, "\nerror: ");
            esc(f, w->err ? run->text.buf + w->err : "");
        }
        PL(f, "\nstatus ");
        pnum(f, w->status);
        PL(f, ", ");
        pnum(f, w->bytes);
        PL(f, " bytes, ");
        fnum(f, w->end - w->start, 3);
        PL(f, " s (start ");
        fnum(f, w->start, 3);
        PL(f, " s, finished #");
        pnum(f, (long long)w->order);
        PL(f, ")\n");
        for (int p = 0; p < PH_COUNT; p++) {
            ps(f, p ? ", " : "");
            ps(f, phase_names[p]);
            pc(f, ' ');
            fnum(f, w->ph[p], 3);
        }
        PL(f, "</title>");
        /* a hairline for the whole fetch, so a zero-length one shows */
        rect(f, xpos(t, axis), y, max2(xpos(w->end, axis) - xpos(t, axis), w->code ? 3 : 1), rh - 1,
             w->code ? "#e04040" : "#eee", NULL);
        for (int p = 0; p < PH_COUNT && !w->code; p++) {
            double x0 = xpos(t, axis), x1 = xpos(t + w->ph[p], axis);
            t += w->ph[p];
            if (x1 - x0 >= 0.2)
                rect(f, x0, y, x1 - x0, rh - 1, phase_colors[p], NULL);
        }
        if (labels)
            pf(f,
               "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">#%lu</text>"
               "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%.3f s%s</text>",
               CHART_X - 4, y + rh - 5, w->order, xpos(w->end, axis) + 3, y + rh - 5,
               w->end - w->start, w->code ? " failed" : "");
        PL(f, "</g>");
    }
    PL(f, "</svg>");
    free(rows);
}

/* The view by connection: one lane per local port a fetch used (a port names one
 * connection at a time), in the order the lanes were first used, each fetch a bar on
 * its lane: reuse shows as bars one after another, HTTP/2 multiplexing as bars that
 * overlap. At most CONN_LANES lanes, the busiest; the page says when there are more. */
enum { CONN_LANES = 300, CONN_RECTS = 20000 };

struct lane {
    long port;
    double first;
    size_t at, n; /* its fetches: rows[at .. at + n) of the rows sorted by port */
};

static int by_port(const void *a, const void *b)
{
    const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
    if (x->conn != y->conn)
        return (x->conn > y->conn) - (x->conn < y->conn);
    return (x->start > y->start) - (x->start < y->start);
}

static int by_busiest(const void *a, const void *b)
{
    const struct lane *x = a, *y = b;
    return (x->n < y->n) - (x->n > y->n);
}

static int by_first(const void *a, const void *b)
{
    const struct lane *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

static void connections(struct page *f, int ri, const struct hrun *run, double axis)
{
    const struct row **rows = malloc((run->n ? run->n : 1) * sizeof *rows);
    struct lane *lanes = malloc((run->n ? run->n : 1) * sizeof *lanes);
    size_t n = 0, nl = 0, shown, drawn = 0, rects = 0;
    int h;

    if (!rows || !lanes)
        goto out;
    for (size_t i = 0; i < run->n; i++)
        if (run->rows[i].conn > 0)
            rows[n++] = &run->rows[i];
    if (n == 0)
        goto out;
    qsort(rows, n, sizeof *rows, by_port);
    for (size_t i = 0; i < n; i++) {
        if (nl == 0 || lanes[nl - 1].port != rows[i]->conn)
            lanes[nl++] = (struct lane){rows[i]->conn, rows[i]->start, i, 0};
        lanes[nl - 1].n++;
        if (rows[i]->start < lanes[nl - 1].first)
            lanes[nl - 1].first = rows[i]->start;
    }
    shown = nl > CONN_LANES ? CONN_LANES : nl;
    if (nl > shown)
        qsort(lanes, nl, sizeof *lanes, by_busiest);
    qsort(lanes, shown, sizeof *lanes, by_first);
    for (size_t l = 0; l < shown; l++)
        drawn += lanes[l].n;
    pf(f, "<h3>By connection</h3><p>%zu fetches on %zu connections", n, nl);
    if (nl > shown)
        pf(f, " (the %zu busiest drawn)", shown);
    PL(f, ": bars one after another on a lane are a kept connection reused; bars that "
          "overlap are streams multiplexed on one connection.</p>");
    h = 16 + (int)shown * 8 + 4;
    pf(f,
       "<svg class=\"connections\" id=\"connections-%d\" data-run=\"%d\" "
       "data-conns=\"%zu\" data-fetches=\"%zu\" width=\"%d\" height=\"%d\" "
       "viewBox=\"0 0 %d %d\">",
       ri, ri, nl, drawn, CHART_X + CHART_W + 40, h, CHART_X + CHART_W + 40, h);
    axis_ticks(f, axis, 14, h - 14);
    for (size_t l = 0; l < shown; l++) {
        double y = 16 + (double)l * 8;
        pf(f, "<g class=\"lane\"><title>local port %ld: %zu fetch%s</title>", lanes[l].port,
           lanes[l].n, lanes[l].n == 1 ? "" : "es");
        /* Bars closer than a pixel are one span (failures apart), so a page of 100,000
         * fetches stays small; CONN_RECTS bounds it whatever the timing. */
        double x0 = -1, x1 = -1;
        int failed = 0;
        for (size_t i = lanes[l].at, end = i + lanes[l].n; i <= end; i++) {
            const struct row *w = i < end ? rows[i] : NULL;
            double a = 0, b = 0;
            if (w) {
                a = xpos(w->start + w->ph[PH_QUEUE], axis); /* on the connection */
                b = max2(xpos(w->end, axis), a + 1);
                if (x0 >= 0 && a <= x1 + 1 && !w->code && !failed) {
                    x1 = max2(x1, b);
                    continue;
                }
            }
            if (x0 >= 0 && rects < CONN_RECTS) {
                rect(f, x0, y, x1 - x0, 7, failed ? "#e04040" : "#4a7fc1", "fill-opacity=\"0.6\"");
                rects++;
            }
            if (w) {
                x0 = a;
                x1 = b;
                failed = w->code != 0;
            }
        }
        PL(f, "</g>");
    }
    PL(f, "</svg>");
out:
    free(rows);
    free(lanes);
}

static void legend(struct page *f)
{
    PL(f, "<div class=\"legend\">");
    for (int p = 0; p < PH_COUNT; p++)
        pf(f, "<span><i style=\"background:%s\"></i>%s</span>", phase_colors[p], phase_names[p]);
    PL(f, "<span><i style=\"background:#e04040\"></i>failed</span>"
          "<span>#N: finish order</span></div>");
}

static void compare(struct page *f, const struct hrun *base, const struct hrun *conc)
{
    double sum = 0;

    for (size_t i = 0; i < conc->n; i++)
        sum += conc->rows[i].end - conc->rows[i].start;
    pf(f, "<div class=\"compare\"><p><b>");
    esc(f, base->label);
    pf(f, "</b> took <span class=\"wall\">%.3f s</span>, <b>", base->wall);
    esc(f, conc->label);
    pf(f,
       "</b> <span class=\"wall\">%.3f s</span>: speedup <b class=\"speedup\">%.2fx</b> "
       "(sum of the concurrent fetch times %.3f s).</p><p>The sync run takes the sum of "
       "the fetches; the concurrent one about the longest. Both are drawn on one time "
       "axis.</p></div>",
       conc->wall, conc->wall > 0 ? base->wall / conc->wall : 0, sum);
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222;background:#fff}"
    "h1{font-size:20px}h2{font-size:17px;margin-top:28px}h3{font-size:13px;margin:0}"
    ".summary{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}"
    "table{border-collapse:collapse}th,td{padding:2px 8px;text-align:left}"
    "th{font-weight:600;color:#555}.legend{margin:10px 0}"
    ".legend span{margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;"
    "margin-right:4px;vertical-align:middle}.compare{background:#f4f7fb;padding:8px 12px}"
    "svg.waterfall{display:block;border:1px solid #eee;margin-top:8px}"
    ".aggregate{color:#a05000}";

int htmlreport_close(struct htmlreport *hr, int *errp)
{
    struct page pg = {STRBUF_INIT, NULL, 0}, *f = &pg;
    double axis = 0, *times = NULL;
    size_t most = 1;
    int e;

    if (!hr) {
        if (errp)
            *errp = 0;
        return 0;
    }
    pg.f = hr->f;
    for (int i = 0; i < hr->nruns; i++) {
        axis = max2(axis, hr->runs[i].wall);
        for (size_t j = 0; j < hr->runs[i].n; j++)
            axis = max2(axis, hr->runs[i].rows[j].end);
        if (hr->runs[i].n > most)
            most = hr->runs[i].n;
    }
    times = malloc(most * sizeof *times);
    if (!times && !hr->err)
        hr->err = ENOMEM;
    pf(f,
       "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<title>cofetch report</title><style>%s</style></head><body>\n",
       style);
    {
        time_t now = time(NULL);
        struct tm tm;
        char when[64];
        gmtime_r(&now, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
        pf(f, "<h1>cofetch report</h1><p>%s, %d run%s, one time axis of %.3f s.</p>\n", when,
           hr->nruns, hr->nruns == 1 ? "" : "s", axis);
    }
    legend(f);
    for (int i = 0; i < hr->nruns && times; i++) {
        const struct hrun *run = &hr->runs[i];
        if (i > 0 && hr->runs[i - 1].baseline)
            compare(f, &hr->runs[i - 1], run);
        pf(f, "<section class=\"run\" id=\"run-%d\"><h2>", i);
        esc(f, run->label);
        PL(f, "</h2>\n");
        summary(f, run, times);
        waterfall(f, i, run, axis);
        connections(f, i, run, axis);
        PL(f, "</section>\n");
    }
    PL(f, "</body></html>\n");
    page_flush(&pg);
    sb_free(&pg.sb);
    free(times);
    e = hr->err ? hr->err : pg.err;
    if (ferror(hr->f) && !e)
        e = EIO;
    if (fclose(hr->f) && !e)
        e = errno;
    for (int i = 0; i < hr->nruns; i++) {
        sb_free(&hr->runs[i].text);
        free(hr->runs[i].rows);
    }
    free(hr);
    if (errp)
        *errp = e;
    return e ? CF_EIO : 0;
}
