/*
 * summary.h - run statistics and the summary printed on stderr.
 *
 * Latencies go into a log-scaled histogram (buckets 1% wide from 1 us to ~3 h), so the
 * memory is fixed whatever the input length; percentiles (nearest rank) are exact to
 * within 1%, and the maximum is exact.
 */
#ifndef CLI_SUMMARY_H
#define CLI_SUMMARY_H

#include <stdio.h>

enum { STATS_BUCKETS = 2400 };

struct stats {
    unsigned long ok, failed;
    unsigned long interrupted; /* cut off by Ctrl-C: neither fetched nor failed */
    double sum_time;           /* sum of fetch times */
    double max_time;
    long long bytes;
    unsigned long n; /* samples in the histogram */
    unsigned long hist[STATS_BUCKETS];
};

void stats_init(struct stats *st);
void stats_add(struct stats *st, double secs, int ok, long long bytes);
/* The p-th percentile (0 < p <= 100) of the fetch times; 0 with no sample. */
double stats_percentile(const struct stats *st, double p);

/* b bytes for people, into buf (cap bytes): "512 B", "9.8 KiB", "12.0 MiB", "1.5 GiB". */
void summary_bytes(char *buf, size_t cap, long long b);

/* Prints the summary block: "label" names the run (NULL for a plain run). */
void summary_print(FILE *f, const struct stats *st, double wall, const char *label);
/* --compare: the two summaries' headline and the speedup. */
void summary_compare(FILE *f, const struct stats *sync, double sync_wall, const struct stats *conc,
                     double conc_wall, const char *mode);

#endif
