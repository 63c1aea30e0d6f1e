/*
 * options.c - the command line: one sorted table, one enum value and one switch case per
 * option, curl's names and meanings wherever a concept matches curl's. --help is
 * generated from the same table, so it cannot drift from what is parsed.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/exitcode.h"
#include "base/strbuf.h"
#include "cofetch/error.h"
#include "input/linecheck.h"
#include "options/options.h"
#include "output/writeout.h"
#include "run/mode.h"
#include "run/template.h"

enum opt {
    O_BODY,
    O_CACERT,
    O_CAPATH,
    O_COMPARE,
    O_COMPRESSED,
    O_CONNECT_TIMEOUT,
    O_DATA,
    O_DEMO,
    O_FAIL,
    O_FAIL_FAST,
    O_HAR,
    O_HEADER,
    O_HELP,
    O_HTTP1_1,
    O_HTTP2,
    O_INPUT,
    O_INSECURE,
    O_JOURNAL,
    O_JSON,
    O_LOCATION,
    O_MAX_FILESIZE,
    O_MAX_REDIRS,
    O_MAX_TIME,
    O_MODE,
    O_NO_CLOBBER,
    O_OUTPUT_DIR,
    O_PARALLEL,
    O_PER_HOST,
    O_PROTO,
    O_RATE,
    O_REPORT,
    O_REQUEST,
    O_RETRY,
    O_RETRY_DELAY,
    O_RETRY_FAILED,
    O_SERVE,
    O_SHARD,
    O_SILENT,
    O_SPEED_LIMIT,
    O_SPEED_TIME,
    O_SUMMARY,
    O_SYNC,
    O_THEN,
    O_TIMELINE,
    O_USER_AGENT,
    O_VERBOSE,
    O_VERSION,
    O_WORKERS,
    O_WRITE_OUT,
};

enum arg { ARG_NONE, ARG_REQ, ARG_OPT };
enum group { G_INPUT, G_MODE, G_OUTPUT, G_FETCH, G_OTHER, G_COUNT };

struct option {
    const char *lname;
    char sname;
    enum arg arg;
    enum opt id;
    enum group group;
    const char *argname;
    const char *help;
};

/* Sorted by long name. */
static const struct option table[] = {
    {"body", 0, ARG_NONE, O_BODY, G_OUTPUT, NULL, "write the bodies alone to stdout"},
    {"cacert", 0, ARG_REQ, O_CACERT, G_FETCH, "FILE", "CA bundle to verify peers with"},
    {"capath", 0, ARG_REQ, O_CAPATH, G_FETCH, "DIR", "CA directory (hashed) to verify peers with"},
    {"compare", 0, ARG_NONE, O_COMPARE, G_MODE, NULL,
     "run with --sync, then the mode; show both (fetches twice)"},
    {"compressed", 0, ARG_NONE, O_COMPRESSED, G_FETCH, NULL, "ask for a compressed response"},
    {"connect-timeout", 0, ARG_REQ, O_CONNECT_TIMEOUT, G_FETCH, "SECS", "longest time to connect"},
    {"data", 'd', ARG_REQ, O_DATA, G_FETCH, "DATA", "POST this body (@FILE reads a file)"},
    {"demo", 0, ARG_NONE, O_DEMO, G_OTHER, NULL, "show sync vs gather, a queue and a chain"},
    {"fail", 'f', ARG_NONE, O_FAIL, G_FETCH, NULL, "HTTP status >= 400 is a failure"},
    {"fail-fast", 0, ARG_NONE, O_FAIL_FAST, G_FETCH, NULL,
     "stop at the first failure, cancel the rest"},
    {"har", 0, ARG_REQ, O_HAR, G_OUTPUT, "FILE", "write every fetch to FILE as a HAR 1.2 log"},
    {"header", 'H', ARG_REQ, O_HEADER, G_FETCH, "LINE", "add a request header (repeatable)"},
    {"help", 'h', ARG_NONE, O_HELP, G_OTHER, NULL, "this help"},
    {"http1.1", 0, ARG_NONE, O_HTTP1_1, G_FETCH, NULL, "use HTTP/1.1"},
    {"http2", 0, ARG_NONE, O_HTTP2, G_FETCH, NULL, "use HTTP/2"},
    {"input", 'i', ARG_REQ, O_INPUT, G_INPUT, "FILE",
     "read URLs from FILE, one a line ('-' is stdin; repeatable)"},
    {"insecure", 'k', ARG_NONE, O_INSECURE, G_FETCH, NULL, "skip TLS certificate checks"},
    {"journal", 0, ARG_REQ, O_JOURNAL, G_INPUT, "FILE",
     "record finished lines in FILE; a rerun skips them (resume)"},
    {"jsonl", 0, ARG_NONE, O_JSON, G_OUTPUT, NULL, "one JSON object per fetch (JSON Lines)"},
    {"location", 'L', ARG_NONE, O_LOCATION, G_FETCH, NULL, "follow redirects (off by default)"},
    {"max-filesize", 0, ARG_REQ, O_MAX_FILESIZE, G_FETCH, "BYTES",
     "largest body accepted (k/M/G suffixes)"},
    {"max-redirs", 0, ARG_REQ, O_MAX_REDIRS, G_FETCH, "N", "most redirects with -L (10)"},
    {"max-time", 'm', ARG_REQ, O_MAX_TIME, G_FETCH, "SECS", "longest time for one fetch"},
    {"mode", 0, ARG_REQ, O_MODE, G_MODE, "MODE", "gather (default), queue or chain"},
    {"no-clobber", 0, ARG_NONE, O_NO_CLOBBER, G_OUTPUT, NULL, "with -o, keep existing files"},
    {"output-dir", 'o', ARG_REQ, O_OUTPUT_DIR, G_OUTPUT, "DIR",
     "save each body in DIR, named after its URL"},
    {"parallel", 'j', ARG_REQ, O_PARALLEL, G_MODE, "N", "at most N at once (50; 0 = no limit)"},
    {"per-host", 0, ARG_REQ, O_PER_HOST, G_FETCH, "N", "at most N connections per host"},
    {"proto", 0, ARG_REQ, O_PROTO, G_INPUT, "LIST",
     "allowed schemes, curl syntax (default http,https)"},
    {"rate", 0, ARG_REQ, O_RATE, G_FETCH, "N[/U]", "at most N fetch starts per s (or /m, /h, /d)"},
    {"report", 0, ARG_REQ, O_REPORT, G_OUTPUT, "FILE",
     "write an HTML report (waterfall, summary) to FILE"},
    {"request", 'X', ARG_REQ, O_REQUEST, G_FETCH, "METHOD", "request method"},
    {"retry", 0, ARG_REQ, O_RETRY, G_FETCH, "N", "retry transient failures N times"},
    {"retry-delay", 0, ARG_REQ, O_RETRY_DELAY, G_FETCH, "SECS", "first retry wait (1)"},
    {"retry-failed", 0, ARG_NONE, O_RETRY_FAILED, G_INPUT, NULL,
     "with --journal, redo the lines that failed before"},
    {"serve", 0, ARG_OPT, O_SERVE, G_OTHER, "[PORT]", "run the demo server until Ctrl-C"},
    {"shard", 0, ARG_REQ, O_SHARD, G_INPUT, "K/N", "only lines in shard K of N (1 <= K <= N)"},
    {"silent", 's', ARG_NONE, O_SILENT, G_OUTPUT, NULL, "no summary, no progress"},
    {"speed-limit", 'Y', ARG_REQ, O_SPEED_LIMIT, G_FETCH, "BYTES",
     "abort a fetch slower than BYTES/s for --speed-time (1)"},
    {"speed-time", 'y', ARG_REQ, O_SPEED_TIME, G_FETCH, "SECS", "... for this long (60; 0: never)"},
    {"summary", 0, ARG_NONE, O_SUMMARY, G_OUTPUT, NULL, "print the summary even if not a tty"},
    {"sync", 0, ARG_NONE, O_SYNC, G_MODE, NULL, "one fetch at a time, in order (the baseline)"},
    {"then", 0, ARG_REQ, O_THEN, G_MODE, "TEMPLATE",
     "chain step: {url} {effective_url} {status} {body} {header:N} {line}"},
    {"timeline", 0, ARG_NONE, O_TIMELINE, G_OUTPUT, NULL, "timing table and Gantt chart"},
    {"user-agent", 'A', ARG_REQ, O_USER_AGENT, G_FETCH, "NAME", "User-Agent to send"},
    {"verbose", 'v', ARG_NONE, O_VERBOSE, G_OUTPUT, NULL, "details of each fetch on stderr"},
    {"version", 'V', ARG_NONE, O_VERSION, G_OTHER, NULL, "versions of cofetch and its libraries"},
    {"workers", 0, ARG_REQ, O_WORKERS, G_MODE, "N", "queue mode: N workers (same as -j)"},
    {"write-out", 'w', ARG_REQ, O_WRITE_OUT, G_OUTPUT, "FORMAT",
     "curl's -w variables per fetch (@FILE reads it)"},
};
enum { NOPTS = sizeof table / sizeof table[0] };

