/*
 * blockwrite.h - a body written to a file in aligned blocks.
 *
 * libcurl hands a body over at most 16 KiB at a time. Written as it comes, a big body
 * takes a write call per 16 KiB and, where the page cache uses large folios (ext4 on
 * Linux 6.x), lands in small ones (bench/notes/cli.md). A block writer passes a body's first chunk
 * straight through (a body that arrives in one chunk, as most small ones do, costs no buffer and no
 * copy) and gathers the rest into writes that end on BW_BLOCK boundaries of the file.
 *
 * The buffers, BW_BLOCK bytes each, come from a budget all writers of a run share
 * (BW_BUDGET); a writer that finds it spent writes chunks as they come. A writer holds
 * its buffer from its second chunk until bw_flush() or bw_drop().
 */
#ifndef CLI_BLOCKWRITE_H
#define CLI_BLOCKWRITE_H

#include <stddef.h>
#include <stdint.h>

enum { BW_BLOCK = 64 * 1024, BW_BUDGET = 8 * 1024 * 1024 };

struct bw_budget {
    size_t held; /* bytes of buffers the run's writers hold */
};

struct blockwriter {
    int fd; /* not owned */
    char *buf;
    size_t len;   /* bytes in buf, to be written at off */
    uint64_t off; /* bytes written to fd */
    struct bw_budget *budget;
};

void bw_init(struct blockwriter *w, int fd, struct bw_budget *budget);
/* Writes or buffers len bytes. 0 or an errno value (the file is then incomplete). */
int bw_write(struct blockwriter *w, const void *data, size_t len);
/* Writes what is buffered and gives the buffer back. 0 or an errno value. */
int bw_flush(struct blockwriter *w);
/* Gives the buffer back without writing it (the file is abandoned). */
void bw_drop(struct blockwriter *w);

#endif
