/*
 * journal.h - --journal FILE: a record of finished input lines, so an interrupted batch
 * can be resumed by running the same command again.
 *
 * Format: text, one entry a line, appended; lines starting with '#' are comments (a new
 * journal starts with one naming the format):
 *
 *   STATUS <TAB> SOURCE <TAB> LINE <TAB> URL
 *
 * STATUS is "ok" or "failed"; SOURCE the input the line came from ("args", "-" for stdin,
 * or the -i file name as given); LINE its 1-based line (or argument) number; URL the line's
 * text with '\\', bytes below 0x20 and 0x7f written as \xNN (so the four fields are
 * always tab-separated). An entry is identified by SOURCE, LINE and URL together: the same
 * URL on two lines is two entries, and a line whose text changed is not taken for done.
 *
 * An entry is appended once a line's last record has been handed to the output: a fetch
 * (ok or failed), a bad input line (failed), or in chain mode the chain's last step (ok
 * when every step was). A line that was cancelled (Ctrl-C, --fail-fast, a closed stdout) is
 * not journaled: it was in flight, and a rerun does it again. Entries are written to the
 * file at least every second (after the output they describe has been written) and at
 * exit, also after SIGINT/SIGTERM; the file is fdatasync()ed when closed.
 *
 * On a rerun, lines with an "ok" entry are skipped, and so are lines with a "failed" entry
 * unless --retry-failed is given. A skipped line yields no record (it is counted in the
 * summary as skipped); every other line yields its records as usual. A torn last line (a
 * crash in the middle of a write) is ignored.
 */
#ifndef CLI_JOURNAL_H
#define CLI_JOURNAL_H

#include <stddef.h>

struct journal;

/* Reads FILE if it exists, then opens it for appending (creating it). 0, or CF_EIO with a
 * message on stderr, CF_ENOMEM. */
int journal_open(struct journal **out, const char *path, int retry_failed);

/* Whether the line (src, lineno, url[0..len)) is already done and must be skipped; counts
 * the skipped ones. */
int journal_skip(struct journal *j, const char *src, unsigned long lineno, const char *url,
                 size_t len);
unsigned long journal_skipped(const struct journal *j);

/* Buffers an entry (written by journal_flush). Never suspends. */
void journal_add(struct journal *j, int ok, const char *src, unsigned long lineno, const char *url,
                 size_t len);
/* Bytes buffered and not yet written. */
size_t journal_pending(const struct journal *j);
/* Writes what is buffered (blocking write). 0 or CF_EIO (reported once on stderr). */
int journal_flush(struct journal *j);
/* Flushes, syncs, closes and frees. NULL is a no-op. */
void journal_close(struct journal *j);

/* The key of a line, as written in the file after the status (pure; for the tests).
 * Appends to out; 0 or CF_ENOMEM. */
struct strbuf;
int journal_key(struct strbuf *out, const char *src, unsigned long lineno, const char *url,
                size_t len);

#endif
