/*
 * request.h - a request line: an input line that starts with '{' is a JSON object that
 * describes one request (parsed with libjansson).
 *
 * Keys (every one but url optional; a per-line key overrides the command line's option,
 * the rest of the options apply as usual):
 *   url        string, required
 *   method     string (-X)
 *   header     {"Name": ["v1", "v2"]} (vegeta's form), {"Name": "v"}, or ["Name: v", ...];
 *              a line's header replaces the command line's -H of the same name
 *   body       string: the body as text (with REQ_VEGETA: base64, as vegeta writes it)
 *   body_b64   string: the body's bytes, base64
 *   body_file  string: a path; the body is that regular file's contents (input.c reads it)
 *   json       any JSON value: sent compact as the body, with curl --json's
 *              Content-Type: application/json and Accept: application/json
 *   timeout    number of seconds (-m)
 *   retry      integer 0..1000 (--retry)
 *   id, meta   any JSON value, echoed in the line's JSON records; id is the request's
 *              identity for --journal and --shard (else method, URL and body are)
 *   tag        string, echoed
 * At most one of body, body_b64, body_file and json. Unknown keys are reported to the
 * caller (reqline_parse's unknown) and otherwise ignored.
 *
 * Ownership: a struct reqline owns everything it points to; it is reused line after
 * line (reqline_reset keeps nothing but the allocations of its buffers).
 */
#ifndef CLI_REQUEST_H
#define CLI_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"

enum { REQ_VEGETA = 1 }; /* reqline_parse flags: "body" is base64 */

struct reqline {
    struct strbuf url;
    struct strbuf method; /* empty: not given */
    char **headers;       /* "Name: value" (owned strings) */
    size_t nheaders, capheaders;
    struct strbuf body; /* the body's bytes (has_body) */
    int has_body;
    int json;                /* the body is the "json" key's: send curl --json's headers */
    struct strbuf body_file; /* a path still to be read into body (empty: none) */
    double timeout;          /* has_timeout */
    int has_timeout;
    int retry; /* has_retry */
    int has_retry;
    const char **hdrv; /* reqline_merge_headers' list, NULL-terminated (owned
                          array; the strings are headers' or the caller's) */
    size_t caphdrv;
    struct strbuf echo; /* the record's members: ,"id":..,"meta":..,"tag":".." */
    struct strbuf id;   /* compact JSON of id, keys sorted (empty: no id) */
};

void reqline_reset(struct reqline *rq);
void reqline_free(struct reqline *rq);

/* Parses line[0..len) (a JSON object) into rq. flags: REQ_VEGETA or 0. unknown (may be
 * NULL) is called with each key it does not know. 0; 1 when the line is bad: why then
 * says which key and what is wrong with it ("key \"method\": a string expected"), and
 * rq->echo still holds its id, meta and tag when it is a JSON object that has them (for
 * its error record); or CF_ENOMEM. */
int reqline_parse(struct reqline *rq, const char *line, size_t len, int flags, struct strbuf *why,
                  void (*unknown)(void *ctx, const char *key), void *ctx);

/* Adds one "Name: value" header line to the line's own (the name an HTTP token, the
 * value without CR, LF or NUL). 0; 1 (why says what is wrong); CF_ENOMEM. */
int reqline_add_header(struct reqline *rq, const char *h, size_t len, struct strbuf *why);

/* Builds rq->hdrv, the headers to send: the line's, then (for json) Content-Type and
 * Accept: application/json unless the line names them, then base's (the command line's
 * -H, NULL-terminated, may be NULL) whose names the line does not have. base's strings
 * are borrowed and must outlive rq->hdrv. 0 or CF_ENOMEM. */
int reqline_merge_headers(struct reqline *rq, const char *const *base);

/* Reads rq->body_file into rq->body: a regular file of at most max bytes, read in
 * pieces of 64 KiB; between pieces, yield (cf_yield) when called from a task, so the
 * loop keeps running. May suspend. 0, or -1 with the reason in why. */
int reqline_read_body_file(struct reqline *rq, size_t max, struct strbuf *why);

/* The request's identity: 64 bits of FNV-1a over its id when it has one, else over its
 * method (GET, or POST with a body, when empty), URL and body (a body_file: its path).
 * The same request on any line of any source has the same identity. */
uint64_t reqline_identity(const struct reqline *rq);

#endif
