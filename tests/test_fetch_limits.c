/*
 * test_fetch_limits.c - many fetches on one loop: connection caps seen by the server,
 * transfers in flight and the queue time they cost, rate limits, cancellation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "net_fixture.h"

/* ---- N concurrent fetches of one URL (or of two alternating URLs) ---- */

struct many {
    const char *url[2];
    size_t n;
    struct cf_response *resp;
    int *rc;
    double elapsed;
};

struct one_of_many {
    struct many *m;
    size_t i;
};

static int fetch_i(void *arg, void **res)
{
    struct one_of_many *o = arg;
    struct cf_request req;
    (void)res;
    cf_request_init(&req, o->m->url[o->i % 2]);
    o->m->rc[o->i] = cf_fetch(&req, &o->m->resp[o->i]);
    return 0;
}

static int many_task(void *arg, void **res)
{
    struct many *m = arg;
    cf_task **t = calloc(m->n, sizeof *t);
    struct one_of_many *o = calloc(m->n, sizeof *o);
    double t0 = cf_loop_time();
    int rc = 0;
    (void)res;

    for (size_t i = 0; i < m->n && rc == 0; i++) {
        o[i].m = m;
        o[i].i = i;
        rc = cf_spawn(&t[i], fetch_i, &o[i]);
    }
    if (rc == 0)
        rc = cf_gather(t, m->n, 0, NULL, NULL);
    m->elapsed = cf_loop_time() - t0;
    for (size_t i = 0; i < m->n; i++)
        cf_task_unref(t[i]);
    free(t);
    free(o);
    return rc;
}

/* Results for m->n fetches; one URL serves both slots unless two were given. */
static void many_init(struct many *m)
{
    m->resp = calloc(m->n, sizeof *m->resp);
    m->rc = calloc(m->n, sizeof *m->rc);
    if (!m->url[1])
        m->url[1] = m->url[0];
}

static void many_run(struct many *m, const struct cf_client_opts *opts)
{
    many_init(m);
    assert_int_equal(nf_run(opts, many_task, m), 0);
}

/* many_run() where every fetch must succeed. */
static void many_run_ok(struct many *m, const struct cf_client_opts *opts)
{
    many_run(m, opts);
    for (size_t i = 0; i < m->n; i++)
        assert_int_equal(m->rc[i], 0);
}

/* many_run_ok() with the server's counters reset before and read into st after. */
static void many_run_counted(struct many *m, const struct cf_client_opts *opts,
                             struct cf_server_stats *st)
{
    cf_server_reset_stats(nf.srv);
    many_run_ok(m, opts);
    cf_server_stats(nf.srv, st);
}

