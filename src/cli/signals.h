/*
 * signals.h - SIGINT and SIGTERM as loop events (libevent's evsignal: the handler only
 * wakes the loop; the work happens in a loop callback). The first signal calls
 * on_first(ctx): stop taking input, cancel, report. A second one calls on_last(ctx) (set it
 * after signals_install: save what must not be lost) and exits at once (130).
 * SIGPIPE is ignored: a closed stdout shows up as EPIPE on write.
 */
#ifndef CLI_SIGNALS_H
#define CLI_SIGNALS_H

struct event_base;
struct event;

struct signals {
    struct event *ev[2];
    int count;
    void (*on_first)(void *ctx);
    void (*on_last)(void *ctx); /* before the second signal's exit (NULL: none) */
    void *ctx;
};

/* 0 or CF_ENOMEM. */
int signals_install(struct signals *s, struct event_base *base, void (*on_first)(void *ctx),
                    void *ctx);
void signals_remove(struct signals *s);

#endif
