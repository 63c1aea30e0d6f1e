/*
 * har.h - --har FILE: every fetch as an entry of a HAR 1.2 log (the format browsers'
 * devtools import and export), one page per run ("--sync" and the mode under --compare).
 *
 * The file is written as the run goes and is a complete, valid HAR file after every
 * write: entries go out in batches (64 KiB, or a second after the last batch), each
 * write puts the batch and the closing brackets (with the pages) at the end of the
 * entries written so far, in one pwritev, over the previous closing brackets. Memory is
 * bounded by one batch; a SIGINT, an error or even a SIGKILL leaves a file that parses,
 * missing at most the entries of the batch not yet written.
 *
 * An entry's timings come from libcurl's time counters of the last attempt (which are
 * cumulative from its start): dns, connect (TCP and TLS: HAR counts ssl inside connect),
 * ssl (-1 for plain HTTP), send (0: the record keeps no PRETRANSFER), wait (to the first
 * byte), receive (to the end); blocked is everything before the last attempt began (the
 * wait for a slot or rate turn, earlier attempts, backoff). Their sum, ssl left out, is
 * the entry's time, which is the record's own time (end - start); all in milliseconds.
 *
 *   har_open    create FILE (0, or CF_EIO / CF_ENOMEM with errbuf saying why)
 *   har_page    a run begins: a new page; entries added next belong to it
 *   har_add     one finished record (never suspends; writes only when a batch is due)
 *   har_page_end  the run is over after wall seconds
 *   har_flush   write what is buffered now
 *   har_close   write the rest, close and free: 0, or CF_EIO if any write failed
 *
 * Ownership: the har owns its descriptor and buffers; har_open copies nothing from req
 * but keeps pointers to it (the configuration outlives the har).
 */
#ifndef CLI_HAR_H
#define CLI_HAR_H

#include <stddef.h>

#include "base/record.h"

struct har;

/* What every request of the batch was sent with. */
struct har_req {
    const char *method;         /* NULL: GET (POST with a body) */
    const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
    size_t body_len;
};

int har_open(struct har **h, const char *path, const struct har_req *req, char *errbuf,
             size_t errlen);
void har_page(struct har *h, const char *title);
void har_add(struct har *h, const struct rec *r);
void har_page_end(struct har *h, double wall);
void har_flush(struct har *h);
/* The errno of the first failed write (0: none) is *err when err is not NULL. */
int har_close(struct har *h, int *err);

#endif