static void many_free(struct many *m)
{
    for (size_t i = 0; i < m->n; i++)
        cf_response_free(&m->resp[i]);
    free(m->resp);
    free(m->rc);
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int by_start(const void *a, const void *b)
{
    double x = ((const struct cf_response *)a)->start, y = ((const struct cf_response *)b)->start;
    return (x > y) - (x < y);
}

static void thousand_with_host_cap(void **state)
{
    struct cf_client_opts opts = {.max_host_connections = 20};
    struct many m = {.url = {nf_url("/bytes?n=100")}, .n = 1000};
    struct cf_server_stats st;
    (void)state;

    many_run_counted(&m, &opts, &st);
    for (size_t i = 0; i < m.n; i++) {
        assert_int_equal(m.resp[i].status, 200);
        assert_int_equal(m.resp[i].body_len, 100);
    }
    assert_int_equal(cf_server_count_path(nf.srv, "/bytes"), 1000);
    assert_true(st.conns_max <= 20);
    assert_true(st.conns_max >= 2); /* it did run concurrently */
    many_free(&m);
}

static void total_connection_cap(void **state)
{
    struct cf_client_opts opts = {.max_total_connections = 3};
    struct many m = {.url = {nf_url("/delay?s=0.1")}, .n = 12};
    struct cf_server_stats st;
    (void)state;

    many_run_counted(&m, &opts, &st);
    assert_true(st.conns_max <= 3);
    assert_true(m.elapsed >= 0.35); /* 12 x 0.1 s over 3 connections */
    many_free(&m);
}

static void in_flight_cap(void **state)
{
    struct cf_client_opts opts = {.max_in_flight = 5};
    struct many m = {.url = {nf_url("/delay?s=0.2")}, .n = 20};
    struct cf_server_stats st;
    (void)state;

    many_run_counted(&m, &opts, &st);
    assert_true(st.conns_max <= 5);
    assert_true(m.elapsed >= 0.75); /* 4 rounds of 0.2 s */
    /* The last ones waited their turn, and it shows as queue time, not request time. */
    qsort(m.resp, m.n, sizeof *m.resp, by_start);
    assert_true(m.resp[m.n - 1].t.queue >= 0.55);
    assert_true(m.resp[m.n - 1].t.total < 0.6);
    many_free(&m);
}

static void queue_time_single_slot(void **state)
{
    struct cf_client_opts opts = {.max_in_flight = 1};
    struct many m = {.url = {nf_url("/delay?s=0.3")}, .n = 2};
    (void)state;

    many_run(&m, &opts);
    assert_int_equal(m.rc[0], 0);
    assert_int_equal(m.rc[1], 0);
    assert_true(m.resp[0].t.queue < 0.1);
    assert_true(m.resp[1].t.queue >= 0.28);
    assert_true(m.resp[1].t.queue < m.resp[0].end - m.resp[0].start + 0.2);
    assert_true(m.resp[1].start >= m.resp[0].end - 0.01);
    /* The request's own time excludes the wait. */
    assert_true(m.resp[1].t.total < 0.6);
    many_free(&m);
}

static void rate_limit_spreads(void **state)
{
    struct cf_client_opts opts = {.rate = 20};
    struct many m = {.url = {nf_url("/bytes?n=10")}, .n = 10};
    (void)state;

    many_run_ok(&m, &opts);
    assert_true(m.elapsed >= 0.44);
    qsort(m.resp, m.n, sizeof *m.resp, by_start);
    /* Turns are 0.05 s apart. A fetch woken late (a loaded machine) narrows the gap to
     * the next one, so bound each start from the first: no burst, allowing the first
     * to be up to half a turn late; and no stall between two. */
    for (size_t i = 1; i < m.n; i++) {
        assert_true(m.resp[i].start - m.resp[0].start >= ((double)i - 0.5) * 0.05);
        assert_true(m.resp[i].start - m.resp[i - 1].start < 0.3);
    }
    assert_true(m.resp[m.n - 1].t.queue >= 0.4); /* waiting for a token is queue time */
    many_free(&m);
}

static void rate_limit_per_host(void **state)
{
    /* Two host names for the one server: each is held to 10/s, together they are not. */
    struct cf_client_opts opts = {.rate_per_host = 10};
    char other[128];
    struct many m = {.n = 10};
    (void)state;

    snprintf(other, sizeof other, "http://localhost:%d/bytes?n=1", cf_server_port(nf.srv));
    m.url[0] = nf_url("/bytes?n=1");
    m.url[1] = other;
    many_run_ok(&m, &opts);
    assert_true(m.elapsed >= 0.38); /* 5 per host at 10/s: 0.4 s */
    assert_true(m.elapsed < 0.85);  /* not 10 at 10/s */
    /* Each host's turns are 0.1 s apart: its k-th start is at least k - 0.5 turns after
     * its first (slack for a late first wake-up, as above). */
    for (int h = 0; h < 2; h++) {
        double s[5];
        size_t k = 0;
        for (size_t i = (size_t)h; i < m.n; i += 2)
            s[k++] = m.resp[i].start;
        qsort(s, k, sizeof *s, by_double);
        for (size_t j = 1; j < k; j++)
            assert_true(s[j] - s[0] >= ((double)j - 0.5) * 0.1);
    }
    many_free(&m);
}

/* A host's requests that bunch up behind a busy slot still start 1/rate apart. */
static void rate_per_host_after_slot_wait(void **state)
{
    struct cf_client_opts opts = {.rate_per_host = 10, .max_in_flight = 1};
    struct many m = {.url = {nf_url("/delay?s=0.4"), nf_url("/bytes?n=1")}, .n = 4};
    (void)state;

    many_run_ok(&m, &opts);
    qsort(m.resp, m.n, sizeof *m.resp, by_start);
    for (size_t i = 1; i < m.n; i++)
        assert_true(m.resp[i].start - m.resp[i - 1].start >= 0.09);
    many_free(&m);
}

/* ---- cancellation ---- */

struct cancel_case {
    const char *slow_url;
    double cancel_after;
    int slow_rc;
    double slow_elapsed;
    struct cf_response slow;
    int after_rc[3];
    unsigned long conns_before, conns_after;
};

static int slow_fetch(void *arg, void **res)
{
    struct cancel_case *cc = arg;
    struct cf_request req;
    double t0 = cf_loop_time();
    (void)res;
    cf_request_init(&req, cc->slow_url);
    cc->slow_rc = cf_fetch(&req, &cc->slow);
    cc->slow_elapsed = cf_loop_time() - t0;
    return cc->slow_rc;
}

static int cancel_task(void *arg, void **res)
{
    struct cancel_case *cc = arg;
    struct cf_server_stats st;
    struct cf_response r;
    cf_task *t;
    (void)res;

    /* A connection that is then idle in the pool. */
    cc->after_rc[0] = nf_get(nf_url("/bytes?n=10"), &r);
    cf_response_free(&r);
    cf_server_stats(nf.srv, &st);
    cc->conns_before = st.conns_total;

    cf_spawn(&t, slow_fetch, cc);
    cf_sleep(cc->cancel_after);
    cf_task_cancel(t);
    cf_task_await(t, NULL);
    cf_task_unref(t);

    /* Fetches go on, on a new connection: the cancelled one was closed, not reused. */
    cc->after_rc[1] = nf_get(nf_url("/bytes?n=10"), &r);
    cf_response_free(&r);
    cc->after_rc[2] = nf_get(nf_url("/bytes?n=10"), &r);
    cf_response_free(&r);
    cf_server_stats(nf.srv, &st);
    cc->conns_after = st.conns_total;
    return 0;
}

static void cancel_mid_transfer(void **state)
{
    struct cf_client_opts opts = {.max_host_connections = 1};
    struct cancel_case cc;
    (void)state;

    memset(&cc, 0, sizeof cc);
    cc.slow_url = nf_url("/delay?s=3");
    cc.cancel_after = 0.2;
    assert_int_equal(nf_run(&opts, cancel_task, &cc), 0);
    assert_int_equal(cc.slow_rc, CF_ECANCELED);
    assert_int_equal(cc.slow.code, CF_ECANCELED);
    assert_string_equal(cc.slow.error, "cancelled");
    assert_true(cc.slow_elapsed < 1.0);
    assert_int_equal(cc.after_rc[0], 0);
    assert_int_equal(cc.after_rc[1], 0);
    assert_int_equal(cc.after_rc[2], 0);
    assert_int_equal(cc.conns_after, cc.conns_before + 1);
    cf_response_free(&cc.slow);
}

static void cancel_mid_body(void **state)
{
    struct cancel_case cc;
    (void)state;

    memset(&cc, 0, sizeof cc);
    cc.slow_url = nf_url("/drip?n=100&interval=0.05");
    cc.cancel_after = 0.5;
    assert_int_equal(nf_run(NULL, cancel_task, &cc), 0);
    assert_int_equal(cc.slow_rc, CF_ECANCELED);
    assert_true(cc.slow.bytes > 0 && cc.slow.bytes < 100); /* it was cut mid-body */
    assert_int_equal(cc.after_rc[1], 0);
    assert_int_equal(cc.after_rc[2], 0);
    cf_response_free(&cc.slow);
}

/* A cancel from inside libcurl's callbacks (a body sink cancelling its own task). */
struct self_cancel {
    cf_task *task;
    int rc;
    struct cf_response resp;
    int after_rc;
};

static int cancel_from_sink(void *ctx, const void *data, size_t len)
{
    struct self_cancel *sc = ctx;
    (void)data;
    (void)len;
    cf_task_cancel(sc->task);
    return 0;
}

static int self_cancel_fetch(void *arg, void **res)
{
    struct self_cancel *sc = arg;
    struct cf_request req;
    (void)res;
    cf_request_init(&req, nf_url("/bytes?n=1000000"));
    req.sink = CF_SINK_CALLBACK;
    req.sink_fn = cancel_from_sink;
    req.sink_ctx = sc;
    sc->rc = cf_fetch(&req, &sc->resp);
    return 0;
}

static int self_cancel_task(void *arg, void **res)
{
    struct self_cancel *sc = arg;
    struct cf_response r;
    (void)res;
    cf_spawn(&sc->task, self_cancel_fetch, sc);
    cf_task_await(sc->task, NULL);
    cf_task_unref(sc->task);
    sc->after_rc = nf_get(nf_url("/bytes?n=10"), &r);
    cf_response_free(&r);
    return 0;
}

static void cancel_from_callback(void **state)
{
    struct self_cancel sc;
    (void)state;
    memset(&sc, 0, sizeof sc);
    assert_int_equal(nf_run(NULL, self_cancel_task, &sc), 0);
    assert_int_equal(sc.rc, CF_ECANCELED);
    assert_int_equal(sc.after_rc, 0);
    cf_response_free(&sc.resp);
}

/* Cancelled while waiting for a slot: it never starts, and the slot still works. */
static int cancel_waiting_task(void *arg, void **res)
{
    struct cancel_case *cc = arg;
    struct cf_response r;
    cf_task *busy, *waiting;
    struct cancel_case other;
    (void)res;

    memset(&other, 0, sizeof other);
    other.slow_url = nf_url("/delay?s=0.3");
    cf_spawn(&busy, slow_fetch, &other);
    cf_spawn(&waiting, slow_fetch, cc);
    cf_sleep(0.1);
    cf_task_cancel(waiting);
    cf_task_await(waiting, NULL);
    cf_task_await(busy, NULL);
    cf_task_unref(busy);
    cf_task_unref(waiting);
    cc->after_rc[0] = other.slow_rc;
    cf_response_free(&other.slow);
    cc->after_rc[1] = nf_get(nf_url("/bytes?n=10"), &r);
    cf_response_free(&r);
    return 0;
}

static void cancel_while_queued(void **state)
{
    struct cf_client_opts opts = {.max_in_flight = 1};
    struct cancel_case cc;
    (void)state;

    memset(&cc, 0, sizeof cc);
    cc.slow_url = nf_url("/bytes?n=10");
    cf_server_reset_stats(nf.srv);
    assert_int_equal(nf_run(&opts, cancel_waiting_task, &cc), 0);
    assert_int_equal(cc.slow_rc, CF_ECANCELED);
    assert_true(cc.slow_elapsed < 0.25);
    assert_int_equal(cc.slow.attempts, 0);
    assert_int_equal(cc.after_rc[0], 0);
    assert_int_equal(cc.after_rc[1], 0);
    assert_int_equal(cf_server_count_path(nf.srv, "/bytes"), 1); /* only the last one */
    cf_response_free(&cc.slow);
}

/* ---- receive buffers: at most 4 MiB above the minimum in flight (request.c) ---- */

struct chunks {
    size_t max; /* largest piece the sink was given: bounded by the receive buffer */
};

static int chunk_sink(void *ctx, const void *data, size_t len)
{
    struct chunks *c = ctx;
    (void)data;
    if (len > c->max)
        c->max = len;
    return 0;
}

struct crowd {
    size_t holders;        /* slow fetches kept in flight meanwhile */
    struct chunks lone;    /* a big body with nothing else in flight */
    struct chunks crowded; /* the same body among `holders` transfers */
    int rc[2];
};

static int hold_fetch(void *arg, void **res)
{
    struct cf_request req;
    struct cf_response r;
    (void)arg;
    (void)res;
    cf_request_init(&req, nf_url("/delay?s=1"));
    req.sink = CF_SINK_DISCARD;
    cf_fetch(&req, &r);
    cf_response_free(&r);
    return 0;
}

static int big_fetch(struct chunks *c)
{
    struct cf_request req;
    struct cf_response r;
    int rc;
    cf_request_init(&req, nf_url("/bytes?n=1048576"));
    req.sink = CF_SINK_CALLBACK;
    req.sink_fn = chunk_sink;
    req.sink_ctx = c;
    rc = cf_fetch(&req, &r);
    if (rc == 0 && r.bytes != 1048576)
        rc = CF_ERECV;
    cf_response_free(&r);
    return rc;
}

static int crowd_task(void *arg, void **res)
{
    struct crowd *cw = arg;
    cf_task **t = calloc(cw->holders, sizeof *t);
    (void)res;

    cw->rc[0] = big_fetch(&cw->lone);
    for (size_t i = 0; i < cw->holders; i++)
        assert_int_equal(cf_spawn(&t[i], hold_fetch, NULL), 0);
    cf_sleep(0.2); /* every holder is in flight (they take 1 s) */
    cw->rc[1] = big_fetch(&cw->crowded);
    assert_int_equal(cf_gather(t, cw->holders, 0, NULL, NULL), 0);
    for (size_t i = 0; i < cw->holders; i++)
        cf_task_unref(t[i]);
    free(t);
    return 0;
}

/* Both fetches of the big body succeed; alone, it gets a 64 KiB buffer, and a 1 MiB
 * body on loopback fills it: libcurl hands it to the sink in pieces of more than
 * 8 KiB (at most 16 KiB, CURL_MAX_WRITE_SIZE). */
static void crowd_run(struct crowd *cw)
{
    assert_int_equal(nf_run(NULL, crowd_task, cw), 0);
    assert_int_equal(cw->rc[0], 0);
    assert_int_equal(cw->rc[1], 0);
    assert_true(cw->lone.max > 8192);
}

static void receive_buffer_shares_a_budget(void **state)
{
    struct crowd cw = {.holders = 511};
    (void)state;

    /* With 511 others in flight the newcomer's share is 4 MiB / 512 = 8 KiB, so its
     * pieces are no larger (in fact 1 KiB: the first 64 holders took the budget, as
     * the next test shows). */
    crowd_run(&cw);
    assert_true(cw.lone.max <= 16384);
    assert_true(cw.crowded.max <= 8192);
}

static void receive_buffer_budget_is_a_cap(void **state)
{
    struct crowd cw = {.holders = 100};
    (void)state;

    /* The first 64 holders take 64 KiB each: the whole 4 MiB. A share alone would still
     * give the next ones, and the newcomer (4 MiB / 101), 32 KiB; what is left of the
     * budget gives them libcurl's minimum, 1 KiB, so a ramp cannot add up to more. */
    crowd_run(&cw);
    assert_true(cw.crowded.max > 0);
    assert_true(cw.crowded.max <= 1024);
}

static int explicit_task(void *arg, void **res)
{
    struct chunks *c = arg;
    (void)res;
    return big_fetch(c);
}

static void receive_buffer_explicit(void **state)
{
    struct cf_client_opts opts = {.buffer_size = 2048};
    struct chunks c = {0};
    (void)state;
    assert_int_equal(nf_run(&opts, explicit_task, &c), 0);
    assert_true(c.max > 0 && c.max <= 2048);
}

/* ---- the connection policy at thousands in flight (src/net/connections.c) ---- */

struct burst {
    size_t n;
    struct cf_server_stats st;
};

static int burst_task(void *arg, void **res)
{
    struct burst *b = arg;
    struct many m = {.url = {nf_url("/delay?s=0.5")}, .n = b->n};
    (void)res;

    many_init(&m);
    cf_server_reset_stats(nf.srv);
    assert_int_equal(many_task(&m, NULL), 0);
    for (size_t i = 0; i < m.n; i++)
        assert_int_equal(m.rc[i], 0);
    cf_sleep(0.2); /* the server sees the closes */
    cf_server_stats(nf.srv, &b->st);
    many_free(&m);
    return 0;
}

static void burst_keeps_at_most_1024(void **state)
{
    struct burst b = {.n = 1500};
    struct rlimit rl;
    (void)state;

    /* 1,500 sockets on each side of loopback, in this one process. */
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 3300)
        skip();
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur < 3300) {
        rl.rlim_cur = 3300;
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
    }
    /* All at once: every transfer opens its own connection (none is idle when it starts),
     * and only the first 1,024 are kept for reuse; the rest close after their transfer,
     * although the tasks added them before libcurl had opened a single socket. */
    assert_int_equal(nf_run(NULL, burst_task, &b), 0);
    assert_true(b.st.conns_max >= 1400);
    assert_true(b.st.conns_open <= 1024);
    assert_true(b.st.conns_open >= 512); /* and reuse is not given up */
}

