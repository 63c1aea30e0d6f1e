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
#include <time.h>

#include <curl/curl.h>

#include "base/exitcode.h"
#include "base/strbuf.h"
#include "cofetch/error.h"
#include "input/linecheck.h"
#include "options/curlnames.h"
#include "options/form.h"
#include "options/curlrc.h"
#include "options/data.h"
#include "options/options.h"
#include "output/writeout.h"
#include "run/mode.h"
#include "run/template.h"

enum opt {
    O_BODY,
    O_CACERT,
    O_CERT,
    O_CAPATH,
    O_COLSEP,
    O_COMPARE,
    O_COMPRESSED,
    O_CONFIG,
    O_CONNECT_TIMEOUT,
    O_CONTINUE_AT,
    O_CONNECT_TO,
    O_COOKIE,
    O_COOKIE_JAR,
    O_CREATE_DIRS,
    O_DATA,
    O_DATA_BINARY,
    O_DATA_RAW,
    O_DATA_URLENCODE,
    O_DEMO,
    O_DUMP_HEADER,
    O_ETAG_COMPARE,
    O_ETAG_SAVE,
    O_FAIL,
    O_FAIL_FAST,
    O_FORM,
    O_FORM_STRING,
    O_GET,
    O_HAR,
    O_HEAD,
    O_HEADER,
    O_HELP,
    O_HTTP1_1,
    O_HTTP2,
    O_INCLUDE,
    O_INPUT,
    O_INPUT_FORMAT,
    O_INSECURE,
    O_INTERFACE,
    O_IPV4,
    O_IPV6,
    O_JOURNAL,
    O_JSON,
    O_JSONL,
    O_JSONL_BODY,
    O_JSONL_HEADERS,
    O_KEY,
    O_LIMIT_RATE,
    O_LOCATION,
    O_MAX_FILESIZE,
    O_MAX_REDIRS,
    O_MAX_TIME,
    O_MODE,
    O_NEXT,
    O_NO_CLOBBER,
    O_NOPROXY,
    O_OAUTH2_BEARER,
    O_OUTPUT,
    O_OUTPUT_DIR,
    O_PARALLEL,
    O_PARALLEL_MAX,
    O_PER_HOST,
    O_PROTO,
    O_PROXY,
    O_PROXY_USER,
    O_RANGE,
    O_RATE,
    O_REFERER,
    O_REMOTE_NAME,
    O_REMOTE_NAME_ALL,
    O_REPORT,
    O_REQUEST,
    O_RESOLVE,
    O_RETRY,
    O_RETRY_ALL_ERRORS,
    O_RETRY_CONNREFUSED,
    O_RETRY_DELAY,
    O_RETRY_FAILED,
    O_RETRY_MAX_TIME,
    O_SERVE,
    O_SHARD,
    O_SHOW_ERROR,
    O_SILENT,
    O_SPEED_LIMIT,
    O_SPEED_TIME,
    O_SUMMARY,
    O_SYNC,
    O_THEN,
    O_TIME_COND,
    O_TIMELINE,
    O_URL,
    O_USER,
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
    {"cert", 'E', ARG_REQ, O_CERT, G_FETCH, "FILE", "TLS client certificate (PEM)"},
    {"colsep", 0, ARG_REQ, O_COLSEP, G_INPUT, "SEP",
     "lines are rows split on SEP ('\\t': tab): {1} {2} {line} in URL, -d, -H"},
    {"compare", 0, ARG_NONE, O_COMPARE, G_MODE, NULL,
     "run with --sync, then the mode; show both (fetches twice)"},
    {"compressed", 0, ARG_NONE, O_COMPRESSED, G_FETCH, NULL, "ask for a compressed response"},
    {"config", 'K', ARG_REQ, O_CONFIG, G_INPUT, "FILE",
     "read options (and url = lines) from FILE, curl's syntax"},
    {"connect-timeout", 0, ARG_REQ, O_CONNECT_TIMEOUT, G_FETCH, "SECS", "longest time to connect"},
    {"connect-to", 0, ARG_REQ, O_CONNECT_TO, G_FETCH, "H:P:H2:P2",
     "connect to H2:P2 for H:P (repeatable)"},
    {"continue-at", 'C', ARG_REQ, O_CONTINUE_AT, G_FETCH, "OFFSET",
     "resume at byte OFFSET ('-': the size of the -o/-O file)"},
    {"cookie", 'b', ARG_REQ, O_COOKIE, G_FETCH, "DATA|FILE",
     "send cookies NAME=V; ... or start from a cookie FILE"},
    {"cookie-jar", 'c', ARG_REQ, O_COOKIE_JAR, G_FETCH, "FILE",
     "write the batch's cookies to FILE at the end"},
    {"create-dirs", 0, ARG_NONE, O_CREATE_DIRS, G_OUTPUT, NULL,
     "create the directories -o, -O and --output-dir name"},
    {"data", 'd', ARG_REQ, O_DATA, G_FETCH, "DATA",
     "POST DATA (@FILE: CR/LF dropped; pieces join with &)"},
    {"data-ascii", 0, ARG_REQ, O_DATA, G_FETCH, "DATA", "the same as -d"},
    {"data-binary", 0, ARG_REQ, O_DATA_BINARY, G_FETCH, "DATA", "as -d, but @FILE is sent as is"},
    {"data-raw", 0, ARG_REQ, O_DATA_RAW, G_FETCH, "DATA", "as -d, but @ is no file"},
    {"data-urlencode", 0, ARG_REQ, O_DATA_URLENCODE, G_FETCH, "DATA",
     "as -d, URL-encoded (TEXT, NAME=TEXT, NAME@FILE, @FILE)"},
    {"demo", 0, ARG_NONE, O_DEMO, G_OTHER, NULL, "show sync vs gather, a queue and a chain"},
    {"dump-header", 'D', ARG_REQ, O_DUMP_HEADER, G_OUTPUT, "FILE",
     "write every fetch's response headers to FILE ('-': stdout)"},
    {"etag-compare", 0, ARG_REQ, O_ETAG_COMPARE, G_FETCH, "FILE",
     "send If-None-Match with the ETag in FILE"},
    {"etag-save", 0, ARG_REQ, O_ETAG_SAVE, G_FETCH, "FILE", "write the response's ETag to FILE"},
    {"fail", 'f', ARG_NONE, O_FAIL, G_FETCH, NULL, "HTTP status >= 400 is a failure"},
    {"fail-fast", 0, ARG_NONE, O_FAIL_FAST, G_FETCH, NULL,
     "stop at the first failure, cancel the rest"},
    {"form", 'F', ARG_REQ, O_FORM, G_FETCH, "NAME=CONTENT",
     "multipart POST a field (@FILE: a file, <FILE: its text)"},
    {"form-string", 0, ARG_REQ, O_FORM_STRING, G_FETCH, "NAME=TEXT",
     "as -F, the text as it is (no @, < or ;type=)"},
    {"get", 'G', ARG_NONE, O_GET, G_FETCH, NULL, "send the -d data in the URL's query, with GET"},
    {"har", 0, ARG_REQ, O_HAR, G_OUTPUT, "FILE", "write every fetch to FILE as a HAR 1.2 log"},
    {"head", 'I', ARG_NONE, O_HEAD, G_FETCH, NULL,
     "HEAD requests; the headers go where bodies go (--include)"},
    {"header", 'H', ARG_REQ, O_HEADER, G_FETCH, "LINE", "add a request header (repeatable)"},
    {"help", 'h', ARG_NONE, O_HELP, G_OTHER, NULL, "this help"},
    {"http1.1", 0, ARG_NONE, O_HTTP1_1, G_FETCH, NULL, "use HTTP/1.1"},
    {"http2", 0, ARG_NONE, O_HTTP2, G_FETCH, NULL, "use HTTP/2"},
    {"include", 0, ARG_NONE, O_INCLUDE, G_OUTPUT, NULL,
     "the response headers before each body (--body, -o)"},
    {"input", 'i', ARG_REQ, O_INPUT, G_INPUT, "FILE",
     "read URLs from FILE, one a line ('-' is stdin; repeatable)"},
    {"input-format", 0, ARG_REQ, O_INPUT_FORMAT, G_INPUT, "FMT",
     "lines (default) or vegeta: JSON lines' \"body\" is base64"},
    {"insecure", 'k', ARG_NONE, O_INSECURE, G_FETCH, NULL, "skip TLS certificate checks"},
    {"interface", 0, ARG_REQ, O_INTERFACE, G_FETCH, "NAME", "send from this interface or address"},
    {"ipv4", '4', ARG_NONE, O_IPV4, G_FETCH, NULL, "resolve names to IPv4 addresses only"},
    {"ipv6", '6', ARG_NONE, O_IPV6, G_FETCH, NULL, "resolve names to IPv6 addresses only"},
    {"journal", 0, ARG_REQ, O_JOURNAL, G_INPUT, "FILE",
     "record finished lines in FILE; a rerun skips them (resume)"},
    {"json", 0, ARG_REQ, O_JSON, G_FETCH, "DATA",
     "POST JSON DATA (@FILE) with JSON Content-Type, Accept"},
    {"jsonl", 0, ARG_NONE, O_JSONL, G_OUTPUT, NULL, "one JSON object per fetch (JSON Lines)"},
    {"jsonl-body", 0, ARG_NONE, O_JSONL_BODY, G_OUTPUT, NULL,
     "--jsonl, with each response body in its record"},
    {"jsonl-headers", 0, ARG_NONE, O_JSONL_HEADERS, G_OUTPUT, NULL,
     "with --jsonl, each record's response headers too"},
    {"key", 0, ARG_REQ, O_KEY, G_FETCH, "FILE", "private key of --cert"},
    {"limit-rate", 0, ARG_REQ, O_LIMIT_RATE, G_FETCH, "SPEED",
     "at most SPEED bytes/s per fetch (k/M/G suffixes)"},
    {"location", 'L', ARG_NONE, O_LOCATION, G_FETCH, NULL, "follow redirects (off by default)"},
    {"max-filesize", 0, ARG_REQ, O_MAX_FILESIZE, G_FETCH, "BYTES",
     "largest body accepted (k/M/G suffixes)"},
    {"max-redirs", 0, ARG_REQ, O_MAX_REDIRS, G_FETCH, "N", "most redirects with -L (50)"},
    {"max-time", 'm', ARG_REQ, O_MAX_TIME, G_FETCH, "SECS", "longest time for one fetch"},
    {"mode", 0, ARG_REQ, O_MODE, G_MODE, "MODE", "gather (default), queue or chain"},
    {"next", ':', ARG_NONE, O_NEXT, G_INPUT, NULL,
     "start a new group: its own URLs and per-transfer options"},
    {"no-clobber", 0, ARG_NONE, O_NO_CLOBBER, G_OUTPUT, NULL,
     "keep existing files: -o, -O, --output-dir"},
    {"noproxy", 0, ARG_REQ, O_NOPROXY, G_FETCH, "HOSTS", "hosts reached without the proxy"},
    {"oauth2-bearer", 0, ARG_REQ, O_OAUTH2_BEARER, G_FETCH, "TOKEN",
     "send Authorization: Bearer TOKEN"},
    {"output", 'o', ARG_REQ, O_OUTPUT, G_OUTPUT, "FILE",
     "save the next URL's body in FILE (one -o per URL)"},
    {"output-dir", 0, ARG_REQ, O_OUTPUT_DIR, G_OUTPUT, "DIR",
     "-o/-O files go in DIR; alone: every body, named after its URL"},
    {"parallel", 'Z', ARG_OPT, O_PARALLEL, G_MODE, "[N]",
     "curl's -Z (always on); with N the same as -j N"},
    {"parallel-max", 'j', ARG_REQ, O_PARALLEL_MAX, G_MODE, "N",
     "at most N at once (50; 0 = no limit)"},
    {"per-host", 0, ARG_REQ, O_PER_HOST, G_FETCH, "N", "at most N connections per host"},
    {"proto", 0, ARG_REQ, O_PROTO, G_INPUT, "LIST",
     "allowed schemes, curl syntax (default http,https)"},
    {"proxy", 'x', ARG_REQ, O_PROXY, G_FETCH, "URL", "use this proxy (SCHEME://HOST:PORT)"},
    {"proxy-user", 'U', ARG_REQ, O_PROXY_USER, G_FETCH, "USER:PASS", "the proxy's credentials"},
    {"range", 'r', ARG_REQ, O_RANGE, G_FETCH, "RANGE", "only these bytes (0-499, 500-, -500)"},
    {"rate", 0, ARG_REQ, O_RATE, G_FETCH, "N[/U]", "at most N fetch starts per s (or /m, /h, /d)"},
    {"referer", 'e', ARG_REQ, O_REFERER, G_FETCH, "URL", "send this Referer (;auto: and follow)"},
    {"remote-name", 'O', ARG_NONE, O_REMOTE_NAME, G_OUTPUT, NULL,
     "save the next URL's body under its last path segment"},
    {"remote-name-all", 0, ARG_NONE, O_REMOTE_NAME_ALL, G_OUTPUT, NULL,
     "-O for every URL that has no -o"},
    {"report", 0, ARG_REQ, O_REPORT, G_OUTPUT, "FILE",
     "write an HTML report (waterfall, summary) to FILE"},
    {"request", 'X', ARG_REQ, O_REQUEST, G_FETCH, "METHOD", "request method"},
    {"resolve", 0, ARG_REQ, O_RESOLVE, G_FETCH, "H:P:ADDR", "resolve H:P to ADDR (repeatable)"},
    {"retry", 0, ARG_REQ, O_RETRY, G_FETCH, "N", "retry transient failures N times"},
    {"retry-all-errors", 0, ARG_NONE, O_RETRY_ALL_ERRORS, G_FETCH, NULL,
     "with --retry, retry every failure"},
    {"retry-connrefused", 0, ARG_NONE, O_RETRY_CONNREFUSED, G_FETCH, NULL,
     "with --retry, retry a refused connect (always done)"},
    {"retry-delay", 0, ARG_REQ, O_RETRY_DELAY, G_FETCH, "SECS", "first retry wait (1)"},
    {"retry-failed", 0, ARG_NONE, O_RETRY_FAILED, G_INPUT, NULL,
     "with --journal, redo the lines that failed before"},
    {"retry-max-time", 0, ARG_REQ, O_RETRY_MAX_TIME, G_FETCH, "SECS",
     "no retry past SECS since the first attempt"},
    {"serve", 0, ARG_OPT, O_SERVE, G_OTHER, "[PORT]", "run the demo server until Ctrl-C"},
    {"shard", 0, ARG_REQ, O_SHARD, G_INPUT, "K/N", "only lines in shard K of N (1 <= K <= N)"},
    {"show-error", 'S', ARG_NONE, O_SHOW_ERROR, G_OUTPUT, NULL,
     "each failed fetch also on stderr (with -s too)"},
    {"silent", 's', ARG_NONE, O_SILENT, G_OUTPUT, NULL, "no summary, no progress"},
    {"speed-limit", 'Y', ARG_REQ, O_SPEED_LIMIT, G_FETCH, "BYTES",
     "abort a fetch slower than BYTES/s for --speed-time (1)"},
    {"speed-time", 'y', ARG_REQ, O_SPEED_TIME, G_FETCH, "SECS", "... for this long (60; 0: never)"},
    {"summary", 0, ARG_NONE, O_SUMMARY, G_OUTPUT, NULL, "print the summary even if not a tty"},
    {"sync", 0, ARG_NONE, O_SYNC, G_MODE, NULL, "one fetch at a time, in order (the baseline)"},
    {"then", 0, ARG_REQ, O_THEN, G_MODE, "TEMPLATE",
     "chain step: {url} {effective_url} {status} {body} {header:N} {line}"},
    {"time-cond", 'z', ARG_REQ, O_TIME_COND, G_FETCH, "TIME|FILE",
     "only if modified since (-TIME: unmodified)"},
    {"timeline", 0, ARG_NONE, O_TIMELINE, G_OUTPUT, NULL, "timing table and Gantt chart"},
    {"url", 0, ARG_REQ, O_URL, G_INPUT, "URL", "a URL to fetch (as an argument is)"},
    {"user", 'u', ARG_REQ, O_USER, G_FETCH, "USER:PASS", "server credentials (Basic)"},
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
    struct config *cfg;  /* the group being read: its per-transfer options go here */
    struct config *main; /* the first group: the global options go here */
    FILE *err;
    int format_given[4];
    const char *stdin_by; /* the option that read stdin (-d @-, -w @-), or NULL */
    const char *file;     /* -K: the file being read, and its line */
    unsigned long lineno;
    int depth;         /* -K files within -K files */
    char next_at[192]; /* the last --next that began a group: " (FILE:LINE)" or "" */
};

