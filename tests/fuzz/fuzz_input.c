/*
 * fuzz_input.c - libFuzzer harness for the URL-line reader and checker (src/cli/input.c).
 *
 * The input is a list file: it is read the way `cofetch -i FILE` reads it (cf_lines on a
 * regular file, inside a cf_loop task), and every item handed out is checked against the
 * contract of input.h: a good item is NUL-free, trimmed, not a comment, within the line
 * limit and passes line_check() again; a bad one has a reason; line numbers increase.
 * The first byte picks a --shard and --proto setting. Each line also goes through the
 * pure helpers directly. No state survives a run (a new loop, input and config each time).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cofetch/cofetch.h"
#include "base/config.h"
#include "base/hash.h"
#include "input/input.h"
#include "input/linecheck.h"
#include "options/options.h"

struct ctx {
    struct input *in;
    struct config *cfg;
};

static int reader(void *arg, void **result)
{
    struct ctx *c = arg;
    struct item it = {0};
    unsigned long last_line = 0, n = 0;
    const char *last_src = NULL;
    int rc;
    (void)result;

    while ((rc = input_next(c->in, &it)) == 0) {
        if (it.src == last_src && it.lineno <= last_line)
            abort(); /* line numbers go forward */
        last_src = it.src;
        last_line = it.lineno;
        if (it.urlnum != n++)
            abort();
        if (it.bad) {
            if (!item_why(&it)[0])
                abort(); /* a bad line always says why */
            continue;
        }
        if (it.url.len > LINE_MAX_BYTES || memchr(it.url.buf, '\0', it.url.len) ||
            it.url.buf[it.url.len] != '\0')
            abort();
        size_t tlen = it.url.len;
        if (line_trim(it.url.buf, &tlen) != it.url.buf || tlen != it.url.len)
            abort(); /* handed out trimmed */
        if (line_skipped(it.url.buf, it.url.len))
            abort(); /* comments and blanks are never handed out */
        char why[192];
        const char *url = item_url(&it);
        if (line_check(url, strlen(url), c->cfg->protos, why, sizeof why) != 0)
            abort(); /* a request line's url is checked like a URL line */
        if (c->cfg->shard_n && it.ident % c->cfg->shard_n != c->cfg->shard_k - 1)
            abort(); /* in its shard, by its identity */
        if (!it.is_req && it.ident != fnv1a64(it.url.buf, it.url.len))
            abort(); /* a URL line's identity is its text's hash, as before */
    }
    item_free(&it);
    return rc == CF_EOF ? 0 : rc;
}

static void helpers(const uint8_t *data, size_t size, const char *protos)
{
    const char *p = (const char *)data, *end = p + size;
    char *copy = malloc(size + 1);
    char why[192];

    if (!copy)
        return;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *t = line_trim(p, &len);
        if (len && (t < p || t + len > end))
            abort();
        memcpy(copy, t, len);
        copy[len] = '\0';
        line_skipped(copy, len);
        (void)(line_check(copy, len, protos, why, sizeof why) == 0 && !why[0]);
        p += (nl ? (size_t)(nl - p) + 1 : len);
        if (!nl)
            break;
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg;
    struct ctx c = {NULL, &cfg};
    cf_loop *loop = NULL;
    char path[64];
    const char *inputs[1] = {path};
    int fd;

    config_init(&cfg);
    if (size > 0) {
        if (data[0] & 1) {
            cfg.shard_n = 1 + data[0] % 5;
            cfg.shard_k = 1 + (data[0] >> 4) % cfg.shard_n;
        }
        if (data[0] & 2)
            snprintf(cfg.protos, sizeof cfg.protos, "http,https,ftp,file");
    }
    helpers(data, size, cfg.protos);

    fd = memfd_create("list", MFD_CLOEXEC);
    if (fd < 0)
        abort();
    if (size && write(fd, data, size) != (ssize_t)size)
        abort();
    lseek(fd, 0, SEEK_SET);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    cfg.inputs = inputs;
    cfg.ninputs = 1;
    if (input_open(&c.in, &cfg, 0) == 0) {
        if (cf_loop_new(&loop, NULL) == 0) {
            int rc = cf_loop_run(loop, reader, &c, NULL);
            if (rc && rc != CF_ENOMEM)
                abort();
            cf_loop_free(loop);
        }
        input_free(c.in);
    }
    close(fd);
    cfg.inputs = NULL; /* not owned */
    cfg.ninputs = 0;
    config_free(&cfg);
    return 0;
}
