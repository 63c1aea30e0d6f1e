/*
 * multi.c - one CURLM per client, driven by the loop's libevent base (curl's hiperfifo
 * recipe): libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when
 * to call it back (CURLMOPT_TIMERFUNCTION, one timer); every event ends in
 * curl_multi_socket_action and then a reap of finished transfers, which wakes the
 * tasks suspended in cf_fetch. Everything here runs on the loop's stack: a fetching task
 * adds its transfer and suspends through fetch.c's _on_loop steps.
 *
 * Callbacks never exit or abort: a failure is kept in client->error (the first one)
 * and reported through libcurl's return codes.
 *
 * Cancellation: a task cancelled while its transfer runs has its easy handle removed
 * from the multi at once (libcurl closes a connection whose transfer is removed before
 * it ended, unless the connection is multiplexed, where only the stream is reset; so a
 * half-read connection is never reused). If the cancel arrives while libcurl is calling
 * us (a body callback cancelled a task), removing the handle there is not allowed: the
 * transfer is only marked, its callbacks stop it, and the task removes the handle when
 * it resumes, which is always after socket_action has returned.
 *
 * The watchdog. libcurl 7.88 can leave a multiplexed HTTP/2 transfer whose last bytes
 * (or END_STREAM) it has already read from the socket, while reading for another
 * stream, without running it again: no socket event comes, since the bytes are in its
 * buffers, and no timer is set. curl's own tool shows it too (now and then `curl -Z`
 * over the same 50 URLs sits a second with two transfers left, until its once-a-second
 * poll timeout); a pure socket_action loop waits forever (test_fetch_h2 hung about one
 * run in three). socket_action(fd, 0) or curl_multi_perform do not help either: the
 * transfer polls its socket, finds nothing and waits on. What does is telling libcurl
 * the socket is readable (as curl_easy_pause does on unpause, "the data might have been
 * read off the socket already"): each transfer on it then reads, from libcurl's buffers
 * first. So while transfers are in flight a timer looks every CF_WATCHDOG seconds
 * whether libcurl was called at all, and after 1, 2, 4, 8... quiet periods in a row it
 * "kicks" every watched socket with socket_action(fd, CURL_CSELECT_IN); a transfer with
 * nothing to read gets EAGAIN and goes back to waiting. Nothing is done while traffic
 * flows; a long quiet wait costs one call per open socket per doubling period.
 *
 * Connection policy (libcurl 7.x): before it connects, a transfer walks every
 * connection to its host looking for an idle one, and removing a transfer whose
 * connection was kept walks the whole connection cache; with 10,000 connections open
 * both are quadratic and cost seconds. So we count the sockets libcurl opens and
 * closes through us and the transfers that hold a connection; a transfer that can only
 * use a connection of its own (HTTP/1) when no connection is idle is told so
 * (FRESH_CONNECT: no walk), and past CF_KEEP_CONNS open sockets (or transfers in
 * flight, which is what the sockets will be once libcurl gets to them) such a new
 * plain-http connection is not kept after its transfer (FORBID_REUSE: no cache walk, no
 * pile of idle sockets). Below that, and whenever a connection may be idle, libcurl reuses as
 * usual. The policy is off when connection limits are set (a transfer waiting for a
 * connection slot must be free to take the next idle one).
 *
 * Keeping connections. libcurl 7.88 keeps at most 4 x the transfers in the multi *at
 * that moment* and closes the oldest idle ones past that; the count dips whenever
 * finished transfers are removed before their tasks add the next ones, and then idle
 * connections the next transfers would have used are closed (queue mode, 64 workers:
 * 778 connections for 100,000 requests). The cap follows the peak in flight instead
 * (CURLMOPT_MAXCONNECTS): the same run opens 64.
 *
 * A kept connection the server has closed. libcurl notices when the request on it gets
 * no reply at all and resends it on another connection, which with a warm pool may be
 * another kept one, up to five times ("Connection died, tried 5 times"): a URL whose
 * server drops every request would be sent six times and fail with a misleading error.
 * One dead kept connection is enough: when a transfer gets ready to send a second time
 * at the same redirect, with nothing heard and no socket opened since (that is such a
 * resend on a kept connection), on_prereq stops it and the attempt runs again on a
 * fresh connection, where the server's answer (or its silence) is the result.
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "cofetch/task.h"
#include "client.h"
#include "errors.h"
#include "multi.h"
#include "xfer.h"

struct cf_sock {
    struct cf_sock *next, **pprev; /* client->socks, while libcurl watches it */
    cf_client *client;
    curl_socket_t fd;
    short events;          /* EV_READ/EV_WRITE registered with libevent (0: none) */
    unsigned char watched; /* libcurl wants to hear about it */
    unsigned char ours;    /* in client->sock_at: opened and closed through us */
    struct event ev;
};

