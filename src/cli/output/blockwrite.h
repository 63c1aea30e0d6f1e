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
 *
 * With a thread pool (bw_use_pool) the loop still writes while the disk is fast (a
 * write under BW_FAST_WRITE seconds): a fast disk pays no copy and no hand-off. Once a
 * write takes longer, a flag the run's writers share (*slow) sends them all to the
 * pool, where the loop does no write at all: chunks are copied into the writer's buffer
 * and each full block is written by a worker while the next one fills, so a slow disk
 * stalls these bodies only, never the loop; a block written fast there clears the flag. A chunk
 * that finds both buffers taken (one filling and full, one being written) is refused with BW_PAUSE:
 * the caller pauses the transfer and tries the chunk again when on_idle is called. Two
 * buffers per writer at most (a chunk larger than a block gets a buffer its size); a
 * writer that finds the budget spent and nothing in flight writes as it comes, as
 * without a pool. The end of such a file (outdir.c) waits until the writer is idle
 * (bw_busy 0), writes what is left with bw_write_rest on a worker, and gives the
 * buffers back with bw_drop on the loop.
 */
#ifndef CLI_BLOCKWRITE_H
#define CLI_BLOCKWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "cofetch/thread.h"

enum { BW_BLOCK = 64 * 1024, BW_BUDGET = 8 * 1024 * 1024 };
/* A write this long (seconds) or longer makes the disk slow (see above). */
#define BW_FAST_WRITE 0.005
/* bw_write: the chunk is not taken now (a pool writer whose buffers are both taken). */
enum { BW_PAUSE = -1 };

struct bw_budget {
    size_t held; /* bytes of buffers the run's writers hold (loop thread) */
};

struct blockwriter {
    int fd; /* not owned */
    char *buf;
    size_t len;   /* bytes in buf, to be written at off */
    size_t cap;   /* buf's size (BW_BLOCK, or a larger chunk's) */
    uint64_t off; /* bytes written to fd (or handed to a worker) */
    struct bw_budget *budget;
    /* On a pool: the buffer a worker writes, the one free for the next block, the first
     * write error, and who to tell when a write has ended. */
    cf_pool *pool;
    char *flight, *spare;
    size_t flight_len, flight_cap, spare_cap;
    int *slow;          /* the run's writers' flag: the disk was slow (see above) */
    double flight_secs; /* how long the worker's last write took */
    int busy;           /* flight is being written */
    int pooled;         /* a block of this body went to the pool */
    int err;            /* the first errno of a worker's write */
    void (*on_idle)(void *ctx);
    void *ctx;
};

void bw_init(struct blockwriter *w, int fd, struct bw_budget *budget);
/* From now on blocks are written on pool while *slow (shared by the run's writers, set
 * and cleared by their timings); on_idle(ctx) is called on the loop's thread after each
 * of those writes has ended. */
void bw_use_pool(struct blockwriter *w, cf_pool *pool, int *slow, void (*on_idle)(void *ctx),
                 void *ctx);
/* Writes or buffers len bytes. 0, BW_PAUSE (on a pool: try again after on_idle), or an
 * errno value (the file is then incomplete). */
int bw_write(struct blockwriter *w, const void *data, size_t len);
/* A worker is writing one of w's blocks. */
int bw_busy(const struct blockwriter *w);
/* Writes what is buffered and gives the buffer back. 0 or an errno value. */
int bw_flush(struct blockwriter *w);
/* Writes what is buffered, keeping the buffers (any thread, the writer idle): 0 or an
 * errno value, a pool write's earlier error first. */
int bw_write_rest(struct blockwriter *w);
/* Gives the buffers back without writing them (the file is abandoned, or its end
 * written them); not while a worker writes one (bw_busy). */
void bw_drop(struct blockwriter *w);

#endif