static int parse_args(struct parser *ps, int n, char **args);
static const struct option *find_short(char c);

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
    if (ps->file)
        fprintf(ps->err, "%s:%lu: ", ps->file, ps->lineno);
    va_start(ap, fmt);
    vfprintf(ps->err, fmt, ap);
    va_end(ap);
    fputs("\ncofetch: try 'cofetch --help' for more information\n", ps->err);
    return EXIT_USAGE;
}

/* -d, --data-binary, --data-raw, --data-urlencode, --json: one piece of the body, joined
 * to what is there as curl joins them (with '&', but a --json piece with nothing). */
static int add_data(struct parser *ps, const struct option *o, const char *val)
{
    struct config *cfg = ps->cfg;
    struct strbuf sb = STRBUF_INIT;
    const char *file = NULL;
    /* a literal: take_stdin keeps it to name the option later */
    const char *opt = o->id == O_DATA_BINARY      ? "--data-binary"
                      : o->id == O_DATA_RAW       ? "--data-raw"
                      : o->id == O_DATA_URLENCODE ? "--data-urlencode"
                      : o->id == O_JSON           ? "--json"
                                                  : "--data";
    int rc = 0;

    if (cfg->data && (rc = sb_add(&sb, cfg->data, cfg->data_len)) == 0 && o->id != O_JSON)
        rc = sb_add(&sb, "&", 1);
    if (rc == 0 && o->id == O_DATA_URLENCODE) {
        const char *at = strchr(val, '=') ? NULL : strchr(val, '@');
        if (at && strcmp(at + 1, "-") == 0 && (rc = take_stdin(ps, "@-", opt)) != 0) {
            sb_free(&sb);
            return rc;
        }
        rc = data_urlencode(val, &sb, &file);
    } else if (rc == 0 && val[0] == '@' && o->id != O_DATA_RAW) {
        if ((rc = take_stdin(ps, val, opt)) != 0) {
            sb_free(&sb);
            return rc;
        }
        file = val + 1;
        rc = o->id == O_DATA ? data_read_text(file, &sb) : data_read(file, &sb);
    } else if (rc == 0) {
        rc = sb_adds(&sb, val);
    }
    if (rc) {
        sb_free(&sb);
        if (rc == CF_ENOMEM || !file)
            return usage(ps, "out of memory");
        return usage(ps, "option %s: cannot read '%s'", opt, file);
    }
    free(cfg->data);
    cfg->data_len = sb.len;
    cfg->data = sb.buf ? sb.buf : calloc(1, 1);
    if (o->id == O_JSON)
        cfg->json = 1;
    return cfg->data ? 0 : usage(ps, "out of memory");
}