static const char *const group_names[G_COUNT] = {"Input", "Modes", "Output", "Fetch", "Other"};

/* ---- value parsers: 0 or -1 (the caller reports) ---- */

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_secs(const char *s, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v == v) || v < 0 || v > 1e7)
        return -1;
    *out = v;
    return 0;
}

/* "1000", "64k", "10M", "1G" (binary multiples, like curl). */
static int parse_size(const char *s, long long *out)
{
    char *end;
    long long v;
    long long mult = 1;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || v < 0)
        return -1;
    switch (*end) {
    case 'k':
    case 'K': mult = 1LL << 10, end++; break;
    case 'm':
    case 'M': mult = 1LL << 20, end++; break;
    case 'g':
    case 'G': mult = 1LL << 30, end++; break;
    }
    if (*end || v > LLONG_MAX / mult)
        return -1;
    *out = v * mult;
    return 0;
}

/* "N", "N/s", "N/m", "N/h", "N/d": requests per second. A bare N is per second (curl's
 * bare --rate is per hour; here the spec of the command wants seconds). */
static int parse_rate(const char *s, double *out)
{
    char *end;
    double v, per = 1;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || !(v == v) || v <= 0)
        return -1;
    if (*end == '/') {
        switch (end[1]) {
        case 's': per = 1; break;
        case 'm': per = 60; break;
        case 'h': per = 3600; break;
        case 'd': per = 86400; break;
        default: return -1;
        }
        end += 2;
    }
    if (*end)
        return -1;
    *out = v / per;
    return 0;
}

