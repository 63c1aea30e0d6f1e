/*
 * outdir.h - where bodies are saved: under --output-dir DIR (or the current directory),
 * in the file -o names, under the URL's last path segment (-O), or, with --output-dir
 * alone, under a name derived from the whole URL.
 *
 * The derived name: the URL without its scheme when that is http (other schemes are kept, and so
 * is http when what follows would read as a URL itself, "http://ftp:/x"), without its
 * user info (whatever the scheme: credentials never reach a file name) and its fragment,
 * every byte outside [A-Za-z0-9.-] written as "_XX" (hex; '_' itself too), and a leading
 * '.' as "_2E". The encoding of what is left is injective: two URLs share a name only
 * when they differ in nothing but user info and fragment (the same resource, fetched
 * twice: the later file replaces the earlier, or is kept out by --no-clobber); a name
 * never holds '/', '\\', a control byte,
 * never starts with '.' and is never "." or "..". A name over OUTDIR_NAME_MAX bytes is
 * cut and suffixed with "-" and the 16 hex digits of FNV-1a-64 of the whole URL, which
 * keeps it deterministic. The same URL twice is the same file.
 *
 * Bodies are written to a temporary ".cofetch-*.part" file created with O_CREAT|O_EXCL
 * in DIR and renamed to the final name only when the fetch succeeded; otherwise it is
 * removed. --no-clobber renames with RENAME_NOREPLACE and keeps an existing file.
 * Bodies are written in aligned blocks (blockwrite.h); the directory holds the budget
 * of the block buffers.
 *
 * With a thread pool (od->pool) a file's body writes, once the disk is slow
 * (blockwrite.h: a write over BW_FAST_WRITE), and its end (the last write, the close,
 * the rename or the removal) run on the pool's workers, so a slow disk holds up only
 * the fetches that write to it: outdir_write may answer BW_PAUSE (on_ready is called
 * when it may be tried again) and outdir_end does the end there, calling on_end on the
 * loop's thread when the file is complete and in place (or gone). A file none
 * of whose blocks went to the pool (a small one, or any while the disk is fast) ends
 * on the loop while the disk is fast: a pool's round trip costs more than such an end, and the
 * first end that takes over OUTDIR_FAST_END seconds, there or on the pool, sends the
 * ends that follow to the pool until one there is fast again. Creating the
 * file (and --create-dirs' directories) stays on the loop, before the fetch starts, so
 * that a file that cannot be made fails its fetch before any byte is fetched.
 */
#ifndef CLI_OUTDIR_H
#define CLI_OUTDIR_H

#include <limits.h>
#include <stddef.h>

#include "cofetch/thread.h"
#include "output/blockwrite.h"
#include "base/strbuf.h"

enum { OUTDIR_NAME_MAX = 200 };
/* A file's end (write, close, rename) that took longer than this, seconds: a slow disk. */
#define OUTDIR_FAST_END 0.005

struct outdir {
    int dirfd;
    int no_clobber;
    int create_dirs; /* --create-dirs: a name's missing directories are made */
    const char *path;
    struct bw_budget buffers;
    cf_pool *pool; /* NULL: files are written on the caller's thread */
    int disk_slow; /* a write or end was slow: writes and ends on the pool */
};

struct outfile {
    int fd;
    int dirfd;     /* the directory the file goes in: the outdir's, or its own */
    int own_dirfd; /* dirfd is this file's to close */
    int direct;    /* written in place: the name is no regular file (-o /dev/null) */
    struct blockwriter body;
    char tmp[64];
    char name[PATH_MAX]; /* relative to the outdir (absolute for an absolute -o) */
    size_t base;         /* where the last component of name starts */
    /* On a pool: who goes on when a refused chunk may come again (on_ready) and when
     * the end is done (on_end), with ctx; the end's state and outcome. */
    void (*on_ready)(void *ctx);
    void (*on_end)(void *ctx);
    void *ctx;
    struct outdir *od;
    int ending; /* outdir_end called: it runs once no block is in flight */
    int commit; /* ... to put the file in place (else to remove it) */
    int no_clobber;
    int end_rc;    /* 0, 1 (--no-clobber kept an existing file) or CF_EIO */
    int end_errno; /* CF_EIO: why, and at which step */
    const char *end_what;
    double end_secs; /* how long the end took */
};

/* Opens DIR (creating it if missing, and its parents too with create_dirs), and removes
 * the temporary files that runs which are gone (SIGKILL, a crash) left there; path NULL
 * is the current directory, left as it is. 0, or CF_EIO with a message on stderr. */
int outdir_open(struct outdir *od, const char *path, int no_clobber, int create_dirs);
void outdir_close(struct outdir *od);

/* The file name for url (pure). out must hold OUTDIR_NAME_MAX + 1 bytes. */
void outdir_name(const char *url, char *out);

/* -O: url's last path segment, as curl takes it (not decoded, no query), into out (cap
 * bytes). 0, or -1 when there is none (the path is empty or ends in '/'). */
int outdir_remote_name(const char *url, char *out, size_t cap);

/* --no-clobber: whether url's file is in the directory already (its name put in out,
 * OUTDIR_NAME_MAX + 1 bytes): then it is not fetched. */
int outdir_exists(struct outdir *od, const char *url, char *out);
/* The same for a file name (-o, -O), relative to the directory. */
int outdir_file_exists(struct outdir *od, const char *name);
/* Creates the temporary file for url's derived name. 0 or CF_EIO (the reason replaces
 * err's text). */
int outdir_begin(struct outdir *od, const char *url, struct outfile *f, struct strbuf *err);
/* The same for a file name relative to the directory (-o, -O); its missing directories
 * are made first with create_dirs. */
int outdir_begin_file(struct outdir *od, const char *name, struct outfile *f, struct strbuf *err);
/* -C: opens the file name for appending (made if missing, its directories too with
 * create_dirs), written in place; *size is what it holds already. 0 or CF_EIO. */
int outdir_begin_append(struct outdir *od, const char *name, struct outfile *f, long long *size,
                        struct strbuf *err);
/* Writes a piece of the body. 0 or an errno value. */
int outdir_write(struct outfile *f, const void *data, size_t len);
/* Writes what is left of the body and renames the file to its final name. 0, 1 if
 * --no-clobber kept an existing file, or CF_EIO (the reason replaces err's text). */
int outdir_commit(struct outdir *od, struct outfile *f, struct strbuf *err);
/* Removes the temporary file (failed or cancelled fetch). */
void outdir_abort(struct outdir *od, struct outfile *f);
/* On a pool: the file's end, as outdir_commit (commit 1) or outdir_abort (0) do it, on a
 * worker once no block is in flight; f->on_end(f->ctx) is called on the loop's thread
 * when it is done, and outdir_end_result() then says how it went. 0: on its way; 1: done
 * already, here (no job to be had), on_end not called. */
int outdir_end(struct outdir *od, struct outfile *f, int commit);
/* After outdir_end: as outdir_commit's result (err filled on CF_EIO). */
int outdir_end_result(struct outdir *od, struct outfile *f, struct strbuf *err);

#endif