/* ---- connections kept between waves of transfers (src/net/connections.c) ---- */

#define WAVES     10
#define WAVE_SIZE 8

struct waves {
    unsigned long conns[WAVES + 1]; /* the server's conns_total before each wave, and after */
};

static int waves_task(void *arg, void **res)
{
    struct waves *w = arg;
    int rc = 0;
    (void)res;

    for (int i = 0; i < WAVES && rc == 0; i++) {
        struct many m = {.url = {nf_url("/bytes?n=100")}, .n = WAVE_SIZE};
        struct cf_server_stats st;

        many_init(&m);
        cf_server_stats(nf.srv, &st);
        w->conns[i] = st.conns_total;
        rc = many_task(&m, NULL);
        for (size_t j = 0; j < m.n && rc == 0; j++)
            rc = m.rc[j];
        many_free(&m);
    }
    w->conns[WAVES] = 0;
    if (rc == 0) {
        struct cf_server_stats st;
        cf_server_stats(nf.srv, &st);
        w->conns[WAVES] = st.conns_total;
    }
    return rc;
}

/* Each wave's tasks end (their transfers leave the multi) before the next wave's begin:
 * the connections the first wave opened still serve every later one. libcurl's own cap,
 * 4 x the transfers in the multi at the moment, drops to nothing between waves. */
