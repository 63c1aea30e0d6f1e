/*
 * monotime.h - the monotonic clock in seconds, for timing work off the loop (the loop's
 * own time is cf_loop_time()).
 */
#ifndef CLI_MONOTIME_H
#define CLI_MONOTIME_H

/* CLOCK_MONOTONIC, in seconds. Any thread. */
double mono_secs(void);

#endif
