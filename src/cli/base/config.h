/*
 * config.h - everything the command line asked for, after parsing and checking.
 *
 * Set up by config_init(), filled by options_parse() and freed by config_free() (all in
 * options/options.c); read-only everywhere else: what a run decides for itself (the
 * effective -j, colour) lives in its own state. Strings point into argv unless marked
 * owned.
 *
 * Option groups (curl's --next): the command line is one or more groups, each a struct
 * config: the first is the one main() holds, each later one its predecessor's next
 * (owned). A group's URLs (urls, inputs) are fetched with its own per-transfer options
 * (the fields options.c marks per group: method, headers, body, -o/-O, -w, -f, timeouts,
 * retries, curl's options ...); every other field is read from the first group only,
 * whichever group gave it (curl's global options).
 */
#ifndef CLI_CONFIG_H
#define CLI_CONFIG_H

#include <stddef.h>

#include "cofetch/fetch.h"

struct curl_slist;
struct mode;
struct tmpl;
struct writeout;

enum out_format { OUT_TEXT, OUT_JSON, OUT_WRITEOUT, OUT_BODY };

/* Default -j: fetches (gather), chains (chain) or workers (queue) at once. */
enum { DEFAULT_PARALLEL = 50 };

/* -o FILE or -O, paired with the URLs in order as curl pairs them: the Nth of them is for
 * the Nth URL (urlnum N - 1) of the whole input. */
struct outspec {
    const char *file; /* -o FILE, or NULL for -O (the URL's last path segment) */
};

/* A field of a -F multipart form (options/form.c reads it, run/curlopts.c sends it). */
enum form_kind {
    FORM_TEXT,      /* NAME=TEXT */
    FORM_FILE,      /* NAME=@FILE: the file, with its name */
    FORM_FILE_TEXT, /* NAME=<FILE: a text field read from the file */
};
struct form_field {
    enum form_kind kind;
    char *name, *value;             /* value: the text, or the file's path (owned) */
    char *type, *filename, *header; /* ;type= ;filename= ;headers= or NULL (owned) */
};

struct config {
    /* input */
    const char **urls; /* URL arguments */
    size_t nurls;
    const char **inputs; /* -i files ("-" is stdin) */
    size_t ninputs;
    unsigned long shard_k, shard_n; /* --shard K/N, K 1-based; n == 0: no sharding */
    char protos[128];               /* allowed schemes, "http,https" */
    const char *journal;            /* --journal FILE (journal.h) */
    int retry_failed;               /* --retry-failed: redo journaled failures */
    int input_vegeta;               /* --input-format vegeta: request lines' body is base64 */
    const char *colsep;             /* --colsep SEP: lines are rows of fields (NULL: not) */
    struct tmpl *url_tmpl;          /* --colsep: the URL argument, compiled (owned; NULL:
                                       the first field is the URL) */
    struct tmpl *data_tmpl;         /* --colsep: -d, compiled (owned; NULL: none) */
    struct tmpl **header_tmpls;     /* --colsep: each -H, compiled (owned, nheaders) */

    /* mode */
    const struct mode *mode; /* run/mode.h: gather (default), queue or chain */
    int mode_given;
    long parallel; /* -j / --workers; 0 = no limit (gather, chain) */
    int sync;
    int compare;
    struct tmpl **thens; /* --then, compiled (owned) */
    size_t nthens;

    /* output */
    enum out_format format;
    struct writeout *writeout; /* -w, compiled (owned) */
    int jsonl_headers;         /* --jsonl-headers: a "headers" object in each record */
    const char *dump_header;   /* -D FILE: every fetch's response headers ("-": stdout) */
    int include;               /* --include (and -I): headers before the body */
    const char *outdir;        /* --output-dir DIR */
    struct outspec *outputs;   /* -o / -O in order (owned array) */
    size_t noutputs;
    int remote_name_all; /* --remote-name-all: -O for every URL without -o/-O */
    int create_dirs;     /* --create-dirs */
    int no_clobber;
    int timeline;
    const char *har;    /* --har FILE (output/har.h) */
    const char *report; /* --report FILE (output/htmlreport.h) */
    int summary;        /* -1: when stderr is a terminal; 0/1 forced */
    int silent;
    int show_error; /* -S: a failed fetch is also told on stderr */
    int verbose;
    int jsonl_body; /* --jsonl-body: the response body in each JSON record */

