/* support.h - helpers shared by the test programs. */
#ifndef CF_TEST_SUPPORT_H
#define CF_TEST_SUPPORT_H

#include <stddef.h>

struct cf_loop;

/* cmocka fixtures: a fresh loop in t_loop for each test. */
extern struct cf_loop *t_loop;
int t_loop_setup(void **state);
int t_loop_teardown(void **state);

/* Monotonic seconds. */
double t_now(void);

/* Entries in directory dir, hidden ones too, but for "." and "..". */
int t_count_files(const char *dir);

/* The whole of file path, NUL-terminated after its *len bytes (len may be NULL); the
 * caller frees it. NULL if it cannot be read. */
char *t_slurp(const char *path, size_t *len);

/* Peak resident set size of this process, in KiB (getrusage). */
long t_peak_rss_kib(void);

/* A growing text log that tasks append to, so tests can assert the order of events. */
struct t_log {
    char buf[8192];
    size_t len;
};
void t_log_add(struct t_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
