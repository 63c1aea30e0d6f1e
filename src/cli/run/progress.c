/*
 * progress.c - the progress bar, redrawn by a loop timer.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/linecheck.h"
#include "output/summary.h"
#include "run/progress.h"
#include "run/run.h"

static const double PERIOD = 0.25;
static const double FIRST_AFTER = 1.0;
enum { BAR_MIN = 10, BAR_MAX = 40 };

/* The lines of one -i file that will be URLs (or bad lines): -1 when it is no regular file. */
static long count_file(const char *path, const struct config *cfg)
{
    FILE *f;
    struct stat st;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long count = 0;
    int fd;

    /* O_NONBLOCK: opening a FIFO must not wait for its writer (it is not counted). */
    if (strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !(f = fdopen(fd, "r"))) {
        close(fd);
        return -1;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)n;
        const char *s;
        if (line[len - 1] == '\n')
            len--;
        s = line_trim(line, &len);
        if (!line_skipped(s, len) && shard_take(s, len, cfg->shard_k, cfg->shard_n))
            count++;
    }
    free(line);
    fclose(f);
    return count;
}

long progress_total(const struct config *cfg)
{
    long total = 0;

    if (cfg->nthens || cfg->journal)
        return -1;
    if (cfg->ninputs == 0 && cfg->nurls == 0)
        return -1;                                       /* stdin */
    for (const struct config *g = cfg; g; g = g->next) { /* --next: every group's */
        for (size_t i = 0; i < g->nurls; i++) {
            size_t len = strlen(g->urls[i]);
            const char *s = line_trim(g->urls[i], &len);
            if (shard_take(s, len, cfg->shard_k, cfg->shard_n))
                total++;
        }
        for (size_t i = 0; i < g->ninputs; i++) {
            long n = count_file(g->inputs[i], cfg);
            if (n < 0)
                return -1;
            total += n;
        }
    }
    return total;
}

static int term_width(void)
{
    struct winsize ws;

    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 10)
        return ws.ws_col;
    return 80;
}

/* The fields after the bar, the less needed ones left out first as `drop` grows. */
static int fields(char *buf, size_t cap, const struct progress *p, double rate, int drop)
{
    const struct run *run = p->run;
    unsigned long done = run->order;
    char bytes[32] = "";
    int n = 0;

    if (p->total >= 0)
        n += snprintf(buf + n, cap - (size_t)n, "%lu/%ld done", done, p->total);
    else
        n += snprintf(buf + n, cap - (size_t)n, "%lu done", done);
    n += snprintf(buf + n, cap - (size_t)n, ", %lu failed, %lu in flight", run->stats.failed,
                  run->inflight);
    if (drop < 3)
        n += snprintf(buf + n, cap - (size_t)n, ", %.1f/s", rate);
    if (drop < 2) {
        summary_bytes(bytes, sizeof bytes, run->stats.bytes);
        n += snprintf(buf + n, cap - (size_t)n, ", %s", bytes);
    }
    if (drop < 4 && p->total >= 0 && rate > 0 && (unsigned long)p->total > done)
        n += snprintf(buf + n, cap - (size_t)n, ", ETA %.0fs",
                      (double)(p->total - (long)done) / rate);
    return n;
}

static void draw(struct progress *p)
{
    const struct run *run = p->run;
    double t = run_now(run);
    double rate = t > 0 ? (double)run->order / t : 0;
    int width = term_width() - 1; /* never the last column: no wrap */
    char head[64] = "", tail[256], bar[BAR_MAX + 1] = "", line[512];
    int hn = 0, tn, bw = 0, pct = 0, drop = 0;

    if (p->phase)
        hn = snprintf(head, sizeof head, "%s  ", p->phase);
    if (p->total > 0) {
        pct = (int)(100.0 * (double)run->order / (double)p->total);
        if (pct > 100)
            pct = 100;
    } else if (p->total == 0) {
        pct = 100;
    }
    tn = fields(tail, sizeof tail, p, rate, 0);
    if (p->total >= 0) {
        /* "[bar]  48%  " */
        bw = width - hn - tn - 9;
        if (bw > BAR_MAX)
            bw = BAR_MAX;
        while (bw < BAR_MIN && drop < 4) {
            tn = fields(tail, sizeof tail, p, rate, ++drop);
            bw = width - hn - tn - 9;
            if (bw > BAR_MAX)
                bw = BAR_MAX;
        }
        if (bw >= BAR_MIN) {
            int fill = bw * pct / 100;
            for (int i = 0; i < bw; i++)
                bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
            bar[bw] = '\0';
        } else {
            bw = 0;
        }
    } else {
        while (hn + tn > width && drop < 4)
            tn = fields(tail, sizeof tail, p, rate, ++drop);
    }
    if (bw)
        snprintf(line, sizeof line, "%s[%s] %3d%%  %s", head, bar, pct, tail);
    else if (p->total >= 0)
        snprintf(line, sizeof line, "%s%3d%%  %s", head, pct, tail);
    else
        snprintf(line, sizeof line, "%s%s", head, tail);
    if ((int)strlen(line) > width)
        line[width > 0 ? width : 0] = '\0';
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    p->shown = 1;
}

static void tick(void *arg)
{
    struct progress *p = arg;

    p->timer = NULL;
    if (run_now(p->run) >= FIRST_AFTER)
        draw(p);
    cf_loop_call_later(p->loop, PERIOD, tick, p, &p->timer);
}

void progress_start(struct progress *p, cf_loop *loop, const struct run *run, long total,
                    const char *phase)
{
    p->loop = loop;
    p->run = run;
    p->total = total;
    p->phase = phase;
    p->shown = 0;
    cf_loop_call_later(loop, PERIOD, tick, p, &p->timer);
}

void progress_clear(struct progress *p)
{
    if (p && p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->shown = 0;
    }
}

void progress_stop(struct progress *p)
{
    if (p->timer)
        cf_handle_cancel(p->timer);
    p->timer = NULL;
    progress_clear(p);
    p->run = NULL;
}
