/*
 * signals.c - SIGINT/SIGTERM on the loop.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cofetch/error.h"
#include "options.h"
#include "signals.h"

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct signals *s = arg;
    (void)sig;
    (void)what;
    if (++s->count > 1) {
        if (s->on_last)
            s->on_last(s->ctx);
        _exit(EXIT_INTERRUPT);
    }
    if (s->on_first)
        s->on_first(s->ctx);
}

int signals_install(struct signals *s, struct event_base *base, void (*on_first)(void *ctx),
                    void *ctx)
{
    static const int sigs[2] = {SIGINT, SIGTERM};

    memset(s, 0, sizeof *s);
    s->on_first = on_first;
    s->ctx = ctx;
    signal(SIGPIPE, SIG_IGN);
    for (int i = 0; i < 2; i++) {
        s->ev[i] = evsignal_new(base, sigs[i], on_signal, s);
        if (!s->ev[i] || evsignal_add(s->ev[i], NULL)) {
            signals_remove(s);
            return CF_ENOMEM;
        }
    }
    return 0;
}

void signals_remove(struct signals *s)
{
    for (int i = 0; i < 2; i++) {
        if (s->ev[i])
            event_free(s->ev[i]);
        s->ev[i] = NULL;
    }
}