static int add_output(struct parser *ps, const char *file)
{
    struct config *cfg = ps->cfg;
    struct outspec *p;

    if (file && (!*file || strcmp(file, "-") == 0))
        return usage(ps, "option --output: '%s' is no file name (the bodies on stdout: --body)",
                     file);
    p = realloc(cfg->outputs, (cfg->noutputs + 1) * sizeof *p);
    if (!p)
        return usage(ps, "out of memory");
    p[cfg->noutputs++].file = file;
    cfg->outputs = p;
    return 0;
}

/* --resolve HOST:PORT:ADDR[,ADDR] (also +HOST... and -HOST:PORT) and --connect-to
 * HOST:PORT:HOST2:PORT2 (parts may be empty): at least fields - 1 colons, then onto the
 * list for libcurl (CURLOPT_RESOLVE, CURLOPT_CONNECT_TO), which reads the rest. */
static int add_list(struct parser *ps, struct curl_slist **list, const char *val, int fields)
{
    const char *opt = fields == 3 ? "--resolve" : "--connect-to";
    int colons = 0;
    struct curl_slist *l;

    for (const char *p = val; *p; p++)
        colons += *p == ':';
    if (fields == 3 && val[0] == '-' ? colons < 1 : colons < fields - 1)
        return usage(ps, "option %s: '%s' expected, got '%s'", opt,
                     fields == 3 ? "HOST:PORT:ADDRESS" : "HOST:PORT:CONNECT-TO-HOST:PORT", val);
    l = curl_slist_append(*list, val);
    if (!l)
        return usage(ps, "out of memory");
    *list = l;
    ps->cfg->curlopts = 1;
    return 0;
}