static void sock_listen(cf_client *c, struct cf_sock *s, short events);

static void keep_error(cf_client *c, int code)
{
    if (!c->error)
        c->error = code;
}

/* With this many sockets open, a new plain-http connection is closed after its
 * transfer instead of being kept (see the policy above). */
#define CF_KEEP_CONNS 1024

/* Seconds without a call into libcurl, with transfers in flight, before a kick. */
#define CF_WATCHDOG 0.2

/* ---- finished transfers ---- */

static void xfer_remove(cf_client *c, struct cf_xfer *x)
{
    curl_multi_remove_handle(c->multi, x->easy);
    x->in_multi = 0;
    c->recv_bytes -= (size_t)x->recv_buf;
    if (--c->in_flight == 0)
        event_del(c->watchdog);
    if (x->attached) {
        x->attached = 0;
        c->attached--;
    }
}

/* Resolve every finished transfer: remove it, then wake its task. The message is not
 * touched after the handle is removed. */
static void reap(cf_client *c)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
        struct cf_xfer *x = NULL;
        CURLcode result = msg->data.result;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        xfer_remove(c, x);
        x->result = result;
        if (!x->cancelled)
            cf_task_wake(x->task, 0);
    }
}

static void drive(cf_client *c, curl_socket_t fd, int action)
{
    CURLMcode rc;

    c->in_action++;
    c->actions++;
    rc = curl_multi_socket_action(c->multi, fd, action, &c->running);
    c->in_action--;
    if (rc != CURLM_OK)
        keep_error(c, cf_error_from_multi(rc));
    reap(c);
    if (c->running <= 0)
        evtimer_del(c->timer);
}

/* ---- libevent -> libcurl ---- */

static void on_event(evutil_socket_t fd, short what, void *arg)
{
    struct cf_sock *s = arg;
    int action =
        ((what & EV_READ) ? CURL_CSELECT_IN : 0) | ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);

    if (!s->watched) {
        /* An idle connection stirred (the server closed it): stop listening until
         * libcurl asks again; it finds out itself when it next looks at the
         * connection. */
        sock_listen(s->client, s, 0);
        return;
    }
    drive(s->client, fd, action); /* s may be gone now */
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    drive(arg, CURL_SOCKET_TIMEOUT, 0);
}

/* Every CF_WATCHDOG seconds while transfers are in flight (see the top of the file). */
static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
    cf_client *c = arg;
    curl_socket_t *fds;
    size_t n = 0, i = 0;

    (void)fd;
    (void)what;
    if (c->actions != c->watched) { /* traffic since the last look */
        c->watched = c->actions;
        c->quiet = 0;
        return;
    }
    c->quiet++;
    if (c->quiet & (c->quiet - 1))
        return; /* kick after 1, 2, 4, 8... quiet periods */
    for (struct cf_sock *s = c->socks; s; s = s->next)
        n++;
    /* Copy the descriptors first: a kick may close sockets and free their cf_sock. A
     * descriptor libcurl has forgotten meanwhile is ignored by socket_action. */
    fds = n ? malloc(n * sizeof *fds) : NULL;
    if (fds) {
        for (struct cf_sock *s = c->socks; s && i < n; s = s->next)
            fds[i++] = s->fd;
        for (i = 0; i < n; i++)
            drive(c, fds[i], CURL_CSELECT_IN);
        free(fds);
    }
    c->watched = c->actions; /* the kick itself is not traffic */
}

/* ---- libcurl -> libevent ---- */

/* The socket table. libcurl tells us to stop watching a connection's socket when its
 * transfer ends and to watch it again when the next transfer reuses it, usually for
 * the same event (readable): two epoll_ctl calls per request for nothing. So a socket
 * libcurl opened and closes through us (on_open_socket, on_close_socket) stays
 * registered while its connection is idle, found again by descriptor, and leaves epoll
 * when it is closed or when it stirs while idle (on_event). Other sockets (a resolver's
 * wake-up pipe) come and go with libcurl's calls, as in hiperfifo. */

static struct cf_sock *sock_find(cf_client *c, curl_socket_t fd)
{
    return fd >= 0 && (size_t)fd < c->sock_cap ? c->sock_at[fd] : NULL;
}

static struct cf_sock *sock_new(cf_client *c, curl_socket_t fd, int ours)
{
    struct cf_sock *s;