static int parse_shard(const char *s, unsigned long *k, unsigned long *n)
{
    char *end;
    unsigned long a, b;

    errno = 0;
    a = strtoul(s, &end, 10);
    if (errno || end == s || *end != '/' || !isdigit((unsigned char)*s))
        return -1;
    s = end + 1;
    b = strtoul(s, &end, 10);
    if (errno || end == s || *end || !isdigit((unsigned char)*s) || b == 0 || a < 1 || a > b)
        return -1;
    *k = a;
    *n = b;
    return 0;
}

/* curl's --proto: comma-separated schemes, each optionally prefixed with '+' (add, the
 * default), '-' (remove) or '=' (only these). */
static int parse_proto(const char *s, char *protos, size_t cap)
{
    char set[16][16];
    size_t n = 0;
    const char *p;

    for (p = protos; *p;) {
        size_t len = strcspn(p, ",");
        if (len && len < sizeof set[0] && n < 16)
            snprintf(set[n++], sizeof set[0], "%.*s", (int)len, p);
        p += len + (p[len] == ',');
    }
    for (p = s; *p;) {
        size_t len = strcspn(p, ",");
        char op = '+';
        const char *name = p;
        if (len && (*p == '+' || *p == '-' || *p == '=')) {
            op = *p;
            name++;
        }
        size_t nlen = len - (size_t)(name - p);
        if (nlen == 0 || nlen >= sizeof set[0])
            return -1;
        for (size_t i = 0; i < nlen; i++)
            if (!isalnum((unsigned char)name[i]) && name[i] != '+' && name[i] != '.' &&
                name[i] != '-')
                return -1;
        if (op == '=')
            n = 0;
        for (size_t i = 0; i < n; i++)
            if (strlen(set[i]) == nlen && strncasecmp(set[i], name, nlen) == 0) {
                memmove(set[i], set[i + 1], (n - i - 1) * sizeof set[0]);
                n--;
                break;
            }
        if (op != '-') {
            if (n == 16)
                return -1;
            snprintf(set[n++], sizeof set[0], "%.*s", (int)nlen, name);
        }
        p += len + (p[len] == ',');
    }
    protos[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(protos);
        snprintf(protos + used, cap - used, "%s%s", i ? "," : "", set[i]);
    }
    return 0;
}