static void waves_reuse_connections(void **state)
{
    struct waves w = {{0}};
    (void)state;

    assert_int_equal(nf_run(NULL, waves_task, &w), 0);
    assert_true(w.conns[1] - w.conns[0] <= WAVE_SIZE);
    for (int i = 1; i < WAVES; i++)
        if (w.conns[i + 1] != w.conns[i])
            fail_msg("wave %d opened %lu new connections", i, w.conns[i + 1] - w.conns[i]);
}

/* ---- a kept connection that dies under its next request (src/net/connections.c, fetch.c) ---- */

struct dead_kept {
    int rc;
    char error[256];
    unsigned long resets; /* requests /reset saw */
    int after;            /* a good fetch after it */
};

static int dead_kept_task(void *arg, void **res)
{
    struct dead_kept *d = arg;
    struct many m = {.url = {nf_url("/bytes?n=100")}, .n = 6};
    struct cf_response resp;
    (void)res;

    many_init(&m);
    if (many_task(&m, NULL) != 0) /* six connections kept */
        return -1;
    many_free(&m);
    cf_server_reset_stats(nf.srv);
    d->rc = nf_get(nf_url("/reset?before=1"), &resp);
    snprintf(d->error, sizeof d->error, "%s", resp.error ? resp.error : "");
    cf_response_free(&resp);
    d->resets = cf_server_count_path(nf.srv, "/reset");
    d->after = nf_get(nf_url("/bytes?n=10"), &resp);
    cf_response_free(&resp);
    return 0;
}