    if (ours && (size_t)fd >= c->sock_cap) {
        size_t cap = c->sock_cap ? c->sock_cap : 64;
        struct cf_sock **grown;

        while (cap <= (size_t)fd)
            cap *= 2;
        grown = realloc(c->sock_at, cap * sizeof *grown);
        if (!grown)
            return NULL;
        memset(grown + c->sock_cap, 0, (cap - c->sock_cap) * sizeof *grown);
        c->sock_at = grown;
        c->sock_cap = cap;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->client = c;
    s->fd = fd;
    s->ours = (unsigned char)ours;
    if (ours)
        c->sock_at[fd] = s;
    return s;
}

static void sock_watch(cf_client *c, struct cf_sock *s)
{
    s->watched = 1;
    s->next = c->socks;
    s->pprev = &c->socks;
    if (c->socks)
        c->socks->pprev = &s->next;
    c->socks = s;
    curl_multi_assign(c->multi, s->fd, s);
}

static void sock_unwatch(struct cf_sock *s)
{
    s->watched = 0;
    *s->pprev = s->next;
    if (s->next)
        s->next->pprev = s->pprev;
}

/* Forget s; its socket is closed or about to be. */
static void sock_free(cf_client *c, struct cf_sock *s)
{
    if (s->events)
        event_del(&s->ev);
    if (s->watched)
        sock_unwatch(s);
    if (s->ours)
        c->sock_at[s->fd] = NULL;
    free(s);
}

/* Listen for exactly `events` on s (0: none). */
static void sock_listen(cf_client *c, struct cf_sock *s, short events)
{
    if (s->events == events)
        return;
    if (s->events)
        event_del(&s->ev);
    s->events = events;
    if (events) {
        event_assign(&s->ev, cf_loop_base(c->loop), s->fd, events | EV_PERSIST, on_event, s);
        event_add(&s->ev, NULL);
    }
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
    cf_client *c = userp;
    struct cf_sock *s = sockp ? sockp : sock_find(c, fd);
    short events = 0;

    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (s && s->ours) {
            if (s->watched)
                sock_unwatch(s); /* still registered: the connection may be reused */
        } else if (s) {
            sock_free(c, s);
        }
        return 0;
    }
    if (!s && !(s = sock_new(c, fd, 0))) {
        keep_error(c, CF_ENOMEM);
        return -1;
    }
    if (!s->watched)
        sock_watch(c, s);
    if (what & CURL_POLL_IN)
        events |= EV_READ;
    if (what & CURL_POLL_OUT)
        events |= EV_WRITE;
    sock_listen(c, s, events);
    return 0;
}

/* -1: delete the timer. Anything else (0 too) is scheduled, never acted on here. */
static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    cf_client *c = userp;

    (void)multi;
    if (timeout_ms < 0) {
        evtimer_del(c->timer);
    } else {
        struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        evtimer_add(c->timer, &tv);
    }
    return 0;
}

/* ---- connection accounting ---- */

static void xfer_attach(struct cf_xfer *x)
{
    if (!x->attached) {
        x->attached = 1;
        x->client->attached++;
    }
}

/* A transfer's new connection (what libcurl would do itself, counted). */
static curl_socket_t on_open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *addr)
{
    struct cf_xfer *x = ctx;
    curl_socket_t fd;

    (void)purpose;
    fd = socket(addr->family, addr->socktype, addr->protocol);
    if (fd != CURL_SOCKET_BAD) {
        x->opened = 1;
        x->client->sockets++;
        xfer_attach(x);
        sock_new(x->client, fd, 1); /* out of memory: watched like any other socket */
    }
    return fd;
}

/* Any connection's socket, whichever transfer (or the multi) closes it. */
static int on_close_socket(void *ctx, curl_socket_t fd)
{
    cf_client *c = ctx;
    struct cf_sock *s = sock_find(c, fd);

    c->sockets--;
    if (s && s->watched) { /* libcurl did not say CURL_POLL_REMOVE: it may yet */
        sock_listen(c, s, 0);
        s->ours = 0;
        c->sock_at[fd] = NULL;
    } else if (s) {
        sock_free(c, s);
    }
    return close(fd);
}

#if LIBCURL_VERSION_NUM >= 0x075000
/* Connected (a new connection or a reused one), about to send the request. A second
 * time at the same redirect with nothing heard and no socket opened since is libcurl
 * resending on another kept connection after one died: stop it (see the top). */
static int on_prereq(void *ctx, char *ip, char *local_ip, int port, int local_port)
{
    struct cf_xfer *x = ctx;
    long redirects = 0;

    (void)ip;
    (void)local_ip;
    (void)port;
    (void)local_port;
    xfer_attach(x);
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
    if (!x->fresh && redirects == x->ready_redirects && !x->heard && !x->opened) {
        x->stale = 1;
        return CURL_PREREQFUNC_ABORT;
    }
    x->ready_redirects = redirects;
    x->heard = x->opened = 0;
    return CURL_PREREQFUNC_OK;
}
#endif

