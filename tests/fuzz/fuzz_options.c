/*
 * fuzz_options.c - libFuzzer harness for the command line (src/cli/options.c).
 *
 * Input: arguments separated by NUL bytes, parsed as argv[1..] with a fresh config each
 * run, then freed (the parser keeps no state of its own: the table is const, each call
 * has its own struct parser). '@' is replaced so -d @FILE and -w @FILE never read files.
 * Checked: the result is 0 or EXIT_USAGE, and a usage error printed something; a parsed
 * config respects the checks that span options. --help runs too, now and then.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/exitcode.h"
#include "options/options.h"
#include "run/mode_ordered.h"
#include "run/mode_queue.h"

enum { MAXARGS = 64 };

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    char *argv[MAXARGS + 2] = {"cofetch"};
    int argc = 1;
    struct config cfg;
    char *errbuf = NULL;
    size_t errlen = 0;
    FILE *err;

    if (!buf)
        return 0;
    if (!sink)
        sink = fopen("/dev/null", "w");
    for (size_t i = 0; i < size; i++)
        buf[i] = data[i] == '@' ? 'a' : (char)data[i];
    buf[size] = '\0';
    for (char *p = buf; p <= buf + size && argc <= MAXARGS; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;

    err = open_memstream(&errbuf, &errlen);
    if (!err)
        abort();
    config_init(&cfg);
    int rc = options_parse(&cfg, argc, argv, err);
    fflush(err);
    if (rc != 0 && rc != EXIT_USAGE)
        abort();
    if (rc == EXIT_USAGE && (errlen == 0 || strncmp(errbuf, "cofetch: ", 9) != 0))
        abort(); /* a usage error always explains itself */
    if (rc == 0) {
        if (cfg.mode == &mode_queue && cfg.parallel == 0)
            abort();
        if (cfg.nthens && cfg.mode != &mode_chain)
            abort();
        if ((cfg.no_clobber && !cfg.outdir && !cfg.noutputs && !cfg.remote_name_all) ||
            (cfg.retry_failed && !cfg.journal))
            abort();
        if (cfg.shard_n && (cfg.shard_k < 1 || cfg.shard_k > cfg.shard_n))
            abort();
        if (cfg.format == OUT_WRITEOUT) { /* -w is per group (--next): some group has one */
            const struct config *g = &cfg;
            while (g && !g->writeout)
                g = g->next;
            if (!g)
                abort();
        }
        if (cfg.help && sink && size && data[0] == '-')
            options_help(sink);
    }
    config_free(&cfg);
    fclose(err);
    free(errbuf);
    free(buf);
    return 0;
}