/* The server closes the connection without replying: on a kept connection libcurl resends
 * the request elsewhere. Once: the resend goes to a fresh connection, where the server's
 * silence is the answer ("empty reply"), not to the other five kept ones ("Connection
 * died, tried 5 times", the request sent six times). */
static void dead_kept_connection_resent_once(void **state)
{
    struct dead_kept d = {0};
    (void)state;

    assert_int_equal(nf_run(NULL, dead_kept_task, &d), 0);
    assert_int_equal(d.rc, CF_ERECV);
    if (!strstr(d.error, "mpty reply"))
        fail_msg("error: %s", d.error);
    assert_int_equal(d.resets, 2);
    assert_int_equal(d.after, 0);
}

/* ---- receive buffers kept for the next transfer (curl_mem.c) ---- */

#define RB_WORKERS 4
#define RB_EACH    50

struct rb_seen {
    const void *at[RB_WORKERS * RB_EACH]; /* where each body arrived (distinct values) */
    size_t n;
    int failed;
};

static int rb_note(void *ctx, const void *data, size_t len)
{
    struct rb_seen *seen = ctx;
    (void)len;
    for (size_t i = 0; i < seen->n; i++)
        if (seen->at[i] == data)
            return 0;
    if (seen->n < sizeof seen->at / sizeof seen->at[0])
        seen->at[seen->n++] = data;
    return 0;
}

