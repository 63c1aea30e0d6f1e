/*
 * htmlreport.h - --report FILE.html: one self-contained HTML page (inline CSS and SVG,
 * no script, nothing fetched) that a browser opens from disk:
 *
 *   - a summary panel per run: counts, wall, sum of fetch times, p50/p95/p99/max, a
 *     latency histogram, fetches finished over time, per-host counts and errors by kind;
 *   - a waterfall per run, one row per fetch sorted by start, each bar split into its
 *     phases (queue, DNS, connect, TLS, wait, receive) with a legend, failures marked,
 *     a title (hover) with URL, status, bytes, error, timings and finish order; every
 *     run's waterfall on one time axis, so under --compare the sync run sits above the
 *     concurrent one on the same scale, with both walls, the sum and the speedup;
 *   - a view by connection per run: one lane per connection (its local port), each
 *     fetch a bar on it, so reuse and HTTP/2 multiplexing show;
 *   - beyond HTMLREPORT_ROWS fetches in a run, the rows shown are every failure (up to
 *     half of them), the slowest fetches (a quarter) and an even sample of the rest,
 *     and the page says so; the summary still counts every fetch.
 *
 * Rows are kept in memory until the page is written at htmlreport_close (a row is a
 * few dozen bytes plus its URL and error, each cut at 256 bytes). The file is created by
 * htmlreport_open, before any fetch, so a path that cannot be written fails early.
 *
 *   htmlreport_open   create FILE: 0, or CF_EIO / CF_ENOMEM with errbuf saying why
 *   htmlreport_run    a run begins; baseline: the run after it is compared with it
 *   htmlreport_add    one finished record (never suspends)
 *   htmlreport_run_end  the run is over after wall seconds
 *   htmlreport_close  write the page, close and free: 0, or CF_EIO (*err the errno)
 */
#ifndef CLI_HTMLREPORT_H
#define CLI_HTMLREPORT_H

#include <stddef.h>

#include "base/record.h"

enum { HTMLREPORT_ROWS = 2000, HTMLREPORT_RUNS = 8 };

struct htmlreport;

int htmlreport_open(struct htmlreport **hr, const char *path, char *errbuf, size_t errlen);
void htmlreport_run(struct htmlreport *hr, const char *label, int baseline);
void htmlreport_add(struct htmlreport *hr, const struct rec *r);
void htmlreport_run_end(struct htmlreport *hr, double wall);
int htmlreport_close(struct htmlreport *hr, int *err);

#endif