    /* fetch */
    const char *method;
    const char **headers; /* NULL-terminated (owned array) */
    size_t nheaders;
    char *data; /* -d and its kin, joined as curl joins them (owned) */
    size_t data_len;
    struct form_field *forms; /* -F / --form-string, in order (owned) */
    size_t nforms;
    int json;    /* --json given: JSON Content-Type and Accept unless -H sets them */
    int get;     /* -G: data goes in the query, the method is GET */
    char *query; /* -G: the data, for the query (owned; data is then NULL) */
    int location;
    long max_redirs;
    double max_time;
    double connect_timeout;
    long speed_limit;  /* -Y: bytes per second ... */
    double speed_time; /* -y: ... for this long, or the fetch fails (0: never) */
    int insecure;
    const char *cacert;
    const char *capath;
    const char *user_agent;
    int compressed;
    enum cf_http_version http_version;
    int retry;
    double retry_delay;
    double rate; /* requests per second, 0 = no limit */
    long per_host;
    long long max_filesize;
    int fail;
    int fail_fast;
    int retry_all_errors;  /* --retry-all-errors */
    double retry_max_time; /* --retry-max-time SECS (0: no limit) */

    /* curl options set through libcurl on each attempt (run/curlopts.c); NULL or 0
     * when not given */
    const char *proxy;             /* -x */
    const char *noproxy;           /* --noproxy */
    const char *proxy_user;        /* -U, --proxy-user */
    const char *user;              /* -u, --user */
    const char *bearer;            /* --oauth2-bearer */
    const char *cookie;            /* -b NAME=VALUE...: sent as they are */
    const char *cookie_file;       /* -b FILE: read into the batch's cookie engine */
    const char *cookie_jar;        /* -c FILE: the engine's cookies written at the end */
    struct curl_slist *resolve;    /* --resolve (owned) */
    struct curl_slist *connect_to; /* --connect-to (owned) */
    const char *referer;           /* -e, without ";auto" */
    char *referer_buf;             /* -e's text before ";auto" (owned) */
    int autoreferer;               /* -e ...;auto */
    long long limit_rate;          /* --limit-rate, bytes per second */
    long ipresolve;                /* -4 / -6: CURL_IPRESOLVE_V4 / _V6 (0: whatever) */
    const char *interface;         /* --interface */
    const char *cert;              /* -E, --cert */
    const char *key;               /* --key */
    const char *range;             /* -r, --range */
    long time_cond;                /* -z: CURL_TIMECOND_IFMODSINCE / _IFUNMODSINCE (0: none) */
    long long time_value;          /* -z: the time, seconds since the epoch */
    const char *etag_save;         /* --etag-save FILE: each response's ETag written there */
    long long resume_from;         /* -C N */
    int resume_auto;               /* -C -: from the size of the -o/-O file */
    int curlopts;                  /* any of the above given: the hook is set */

    char **owned; /* what -K files said (owned): strings above may point into them */
    size_t nowned;

    /* option groups */
    struct config *next; /* the group after --next (owned), or NULL */
    unsigned gidx;       /* this group's index: 0 for the first */
    unsigned ngroups;    /* the first group: how many groups there are (1 without --next) */
    int some_outputs;    /* the first group: some group has -o, -O or --remote-name-all */

    /* actions */
    int help;
    int version;
    int demo;
    int serve;
    int serve_port;
};

#endif