static int rb_worker(void *arg, void **res)
{
    struct rb_seen *seen = arg;
    (void)res;
    for (int i = 0; i < RB_EACH; i++) {
        struct cf_request req;
        struct cf_response resp;
        cf_request_init(&req, nf_url("/bytes?n=100"));
        req.sink = CF_SINK_CALLBACK;
        req.sink_fn = rb_note;
        req.sink_ctx = seen;
        if (cf_fetch(&req, &resp) != 0)
            seen->failed++;
        cf_response_free(&resp);
    }
    return 0;
}

static int rb_task(void *arg, void **res)
{
    cf_task *t[RB_WORKERS];
    int rc = 0, n = 0;
    (void)res;

    for (; n < RB_WORKERS && rc == 0; n++)
        rc = cf_spawn(&t[n], rb_worker, arg);
    if (rc == 0)
        rc = cf_gather(t, (size_t)n, 0, NULL, NULL);
    for (int i = 0; i < n; i++)
        cf_task_unref(t[i]);
    return rc;
}

/* 200 small bodies, 4 at a time: libcurl 7.88 mallocs a receive buffer for every
 * transfer and frees it at the end; the same few serve them all (without the cache,
 * the allocator hands out new places: under ASan, whose quarantine holds freed memory
 * back, every body arrives at an address of its own). */
