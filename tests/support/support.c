/* support.c - helpers shared by the test programs. */
#include "support.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "cofetch/loop.h"

struct cf_loop *t_loop;

int t_loop_setup(void **state)
{
    (void)state;
    return cf_loop_new(&t_loop, NULL);
}

int t_loop_teardown(void **state)
{
    (void)state;
    cf_loop_free(t_loop);
    t_loop = NULL;
    return 0;
}

double t_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int t_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

char *t_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    struct stat st;
    char *s = NULL;

    if (!f)
        return NULL;
    if (fstat(fileno(f), &st) == 0 && (s = malloc((size_t)st.st_size + 1)) != NULL) {
        if (fread(s, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
            s[st.st_size] = '\0';
            if (len)
                *len = (size_t)st.st_size;
        } else {
            free(s);
            s = NULL;
        }
    }
    fclose(f);
    return s;
}

long t_peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

void t_log_add(struct t_log *log, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (log->len >= sizeof log->buf - 1)
        return;
    if (log->len > 0)
        log->buf[log->len++] = ' ';
    va_start(ap, fmt);
    n = vsnprintf(log->buf + log->len, sizeof log->buf - log->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        log->len += (size_t)n;
    if (log->len >= sizeof log->buf)
        log->len = sizeof log->buf - 1;
}
