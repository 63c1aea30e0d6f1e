/*
 * openfiles.c - -j within RLIMIT_NOFILE.
 */
#include <stdio.h>
#include <sys/resource.h>

#include "run/mode.h"
#include "run/openfiles.h"

long openfiles_fit(const struct config *cfg)
{
    const long reserve = 32 + (long)cfg->ninputs; /* stdio, loop, libcurl, journal, -o dir */
    const long per =
        1 + (cfg->outdir || cfg->some_outputs ? 1 : 0) + (cfg->format == OUT_BODY ? 1 : 0);
    long want = cfg->parallel, need, allowed;
    struct rlimit rl;

    if (cfg->sync)
        return cfg->parallel;
    if (want == 0)
        want = CLI_UNLIMITED_WINDOW;
    need = reserve + want * per + want / 8;
    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY ||
        (rlim_t)need <= rl.rlim_cur)
        return cfg->parallel;
    if (rl.rlim_cur < rl.rlim_max) {
        struct rlimit nl = rl;
        nl.rlim_cur =
            rl.rlim_max == RLIM_INFINITY || (rlim_t)need < rl.rlim_max ? (rlim_t)need : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &nl) == 0)
            rl = nl;
        if (rl.rlim_cur == RLIM_INFINITY || (rlim_t)need <= rl.rlim_cur)
            return cfg->parallel;
    }
    allowed = ((long)rl.rlim_cur - reserve) * 8 / (8 * per + 1);
    if (allowed < 1)
        allowed = 1;
    fprintf(stderr,
            "cofetch: warning: -j %ld needs about %ld open files, but the limit (ulimit -n) is "
            "%ld: running at most %ld at once\n",
            cfg->parallel, need, (long)rl.rlim_cur, allowed);
    return allowed;
}
