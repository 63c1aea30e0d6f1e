/*
 * reorder.h - finished lines waiting for their turn on stdout, kept out of the slots.
 *
 * In the ordered modes a line's records are written only after every earlier line's; a
 * slow line ahead would hold every finished line behind it in its slot, and with the
 * slots all taken fetching would stop. Instead a finished line's records are kept here
 * as the bytes stdout will take (and the journal entry that goes with them), and its
 * slot goes back to work. The bytes stay in memory up to REORDER_MEM in all, then go to
 * an unlinked temporary file (in $TMPDIR, else /tmp), whose blocks are given back as the
 * lines are written; at most `lines` lines are kept (the reader waits beyond that).
 *
 *   reorder_new / _free
 *   reorder_put     keep line SEQ's entry (copied)
 *   reorder_has     whether line SEQ is kept
 *   reorder_take    hand line SEQ's entry to a callback, then forget it
 *
 * Nothing here suspends. Errors are returned, never fatal: a line that could not be kept
 * stays in its slot, as before.
 */
#ifndef CLI_REORDER_H
#define CLI_REORDER_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of kept lines in memory before the rest go to the temporary file. */
enum { REORDER_MEM = 4 * 1024 * 1024 };

struct reorder;

/* What writing one line takes. */
struct reorder_entry {
    const char *bytes; /* its records, as stdout takes them */
    size_t len;
    int journal; /* the line is journaled once its bytes are out: */
    int ok;
    uint64_t ident;  /* the request's identity (input.h) */
    const char *src; /* (static: a source name lives as long as the run) */
    unsigned long lineno;
    const char *url; /* the line's text */
    size_t url_len;
};

/* Room for `lines` lines kept at once (SEQ modulo lines picks the place). 0 or CF_ENOMEM. */
int reorder_new(struct reorder **out, size_t lines);
void reorder_free(struct reorder *ro);

/* Keeps a copy of line seq's entry (seq must not be kept already, and fewer than `lines`
 * lines may be kept). 0, or CF_ENOMEM / CF_EIO: nothing kept. */
int reorder_put(struct reorder *ro, uint64_t seq, const struct reorder_entry *e);

int reorder_has(const struct reorder *ro, uint64_t seq);

/* Calls fn with line seq's entry (valid only during the call), then forgets the line.
 * 0, or CF_EIO when the temporary file could not be read back (fn is then called with
 * the entry's journal fields and no bytes), CF_ENOMEM likewise. */
int reorder_take(struct reorder *ro, uint64_t seq,
                 void (*fn)(void *ctx, const struct reorder_entry *e), void *ctx);

/* Lines kept now, and bytes of them in the temporary file (for tests). */
size_t reorder_count(const struct reorder *ro);
uint64_t reorder_spilled(const struct reorder *ro);

#endif