/* -z [+|-|=]DATE or FILE, as curl reads it: a date curl_getdate() knows, else the file's
 * modification time. Neither: a usage error (curl warns and drops the condition). */
static int time_cond(struct parser *ps, const char *val)
{
    struct config *cfg = ps->cfg;
    const char *when = val;
    time_t now = time(NULL), t;
    struct stat st;

    cfg->time_cond = CURL_TIMECOND_IFMODSINCE;
    if (*when == '+' || *when == '-' || *when == '=') {
        cfg->time_cond = *when == '-'   ? CURL_TIMECOND_IFUNMODSINCE
                         : *when == '=' ? CURL_TIMECOND_LASTMOD
                                        : CURL_TIMECOND_IFMODSINCE;
        when++;
    }
    t = curl_getdate(when, &now);
    if (t != (time_t)-1)
        cfg->time_value = (long long)t;
    else if (stat(when, &st) == 0)
        cfg->time_value = (long long)st.st_mtime;
    else
        return usage(ps, "option --time-cond: '%s' is neither a date nor a file", val);
    cfg->curlopts = 1;
    return 0;
}

/* Keeps s (a -K file's text) until config_free. 0 or -1. */
static int keep(struct config *cfg, char *s)
{
    char **p = s ? realloc(cfg->owned, (cfg->nowned + 1) * sizeof *p) : NULL;

    if (!p) {
        free(s);
        return -1;
    }
    p[cfg->nowned++] = s;
    cfg->owned = p;
    return 0;
}

/* One option line of a -K file, applied as the command line's are. */
static int config_line(void *ctx, unsigned long lineno, const char *opt, const char *value)
{
    struct parser *ps = ctx;
    char *args[2];
    int n = 1;

    ps->lineno = lineno;
    if (value && opt[1] == '-') { /* --name=value: a switch given a value is refused */
        char *a = malloc(strlen(opt) + strlen(value) + 2);
        if (a)
            sprintf(a, "%s=%s", opt, value);
        if (keep(ps->cfg, a))
            return usage(ps, "out of memory");
        args[0] = a;
    } else {
        if (value) {
            const struct option *o = opt[1] && !opt[2] ? find_short(opt[1]) : NULL;
            if (o && o->arg == ARG_NONE)
                return usage(ps, "option %s: takes no value", opt);
            if (keep(ps->cfg, strdup(value)))
                return usage(ps, "out of memory");
            args[n++] = ps->cfg->owned[ps->cfg->nowned - 1];
        }
        if (keep(ps->cfg, strdup(opt)))
            return usage(ps, "out of memory");
        args[0] = ps->cfg->owned[ps->cfg->nowned - 1];
    }
    return parse_args(ps, n, args);
}

/* -K FILE ("-": stdin): its lines, each naming its file and line when it is bad. */
static int read_config(struct parser *ps, const char *path)
{
    const char *file = ps->file;
    unsigned long lineno = ps->lineno;
    FILE *f;
    char why[160];
    unsigned long at;
    int rc;

    if (ps->depth >= 8)
        return usage(ps, "option --config: '%s': -K files nested too deep", path);
    if (strcmp(path, "-") == 0 && (rc = take_stdin(ps, "@-", "--config")) != 0)
        return rc;
    f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f)
        return usage(ps, "option --config: cannot read '%s': %s", path, strerror(errno));
    ps->depth++;
    ps->file = strcmp(path, "-") == 0 ? "(stdin)" : path;
    rc = curlrc_read(f, config_line, ps, &at, why, sizeof why);
    if (rc == -1) {
        ps->lineno = at;
        rc = at ? usage(ps, "%s", why) : usage(ps, "option --config: cannot read '%s'", path);
    }
    if (f != stdin)
        fclose(f);
    ps->depth--;
    ps->file = file;
    ps->lineno = lineno;
    return rc;
}

/* Whether an option is one group's (curl's per-transfer options, reset by --next) rather
 * than the whole command's (curl's global options, and cofetch's batch options). */