/* Reads a whole file ("-": stdin) for -d @FILE and -w @FILE. */
/* Whether path is a readable file holding a PEM certificate: 0, or -1. A bad CA file
 * fails here, naming it, instead of failing every https fetch on its own. */
static int check_pem(const char *path)
{
    FILE *f = fopen(path, "rb");
    char line[256];
    int found = 0;

    if (!f)
        return -1;
    while (!found && fgets(line, sizeof line, f))
        found = strncmp(line, "-----BEGIN CERTIFICATE-----", 27) == 0 ||
                strncmp(line, "-----BEGIN TRUSTED CERTIFICATE-----", 35) == 0;
    fclose(f);
    return found ? 0 : -1;
}

static int slurp(const char *path, struct strbuf *out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char buf[8192];
    size_t n;
    int rc = 0;

    if (!f)
        return CF_EIO;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, f)) > 0)
        rc = sb_add(out, buf, n);
    if (rc == 0 && ferror(f))
        rc = CF_EIO;
    if (f != stdin)
        fclose(f);
    return rc;
}

static int push(const char ***arr, size_t *n, const char *s, int null_end)
{
    const char **p = realloc(*arr, (*n + 1 + (null_end ? 1 : 0)) * sizeof *p);
    if (!p)
        return CF_ENOMEM;
    p[(*n)++] = s;
    if (null_end)
        p[*n] = NULL;
    *arr = p;
    return 0;
}

struct parser {
    struct config *cfg;
    FILE *err;
    int format_given[4];
    const char *stdin_by; /* the option that read stdin (-d @-, -w @-), or NULL */
};

