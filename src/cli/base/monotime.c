/*
 * monotime.c - the monotonic clock in seconds.
 */
#include <time.h>

#include "base/monotime.h"

double mono_secs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