static int per_group(enum opt id)
{
    switch (id) {
    case O_CACERT:
    case O_CAPATH:
    case O_CERT:
    case O_COMPRESSED:
    case O_CONNECT_TIMEOUT:
    case O_CONNECT_TO:
    case O_CONTINUE_AT:
    case O_COOKIE:
    case O_DATA:
    case O_DATA_BINARY:
    case O_DATA_RAW:
    case O_DATA_URLENCODE:
    case O_ETAG_COMPARE:
    case O_ETAG_SAVE:
    case O_FAIL:
    case O_FORM:
    case O_FORM_STRING:
    case O_GET:
    case O_HEAD:
    case O_HEADER:
    case O_HTTP1_1:
    case O_HTTP2:
    case O_INCLUDE:
    case O_INPUT:
    case O_INSECURE:
    case O_INTERFACE:
    case O_IPV4:
    case O_IPV6:
    case O_JSON:
    case O_KEY:
    case O_LIMIT_RATE:
    case O_LOCATION:
    case O_MAX_FILESIZE:
    case O_MAX_REDIRS:
    case O_MAX_TIME:
    case O_NOPROXY:
    case O_OAUTH2_BEARER:
    case O_OUTPUT:
    case O_PROXY:
    case O_PROXY_USER:
    case O_RANGE:
    case O_REFERER:
    case O_REMOTE_NAME:
    case O_REMOTE_NAME_ALL:
    case O_REQUEST:
    case O_RESOLVE:
    case O_RETRY:
    case O_RETRY_ALL_ERRORS:
    case O_RETRY_CONNREFUSED:
    case O_RETRY_DELAY:
    case O_RETRY_MAX_TIME:
    case O_SPEED_LIMIT:
    case O_SPEED_TIME:
    case O_TIME_COND:
    case O_URL:
    case O_USER:
    case O_USER_AGENT:
    case O_WRITE_OUT: return 1;
    default: return 0;
    }
}

/* --next: the options after it make a new group, once the current one has a URL (before
 * that, as in curl, it is ignored). 0 or EXIT_USAGE. */
static int next_group(struct parser *ps)
{
    struct config *g;

    if (ps->cfg->nurls == 0 && ps->cfg->ninputs == 0)
        return 0;
    g = malloc(sizeof *g);
    if (!g)
        return usage(ps, "out of memory");
    config_init(g);
    g->gidx = ps->cfg->gidx + 1;
    ps->cfg->next = g;
    ps->cfg = g;
    ps->main->ngroups = g->gidx + 1;
    if (ps->file)
        snprintf(ps->next_at, sizeof ps->next_at, " (%s:%lu)", ps->file, ps->lineno);
    else
        ps->next_at[0] = '\0';
    return 0;
}

#define BAD_VALUE(what) usage(ps, "option --%s: %s expected, got '%s'", o->lname, what, val)