/* An option value "@-" reads stdin: once at most. 0 or EXIT_USAGE. */
static int usage(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int take_stdin(struct parser *ps, const char *val, const char *opt)
{
    if (strcmp(val, "@-") != 0)
        return 0;
    if (ps->stdin_by)
        return usage(ps, "%s @- and %s @- would both read stdin: give one of them a file",
                     ps->stdin_by, opt);
    ps->stdin_by = opt;
    return 0;
}

/* Reports a usage problem in one line plus the hint; returns EXIT_USAGE. */
static int usage(struct parser *ps, const char *fmt, ...)
{
    va_list ap;
    fputs("cofetch: ", ps->err);
    va_start(ap, fmt);
    vfprintf(ps->err, fmt, ap);
    va_end(ap);
    fputs("\ncofetch: try 'cofetch --help' for more information\n", ps->err);
    return EXIT_USAGE;
}

#define BAD_VALUE(what) usage(ps, "option --%s: %s expected, got '%s'", o->lname, what, val)

static int apply(struct parser *ps, const struct option *o, const char *val)
{
    struct config *cfg = ps->cfg;
    char err[256] = "";
    long l;

    switch (o->id) {
    case O_BODY: /* --body */
        cfg->format = OUT_BODY;
        ps->format_given[OUT_BODY] = 1;
        break;
    case O_CACERT: /* --cacert */
        if (check_pem(val))
            return usage(ps, "option --cacert: '%s' is no readable PEM file of certificates", val);
        cfg->cacert = val;
        break;
    case O_CAPATH: /* --capath */ {
        struct stat st;
        if (stat(val, &st) != 0 || !S_ISDIR(st.st_mode))
            return usage(ps, "option --capath: '%s' is no directory", val);
        cfg->capath = val;
        break;
    }
    case O_COMPARE: /* --compare */ cfg->compare = 1; break;
    case O_COMPRESSED: /* --compressed */ cfg->compressed = 1; break;
    case O_CONNECT_TIMEOUT: /* --connect-timeout */
        if (parse_secs(val, &cfg->connect_timeout))
            return BAD_VALUE("seconds");
        break;
    case O_DATA: { /* -d, --data */
        struct strbuf sb = STRBUF_INIT;
        int rc = take_stdin(ps, val, "--data");
        if (rc)
            return rc;
        rc = val[0] == '@' ? slurp(val + 1, &sb) : sb_adds(&sb, val);
        if (rc) {
            sb_free(&sb);
            return usage(ps, "option --data: cannot read '%s'", val + 1);
        }
        free(cfg->data);
        cfg->data_len = sb.len;
        cfg->data = sb.buf ? sb.buf : calloc(1, 1);
        break;
    }
    case O_DEMO: /* --demo */ cfg->demo = 1; break;
    case O_FAIL: /* -f, --fail */ cfg->fail = 1; break;
    case O_FAIL_FAST: /* --fail-fast */ cfg->fail_fast = 1; break;
    case O_HEADER: /* -H, --header */
        if (!strchr(val, ':') && !strchr(val, ';'))
            return usage(ps, "option --header: 'Name: value' expected, got '%s'", val);
        if (push(&cfg->headers, &cfg->nheaders, val, 1))
            return usage(ps, "out of memory");
        break;
    case O_HELP: /* -h, --help */ cfg->help = 1; break;
    case O_HTTP1_1: /* --http1.1 */ cfg->http_version = CF_HTTP_1_1; break;
    case O_HTTP2: /* --http2 */ cfg->http_version = CF_HTTP_2; break;
    case O_INPUT: /* -i, --input */
        if (push(&cfg->inputs, &cfg->ninputs, val, 0))
            return usage(ps, "out of memory");
        break;
    case O_INSECURE: /* -k, --insecure */ cfg->insecure = 1; break;
    case O_HAR: /* --har */ cfg->har = val; break;
    case O_REPORT: /* --report */ cfg->report = val; break;
    case O_JOURNAL: /* --journal */ cfg->journal = val; break;
    case O_JSON: /* --jsonl */
        cfg->format = OUT_JSON;
        ps->format_given[OUT_JSON] = 1;
        break;
    case O_LOCATION: /* -L, --location */ cfg->location = 1; break;
    case O_MAX_FILESIZE: /* --max-filesize */
        if (parse_size(val, &cfg->max_filesize))
            return BAD_VALUE("a size in bytes");
        break;
    case O_MAX_REDIRS: /* --max-redirs */
        if (parse_long(val, -1, 100000, &cfg->max_redirs))
            return BAD_VALUE("a number");
        break;
    case O_MAX_TIME: /* -m, --max-time */
        if (parse_secs(val, &cfg->max_time))
            return BAD_VALUE("seconds");
        break;
    case O_MODE: /* --mode */
        cfg->mode = mode_find(val);
        if (!cfg->mode)
            return BAD_VALUE("gather, queue or chain");
        cfg->mode_given = 1;
        break;
    case O_NO_CLOBBER: /* --no-clobber */ cfg->no_clobber = 1; break;
    case O_OUTPUT_DIR: /* -o, --output-dir */ cfg->outdir = val; break;
    case O_PARALLEL: /* -j, --parallel */
    case O_WORKERS:  /* --workers */
        if (parse_long(val, 0, 1000000, &cfg->parallel))
            return BAD_VALUE("a number from 0");
        break;
    case O_PER_HOST: /* --per-host */
        if (parse_long(val, 0, 1000000, &cfg->per_host))
            return BAD_VALUE("a number");
        break;
    case O_PROTO: /* --proto */
        if (parse_proto(val, cfg->protos, sizeof cfg->protos))
            return BAD_VALUE("a list like '=https' or 'http,https'");
        break;
    case O_RATE: /* --rate */
        if (parse_rate(val, &cfg->rate))
            return BAD_VALUE("N, N/s, N/m, N/h or N/d");
        break;
    case O_REQUEST: /* -X, --request */ cfg->method = val; break;
    case O_RETRY: /* --retry */
        if (parse_long(val, 0, 1000, &l))
            return BAD_VALUE("a number");
        cfg->retry = (int)l;
        break;
    case O_RETRY_DELAY: /* --retry-delay */
        if (parse_secs(val, &cfg->retry_delay))
            return BAD_VALUE("seconds");
        break;
    case O_RETRY_FAILED: /* --retry-failed */ cfg->retry_failed = 1; break;
    case O_SERVE: /* --serve [PORT] */
        cfg->serve = 1;
        if (val && parse_long(val, 0, 65535, &l))
            return BAD_VALUE("a port");
        cfg->serve_port = val ? (int)l : 0;
        break;
    case O_SHARD: /* --shard */
        if (parse_shard(val, &cfg->shard_k, &cfg->shard_n))
            return BAD_VALUE("K/N with 1 <= K <= N");
        break;
    case O_SILENT: /* -s, --silent */ cfg->silent = 1; break;
    case O_SUMMARY: /* --summary */ cfg->summary = 1; break;
    case O_SPEED_LIMIT: /* -Y, --speed-limit */
        if (parse_long(val, 0, LONG_MAX, &cfg->speed_limit))
            return BAD_VALUE("bytes per second");
        break;
    case O_SPEED_TIME: /* -y, --speed-time */
        if (parse_secs(val, &cfg->speed_time))
            return BAD_VALUE("seconds");
        break;
    case O_SYNC: /* --sync */ cfg->sync = 1; break;
    case O_THEN: { /* --then */
        struct tmpl *t;
        struct tmpl **p;
        int rc = tmpl_compile(val, &t, err, sizeof err);
        if (rc)
            return usage(ps, "option --then: %s", err);
        p = realloc(cfg->thens, (cfg->nthens + 1) * sizeof *p);
        if (!p) {
            tmpl_free(t);
            return usage(ps, "out of memory");
        }
        p[cfg->nthens++] = t;
        cfg->thens = p;
        break;
    }
    case O_TIMELINE: /* --timeline */ cfg->timeline = 1; break;
    case O_USER_AGENT: /* -A, --user-agent */ cfg->user_agent = val; break;
    case O_VERBOSE: /* -v, --verbose */ cfg->verbose = 1; break;
    case O_VERSION: /* -V, --version */ cfg->version = 1; break;
    case O_WRITE_OUT: { /* -w, --write-out */
        struct strbuf sb = STRBUF_INIT;
        const char *fmt = val;
        int rc = take_stdin(ps, val, "--write-out");
        if (rc)
            return rc;
        if (val[0] != '@' && strstr(val, "://") && !strchr(val, '%'))
            return usage(ps,
                         "option --write-out: '%s' is a URL, not a format: the format comes "
                         "first (-w FORMAT URL...)",
                         val);
        if (val[0] == '@') {
            if (slurp(val + 1, &sb)) {
                sb_free(&sb);
                return usage(ps, "option --write-out: cannot read '%s'", val + 1);
            }
            fmt = sb_cstr(&sb);
        }
        writeout_free(cfg->writeout);
        cfg->writeout = NULL;
        rc = writeout_compile(fmt, &cfg->writeout, err, sizeof err);
        sb_free(&sb);
        if (rc)
            return usage(ps, "option --write-out: %s", err);
        cfg->format = OUT_WRITEOUT;
        ps->format_given[OUT_WRITEOUT] = 1;
        break;
    }
    }
    return 0;
}

static const struct option *find_long(const char *name, size_t len)
{
    size_t lo = 0, hi = NOPTS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(table[mid].lname, name, len);
        if (c == 0 && table[mid].lname[len] == '\0')
            return &table[mid];
        if (c == 0)
            c = 1; /* table name is longer: it sorts after */
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const struct option *find_short(char c)
{
    for (size_t i = 0; i < NOPTS; i++)
        if (table[i].sname == c)
            return &table[i];
    return NULL;
}

static int is_port(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* Checks that span options; 0 or EXIT_USAGE. */
static int check(struct parser *ps)
{
    struct config *cfg = ps->cfg;
    int formats =
        ps->format_given[OUT_JSON] + ps->format_given[OUT_WRITEOUT] + ps->format_given[OUT_BODY];

    if (formats > 1)
        return usage(ps, "--jsonl, --write-out and --body each take stdout: choose one");
    if (cfg->nthens) {
        if (cfg->mode_given && !(cfg->mode->flags & MODE_STEPS))
            return usage(ps, "--then makes a chain: it cannot be used with --mode %s",
                         cfg->mode->name);
        if (!cfg->mode_given)
            cfg->mode = mode_find("chain");
    }
    for (size_t i = 0; i < cfg->nurls && !cfg->help && !cfg->version; i++) {
        size_t len = strlen(cfg->urls[i]);
        line_trim(cfg->urls[i], &len);
        if (len == 0)
            return usage(ps, "URL argument %zu is empty", i + 1);
    }
    if (ps->stdin_by && !cfg->demo && !cfg->serve && !cfg->help && !cfg->version) {
        int from_stdin = cfg->nurls == 0 && cfg->ninputs == 0;
        for (size_t i = 0; i < cfg->ninputs; i++)
            from_stdin |= strcmp(cfg->inputs[i], "-") == 0;
        if (from_stdin)
            return usage(ps,
                         "%s @- reads stdin, so the URLs cannot come from it too: give them as "
                         "arguments or with -i FILE",
                         ps->stdin_by);
    }
    if (cfg->compare && cfg->sync)
        return usage(ps, "--compare already runs the batch with --sync: drop --sync");
    if ((cfg->mode->flags & MODE_WORKERS) && cfg->parallel == 0)
        return usage(ps, "%s mode needs a number of workers (-j N with N >= 1)", cfg->mode->name);
    if (cfg->no_clobber && !cfg->outdir)
        return usage(ps, "--no-clobber needs --output-dir");
    if (cfg->retry_failed && !cfg->journal)
        return usage(ps, "--retry-failed needs --journal");
    return 0;
}

void config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->protos, sizeof cfg->protos, "http,https");
    cfg->parallel = DEFAULT_PARALLEL;
    cfg->summary = -1;
    cfg->max_redirs = 10;
    cfg->retry_delay = 1.0;
    cfg->http_version = CF_HTTP_ANY;
    cfg->mode = mode_default();
    cfg->speed_limit = 1; /* nothing at all for a minute: a stalled fetch */
    cfg->speed_time = 60;
}

void config_free(struct config *cfg)
{
    free(cfg->urls);
    free(cfg->inputs);
    free(cfg->headers);
    for (size_t i = 0; i < cfg->nthens; i++)
        tmpl_free(cfg->thens[i]);
    free(cfg->thens);
    writeout_free(cfg->writeout);
    free(cfg->data);
    memset(cfg, 0, sizeof *cfg);
}

int options_parse(struct config *cfg, int argc, char **argv, FILE *err)
{
    struct parser ps = {.cfg = cfg, .err = err};
    int only_urls = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct option *o;
        const char *val = NULL;
        int rc;

        if (only_urls || a[0] != '-' || a[1] == '\0') {
            if (push(&cfg->urls, &cfg->nurls, a, 0))
                return usage(&ps, "out of memory");
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_urls = 1;
            continue;
        }
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(name, len);
            if (!o)
                return usage(&ps, "option --%.*s: is unknown", (int)len, name);
            if (eq && o->arg == ARG_NONE)
                return usage(&ps, "option --%s: takes no value", o->lname);
            if (eq)
                val = eq + 1;
            else if (o->arg == ARG_REQ) {
                if (i + 1 >= argc)
                    return usage(&ps, "option --%s: needs %s", o->lname, o->argname);
                val = argv[++i];
            } else if (o->arg == ARG_OPT && i + 1 < argc && is_port(argv[i + 1]))
                val = argv[++i];
            rc = apply(&ps, o, val);
            if (rc)
                return rc;
            continue;
        }
        /* A cluster of short options: -sL, -j4, -j 4, -Hfoo. */
        for (const char *p = a + 1; *p; p++) {
            o = find_short(*p);
            if (!o)
                return usage(&ps, "option -%c: is unknown", *p);
            val = NULL;
            if (o->arg == ARG_REQ) {
                if (p[1])
                    val = p + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                else
                    return usage(&ps, "option -%c: needs %s", *p, o->argname);
            }
            rc = apply(&ps, o, val);
            if (rc)
                return rc;
            if (val)
                break;
        }
    }
    return check(&ps);
}

