/*
 * summary.c - statistics of a run and its summary.
 */
#include <string.h>

#include "output/summary.h"

static const double H_MIN = 1e-6; /* 1 us */
static const double H_GROWTH = 1.01;

/* Lower bounds of the buckets: bound[i] = H_MIN * H_GROWTH^i (computed once, no libm). */
static double bound[STATS_BUCKETS + 1];

static void bounds_init(void)
{
    if (bound[1] > 0)
        return;
    bound[0] = H_MIN;
    for (size_t i = 1; i <= STATS_BUCKETS; i++)
        bound[i] = bound[i - 1] * H_GROWTH;
}

void stats_init(struct stats *st)
{
    memset(st, 0, sizeof *st);
    bounds_init();
}

/* The bucket of secs: the last i with bound[i] <= secs (binary search). */
static size_t bucket(double secs)
{
    size_t lo = 0, hi = STATS_BUCKETS;

    if (secs <= H_MIN)
        return 0;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (bound[mid] <= secs)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void stats_add(struct stats *st, double secs, int ok, long long bytes)
{
    if (secs < 0)
        secs = 0;
    if (ok)
        st->ok++;
    else
        st->failed++;
    st->sum_time += secs;
    if (secs > st->max_time)
        st->max_time = secs;
    st->bytes += bytes > 0 ? bytes : 0;
    st->hist[bucket(secs)]++;
    st->n++;
}

double stats_percentile(const struct stats *st, double p)
{
    unsigned long rank, seen = 0;

    if (st->n == 0)
        return 0;
    /* Nearest rank: ceil(p/100 * n), without libm. */
    {
        double x = p / 100.0 * (double)st->n;
        rank = (unsigned long)x;
        if ((double)rank < x)
            rank++;
    }
    if (rank < 1)
        rank = 1;
    for (size_t i = 0; i < STATS_BUCKETS; i++) {
        seen += st->hist[i];
        if (seen >= rank) {
            /* The middle of the bucket (geometric), never above the real maximum. */
            if (i == STATS_BUCKETS - 1)
                return st->max_time; /* the overflow bucket */
            double v = i == 0 ? H_MIN : (bound[i] + bound[i + 1]) / 2;
            return v > st->max_time ? st->max_time : v;
        }
    }
    return st->max_time;
}

void summary_bytes(char *buf, size_t cap, long long b)
{
    if (b < 10 * 1024)
        snprintf(buf, cap, "%lld B", b);
    else if (b < 10LL * 1024 * 1024)
        snprintf(buf, cap, "%.1f KiB", (double)b / 1024);
    else if (b < 10LL * 1024 * 1024 * 1024)
        snprintf(buf, cap, "%.1f MiB", (double)b / (1024 * 1024));
    else
        snprintf(buf, cap, "%.1f GiB", (double)b / (1024.0 * 1024 * 1024));
}

void summary_print(FILE *f, const struct stats *st, double wall, const char *label)
{
    char bytes[32];
    double gain = wall > 0 ? st->sum_time / wall : 0;
    double rps = wall > 0 ? (double)(st->ok + st->failed) / wall : 0;

    summary_bytes(bytes, sizeof bytes, st->bytes);
    if (label)
        fprintf(f, "-- %s --\n", label);
    fprintf(f, "fetched %lu, failed %lu", st->ok, st->failed);
    if (st->interrupted)
        fprintf(f, ", interrupted %lu", st->interrupted);
    fprintf(f, " in %.3f s (sum of fetch times %.3f s)\n", wall, st->sum_time);
    fprintf(f, "concurrency gain %.2fx (sum / wall), %.1f requests/s, %s\n", gain, rps, bytes);
    fprintf(f, "latency p50 %.3f s, p95 %.3f s, max %.3f s\n", stats_percentile(st, 50),
            stats_percentile(st, 95), st->max_time);
}

void summary_compare(FILE *f, const struct stats *sync, double sync_wall, const struct stats *conc,
                     double conc_wall, const char *mode)
{
    (void)sync;
    (void)conc;
    fprintf(f, "-- compare: every URL was fetched twice --\n");
    fprintf(f, "sync %.3f s, %s %.3f s: speedup %.2fx\n", sync_wall, mode, conc_wall,
            conc_wall > 0 ? sync_wall / conc_wall : 0);
}
