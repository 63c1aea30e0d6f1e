/*
 * config.h - everything the command line asked for, after parsing and checking.
 *
 * Set up by config_init(), filled by options_parse() and freed by config_free() (all in
 * options/options.c); read-only everywhere else: what a run decides for itself (the
 * effective -j, colour) lives in its own state. Strings point into argv unless marked
 * owned.
 */
#ifndef CLI_CONFIG_H
#define CLI_CONFIG_H

#include <stddef.h>

#include "cofetch/fetch.h"

struct mode;
struct tmpl;
struct writeout;

enum out_format { OUT_TEXT, OUT_JSON, OUT_WRITEOUT, OUT_BODY };

/* Default -j: fetches (gather), chains (chain) or workers (queue) at once. */
enum { DEFAULT_PARALLEL = 50 };

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
    const char *outdir;
    int no_clobber;
    int timeline;
    const char *har;    /* --har FILE (output/har.h) */
    const char *report; /* --report FILE (output/htmlreport.h) */
    int summary;        /* -1: when stderr is a terminal; 0/1 forced */
    int silent;
    int verbose;

    /* fetch */
    const char *method;
    const char **headers; /* NULL-terminated (owned array) */
    size_t nheaders;
    char *data; /* -d (owned) */
    size_t data_len;
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

    /* actions */
    int help;
    int version;
    int demo;
    int serve;
    int serve_port;
};

#endif