void options_help(FILE *out)
{
    fputs("Usage: cofetch [options] [URL...]\n"
          "Fetch many URLs at once on an async core, and show why that is faster.\n"
          "URLs come from the arguments, -i files, or stdin (one a line; blank lines and\n"
          "lines starting with '#' are skipped).\n",
          out);
    for (int g = 0; g < G_COUNT; g++) {
        fprintf(out, "\n%s:\n", group_names[g]);
        for (size_t i = 0; i < NOPTS; i++) {
            const struct option *o = &table[i];
            char left[48];
            if (o->group != (enum group)g)
                continue;
            snprintf(left, sizeof left, "%c%c%c --%s%s%s", o->sname ? '-' : ' ',
                     o->sname ? o->sname : ' ', o->sname ? ',' : ' ', o->lname,
                     o->argname ? " " : "", o->argname ? o->argname : "");
            fprintf(out, " %-31s %s\n", left, o->help);
        }
    }
    fputs("\nResume: with --journal FILE every finished input line is appended to FILE as\n"
          "'STATUS<TAB>SOURCE<TAB>LINE<TAB>URL' (STATUS ok or failed), right after its\n"
          "record is written to stdout. Running the same command again skips the lines\n"
          "journaled ok, and those journaled failed unless --retry-failed is given; skipped\n"
          "lines give no record. Lines in flight when the run stopped are not journaled:\n"
          "they are redone.\n",
          out);
    fputs("\nExit codes: 0 every fetch succeeded, 1 at least one failed, 2 usage error,\n"
          "3 a file could not be read or written (input, stdout, journal, -o),\n"
          "130 interrupted (SIGINT, SIGTERM or SIGHUP).\n",
          out);
}

void options_each(void (*fn)(void *ctx, const char *lname, char sname), void *ctx)
{
    for (size_t i = 0; i < NOPTS; i++)
        fn(ctx, table[i].lname, table[i].sname);
}
