/*
 * journal.h - --journal FILE: a record of finished input lines, so an interrupted batch
 * can be resumed by running the same command again.
 *
 * Format: text, one entry a line, appended; lines starting with '#' are comments (a new
 * journal starts with one naming the format):
 *
 *   STATUS <TAB> IDENTITY <TAB> SOURCE <TAB> LINE <TAB> URL
 *
 * STATUS is "ok" or "failed"; IDENTITY the request's identity (input.h: a request line's
 * id, else its method, URL and body; a URL line's text), 16 hex digits; SOURCE the input
 * the line came from ("args", "-" for stdin, or the -i file name as given), LINE its
 * 1-based line (or argument) number and URL the line's text, for the reader: only
 * IDENTITY is the key. In SOURCE and URL, '\\', bytes below 0x20 and 0x7f are written as
 * \xNN, so an entry is always one line. A request is done wherever it is found: reordered,
 * on another line, read from stdin instead of -i; the same request on two lines is one
 * entry.
 *
 * A journal of the first format ("# cofetch journal v1", entries STATUS <TAB> SOURCE <TAB>
 * LINE <TAB> URL, keyed on all three) is read too: an entry's identity is then its URL
 * line's (FNV-1a of the text), which is what a URL line has now, so a rerun skips what it
 * did; new entries are appended in this format.
 *
 * An entry is added once a line's last record has been handed to the output: a fetch
 * (ok or failed), a bad input line (failed), or in chain mode the chain's last step (ok
 * when every step was). A line that was cancelled (Ctrl-C, --fail-fast, a closed stdout) is
 * not journaled: it was in flight, and a rerun does it again. An entry carries the output's
 * byte count at the end of its record, and is written to the file only once stdout has
 * taken that many bytes: right after the output flush that wrote the record (the output
 * says so after each flush). So a record lost to a failed or closed stdout is never
 * journaled, and after a SIGKILL at most the records of the last flush are redone (on a
 * thread pool: of the flushes whose entries were still on their way to the file, the
 * write in flight and what gathered behind it). The file is fdatasync()ed when closed.
 *
 * On a thread pool (journal_use_pool) the appends are written by a worker, one at a
 * time, while the entries that follow gather, so a slow disk never stops the loop; the
 * close waits for the write in flight and writes the rest itself.
 *
 * On a rerun, lines with an "ok" entry are skipped, and so are lines with a "failed" entry
 * unless --retry-failed is given. A skipped line yields no record (it is counted in the
 * summary as skipped); every other line yields its records as usual. A torn last line (a
 * crash in the middle of a write) is ignored.
 */
#ifndef CLI_JOURNAL_H
#define CLI_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cofetch/thread.h"

struct journal;

/* Reads FILE if it exists, then opens it for appending (creating it), locked (flock) for
 * as long as it is open: another run on the same journal is refused. 0, or CF_EIO with a
 * message on stderr (also when another cofetch holds it), CF_ENOMEM. */
int journal_open(struct journal **out, const char *path, int retry_failed);

/* Whether the request with identity ident is already done and must be skipped; counts the
 * skipped ones. */
int journal_skip(struct journal *j, uint64_t ident);
unsigned long journal_skipped(const struct journal *j);

/* Buffers an entry for a record that ends where the output's byte count reaches mark
 * (output_end()). Never suspends. */
void journal_add(struct journal *j, uint64_t mark, int ok, uint64_t ident, const char *src,
                 unsigned long lineno, const char *url, size_t len);
/* Bytes buffered and not yet written. */
size_t journal_pending(const struct journal *j);
/* Writes the entries whose records are out: those with mark <= written (a blocking
 * write, or on a pool handed to a worker). 0 or CF_EIO (reported once on stderr;
 * nothing is written after it). NULL is a no-op. */
int journal_flush(struct journal *j, uint64_t written);
/* From now on appends are written on pool (its loop's thread calls every journal_*
 * function); a journal without memory for it goes on writing here. NULL j: no-op. */
void journal_use_pool(struct journal *j, cf_pool *pool);
/* Waits for the append in flight (blocking: the loop may have stopped), then writes
 * what is out and not yet written here; appends are written here from then on. For
 * the close and for an exit that cannot wait for the loop. NULL is a no-op. */
void journal_settle(struct journal *j);
/* Whether a write to the journal failed (exit code 3). */
int journal_failed(const struct journal *j);
/* Settles (journal_settle), syncs, closes and frees; entries not yet written are dropped
 * (their records are not out). NULL is a no-op. */
void journal_close(struct journal *j);

/* An entry as written in the file after the status, without its newline (pure; for the
 * tests). Appends to out; 0 or CF_ENOMEM. */
struct strbuf;
int journal_key(struct strbuf *out, uint64_t ident, const char *src, unsigned long lineno,
                const char *url, size_t len);

#endif