static int is_scheme(const char *url, const char *scheme, size_t len)
{
    return strncasecmp(url, scheme, len) == 0;
}

/* Count x's connections and decide whether it may look for an idle one / keep its own. */
static void conn_policy(cf_client *c, struct cf_xfer *x)
{
    const struct cf_request *r = x->req;
    int http = is_scheme(r->url, "http:", 5);
    int h1 = (http && r->http_version != CF_HTTP_2) ||
             (is_scheme(r->url, "https:", 6) && r->http_version == CF_HTTP_1_1);

    x->attached = 0;
    x->ready_redirects = -1;
    x->heard = x->opened = x->stale = 0;
    curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, (void *)x);
    curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
    curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETDATA, (void *)c);
#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80: without it a reused connection looks idle */
    curl_easy_setopt(x->easy, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(x->easy, CURLOPT_PREREQDATA, (void *)x);
#endif
    if (x->fresh) {
        curl_easy_setopt(x->easy, CURLOPT_FRESH_CONNECT, 1L);
        return;
    }
    if (!c->conn_policy || !h1 || c->sockets > c->attached)
        return; /* a connection may be idle: let libcurl look */
    curl_easy_setopt(x->easy, CURLOPT_FRESH_CONNECT, 1L);
    /* Tasks add transfers in batches before libcurl opens any socket for them, so the
     * sockets open lag behind: count every transfer in flight as one that will be. */
    if (http &&
        (c->sockets > (long)c->in_flight ? c->sockets : (long)c->in_flight) >= CF_KEEP_CONNS)
        curl_easy_setopt(x->easy, CURLOPT_FORBID_REUSE, 1L);
}

/* ---- setup ---- */

int cf_multi_init(cf_client *c, const struct cf_client_opts *opts)
{
    CURLM *m;

    c->timer = evtimer_new(cf_loop_base(c->loop), on_timeout, c);
    c->watchdog = event_new(cf_loop_base(c->loop), -1, EV_PERSIST, on_watchdog, c);
    m = c->timer && c->watchdog ? curl_multi_init() : NULL;
    if (!m) {
        if (c->timer)
            event_free(c->timer);
        if (c->watchdog)
            event_free(c->watchdog);
        c->timer = c->watchdog = NULL;
        return CF_ENOMEM;
    }
    c->multi = m;
    c->conn_policy = opts->max_host_connections == 0 && opts->max_total_connections == 0;
    curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(m, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(m, CURLMOPT_TIMERDATA, c);
    curl_multi_setopt(m, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, opts->max_host_connections);
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, opts->max_total_connections);
    return 0;
}

void cf_multi_cleanup(cf_client *c)
{
    if (c->multi)
        curl_multi_cleanup(c->multi); /* closes connections; may call on_socket */
    c->multi = NULL;
    for (size_t fd = 0; fd < c->sock_cap; fd++)
        if (c->sock_at[fd])
            sock_free(c, c->sock_at[fd]);
    while (c->socks)
        sock_free(c, c->socks);
    free(c->sock_at);
    c->sock_at = NULL;
    c->sock_cap = 0;
    if (c->timer)
        event_free(c->timer);
    if (c->watchdog)
        event_free(c->watchdog);
    c->timer = c->watchdog = NULL;
}

/* ---- a transfer ---- */

void cf_multi_cancel(void *ctx)
{
    struct cf_xfer *x = ctx;

    x->cancelled = 1;
    if (x->in_multi && !x->client->in_action)
        xfer_remove(x->client, x);
}

int cf_multi_add(cf_client *c, struct cf_xfer *x)
{
    CURLMcode mrc;

    curl_easy_setopt(x->easy, CURLOPT_PRIVATE, (void *)x);
    conn_policy(c, x);
    mrc = curl_multi_add_handle(c->multi, x->easy);
    if (mrc != CURLM_OK)
        return cf_error_from_multi(mrc);
    x->in_multi = 1;
    c->recv_bytes += (size_t)x->recv_buf;
    if (c->in_flight >= c->peak_in_flight) { /* keep connections for the peak (see the top) */
        c->peak_in_flight = c->in_flight + 1;
        curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, 4 * (long)c->peak_in_flight);
    }
    if (c->in_flight++ == 0) {
        struct timeval tv = {0, (long)(CF_WATCHDOG * 1e6)};
        c->watched = c->actions;
        c->quiet = 0;
        event_add(c->watchdog, &tv);
    }
    return 0;
}

void cf_multi_remove(cf_client *c, struct cf_xfer *x)
{
    xfer_remove(c, x);
}