static int apply(struct parser *ps, const struct option *o, const char *val)
{
    struct config *cfg = per_group(o->id) ? ps->cfg : ps->main;
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
    case O_CERT: /* -E, --cert */ cfg->cert = val, cfg->curlopts = 1; break;
    case O_COLSEP: /* --colsep */
        if (!val[0])
            return BAD_VALUE("a separator");
        cfg->colsep = strcmp(val, "\\t") == 0 || strcasecmp(val, "tab") == 0 ? "\t" : val;
        break;
    case O_COMPARE: /* --compare */ cfg->compare = 1; break;
    case O_COMPRESSED: /* --compressed */ cfg->compressed = 1; break;
    case O_CONFIG: /* -K, --config */ return read_config(ps, val);
    case O_CONNECT_TIMEOUT: /* --connect-timeout */
        if (parse_secs(val, &cfg->connect_timeout))
            return BAD_VALUE("seconds");
        break;
    case O_CONTINUE_AT: /* -C, --continue-at */
        cfg->resume_auto = strcmp(val, "-") == 0;
        if (!cfg->resume_auto && parse_size(val, &cfg->resume_from))
            return BAD_VALUE("a byte offset or '-'");
        break;
    case O_CONNECT_TO: /* --connect-to */ return add_list(ps, &cfg->connect_to, val, 4);
    case O_COOKIE: /* -b, --cookie */
        if (strchr(val, '=')) {
            cfg->cookie = val, cfg->curlopts = 1;
        } else {
            FILE *f = strcmp(val, "-") == 0 ? NULL : fopen(val, "r");
            if (!f)
                return usage(ps, "option --cookie: cannot read '%s'", val);
            fclose(f);
            ps->main->cookie_file = val; /* the batch's cookie engine, for every group */
        }
        break;
    case O_COOKIE_JAR: /* -c, --cookie-jar */
        if (!*val || strcmp(val, "-") == 0)
            return BAD_VALUE("a file");
        cfg->cookie_jar = val;
        break;
    case O_CREATE_DIRS: /* --create-dirs */ cfg->create_dirs = 1; break;
    case O_DATA:           /* -d, --data, --data-ascii */
    case O_DATA_BINARY:    /* --data-binary */
    case O_DATA_RAW:       /* --data-raw */
    case O_DATA_URLENCODE: /* --data-urlencode */
    case O_JSON: /* --json */ return add_data(ps, o, val);
    case O_DEMO: /* --demo */ cfg->demo = 1; break;
    case O_ETAG_COMPARE: { /* --etag-compare: the file as curl reads it, "" when empty */
        struct strbuf sb = STRBUF_INIT;
        if (data_read_text(val, &sb) != 0) {
            sb_free(&sb);
            return usage(ps, "option --etag-compare: cannot read '%s'", val);
        }
        char *h = malloc(sb.len + 32);
        if (h)
            sprintf(h, "If-None-Match: %s", sb.len ? sb_cstr(&sb) : "\"\"");
        sb_free(&sb);
        if (keep(cfg, h) || push(&cfg->headers, &cfg->nheaders, h, 1))
            return usage(ps, "out of memory");
        break;
    }
    case O_ETAG_SAVE: /* --etag-save */
        if (!*val)
            return BAD_VALUE("a file");
        cfg->etag_save = val;
        break;
    case O_FAIL: /* -f, --fail */ cfg->fail = 1; break;
    case O_FAIL_FAST: /* --fail-fast */ cfg->fail_fast = 1; break;
    case O_GET: /* -G, --get */ cfg->get = 1; break;
    case O_FORM:          /* -F, --form */
    case O_FORM_STRING: { /* --form-string */
        struct form_field *f = realloc(cfg->forms, (cfg->nforms + 1) * sizeof *f);
        if (!f)
            return usage(ps, "out of memory");
        cfg->forms = f;
        if (form_parse(val, o->id == O_FORM_STRING, &f[cfg->nforms], err, sizeof err))
            return usage(ps, "option --%s: %s", o->lname, err);
        cfg->nforms++;
        break;
    }
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
        /* A curl user's -i URL (curl: include the headers) must not be taken for a file. */
        if (strstr(val, "://"))
            return usage(ps,
                         "option -i/--input: a file of URLs expected, got the URL '%s' "
                         "(curl's -i, the headers before the body, is --include here)",
                         val);
        if (push(&cfg->inputs, &cfg->ninputs, val, 0))
            return usage(ps, "out of memory");
        break;
    case O_INPUT_FORMAT: /* --input-format */
        if (strcmp(val, "lines") != 0 && strcmp(val, "vegeta") != 0)
            return BAD_VALUE("lines or vegeta");
        cfg->input_vegeta = strcmp(val, "vegeta") == 0;
        break;
    case O_INSECURE: /* -k, --insecure */ cfg->insecure = 1; break;
    case O_INTERFACE: /* --interface */ cfg->interface = val, cfg->curlopts = 1; break;
    case O_IPV4: /* -4, --ipv4 */ cfg->ipresolve = CURL_IPRESOLVE_V4, cfg->curlopts = 1; break;
    case O_IPV6: /* -6, --ipv6 */ cfg->ipresolve = CURL_IPRESOLVE_V6, cfg->curlopts = 1; break;
    case O_HAR: /* --har */ cfg->har = val; break;
    case O_REPORT: /* --report */ cfg->report = val; break;
    case O_JOURNAL: /* --journal */ cfg->journal = val; break;
    case O_HEAD: /* -I, --head */
        cfg->method = "HEAD";
        cfg->include = 1;
        break;
    case O_INCLUDE: /* --include */ cfg->include = 1; break;
    case O_JSONL_HEADERS: /* --jsonl-headers */ cfg->jsonl_headers = 1; break;
    case O_DUMP_HEADER: /* -D, --dump-header */ cfg->dump_header = val; break;
    case O_JSONL: /* --jsonl */
        cfg->format = OUT_JSON;
        ps->format_given[OUT_JSON] = 1;
        break;
    case O_JSONL_BODY: /* --jsonl-body */
        cfg->format = OUT_JSON;
        cfg->jsonl_body = 1;
        ps->format_given[OUT_JSON] = 1;
        break;
    case O_KEY: /* --key */ cfg->key = val, cfg->curlopts = 1; break;
    case O_LIMIT_RATE: /* --limit-rate */
        if (parse_size(val, &cfg->limit_rate))
            return BAD_VALUE("bytes per second (k/M/G suffixes)");
        cfg->curlopts = 1;
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
    case O_NEXT: /* -:, --next */ return next_group(ps);
    case O_MODE: /* --mode */
        cfg->mode = mode_find(val);
        if (!cfg->mode)
            return BAD_VALUE("gather, queue or chain");
        cfg->mode_given = 1;
        break;
    case O_NO_CLOBBER: /* --no-clobber */ cfg->no_clobber = 1; break;
    case O_NOPROXY: /* --noproxy */ cfg->noproxy = val, cfg->curlopts = 1; break;
    case O_OAUTH2_BEARER: /* --oauth2-bearer */ cfg->bearer = val, cfg->curlopts = 1; break;
    case O_OUTPUT: /* -o, --output */ return add_output(ps, val);
    case O_OUTPUT_DIR: /* --output-dir */
        if (!*val)
            return BAD_VALUE("a directory");
        cfg->outdir = val;
        break;
    case O_PARALLEL: /* -Z, --parallel [N] */
        if (!val)
            break; /* curl's switch: fetches are always concurrent here */
        /* fall through */
    case O_PARALLEL_MAX: /* -j, --parallel-max */
    case O_WORKERS:      /* --workers */
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
    case O_PROXY: /* -x, --proxy */ cfg->proxy = val, cfg->curlopts = 1; break;
    case O_PROXY_USER: /* -U, --proxy-user */ cfg->proxy_user = val, cfg->curlopts = 1; break;
    case O_RANGE: /* -r, --range */
        if (!*val || strspn(val, "0123456789-,") != strlen(val) || !strchr(val, '-'))
            return BAD_VALUE("a range like 0-499, 500- or -500");
        cfg->range = val, cfg->curlopts = 1;
        break;
    case O_RATE: /* --rate */
        if (parse_rate(val, &cfg->rate))
            return BAD_VALUE("N, N/s, N/m, N/h or N/d");
        break;
    case O_REFERER: { /* -e, --referer */
        const char *semi = strstr(val, ";auto");
        cfg->autoreferer = semi && semi[5] == '\0';
        if (cfg->autoreferer) { /* the text before ";auto", kept in the config */
            free(cfg->referer_buf);
            cfg->referer_buf = strndup(val, (size_t)(semi - val));
            if (!cfg->referer_buf)
                return usage(ps, "out of memory");
            val = cfg->referer_buf;
        }
        cfg->referer = *val ? val : NULL;
        cfg->curlopts = 1;
        break;
    }
    case O_REMOTE_NAME: /* -O, --remote-name */ return add_output(ps, NULL);
    case O_REMOTE_NAME_ALL: /* --remote-name-all */ cfg->remote_name_all = 1; break;
    case O_REQUEST: /* -X, --request */ cfg->method = val; break;
    case O_RETRY: /* --retry */
        if (parse_long(val, 0, 1000, &l))
            return BAD_VALUE("a number");
        cfg->retry = (int)l;
        break;
    case O_RESOLVE: /* --resolve */ return add_list(ps, &cfg->resolve, val, 3);
    case O_RETRY_ALL_ERRORS: /* --retry-all-errors */ cfg->retry_all_errors = 1; break;
    case O_RETRY_CONNREFUSED: /* --retry-connrefused: a refused connect is retried anyway */ break;
    case O_RETRY_MAX_TIME: /* --retry-max-time */
        if (parse_secs(val, &cfg->retry_max_time))
            return BAD_VALUE("seconds");
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
    case O_SHOW_ERROR: /* -S, --show-error */ cfg->show_error = 1; break;
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
    case O_TIME_COND: /* -z, --time-cond */ return time_cond(ps, val);
    case O_TIMELINE: /* --timeline */ cfg->timeline = 1; break;
    case O_URL: /* --url */
        if (push(&cfg->urls, &cfg->nurls, val, 0))
            return usage(ps, "out of memory");
        break;
    case O_USER: /* -u, --user */ cfg->user = val, cfg->curlopts = 1; break;
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
            if (data_read(val + 1, &sb)) {
                sb_free(&sb);
                return usage(ps, "option --write-out: cannot read '%s'", val + 1);
            }
            fmt = sb_cstr(&sb);
        }
        writeout_free(cfg->writeout);
        cfg->writeout = NULL;
        rc = writeout_compile(fmt, &cfg->writeout, stderr);
        sb_free(&sb);
        if (rc)
            return usage(ps, "out of memory");
        ps->main->format = OUT_WRITEOUT; /* the format is the command's; the -w the group's */
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