static void receive_buffers_reused(void **state)
{
    struct rb_seen seen = {.n = 0};
    (void)state;

    assert_int_equal(nf_run(NULL, rb_task, &seen), 0);
    assert_int_equal(seen.failed, 0);
    if (seen.n > 2 * RB_WORKERS)
        fail_msg("bodies arrived at %zu places for %d transfers in flight", seen.n, RB_WORKERS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        // clang-format off
        cmocka_unit_test(thousand_with_host_cap),
        cmocka_unit_test(total_connection_cap),
        cmocka_unit_test(in_flight_cap),
        cmocka_unit_test(queue_time_single_slot),
        cmocka_unit_test(rate_limit_spreads),
        cmocka_unit_test(rate_limit_per_host),
        cmocka_unit_test(rate_per_host_after_slot_wait),
        cmocka_unit_test(cancel_mid_transfer),
        cmocka_unit_test(cancel_mid_body),
        cmocka_unit_test(cancel_from_callback),
        cmocka_unit_test(cancel_while_queued),
        cmocka_unit_test(receive_buffer_shares_a_budget),
        cmocka_unit_test(receive_buffer_budget_is_a_cap),
        cmocka_unit_test(receive_buffer_explicit),
        cmocka_unit_test(burst_keeps_at_most_1024),
        cmocka_unit_test(waves_reuse_connections),
        cmocka_unit_test(dead_kept_connection_resent_once),
        cmocka_unit_test(receive_buffers_reused),
        // clang-format on
    };
    return cmocka_run_group_tests(tests, nf_group_setup, nf_group_teardown);
}