static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A long option by its name or, as curl takes it, by a prefix of one name alone among
 * cofetch's and curl's (an exact name always wins: --url over --url-query). 0 with *o
 * set, or EXIT_USAGE: unknown, ambiguous (the candidates named) or curl's alone. */
static int long_option(struct parser *ps, const char *name, size_t len, const struct option **o)
{
    enum { MAXC = 64, SHOWN = 12 };
    const char *cands[2 * MAXC], *curls[MAXC];
    size_t ncurl, ncand = 0, total;
    struct strbuf sb = STRBUF_INIT;
    int rc;

    if ((*o = find_long(name, len)) != NULL)
        return 0;
    if (curl_long_option(name, len))
        return usage(ps, "option --%.*s: is a curl option that cofetch does not support", (int)len,
                     name);
    ncurl = curl_long_prefixed(name, len, curls, MAXC);
    total = ncurl;
    for (size_t i = 0; i < NOPTS; i++) {
        const char *l = table[i].lname;
        if (strncmp(l, name, len) != 0)
            continue;
        *o = &table[i];
        if (ncand < MAXC)
            cands[ncand++] = l;
        if (!curl_long_option(l, strlen(l)))
            total++; /* cofetch's own: not among curl's */
    }
    if (total == 1 && *o)
        return 0;
    if (total == 1)
        return usage(ps, "option --%.*s (--%s): is a curl option that cofetch does not support",
                     (int)len, name, curls[0]);
    if (total == 0)
        return usage(ps, "option --%.*s: is unknown", (int)len, name);
    for (size_t i = 0; i < ncurl && i < MAXC; i++)
        if (!find_long(curls[i], strlen(curls[i])))
            cands[ncand++] = curls[i];
    qsort(cands, ncand, sizeof cands[0], by_str);
    for (size_t i = 0; i < ncand && i < SHOWN; i++)
        sb_addf(&sb, "%s--%s", i ? ", " : "", cands[i]);
    if (total > SHOWN)
        sb_addf(&sb, " and %zu more", total - SHOWN);
    rc = usage(ps, "option --%.*s: is ambiguous: %s", (int)len, name, sb.buf ? sb.buf : "");
    sb_free(&sb);
    *o = NULL;
    return rc;
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

/* --colsep: the URL argument becomes the URL template, -d and -H templates over the
 * fields (their other braces are text). 0 or EXIT_USAGE. */
static int compile_rows(struct parser *ps)
{
    struct config *cfg = ps->cfg;
    char err[256];

    if (cfg->nurls > 1)
        return usage(ps, "--colsep reads its rows from -i or stdin: give at most one URL "
                         "argument, the URL template (such as 'https://h/{1}?q={2}')");
    if (cfg->nurls == 1) {
        if (tmpl_compile(cfg->urls[0], &cfg->url_tmpl, err, sizeof err))
            return usage(ps, "--colsep: the URL template: %s", err);
        cfg->nurls = 0;
    }
    if (cfg->data && !memchr(cfg->data, '\0', cfg->data_len) &&
        tmpl_compile_line(cfg->data, &cfg->data_tmpl))
        return usage(ps, "out of memory");
    if (cfg->nheaders) {
        cfg->header_tmpls = calloc(cfg->nheaders, sizeof *cfg->header_tmpls);
        if (!cfg->header_tmpls)
            return usage(ps, "out of memory");
        for (size_t i = 0; i < cfg->nheaders; i++)
            if (tmpl_compile_line(cfg->headers[i], &cfg->header_tmpls[i]))
                return usage(ps, "out of memory");
    }
    return 0;
}

/* Checks that span one group's options, and what they make of each other (--json's
 * headers, -G's query); 0 or EXIT_USAGE. */
static int check_group(struct parser *ps, struct config *cfg)
{
    const struct config *main = ps->main;

    for (size_t i = 0; i < cfg->nurls && !main->help && !main->version; i++) {
        size_t len = strlen(cfg->urls[i]);
        line_trim(cfg->urls[i], &len);
        if (len == 0)
            return usage(ps, "URL argument %zu is empty", i + 1);
    }
    if (cfg->resume_auto && !cfg->noutputs && !cfg->remote_name_all)
        return usage(ps, "-C - takes the offset from the saved file: give -o, -O or "
                         "--remote-name-all");
    if (cfg->json)
        for (int i = 0; i < 2; i++) {
            static const char *const json_headers[2][2] = {
                {"Content-Type", "Content-Type: application/json"},
                {"Accept", "Accept: application/json"}};
            const char *name = json_headers[i][0];
            size_t n = strlen(name), k;
            for (k = 0; k < cfg->nheaders; k++)
                if (strncasecmp(cfg->headers[k], name, n) == 0 &&
                    (cfg->headers[k][n] == ':' || cfg->headers[k][n] == ';'))
                    break;
            if (k == cfg->nheaders && push(&cfg->headers, &cfg->nheaders, json_headers[i][1], 1))
                return usage(ps, "out of memory");
        }
    if (cfg->nforms &&
        (cfg->data || cfg->get || cfg->json || (cfg->method && !strcmp(cfg->method, "HEAD"))))
        return usage(ps,
                     "-F makes a multipart POST: it cannot be used with %s (one request "
                     "method only, as in curl)",
                     cfg->json   ? "--json"
                     : cfg->get  ? "-G"
                     : cfg->data ? "-d"
                                 : "-I");
    if (cfg->get && cfg->data) { /* -G: the data is the query; no body */
        cfg->query = cfg->data;
        cfg->data = NULL;
        cfg->data_len = 0;
    }
    return 0;
}

/* Checks that span options; 0 or EXIT_USAGE. */
static int check(struct parser *ps)
{
    struct config *cfg = ps->main;
    const struct config *last = ps->cfg;
    int formats =
        ps->format_given[OUT_JSON] + ps->format_given[OUT_WRITEOUT] + ps->format_given[OUT_BODY];
    int rc;

    ps->cfg = cfg; /* usage errors from here on name no group */
    if (cfg->ngroups > 1 && last->nurls == 0 && last->ninputs == 0 && !cfg->help && !cfg->version)
        return usage(ps, "option --next%s: no URL after it (each group needs one)", ps->next_at);
    if (cfg->ngroups > 1 && cfg->colsep)
        return usage(ps, "--colsep makes one request template of the command line: it cannot "
                         "be used with --next");
    if (cfg->colsep && (rc = compile_rows(ps)) != 0)
        return rc;
    for (struct config *g = cfg; g; g = g->next) {
        if ((rc = check_group(ps, g)) != 0)
            return rc;
        cfg->some_outputs |= g->noutputs || g->remote_name_all;
    }
    if (formats > 1)
        return usage(ps, "--jsonl, --write-out and --body each take stdout: choose one");
    if (cfg->jsonl_headers && cfg->format != OUT_JSON)
        return usage(ps, "--jsonl-headers adds to --jsonl's records: give --jsonl too");
    if (cfg->nthens) {
        if (cfg->mode_given && !(cfg->mode->flags & MODE_STEPS))
            return usage(ps, "--then makes a chain: it cannot be used with --mode %s",
                         cfg->mode->name);
        if (!cfg->mode_given)
            cfg->mode = mode_find("chain");
    }
    if (ps->stdin_by && !cfg->demo && !cfg->serve && !cfg->help && !cfg->version) {
        int from_stdin = cfg->nurls == 0 && cfg->ninputs == 0;
        for (const struct config *g = cfg; g; g = g->next)
            for (size_t i = 0; i < g->ninputs; i++)
                from_stdin |= strcmp(g->inputs[i], "-") == 0;
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
    if (cfg->no_clobber && !cfg->outdir && !cfg->some_outputs)
        return usage(ps, "--no-clobber needs -o, -O, --remote-name-all or --output-dir");
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
    cfg->max_redirs = 50;
    cfg->retry_delay = 1.0;
    cfg->http_version = CF_HTTP_ANY;
    cfg->mode = mode_default();
    cfg->speed_limit = 1; /* nothing at all for a minute: a stalled fetch */
    cfg->speed_time = 60;
    cfg->ngroups = 1;
}

void config_free(struct config *cfg)
{
    free(cfg->urls);
    free(cfg->inputs);
    free(cfg->headers);
    for (size_t i = 0; i < cfg->nforms; i++)
        form_field_free(&cfg->forms[i]);
    free(cfg->forms);
    for (size_t i = 0; i < cfg->nthens; i++)
        tmpl_free(cfg->thens[i]);
    free(cfg->thens);
    writeout_free(cfg->writeout);
    tmpl_free(cfg->url_tmpl);
    tmpl_free(cfg->data_tmpl);
    for (size_t i = 0; cfg->header_tmpls && i < cfg->nheaders; i++)
        tmpl_free(cfg->header_tmpls[i]);
    free(cfg->header_tmpls);
    free(cfg->data);
    free(cfg->query);
    free(cfg->outputs);
    free(cfg->referer_buf);
    for (size_t i = 0; i < cfg->nowned; i++)
        free(cfg->owned[i]);
    free(cfg->owned);
    curl_slist_free_all(cfg->resolve);
    curl_slist_free_all(cfg->connect_to);
    for (struct config *g = cfg->next, *after; g; g = after) {
        after = g->next;
        g->next = NULL;
        config_free(g);
        free(g);
    }
    memset(cfg, 0, sizeof *cfg);
}

/* Options and URLs, args[0..n): 0 or EXIT_USAGE. */
static int parse_args(struct parser *ps, int argc, char **argv)
{
    int only_urls = 0;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const struct option *o;
        const char *val = NULL;
        int rc;

        if (only_urls || a[0] != '-' || a[1] == '\0') {
            if (push(&ps->cfg->urls, &ps->cfg->nurls, a, 0))
                return usage(ps, "out of memory");
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
            if ((rc = long_option(ps, name, len, &o)) != 0)
                return rc;
            if (eq && o->arg == ARG_NONE)
                return usage(ps, "option --%s: takes no value", o->lname);
            if (eq)
                val = eq + 1;
            else if (o->arg == ARG_REQ) {
                if (i + 1 >= argc)
                    return usage(ps, "option --%s: needs %s", o->lname, o->argname);
                val = argv[++i];
            } else if (o->arg == ARG_OPT && i + 1 < argc && is_port(argv[i + 1]))
                val = argv[++i];
            rc = apply(ps, o, val);
            if (rc)
                return rc;
            continue;
        }
        /* A cluster of short options: -sL, -j4, -j 4, -Hfoo. */
        for (const char *p = a + 1; *p; p++) {
            o = find_short(*p);
            if (!o && curl_short_option(*p))
                return usage(ps, "option -%c: is a curl option that cofetch does not support", *p);
            if (!o)
                return usage(ps, "option -%c: is unknown", *p);
            val = NULL;
            if (o->arg == ARG_REQ) {
                if (p[1])
                    val = p + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                else
                    return usage(ps, "option -%c: needs %s", *p, o->argname);
            }
            rc = apply(ps, o, val);
            if (rc)
                return rc;
            if (val)
                break;
        }
    }
    return 0;
}

int options_parse(struct config *cfg, int argc, char **argv, FILE *err)
{
    struct parser ps = {.cfg = cfg, .main = cfg, .err = err};
    int rc = parse_args(&ps, argc - 1, argv + 1);

    return rc ? rc : check(&ps);
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
          "'STATUS<TAB>IDENTITY<TAB>SOURCE<TAB>LINE<TAB>URL' (STATUS ok or failed), right\n"
          "after its record is written to stdout. Running again skips the requests\n"
          "journaled ok, and those journaled failed unless --retry-failed is given, wherever\n"
          "they are in the input now; skipped lines give no record. A request's identity is\n"
          "its id, else its method, URL and body. Lines in flight when the run stopped are\n"
          "not journaled: they are redone.\n",
          out);
    fputs("\nRequest lines: an input line starting with '{' is a JSON object for one\n"
          "request: url (required), method, header, body, body_b64, body_file, json,\n"
          "timeout, retry, id, meta, tag; its keys override the options (man cofetch).\n",
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
